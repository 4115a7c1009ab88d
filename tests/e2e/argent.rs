//! `sk_session::argent` against Argent's real account 0.4.0 (the class devnet bundles): sessions
//! in Argent's format, with the guardian played by a local key, accepted and refused on-chain.
use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, Devnet, DEPLOY_FUNDS, STRK};
use sk_session::argent::{
    constructor_calldata, AllowedMethod, ArgentOwnerSigner, ArgentSession, ArgentSessionSigner, CacheMode,
};
use sk_session::{Error as SessionError, SessionAccount};
use starknet::accounts::{Account, AccountError, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Call, Felt, FunctionCall};
use starknet::macros::selector;
use starknet::providers::Provider;
use starknet::signers::SigningKey;

use sk_tests::with_bounds;

const RECIPIENT: Felt = Felt::from_hex_unchecked("0x4ec1");
const AMOUNT: u128 = 1_000_000;

struct Argent {
    devnet: Devnet,
    address: Felt,
    owner: SigningKey,
    guardian: SigningKey,
}

fn key(secret: u64) -> SigningKey {
    SigningKey::from_secret_scalar(Felt::from(secret))
}

/// A devnet with an Argent 0.4.0 account owned by `owner`, with `guardian` unless `None`.
async fn argent(with_guardian: bool) -> Argent {
    let devnet = Devnet::start_with_argent().await.expect("devnet starts");
    let owner = key(0x0a1);
    let guardian = key(0x0a2);
    let calldata =
        constructor_calldata(owner.verifying_key().scalar(), with_guardian.then(|| guardian.verifying_key().scalar()));
    let address = devnet
        .deploy_contract(sk_devnet::ARGENT_ACCOUNT_CLASS_HASH, calldata, Felt::ONE)
        .await
        .expect("the Argent account deploys");
    let mint = devnet.mint(address, DEPLOY_FUNDS).await.expect("mint");
    wait_for_receipt(&devnet.provider(), mint).await.expect("minted");
    Argent { devnet, address, owner, guardian }
}

