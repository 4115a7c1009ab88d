//! The session token: the transaction signature of a session transaction (docs/protocol.md §3),
//! carrying the session, the owner's signature of it, the session key's signature of the
//! transaction and one `CallProof` per call (its policy's argument rules and the Merkle proof of
//! its leaf); and what the session key signs. Mirrors the Rust SDK's `session_token` module.
//!
//! Layout, felt by felt (the token's `Serde` layout after the magic), with `k` spending limits:
//!
//! ```text
//! offset  field                                        constant
//!  0      magic               SESSION_MAGIC            MAGIC_OFFSET
//!  1      version             SESSION_TOKEN_VERSION    VERSION_OFFSET
//!  2      ┐ session_key       the `Session`, 10 + 6k   SESSION_OFFSET
//!  3      │ valid_after       u64                      VALID_AFTER_OFFSET
//!  4      │ valid_until       u64                      VALID_UNTIL_OFFSET
//!  5      │ max_fee           u128
//!  6      │ fee_budget        u128
//!  7      │ max_transactions  u32
//!  8      │ epoch             felt252                  EPOCH_OFFSET
//!  9      │ policies_root
//!  10     │ spending_limits   k, then for each:        SPENDING_LIMITS_OFFSET
//!         │   token, total (low, high), per_period (low, high), period (u64)
//!  11+6k  ┘ messages_hash
//!  12+6k  owner_signature     len, r, s; or len 0      OWNER_SIGNATURE_OFFSET when k = 0
//!                               (the short form)
//!  …      session_signature   len, r, s
//!  …      proofs              count, then for each call (a `CallProof`):
//!           rules             count, then for each: word (u32), operator,
//!                               values (len, felts…), u256_values (len, low, high…)
//!           proof             len, siblings…
//! ```
//!
//! The magic, the version and the `Session` are the header; the offsets up to the spending limits
//! are fixed. `parse_session_header` reads the header alone (all `__execute__` needs), and
//! `parse_session_token` reads the header and then the spans after it.
use core::poseidon::poseidon_hash_span;
use crate::errors;
use super::limits::limits_in_order;
use super::session_hash::{ArgumentRule, Session};

/// The first felt of every session transaction signature.
pub const SESSION_MAGIC: felt252 = 'sk-session';
/// The version of the session token format (this layout): the felt after the magic. Not the
/// SNIP-12 domain's version (`session_hash::DOMAIN_VERSION`), though both are 4 today. A
/// session-signed message's token (`session_message`) shares the version and the header, with its
/// own magic.
pub const SESSION_TOKEN_VERSION: felt252 = 4;

/// Offset of `SESSION_MAGIC`.
pub const MAGIC_OFFSET: usize = 0;
/// Offset of the token version, `SESSION_TOKEN_VERSION`.
pub const VERSION_OFFSET: usize = 1;
/// Offset of the `Session` in `Serde` layout: eight felts (offsets 2 to 9), then its spending
/// limits (`SPENDING_LIMITS_OFFSET`).
pub const SESSION_OFFSET: usize = 2;
/// Offset of the session's `valid_after`.
pub const VALID_AFTER_OFFSET: usize = SESSION_OFFSET + 1;
/// Offset of the session's `valid_until`.
pub const VALID_UNTIL_OFFSET: usize = SESSION_OFFSET + 2;
/// Offset of the session's owner `epoch` (docs/protocol.md §4, "Epoch").
pub const EPOCH_OFFSET: usize = SESSION_OFFSET + 6;
/// Offset of the session's spending limits: their count `k`, then six felts per limit (`token`,
/// `total` low and high, `per_period` low and high, `period`).
pub const SPENDING_LIMITS_OFFSET: usize = SESSION_OFFSET + 8;
/// Offset of the owner signature span (its length first) when the session has no spending limits,
/// after their count and the `messages_hash`; with `k` of them it is `OWNER_SIGNATURE_OFFSET + 6k`.
/// The felts from there on have no fixed offsets.
pub const OWNER_SIGNATURE_OFFSET: usize = SPENDING_LIMITS_OFFSET + 2;

/// A session transaction signature after its magic, in `Serde` layout.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SessionToken {
    /// The token format version, `SESSION_TOKEN_VERSION`.
    pub version: felt252,
    /// The session the owner authorized.
    pub session: Session,
    /// The owner's `(r, s)` over the session hash; or empty, the short form, for a session
    /// whose authorization the account has recorded (docs/protocol.md §4, "Authorization
    /// cache").
    pub owner_signature: Span<felt252>,
    /// The session key's `(r, s)` over `session_message_hash`.
    pub session_signature: Span<felt252>,
    /// One per call, in call order: the call's policy rules and the proof of its leaf.
    pub proofs: Span<CallProof>,
}

