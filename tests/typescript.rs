//! The TypeScript package (`packages/session-keys`): its own checks and tests under Node.js, its
//! end-to-end tests on a devnet this test starts, and a differential test against the Rust SDK on
//! random sessions.
//!
//! The end-to-end tests (`npm run test:e2e`) get the devnet in `SK_E2E`: its URL, our account's
//! class, a funded account and the example tip jar; a session they create is then read and used
//! by the Rust SDK, so a session made in a browser works from a Rust backend.
//!
//! The package's tests (`npm test`) check it against the protocol's vectors, the files the Rust
//! and Cairo tests read. The differential test gives both implementations the same random
//! sessions (from the property tests' strategies) and calls: the TypeScript package reads the
//! Rust SDK's session file and must find the same session hash, policy root, typed data and
//! token for each call list (or refuse it with the same error), the same spending pre-check
//! verdict (what calls on limited tokens count, against a random count so far, or the error),
//! and write the session file back byte for byte. The seed is printed; `SK_DIFF_SEED=<seed>` replays it and `SK_DIFF_CASES`
//! multiplies the cases, as for the Rust ↔ Cairo differential test.
use std::path::PathBuf;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt};
use sk_session::{check_spending, SessionAccount, SignedSession, SpendingUsage, LOGOUT_SESSION_SELECTOR};
use sk_tests::arbitrary::request_spec;
use starknet::accounts::Account;
use starknet::core::types::U256;
use starknet::core::types::{Call, Felt};
use starknet::macros::selector;
use starknet::signers::SigningKey;

fn package() -> PathBuf {
    sk_tests::repo_root().join("packages/session-keys")
}

fn npm(args: &[&str]) {
    let dir = package();
    sk_tests::node::npm_ci(&dir);
    let output = sk_tests::node::run(&dir, "npm", args, None);
    sk_tests::node::check(&dir, &format!("npm {}", args.join(" ")), &output);
}

#[test]
fn the_package_typechecks_builds_and_passes_its_tests() {
    npm(&["run", "typecheck"]);
    npm(&["test"]);
    npm(&["run", "build"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_package_works_end_to_end_on_devnet_and_its_sessions_work_from_rust() {
    let devnet = sk_tests::devnet().await;
    let funder = devnet.client().predeployed_accounts().await.expect("devnet's accounts")[0].clone();
    let tip_jar = sk_tests::deploy_tip_jar(&devnet, funder.address).await;
    let environment = json!({
        "rpc": devnet.url().to_string(),
        "accountClassHash": format!("{:#x}", sk_contracts::SESSION_KEY_ACCOUNT.class_hash),
        "tipJar": format!("{tip_jar:#x}"),
        "funder": { "address": format!("{:#x}", funder.address), "privateKey": format!("{:#x}", funder.private_key) },
    })
    .to_string();
    let out = tempfile::NamedTempFile::new().expect("a temporary file");
    let out_path = out.path().to_str().expect("a UTF-8 path").to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let dir = package();
        sk_tests::node::npm_ci(&dir);
        let env = [("SK_E2E", environment.as_str()), ("SK_E2E_SESSION_OUT", out_path.as_str())];
        let output = sk_tests::node::run_with_env(&dir, "npm", &["run", "test:e2e"], None, &env);
        sk_tests::node::check(&dir, "npm run test:e2e", &output);
        output
    })
    .await
    .expect("the end-to-end tests ran");
    eprintln!(
        "{}",
        String::from_utf8_lossy(&output.stdout).lines().filter(|l| l.starts_with("# ")).collect::<Vec<_>>().join("\n")
    );

    // The session the TypeScript package created through the owner's starknet.js account, read by
    // the Rust SDK from its file and used with its key.
    let written: Value = serde_json::from_slice(&std::fs::read(out.path()).expect("the tests wrote the session"))
        .expect("the session and key as JSON");
    let session = SignedSession::from_json(written["session"].as_str().expect("the session file"))
        .unwrap_or_else(|e| panic!("the Rust SDK reads the TypeScript package's session file: {e}"));
    let key =
        SigningKey::from_secret_scalar(Felt::from_hex(written["key"].as_str().expect("the key")).expect("a felt"));
    let account =
        SessionAccount::connect(devnet.provider(), session, key).await.expect("the session is valid on chain");
    let recipient = Felt::from_hex_unchecked("0x7e57");
    let before = strk_balance(&devnet.provider(), recipient).await.unwrap();
    let sent = account.execute_v3(vec![strk_transfer(recipient, 7)]).send().await.expect("the Rust SDK sends with it");
    wait_for_receipt(&devnet.provider(), sent.transaction_hash).await.expect("accepted");
    assert_eq!(strk_balance(&devnet.provider(), recipient).await.unwrap() - before, 7);
}

const CASES: usize = 150;
const ACCOUNT: Felt = Felt::from_hex_unchecked("0xacc0");
const CHAIN_ID: Felt = Felt::from_hex_unchecked("0x534e5f5345504f4c4941");

fn seed() -> u64 {
    let seed = std::env::var("SK_DIFF_SEED").ok().and_then(|text| text.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    });
    eprintln!("TypeScript differential test: seed {seed} (SK_DIFF_SEED={seed} replays these cases)");
    seed
}

