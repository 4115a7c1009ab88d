//! Off-chain: building a session (tree and every proof) and signing session transactions, in the
//! Rust SDK and in `@argent/x-sessions` with starknet.js, on the same machine in the same run.
//!
//! Both sides do the same work for a transaction: the v3 invoke hash, the session key's signature,
//! the guardian's co-signature (played locally: Argent's backend does it in production, and its
//! time is reported apart), the proofs and the token. The session hashes and the first
//! transaction's hash must agree, and x-sessions' token for it must equal the Rust SDK's felt for
//! felt, but for ECDSA `r, s` values that differ and still verify.
use std::hint::black_box;
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;
use serde_json::{json, Value};
use sk_devnet::{strk_transfer, Devnet, Provider, STRK};
use sk_session::argent::{
    session_message_hash, AllowedMethod, ArgentSession, ArgentSessionSigner, ArgentSessionToken, CosignRequest,
    Guardian, StarknetSignerSignature,
};
use sk_session::{SessionAccount, SessionRequest};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{Call, Felt};
use starknet::macros::selector;
use starknet::signers::SigningKey;

use crate::error::{hex, Error};
use crate::onchain::{filler_contract, key};
use crate::{Config, Progress};

/// The account the off-chain transactions are signed for (nothing is sent).
const ACCOUNT: Felt = Felt::from_hex_unchecked("0x0a11ce");
/// Session expiry: fixed, so both sides hash the same session on every run.
const EXPIRES_AT: u64 = 1_893_456_000;
/// Argent's metadata string (compact JSON: `offchain.mjs` parses it and x-sessions stringifies it
/// back to this very text).
const METADATA: &str = r#"{"projectID":"sk-bench","txFees":[{"tokenAddress":"0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d","maxAmount":"1000000000000000000"}]}"#;
/// Resource bounds of every signed transaction: (max amount, max price) for L1, L2, L1 data gas.
const BOUNDS: [(u64, u128); 3] = [(0, 100_000_000_000), (20_000_000, 10_000_000_000), (1_000, 100_000_000_000)];

/// One implementation's timings.
#[derive(Debug, Clone, Serialize)]
pub struct Timings {
    /// Which SDK and which session format.
    pub name: String,
    /// Building the session: each repetition, milliseconds.
    pub build_ms: Vec<f64>,
    /// Median of `build_ms`.
    pub build_median_ms: f64,
    /// Signing one session transaction (whole signature, guardian included): each, microseconds.
    pub sign_us: Vec<f64>,
    /// Median of `sign_us`.
    pub sign_median_us: f64,
    /// The part of each signature spent by the guardian (Argent format only), microseconds.
    /// x-sessions' guardian (played locally, as Argent's backend) also parses the request and
    /// recomputes the transaction hash; ours signs the hash it is given.
    pub guardian_median_us: Option<f64>,
    /// The dApp's own share of each signature (the whole signature less the guardian's part),
    /// median, microseconds: the like-for-like comparison.
    pub client_median_us: f64,
}

/// The off-chain results.
#[derive(Debug, Clone, Serialize)]
pub struct Offchain {
    /// Policies in the session.
    pub policies: usize,
    /// Transactions signed by each Rust implementation.
    pub transactions: usize,
    /// Transactions signed by x-sessions.
    pub xsessions_transactions: usize,
    /// Times the session was built per implementation.
    pub build_repetitions: usize,
    /// Node.js, starknet.js and x-sessions versions.
    pub node: String,
    /// starknet.js version x-sessions ran with.
    pub starknet_js: String,
    /// x-sessions version.
    pub x_sessions: String,
    /// Ours (our format), ours (Argent's format), x-sessions.
    pub timings: Vec<Timings>,
    /// The Argent session hash both sides computed.
    pub argent_session_hash: String,
    /// Whether the first transaction's signature was identical on both sides.
    pub first_signature_identical: bool,
}