impl Argent {
    fn session(&self, session_key: &SigningKey, methods: Vec<AllowedMethod>) -> ArgentSession {
        ArgentSession::new(session_key.verifying_key().scalar(), 2_000_000_000, methods, r#"{"projectID":"sk-tests"}"#)
            .expect("a valid session")
    }

    /// A session account for `session`, authorized by the owner and the guardian, co-signed by
    /// `cosigner` (the guardian, unless a test wants otherwise).
    fn session_account(
        &self,
        session: ArgentSession,
        session_key: SigningKey,
        cosigner: SigningKey,
    ) -> SessionAccount<sk_devnet::Provider, ArgentSessionSigner<SigningKey>> {
        let chain_id = self.devnet.chain_id();
        let authorization = session.authorize(self.address, chain_id, &self.owner, &self.guardian).expect("authorize");
        let signer = ArgentSessionSigner::new(session, self.address, chain_id, authorization, session_key, cosigner)
            .expect("the session key is the session's");
        SessionAccount::with_signer(self.devnet.provider(), self.address, chain_id, signer)
    }

    async fn view(&self, selector: Felt, calldata: Vec<Felt>) -> Vec<Felt> {
        let call = FunctionCall { contract_address: self.address, entry_point_selector: selector, calldata };
        self.devnet.provider().call(call, BlockId::Tag(BlockTag::PreConfirmed)).await.expect("view answers")
    }
}

fn transfer_only() -> Vec<AllowedMethod> {
    vec![AllowedMethod::new(STRK, "transfer")]
}

/// Sends `calls` from `account`, waits, and returns the error text if the node refused or the
/// transaction reverted.
async fn send<A: ConnectedAccount + Sync>(account: &A, calls: Vec<Call>, devnet: &Devnet) -> Result<(), String>
where
    A::SignError: std::fmt::Display,
{
    let sent = with_bounds(account.execute_v3(calls)).send().await.map_err(|e| e.to_string())?;
    wait_for_receipt(&devnet.provider(), sent.transaction_hash).await.map(drop).map_err(|e| e.to_string())
}

/// The README's Argent example: `main` reads the environment; the test calls `run`.
#[allow(dead_code)]
#[path = "../../crates/session/examples/argent.rs"]
mod example;

#[tokio::test(flavor = "multi_thread")]
async fn a_session_transfer_is_accepted_by_argents_account() {
    let argent = argent(true).await;
    let before = strk_balance(&argent.devnet.provider(), RECIPIENT).await.unwrap();
    // The README's example, through starknet-rs's own path: fee estimate (a query-signed token),
    // then the real one.
    let sent =
        example::run(argent.devnet.url().clone(), argent.address, &argent.owner, argent.guardian.clone(), RECIPIENT)
            .await
            .unwrap_or_else(|e| panic!("the README's Argent example failed: {e}"));
    wait_for_receipt(&argent.devnet.provider(), sent).await.expect("succeeds");
    let after = strk_balance(&argent.devnet.provider(), RECIPIENT).await.unwrap();
    assert_eq!(after - before, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cached_authorization_can_then_be_left_out() {
    let argent = argent(true).await;
    let session_key = key(0x5e2);
    let mut account =
        argent.session_account(argent.session(&session_key, transfer_only()), session_key, argent.guardian.clone());
    let hash = account.signer().session_hash();
    let cached = || argent.view(selector!("is_session_authorization_cached"), vec![hash]);
    assert_eq!(cached().await, vec![Felt::ZERO]);

    account.signer_mut().set_cache_mode(CacheMode::Cached);
    let refused = send(&account, vec![strk_transfer(RECIPIENT, AMOUNT)], &argent.devnet).await;
    let refused = refused.expect_err("an omitted authorization is refused until it is cached");
    assert!(refused.contains("argent/invalid-signature-format"), "{refused}");

    account.signer_mut().set_cache_mode(CacheMode::Cache);
    send(&account, vec![strk_transfer(RECIPIENT, AMOUNT)], &argent.devnet).await.expect("caching use");
    assert_eq!(cached().await, vec![Felt::ONE]);
    account.signer_mut().set_cache_mode(CacheMode::Cached);
    send(&account, vec![strk_transfer(RECIPIENT, AMOUNT)], &argent.devnet)
        .await
        .expect("cached use, authorization left out");
}

#[tokio::test(flavor = "multi_thread")]
async fn argents_account_refuses_what_the_session_does_not_allow() {
    let argent = argent(true).await;
    let session_key = key(0x5e3);
    let session = argent.session(&session_key, transfer_only());
    let session_hash = session.hash(argent.address, argent.devnet.chain_id());

    // Out of policy: the SDK refuses before signing.
    let account = argent.session_account(session.clone(), session_key.clone(), argent.guardian.clone());
    let approve = Call { to: STRK, selector: selector!("approve"), calldata: vec![RECIPIENT, Felt::ONE, Felt::ZERO] };
    let err = with_bounds(account.execute_v3(vec![approve])).send().await.unwrap_err();
    assert!(matches!(err, AccountError::Signing(SessionError::CallNotAllowed { index: 0, .. })), "{err:?}");

    // Co-signed by a key that is not the account's guardian: the account refuses.
    let stranger = argent.session_account(session.clone(), session_key.clone(), key(0xbad));
    let err = send(&stranger, vec![strk_transfer(RECIPIENT, AMOUNT)], &argent.devnet).await.unwrap_err();
    assert!(err.contains("guardian-key-mismatch"), "{err}");

    // Revoked by the owner and the guardian: the session no longer works.
    let owner = SessionAccount::with_signer(
        argent.devnet.provider(),
        argent.address,
        argent.devnet.chain_id(),
        ArgentOwnerSigner::new(argent.owner.clone(), Some(argent.guardian.clone())),
    );
    let revoke = Call { to: argent.address, selector: selector!("revoke_session"), calldata: vec![session_hash] };
    send(&owner, vec![revoke], &argent.devnet).await.expect("owner + guardian revoke the session");
    assert_eq!(argent.view(selector!("is_session_revoked"), vec![session_hash]).await, vec![Felt::ONE]);
    let err = send(&account, vec![strk_transfer(RECIPIENT, AMOUNT)], &argent.devnet).await.unwrap_err();
    assert!(err.contains("session/revoked"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_signatures_in_signer_signature_format_are_accepted() {
    let plain = argent(false).await;
    let owner = SessionAccount::with_signer(
        plain.devnet.provider(),
        plain.address,
        plain.devnet.chain_id(),
        ArgentOwnerSigner::new(plain.owner.clone(), None),
    );
    send(&owner, vec![strk_transfer(RECIPIENT, AMOUNT)], &plain.devnet).await.expect("owner alone, no guardian");

    // Without a guardian, Argent's account refuses every session.
    let session_key = key(0x5e4);
    let account =
        plain.session_account(plain.session(&session_key, transfer_only()), session_key, plain.guardian.clone());
    let err = send(&account, vec![strk_transfer(RECIPIENT, AMOUNT)], &plain.devnet).await.unwrap_err();
    assert!(err.contains("session/no-guardian"), "{err}");

    let guarded = argent(true).await;
    let owner_only = SessionAccount::with_signer(
        guarded.devnet.provider(),
        guarded.address,
        guarded.devnet.chain_id(),
        ArgentOwnerSigner::new(guarded.owner.clone(), None),
    );
    let err = send(&owner_only, vec![strk_transfer(RECIPIENT, AMOUNT)], &guarded.devnet).await.unwrap_err();
    assert!(
        err.contains("argent/invalid-signature-length"),
        "an account with a guardian needs its co-signature: {err}"
    );
    let both = SessionAccount::with_signer(
        guarded.devnet.provider(),
        guarded.address,
        guarded.devnet.chain_id(),
        ArgentOwnerSigner::new(guarded.owner.clone(), Some(guarded.guardian.clone())),
    );
    send(&both, vec![strk_transfer(RECIPIENT, AMOUNT)], &guarded.devnet).await.expect("owner + guardian");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multicall_proves_leaves_deep_in_a_tree_of_many_methods() {
    let argent = argent(true).await;
    let session_key = key(0x5e5);
    // Five methods in this (unsorted) order: the calls below are the second and the fourth leaf.
    let methods = vec![
        AllowedMethod::new(Felt::from(0x1001u64), "transfer"),
        AllowedMethod::new(STRK, "approve"),
        AllowedMethod::new(Felt::from(0x1002u64), "transfer"),
        AllowedMethod::new(STRK, "transfer"),
        AllowedMethod::new(Felt::from(0x1003u64), "0x1234"),
    ];
    let session = argent.session(&session_key, methods);
    assert_eq!(session.proof(STRK, selector!("transfer")).map(|p| p.len()), Some(3));
    let account = argent.session_account(session, session_key, argent.guardian.clone());
    let approve = Call { to: STRK, selector: selector!("approve"), calldata: vec![RECIPIENT, Felt::ONE, Felt::ZERO] };
    send(&account, vec![approve, strk_transfer(RECIPIENT, AMOUNT)], &argent.devnet).await.expect("both calls proven");
}