/// What a session token carries for one call: the argument rules the owner signed in the call's
/// policy leaf (empty for a policy without rules), sent beside the leaf's Merkle proof. The leaf
/// is rebuilt from the call's `(to, selector)` and these rules, so rules other than the signed
/// ones fail the proof (docs/protocol.md §4, check 10).
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct CallProof {
    /// The rules of the call's policy, in the order the owner signed them.
    pub rules: Span<ArgumentRule>,
    /// The siblings from the leaf level up (`merkle::verify_proof`).
    pub proof: Span<felt252>,
}

/// Whether a transaction signature is a session token: its first felt is `SESSION_MAGIC`. The
/// account's one branch point between owner and session transactions.
pub fn is_session_token(signature: Span<felt252>) -> bool {
    match signature.get(MAGIC_OFFSET) {
        Some(magic) => *magic.unbox() == SESSION_MAGIC,
        None => false,
    }
}

/// Reads the header of a session token, in layout order: the magic at `MAGIC_OFFSET`
/// (`session/bad-format` if absent or wrong), the version at `VERSION_OFFSET`
/// (`session/bad-version` if it is not `SESSION_TOKEN_VERSION`, before anything after it is read,
/// so that a later format is not refused as a bad one), then the `Session` by `Serde` from
/// `SESSION_OFFSET`, its spending limits included (`session/bad-format` if it does not parse: too
/// few felts, a time beyond u64, an amount beyond u128 or a count beyond u32, a limit's word
/// beyond u128 or its period beyond u64), and `session/limit-order` unless its spending limits
/// name each token once, in increasing address order (`limits::limits_in_order`). Returns it with the felts after it, from
/// the owner signature on, left unread. The felts are popped in turn rather than
/// indexed by offset: fewer steps in `__execute__`, which runs this on every session transaction.
/// The error is the one to panic with.
pub fn parse_session_header(signature: Span<felt252>) -> Result<(Session, Span<felt252>), felt252> {
    parse_header(signature, SESSION_MAGIC)
}

/// `parse_session_header` for a token whose magic is `magic`: the session token's, or a
/// session-signed message's (`session_message::SESSION_MESSAGE_MAGIC`), which share the rest of the
/// header.
pub fn parse_header(
    signature: Span<felt252>, magic: felt252,
) -> Result<(Session, Span<felt252>), felt252> {
    let mut rest = signature;
    let Some(first) = rest.pop_front() else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if *first != magic {
        return Err(errors::SESSION_BAD_FORMAT);
    }
    let Some(version) = rest.pop_front() else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if *version != SESSION_TOKEN_VERSION {
        return Err(errors::SESSION_BAD_VERSION);
    }
    let Some(session) = Serde::<Session>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if !limits_in_order(session.spending_limits) {
        return Err(errors::SESSION_LIMIT_ORDER);
    }
    Ok((session, rest))
}

/// Parses a whole session token, magic included: its header (`parse_session_header`), then the
/// owner signature (an empty one, the short form, parses: validation decides what it means), the
/// session signature and the call proofs. A length running past the end, a
/// rule's word beyond u32, a u256 value's word beyond u128 or a felt left over is
/// `session/bad-format`. The error is the one to panic with.
pub fn parse_session_token(signature: Span<felt252>) -> Result<SessionToken, felt252> {
    let (session, mut rest) = parse_session_header(signature)?;
    let Some(owner_signature) = Serde::<Span<felt252>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    let Some(session_signature) = Serde::<Span<felt252>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    let Some(proofs) = Serde::<Span<CallProof>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if !rest.is_empty() {
        return Err(errors::SESSION_BAD_FORMAT);
    }
    Ok(
        SessionToken {
            version: SESSION_TOKEN_VERSION, session, owner_signature, session_signature, proofs,
        },
    )
}

/// The `Session` of a session token, from its header alone (`parse_session_header`; the spans
/// after it are not read): what `__execute__` needs of a signature validation already accepted,
/// its window and its spending limits. Panics with the header's error.
pub fn execution_session(signature: Span<felt252>) -> Session {
    match parse_session_header(signature) {
        Ok((session, _)) => session,
        Err(error) => core::panic_with_felt252(error),
    }
}

/// What the session key signs: `poseidon_hash_many([transaction_hash, session_hash])`.
pub fn session_message_hash(transaction_hash: felt252, session_hash: felt252) -> felt252 {
    poseidon_hash_span(array![transaction_hash, session_hash].span())
}