impl Timings {
    /// The medians of `build_ms` and `sign_us`, and, when a guardian co-signs, of its part of
    /// each signature (`guardian_us`, one per transaction) and of the rest.
    fn new(name: &str, build_ms: Vec<f64>, sign_us: Vec<f64>, guardian_us: Option<Vec<f64>>) -> Result<Self, Error> {
        let client_us = match &guardian_us {
            Some(guardian_us) => differences(&sign_us, guardian_us)?,
            None => sign_us.clone(),
        };
        Ok(Self {
            name: name.to_string(),
            build_median_ms: median(&build_ms),
            build_ms,
            sign_median_us: median(&sign_us),
            sign_us,
            guardian_median_us: guardian_us.as_deref().map(median),
            client_median_us: median(&client_us),
        })
    }
}

impl Offchain {
    /// The timings named `name`.
    pub fn timings(&self, name: &str) -> Option<&Timings> {
        self.timings.iter().find(|t| t.name == name)
    }
}

/// Our SDK, our session format.
pub const OURS: &str = "sk-session (ours)";
/// Our SDK, Argent's session format.
pub const OURS_ARGENT: &str = "sk-session::argent";
/// Argent's SDK.
pub const X_SESSIONS: &str = "@argent/x-sessions";
/// Our TypeScript package, our session format, in the same Node.js process as x-sessions.
pub const OURS_TS: &str = "starknet-session-keys (ours, TypeScript)";
/// The floor: starknet-rs's own `SingleOwnerAccount` signing the same transaction with one key
/// (the invoke hash and one ECDSA signature, the least any account's signing can do).
pub const FLOOR: &str = "starknet-rs SingleOwnerAccount (floor)";

