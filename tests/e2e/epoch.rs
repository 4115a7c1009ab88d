//! The owner epoch and the authorization cache on devnet (docs/protocol.md §4, "Epoch" and
//! "Authorization cache"): a session's first use records its authorization and later ones are
//! short and cheaper; `register_session` records it up front; `revoke_all_sessions` and a
//! rotation end every earlier session and its record, move the epoch to a hash of their
//! transaction, and neither rotating back nor a session signed for an epoch to come revives
//! anything.

use sk_devnet::{strk_transfer, wait_for_receipt, Cost, LocalAccount};
use sk_session::{
    revoke_all_sessions_call, session_epoch, Error as SessionError, SessionToken, SessionUsage, SignedSession,
};
use sk_tests::{account_with_key, owner_key, with_bounds};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Call, Felt, ReceiptBlock, Transaction};
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;
use starknet_crypto::poseidon_hash_many;

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

    /// Sends `calls` as an owner transaction and waits for it; returns the owner epoch it moves
    /// to if it moves it (docs/protocol.md §4, "Epoch"): `poseidon_hash_many([epoch before,
    /// transaction hash, block number])`.
    async fn as_owner(&self, owner: &LocalAccount, calls: Vec<Call>) -> Felt {
        let before = self.epoch().await;
        let sent = owner.execute_v3(calls).send().await.unwrap();
        let receipt = wait_for_receipt(owner.provider(), sent.transaction_hash).await.unwrap();
        let ReceiptBlock::Block { block_number, .. } = receipt.block else { panic!("a receipt in a block") };
        poseidon_hash_many(&[before, sent.transaction_hash, block_number.into()])
    }

    async fn epoch(&self) -> Felt {
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
    let moved = setup.as_owner(&owner, vec![revoke_all_sessions_call(setup.account)]).await;
    assert_eq!(setup.epoch().await, moved, "the hash of the epoch before, the transaction and its block");

    // The recorded session is refused, short or long (Argent #532: a cached authorization must
    // not outlive the owner's decision).
    assert_rejected_with(&rejection(&setup.session_account(), transfer()).await, "session/stale-epoch");
    let long = setup.tampered(|_| {});
    assert_rejected_with(&rejection(&long, transfer()).await, "session/stale-epoch");
    let err = sk_session::SessionAccount::connect(setup.devnet.provider(), setup.session.clone(), session_key())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SessionError::StaleEpoch { session, account } if session == Felt::ZERO && account == moved),
        "{err:?}"
    );

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
    let first = setup.as_owner(&owner, vec![rotate]).await;
    assert_eq!(setup.epoch().await, first, "a rotation moves the epoch on");

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
    let second_epoch = setup.as_owner(&by_second, vec![rotate]).await;
    assert_eq!(setup.epoch().await, second_epoch);
    assert!(second_epoch != first && second_epoch != Felt::ZERO, "rotating back does not bring an epoch back");

    // Neither the first key's old session (recorded, and signed by today's owner key) nor the
    // second key's comes back.
    assert_rejected_with(&rejection(&setup.session_account(), transfer()).await, "session/stale-epoch");
    let second_account =
        sk_session::SessionAccount::new(setup.devnet.provider(), second_session, session_key()).unwrap();
    assert_rejected_with(&rejection(&second_account, transfer()).await, "session/stale-epoch");
}

/// Issue #24, finding 1: with a counting epoch, a dApp could have the owner sign a session naming
/// the next value (refused today) and wait for the owner's own revoke-all to bring it to life, or
/// for a rotation A→B→A to reach the value two ahead. Step by step on devnet: the owner signs
/// sessions for 1 and 2, what a counter would give; both are refused before, after the revoke-all
/// and after a rotation there and back.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_signed_for_an_epoch_to_come_never_wakes_up() {
    let setup = Setup::new().await;
    let owner = setup.owner();
    let dormant = |epoch: u64| {
        fee_limited(setup.now_at_start)
            .allow(sk_devnet::STRK, "transfer")
            .epoch(Felt::from(epoch))
            .build()
            .unwrap()
            .sign(setup.account, setup.devnet.chain_id(), &owner_key())
            .unwrap()
    };
    let (next, after_next) = (dormant(1), dormant(2));
    let refused = |session: &SignedSession| {
        sk_session::SessionAccount::new(setup.devnet.provider(), session.clone(), session_key()).unwrap()
    };
    for session in [&next, &after_next] {
        assert_rejected_with(&rejection(&refused(session), transfer()).await, "session/stale-epoch");
    }
    // The emergency brake: the epoch moves, but not to 1.
    let moved = setup.as_owner(&owner, vec![revoke_all_sessions_call(setup.account)]).await;
    assert_eq!(setup.epoch().await, moved);
    for session in [&next, &after_next] {
        assert_rejected_with(&rejection(&refused(session), transfer()).await, "session/stale-epoch");
    }
    // A→B→A: two moves more, to neither 2 nor anything a session named in advance.
    let second = SigningKey::from_secret_scalar(Felt::from(0x0e1_u32));
    let owner_public = owner_key().verifying_key().scalar();
    let away = sk_session::set_owner_call(setup.account, setup.devnet.chain_id(), owner_public, &second).unwrap();
    setup.as_owner(&owner, vec![away]).await;
    let by_second = account_with_key(&setup.devnet, setup.account, second.clone());
    let back = sk_session::set_owner_call(
        setup.account,
        setup.devnet.chain_id(),
        second.verifying_key().scalar(),
        &owner_key(),
    )
    .unwrap();
    setup.as_owner(&by_second, vec![back]).await;
    for session in [&next, &after_next] {
        assert_rejected_with(&rejection(&refused(session), transfer()).await, "session/stale-epoch");
        let err = sk_session::SessionAccount::connect(setup.devnet.provider(), session.clone(), session_key())
            .await
            .unwrap_err();
        assert!(matches!(err, SessionError::StaleEpoch { .. }), "{err:?}");
    }
}
