//! Session transactions on devnet: what a session may do, and every way a session transaction is
//! rejected, each with its own error (docs/protocol.md §4).

use async_trait::async_trait;
use sk_contracts::bindings::{SessionKeyAccount, SessionKeyAccountReader};
use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, Cost, Devnet, Provider, STRK};
use sk_session::{
    is_session_revoked, revoke_session_call, session_message_hash, session_usage, CallProof, Error as SessionError,
    SessionAccount, SessionRequest, SessionRequestBuilder, SessionSigner, SessionToken, SessionUsage, SignError,
    SignedSession, OWNER_SIGNATURE_OFFSET,
};
use sk_tests::{deploy_account, devnet, owner_key, with_bounds};
use starknet::accounts::{Account, AccountError, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Call, ExecutionResult, Felt, MaybePreConfirmedBlockWithTxHashes};
use starknet::core::utils::{cairo_short_string_to_felt, get_selector_from_name};
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;

pub(crate) const ONE_STRK: u128 = 10u128.pow(18);
/// The sessions' fee cap per transaction: 0.05 STRK, some 30 times what a session transfer costs on
/// devnet.
pub(crate) const MAX_FEE: u128 = 5 * ONE_STRK / 100;
/// The sessions' fee budget: 1 STRK.
pub(crate) const FEE_BUDGET: u128 = ONE_STRK;
pub(crate) const RECIPIENT: Felt = Felt::from_hex_unchecked("0x7e57");

pub(crate) fn session_key() -> SigningKey {
    SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0x5e55"))
}

fn selector(name: &str) -> Felt {
    get_selector_from_name(name).unwrap()
}

pub(crate) fn approve(spender: Felt, amount: u128) -> Call {
    Call { to: STRK, selector: selector("approve"), calldata: vec![spender, amount.into(), Felt::ZERO] }
}

/// The latest block's timestamp: the devnet's clock.
pub(crate) async fn now(provider: &Provider) -> u64 {
    match provider.get_block_with_tx_hashes(BlockId::Tag(BlockTag::Latest)).await.unwrap() {
        MaybePreConfirmedBlockWithTxHashes::Block(block) => block.timestamp,
        MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(block) => block.timestamp,
    }
}

/// A session for STRK `transfer` and `approve`, valid for a day of devnet time.
pub(crate) async fn request(devnet: &Devnet) -> sk_session::SessionRequestBuilder {
    request_at(now(&devnet.provider()).await)
}

/// [`request`] at the devnet time `now`.
fn request_at(now: u64) -> SessionRequestBuilder {
    fee_limited(now).allow(STRK, "transfer").allow(STRK, "approve")
}

/// A session request with the session key, a day's window from `now` and the fee limits, and no
/// policies yet.
pub(crate) fn fee_limited(now: u64) -> SessionRequestBuilder {
    SessionRequest::builder(session_key().verifying_key().scalar())
        .valid_until(now + 86_400)
        .max_fee(MAX_FEE)
        .fee_budget(FEE_BUDGET)
}

/// A deployed account and a session on it signed by its owner.
pub(crate) struct Setup {
    pub(crate) devnet: Devnet,
    pub(crate) account: Felt,
    pub(crate) session: SignedSession,
    /// The devnet's time when the session was made.
    pub(crate) now_at_start: u64,
}

impl Setup {
    pub(crate) async fn new() -> Self {
        Self::with(|request, _| request).await
    }

    /// A deployed account with a session of [`request`] that `adjust` changes, given the devnet's
    /// time.
    pub(crate) async fn with(adjust: impl FnOnce(SessionRequestBuilder, u64) -> SessionRequestBuilder) -> Self {
        Self::with_request(|now| adjust(request_at(now), now)).await
    }

    /// A deployed account with the session `build` makes, given the devnet's time (start from
    /// [`fee_limited`] for a session without [`request`]'s policies).
    pub(crate) async fn with_request(build: impl FnOnce(u64) -> SessionRequestBuilder) -> Self {
        let devnet = devnet().await;
        let account = deploy_account(&devnet, owner_key()).await.address();
        let now_at_start = now(&devnet.provider()).await;
        let request = build(now_at_start).build().unwrap();
        let session = request.sign(account, devnet.chain_id(), &owner_key()).unwrap();
        Self { devnet, account, session, now_at_start }
    }