/// Runs the three implementations.
pub async fn run(devnet: &Devnet, config: &Config, progress: Progress<'_>) -> Result<Offchain, Error> {
    let n = config.offchain_policies;
    let m = config.offchain_transactions;
    let reps = config.build_repetitions.max(1);
    let chain_id = devnet.chain_id();
    let owner = key(0x0ff_c4a1);
    let guardian = key(0x0ff_6a4d);
    let session_key = key(0x0ff_5e55);
    let transfer = strk_transfer(crate::onchain::RECIPIENT, crate::onchain::AMOUNT);

    progress(&format!("off-chain, Rust SDK (our format): {n} policies, {m} transactions"));
    let (ours, ours_hash) = ours(devnet.provider(), chain_id, &owner, &session_key, n, m, reps, &transfer).await?;

    progress(&format!("off-chain, the floor: {m} transactions signed by a plain starknet-rs owner account"));
    let floor_account = sk_devnet::local_account(devnet.provider(), ACCOUNT, session_key.clone(), chain_id);
    let floor = Timings::new(FLOOR, Vec::new(), sign_many(&floor_account, m, &transfer, "starknet-rs").await?, None)?;

    progress(&format!("off-chain, Rust SDK (Argent's format): {n} policies, {m} transactions"));
    let methods = argent_methods(n);
    let (ours_argent, rust_first) =
        ours_argent(devnet.provider(), chain_id, &owner, &guardian, &session_key, &methods, m, reps, &transfer).await?;

    let xsessions = crate::xsessions::XSessions::install(progress)?;
    let module = crate::xsessions::session_keys_module(progress)?;
    let js_transactions = config.xsessions_transactions.max(1);
    progress(&format!("off-chain, @argent/x-sessions: {n} policies, {js_transactions} transactions"));
    let input = json!({
        "chain_id": hex(chain_id),
        "account": hex(ACCOUNT),
        "owner_key": hex(owner.secret_scalar()),
        "guardian_key": hex(guardian.secret_scalar()),
        "session_key": hex(session_key.secret_scalar()),
        "expires_at": EXPIRES_AT,
        "metadata": METADATA,
        "allowed_methods": methods.iter().map(|m| json!({ "Contract Address": hex(m.contract_address), "selector": m.selector })).collect::<Vec<_>>(),
        "build_repetitions": reps,
        "transactions": js_transactions,
        "cache_authorization": false,
        "call": { "contractAddress": hex(transfer.to), "entrypoint": "transfer", "calldata": transfer.calldata.iter().map(|f| hex(*f)).collect::<Vec<_>>() },
        "nonce": 0,
        "resource_bounds": {
            "l1_gas": bound(BOUNDS[0]),
            "l2_gas": bound(BOUNDS[1]),
            "l1_data_gas": bound(BOUNDS[2]),
        },
        "session_keys": {
            "module": module.to_string_lossy(),
            "contracts": std::iter::once(STRK).chain((1..n).map(filler_contract)).map(hex).collect::<Vec<_>>(),
            "max_fee": crate::SESSION_MAX_FEE.to_string(),
            "fee_budget": crate::SESSION_FEE_BUDGET.to_string(),
            "session_hash": hex(ours_hash),
            "transactions": m,
        },
    });
    let js = xsessions.offchain(&input, progress)?;
    let js_hash = js_field(&js, "session_hash")?;
    if felt_of(&js_hash)? != rust_first.session_hash {
        return Err(Error::Mismatch { what: "the session hash", js: js_hash, rust: hex(rust_first.session_hash) });
    }
    let js_tx_hash = js_field(&js, "first_transaction_hash")?;
    if felt_of(&js_tx_hash)? != rust_first.transaction_hash {
        return Err(Error::Mismatch {
            what: "the first transaction's hash",
            js: js_tx_hash,
            rust: hex(rust_first.transaction_hash),
        });
    }
    let js_first: Vec<Felt> = js["first_signature"]
        .as_array()
        .ok_or_else(|| Error::Js("offchain.mjs gave no first_signature".into()))?
        .iter()
        .map(|v| {
            v.as_str().ok_or_else(|| Error::Js(format!("offchain.mjs gave {v} in first_signature"))).and_then(felt_of)
        })
        .collect::<Result<_, _>>()?;
    let first_signature_identical = rust_first.check(&js_first)?;
    let (build_ms, sign_us) = (numbers(&js["build_ms"])?, numbers(&js["sign_us"])?);
    let guardian_us = numbers(&js["guardian_us"])?;
    let x = Timings::new(X_SESSIONS, build_ms, sign_us, Some(guardian_us))?;
    let ts = &js["session_keys"];
    if js_field(ts, "session_hash")? != hex(ours_hash) {
        return Err(Error::Mismatch {
            what: "our session hash",
            js: js_field(ts, "session_hash")?,
            rust: hex(ours_hash),
        });
    }
    let ours_ts = Timings::new(OURS_TS, numbers(&ts["build_ms"])?, numbers(&ts["sign_us"])?, None)?;
    Ok(Offchain {
        policies: n,
        transactions: m,
        xsessions_transactions: js_transactions,
        build_repetitions: reps,
        node: js_field(&js, "node")?,
        starknet_js: js_field(&js, "starknet_js")?,
        x_sessions: js_field(&js, "x_sessions")?,
        timings: vec![ours, ours_ts, floor, ours_argent, x],
        argent_session_hash: hex(rust_first.session_hash),
        first_signature_identical,
    })
}

