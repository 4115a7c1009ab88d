//! On-chain: the same STRK transfer through our account and Argent's account 0.4.0.
//!
//! Every measured transaction is built once, with its nonce and resource bounds fixed, then
//! profiled in-process by the devnet (Cairo steps and builtins, every contract step-tracked) and
//! sent as is; the gas comes from its receipt. The recipient is warmed first so that no row pays
//! for a storage slot going from zero to non-zero.
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{
    signed_invoke, strk_transfer, wait_for_receipt, Cost, Devnet, ARGENT_ACCOUNT_CLASS_HASH, ARGENT_ACCOUNT_VERSION,
    DEPLOY_FUNDS,
};
use sk_session::argent::{
    constructor_calldata, is_session_authorization_cached, AllowedMethod, ArgentOwnerSigner, ArgentSession,
    ArgentSessionSigner, CacheMode,
};
use sk_session::{ArgumentRule, Operator, OutsideExecution, SessionAccount, SessionRequest, SessionRequestBuilder};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Felt};
use starknet::macros::selector;
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;

use crate::error::{hex, Error};
use crate::Progress;

/// FRI sent by every measured transfer.
pub(crate) const AMOUNT: u128 = 1_000_000_000;

/// Where every transfer goes (a plain address; its balance slot is warmed first).
pub(crate) const RECIPIENT: Felt = Felt::from_hex_unchecked("0x5ec1b1e47");

/// The row every ratio is taken against: Argent's session transaction, later use.
pub const BASELINE: &str = "Argent 0.4.0 · session 1 · later use";
/// Our owner-signed transfer.
pub const OWNER: &str = "ours · owner";
/// Our cached session transaction: later use of a session with a fee cap only.
pub const CACHED: &str = "ours · session 1 · later use";
/// The same session's transfer relayed by another of our accounts (SNIP-9 outside execution),
/// before ` · first use` or ` · later use`.
pub const RELAYED: &str = "ours · session 1, relayed";

/// One measured transaction.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `sk` (ours) or `argent-0.4.0`.
    pub account: String,
    /// Who signed: `owner`, `owner+guardian`, `session` (and how the authorization was sent).
    pub signer: String,
    /// Policies (allowed methods) in the session; 0 for owner-signed transactions.
    pub policies: usize,
    /// `first` or `later` use of the session (empty for owner-signed transactions).
    pub use_of_session: String,
    /// The row's name in the table.
    pub label: String,
    /// The transaction's hash.
    pub transaction_hash: String,
    /// Length of the transaction signature, in felts.
    pub signature_felts: usize,
    /// From the receipt: devnet 0.8.2 meters every Cairo 1 class in Cairo steps.
    pub l2_gas: u64,
    /// The same transaction metered as Starknet meters it: classes of Sierra 1.7 or later (ours)
    /// in Sierra gas, older ones (Argent 0.4.0, the STRK token) in steps.
    pub l2_gas_starknet: u64,
    /// From the receipt.
    pub l1_data_gas: u64,
    /// The fee under Starknet's metering (L2 gas as in `l2_gas_starknet`), FRI.
    pub fee_starknet: u128,
    /// From the receipt.
    pub l1_gas: u64,
    /// Fee paid, FRI.
    pub fee: u128,
    /// Cairo steps of the whole transaction (validate, execute, fee transfer, OS overhead).
    pub steps: usize,
    /// Cairo steps of `__validate__`.
    pub validate_steps: usize,
    /// Cairo steps of `__execute__` (with the token's transfer).
    pub execute_steps: usize,
    /// Sierra gas of `__validate__` under Starknet's metering (0 for classes metered in steps).
    pub validate_sierra_gas: u64,
    /// Sierra gas of `__execute__` under Starknet's metering, the calls it makes included (those
    /// of classes metered in steps, such as the STRK token, count in steps instead).
    pub execute_sierra_gas: u64,
    /// Builtin instances of the whole transaction, by builtin.
    pub builtins: BTreeMap<String, usize>,
}

/// The on-chain results.
#[derive(Debug, Clone, Serialize)]
pub struct Onchain {
    /// Chain id of the devnet.
    pub chain_id: String,
    /// Argent account version the devnet bundles.
    pub argent_version: String,
    /// Its class hash.
    pub argent_class_hash: String,
    /// Our account's class hash.
    pub sk_class_hash: String,
    /// The rows, in table order.
    pub rows: Vec<Row>,
}