/// Call lists for `session`: one call per policy with arguments near its rules' values (so some
/// rules hold and some break), a call no policy allows, the account's own logout and another
/// call to the account, and all of the first together.
fn call_lists(session: &SignedSession, rng: &mut TestRng) -> Vec<Vec<Call>> {
    use proptest::prelude::Rng;
    let mut pick = |values: &[Felt]| -> Felt {
        let choice = rng.next_u32() as usize;
        match (choice % 5, values.get(choice / 5 % values.len().max(1))) {
            (0 | 1, Some(value)) => *value,
            (2, Some(value)) => *value + Felt::ONE,
            (3, _) => Felt::ZERO,
            _ => Felt::from(rng.next_u64()),
        }
    };
    let mut per_policy = Vec::new();
    for policy in session.request().policies().policies() {
        let mut values: Vec<Felt> = Vec::new();
        for rule in &policy.rules {
            values.extend(&rule.values);
            values.extend(rule.u256_values.iter().map(|v| Felt::from(v.low())));
        }
        let words = policy.rules.iter().map(|rule| rule.word as usize + 2).max().unwrap_or(2).min(8);
        let calldata = (0..words).map(|_| pick(&values)).collect();
        per_policy.push(Call { to: policy.contract, selector: policy.selector, calldata });
    }
    let stranger = Call { to: Felt::from(0x5742u32), selector: Felt::from(0x5e1u32), calldata: vec![] };
    let logout = Call { to: ACCOUNT, selector: LOGOUT_SESSION_SELECTOR, calldata: vec![] };
    let self_call = Call { to: ACCOUNT, selector: Felt::from(0x5e1fu32), calldata: vec![] };
    let mut lists: Vec<Vec<Call>> = per_policy.iter().map(|call| vec![call.clone()]).collect();
    lists.extend([vec![stranger], vec![logout], vec![self_call], per_policy]);
    lists
}

/// A spending pre-check's inputs: the calls, each limited token's count so far, the time.
type SpendingCase = (Vec<Call>, Vec<(Felt, SpendingUsage)>, u64);

/// Calls spending the session's limited tokens (transfers, approvals, a `transfer_from` out of
/// the account) with amounts near what is left, the account's count of each limit so far, and a
/// time: the spending pre-check's inputs.
fn spending_case(session: &SignedSession, rng: &mut TestRng) -> Option<SpendingCase> {
    use proptest::prelude::Rng;
    let limits = session.session().spending_limits;
    if limits.is_empty() {
        return None;
    }
    let mut calls = Vec::new();
    let mut usage = Vec::new();
    let valid_after = session.request().valid_after();
    let now = valid_after + rng.next_u64() % 200_000;
    for limit in &limits {
        let spent = U256::from(rng.next_u64() as u128 % (limit.total.low().max(1)));
        let period = (now - valid_after)
            .checked_div(limit.period)
            .map_or(0, |current| current.saturating_sub(u64::from(rng.next_u32() % 2)));
        let in_period = U256::from(rng.next_u64() as u128 % (limit.per_period.low().max(1)));
        usage.push((limit.token, SpendingUsage { total: spent, period, period_spent: in_period }));
        let amount = |rng: &mut TestRng| -> u128 {
            match rng.next_u32() % 3 {
                0 => limit.per_period.low() / 2,
                1 => limit.total.low().saturating_sub(spent.low()),
                _ => rng.next_u64() as u128,
            }
        };
        let selector =
            [selector!("transfer"), selector!("approve"), selector!("transfer_from")][rng.next_u32() as usize % 3];
        let mut calldata = if selector == selector!("transfer_from") { vec![ACCOUNT] } else { vec![] };
        calldata.extend([Felt::from(0xb0bu32), Felt::from(amount(rng)), Felt::ZERO]);
        calls.push(Call { to: limit.token, selector, calldata });
    }
    Some((calls, usage, now))
}