/// The allowed methods of the Argent session: the STRK transfer, then fillers.
fn argent_methods(n: usize) -> Vec<AllowedMethod> {
    std::iter::once(AllowedMethod::new(STRK, "transfer"))
        .chain((1..n).map(|i| AllowedMethod::new(filler_contract(i), "transfer")))
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn ours(
    provider: Provider,
    chain_id: Felt,
    owner: &SigningKey,
    session_key: &SigningKey,
    n: usize,
    m: usize,
    reps: usize,
    transfer: &Call,
) -> Result<(Timings, Felt), Error> {
    let build = || -> Result<SessionRequest, Error> {
        let mut builder = SessionRequest::builder(session_key.verifying_key().scalar())
            .valid_after(0)
            .valid_until(EXPIRES_AT)
            .max_fee(crate::SESSION_MAX_FEE)
            .fee_budget(crate::SESSION_FEE_BUDGET)
            .allow_selector(STRK, selector!("transfer"));
        for i in 1..n {
            builder = builder.allow_selector(filler_contract(i), selector!("transfer"));
        }
        Ok(builder.build()?)
    };
    let mut build_ms = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        let request = build()?;
        black_box(request.hash(ACCOUNT, chain_id));
        let tree = request.policies();
        for policy in tree.policies() {
            black_box(tree.proof(policy.contract, policy.selector));
        }
        build_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let signed = build()?.sign(ACCOUNT, chain_id, owner)?;
    let hash = signed.hash();
    let mut account = SessionAccount::new(provider, signed, session_key.clone())?;
    // Signing time alone: no usage read from a node (there is no account at ACCOUNT anyway).
    account.set_usage_check(false);
    let sign_us = sign_many(&account, m, transfer, "our SDK").await?;
    Ok((Timings::new(OURS, build_ms, sign_us, None)?, hash))
}

#[allow(clippy::too_many_arguments)]
async fn ours_argent(
    provider: Provider,
    chain_id: Felt,
    owner: &SigningKey,
    guardian: &SigningKey,
    session_key: &SigningKey,
    methods: &[AllowedMethod],
    m: usize,
    reps: usize,
    transfer: &Call,
) -> Result<(Timings, FirstToken), Error> {
    let build = || {
        ArgentSession::new(session_key.verifying_key().scalar(), EXPIRES_AT, methods.to_vec(), METADATA)
            .map_err(Error::from)
    };
    let mut build_ms = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        let session = build()?;
        black_box(session.hash(ACCOUNT, chain_id));
        for &(contract, selector) in session.allowed_calls() {
            black_box(session.proof(contract, selector));
        }
        build_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let session = build()?;
    let authorization = session.authorize(ACCOUNT, chain_id, owner, guardian)?;
    let timed = TimedGuardian { key: guardian.clone(), micros: Mutex::new(Vec::new()) };
    let signer = ArgentSessionSigner::new(session, ACCOUNT, chain_id, authorization, session_key.clone(), timed)?;
    let account = SessionAccount::with_signer(provider, ACCOUNT, chain_id, signer);

    // The first transaction's token, kept apart (untimed) to compare with x-sessions'.
    let transaction_hash = prepared(&account, 0, transfer)?.transaction_hash(false);
    let token = account.signer().token(ACCOUNT, transaction_hash, std::slice::from_ref(transfer)).await?;
    let first = FirstToken {
        session_hash: account.signer().session_hash(),
        transaction_hash,
        token,
        owner: owner.verifying_key().scalar(),
    };
    let untimed = account.signer().guardian().micros();

    let sign_us = sign_many(&account, m, transfer, "the Rust SDK (Argent's format)").await?;
    let guardian_us = account.signer().guardian().micros().split_off(untimed.len());
    if guardian_us.len() != sign_us.len() {
        return Err(Error::Unexpected(format!(
            "the guardian was asked {} times for {} transactions",
            guardian_us.len(),
            sign_us.len()
        )));
    }
    let timings = Timings::new(OURS_ARGENT, build_ms, sign_us, Some(guardian_us))?;
    Ok((timings, first))
}

/// The Rust SDK's token for the first transaction, to hold x-sessions' against.
struct FirstToken {
    session_hash: Felt,
    transaction_hash: Felt,
    token: ArgentSessionToken,
    owner: Felt,
}

impl FirstToken {
    /// Checks x-sessions' signature for the same transaction: every felt equal to ours except the
    /// `r, s` of its ECDSA signatures, which must then verify (starknet-crypto and @scure/starknet
    /// derive the RFC 6979 nonce differently when its first byte is zero). Returns whether all
    /// felts were identical.
    fn check(&self, js: &[Felt]) -> Result<bool, Error> {
        let ours = self.token.to_signature();
        let mismatch = |detail: String| Error::Mismatch {
            what: "the first transaction's session token",
            js: format!("{} felts: {js:#x?}", js.len()),
            rust: detail,
        };
        if js.len() != ours.len() {
            return Err(mismatch(format!("{} felts", ours.len())));
        }
        if js == ours.as_slice() {
            return Ok(true);
        }
        // Positions of (r, s) pairs, the key that signs them, and the hash signed.
        let auth = 7; // magic, 4 session fields, cache flag, authorization length
        let after_auth = auth + self.token.session_authorization.len();
        let message = session_message_hash(self.transaction_hash, self.session_hash, self.token.cache_authorization);
        let guardian = self.token.guardian_signature.public_key;
        let mut signatures = vec![
            (after_auth + 2, self.token.session_signature.public_key, message),
            (after_auth + 6, guardian, message),
        ];
        if self.token.session_authorization.len() == 9 {
            signatures.push((auth + 3, self.owner, self.session_hash));
            signatures.push((auth + 7, guardian, self.session_hash));
        }
        for (i, (js_felt, our_felt)) in js.iter().zip(&ours).enumerate() {
            let is_r_or_s = signatures.iter().any(|(at, _, _)| i == *at || i == at + 1);
            if js_felt != our_felt && !is_r_or_s {
                return Err(mismatch(format!("felt #{i} is {our_felt:#x}, x-sessions' is {js_felt:#x}")));
            }
        }
        for (at, key, hash) in signatures {
            let valid = starknet_crypto::verify(&key, &hash, &js[at], &js[at + 1]).unwrap_or(false);
            if !valid {
                return Err(mismatch(format!("x-sessions' signature at felt #{at} does not verify")));
            }
        }
        Ok(false)
    }
}

/// Signs `m` transfers (nonces 0..m) through `account`'s own starknet-rs path, timing each.
async fn sign_many<A>(account: &A, m: usize, transfer: &Call, who: &str) -> Result<Vec<f64>, Error>
where
    A: ConnectedAccount + Sync,
    A::SignError: std::fmt::Display,
{
    let mut sign_us = Vec::with_capacity(m);
    for nonce in 0..m {
        let start = Instant::now();
        let request = prepared(account, nonce, transfer)?
            .get_invoke_request(false, false)
            .await
            .map_err(|e| Error::rejected(&format!("signing with {who}"), e))?;
        sign_us.push(start.elapsed().as_secs_f64() * 1e6);
        black_box(request);
    }
    Ok(sign_us)
}

fn prepared<'a, A: Account>(
    account: &'a A,
    nonce: usize,
    transfer: &Call,
) -> Result<starknet::accounts::PreparedExecutionV3<'a, A>, Error> {
    account
        .execute_v3(vec![transfer.clone()])
        .nonce(Felt::from(nonce))
        .l1_gas(BOUNDS[0].0)
        .l1_gas_price(BOUNDS[0].1)
        .l2_gas(BOUNDS[1].0)
        .l2_gas_price(BOUNDS[1].1)
        .l1_data_gas(BOUNDS[2].0)
        .l1_data_gas_price(BOUNDS[2].1)
        .tip(0)
        .prepared()
        .map_err(|e| Error::Unexpected(format!("{e:?}")))
}

