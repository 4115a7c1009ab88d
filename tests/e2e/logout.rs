//! Logout on devnet (docs/protocol.md §4, "Logout"): a session ends itself for good with its own
//! key, as its own transaction or relayed by anyone, and opens nothing else of the account.

use sk_devnet::{strk_transfer, wait_for_receipt};
use sk_session::{is_session_revoked, revoke_session_call, Error as SessionError, SessionKeySigner, SignError};
use starknet::accounts::{Account, AccountError};
use starknet::core::types::{BlockId, BlockTag, Felt};

use crate::session::{assert_rejected_with, rejection, session_key, session_signature, Setup, RECIPIENT};

impl Setup {
    async fn revoked(&self) -> bool {
        let block = BlockId::Tag(BlockTag::PreConfirmed);
        is_session_revoked(&self.devnet.provider(), self.account, self.session.hash(), block).await.unwrap()
    }

    fn signer(&self) -> SessionKeySigner {
        SessionKeySigner::from_signing_key(self.session.clone(), session_key()).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_logs_itself_out_with_its_own_transaction() {
    let setup = Setup::new().await;
    let session = setup.session_account();
    let sent = session.execute_v3(vec![strk_transfer(RECIPIENT, 1)]).send().await.unwrap();
    wait_for_receipt(&setup.devnet.provider(), sent.transaction_hash).await.unwrap();
    let sent = session.logout().await.unwrap();
    wait_for_receipt(&setup.devnet.provider(), sent.transaction_hash).await.unwrap();
    assert!(setup.revoked().await);
    // Nothing of the session works any more, short token or long.
    assert_rejected_with(&rejection(&session, vec![strk_transfer(RECIPIENT, 1)]).await, "session/revoked");
    let long = setup.tampered(|_| {});
    assert_rejected_with(&rejection(&long, vec![strk_transfer(RECIPIENT, 1)]).await, "session/revoked");
    // A second logout has nothing left to end.
    let err = session.logout().await.unwrap_err();
    assert!(format!("{err:?}").contains("session/revoked"), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn anyone_can_relay_a_logout_the_session_key_signed() {
    let setup = Setup::new().await;
    let relayer = setup.devnet.funded_account();
    let call = setup.signer().logout_call().await.unwrap();
    let sent = relayer.execute_v3(vec![call.clone()]).send().await.unwrap();
    wait_for_receipt(&setup.devnet.provider(), sent.transaction_hash).await.unwrap();
    assert!(setup.revoked().await);
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/already-revoked");
    assert_rejected_with(
        &rejection(&setup.session_account(), vec![strk_transfer(RECIPIENT, 1)]).await,
        "session/revoked",
    );
}

/// Issue #24, item 5: logout opens nothing else of the account's admin surface. The session may
/// call `logout_session` and nothing else of its account; a logout signed by another key, or of
/// another session, is refused.
#[tokio::test(flavor = "multi_thread")]
async fn logout_opens_nothing_else() {
    let setup = Setup::new().await;
    let relayer = setup.devnet.funded_account();
    // Another of the account's entry points: the SDK refuses, and forced past it, the account.
    let other = Felt::from(0x0bad_u32);
    let session = setup.session_account();
    let err = session.execute_v3(vec![revoke_session_call(setup.account, other)]).send().await.unwrap_err();
    assert!(matches!(err, AccountError::Signing(SignError::Session(SessionError::SelfCall { index: 0 }))), "{err:?}");
    let signed = setup.session.clone();
    let forced = setup.forger(move |hash, _: &[starknet::core::types::Call]| {
        session_signature(&signed, &session_key(), hash, vec![Default::default()])
    });
    assert_rejected_with(
        &rejection(&forced, vec![revoke_session_call(setup.account, other)]).await,
        "session/self-call",
    );
    // A logout signed by a key that is not the session's.
    let honest = setup.signer().logout_call().await.unwrap();
    let mut by_owner = honest.clone();
    let signature = sk_tests::owner_key().sign(&sk_session::logout_hash(setup.session.hash())).unwrap();
    let at = by_owner.calldata.len() - 2;
    by_owner.calldata[at..].copy_from_slice(&[signature.r, signature.s]);
    assert_rejected_with(&rejection(&relayer, vec![by_owner]).await, "session/invalid-signature");
    // The session's logout signature presented for another session (another window): refused.
    let mut other_session = honest.clone();
    other_session.calldata[2] += Felt::ONE; // valid_until
    assert_rejected_with(&rejection(&relayer, vec![other_session]).await, "session/invalid-signature");
    assert!(!setup.revoked().await);
}
