//! Revocation (docs/protocol.md §4, "Revocation"): the `ISession` entry points of the
//! `RevocationComponent`, on the account. Validation of a revoked session is in `test_session`.
use starknet::testing::{pop_log, set_caller_address};
use crate::account::SessionKeyAccount;
use crate::interfaces::ISession;
use crate::session::revocation::RevocationComponent::{Event as RevocationEvent, SessionRevoked};
use super::support::{contract, revoke, session_account};
use super::vectors;

//
// revoke_session / is_session_revoked
//

#[test]
fn test_revoke_session_by_self() {
    let mut state = session_account(vectors::signature());
    let account_address = contract(vectors::ACCOUNT);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    assert!(!state.is_session_revoked(vectors::SESSION_HASH));
    revoke(ref state, vectors::SESSION_HASH);
    assert!(state.is_session_revoked(vectors::SESSION_HASH));
    assert!(!state.is_session_revoked(vectors::ONE_POLICY_SESSION_HASH));
    let event = pop_log::<SessionKeyAccount::Event>(account_address).unwrap();
    let expected = SessionKeyAccount::Event::RevocationEvent(
        RevocationEvent::SessionRevoked(SessionRevoked { session_hash: vectors::SESSION_HASH }),
    );
    assert_eq!(event, expected);
    assert!(pop_log::<SessionKeyAccount::Event>(account_address).is_none());
}

#[test]
#[should_panic(expected: ('session/already-revoked',))]
fn test_revoke_session_twice() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::SESSION_HASH);
    revoke(ref state, vectors::SESSION_HASH);
}

#[test]
#[should_panic(expected: ('account/only-self',))]
fn test_revoke_session_by_other_caller() {
    let mut state = session_account(vectors::signature());
    set_caller_address(contract(0x123));
    state.revoke_session(vectors::SESSION_HASH);
}

#[test]
#[should_panic(expected: ('account/only-self',))]
fn test_revoke_session_by_protocol() {
    // A session transaction cannot call the account, and neither can the protocol directly.
    let mut state = session_account(vectors::signature());
    state.revoke_session(vectors::SESSION_HASH);
}
