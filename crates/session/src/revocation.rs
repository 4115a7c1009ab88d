//! Revocation: the owner ends a session for good with the account's `revoke_session`, or every
//! session at once with `revoke_all_sessions` (which moves the owner epoch on); a session ends
//! itself with `logout_session`, its key's signature of [`logout_hash`]; and anyone can ask
//! `is_session_revoked` and `get_session_epoch` (docs/protocol.md §4, "Revocation", "Logout",
//! "Epoch"). The
//! calls and the reads that the SDK, the CLI and the tests use; the contract side is
//! `contracts/src/session/revocation.cairo`.

use starknet::core::types::{BlockId, Call, Felt};
use starknet::macros::selector;
use starknet::providers::Provider;
use starknet_crypto::poseidon_hash_many;

use crate::error::Error;
use crate::node::{read_bool, read_words};

/// The selector of the account's `revoke_session(session_hash)`.
pub const REVOKE_SESSION_SELECTOR: Felt = selector!("revoke_session");

/// The selector of the account's view `is_session_revoked(session_hash) -> bool`.
pub const IS_SESSION_REVOKED_SELECTOR: Felt = selector!("is_session_revoked");

/// The call that revokes the session `session_hash` of `account`. Only the account itself may
/// make it: send it in an owner-signed transaction of `account` (a session never can: it may not
/// call its own account).
pub fn revoke_session_call(account: Felt, session_hash: Felt) -> Call {
    Call { to: account, selector: REVOKE_SESSION_SELECTOR, calldata: vec![session_hash] }
}

/// `'sk-session-logout'`, the first felt of what a session key signs to log out.
pub const LOGOUT_TAG: Felt = Felt::from_hex_unchecked("0x736b2d73657373696f6e2d6c6f676f7574");

/// What the key of the session `session_hash` signs to end it with the account's
/// `logout_session(session, signature)`: `poseidon_hash_many([LOGOUT_TAG, session_hash])`, never
/// what it signs for a transaction or a message (docs/protocol.md §4, "Logout").
pub fn logout_hash(session_hash: Felt) -> Felt {
    poseidon_hash_many(&[LOGOUT_TAG, session_hash])
}

/// The selector of the account's `revoke_all_sessions()`.
pub const REVOKE_ALL_SESSIONS_SELECTOR: Felt = selector!("revoke_all_sessions");

/// The selector of the account's view `get_session_epoch() -> felt252`.
pub const GET_SESSION_EPOCH_SELECTOR: Felt = selector!("get_session_epoch");

/// The call that ends every session of `account` signed so far: it moves the owner epoch on, so
/// sessions of the epoch before are refused (`session/stale-epoch`). Only the account itself may
/// make it (an owner-signed transaction).
pub fn revoke_all_sessions_call(account: Felt) -> Call {
    Call { to: account, selector: REVOKE_ALL_SESSIONS_SELECTOR, calldata: vec![] }
}

/// The owner epoch of `account`, as of `block_id`: what a new session must name
/// ([`SessionRequestBuilder::epoch`](crate::SessionRequestBuilder::epoch)).
pub async fn session_epoch<P: Provider + Sync>(provider: &P, account: Felt, block_id: BlockId) -> Result<Felt, Error> {
    let view = ("get_session_epoch", GET_SESSION_EPOCH_SELECTOR);
    read_words(provider, account, view, vec![], block_id, ("a felt", |[epoch]: [Felt; 1]| Some(epoch))).await
}

/// Whether `account` revoked the session `session_hash`, as of `block_id`.
pub async fn is_session_revoked<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    session_hash: Felt,
    block_id: BlockId,
) -> Result<bool, Error> {
    read_bool(provider, account, ("is_session_revoked", IS_SESSION_REVOKED_SELECTOR), vec![session_hash], block_id)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_targets_the_account_with_the_hash() {
        let call = revoke_session_call(Felt::TWO, Felt::THREE);
        assert_eq!((call.to, call.selector, call.calldata), (Felt::TWO, REVOKE_SESSION_SELECTOR, vec![Felt::THREE]));
        assert_eq!(REVOKE_SESSION_SELECTOR, starknet::core::utils::get_selector_from_name("revoke_session").unwrap());
        let all = revoke_all_sessions_call(Felt::TWO);
        assert_eq!((all.to, all.selector, all.calldata), (Felt::TWO, REVOKE_ALL_SESSIONS_SELECTOR, vec![]));
    }
}