    pub(crate) fn session_account(&self) -> SessionAccount<Provider> {
        SessionAccount::new(self.devnet.provider(), self.session.clone(), session_key()).unwrap()
    }

    /// An account that sends whatever signature `forge` makes of the transaction hash and calls.
    pub(crate) fn forger<F: Forge>(&self, forge: F) -> Forged<F> {
        forged(&self.devnet, self.account, forge)
    }

    /// A correct session signature, then `tamper` applied to its decoded form.
    pub(crate) fn tampered(&self, tamper: impl Fn(&mut SessionToken) + Send + Sync) -> Forged<impl Forge> {
        let session = self.session.clone();
        self.forger(move |hash, calls| {
            let felts = session.sign_transaction(&session_key(), hash, calls).unwrap();
            let mut decoded = SessionToken::from_felts(&felts).unwrap();
            tamper(&mut decoded);
            decoded.to_felts()
        })
    }
}

/// Sends the transaction and returns the error text; the transaction must be rejected, both when
/// starknet-rs estimates the fee first and when it is sent with explicit resource bounds (then
/// the node itself rejects it in validation, or it reverts in execution).
pub(crate) async fn rejection<A: ConnectedAccount + Sync>(account: &A, calls: Vec<Call>) -> [String; 2] {
    let estimated = account.execute_v3(calls.clone()).send().await;
    let estimated = format!("{:?}", estimated.expect_err("the fee estimate must fail"));
    let sent = with_bounds(account.execute_v3(calls)).send().await;
    let sent = match sent {
        Err(err) => format!("{err:?}"),
        Ok(tx) => match wait_for_receipt_raw(account.provider(), tx.transaction_hash).await {
            ExecutionResult::Reverted { reason } => reason,
            ExecutionResult::Succeeded => panic!("the transaction succeeded"),
        },
    };
    [estimated, sent]
}

