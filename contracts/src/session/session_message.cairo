//! Session-signed messages (docs/protocol.md §6): the signature a session key gives a SNIP-12
//! revision 1 message for the account's `is_valid_signature`, and the checks that tie it to the
//! message and to the session's `MessagePolicy`s: the policy the token names, its type string (of
//! which the message's type hash is the `starknet_keccak`) and its rules on the members. Mirrors
//! the Rust SDK's `session_message`.
//!
//! Layout, felt by felt (the token's `Serde` layout after the magic), with `k` spending limits,
//! `m` message policies and `n` encoded members:
//!
//! ```text
//!  0      magic               SESSION_MESSAGE_MAGIC
//!  1      version             SESSION_TOKEN_VERSION (shared with the session token)
//!  2      session             the `Session`, 10 + 6k felts, as in the session token
//!  …      owner_signature     len, r, s; or len 0 (the short form)
//!  …      session_signature   len, r, s
//!  …      messages            m, then for each: domain_name, domain_version, type_string (len,
//!                               its `ByteArray` serialization), rules (count, each as in a
//!                               call's proof)
//!  …      index               u32: the policy of `messages` the message follows
//!  …      members             n, then the primary type's members as the typed data encodes them
//! ```
//!
//! Its own magic keeps the two kinds apart: a message token is never a transaction's signature
//! (validation reads it as an owner signature of the wrong length), and `is_valid_signature`
//! never reads a session token as a message's.
use core::integer::u128_byte_reverse;
use core::keccak::compute_keccak_byte_array;
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use crate::errors;
use crate::outside_execution::DOMAIN_NAME as OUTSIDE_EXECUTION_DOMAIN_NAME;
use super::session_hash::{
    DOMAIN_NAME as SESSION_DOMAIN_NAME, MessagePolicy, SNIP12_REVISION, Session, StarknetDomain,
    StructHash, messages_hash,
};
use super::session_token::{SESSION_TOKEN_VERSION, parse_header};

/// The first felt of every session-signed message's signature.
pub const SESSION_MESSAGE_MAGIC: felt252 = 'sk-session-msg';

/// A session-signed message's signature after its magic, in `Serde` layout.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SessionMessageToken {
    /// The token format version, `SESSION_TOKEN_VERSION`.
    pub version: felt252,
    /// The session the owner authorized.
    pub session: Session,
    /// The owner's `(r, s)` over the session hash, or empty for a recorded session.
    pub owner_signature: Span<felt252>,
    /// The session key's `(r, s)` over `session_message_signed_hash`.
    pub session_signature: Span<felt252>,
    /// The session's message policies, all of them, in the order the owner signed them: they
    /// must hash to the session's `messages_hash`.
    pub messages: Span<MessagePolicy>,
    /// The index in `messages` of the policy the message follows: its domain, its type string,
    /// its rules.
    pub index: u32,
    /// The primary type's members, encoded as SNIP-12 revision 1 encodes them (a nested struct
    /// by its struct hash, an array by the hash of its elements).
    pub members: Span<felt252>,
}

/// Whether `signature` is a session-signed message's: its first felt is `SESSION_MESSAGE_MAGIC`.
pub fn is_session_message_token(signature: Span<felt252>) -> bool {
    match signature.get(0) {
        Some(magic) => *magic.unbox() == SESSION_MESSAGE_MAGIC,
        None => false,
    }
}

/// Parses a whole message token, magic included: the header as the session token's
/// (`session_token::parse_header`: `session/bad-format`, `session/bad-version`), then the spans
/// and the message; a length running past the end or a felt left over is `session/bad-format`.
pub fn parse_session_message_token(signature: Span<felt252>) -> Result<SessionMessageToken, felt252> {
    let (session, mut rest) = parse_header(signature, SESSION_MESSAGE_MAGIC)?;
    let Some(owner_signature) = Serde::<Span<felt252>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    let Some(session_signature) = Serde::<Span<felt252>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    let Some(messages) = Serde::<Span<MessagePolicy>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    let Some(index) = Serde::<u32>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    let Some(members) = Serde::<Span<felt252>>::deserialize(ref rest) else {
        return Err(errors::SESSION_BAD_FORMAT);
    };
    if !rest.is_empty() {
        return Err(errors::SESSION_BAD_FORMAT);
    }
    Ok(
        SessionMessageToken {
            version: SESSION_TOKEN_VERSION,
            session,
            owner_signature,
            session_signature,
            messages,
            index,
            members,
        },
    )
}

