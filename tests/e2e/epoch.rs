//! The owner epoch and the authorization cache on devnet (docs/protocol.md §4, "Epoch" and
//! "Authorization cache"): a session's first use records its authorization and later ones are
//! short and cheaper; `register_session` records it up front; `revoke_all_sessions` and a
//! rotation end every earlier session and its record, and rotating back revives none.

use sk_devnet::{strk_transfer, wait_for_receipt, Cost, LocalAccount};
use sk_session::{
    revoke_all_sessions_call, session_epoch, Error as SessionError, SessionToken, SessionUsage, SignedSession,
};
use sk_tests::{account_with_key, owner_key, with_bounds};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Call, Felt, Transaction};
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;

use crate::session::{assert_rejected_with, fee_limited, rejection, session_key, Setup, RECIPIENT};

fn transfer() -> Vec<Call> {
    vec![strk_transfer(RECIPIENT, 1)]
}

impl Setup {
    fn owner(&self) -> LocalAccount {
        account_with_key(&self.devnet, self.account, owner_key())
    }

    /// Sends a session transfer with the SDK; returns its L2 gas and whether its token was short.
    async fn session_transfer(&self, session: &SignedSession) -> (u64, bool) {
        let account = sk_session::SessionAccount::new(self.devnet.provider(), session.clone(), session_key()).unwrap();
        let sent = with_bounds(account.execute_v3(transfer())).send().await.unwrap();
        let receipt = wait_for_receipt(&self.devnet.provider(), sent.transaction_hash).await.unwrap();
        let tx = self.devnet.provider().get_transaction_by_hash(sent.transaction_hash).await.unwrap();
        let Transaction::Invoke(starknet::core::types::InvokeTransaction::V3(tx)) = tx else {
            panic!("an invoke v3 transaction")
        };
        (Cost::of(&receipt.receipt).l2_gas, SessionToken::from_felts(&tx.signature).unwrap().is_short())
    }

    /// Sends `calls` as an owner transaction and waits for it.
    async fn as_owner(&self, owner: &LocalAccount, calls: Vec<Call>) {
        let sent = owner.execute_v3(calls).send().await.unwrap();
        wait_for_receipt(owner.provider(), sent.transaction_hash).await.unwrap();
    }

    async fn epoch(&self) -> u64 {
        session_epoch(&self.devnet.provider(), self.account, BlockId::Tag(BlockTag::PreConfirmed)).await.unwrap()
    }

    /// A session like the setup's, signed by `owner` at the account's current epoch.
    async fn new_session(&self, owner: &SigningKey) -> SignedSession {
        let epoch = self.epoch().await;
        fee_limited(self.now_at_start)
            .allow(sk_devnet::STRK, "transfer")
            .epoch(epoch)
            .build()
            .unwrap()
            .sign(self.account, self.devnet.chain_id(), owner)
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cached_use_is_short_and_cheaper_than_first_use() {
    let setup = Setup::new().await;
    assert!(!setup.usage().await.authorized);
    let (first, first_short) = setup.session_transfer(&setup.session).await;
    assert!(!first_short, "the first use carries the owner signature");
    let usage = setup.usage().await;
    assert!(usage.authorized, "the first use records the authorization: {usage:?}");
    let (later, later_short) = setup.session_transfer(&setup.session).await;
    assert!(later_short, "a later use leaves the owner signature out");
    assert!(later < first, "cached use {later} L2 gas, first use {first}");
    eprintln!("session transfer L2 gas: first use {first}, cached use {later}");
}

#[tokio::test(flavor = "multi_thread")]
async fn register_session_makes_even_the_first_use_short() {
    let setup = Setup::new().await;
    let owner = setup.owner();
    setup.as_owner(&owner, vec![setup.session.register_call()]).await;
    assert_eq!(setup.usage().await, SessionUsage { authorized: true, ..SessionUsage::default() });
    let (_, short) = setup.session_transfer(&setup.session).await;
    assert!(short, "the first use after registering is short");

    let err = owner.execute_v3(vec![setup.session.register_call()]).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("session/already-registered"), "{err:?}");
    // A session cannot register itself: no call to its own account.
    let err = setup.session_account().execute_v3(vec![setup.session.register_call()]).send().await.unwrap_err();
    assert!(format!("{err:?}").contains("SelfCall"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_short_token_without_a_record_is_refused() {
    let setup = Setup::new().await;
    let forger = setup.tampered(|token| token.owner_signature.clear());
    assert_rejected_with(&rejection(&forger, transfer()).await, "session/not-authorized");
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_all_sessions_ends_every_earlier_session_and_its_record() {
    let setup = Setup::new().await;
    setup.session_transfer(&setup.session).await;
    assert!(setup.usage().await.authorized);
    let owner = setup.owner();
    setup.as_owner(&owner, vec![revoke_all_sessions_call(setup.account)]).await;
    assert_eq!(setup.epoch().await, 1);

    // The recorded session is refused, short or long (Argent #532: a cached authorization must
    // not outlive the owner's decision).
    assert_rejected_with(&rejection(&setup.session_account(), transfer()).await, "session/stale-epoch");
    let long = setup.tampered(|_| {});
    assert_rejected_with(&rejection(&long, transfer()).await, "session/stale-epoch");
    let err = sk_session::SessionAccount::connect(setup.devnet.provider(), setup.session.clone(), session_key())
        .await
        .unwrap_err();
    assert!(matches!(err, SessionError::StaleEpoch { session: 0, account: 1 }), "{err:?}");

    // A session of the new epoch works.
    let fresh = setup.new_session(&owner_key()).await;
    let (_, short) = setup.session_transfer(&fresh).await;
    assert!(!short);
}

#[tokio::test(flavor = "multi_thread")]
async fn rotating_back_to_an_old_owner_key_revives_none_of_its_sessions() {
    let setup = Setup::new().await;
    setup.session_transfer(&setup.session).await;
    let owner = setup.owner();
    let second = SigningKey::from_secret_scalar(Felt::from(0x0e1_u32));
    let rotate = sk_session::set_owner_call(
        setup.account,
        setup.devnet.chain_id(),
        owner_key().verifying_key().scalar(),
        &second,
    )
    .unwrap();
    let sent = owner.execute_v3(vec![rotate]).send().await;
    wait_for_receipt(owner.provider(), sent.unwrap().transaction_hash).await.unwrap();
    assert_eq!(setup.epoch().await, 1, "a rotation moves the epoch on");

    // The second key's session works, then the owner rotates back to the first key.
    let second_session = setup.new_session(&second).await;
    setup.session_transfer(&second_session).await;
    let by_second = account_with_key(&setup.devnet, setup.account, second.clone());
    let rotate = sk_session::set_owner_call(
        setup.account,
        setup.devnet.chain_id(),
        second.verifying_key().scalar(),
        &owner_key(),
    )
    .unwrap();
    let sent = by_second.execute_v3(vec![rotate]).send().await;
    wait_for_receipt(by_second.provider(), sent.unwrap().transaction_hash).await.unwrap();
    assert_eq!(setup.epoch().await, 2);

    // Neither the first key's old session (recorded, and signed by today's owner key) nor the
    // second key's comes back.
    assert_rejected_with(&rejection(&setup.session_account(), transfer()).await, "session/stale-epoch");
    let second_account =
        sk_session::SessionAccount::new(setup.devnet.provider(), second_session, session_key()).unwrap();
    assert_rejected_with(&rejection(&second_account, transfer()).await, "session/stale-epoch");
}