/// Deploys the accounts and measures every row.
pub async fn run(devnet: &Devnet, policy_counts: &[usize], progress: Progress<'_>) -> Result<Onchain, Error> {
    progress("declaring our account class");
    declare_ours(devnet).await?;

    progress("warming the recipient's balance");
    let funder = devnet.funded_account();
    let warm = funder
        .execute_v3(vec![strk_transfer(RECIPIENT, AMOUNT)])
        .send()
        .await
        .map_err(|e| Error::rejected("warming the recipient", e))?;
    wait_for_receipt(&devnet.provider(), warm.transaction_hash).await?;

    let mut rows = Vec::new();
    sk_rows(devnet, policy_counts, progress, &mut rows).await?;
    argent_rows(devnet, policy_counts, progress, &mut rows).await?;
    Ok(Onchain {
        chain_id: hex(devnet.chain_id()),
        argent_version: ARGENT_ACCOUNT_VERSION.to_string(),
        argent_class_hash: hex(ARGENT_ACCOUNT_CLASS_HASH),
        sk_class_hash: hex(SESSION_KEY_ACCOUNT.class_hash),
        rows,
    })
}

/// Declares our account class on `devnet` (unless it is declared already).
pub(crate) async fn declare_ours(devnet: &Devnet) -> Result<(), Error> {
    let class = SESSION_KEY_ACCOUNT
        .sierra_class()
        .map_err(|e| Error::Unexpected(format!("our compiled account class does not parse: {e}")))?;
    devnet.declare(class, SESSION_KEY_ACCOUNT.compiled_class_hash).await?;
    Ok(())
}

/// Our account: owner-signed, then one session per size, used twice.
async fn sk_rows(
    devnet: &Devnet,
    policy_counts: &[usize],
    progress: Progress<'_>,
    rows: &mut Vec<Row>,
) -> Result<(), Error> {
    progress("deploying our account");
    let owner = key(0x0be5c0);
    let (address, _) = devnet.deploy_account(SESSION_KEY_ACCOUNT.class_hash, owner.clone(), Felt::ONE).await?;
    let account = sk_devnet::local_account(devnet.provider(), address, owner.clone(), devnet.chain_id());
    let row = Row::template("sk", "owner", 0, "", OWNER);
    rows.push(measure(devnet, &account, row).await?);

    // Sessions of each size with a fee cap and budget only (the least a session carries).
    for (i, &count) in policy_counts.iter().enumerate() {
        progress(&format!("our account: session with {count} policies"));
        let session_key = key(0x5e55_0000 + i as u64);
        let mut builder = fee_capped(&session_key).allow_selector(sk_devnet::STRK, selector!("transfer"));
        for filler in 1..count {
            builder = builder.allow_selector(filler_contract(filler), selector!("transfer"));
        }
        let signed = builder.build()?.sign(address, devnet.chain_id(), &owner)?;
        let session = SessionAccount::new(devnet.provider(), signed, session_key)?;
        for use_of_session in ["first", "later"] {
            let label = format!("ours · session {count} · {use_of_session} use");
            let row = Row::template("sk", "session", count, use_of_session, &label);
            rows.push(measure(devnet, &session, row).await?);
        }
    }

    // The limits, one session each (one policy: the transfer), first and later use.
    for (nth, (scenario, limits)) in limit_scenarios().into_iter().enumerate() {
        progress(&format!("our account: session with {scenario}"));
        let session_key = key(0x5e55_1000 + nth as u64);
        let signed = limits(fee_capped(&session_key)).build()?.sign(address, devnet.chain_id(), &owner)?;
        let session = SessionAccount::new(devnet.provider(), signed, session_key)?;
        for use_of_session in ["first", "later"] {
            let label = format!("ours · {scenario} · {use_of_session} use");
            let row = Row::template("sk", &format!("session, {scenario}"), 1, use_of_session, &label);
            rows.push(measure(devnet, &session, row).await?);
        }
    }

    // A session registered by the owner up front: its first transaction is already short.
    progress("our account: a registered session");
    let session_key = key(0x5e55_2000);
    let signed = transfer_session(&session_key).build()?.sign(address, devnet.chain_id(), &owner)?;
    let register = account
        .execute_v3(vec![signed.register_call()])
        .send()
        .await
        .map_err(|e| Error::rejected("registering a session", e))?;
    wait_for_receipt(&devnet.provider(), register.transaction_hash).await?;
    let session = SessionAccount::new(devnet.provider(), signed, session_key)?;
    let label = "ours · registered session · first use";
    rows.push(measure(devnet, &session, Row::template("sk", "session, registered", 1, "first", label)).await?);

    // The same transfer relayed (SNIP-9 outside execution): another of our accounts, owner-signed,
    // submits what the session signed and pays; the row is the relayer's whole transaction.
    progress("our account: a session relayed by another account");
    let relayer_owner = key(0x0be5c1);
    let (relayer, _) = devnet.deploy_account(SESSION_KEY_ACCOUNT.class_hash, relayer_owner.clone(), Felt::ONE).await?;
    let relayer = sk_devnet::local_account(devnet.provider(), relayer, relayer_owner, devnet.chain_id());
    let session_key = key(0x5e55_3000);
    let signed = transfer_session(&session_key).build()?.sign(address, devnet.chain_id(), &owner)?;
    let session = SessionAccount::new(devnet.provider(), signed, session_key)?;
    for use_of_session in ["first", "later"] {
        let execution = OutsideExecution::new(vec![strk_transfer(RECIPIENT, AMOUNT)], 0, now() + 86_400);
        let label = format!("{RELAYED} · {use_of_session} use");
        let call = session.relayed_call(&execution).await.map_err(|e| Error::rejected(&label, e))?;
        let row = Row::template("sk", "session, relayed", 1, use_of_session, &label);
        rows.push(measure_calls(devnet, &relayer, vec![call], row).await?);
    }
    Ok(())
}

