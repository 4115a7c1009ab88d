//! Revocation (docs/protocol.md §4, "Revocation", "Logout" and "Epoch"): the `ISession` and
//! `ISessionLogout` entry points of the `RevocationComponent`, on the account, and the epoch a
//! change of the owner key moves on.
//! Validation of a revoked session, or of one of an earlier epoch, is in `test_session`.
use core::poseidon::poseidon_hash_span;
use starknet::testing::{pop_log, set_block_number, set_caller_address};
use crate::account::SessionKeyAccount;
use crate::interfaces::{IOwner, ISRC6, ISession, ISessionLogout};
use crate::session::revocation::RevocationComponent::{
    Event as RevocationEvent, SessionRevoked, SessionsRevoked, logout_hash, next_epoch,
};
use crate::session::session_hash::Session;
use crate::session::session_token::session_message_hash;
use super::support::{
    OTHER, OWNER_PRIVATE_KEY, SESSION_PRIVATE_KEY, contract, revoke, revoke_all, rotate_owner, session, session_account,
    sign,
};
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
fn sessions_revoked(epoch: felt252) -> SessionKeyAccount::Event {
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
    set_block_number(7);
    revoke_all(ref state);
    // The hash of the epoch before, the transaction and its block: not 1, what a counter would
    // have made it, which a dApp could have asked the owner to sign for in advance.
    let first = next_epoch(0, vectors::TX_HASH, 7);
    assert_eq!(first, poseidon_hash_span(array![0, vectors::TX_HASH, 7].span()));
    assert_eq!(state.get_session_epoch(), first);
    assert_ne!(first, 1);
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(first));
    // Again, in the same transaction: the epoch chains from the one before, and each move is
    // announced.
    revoke_all(ref state);
    let second = next_epoch(first, vectors::TX_HASH, 7);
    assert_eq!(state.get_session_epoch(), second);
    assert_ne!(second, first);
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(second));
    assert!(pop_log::<SessionKeyAccount::Event>(account_address).is_none());
    // No session is marked revoked: the epoch ends them.
    assert!(!state.is_session_revoked(vectors::SESSION_HASH));
    // Nor does it change the owner.
    assert_eq!(state.get_owner(), vectors::OWNER_KEY);
}

#[test]
fn test_next_epoch_depends_on_the_transaction_and_its_block() {
    let epoch = next_epoch(5, 0x1234, 10);
    assert_ne!(epoch, next_epoch(5, 0x1235, 10));
    assert_ne!(epoch, next_epoch(5, 0x1234, 11));
    assert_ne!(epoch, next_epoch(6, 0x1234, 10));
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
    let first = next_epoch(0, vectors::TX_HASH, 0);
    assert_eq!(state.get_session_epoch(), first);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(first));
    // Back to the first key: the epoch does not go back.
    rotate_owner(ref state, vectors::OWNER_KEY);
    let second = next_epoch(first, vectors::TX_HASH, 0);
    assert_eq!(state.get_session_epoch(), second);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    assert_eq!(pop_log::<SessionKeyAccount::Event>(account_address).unwrap(), sessions_revoked(second));
    // And with `revoke_all_sessions`, one move more.
    revoke_all(ref state);
    assert_eq!(state.get_session_epoch(), next_epoch(second, vectors::TX_HASH, 0));
}

//
// logout_session: the session ends itself
//

/// The session key's signature of the logout of the vectors' session.
fn logout_signature(private_key: felt252) -> Array<felt252> {
    sign(private_key, logout_hash(vectors::SESSION_HASH))
}

#[test]
fn test_logout_by_anyone_with_the_session_key() {
    // A relayer (any caller) submits the logout the session key signed.
    let mut state = session_account(vectors::signature());
    let account_address = contract(vectors::ACCOUNT);
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    set_caller_address(contract(0x7e1a));
    state.logout_session(session(), logout_signature(SESSION_PRIVATE_KEY).span());
    assert!(state.is_session_revoked(vectors::SESSION_HASH));
    let event = pop_log::<SessionKeyAccount::Event>(account_address).unwrap();
    let expected = SessionKeyAccount::Event::RevocationEvent(
        RevocationEvent::SessionRevoked(SessionRevoked { session_hash: vectors::SESSION_HASH }),
    );
    assert_eq!(event, expected);
    // Nothing else moved: the owner, the epoch, other sessions.
    assert_eq!(state.get_owner(), vectors::OWNER_KEY);
    assert_eq!(state.get_session_epoch(), vectors::EPOCH);
    assert!(!state.is_session_revoked(vectors::ONE_POLICY_SESSION_HASH));
}

#[test]
fn test_logout_hash() {
    assert_eq!(
        logout_hash(vectors::SESSION_HASH),
        poseidon_hash_span(array!['sk-session-logout', vectors::SESSION_HASH].span()),
    );
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test_logout_signed_by_another_key() {
    // The owner's key is no session key: only the session's own key logs it out.
    let mut state = session_account(vectors::signature());
    state.logout_session(session(), logout_signature(OWNER_PRIVATE_KEY).span());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test_logout_with_a_transaction_signature() {
    // What the key signed for a transaction is no logout.
    let mut state = session_account(vectors::signature());
    let signed = sign(SESSION_PRIVATE_KEY, session_message_hash(vectors::TX_HASH, vectors::SESSION_HASH));
    state.logout_session(session(), signed.span());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test_logout_of_another_session() {
    // The signature is of the vectors' session; the session presented is another one.
    let mut state = session_account(vectors::signature());
    let other = Session { max_transactions: 1, ..session() };
    state.logout_session(other, logout_signature(SESSION_PRIVATE_KEY).span());
}

#[test]
#[should_panic(expected: ('session/already-revoked',))]
fn test_logout_twice() {
    let mut state = session_account(vectors::signature());
    state.logout_session(session(), logout_signature(SESSION_PRIVATE_KEY).span());
    state.logout_session(session(), logout_signature(SESSION_PRIVATE_KEY).span());
}

#[test]
#[should_panic(expected: ('session/revoked',))]
fn test_a_logged_out_session_is_refused() {
    let mut state = session_account(vectors::signature());
    state.logout_session(session(), logout_signature(SESSION_PRIVATE_KEY).span());
    state.__validate__(vectors::calls());
}