/// The Rust SDK's spending pre-check of a [`spending_case`]: what each token's calls count, or
/// the first error.
fn spending_verdict(
    session: &SignedSession,
    (calls, usage, now): &(Vec<Call>, Vec<(Felt, SpendingUsage)>, u64),
) -> Value {
    let limits = session.session();
    let checked = sk_session::spends(&limits, ACCOUNT, calls).and_then(|spent| {
        for (limit, amount) in &spent {
            let counted =
                usage.iter().find(|(token, _)| *token == limit.token).map(|(_, usage)| *usage).unwrap_or_default();
            check_spending(limit, &counted, *amount, limits.valid_after, *now)?;
        }
        Ok(spent)
    });
    match checked {
        Ok(spent) => {
            json!({ "ok": spent.iter().map(|(limit, amount)| [format!("{:#x}", limit.token), amount.to_string()]).collect::<Vec<_>>() })
        }
        Err(error) => json!({ "error": variant(&error) }),
    }
}

fn variant(error: &sk_session::Error) -> String {
    format!("{error:?}").split(|c: char| !c.is_alphanumeric()).next().unwrap_or_default().to_string()
}

fn call_json(calls: &[Call]) -> Value {
    calls
        .iter()
        .map(|call| {
            json!({
                "to": format!("{:#x}", call.to),
                "selector": format!("{:#x}", call.selector),
                "calldata": call.calldata.iter().map(|felt| format!("{felt:#x}")).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// The Rust SDK's verdict on `calls`: the token with `signature`, or the error's variant name.
fn verdict(session: &SignedSession, calls: &[Call], signature: &[Felt]) -> Value {
    match session.call_proofs(calls) {
        Ok(proofs) => {
            let token = session.token(signature.to_vec(), proofs).to_felts();
            json!({ "token": token.iter().map(|felt| format!("{felt:#x}")).collect::<Vec<_>>() })
        }
        Err(error) => json!({ "error": variant(&error) }),
    }
}

#[test]
fn the_package_agrees_with_the_rust_sdk_on_random_sessions() {
    let seed = seed();
    let factor: usize = std::env::var("SK_DIFF_CASES").ok().and_then(|text| text.parse().ok()).unwrap_or(1);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let owner = SigningKey::from_secret_scalar(Felt::from(0x0123u32));
    let signature = [Felt::from(0x5151u32), Felt::from(0x5252u32)];
    let strategy = request_spec();
    let mut expected = Vec::new();
    let mut cases = Vec::new();
    for index in 0..CASES * factor {
        let spec = strategy.new_tree(&mut runner).expect("a case generates").current();
        let session = spec.build().sign(ACCOUNT, CHAIN_ID, &owner).expect("the owner signs");
        let lists = call_lists(&session, runner.rng());
        let spending = spending_case(&session, runner.rng());
        let name = format!("case {index}");
        cases.push(json!({
            "name": name,
            "session": session.to_json(),
            "signature": signature.iter().map(|felt| format!("{felt:#x}")).collect::<Vec<_>>(),
            "calls": lists.iter().map(|calls| call_json(calls)).collect::<Vec<_>>(),
            "spending": spending.as_ref().map(|(calls, usage, now)| json!({
                "calls": call_json(calls),
                "usage": usage.iter().map(|(token, usage)| json!({
                    "token": format!("{token:#x}"),
                    "total": usage.total.to_string(),
                    "period": usage.period,
                    "period_spent": usage.period_spent.to_string(),
                })).collect::<Vec<_>>(),
                "now": now,
            })),
        }));
        expected.push(json!({
            "name": name,
            "hash": format!("{:#x}", session.hash()),
            "root": format!("{:#x}", session.request().policies().root()),
            "typedData": session.request().typed_data(CHAIN_ID),
            "json": session.to_json(),
            "verdicts": lists.iter().map(|calls| verdict(&session, calls, &signature)).collect::<Vec<_>>(),
            "spending": spending.as_ref().map(|case| spending_verdict(&session, case)),
        }));
    }
    let dir = package();
    sk_tests::node::npm_ci(&dir);
    let file = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(file.path(), serde_json::to_vec(&cases).expect("the cases serialize"))
        .expect("the cases are written");
    let path = file.path().to_str().expect("a UTF-8 path");
    let output = sk_tests::node::run(&dir, "node", &["--import", "tsx", "test/differential-driver.ts", path], None);
    sk_tests::node::check(&dir, "node test/differential-driver.ts", &output);
    let actual: Vec<Value> = serde_json::from_slice(&output.stdout).expect("the driver prints JSON");
    assert_eq!(actual.len(), expected.len(), "one result per case");
    let mut failures = Vec::new();
    for (mine, theirs) in expected.iter().zip(&actual) {
        for field in ["hash", "root", "typedData", "json", "verdicts", "spending"] {
            if mine[field] != theirs[field] {
                failures.push(format!(
                    "{}: {field} differs (seed {seed})\n  Rust:       {}\n  TypeScript: {}\n  TypeScript failure: {}",
                    mine["name"],
                    mine[field].to_string().chars().take(600).collect::<String>(),
                    theirs[field].to_string().chars().take(600).collect::<String>(),
                    theirs["failure"]
                ));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), expected.len(), failures.join("\n"));
}
