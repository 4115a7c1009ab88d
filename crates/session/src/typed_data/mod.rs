//! SNIP-12 revision 1 typed data, hashed exactly as starknet.js hashes it.
//!
//! Wallets sign `typedData.getMessageHash(typedData, account)` of starknet.js, so that function is
//! the reference this module follows, value by value: [`message_hash`] of any revision 1 typed data
//! either equals starknet.js's hash or is an error that names the offending field
//! (`message.Policies[2].Selector: expected a selector name or hex`). It never returns a hash that
//! starknet.js would not compute; where starknet.js accepts an input only by accident (see below),
//! this module refuses it rather than sign something surprising. `tests/typed_data.rs` checks the
//! whole corpus of `tests/typed-data/` against the pinned starknet.js on every test run.
//!
//! # Why not starknet-rs's `TypedData`
//!
//! starknet-rs 0.17 (`starknet::core::types::TypedData`) differs from starknet.js on 15 of the 38
//! valid files of `tests/typed-data/` (7 other hashes, 8 refusals):
//! - a `merkletree` with **one leaf**: starknet.js's root is the leaf itself, starknet-rs hashes
//!   `H(0, leaf)`; a one-policy session (`session-protocol.json`) gets a hash no wallet signs;
//! - a `selector` written as hex (`0x83af…`): starknet.js takes it as the selector, starknet-rs
//!   hashes the text `"0x83af…"` with `starknet_keccak` (and refuses non-ASCII names);
//! - enum variants: starknet.js hashes `()` as `[index, 0]`, starknet-rs as `[index]`, and
//!   starknet-rs cannot parse a tuple with an empty slot (`(felt,)`);
//! - numbers: starknet-rs reads `0X…`, `+12`, `0b101` and `" 42 "` as short strings, refuses
//!   positive JSON numbers and every string for `i128`, JSON numbers for `ContractAddress` and
//!   `ClassHash`, and arrays of arrays (`felt**`);
//! - members the type does not declare: starknet.js ignores them, starknet-rs refuses the struct;
//! - the other way round, starknet-rs hashes some inputs starknet.js refuses: `"-5"` as a felt (a
//!   short string), a felt not below the prime (reduced), recursive types, strings with newlines
//!   or non-ASCII characters, the selector `"0x"`.
//!
//! # Rules, as starknet.js applies them
//!
//! - Numbers are JSON numbers or strings read as JavaScript's `BigInt("…")` reads them: decimal
//!   with an optional sign, `0x`/`0o`/`0b` (either case), surrounding whitespace ignored, the empty
//!   string is 0. Booleans count as 0 and 1 wherever a number is expected.
//! - `felt` and `shortstring` are the same type: a string that reads as a number is that number
//!   (`"1"` is `0x1`, not `'1'`), any other string is a short string of at most 31 ASCII
//!   characters. `ContractAddress` and `ClassHash` take numbers only. Every felt is below the prime.
//! - `u128` and `timestamp` are in `[0, 2^128)`; `i128` in `[-2^127, 2^127)`, a negative value
//!   being hashed as `P + value`; `bool` is a JSON `true` or `false` and nothing else.
//! - `selector`: a hex string (`0x…`) is the selector itself; anything else, decimal digits
//!   included, is a name hashed with `starknet_keccak` (`"123"` is the selector of the name
//!   `123`).
//! - `string`: `poseidon([n, chunk_1 … chunk_n, pending_word, pending_len])`, the string cut into
//!   31-byte chunks like a Cairo `ByteArray` (a string of exactly 31 bytes is one full chunk and
//!   an empty pending word). ASCII only, like starknet.js.
//! - `merkletree` (`contains` names the leaf type): leaves are hashed as their type, pairs as
//!   `poseidon_hash(min, max)` (two-input Poseidon), the last node of an odd level with 0, and the
//!   root of one leaf is that leaf. The leaf type is not part of the parent's type string.
//! - Enums: `{ "Variant": [values…] }` hashes `poseidon([variant_index, encoded values…])` where
//!   each empty slot of the variant's tuple (`()` or `(felt,)`) contributes a 0. No type hash.
//! - Type strings: names and types quoted, enum members written with their `contains` type and
//!   variants as `("felt","u128")`, then every type the primary type references (through arrays,
//!   enums and variant tuples; presets `u256`, `TokenAmount` and `NftId` only when used) in
//!   UTF-16 order, as JavaScript sorts strings.
//! - Members of the data that the type does not declare are not hashed (starknet.js ignores them).
//!
//! # Refused, though starknet.js would hash something
//!
//! - Revision 0 (`StarkNetDomain`, Pedersen): this crate supports revision 1 only.
//! - Text containing a control character below U+0010 (tab, newline…): starknet.js writes such a
//!   character as one hex digit instead of two, so `"a\tb"` would not be the bytes `61 09 62`
//!   (and a newline makes starknet.js throw).
//! - JSON numbers above 2^53 that a double cannot hold exactly (JSON.parse would round them before
//!   hashing), and any above 2^53 written with a fraction or an exponent: write them as strings.
//! - A `selector` that is not a string (starknet.js would hash the number's decimal text as a
//!   name), or a hex selector not below the prime (starknet.js would reduce it).
//! - Arrays or objects where a number is expected (JavaScript would read `[]` as 0), a
//!   multi-key enum value, a value for a data slot of an enum variant that is not an array.
//! - Recursive types (starknet.js overflows its stack), nesting deeper than 128 levels, malformed
//!   type definitions even where unused, and struct values that are not JSON objects.

