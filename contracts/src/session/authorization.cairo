//! The signature of a session transaction (docs/protocol.md §3): the session, the owner's
//! authorization of it, the session key's signature and one policy proof per call.
use core::poseidon::poseidon_hash_span;
use crate::errors;
use super::session_hash::Session;

/// The first felt of every session transaction signature.
pub const SESSION_MAGIC: felt252 = 'sk-session';
/// The only session format this account knows.
pub const SESSION_FORMAT_VERSION: felt252 = 1;

/// A session transaction signature after its magic, in `Serde` layout.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SessionToken {
    /// The format version, `SESSION_FORMAT_VERSION`.
    pub version: felt252,
    /// The session the owner authorized.
    pub session: Session,
    /// The owner's `(r, s)` over the session hash.
    pub owner_signature: Span<felt252>,
    /// The session key's `(r, s)` over `session_message_hash`.
    pub session_signature: Span<felt252>,
    /// One policy tree proof per call, in call order.
    pub proofs: Span<Span<felt252>>,
}

/// Whether a transaction signature is a session's: its first felt is `SESSION_MAGIC`.
pub fn is_session_signature(signature: Span<felt252>) -> bool {
    match signature.get(0) {
        Some(first) => *first.unbox() == SESSION_MAGIC,
        None => false,
    }
}

/// Parses a whole session transaction signature, magic included. The version is read before the
/// rest, so that a later format is refused as `session/bad-version` rather than as
/// `session/bad-format`; a missing magic, a length running past the end or a felt left over is
/// `session/bad-format`. The error is the one to panic with.
pub fn parse_session_token(signature: Span<felt252>) -> Result<SessionToken, felt252> {
    let mut serialized = signature;
    let Some(magic) = serialized.pop_front() else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if *magic != SESSION_MAGIC {
        return Err(errors::SESSION_BAD_FORMAT);
    }
    let Some(version) = serialized.get(0) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if *version.unbox() != SESSION_FORMAT_VERSION {
        return Err(errors::SESSION_BAD_VERSION);
    }
    let Some(token) = Serde::<SessionToken>::deserialize(ref serialized) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if !serialized.is_empty() {
        return Err(errors::SESSION_BAD_FORMAT);
    }
    Ok(token)
}

/// The validity window `(valid_after, valid_until)` of a session signature that validation
/// already accepted, read at its fixed offsets (docs/protocol.md §3) instead of parsing it again:
/// `__execute__` needs nothing else from it.
pub fn session_window(signature: Span<felt252>) -> (u64, u64) {
    let valid_after = signature.get(3).and_then(|felt| (*felt.unbox()).try_into());
    let valid_until = signature.get(4).and_then(|felt| (*felt.unbox()).try_into());
    match (valid_after, valid_until) {
        (Some(valid_after), Some(valid_until)) => (valid_after, valid_until),
        _ => core::panic_with_felt252(errors::SESSION_BAD_FORMAT),
    }
}

/// What the session key signs: `poseidon_hash_many([transaction_hash, session_hash])`.
pub fn session_message_hash(transaction_hash: felt252, session_hash: felt252) -> felt252 {
    poseidon_hash_span(array![transaction_hash, session_hash].span())
}
