//! Revocation (docs/protocol.md §4, "Revocation" and "Epoch"): the `ISession` entry points of the
//! `RevocationComponent`, on the account, and the epoch a change of the owner key moves on.
//! Validation of a revoked session, or of one of an earlier epoch, is in `test_session`.
use starknet::testing::{pop_log, set_caller_address};
use crate::account::SessionKeyAccount;
use crate::interfaces::{IOwner, ISession};
use crate::session::revocation::RevocationComponent::{
    Event as RevocationEvent, SessionRevoked, SessionsRevoked,
};
use super::support::{OTHER, contract, revoke, revoke_all, rotate_owner, session_account};
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

//
// revoke_all_sessions / get_session_epoch
//

/// The event of the owner epoch moving on to `epoch`.
fn sessions_revoked(epoch: u64) -> SessionKeyAccount::Event {
    SessionKeyAccount::Event::RevocationEvent(
        RevocationEvent::SessionsRevoked(SessionsRevoked { epoch }),
    )
}

#[test]
fn test_get_session_epoch_at_deployment() {
    let state = session_account(vectors::signature());
    assert_eq!(state.get_session_epoch(), 0);
    assert_eq!(state.get_session_epoch(), vectors::EPOCH);
}

#[test]
fn test_revoke_all_sessions_by_self() {
    let mut state = session_account(vectors::signature());
    let account_address = contract(vectors::ACCOUNT);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    revoke_all(ref state);
    assert_eq!(state.get_session_epoch(), 1);
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(1));
    // Again: the epoch only grows, one at a time, and each move is announced.
    revoke_all(ref state);
    assert_eq!(state.get_session_epoch(), 2);
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(2));
    assert!(pop_log::<SessionKeyAccount::Event>(account_address).is_none());
    // No session is marked revoked: the epoch ends them.
    assert!(!state.is_session_revoked(vectors::SESSION_HASH));
    // Nor does it change the owner.
    assert_eq!(state.get_owner(), vectors::OWNER_KEY);
}

#[test]
#[should_panic(expected: ('account/only-self',))]
fn test_revoke_all_sessions_by_other_caller() {
    let mut state = session_account(vectors::signature());
    set_caller_address(contract(0x123));
    state.revoke_all_sessions();
}

#[test]
#[should_panic(expected: ('account/only-self',))]
fn test_revoke_all_sessions_by_protocol() {
    let mut state = session_account(vectors::signature());
    state.revoke_all_sessions();
}

#[test]
fn test_set_owner_bumps_the_epoch() {
    let mut state = session_account(vectors::signature());
    let account_address = contract(vectors::ACCOUNT);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    rotate_owner(ref state, OTHER);
    assert_eq!(state.get_session_epoch(), 1);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(1));
    // Back to the first key: the epoch does not go back.
    rotate_owner(ref state, vectors::OWNER_KEY);
    assert_eq!(state.get_session_epoch(), 2);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(2));
    // And with `revoke_all_sessions`, one count.
    revoke_all(ref state);
    assert_eq!(state.get_session_epoch(), 3);
}