mod encode;
mod error;
mod number;
mod revision1;
mod types;

#[cfg(test)]
mod tests;

use serde_json::Value;
use starknet::core::types::Felt;
use starknet::core::utils::starknet_keccak;

pub use error::TypedDataError;
pub use revision1::{
    chain_name, starknet_domain_hash, starknet_domain_type, typed_message_hash, DOMAIN_TYPE_HASH, DOMAIN_TYPE_STRING,
    STARKNET_MESSAGE,
};

use encode::{encode_felt, encode_string, Hasher};
use error::{invalid_type, unknown_type, Path};
use revision1::DOMAIN_TYPE;
use types::{parse_types, Scope, TypedDataParts};

/// The SNIP-12 message hash of revision 1 `typed_data` signed by `account`:
/// `poseidon(['StarkNet Message', domain_hash, account, struct_hash(primaryType, message)])`.
pub fn message_hash(typed_data: &Value, account: Felt) -> Result<Felt, TypedDataError> {
    with_message(typed_data, |hasher, domain, primary, message| {
        let domain = hasher.struct_hash(Scope::User, DOMAIN_TYPE, domain, &Path::root("domain"), 0)?;
        let message = hasher.struct_hash(Scope::User, primary, message, &Path::root("message"), 0)?;
        Ok(typed_message_hash(domain, account, message))
    })
}

/// Runs `hash` on the parts of revision 1 `typed_data` once they are found to be there: a hasher
/// of its types, its domain, the name of its primary type (a type it defines) and its message.
fn with_message<T>(
    typed_data: &Value,
    hash: impl FnOnce(&Hasher<'_>, &Value, &str, &Value) -> Result<T, TypedDataError>,
) -> Result<T, TypedDataError> {
    let parts = TypedDataParts::parse(typed_data)?;
    let primary = match typed_data.get("primaryType") {
        Some(Value::String(name)) if !name.is_empty() => name.as_str(),
        _ => return Err(invalid_type("primaryType", "expected the name of the message's type")),
    };
    let message = match typed_data.get("message") {
        Some(message) if !message.is_null() => message,
        _ => return Err(invalid_type("message", "missing")),
    };
    let hasher = Hasher::new(&parts.types);
    if !hasher.defines(Scope::User, primary) {
        return Err(invalid_type("primaryType", format!("{primary:?} is not a defined type")));
    }
    hash(&hasher, parts.domain, primary, message)
}

/// A revision 1 message taken apart as an account rebuilds its hash (docs/protocol.md §6): the
/// domain's felts and the primary type's type hash and encoded members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageParts {
    /// The domain's `name`, encoded.
    pub domain_name: Felt,
    /// The domain's `version`, encoded.
    pub domain_version: Felt,
    /// The domain's `chainId`, encoded.
    pub chain_id: Felt,
    /// The type hash of the primary type.
    pub type_hash: Felt,
    /// The message's members in the primary type's order, encoded (a nested struct by its struct
    /// hash, an array by the hash of its elements).
    pub members: Vec<Felt>,
}