/// A session request of `session_key` valid for a day, with the bench's fee cap and budget.
fn fee_capped(session_key: &SigningKey) -> SessionRequestBuilder {
    SessionRequest::builder(session_key.verifying_key().scalar())
        .valid_after(0)
        .valid_until(now() + 86_400)
        .max_fee(crate::SESSION_MAX_FEE)
        .fee_budget(crate::SESSION_FEE_BUDGET)
}

/// [`fee_capped`] allowing the STRK transfer and nothing else.
fn transfer_session(session_key: &SigningKey) -> SessionRequestBuilder {
    fee_capped(session_key).allow_selector(sk_devnet::STRK, selector!("transfer"))
}

/// A limit scenario: its name in the table and what it adds to a fee-capped request (the
/// transfer's policy included). Every limit is far above what the bench moves, so none binds.
type Scenario = (&'static str, fn(SessionRequestBuilder) -> SessionRequestBuilder);

/// The limit rows: argument rules, a spending limit, two, and every limit at once.
fn limit_scenarios() -> Vec<Scenario> {
    fn one_rule(builder: SessionRequestBuilder) -> SessionRequestBuilder {
        builder.allow_with_rules(sk_devnet::STRK, "transfer", [ArgumentRule::felt(0, Operator::Eq, [RECIPIENT])])
    }
    fn four_rules(builder: SessionRequestBuilder) -> SessionRequestBuilder {
        builder.allow_with_rules(sk_devnet::STRK, "transfer", transfer_rules())
    }
    fn spending_limit(builder: SessionRequestBuilder) -> SessionRequestBuilder {
        builder.allow_selector(sk_devnet::STRK, selector!("transfer")).spending_limit(sk_devnet::STRK, 1000 * AMOUNT)
    }
    // A second limited token, which the transfer does not move: what each limited token adds
    // (its balance read before and after the calls; nothing spent, nothing written).
    fn two_spending_limits(builder: SessionRequestBuilder) -> SessionRequestBuilder {
        spending_limit(builder).spending_limit(sk_devnet::ETH, 1000 * AMOUNT)
    }
    fn all_limits(builder: SessionRequestBuilder) -> SessionRequestBuilder {
        builder
            .max_transactions(1000)
            .allow_with_rules(sk_devnet::STRK, "transfer", transfer_rules())
            .periodic_spending_limit(sk_devnet::STRK, 1000 * AMOUNT, 100 * AMOUNT, 86_400)
    }
    vec![
        ("1 argument rule", one_rule),
        ("4 argument rules", four_rules),
        ("spending limit", spending_limit),
        ("2 spending limits", two_spending_limits),
        ("all limits", all_limits),
    ]
}

/// Four rules on `transfer(recipient, amount: u256)`: the recipient is the bench's, not zero, and
/// the amount is within bounds.
fn transfer_rules() -> [ArgumentRule; 4] {
    [
        ArgumentRule::felt(0, Operator::Eq, [RECIPIENT]),
        ArgumentRule::felt(0, Operator::Neq, [Felt::ZERO]),
        ArgumentRule::u256(1, Operator::Le, [100 * AMOUNT]),
        ArgumentRule::u256(1, Operator::Ge, [1u128]),
    ]
}

/// Argent's account: without a guardian (owner), with one (owner + guardian, sessions of the same
/// sizes as ours, the authorization cache).
async fn argent_rows(
    devnet: &Devnet,
    policy_counts: &[usize],
    progress: Progress<'_>,
    rows: &mut Vec<Row>,
) -> Result<(), Error> {
    let provider = || devnet.provider();
    let chain_id = devnet.chain_id();

    progress("deploying Argent accounts (one without, one with a guardian)");
    let plain_owner = key(0xa0);
    let plain = deploy_argent(devnet, &plain_owner, None).await?;
    let owner = key(0xa1);
    let guardian = key(0xa2);
    let guarded = deploy_argent(devnet, &owner, Some(&guardian)).await?;

    let account = SessionAccount::with_signer(provider(), plain, chain_id, ArgentOwnerSigner::new(plain_owner, None));
    rows.push(measure(devnet, &account, Row::template("argent-0.4.0", "owner", 0, "", "Argent 0.4.0 · owner")).await?);
    let account = SessionAccount::with_signer(
        provider(),
        guarded,
        chain_id,
        ArgentOwnerSigner::new(owner.clone(), Some(guardian.clone())),
    );
    let row = Row::template("argent-0.4.0", "owner+guardian", 0, "", "Argent 0.4.0 · owner + guardian");
    rows.push(measure(devnet, &account, row).await?);

    // One session per size, as for our account; then one for the authorization cache (keyed by
    // the session hash, so it starts uncached).
    let metadata = r#"{"projectID":"sk-bench","txFees":[]}"#;
    let session_account = |count: usize, nth: u64| -> Result<_, Error> {
        let session_key = key(0xa5e5_0000 + nth);
        let methods: Vec<AllowedMethod> = std::iter::once(AllowedMethod::new(sk_devnet::STRK, "transfer"))
            .chain((1..count).map(|filler| AllowedMethod::new(filler_contract(filler), "transfer")))
            .collect();
        let session = ArgentSession::new(session_key.verifying_key().scalar(), now() + 86_400, methods, metadata)?;
        let authorization = session.authorize(guarded, chain_id, &owner, &guardian)?;
        let signer =
            ArgentSessionSigner::new(session, guarded, chain_id, authorization, session_key, guardian.clone())?;
        Ok(SessionAccount::with_signer(provider(), guarded, chain_id, signer))
    };
    for (nth, &count) in policy_counts.iter().enumerate() {
        progress(&format!("Argent account: session with {count} allowed methods"));
        let account = session_account(count, nth as u64)?;
        for use_of_session in ["first", "later"] {
            let label = format!("Argent 0.4.0 · session {count} · {use_of_session} use");
            let row = Row::template("argent-0.4.0", "session", count, use_of_session, &label);
            rows.push(measure(devnet, &account, row).await?);
        }
    }

    progress("Argent account: session with a cached authorization");
    let mut account = session_account(1, policy_counts.len() as u64)?;
    let session_hash = account.signer().session_hash();
    account.signer_mut().set_cache_mode(CacheMode::Cache);
    let label = "Argent 0.4.0 · session 1, caching · first use";
    rows.push(measure(devnet, &account, Row::template("argent-0.4.0", "session (cache)", 1, "first", label)).await?);
    if !is_session_authorization_cached(&provider(), guarded, session_hash, BlockId::Tag(BlockTag::PreConfirmed))
        .await?
    {
        return Err(Error::Unexpected(format!(
            "Argent's account did not cache the authorization of session {session_hash:#x}"
        )));
    }
    let label = "Argent 0.4.0 · session 1, cached · later use";
    rows.push(measure(devnet, &account, Row::template("argent-0.4.0", "session (cached)", 1, "later", label)).await?);
    account.signer_mut().set_cache_mode(CacheMode::Cached);
    let label = "Argent 0.4.0 · session 1, cached, authorization omitted · later use";
    let row = Row::template("argent-0.4.0", "session (cached, omitted)", 1, "later", label);
    rows.push(measure(devnet, &account, row).await?);
    Ok(())
}

/// Deploys an Argent account through the UDC from the funded account and funds it.
async fn deploy_argent(devnet: &Devnet, owner: &SigningKey, guardian: Option<&SigningKey>) -> Result<Felt, Error> {
    let calldata = constructor_calldata(owner.verifying_key().scalar(), guardian.map(|g| g.verifying_key().scalar()));
    let address = devnet
        .deploy_contract(ARGENT_ACCOUNT_CLASS_HASH, calldata, owner.secret_scalar())
        .await
        .map_err(|e| Error::rejected("deploying an Argent account", e))?;
    let mint = devnet.mint(address, DEPLOY_FUNDS).await?;
    wait_for_receipt(&devnet.provider(), mint).await?;
    Ok(address)
}

/// Builds the transfer with fixed nonce and bounds, profiles it, sends it, and reads its receipt.
async fn measure<A>(devnet: &Devnet, account: &A, row: Row) -> Result<Row, Error>
where
    A: ConnectedAccount + Sync,
    A::SignError: std::fmt::Display,
{
    measure_calls(devnet, account, vec![strk_transfer(RECIPIENT, AMOUNT)], row).await
}

/// [`measure`] of a transaction making `calls`.
async fn measure_calls<A>(
    devnet: &Devnet,
    account: &A,
    calls: Vec<starknet::core::types::Call>,
    mut row: Row,
) -> Result<Row, Error>
where
    A: ConnectedAccount + Sync,
    A::SignError: std::fmt::Display,
{
    let scenario = row.label.clone();
    let rejected = |e: &dyn std::fmt::Display| Error::rejected(&scenario, e);
    let request = signed_invoke(account, calls).await.map_err(|e| rejected(&e))?;
    let profile = devnet.profile_invoke(&request).await?;
    if let Some(reason) = &profile.revert_error {
        return Err(rejected(&format!("reverted in the profile run: {reason}")));
    }
    if let Some(reason) = &profile.on_starknet.revert_error {
        return Err(rejected(&format!("would revert under Starknet's metering: {reason}")));
    }
    let provider = devnet.provider();
    let sent = provider.add_invoke_transaction(&request).await.map_err(|e| rejected(&e))?;
    let receipt = wait_for_receipt(&provider, sent.transaction_hash).await.map_err(|e| rejected(&e))?;
    let cost = Cost::of(&receipt.receipt);
    if cost.l2_gas != profile.gas.l2_gas || cost.fee != profile.fee {
        return Err(Error::Unexpected(format!(
            "{scenario}: the profile ({} L2 gas, fee {}) is not what the receipt says ({} L2 gas, fee {})",
            profile.gas.l2_gas, profile.fee, cost.l2_gas, cost.fee
        )));
    }
    row.transaction_hash = hex(sent.transaction_hash);
    row.signature_felts = request.signature.len();
    row.l2_gas = cost.l2_gas;
    row.l2_gas_starknet = profile.on_starknet.gas.l2_gas;
    row.l1_data_gas = cost.l1_data_gas;
    row.fee_starknet = profile.on_starknet.fee;
    row.l1_gas = cost.l1_gas;
    row.fee = cost.fee;
    row.steps = profile.total.steps;
    row.validate_steps = profile.validate.as_ref().map_or(0, |phase| phase.resources.steps);
    row.execute_steps = profile.execute.as_ref().map_or(0, |phase| phase.resources.steps);
    row.validate_sierra_gas = profile.validate.as_ref().map_or(0, |phase| phase.sierra_gas);
    row.execute_sierra_gas = profile.execute.as_ref().map_or(0, |phase| phase.sierra_gas);
    row.builtins = profile.total.builtins.clone();
    Ok(row)
}

impl Row {
    fn template(account: &str, signer: &str, policies: usize, use_of_session: &str, label: &str) -> Self {
        Self {
            account: account.to_string(),
            signer: signer.to_string(),
            policies,
            use_of_session: use_of_session.to_string(),
            label: label.to_string(),
            transaction_hash: String::new(),
            signature_felts: 0,
            l2_gas: 0,
            l2_gas_starknet: 0,
            l1_data_gas: 0,
            fee_starknet: 0,
            l1_gas: 0,
            fee: 0,
            steps: 0,
            validate_steps: 0,
            execute_steps: 0,
            validate_sierra_gas: 0,
            execute_sierra_gas: 0,
            builtins: BTreeMap::new(),
        }
    }
}

/// A fixed key, so runs reproduce.
pub(crate) fn key(secret: u64) -> SigningKey {
    SigningKey::from_secret_scalar(Felt::from(secret))
}

/// The contract of the `n`-th filler policy (a policy the transfer does not use).
pub(crate) fn filler_contract(n: usize) -> Felt {
    Felt::from(0x10_0000u64 + n as u64)
}

/// Unix seconds now (the devnet's clock is the wall clock).
pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