pub(crate) async fn wait_for_receipt_raw<P: starknet::providers::Provider + Sync>(
    provider: &P,
    hash: Felt,
) -> ExecutionResult {
    for _ in 0..100 {
        if let Ok(receipt) = provider.get_transaction_receipt(hash).await {
            return receipt.receipt.execution_result().clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no receipt for {hash:#x}");
}

/// Asserts that both ways of sending were rejected with `expected`.
pub(crate) fn assert_rejected_with([estimated, sent]: &[String; 2], expected: &str) {
    assert!(estimated.contains(expected), "expected `{expected}` from the fee estimate, got: {estimated}");
    assert!(sent.contains(expected), "expected `{expected}` from the node, got: {sent}");
}

#[tokio::test(flavor = "multi_thread")]
async fn session_transfer_happy_path() {
    let setup = Setup::new().await;
    let provider = setup.devnet.provider();
    let before = strk_balance(&provider, RECIPIENT).await.unwrap();

    let account = setup.session_account();
    let sent = account.execute_v3(vec![strk_transfer(RECIPIENT, ONE_STRK)]).send().await.unwrap();
    wait_for_receipt(&provider, sent.transaction_hash).await.unwrap();

    assert_eq!(strk_balance(&provider, RECIPIENT).await.unwrap(), before + ONE_STRK);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_multicall_of_allowed_calls() {
    let setup = Setup::new().await;
    let provider = setup.devnet.provider();
    let before = strk_balance(&provider, RECIPIENT).await.unwrap();

    let calls = vec![strk_transfer(RECIPIENT, ONE_STRK), approve(RECIPIENT, 5), strk_transfer(RECIPIENT, 2)];
    let sent = setup.session_account().execute_v3(calls).send().await.unwrap();
    wait_for_receipt(&provider, sent.transaction_hash).await.unwrap();

    assert_eq!(strk_balance(&provider, RECIPIENT).await.unwrap(), before + ONE_STRK + 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn same_session_across_many_transactions() {
    let setup = Setup::new().await;
    let provider = setup.devnet.provider();
    let account = setup.session_account();
    let before = strk_balance(&provider, RECIPIENT).await.unwrap();
    for _ in 0..5 {
        let sent = account.execute_v3(vec![strk_transfer(RECIPIENT, 1)]).send().await.unwrap();
        wait_for_receipt(&provider, sent.transaction_hash).await.unwrap();
    }
    assert_eq!(strk_balance(&provider, RECIPIENT).await.unwrap(), before + 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_account_works_through_cainome_bindings() {
    let setup = Setup::new().await;
    let account = setup.session_account();
    // A session may never call the account itself: the SDK refuses before signing.
    let bound = SessionKeyAccount::new(setup.account, &account);
    let err = bound.set_owner(&Felt::TWO, &vec![]).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("SelfCall"), "{err:?}");
    // Reads go through the provider as usual.
    let reader = SessionKeyAccountReader::new(setup.account, account.provider());
    assert!(!reader.is_session_revoked(&setup.session.hash()).call().await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_checks_chain_owner_and_revocation_before_any_transaction() {
    let setup = Setup::new().await;
    let connect = |session: SignedSession| SessionAccount::connect(setup.devnet.provider(), session, session_key());
    connect(setup.session.clone()).await.expect("a good session connects");

    let mainnet = cairo_short_string_to_felt("SN_MAIN").unwrap();
    let other_chain = request(&setup.devnet).await.build().unwrap().sign(setup.account, mainnet, &owner_key()).unwrap();
    let err = connect(other_chain).await.unwrap_err();
    assert!(matches!(err, SessionError::ChainMismatch { .. }), "{err:?}");

    let stranger = SigningKey::from_secret_scalar(Felt::from(0xbad_u32));
    let forged =
        request(&setup.devnet).await.build().unwrap().sign(setup.account, setup.devnet.chain_id(), &stranger).unwrap();
    let err = connect(forged).await.unwrap_err();
    assert!(matches!(err, SessionError::InvalidOwnerSignature(_)), "{err:?}");

    // Sessions for addresses that are not one of our accounts: the node's refusal is the error.
    let funded = setup.devnet.funded_account().address();
    for address in [Felt::from_hex_unchecked("0xdead"), funded] {
        let elsewhere =
            request(&setup.devnet).await.build().unwrap().sign(address, setup.devnet.chain_id(), &owner_key()).unwrap();
        let err = connect(elsewhere).await.unwrap_err();
        assert!(matches!(err, SessionError::Provider(_)), "{address:#x}: {err:?}");
    }

    let owner = sk_tests::account_with_key(&setup.devnet, setup.account, owner_key());
    let revoke = revoke_session_call(setup.account, setup.session.hash());
    let sent = owner.execute_v3(vec![revoke]).send().await.unwrap();
    wait_for_receipt(owner.provider(), sent.transaction_hash).await.unwrap();
    let err = connect(setup.session.clone()).await.unwrap_err();
    assert!(matches!(err, SessionError::Revoked(hash) if hash == setup.session.hash()), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn fee_estimation_and_simulation_with_a_session() {
    let setup = Setup::new().await;
    let account = setup.session_account();
    let calls = vec![strk_transfer(RECIPIENT, ONE_STRK)];
    let estimate = account.execute_v3(calls.clone()).estimate_fee().await.unwrap();
    assert!(estimate.l2_gas_consumed > 0 && estimate.overall_fee > 0, "{estimate:?}");

    // A simulation with validation runs the session checks on the query transaction hash.
    let simulated = with_bounds(account.execute_v3(calls.clone())).simulate(false, false).await.unwrap();
    let trace = format!("{:?}", simulated.transaction_trace);
    assert!(trace.contains("validate_invocation: Some"), "{trace}");
    assert!(!trace.contains("RevertedInvocation"), "{trace}");
    // A simulation of an out-of-policy call forced past the SDK fails in validation.
    let forger = setup.with_proofs_of(vec![strk_transfer(RECIPIENT, 1)]);
    let err = with_bounds(forger.execute_v3(vec![mint()])).simulate(false, false).await.unwrap_err();
    assert!(format!("{err:?}").contains("session/invalid-proof"), "{err:?}");

    let sent = account.execute_v3(calls).send().await.unwrap();
    let receipt = wait_for_receipt(&setup.devnet.provider(), sent.transaction_hash).await.unwrap();
    let fee = Cost::of(&receipt.receipt).fee;
    assert!(fee <= estimate.overall_fee, "paid {fee}, estimated {}", estimate.overall_fee);
}

fn mint() -> Call {
    Call { to: STRK, selector: selector("mint"), calldata: vec![RECIPIENT, Felt::ONE, Felt::ZERO] }
}

#[tokio::test(flavor = "multi_thread")]
async fn out_of_policy_call_is_rejected() {
    let setup = Setup::new().await;

    // The SDK refuses to sign it, naming the call.
    let err = setup.session_account().execute_v3(vec![mint()]).send().await.unwrap_err();
    assert!(
        matches!(err, AccountError::Signing(SignError::Session(SessionError::CallNotAllowed { index: 0, .. }))),
        "{err:?}"
    );

    // Forced past the SDK with the proof of an allowed call, the contract refuses it.
    let forger = setup.with_proofs_of(vec![strk_transfer(RECIPIENT, 1)]);
    assert_rejected_with(&rejection(&forger, vec![mint()]).await, "session/invalid-proof");
}

#[tokio::test(flavor = "multi_thread")]
async fn allowed_and_disallowed_calls_in_one_multicall_are_rejected() {
    let setup = Setup::new().await;
    let calls = vec![strk_transfer(RECIPIENT, 1), mint()];

    let err = setup.session_account().execute_v3(calls.clone()).send().await.unwrap_err();
    assert!(
        matches!(err, AccountError::Signing(SignError::Session(SessionError::CallNotAllowed { index: 1, .. }))),
        "{err:?}"
    );

    let forger = setup.with_proofs_of(vec![strk_transfer(RECIPIENT, 1), strk_transfer(RECIPIENT, 1)]);
    assert_rejected_with(&rejection(&forger, calls).await, "session/invalid-proof");
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_proof_is_rejected() {
    let setup = Setup::new().await;
    let forger = setup.tampered(|sig| sig.proofs[0].proof[0] += Felt::ONE);
    assert_rejected_with(&rejection(&forger, vec![strk_transfer(RECIPIENT, 1)]).await, "session/invalid-proof");
}

#[tokio::test(flavor = "multi_thread")]
async fn proof_for_another_leaf_is_rejected() {
    let setup = Setup::new().await;
    let forger = setup.tampered(|sig| sig.proofs.swap(0, 1));
    let calls = vec![strk_transfer(RECIPIENT, 1), approve(RECIPIENT, 1)];
    assert_rejected_with(&rejection(&forger, calls).await, "session/invalid-proof");
}

#[tokio::test(flavor = "multi_thread")]
async fn proof_count_must_match_the_calls() {
    let setup = Setup::new().await;
    let forger = setup.tampered(|sig| {
        sig.proofs.pop();
    });
    let calls = vec![strk_transfer(RECIPIENT, 1), approve(RECIPIENT, 1)];
    assert_rejected_with(&rejection(&forger, calls).await, "session/proof-count");
}

#[tokio::test(flavor = "multi_thread")]
async fn call_to_the_account_itself_is_rejected() {
    let devnet = devnet().await;
    let account = deploy_account(&devnet, owner_key()).await.address();
    // Even a session whose owner allowed `set_owner` on the account cannot call it.
    let session = request(&devnet)
        .await
        .allow(account, "set_owner")
        .build()
        .unwrap()
        .sign(account, devnet.chain_id(), &owner_key())
        .unwrap();
    let now_at_start = now(&devnet.provider()).await;
    let setup = Setup { devnet, account, session, now_at_start };
    let rotate = Call { to: account, selector: selector("set_owner"), calldata: vec![Felt::TWO] };

    let err = setup.session_account().execute_v3(vec![rotate.clone()]).send().await.unwrap_err();
    assert!(matches!(err, AccountError::Signing(SignError::Session(SessionError::SelfCall { index: 0 }))), "{err:?}");

    let session = setup.session.clone();
    let forger = setup.forger(move |hash, calls| {
        let tree = session.request().policies();
        let proofs = calls.iter().map(|c| tree.proof(c.to, c.selector).unwrap()).collect();
        session_signature(&session, &session_key(), hash, proofs)
    });
    assert_rejected_with(&rejection(&forger, vec![rotate]).await, "session/self-call");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_owner_signature_is_rejected() {
    let setup = Setup::new().await;
    let stranger = SigningKey::from_secret_scalar(Felt::from(0xbad_u32));
    let session =
        request(&setup.devnet).await.build().unwrap().sign(setup.account, setup.devnet.chain_id(), &stranger).unwrap();
    assert!(session.verify_owner(owner_key().verifying_key().scalar()).is_err());
    let account = SessionAccount::new(setup.devnet.provider(), session, session_key()).unwrap();
    assert_rejected_with(
        &rejection(&account, vec![strk_transfer(RECIPIENT, 1)]).await,
        "session/invalid-authorization",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn session_signed_for_another_account_is_rejected() {
    let setup = Setup::new().await;
    let elsewhere = request(&setup.devnet)
        .await
        .build()
        .unwrap()
        .sign(Felt::from_hex_unchecked("0xe15e"), setup.devnet.chain_id(), &owner_key())
        .unwrap();
    let forger = setup.forger(move |hash, calls| elsewhere.sign_transaction(&session_key(), hash, calls).unwrap());
    assert_rejected_with(&rejection(&forger, vec![strk_transfer(RECIPIENT, 1)]).await, "session/invalid-authorization");
}

#[tokio::test(flavor = "multi_thread")]
async fn session_signed_for_another_chain_is_rejected() {
    let setup = Setup::new().await;
    let mainnet = cairo_short_string_to_felt("SN_MAIN").unwrap();
    assert_ne!(mainnet, setup.devnet.chain_id());
    let other_chain = request(&setup.devnet).await.build().unwrap().sign(setup.account, mainnet, &owner_key()).unwrap();
    let forger = setup.forger(move |hash, calls| other_chain.sign_transaction(&session_key(), hash, calls).unwrap());
    assert_rejected_with(&rejection(&forger, vec![strk_transfer(RECIPIENT, 1)]).await, "session/invalid-authorization");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_session_key_is_rejected() {
    let setup = Setup::new().await;
    let stranger = SigningKey::from_secret_scalar(Felt::from(0xbad_u32));

    let err = SessionAccount::new(setup.devnet.provider(), setup.session.clone(), stranger.clone()).unwrap_err();
    assert!(matches!(err, SessionError::WrongSessionKey { .. }), "{err:?}");

    let session = setup.session.clone();
    let forger = setup.forger(move |hash, calls| session.sign_transaction(&stranger, hash, calls).unwrap());
    assert_rejected_with(&rejection(&forger, vec![strk_transfer(RECIPIENT, 1)]).await, "session/invalid-signature");
}

#[tokio::test(flavor = "multi_thread")]
async fn session_key_signature_cannot_be_replayed_under_another_session() {
    let setup = Setup::new().await;
    // A second session of the same key, signed by the owner too.
    let other = request(&setup.devnet)
        .await
        .valid_after(1)
        .build()
        .unwrap()
        .sign(setup.account, setup.devnet.chain_id(), &owner_key())
        .unwrap();
    let session = setup.session.clone();
    let forger = setup.forger(move |hash, calls| {
        // The session key signs for `other`, but the transaction presents `session`.
        let mut sig = SessionToken::from_felts(&other.sign_transaction(&session_key(), hash, calls).unwrap()).unwrap();
        let real = SessionToken::from_felts(&session.sign_transaction(&session_key(), hash, calls).unwrap()).unwrap();
        sig.session = real.session;
        sig.owner_signature = real.owner_signature;
        sig.proofs = real.proofs;
        sig.to_felts()
    });
    assert_rejected_with(&rejection(&forger, vec![strk_transfer(RECIPIENT, 1)]).await, "session/invalid-signature");
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_session_is_rejected() {
    let setup = Setup::new().await;
    let owner = sk_tests::account_with_key(&setup.devnet, setup.account, owner_key());
    let hash = setup.session.hash();
    let pre_confirmed = BlockId::Tag(BlockTag::PreConfirmed);
    assert!(!is_session_revoked(owner.provider(), setup.account, hash, pre_confirmed).await.unwrap());

    let sent = owner.execute_v3(vec![revoke_session_call(setup.account, hash)]).send().await.unwrap();
    wait_for_receipt(owner.provider(), sent.transaction_hash).await.unwrap();
    assert!(is_session_revoked(owner.provider(), setup.account, hash, pre_confirmed).await.unwrap());

    let rejected = rejection(&setup.session_account(), vec![strk_transfer(RECIPIENT, 1)]).await;
    assert_rejected_with(&rejected, "session/revoked");

    // Revoking twice is an error too.
    let err = owner.execute_v3(vec![revoke_session_call(setup.account, hash)]).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("session/already-revoked"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rotating_the_owner_key_ends_its_sessions() {
    let setup = Setup::new().await;
    let owner = sk_tests::account_with_key(&setup.devnet, setup.account, owner_key());
    let new_owner = SigningKey::from_secret_scalar(Felt::from(0x0e1_u32));
    let old_owner = owner_key().verifying_key().scalar();
    let rotate = sk_session::set_owner_call(setup.account, setup.devnet.chain_id(), old_owner, &new_owner).unwrap();
    let sent = owner.execute_v3(vec![rotate]).send().await.unwrap();
    wait_for_receipt(owner.provider(), sent.transaction_hash).await.unwrap();

    // The rotation moved the owner epoch on: the session is refused before its owner signature
    // is even looked at (tests/e2e/epoch.rs has the rest).
    let rejected = rejection(&setup.session_account(), vec![strk_transfer(RECIPIENT, 1)]).await;
    assert_rejected_with(&rejected, "session/stale-epoch");
}

#[tokio::test(flavor = "multi_thread")]
async fn session_window_is_enforced_in_validation_and_execution() {
    // An hour boundary well ahead of the devnet's clock; validation sees time rounded down to it.
    let hour = |now: u64| (now / 3600 + 10) * 3600;
    let setup = Setup::with(|request, now| request.valid_after(hour(now) + 600).valid_until(hour(now) + 1800)).await;
    let hour = hour(setup.now_at_start);
    let session_account = setup.session_account();
    let transfer = || vec![strk_transfer(RECIPIENT, 1)];
    let client = setup.devnet.client();

    // Before the window: validation (rounded time) cannot tell; execution can.
    client.set_time(hour + 10).await.unwrap();
    assert_rejected_with(&rejection(&session_account, transfer()).await, "session/not-yet-valid");

    // Inside the window.
    client.set_time(hour + 700).await.unwrap();
    let sent = session_account.execute_v3(transfer()).send().await.unwrap();
    wait_for_receipt(&setup.devnet.provider(), sent.transaction_hash).await.unwrap();

    // Expired within the hour of its end: caught in execution.
    client.set_time(hour + 2000).await.unwrap();
    let rejected = rejection(&session_account, transfer()).await;
    assert_rejected_with(&rejected, "session/expired");
    assert!(!rejected[1].contains("ValidationFailure"), "validation saw the exact time: {}", rejected[1]);

    // Expired for over an hour: caught in validation already (the node rejects it, nothing is
    // charged).
    client.set_time(hour + 3 * 3600).await.unwrap();
    assert_rejected_with(&rejection(&session_account, transfer()).await, "session/expired");
    let err = with_bounds(session_account.execute_v3(transfer())).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("ValidationFailure"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn session_starting_more_than_an_hour_ahead_is_refused_in_validation() {
    let hour = |now: u64| (now / 3600 + 10) * 3600;
    let setup = Setup::with(|request, now| request.valid_after(hour(now) + 600).valid_until(hour(now) + 7200)).await;
    let (hour, account) = (hour(setup.now_at_start), setup.account);
    let session_account = setup.session_account();
    let provider = setup.devnet.provider();
    let transfer = || vec![strk_transfer(RECIPIENT, 1)];
    let balance = strk_balance(&provider, account).await.unwrap();

    // Validation sees `hour - 3600` (rounded down): the start is 4,200 s after it, so certainly
    // ahead. The node refuses the transaction; nothing is charged and nothing is counted.
    setup.devnet.client().set_time(hour - 3000).await.unwrap();
    assert_rejected_with(&rejection(&session_account, transfer()).await, "session/not-yet-valid");
    let err = with_bounds(session_account.execute_v3(transfer())).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("ValidationFailure"), "{err:?}");
    assert_eq!(strk_balance(&provider, account).await.unwrap(), balance);
    let usage = session_usage(&provider, account, setup.session.hash(), BlockId::Tag(BlockTag::PreConfirmed));
    assert_eq!(usage.await.unwrap(), SessionUsage::default());
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_signature_arrays_are_rejected() {
    let setup = Setup::new().await;
    let session = setup.session.clone();
    let calls = || vec![strk_transfer(RECIPIENT, 1)];
    type Mangle = fn(&mut Vec<Felt>);
    let cases: [(&str, Mangle); 5] = [
        ("truncated", |felts| {
            felts.pop();
        }),
        ("too long", |felts| felts.push(Felt::ONE)),
        ("absurd owner-signature length", |felts| felts[OWNER_SIGNATURE_OFFSET] = Felt::from(u32::MAX)),
        ("length beyond u32", |felts| felts[OWNER_SIGNATURE_OFFSET] = Felt::from(u64::MAX)),
        ("absurd proof count", |felts| {
            let at = felts.len() - 2; // [.., proof count = 1, proof length = 1, sibling]
            felts[at - 1] = Felt::from(1_000_000u32);
        }),
    ];
    for (name, mangle) in cases {
        let session = session.clone();
        let forger = setup.forger(move |hash, calls| {
            let mut felts = session.sign_transaction(&session_key(), hash, calls).unwrap();
            mangle(&mut felts);
            felts
        });
        let [estimated, sent] = rejection(&forger, calls()).await;
        let expected = "session/bad-format";
        assert!(estimated.contains(expected) && sent.contains(expected), "{name}: {estimated}\n{sent}");
    }
}

/// A session signature with chosen proofs.
pub(crate) fn session_signature(
    session: &SignedSession,
    key: &SigningKey,
    hash: Felt,
    proofs: Vec<CallProof>,
) -> Vec<Felt> {
    let signature = key.sign(&session_message_hash(hash, session.hash())).unwrap();
    SessionToken {
        session: session.session(),
        owner_signature: session.owner_signature().to_vec(),
        session_signature: vec![signature.r, signature.s],
        proofs,
    }
    .to_felts()
}

impl Setup {
    /// Signs correctly but presents the proofs of `decoys` instead of the real calls'.
    fn with_proofs_of(&self, decoys: Vec<Call>) -> Forged<impl Forge> {
        let session = self.session.clone();
        self.forger(move |hash, _calls| {
            let tree = session.request().policies();
            let proofs = decoys.iter().map(|c| tree.proof(c.to, c.selector).unwrap()).collect();
            session_signature(&session, &session_key(), hash, proofs)
        })
    }
}

/// What a forger signs with: the transaction hash and calls in, the signature out.
pub(crate) trait Forge: Fn(Felt, &[Call]) -> Vec<Felt> + Send + Sync {}

impl<F: Fn(Felt, &[Call]) -> Vec<Felt> + Send + Sync> Forge for F {}

/// `account` on `devnet`, its transactions signed by whatever `forge` makes of the transaction
/// hash and calls.
pub(crate) fn forged<F: Forge>(devnet: &Devnet, account: Felt, forge: F) -> Forged<F> {
    SessionAccount::with_signer(devnet.provider(), account, devnet.chain_id(), Forger(forge))
}

/// A session account whose transactions a [`Forger`] signs.
pub(crate) type Forged<F> = SessionAccount<Provider, Forger<F>>;

/// A signer that signs with an arbitrary function of the transaction hash and calls, to send what
/// a buggy or malicious client would.
pub(crate) struct Forger<F>(F);

#[async_trait]
impl<F> SessionSigner for Forger<F>
where
    F: Fn(Felt, &[Call]) -> Vec<Felt> + Send + Sync,
{
    type Error = SessionError;

    async fn sign_transaction(
        &self,
        _account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
    ) -> Result<Vec<Felt>, SessionError> {
        Ok((self.0)(transaction_hash, calls))
    }
}