impl MessageParts {
    /// The message hash these parts make for `account`, which is [`message_hash`] of the typed
    /// data they came from.
    pub fn message_hash(&self, account: Felt) -> Felt {
        let mut elements = vec![self.type_hash];
        elements.extend_from_slice(&self.members);
        let domain = starknet_domain_hash(self.domain_name, self.domain_version, self.chain_id);
        typed_message_hash(domain, account, starknet_crypto::poseidon_hash_many(&elements))
    }
}

/// The parts of revision 1 `typed_data` (see [`MessageParts`]), with the checks of
/// [`message_hash`].
pub fn message_parts(typed_data: &Value) -> Result<MessageParts, TypedDataError> {
    with_message(typed_data, |hasher, domain, primary, message| {
        let domain = hasher.struct_elements(Scope::User, DOMAIN_TYPE, domain, &Path::root("domain"), 0)?;
        let elements = hasher.struct_elements(Scope::User, primary, message, &Path::root("message"), 0)?;
        domain_and_members(&domain, elements)
    })
}

/// The [`MessageParts`] of a message whose domain and message struct elements (type hash first)
/// are `domain` and `elements`.
fn domain_and_members(domain: &[Felt], mut elements: Vec<Felt>) -> Result<MessageParts, TypedDataError> {
    let members = elements.split_off(1);
    // The account rebuilds the domain from its name, version and chain as revision 1 defines it,
    // so a domain type of other members (or order) is refused here rather than signed in vain.
    match *domain {
        [type_hash, domain_name, domain_version, chain_id, revision]
            if type_hash == DOMAIN_TYPE_HASH && revision == Felt::ONE =>
        {
            Ok(MessageParts { domain_name, domain_version, chain_id, type_hash: elements[0], members })
        }
        _ => Err(invalid_type(
            "types.StarknetDomain",
            format!("expected revision 1's own domain type, {DOMAIN_TYPE_STRING}"),
        )),
    }
}

/// The felt a `shortstring` (or `felt`) member written as `text` encodes to, as starknet.js
/// encodes it: a text that reads as a number is that number, any other a short string.
/// Errors name `field`.
pub fn shortstring_felt(text: &str, field: &str) -> Result<Felt, TypedDataError> {
    encode_felt(&Value::String(text.to_owned()), &Path::root(field))
}

/// The struct hash of the domain of revision 1 `typed_data` (its `StarknetDomain` type).
pub fn domain_hash(typed_data: &Value) -> Result<Felt, TypedDataError> {
    let parts = TypedDataParts::parse(typed_data)?;
    Hasher::new(&parts.types).struct_hash(Scope::User, DOMAIN_TYPE, parts.domain, &Path::root("domain"), 0)
}

/// The struct hash of `data` as the type `name` of `types` (the typed data's `types` object):
/// `poseidon([type_hash(name), encoded members…])`. Errors are reported under the path `name`.
pub fn struct_hash(types: &Value, name: &str, data: &Value) -> Result<Felt, TypedDataError> {
    let types = parse_types(types)?;
    let hasher = Hasher::new(&types);
    if !hasher.defines(Scope::User, name) {
        return Err(unknown_type(name));
    }
    hasher.struct_hash(Scope::User, name, data, &Path::root(name), 0)
}

/// The type hash of the type `name` of `types`: `starknet_keccak` of [`encode_type`].
pub fn type_hash(types: &Value, name: &str) -> Result<Felt, TypedDataError> {
    Ok(starknet_keccak(encode_type(types, name)?.as_bytes()))
}

/// The revision 1 type string of the type `name` of `types`, e.g.
/// `"Policy"("Contract":"ContractAddress","Selector":"selector")`.
pub fn encode_type(types: &Value, name: &str) -> Result<String, TypedDataError> {
    let types = parse_types(types)?;
    Hasher::new(&types).encode_type(Scope::User, name)
}

/// `text` as a Cairo `ByteArray` in `Serde` layout (the count of full 31-byte words, the words,
/// the pending word and its length): what the SNIP-12 hash of a `string` hashes, and how a message
/// token carries a policy's type string.
pub fn byte_array(text: &str) -> Vec<Felt> {
    encode::byte_array_felts(text)
}

/// The SNIP-12 revision-1 hash of a `string` (as starknet.js hashes it), e.g. Argent's session
/// `Metadata`: refuses the control characters starknet.js encodes differently.
pub fn string_hash(text: &str) -> Result<Felt, TypedDataError> {
    encode_string(&Value::String(text.to_owned()), &Path::root("string"))
}
