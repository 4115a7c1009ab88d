//! `sk_session::typed_data` against starknet.js, the SNIP-12 hasher wallets run.
//!
//! Every file of `tests/typed-data/` and sessions built with the SDK are hashed by both, in one
//! `node` run of `tests/starknet-js/hash.mjs` with the starknet.js pinned there (installed with
//! `npm ci` on first use, `sk_tests::node`: Node.js and npm must be on the PATH). Each case that disagrees is
//! reported by name. Files under `tests/typed-data/invalid/` must be refused by both.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{json, Value};
use sk_session::typed_data::message_hash;
use sk_session::{MessagePolicy, SessionRequest};
use starknet::core::crypto::pedersen_hash;
use starknet::core::types::{Felt, U256};
use starknet::core::utils::cairo_short_string_to_felt;

/// The account every corpus file is hashed for.
const ACCOUNT: Felt = Felt::from_hex_unchecked("0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde");

/// One typed-data document to hash with both implementations.
struct Case {
    name: String,
    account: Felt,
    typed_data: Value,
    /// Both implementations must refuse it.
    invalid: bool,
    /// For SDK sessions: `SessionRequest::hash`, which must equal both.
    sdk_hash: Option<Felt>,
    /// For outside executions: starknet.js builds the typed data itself from this description
    /// (`outsideExecution.getTypedData`), and `typed_data` is the SDK's.
    outside_execution: Option<Value>,
}

/// What starknet.js said about one case.
enum Reference {
    Hash(Felt),
    Error(String),
}

fn manifest_dir() -> PathBuf {
    sk_tests::repo_root().join("tests")
}

/// All cases, in a fixed order: corpus files by name, invalid files, SDK sessions.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let corpus = manifest_dir().join("typed-data");
        let mut cases: Vec<Case> = corpus_files(&corpus)
            .into_iter()
            .chain(corpus_files(&corpus.join("invalid")))
            .map(|path| {
                let name = path.strip_prefix(&corpus).unwrap_or(&path).display().to_string();
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
                let typed_data = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                let invalid = name.starts_with("invalid");
                Case { name, account: ACCOUNT, typed_data, invalid, sdk_hash: None, outside_execution: None }
            })
            .collect();
        assert!(cases.iter().filter(|c| !c.invalid).count() >= 30, "the corpus at {} is missing", corpus.display());
        cases.extend(sessions());
        cases.extend(outside_executions());
        cases
    })
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Sessions of 1, 2, 3 and 100 policies as the SDK writes them, on several chains and accounts.
fn sessions() -> Vec<Case> {
    const SELECTORS: [&str; 6] = [
        "transfer",
        "approve",
        "0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad",
        "increase_allowance",
        "swap_exact_tokens_for_tokens",
        "0x0083afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e",
    ];
    // Chain ids whose short string reads as a number too: the typed data must write them in hex.
    let chains = [("SN_SEPOLIA", 1u64), ("SN_MAIN", 2), ("SN_SEPOLIA", 3), ("SN_MAIN", 100), ("123", 5), ("0x1", 6)];
    chains
        .iter()
        .map(|&(chain, policies)| {
            let chain_id = cairo_short_string_to_felt(chain).expect("a chain name is a short string");
            let seed = Felt::from(policies);
            let session_key = pedersen_hash(&seed, &Felt::from(0x5e55u64));
            let account = pedersen_hash(&seed, &Felt::from(0xacc0u64));
            // Fee limits on both sides of 2^64 and 2^53 (JavaScript's exact integers), and counts.
            let mut builder = SessionRequest::builder(session_key)
                .valid_after(1_735_689_600)
                .valid_until(1_767_225_600 + policies)
                .max_fee(10u128.pow(15) * u128::from(policies))
                .fee_budget(u128::MAX >> policies)
                .max_transactions(u32::MAX / (policies as u32 + 1))
                // Epochs as hashes (hex felts) and small; periods beyond 2^53 too (written as
                // strings; found by tests/properties.rs).
                .epoch(if policies % 2 == 0 {
                    pedersen_hash(&seed, &Felt::from(0xe0c4u32))
                } else {
                    Felt::from(policies)
                });
            // Spending limits: none, one, and several with high words and periods.
            for i in 0..(policies % 4) {
                let token = pedersen_hash(&seed, &Felt::from(0x70_0000 + i));
                let total = U256::from_words(u128::from(i) * 10u128.pow(20), u128::from(i));
                builder = builder.periodic_spending_limit(
                    token,
                    total,
                    10u128.pow(18) + u128::from(i),
                    if i == 2 { 1 << 60 } else { 3600 * i },
                );
            }
            // Message policies: none, one, two; names that read as numbers too (encoded as such).
            let domains = [("Chess", "1"), ("42", "v2"), ("My dApp", "0x3")];
            for (i, (name, version)) in domains.iter().enumerate().take((policies % 3) as usize) {
                let type_string = format!("\"Move{i}\"(\"Seed\":\"felt\",\"Square\":\"shortstring\")");
                let policy = MessagePolicy::new(name, version, &type_string).expect("a valid message policy");
                builder = builder.allow_message(policy);
            }
            for i in 0..policies {
                // Unordered, well spread contracts: the SDK sorts them into the tree.
                let contract = pedersen_hash(&seed, &Felt::from(i));
                builder = builder.allow(contract, SELECTORS[(i as usize) % SELECTORS.len()]);
            }
            let request = builder.build().unwrap_or_else(|e| panic!("session of {policies} policies: {e}"));
            Case {
                name: format!("sdk session, {policies} policies, {chain}"),
                account,
                typed_data: request.typed_data(chain_id),
                invalid: false,
                sdk_hash: Some(request.hash(account, chain_id)),
                outside_execution: None,
            }
        })
        .collect()
}