/// A local guardian key that records how long each co-signature takes.
struct TimedGuardian {
    key: SigningKey,
    micros: Mutex<Vec<f64>>,
}

#[async_trait::async_trait]
impl Guardian for TimedGuardian {
    async fn cosign(&self, request: &CosignRequest) -> Result<StarknetSignerSignature, sk_session::Error> {
        let start = Instant::now();
        let signature = self.key.cosign(request).await;
        if let Ok(mut micros) = self.micros.lock() {
            micros.push(start.elapsed().as_secs_f64() * 1e6);
        }
        signature
    }
}

impl TimedGuardian {
    fn micros(&self) -> Vec<f64> {
        self.micros.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// `a[i] - b[i]` for each transaction.
fn differences(a: &[f64], b: &[f64]) -> Result<Vec<f64>, Error> {
    if a.len() != b.len() {
        return Err(Error::Js(format!("{} signature times but {} guardian times", a.len(), b.len())));
    }
    Ok(a.iter().zip(b).map(|(a, b)| a - b).collect())
}

/// The median (0 for none).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

fn bound((amount, price): (u64, u128)) -> Value {
    json!({ "max_amount": format!("{amount:#x}"), "max_price_per_unit": format!("{price:#x}") })
}

fn js_field(js: &Value, name: &str) -> Result<String, Error> {
    js[name].as_str().map(str::to_owned).ok_or_else(|| Error::Js(format!("offchain.mjs gave no `{name}`")))
}

fn numbers(value: &Value) -> Result<Vec<f64>, Error> {
    value
        .as_array()
        .and_then(|items| items.iter().map(Value::as_f64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| Error::Js(format!("offchain.mjs gave {value} where a list of numbers belongs")))
}

fn felt_of(text: &str) -> Result<Felt, Error> {
    Felt::from_hex(text).map_err(|_| Error::Js(format!("offchain.mjs gave `{text}` where a hex felt belongs")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our token for a one-method session, and the `FirstToken` that checks x-sessions' against it.
    fn first_token() -> FirstToken {
        let (owner, guardian, session_key) = (key(1), key(2), key(3));
        let session = ArgentSession::new(
            session_key.verifying_key().scalar(),
            EXPIRES_AT,
            vec![AllowedMethod::new(STRK, "transfer"), AllowedMethod::new(Felt::from(5u8), "transfer")],
            METADATA,
        )
        .unwrap();
        let authorization = session.authorize(ACCOUNT, Felt::ONE, &owner, &guardian).unwrap();
        let signer =
            ArgentSessionSigner::new(session, ACCOUNT, Felt::ONE, authorization, session_key, guardian).unwrap();
        let transaction_hash = Felt::from(0xabcu16);
        let call = strk_transfer(Felt::ONE, 1);
        let token = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(signer.token(ACCOUNT, transaction_hash, &[call]))
            .unwrap();
        FirstToken {
            session_hash: signer.session_hash(),
            transaction_hash,
            token,
            owner: owner.verifying_key().scalar(),
        }
    }

    #[test]
    fn x_sessions_token_must_match_ours_but_for_valid_signatures() {
        let first = first_token();
        let ours = first.token.to_signature();
        assert!(first.check(&ours).unwrap(), "identical");

        // Other valid r, s for the session key's signature: accepted, not identical.
        let mut other = ours.clone();
        let at = 7 + first.token.session_authorization.len() + 2;
        let message = session_message_hash(first.transaction_hash, first.session_hash, false);
        let resigned = starknet_crypto::sign(&Felt::from(3u8), &message, &Felt::from(12_345u32)).unwrap();
        (other[at], other[at + 1]) = (resigned.r, resigned.s);
        assert_ne!(other, ours);
        assert!(!first.check(&other).unwrap());

        // An r that does not verify, a changed felt that is no signature, a shorter token.
        let mut forged = ours.clone();
        forged[at] += Felt::ONE;
        let err = first.check(&forged).unwrap_err().to_string();
        assert!(err.contains(&format!("signature at felt #{at} does not verify")), "{err}");
        let mut edited = ours.clone();
        edited[2] += Felt::ONE; // the Merkle root
        let err = first.check(&edited).unwrap_err().to_string();
        assert!(err.contains("felt #2 is"), "{err}");
        let err = first.check(&ours[1..]).unwrap_err().to_string();
        assert!(err.contains(&format!("{} felts", ours.len())), "{err}");
    }

    #[test]
    fn malformed_script_output_is_named() {
        let js = json!({ "node": 20, "build_ms": [1.0, "2"], "sign_us": [1.0], "guardian_us": [] });
        assert_eq!(js_field(&js, "node").unwrap_err().to_string(), "x-sessions benchmark: offchain.mjs gave no `node`");
        let err = numbers(&js["build_ms"]).unwrap_err().to_string();
        assert!(err.contains(r#"[1.0,"2"] where a list of numbers belongs"#), "{err}");
        assert!(numbers(&js["missing"]).is_err());
        let err = felt_of("0xnope").unwrap_err().to_string();
        assert!(err.contains("`0xnope` where a hex felt belongs"), "{err}");
        let err = differences(&numbers(&js["sign_us"]).unwrap(), &numbers(&js["guardian_us"]).unwrap()).unwrap_err();
        assert!(err.to_string().contains("1 signature times but 0 guardian times"), "{err}");
    }
}