/// 2^122 - 1: the high word of a `starknet_keccak`, which keeps 250 bits of the Keccak-256.
const KECCAK_250_HIGH_MASK: u128 = 0x3ffffffffffffffffffffffffffffff;

/// The type hash of the messages of `policy`: `starknet_keccak` of its type string, the Keccak-256
/// of its bytes as a big-endian number, its low 250 bits. `session/bad-format` if the type string
/// is not a whole `ByteArray` serialization.
pub fn policy_type_hash(policy: @MessagePolicy) -> felt252 {
    let mut serialized = *policy.type_string;
    let Some(type_string) = Serde::<ByteArray>::deserialize(ref serialized) else {
        core::panic_with_felt252(errors::SESSION_BAD_FORMAT)
    };
    assert(serialized.is_empty(), errors::SESSION_BAD_FORMAT);
    // The corelib answers the digest as a little-endian u256: reversed, it is big-endian.
    let digest = compute_keccak_byte_array(@type_string);
    let high = u128_byte_reverse(digest.low) & KECCAK_250_HIGH_MASK;
    let low = u128_byte_reverse(digest.high);
    u256 { low, high }.try_into().unwrap()
}

/// The SNIP-12 message hash of a message of `policy` with `members`, signed by `account` on
/// `chain_id`: `poseidon_hash_many(['StarkNet Message', domain_hash, account,
/// poseidon_hash_many([type_hash, members…])])`, the domain being `(domain_name, domain_version,
/// chain_id, 1)` and `type_hash` the policy's (`policy_type_hash`).
pub fn token_message_hash(
    policy: @MessagePolicy, members: Span<felt252>, account: ContractAddress, chain_id: felt252,
) -> felt252 {
    let domain = StarknetDomain {
        name: *policy.domain_name,
        version: *policy.domain_version,
        chain_id,
        revision: SNIP12_REVISION,
    };
    let mut message_elements = array![policy_type_hash(policy)];
    message_elements.append_span(members);
    poseidon_hash_span(
        array![
            'StarkNet Message', domain.struct_hash(), account.into(),
            poseidon_hash_span(message_elements.span()),
        ]
            .span(),
    )
}

/// The domain names of the account's own typed data: sessions, which the owner signs, and outside
/// executions, which are signed in their own way. A session never signs a message of either,
/// whatever its message policies say: `is_valid_signature` would otherwise answer VALID for
/// another session's hash or for an outside execution's.
pub const RESERVED_DOMAINS: [felt252; 2] = [SESSION_DOMAIN_NAME, OUTSIDE_EXECUTION_DOMAIN_NAME];

/// The message policies check (docs/protocol.md §6, check 5), in this order: `messages` are the
/// session's (`session/message-list` if they do not hash to `messages_hash_signed`), `index` names
/// one of them (`session/message-not-allowed`), and its domain is not one of the account's own
/// (`session/reserved-domain`). Returns that policy.
pub fn allowed_policy(
    messages_hash_signed: felt252, messages: Span<MessagePolicy>, index: u32,
) -> MessagePolicy {
    assert(messages_hash(messages) == messages_hash_signed, errors::SESSION_MESSAGE_LIST);
    let Some(policy) = messages.get(index) else {
        core::panic_with_felt252(errors::SESSION_MESSAGE_NOT_ALLOWED)
    };
    let policy = *policy.unbox();
    for reserved in RESERVED_DOMAINS.span() {
        assert(policy.domain_name != *reserved, errors::SESSION_RESERVED_DOMAIN);
    }
    policy
}

/// What the session key signs for the message hash `hash`:
/// `poseidon_hash_many([SESSION_MESSAGE_MAGIC, hash, session_hash])`, never what it signs for a
/// transaction (`session_token::session_message_hash`, two felts).
pub fn session_message_signed_hash(hash: felt252, session_hash: felt252) -> felt252 {
    poseidon_hash_span(array![SESSION_MESSAGE_MAGIC, hash, session_hash].span())
}