/// Outside executions (SNIP-9 version 2) as the SDK hashes them, and as starknet.js builds them
/// from the same calls, by entry point name: none, one and several calls, any caller or a named
/// one, times on both sides of 2^53 (JavaScript's exact integers), on two chains.
fn outside_executions() -> Vec<Case> {
    let entrypoints = ["transfer", "approve", "play", "execute_from_outside_v2"];
    let cases = [
        ("SN_SEPOLIA", 0u64, Felt::from_hex_unchecked("0x414e595f43414c4c4552"), 0u64, 1u64),
        ("SN_MAIN", 1, Felt::from(0xca11e2u32), 1_735_689_600, 1_735_693_200),
        ("SN_SEPOLIA", 3, Felt::from_hex_unchecked("0x414e595f43414c4c4552"), 1 << 53, u64::MAX),
        ("SN_MAIN", 12, Felt::from(0xca11e2u32), 9, (1 << 53) + 1),
    ];
    cases
        .iter()
        .map(|&(chain, count, caller, execute_after, execute_before)| {
            let chain_id = cairo_short_string_to_felt(chain).expect("a chain name is a short string");
            let seed = Felt::from(count + 0x0e);
            let account = pedersen_hash(&seed, &Felt::from(0xacc0u64));
            let calls: Vec<(Felt, &str, Vec<Felt>)> = (0..count)
                .map(|i| {
                    let to = pedersen_hash(&seed, &Felt::from(i));
                    let calldata = (0..i % 4).map(|j| pedersen_hash(&to, &Felt::from(j))).collect();
                    (to, entrypoints[(i as usize) % entrypoints.len()], calldata)
                })
                .collect();
            let execution = sk_session::OutsideExecution {
                caller,
                nonce: pedersen_hash(&seed, &Felt::from(0x404ceu64)),
                execute_after,
                execute_before,
                calls: calls
                    .iter()
                    .map(|(to, name, calldata)| starknet::core::types::Call {
                        to: *to,
                        selector: starknet::core::utils::get_selector_from_name(name).expect("a name"),
                        calldata: calldata.clone(),
                    })
                    .collect(),
            };
            let hex = |felt: &Felt| format!("{felt:#x}");
            let description = json!({
                "chainId": hex(&chain_id),
                "caller": hex(&caller),
                "nonce": hex(&execution.nonce),
                "executeAfter": execute_after.to_string(),
                "executeBefore": execute_before.to_string(),
                "calls": calls.iter().map(|(to, name, calldata)| json!({
                    "contractAddress": hex(to),
                    "entrypoint": name,
                    "calldata": calldata.iter().map(hex).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            Case {
                name: format!("sdk outside execution, {count} calls, {chain}"),
                account,
                typed_data: execution.typed_data(chain_id),
                invalid: false,
                sdk_hash: Some(execution.message_hash(account, chain_id)),
                outside_execution: Some(description),
            }
        })
        .collect()
}

/// starknet.js's verdict on every case, from one run of `hash.mjs`.
fn references() -> &'static HashMap<String, Reference> {
    static REFERENCES: OnceLock<HashMap<String, Reference>> = OnceLock::new();
    REFERENCES.get_or_init(|| {
        let dir = manifest_dir().join("starknet-js");
        sk_tests::node::npm_ci(&dir);
        let input: Vec<Value> = cases()
            .iter()
            .map(|case| {
                let mut input = json!({ "name": case.name, "account": format!("{:#x}", case.account) });
                match &case.outside_execution {
                    Some(description) => input["outsideExecution"] = description.clone(),
                    None => input["typedData"] = case.typed_data.clone(),
                }
                input
            })
            .collect();
        let input = serde_json::to_vec(&input).expect("the cases serialize");
        let output = sk_tests::node::run(&dir, "node", &["hash.mjs"], Some(&input));
        sk_tests::node::check(&dir, "node hash.mjs", &output);
        let results: Vec<Value> = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("hash.mjs printed something other than JSON results: {e}"));
        let references: HashMap<String, Reference> = results
            .iter()
            .map(|result| {
                let name = result["name"].as_str().expect("each result is named").to_owned();
                let reference = match (&result["hash"], &result["error"]) {
                    (Value::String(hash), _) => Reference::Hash(
                        Felt::from_hex(hash).unwrap_or_else(|e| panic!("{name}: starknet.js printed {hash}: {e}")),
                    ),
                    (_, Value::String(error)) => Reference::Error(error.clone()),
                    _ => panic!("{name}: hash.mjs printed {result}"),
                };
                (name, reference)
            })
            .collect();
        assert_eq!(references.len(), cases().len(), "hash.mjs answered for every case, each name once");
        references
    })
}

/// Compares every case of `cases` with starknet.js; the disagreements, one line each.
fn disagreements<'a>(cases: impl Iterator<Item = &'a Case>) -> Vec<String> {
    let references = references();
    let mut problems = Vec::new();
    for case in cases {
        let ours = message_hash(&case.typed_data, case.account);
        let theirs = &references[&case.name];
        let name = &case.name;
        match (case.invalid, &ours, theirs) {
            (false, Ok(ours), Reference::Hash(theirs)) if ours == theirs => {}
            (false, Ok(ours), Reference::Hash(theirs)) => {
                problems.push(format!("{name}: sk_session {ours:#x}, starknet.js {theirs:#x}"))
            }
            (false, Err(ours), Reference::Hash(theirs)) => {
                problems.push(format!("{name}: sk_session refused ({ours}), starknet.js hashed {theirs:#x}"))
            }
            (_, Ok(ours), Reference::Error(theirs)) => {
                problems.push(format!("{name}: sk_session hashed {ours:#x}, starknet.js refused ({theirs})"))
            }
            (false, Err(ours), Reference::Error(theirs)) => problems.push(format!(
                "{name}: refused by both, but it is a valid case (sk_session: {ours}; starknet.js: {theirs})"
            )),
            (true, Err(_), Reference::Error(_)) => {}
            (true, _, Reference::Hash(theirs)) => {
                problems.push(format!("{name}: an invalid case, yet starknet.js hashed it: {theirs:#x}"))
            }
        }
        if let (Some(sdk), Ok(ours)) = (case.sdk_hash, &ours) {
            if sdk != *ours {
                problems.push(format!("{name}: the SDK's own hash {sdk:#x}, typed_data::message_hash {ours:#x}"));
            }
        }
    }
    problems
}

fn assert_agree<'a>(what: &str, cases: impl Iterator<Item = &'a Case>) {
    let cases: Vec<&Case> = cases.collect();
    assert!(!cases.is_empty(), "no {what}");
    let problems = disagreements(cases.iter().copied());
    assert!(
        problems.is_empty(),
        "{} of {} {what} disagree with starknet.js:\n  {}",
        problems.len(),
        cases.len(),
        problems.join("\n  ")
    );
}

#[test]
fn corpus_hashes_equal_starknet_js() {
    assert_agree("corpus files", cases().iter().filter(|c| !c.invalid && c.sdk_hash.is_none()));
}

#[test]
fn invalid_corpus_is_refused_like_starknet_js() {
    assert_agree("invalid corpus files", cases().iter().filter(|c| c.invalid));
}

#[test]
fn sdk_session_hashes_equal_starknet_js() {
    assert_agree("SDK sessions", cases().iter().filter(|c| c.sdk_hash.is_some() && c.outside_execution.is_none()));
}

#[test]
fn sdk_outside_execution_hashes_equal_starknet_js() {
    assert_agree("SDK outside executions", cases().iter().filter(|c| c.outside_execution.is_some()));
}
