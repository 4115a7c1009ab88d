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
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use serde_json::{Map, Value};
use starknet::core::types::Felt;
use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};
use starknet_crypto::poseidon_hash_many;

/// The short string `'StarkNet Message'`, the first element of every message hash.
const STARKNET_MESSAGE: Felt = Felt::from_hex_unchecked("0x537461726b4e6574204d657373616765");

/// The domain type of revision 1.
const DOMAIN_TYPE: &str = "StarknetDomain";

/// How deep types and values may nest.
const MAX_DEPTH: usize = 128;

/// The largest integer a JavaScript number holds exactly together with all smaller ones, 2^53.
const JS_EXACT_LIMIT: u64 = 1 << 53;

/// Why typed data could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedDataError {
    /// The typed data is of revision 0 (`StarkNetDomain`, Pedersen hashes).
    #[error(
        "typed data of revision 0 (legacy: \"StarkNetDomain\", Pedersen hashes) is not supported; \
         only revision 1 (\"StarknetDomain\", domain.revision \"1\") is"
    )]
    LegacyRevision,
    /// The domain names a revision other than 0 or 1.
    #[error(
        "domain.revision: {0} is not a supported SNIP-12 revision; only revision 1 (\"1\") is"
    )]
    UnsupportedRevision(String),
    /// The type definitions (or the typed data's outer shape) are invalid at `path`.
    #[error("{path}: {reason}")]
    InvalidType {
        /// Where, e.g. `types.Policy[1]` or `primaryType`.
        path: String,
        /// What is wrong there.
        reason: String,
    },
    /// A value does not fit its type at `path`.
    #[error("{path}: {reason}")]
    InvalidValue {
        /// Where, e.g. `message.Policies[2].Selector`.
        path: String,
        /// What is wrong there.
        reason: String,
    },
}

/// The SNIP-12 message hash of revision 1 `typed_data` signed by `account`:
/// `poseidon(['StarkNet Message', domain_hash, account, struct_hash(primaryType, message)])`.
pub fn message_hash(typed_data: &Value, account: Felt) -> Result<Felt, TypedDataError> {
    let parts = TypedDataParts::parse(typed_data)?;
    let primary = match typed_data.get("primaryType") {
        Some(Value::String(name)) if !name.is_empty() => name.as_str(),
        _ => {
            return Err(invalid_type(
                "primaryType",
                "expected the name of the message's type",
            ))
        }
    };
    let message = match typed_data.get("message") {
        Some(message) if !message.is_null() => message,
        _ => return Err(invalid_type("message", "missing")),
    };
    let hasher = Hasher::new(&parts.types);
    if !hasher.defines(Scope::User, primary) {
        return Err(invalid_type(
            "primaryType",
            format!("{primary:?} is not a defined type"),
        ));
    }
    let domain = hasher.struct_hash(
        Scope::User,
        DOMAIN_TYPE,
        parts.domain,
        &Path::root("domain"),
        0,
    )?;
    let message = hasher.struct_hash(Scope::User, primary, message, &Path::root("message"), 0)?;
    Ok(poseidon_hash_many(&[
        STARKNET_MESSAGE,
        domain,
        account,
        message,
    ]))
}

/// The struct hash of the domain of revision 1 `typed_data` (its `StarknetDomain` type).
pub fn domain_hash(typed_data: &Value) -> Result<Felt, TypedDataError> {
    let parts = TypedDataParts::parse(typed_data)?;
    Hasher::new(&parts.types).struct_hash(
        Scope::User,
        DOMAIN_TYPE,
        parts.domain,
        &Path::root("domain"),
        0,
    )
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

// ---------------------------------------------------------------------------------------------
// Type definitions

/// One member of a type: a struct field or an enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    name: String,
    r#type: String,
    contains: Option<String>,
}

type TypeMap = BTreeMap<String, Vec<Member>>;

/// The preset types of revision 1, usable without being declared.
fn presets() -> &'static TypeMap {
    static PRESETS: OnceLock<TypeMap> = OnceLock::new();
    PRESETS.get_or_init(|| {
        let member = |name: &str, r#type: &str| Member {
            name: name.to_owned(),
            r#type: r#type.to_owned(),
            contains: None,
        };
        BTreeMap::from([
            (
                "u256".to_owned(),
                vec![member("low", "u128"), member("high", "u128")],
            ),
            (
                "TokenAmount".to_owned(),
                vec![
                    member("token_address", "ContractAddress"),
                    member("amount", "u256"),
                ],
            ),
            (
                "NftId".to_owned(),
                vec![
                    member("collection_address", "ContractAddress"),
                    member("token_id", "u256"),
                ],
            ),
        ])
    })
}

/// Reads the `types` object: each type an array of `{ name, type[, contains] }`.
fn parse_types(types: &Value) -> Result<TypeMap, TypedDataError> {
    let Some(object) = types.as_object() else {
        return Err(invalid_type(
            "types",
            "expected an object of type definitions",
        ));
    };
    let mut parsed = TypeMap::new();
    for (name, members) in object {
        if presets().contains_key(name) {
            return Err(invalid_type(
                format!("types.{name}"),
                "a preset type of revision 1 cannot be redefined",
            ));
        }
        let Some(members) = members.as_array() else {
            return Err(invalid_type(
                format!("types.{name}"),
                "expected an array of members",
            ));
        };
        let mut list = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let text = |key: &str| member.get(key).and_then(Value::as_str).map(str::to_owned);
            let (Some(member_name), Some(r#type)) = (text("name"), text("type")) else {
                return Err(invalid_type(
                    format!("types.{name}[{index}]"),
                    "expected { \"name\": string, \"type\": string }",
                ));
            };
            let contains = match member.get("contains") {
                None | Some(Value::Null) => None,
                Some(Value::String(contains)) => Some(contains.clone()),
                Some(_) => {
                    return Err(invalid_type(
                        format!("types.{name}[{index}].contains"),
                        "expected a type name",
                    ))
                }
            };
            list.push(Member {
                name: member_name,
                r#type,
                contains,
            });
        }
        parsed.insert(name.clone(), list);
    }
    Ok(parsed)
}

/// The checked `types` and `domain` of a whole typed-data document.
struct TypedDataParts<'a> {
    types: TypeMap,
    domain: &'a Value,
}

impl<'a> TypedDataParts<'a> {
    fn parse(typed_data: &'a Value) -> Result<Self, TypedDataError> {
        if !typed_data.is_object() {
            return Err(invalid_type("typedData", "expected a JSON object"));
        }
        let Some(types) = typed_data.get("types").filter(|types| types.is_object()) else {
            return Err(invalid_type(
                "types",
                "expected an object of type definitions",
            ));
        };
        let Some(domain) = typed_data.get("domain").filter(|domain| domain.is_object()) else {
            return Err(invalid_type("domain", "expected an object"));
        };
        check_revision(types, domain)?;
        Ok(Self {
            types: parse_types(types)?,
            domain,
        })
    }
}

/// Accepts revision 1 only, as starknet.js identifies it: a `StarknetDomain` type and a domain
/// whose `revision` is `"1"` (or the number 1).
fn check_revision(types: &Value, domain: &Value) -> Result<(), TypedDataError> {
    let revision = domain
        .get("revision")
        .filter(|revision| !revision.is_null());
    let is_one = match revision {
        Some(Value::String(text)) => text == "1",
        Some(Value::Number(number)) => number.as_f64() == Some(1.0),
        _ => false,
    };
    let is_zero = match revision {
        None => true,
        Some(Value::String(text)) => text == "0",
        Some(Value::Number(number)) => number.as_f64() == Some(0.0),
        _ => false,
    };
    match revision {
        _ if is_one && types.get(DOMAIN_TYPE).is_some() => Ok(()),
        _ if is_one => Err(invalid_type(
            "types",
            format!("revision 1 typed data needs a {DOMAIN_TYPE:?} type"),
        )),
        _ if is_zero => Err(TypedDataError::LegacyRevision),
        Some(revision) => Err(TypedDataError::UnsupportedRevision(revision.to_string())),
        None => Err(TypedDataError::LegacyRevision),
    }
}

// ---------------------------------------------------------------------------------------------
// Hashing

/// Which types a name resolves to. starknet.js hashes the members of a preset with the presets
/// alone in view, and everything else with the declared types plus the presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    User,
    Preset,
}

/// The member that holds a value: the struct's name, the member's name and the first member of
/// that name (starknet.js looks an enum's or a merkletree's `contains` up by the member's name).
#[derive(Clone, Copy)]
struct Parent<'t> {
    name: &'t str,
    key: &'t str,
    member: &'t Member,
}

struct Hasher<'t> {
    user: &'t TypeMap,
    type_hashes: RefCell<HashMap<(Scope, String), Felt>>,
}

impl<'t> Hasher<'t> {
    fn new(user: &'t TypeMap) -> Self {
        Self {
            user,
            type_hashes: RefCell::new(HashMap::new()),
        }
    }

    /// The types visible as structs in `scope`.
    fn types(&self, scope: Scope) -> &'t TypeMap {
        match scope {
            Scope::User => self.user,
            Scope::Preset => presets(),
        }
    }

    /// The members of `name` where a struct hash looks them up: the scope's types, then presets.
    fn members(&self, scope: Scope, name: &str) -> Option<&'t [Member]> {
        self.types(scope)
            .get(name)
            .or_else(|| presets().get(name))
            .map(Vec::as_slice)
    }

    fn defines(&self, scope: Scope, name: &str) -> bool {
        self.members(scope, name).is_some()
    }

    fn struct_hash(
        &self,
        scope: Scope,
        name: &str,
        data: &Value,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Felt, TypedDataError> {
        let Some(members) = self.members(scope, name) else {
            return Err(invalid_value(path, format!("unsupported type {name:?}")));
        };
        let Some(object) = data.as_object() else {
            return Err(invalid_value(
                path,
                format!("expected an object of type {name:?}, got {}", show(data)),
            ));
        };
        let mut elements = Vec::with_capacity(members.len() + 1);
        elements.push(self.type_hash(scope, name)?);
        for member in members {
            let path = path.field(&member.name);
            let value = match object.get(&member.name) {
                Some(Value::Null) if member.r#type != "enum" => None,
                value => value,
            };
            let Some(value) = value else {
                return Err(invalid_value(
                    &path,
                    format!("missing (a {:?} member of {name:?})", member.r#type),
                ));
            };
            let first = members
                .iter()
                .find(|m| m.name == member.name)
                .unwrap_or(member);
            let parent = Parent {
                name,
                key: &member.name,
                member: first,
            };
            elements.push(self.encode_value(
                scope,
                &member.r#type,
                value,
                Some(parent),
                &path,
                depth + 1,
            )?);
        }
        Ok(poseidon_hash_many(&elements))
    }

    fn encode_value(
        &self,
        scope: Scope,
        r#type: &str,
        value: &Value,
        parent: Option<Parent<'_>>,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Felt, TypedDataError> {
        if depth > MAX_DEPTH {
            return Err(invalid_value(
                path,
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if self.types(scope).contains_key(r#type) {
            return self.struct_hash(scope, r#type, value, path, depth);
        }
        if presets().contains_key(r#type) {
            return self.struct_hash(Scope::Preset, r#type, value, path, depth);
        }
        if let Some(element_type) = r#type.strip_suffix('*') {
            let Some(elements) = value.as_array() else {
                return Err(invalid_value(
                    path,
                    format!("expected an array ({type}), got {}", show(value)),
                ));
            };
            let hashes = elements
                .iter()
                .enumerate()
                .map(|(index, element)| {
                    self.encode_value(
                        scope,
                        element_type,
                        element,
                        None,
                        &path.index(index),
                        depth + 1,
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(poseidon_hash_many(&hashes));
        }
        match r#type {
            "enum" => self.encode_enum(scope, value, parent, path, depth),
            "merkletree" => self.encode_merkletree(scope, value, parent, path, depth),
            "felt" | "shortstring" => encode_felt(value, path),
            "ContractAddress" | "ClassHash" => {
                let number = js_bigint(value).map_err(|why| invalid_value(path, why))?;
                number
                    .to_felt()
                    .ok_or_else(|| out_of_range(path, value, r#type, "[0, P)"))
            }
            "u128" | "timestamp" => {
                let number = js_bigint(value).map_err(|why| invalid_value(path, why))?;
                number
                    .to_u128()
                    .map(Felt::from)
                    .ok_or_else(|| out_of_range(path, value, r#type, "[0, 2^128)"))
            }
            "i128" => {
                let number = js_bigint(value).map_err(|why| invalid_value(path, why))?;
                number
                    .to_i128_felt()
                    .ok_or_else(|| out_of_range(path, value, r#type, "[-2^127, 2^127)"))
            }
            "bool" => match value {
                Value::Bool(flag) => Ok(if *flag { Felt::ONE } else { Felt::ZERO }),
                _ => Err(invalid_value(
                    path,
                    format!("expected true or false, got {}", show(value)),
                )),
            },
            "selector" => encode_selector(value, path),
            "string" => encode_string(value, path),
            _ => Err(invalid_value(path, format!("unsupported type {type:?}"))),
        }
    }

    /// `{ "Variant": [values…] }` → `poseidon([variant index, encoded values…])`.
    fn encode_enum(
        &self,
        scope: Scope,
        value: &Value,
        parent: Option<Parent<'_>>,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Felt, TypedDataError> {
        let Some(parent) = parent else {
            return Err(invalid_value(
                path,
                "an enum can only be the type of a struct member",
            ));
        };
        let member = parent.member;
        let Some(enum_name) = member.contains.as_deref() else {
            return Err(invalid_value(
                path,
                "the enum member has no \"contains\" naming its enum type",
            ));
        };
        let Some(variants) = self.types(scope).get(enum_name) else {
            return Err(invalid_value(
                path,
                format!("enum type {enum_name:?} is not defined"),
            ));
        };
        let mut entries = value.as_object().map(Map::iter).into_iter().flatten();
        let (Some((variant_name, variant_data)), None) = (entries.next(), entries.next()) else {
            return Err(invalid_value(
                path,
                format!(
                    "expected one variant of {enum_name:?} as {{ \"Variant\": [values…] }}, got {}",
                    show(value)
                ),
            ));
        };
        let Some(index) = variants.iter().position(|v| &v.name == variant_name) else {
            let known: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            return Err(invalid_value(
                path,
                format!(
                    "{variant_name:?} is not a variant of {enum_name:?} (variants: {})",
                    known.join(", ")
                ),
            ));
        };
        let variant_path = path.field(variant_name);
        let Some(slots) = tuple_items(&variants[index].r#type) else {
            return Err(invalid_value(
                &variant_path,
                format!(
                    "variant type {:?} is not a tuple like \"(felt,u128)\"",
                    variants[index].r#type
                ),
            ));
        };
        let mut elements = vec![Felt::from(index)];
        for (slot, slot_type) in slots.split(',').enumerate() {
            if slot_type.is_empty() {
                // starknet.js hashes an empty slot (all of `()`) as the empty string, i.e. 0.
                elements.push(Felt::ZERO);
                continue;
            }
            let slot_path = variant_path.index(slot);
            let Some(values) = variant_data.as_array() else {
                return Err(invalid_value(
                    &variant_path,
                    format!(
                        "expected an array of the variant's values, got {}",
                        show(variant_data)
                    ),
                ));
            };
            let Some(slot_value) = values.get(slot) else {
                return Err(invalid_value(
                    &slot_path,
                    format!("missing (a {slot_type:?} value)"),
                ));
            };
            elements.push(self.encode_value(
                scope,
                slot_type,
                slot_value,
                None,
                &slot_path,
                depth + 1,
            )?);
        }
        Ok(poseidon_hash_many(&elements))
    }

    /// The root of the Merkle tree of the leaves' hashes.
    fn encode_merkletree(
        &self,
        scope: Scope,
        value: &Value,
        parent: Option<Parent<'_>>,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Felt, TypedDataError> {
        let Some(parent) = parent.filter(|p| !p.name.is_empty() && !p.key.is_empty()) else {
            return Err(invalid_value(
                path,
                "a merkletree can only be the type of a named struct member",
            ));
        };
        let member = parent.member;
        if member.r#type != "merkletree" {
            return Err(invalid_value(
                path,
                format!("{:?} is not a merkle tree", parent.key),
            ));
        }
        let Some(leaf_type) = member.contains.as_deref() else {
            return Err(invalid_value(
                path,
                "the merkletree member has no \"contains\" naming its leaf type",
            ));
        };
        if leaf_type.ends_with('*') {
            return Err(invalid_value(
                path,
                format!("the leaf type {leaf_type:?} of a merkletree cannot be an array"),
            ));
        }
        let Some(leaves) = value.as_array() else {
            return Err(invalid_value(
                path,
                format!(
                    "expected an array of {leaf_type:?} leaves, got {}",
                    show(value)
                ),
            ));
        };
        if leaves.is_empty() {
            return Err(invalid_value(path, "a merkletree needs at least one leaf"));
        }
        let hashes = leaves
            .iter()
            .enumerate()
            .map(|(index, leaf)| {
                self.encode_value(scope, leaf_type, leaf, None, &path.index(index), depth + 1)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::policy_tree::merkle_root(hashes))
    }

    fn type_hash(&self, scope: Scope, name: &str) -> Result<Felt, TypedDataError> {
        let key = (scope, name.to_owned());
        if let Some(hash) = self.type_hashes.borrow().get(&key) {
            return Ok(*hash);
        }
        let hash = starknet_keccak(self.encode_type(scope, name)?.as_bytes());
        self.type_hashes.borrow_mut().insert(key, hash);
        Ok(hash)
    }

    /// The type string of `name`: the type itself, then every type it references, sorted.
    fn encode_type(&self, scope: Scope, name: &str) -> Result<String, TypedDataError> {
        let lookup = |name: &str| self.types(scope).get(name).or_else(|| presets().get(name));
        if lookup(name).is_none() {
            return Err(unknown_type(name));
        }
        let mut visited = BTreeMap::new();
        self.collect_dependencies(scope, name, &mut visited, 0)?;
        let mut dependencies: Vec<&str> = visited
            .keys()
            .map(String::as_str)
            .filter(|d| *d != name)
            .collect();
        dependencies.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        let mut encoded = String::new();
        for type_name in std::iter::once(name).chain(dependencies) {
            let members = lookup(type_name).map(Vec::as_slice).unwrap_or_default();
            let mut parts = Vec::with_capacity(members.len());
            for (index, member) in members.iter().enumerate() {
                let target = if member.r#type == "enum" {
                    member.contains.as_deref().ok_or_else(|| {
                        invalid_type(
                            format!("types.{type_name}[{index}]"),
                            "an enum member needs \"contains\"",
                        )
                    })?
                } else {
                    member.r#type.as_str()
                };
                let target = match tuple_items(target) {
                    Some(items) => {
                        let items: Vec<String> = items
                            .split(',')
                            .map(|i| {
                                if i.is_empty() {
                                    String::new()
                                } else {
                                    quote(i)
                                }
                            })
                            .collect();
                        format!("({})", items.join(","))
                    }
                    None => quote(target),
                };
                parts.push(format!("{}:{target}", quote(&member.name)));
            }
            encoded.push_str(&format!("{}({})", quote(type_name), parts.join(",")));
        }
        Ok(encoded)
    }

    /// Adds `name` and every type reachable from it to `visited`; a cycle is an error (starknet.js
    /// recurses without end on one).
    fn collect_dependencies(
        &self,
        scope: Scope,
        name: &str,
        visited: &mut BTreeMap<String, bool>,
        depth: usize,
    ) -> Result<(), TypedDataError> {
        match visited.get(name) {
            Some(true) => return Ok(()),
            Some(false) => {
                return Err(invalid_type(
                    format!("types.{name}"),
                    "recursive types cannot be hashed",
                ));
            }
            None => {}
        }
        if depth > MAX_DEPTH {
            return Err(invalid_type(
                format!("types.{name}"),
                format!("types nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        let Some(members) = self.types(scope).get(name).or_else(|| presets().get(name)) else {
            return Ok(());
        };
        visited.insert(name.to_owned(), false);
        for member in members {
            for dependency in member_dependencies(member) {
                let known = self.types(scope).contains_key(dependency)
                    || presets().contains_key(dependency);
                if known {
                    self.collect_dependencies(scope, dependency, visited, depth + 1)?;
                }
            }
        }
        visited.insert(name.to_owned(), true);
        Ok(())
    }
}

/// The type names a member references: an array's element type, an enum's type, a variant
/// tuple's item types (one trailing `*` removed), or the member's type itself.
fn member_dependencies(member: &Member) -> Vec<&str> {
    if let Some(element) = member.r#type.strip_suffix('*') {
        vec![element]
    } else if member.r#type == "enum" {
        member.contains.as_deref().into_iter().collect()
    } else if let Some(items) = tuple_items(&member.r#type) {
        items
            .split(',')
            .map(|item| item.strip_suffix('*').unwrap_or(item))
            .collect()
    } else {
        vec![member.r#type.as_str()]
    }
}

/// The inside of a tuple type `(…)`, as starknet.js's `/^\(.*\)$/` recognizes one.
fn tuple_items(r#type: &str) -> Option<&str> {
    let inner = r#type.strip_prefix('(')?.strip_suffix(')')?;
    let line_break = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    (!inner.contains(line_break)).then_some(inner)
}

fn quote(name: &str) -> String {
    format!("\"{name}\"")
}

// ---------------------------------------------------------------------------------------------
// Basic types

/// `felt` and `shortstring`: a number, or else the string as a short string.
fn encode_felt(value: &Value, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    let number = match value {
        Value::String(text) => match parse_js_bigint(text) {
            Some(number) => number,
            None => return encode_short_string(text, path),
        },
        _ => js_bigint(value).map_err(|why| invalid_value(path, why))?,
    };
    number
        .to_felt()
        .ok_or_else(|| out_of_range(path, value, "felt", "[0, P)"))
}

fn encode_short_string(text: &str, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    check_text(text, path)?;
    if text.len() > 31 {
        return Err(invalid_value(
            path,
            format!("{text:?} is not a number and is longer than a short string (31 characters)"),
        ));
    }
    cairo_short_string_to_felt(text).map_err(|why| invalid_value(path, format!("{text:?}: {why}")))
}

/// Text starknet.js encodes faithfully: ASCII without control characters below U+0010.
fn check_text(text: &str, path: &Path<'_>) -> Result<(), TypedDataError> {
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return Err(invalid_value(
            path,
            format!("{text:?} contains {c:?}: only ASCII text can be hashed"),
        ));
    }
    if let Some(c) = text.chars().find(|c| (*c as u32) < 0x10) {
        return Err(invalid_value(
            path,
            format!(
                "{text:?} contains the control character U+{:04X}, which starknet.js encodes as one hex \
                 digit (or rejects): refused",
                c as u32
            ),
        ));
    }
    Ok(())
}

/// `string`: the hash of the string's `ByteArray` serialization.
fn encode_string(value: &Value, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    let Value::String(text) = value else {
        return Err(invalid_value(
            path,
            format!("expected a string, got {}", show(value)),
        ));
    };
    check_text(text, path)?;
    Ok(byte_array_hash(text))
}

/// The SNIP-12 revision-1 hash of a `string` (as starknet.js hashes it), e.g. Argent's session
/// `Metadata`: refuses the control characters starknet.js encodes differently.
pub fn string_hash(text: &str) -> Result<Felt, TypedDataError> {
    encode_string(&Value::String(text.to_owned()), &Path::root("string"))
}

/// The Poseidon hash of `text`'s Cairo `ByteArray` serialization: the count of full 31-byte
/// words, the words, the pending word and its length.
fn byte_array_hash(text: &str) -> Felt {
    let chunks: Vec<&[u8]> = text.as_bytes().chunks(31).collect();
    let (full, pending) = match chunks.split_last() {
        Some((last, rest)) if last.len() < 31 => (rest, *last),
        _ => (chunks.as_slice(), &[][..]),
    };
    let mut elements = Vec::with_capacity(full.len() + 3);
    elements.push(Felt::from(full.len()));
    elements.extend(full.iter().map(|chunk| Felt::from_bytes_be_slice(chunk)));
    elements.push(Felt::from_bytes_be_slice(pending));
    elements.push(Felt::from(pending.len()));
    poseidon_hash_many(&elements)
}

/// `selector`: a hex string is the selector, any other string a name.
fn encode_selector(value: &Value, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    let Value::String(text) = value else {
        return Err(invalid_value(
            path,
            format!("expected a selector name or hex, got {}", show(value)),
        ));
    };
    let hex_digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    match hex_digits {
        Some(digits) if digits.chars().all(|c| c.is_ascii_hexdigit()) => parse_js_bigint(text)
            .and_then(|number| number.to_felt())
            .ok_or_else(|| {
                invalid_value(
                    path,
                    format!("{text:?} is not a selector (a hex felt below P)"),
                )
            }),
        _ => Ok(starknet_keccak(text.as_bytes())),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers as JavaScript reads them

/// An integer below 2^256 (larger ones are out of every range), with its sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Integer {
    negative: bool,
    magnitude: [u8; 32],
    overflow: bool,
}

impl Integer {
    fn from_u64(value: u64, negative: bool) -> Self {
        let mut magnitude = [0; 32];
        magnitude[24..].copy_from_slice(&value.to_be_bytes());
        Self {
            negative: negative && value != 0,
            magnitude,
            overflow: false,
        }
    }

    /// `self * radix + digit`.
    fn push_digit(&mut self, radix: u32, digit: u32) {
        let mut carry = digit;
        for byte in self.magnitude.iter_mut().rev() {
            let next = u32::from(*byte) * radix + carry;
            *byte = (next & 0xff) as u8;
            carry = next >> 8;
        }
        self.overflow |= carry != 0;
    }

    fn is_zero(&self) -> bool {
        !self.overflow && self.magnitude.iter().all(|b| *b == 0)
    }

    /// The magnitude if it fits in a `u128`.
    fn magnitude_u128(&self) -> Option<u128> {
        if self.overflow || self.magnitude[..16].iter().any(|b| *b != 0) {
            return None;
        }
        let mut low = [0; 16];
        low.copy_from_slice(&self.magnitude[16..]);
        Some(u128::from_be_bytes(low))
    }

    /// The value as a felt, if it is in `[0, P)`.
    fn to_felt(self) -> Option<Felt> {
        let below_prime = self.magnitude <= Felt::MAX.to_bytes_be();
        (!self.negative && !self.overflow && below_prime)
            .then(|| Felt::from_bytes_be(&self.magnitude))
    }

    fn to_u128(self) -> Option<u128> {
        if self.negative {
            return None;
        }
        self.magnitude_u128()
    }

    /// The value as an `i128` felt (`P + value` when negative), if it is in `[-2^127, 2^127)`.
    fn to_i128_felt(self) -> Option<Felt> {
        let magnitude = self.magnitude_u128()?;
        let limit = 1u128 << 127;
        if self.negative {
            (magnitude <= limit).then(|| Felt::ZERO - Felt::from(magnitude))
        } else {
            (magnitude < limit).then(|| Felt::from(magnitude))
        }
    }
}

/// `BigInt(value)` for a JSON value: numbers, numeric strings and booleans.
fn js_bigint(value: &Value) -> Result<Integer, String> {
    match value {
        Value::Bool(flag) => Ok(Integer::from_u64(u64::from(*flag), false)),
        Value::Number(number) => js_number(number),
        Value::String(text) => parse_js_bigint(text).ok_or_else(|| {
            format!(
                "expected a decimal or 0x-prefixed hex number, got {}",
                show(value)
            )
        }),
        _ => Err(format!("expected a number, got {}", show(value))),
    }
}

/// A JSON number as JavaScript holds it: integers only, and only those a double holds exactly
/// (JSON.parse would round the others before starknet.js sees them).
fn js_number(number: &serde_json::Number) -> Result<Integer, String> {
    let exact = |magnitude: u64| {
        magnitude == 0 || (magnitude >> magnitude.trailing_zeros()) < JS_EXACT_LIMIT
    };
    let (magnitude, negative) = if let Some(value) = number.as_u64() {
        (value, false)
    } else if let Some(value) = number.as_i64() {
        (value.unsigned_abs(), value < 0)
    } else {
        let value = number.as_f64().unwrap_or(f64::NAN);
        if !value.is_finite() || value.fract() != 0.0 {
            return Err(format!("{number} is not an integer"));
        }
        if value.abs() > JS_EXACT_LIMIT as f64 {
            return Err(format!(
                "{number} is too large for a JSON number; write it as a string"
            ));
        }
        (value.abs() as u64, value < 0.0)
    };
    if !exact(magnitude) {
        return Err(format!(
            "{number} is not exactly representable as a JavaScript number (starknet.js would hash a \
             rounded value); write it as a string"
        ));
    }
    Ok(Integer::from_u64(magnitude, negative))
}

/// JavaScript's `BigInt(string)`, or `None` where it throws: whitespace around, then an optionally
/// signed decimal, or `0x`/`0o`/`0b` digits; an empty (or blank) string is 0.
fn parse_js_bigint(text: &str) -> Option<Integer> {
    let text = text.trim_matches(is_js_whitespace);
    let (negative, digits, radix) =
        if let Some(d) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            (false, d, 16)
        } else if let Some(d) = text.strip_prefix("0o").or_else(|| text.strip_prefix("0O")) {
            (false, d, 8)
        } else if let Some(d) = text.strip_prefix("0b").or_else(|| text.strip_prefix("0B")) {
            (false, d, 2)
        } else if let Some(d) = text.strip_prefix('-') {
            (true, d, 10)
        } else if let Some(d) = text.strip_prefix('+') {
            (false, d, 10)
        } else if text.is_empty() {
            return Some(Integer::from_u64(0, false));
        } else {
            (false, text, 10)
        };
    if digits.is_empty() {
        return None;
    }
    let mut number = Integer::from_u64(0, false);
    for c in digits.chars() {
        number.push_digit(radix, c.to_digit(radix)?);
    }
    number.negative = negative && !number.is_zero();
    Some(number)
}

/// JavaScript's white space and line terminators, which `BigInt()` trims.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

// ---------------------------------------------------------------------------------------------
// Paths and errors

/// Where a value sits, built on the stack and rendered only for an error.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root(&'a str),
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            segment: Segment::Root(name),
        }
    }

    fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root(name) => f.write_str(name),
            Segment::Field(name) => write!(f, ".{name}"),
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

fn invalid_type(path: impl Into<String>, reason: impl Into<String>) -> TypedDataError {
    TypedDataError::InvalidType {
        path: path.into(),
        reason: reason.into(),
    }
}

fn invalid_value(path: &Path<'_>, reason: impl Into<String>) -> TypedDataError {
    TypedDataError::InvalidValue {
        path: path.to_string(),
        reason: reason.into(),
    }
}

fn unknown_type(name: &str) -> TypedDataError {
    invalid_type("types", format!("{name:?} is not a defined type"))
}

fn out_of_range(path: &Path<'_>, value: &Value, r#type: &str, range: &str) -> TypedDataError {
    invalid_value(
        path,
        format!("{} is out of the range {range} of {type}", show(value)),
    )
}

/// A value for an error message, cut short.
fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use starknet_crypto::poseidon_hash;

    use super::*;
    use crate::policy_tree::merkle_root;

    /// A corpus-style document (the domain of `tests/typed-data/`).
    fn doc(types: Value, primary: &str, message: Value) -> Value {
        let mut all = json!({
            "StarknetDomain": [
                { "name": "name", "type": "shortstring" },
                { "name": "version", "type": "shortstring" },
                { "name": "chainId", "type": "shortstring" },
                { "name": "revision", "type": "shortstring" }
            ]
        });
        for (name, members) in types.as_object().expect("types are an object") {
            all[name] = members.clone();
        }
        json!({
            "types": all,
            "primaryType": primary,
            "domain": { "name": "SessionKeys.corpus", "version": "1", "chainId": "SN_SEPOLIA", "revision": "1" },
            "message": message
        })
    }

    /// A document with one member `x` of type `type` holding `value`.
    fn one(r#type: &str, value: Value) -> Value {
        doc(
            json!({ "M": [{ "name": "x", "type": r#type }] }),
            "M",
            json!({ "x": value }),
        )
    }

    fn felt(hex: &str) -> Felt {
        Felt::from_hex(hex).expect("a hex felt")
    }

    const ACCOUNT: Felt = Felt::from_hex_unchecked("0x1234");

    fn hash(typed_data: &Value) -> Felt {
        message_hash(typed_data, ACCOUNT).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(typed_data: &Value) -> String {
        match message_hash(typed_data, ACCOUNT) {
            Ok(hash) => panic!("hashed to {hash:#x} instead of failing"),
            Err(error) => error.to_string(),
        }
    }

    /// The struct hash of `{ x: value }` with `x` of type `type`.
    fn member(r#type: &str, value: Value) -> Result<Felt, TypedDataError> {
        struct_hash(
            &json!({ "M": [{ "name": "x", "type": r#type }] }),
            "M",
            &json!({ "x": value }),
        )
    }

    /// What [`member`] is when `x` encodes as `encoded`.
    fn expected(r#type: &str, encoded: Felt) -> Felt {
        let types = json!({ "M": [{ "name": "x", "type": r#type }] });
        poseidon_hash_many(&[type_hash(&types, "M").expect("a type hash"), encoded])
    }

    /// The SDK's session typed data (types and domain as `session_hash::typed_data` writes them)
    /// with `policies` as given, valid or not.
    fn session_doc(policies: Value) -> Value {
        let session = crate::Session {
            session_key: felt("0x2b191c2f3ecf685a91af7cf72a43e7b90e2e41220175de5c4f7498981b10053"),
            valid_after: 0,
            valid_until: 1767225600,
            policies_root: Felt::ZERO,
        };
        let tree = crate::PolicyTree::new([crate::Policy { contract: Felt::ONE, selector: Felt::ONE }])
            .expect("one policy");
        let chain_id = cairo_short_string_to_felt("SN_SEPOLIA").expect("a short string");
        let mut td = crate::session_hash::typed_data(&session, &tree, chain_id, |_| None);
        td["message"]["Policies"] = policies;
        td
    }

    // ---- pinned starknet.js 10.8.0 results (getMessageHash(td, "0x1234"), tests/typed-data/)

    #[test]
    fn session_matches_starknet_js() {
        let td = session_doc(json!([
            { "Contract": "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7", "Selector": "transfer" }
        ]));
        assert_eq!(
            domain_hash(&td).ok(),
            Some(felt(
                "0x42865e9819be8aa13837f707b8f31ca8c0e3c830239505c4cac726b8387e4f3"
            ))
        );
        assert_eq!(
            hash(&td),
            felt("0x524db71d84b72fee5bd2dab3c4197832b2d2c3b33aa33743d7f8d424f2fdea5")
        );
    }

    #[test]
    fn enums_match_starknet_js() {
        let unit = doc(
            json!({
                "Vote": [{ "name": "choice", "type": "enum", "contains": "Choice" }],
                "Choice": [{ "name": "Yes", "type": "()" }, { "name": "No", "type": "()" }, { "name": "Abstain", "type": "()" }]
            }),
            "Vote",
            json!({ "choice": { "Abstain": [] } }),
        );
        assert_eq!(
            hash(&unit),
            felt("0x380424b3224075717f91bb2a11c14da170cabeed3cd4bbd926874ae662f701f")
        );
        let empty_slot = doc(
            json!({
                "Wrapper": [{ "name": "value", "type": "enum", "contains": "Maybe" }],
                "Maybe": [{ "name": "None", "type": "()" }, { "name": "Some", "type": "(felt,)" }]
            }),
            "Wrapper",
            json!({ "value": { "Some": ["0x2a"] } }),
        );
        assert_eq!(
            hash(&empty_slot),
            felt("0x1decf14727fa05beafc9e36aaa3618fc433603bcd1bc11b6a310f54392ee6c8")
        );
    }

    #[test]
    fn negative_i128_matches_starknet_js() {
        let td = doc(
            json!({ "Signed": [
                { "name": "minus one", "type": "i128" },
                { "name": "negative number", "type": "i128" },
                { "name": "negative string", "type": "i128" },
                { "name": "min", "type": "i128" },
                { "name": "minus zero", "type": "i128" }
            ] }),
            "Signed",
            json!({
                "minus one": -1,
                "negative number": -9007199254740991_i64,
                "negative string": "-42",
                "min": "-170141183460469231731687303715884105728",
                "minus zero": "-0"
            }),
        );
        assert_eq!(
            hash(&td),
            felt("0x50021dce0503f3928366ababbb779754ecdf3516846b7a13c3557c87754e335")
        );
    }

    #[test]
    fn strings_match_starknet_js() {
        let text = |value: &str| {
            doc(
                json!({ "Text": [{ "name": "text", "type": "string" }] }),
                "Text",
                json!({ "text": value }),
            )
        };
        assert_eq!(
            hash(&text("")),
            felt("0x632c801a12165595be0ca355b28687212474cf135db47770fc0824b49452e62")
        );
        assert_eq!(
            hash(&text("abcdefghijklmnopqrstuvwxyz01234")),
            felt("0x576198645728cc7cb3f6fcc7470518a6de9e09b5a77bb7dca64651780854a8e")
        );
    }

    #[test]
    fn numeric_shortstrings_match_starknet_js() {
        let mut td = doc(
            json!({ "Numbers": [
                { "name": "one", "type": "shortstring" }, { "name": "hex one", "type": "shortstring" },
                { "name": "decimal", "type": "shortstring" }, { "name": "signed", "type": "shortstring" },
                { "name": "blank", "type": "shortstring" }, { "name": "not quite hex", "type": "shortstring" },
                { "name": "underscore", "type": "shortstring" }, { "name": "binary", "type": "shortstring" }
            ] }),
            "Numbers",
            json!({
                "one": "1", "hex one": "0x1", "decimal": "1234", "signed": "+12", "blank": "   ",
                "not quite hex": "0x", "underscore": "1_000", "binary": "0b101"
            }),
        );
        td["domain"] = json!({ "name": "SessionKeys.corpus", "version": "2", "chainId": "0x534e5f5345504f4c4941", "revision": "1" });
        assert_eq!(
            domain_hash(&td).ok(),
            Some(felt(
                "0x32e8ccc12577f270f89c2ebaf16cbacbae0b1990c6b7a19cebdf65df419af12"
            ))
        );
        assert_eq!(
            hash(&td),
            felt("0x25a84c27101a44b0554f19bbfd8a2b769daf5426d7d85d099d02896c21bd41c")
        );
    }

    // ---- type strings

    #[test]
    fn session_type_strings_are_the_protocols() {
        let types = &session_doc(json!([]))["types"];
        let expect = [
            (
                "StarknetDomain",
                r#""StarknetDomain"("name":"shortstring","version":"shortstring","chainId":"shortstring","revision":"shortstring")"#,
            ),
            (
                "Session",
                r#""Session"("Session Key":"felt","Valid After":"timestamp","Valid Until":"timestamp","Policies":"merkletree")"#,
            ),
            (
                "Policy",
                r#""Policy"("Contract":"ContractAddress","Selector":"selector")"#,
            ),
        ];
        for (name, string) in expect {
            assert_eq!(encode_type(types, name).as_deref(), Ok(string));
            assert_eq!(
                type_hash(types, name),
                Ok(starknet_keccak(string.as_bytes()))
            );
        }
        // starknet.js's getTypeHash
        assert_eq!(
            type_hash(types, "Session"),
            Ok(felt(
                "0x1820ae7d136f7ae4732a45d35723c0889dd3d98e54408116cbca6ba5f73c384"
            ))
        );
    }

    #[test]
    fn dependencies_are_sorted_in_utf16_order_with_presets_when_used() {
        let types = json!({
            "Root": [
                { "name": "z", "type": "Zeta" }, { "name": "a", "type": "alpha" }, { "name": "b", "type": "Beta" },
                { "name": "u", "type": "_under" }, { "name": "amount", "type": "u256" }
            ],
            "Zeta": [{ "name": "v", "type": "felt" }],
            "alpha": [{ "name": "v", "type": "felt" }, { "name": "beta", "type": "Beta" }],
            "Beta": [{ "name": "v", "type": "felt" }],
            "_under": [{ "name": "v", "type": "felt" }],
            "Unused": [{ "name": "v", "type": "NftId" }]
        });
        assert_eq!(
            encode_type(&types, "Root").as_deref(),
            Ok(concat!(
                r#""Root"("z":"Zeta","a":"alpha","b":"Beta","u":"_under","amount":"u256")"#,
                r#""Beta"("v":"felt")"Zeta"("v":"felt")"_under"("v":"felt")"alpha"("v":"felt","beta":"Beta")"#,
                r#""u256"("low":"u128","high":"u128")"#
            ))
        );
        assert_eq!(
            type_hash(&types, "Root"),
            Ok(felt(
                "0x1f80a2d8254dc98ba933abf0decfc6eee2cf07d588dc844a80e15358a3026e9"
            ))
        );
        assert_eq!(
            encode_type(&types, "Beta").as_deref(),
            Ok(r#""Beta"("v":"felt")"#)
        );
    }

    #[test]
    fn enum_type_strings_list_variants_and_their_types() {
        let types = json!({
            "Action": [{ "name": "action", "type": "enum", "contains": "Op" }],
            "Op": [
                { "name": "Noop", "type": "()" },
                { "name": "Pay", "type": "(ContractAddress,u256)" },
                { "name": "Batch", "type": "(Call*,string)" },
                { "name": "Trailing", "type": "(felt,)" }
            ],
            "Call": [
                { "name": "to", "type": "ContractAddress" },
                { "name": "selector", "type": "selector" },
                { "name": "calldata", "type": "felt*" }
            ]
        });
        assert_eq!(
            encode_type(&types, "Action").as_deref(),
            Ok(concat!(
                r#""Action"("action":"Op")"Call"("to":"ContractAddress","selector":"selector","calldata":"felt*")"#,
                r#""Op"("Noop":(),"Pay":("ContractAddress","u256"),"Batch":("Call*","string"),"Trailing":("felt",))"#,
                r#""u256"("low":"u128","high":"u128")"#
            ))
        );
    }

    // ---- encodings, computed by hand

    #[test]
    fn merkle_roots() {
        let [a, b, c] = [Felt::from(30u8), Felt::from(10u8), Felt::from(20u8)];
        assert_eq!(merkle_root(vec![a]), a, "one leaf is the root");
        assert_eq!(
            merkle_root(vec![a, b]),
            poseidon_hash(b, a),
            "pairs are sorted"
        );
        let right = poseidon_hash(Felt::ZERO, c);
        let left = poseidon_hash(b, a);
        let root = if left <= right {
            poseidon_hash(left, right)
        } else {
            poseidon_hash(right, left)
        };
        assert_eq!(
            merkle_root(vec![a, b, c]),
            root,
            "the odd node pairs with 0"
        );

        let tree = |leaves: Value| {
            let types =
                json!({ "T": [{ "name": "root", "type": "merkletree", "contains": "felt" }] });
            struct_hash(&types, "T", &json!({ "root": leaves }))
        };
        let types = json!({ "T": [{ "name": "root", "type": "merkletree", "contains": "felt" }] });
        let type_hash = type_hash(&types, "T").expect("a type hash");
        assert_eq!(
            tree(json!(["0x1e"])),
            Ok(poseidon_hash_many(&[type_hash, a]))
        );
        assert_eq!(
            tree(json!([30, "10", "0x14"])),
            Ok(poseidon_hash_many(&[type_hash, root]))
        );
    }

    #[test]
    fn strings_are_byte_arrays() {
        let short = |s: &str| cairo_short_string_to_felt(s).expect("a short string");
        let cases = [
            (String::new(), vec![Felt::ZERO, Felt::ZERO, Felt::ZERO]),
            (
                "abc".to_owned(),
                vec![Felt::ZERO, short("abc"), Felt::from(3u8)],
            ),
            (
                "a".repeat(31),
                vec![Felt::ONE, short(&"a".repeat(31)), Felt::ZERO, Felt::ZERO],
            ),
            (
                "b".repeat(32),
                vec![Felt::ONE, short(&"b".repeat(31)), short("b"), Felt::ONE],
            ),
            (
                "c".repeat(62),
                vec![
                    Felt::TWO,
                    short(&"c".repeat(31)),
                    short(&"c".repeat(31)),
                    Felt::ZERO,
                    Felt::ZERO,
                ],
            ),
        ];
        for (text, elements) in cases {
            assert_eq!(
                member("string", json!(text)),
                Ok(expected("string", poseidon_hash_many(&elements))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn basic_values_encode_like_starknet_js() {
        let cases: &[(&str, Value, Felt)] = &[
            ("felt", json!("1"), Felt::ONE),
            ("felt", json!(" 42\t"), Felt::from(42u8)),
            ("felt", json!("\u{feff}12"), Felt::from(12u8)),
            ("felt", json!(""), Felt::ZERO),
            ("felt", json!("0XfF"), Felt::from(255u8)),
            ("felt", json!("0o17"), Felt::from(15u8)),
            ("felt", json!(true), Felt::ONE),
            ("felt", json!("-0"), Felt::ZERO),
            ("felt", json!("0x"), Felt::from(0x3078u16)),
            (
                "felt",
                json!("1_000"),
                Felt::from_hex_unchecked("0x315f303030"),
            ),
            (
                "shortstring",
                json!("SN_MAIN"),
                Felt::from_hex_unchecked("0x534e5f4d41494e"),
            ),
            ("felt", json!(1u64 << 60), Felt::from(1u64 << 60)),
            ("felt", json!(5.0), Felt::from(5u8)),
            ("u128", json!("0x6955b900"), Felt::from(1767225600u64)),
            ("timestamp", json!(false), Felt::ZERO),
            ("i128", json!(-1), Felt::ZERO - Felt::ONE),
            ("i128", json!(" -5 "), Felt::ZERO - Felt::from(5u8)),
            ("bool", json!(true), Felt::ONE),
            ("ContractAddress", json!(4096), Felt::from(4096u16)),
            ("selector", json!("transfer"), starknet_keccak(b"transfer")),
            ("selector", json!("123"), starknet_keccak(b"123")),
            ("selector", json!("0X7B"), Felt::from(123u8)),
            ("selector", json!(" 0x7b"), starknet_keccak(b" 0x7b")),
        ];
        for (r#type, value, encoded) in cases {
            assert_eq!(
                member(r#type, value.clone()),
                Ok(expected(r#type, *encoded)),
                "{type} {value}"
            );
        }
    }

    #[test]
    fn javascript_bigint_parsing() {
        let parse = |text: &str| parse_js_bigint(text).map(|n| (n.negative, n.magnitude_u128()));
        assert_eq!(parse("  \n"), Some((false, Some(0))));
        assert_eq!(parse("-12"), Some((true, Some(12))));
        assert_eq!(parse("+0x1"), None);
        assert_eq!(parse("-0x1"), None);
        assert_eq!(parse("0b102"), None);
        assert_eq!(parse("1e3"), None);
        assert_eq!(parse("\u{85}1"), None, "NEL is not JavaScript white space");
        assert_eq!(parse("0x1 2"), None);
        let huge = parse_js_bigint(&"9".repeat(100)).expect("digits parse");
        assert!(huge.overflow && huge.to_felt().is_none());
    }

    // ---- errors

    #[test]
    fn errors_name_the_field() {
        let td = session_doc(json!([
            { "Contract": "0x1", "Selector": "transfer" },
            { "Contract": "0x2", "Selector": "approve" },
            { "Contract": "0x3", "Selector": 5 }
        ]));
        assert_eq!(
            error(&td),
            "message.Policies[2].Selector: expected a selector name or hex, got 5"
        );

        let td = session_doc(json!([{ "Contract": "alice", "Selector": "transfer" }]));
        assert!(error(&td).starts_with(
            "message.Policies[0].Contract: expected a decimal or 0x-prefixed hex number"
        ));

        let mut td = session_doc(json!([]));
        assert_eq!(
            error(&td),
            "message.Policies: a merkletree needs at least one leaf"
        );
        td["message"]["Policies"] = json!([{ "Contract": "0x1", "Selector": "transfer" }]);
        td["message"]
            .as_object_mut()
            .expect("an object")
            .remove("Valid Until");
        assert_eq!(
            error(&td),
            "message.Valid Until: missing (a \"timestamp\" member of \"Session\")"
        );
        td["domain"]["chainId"] = json!("a chain name longer than 31 chars");
        assert!(error(&td).starts_with("domain.chainId: \"a chain name longer"));
    }

    #[test]
    fn values_starknet_js_refuses_are_errors() {
        let cases: &[(&str, Value, &str)] = &[
            ("bool", json!("true"), "expected true or false"),
            ("bool", json!(1), "expected true or false"),
            ("felt", json!("-5"), "out of the range [0, P)"),
            (
                "felt",
                json!("0x800000000000011000000000000000000000000000000000000000000000001"),
                "out of the range [0, P)",
            ),
            ("felt", json!(1.5), "not an integer"),
            ("felt", json!(null), "missing"),
            ("shortstring", json!("café"), "only ASCII"),
            (
                "shortstring",
                json!("a".repeat(32)),
                "longer than a short string",
            ),
            ("string", json!("line\nbreak"), "U+000A"),
            ("string", json!(7), "expected a string"),
            (
                "u128",
                json!("340282366920938463463374607431768211456"),
                "out of the range [0, 2^128)",
            ),
            ("u128", json!(-1), "out of the range [0, 2^128)"),
            (
                "i128",
                json!("170141183460469231731687303715884105728"),
                "out of the range [-2^127, 2^127)",
            ),
            (
                "i128",
                json!("-0x5"),
                "expected a decimal or 0x-prefixed hex number",
            ),
            (
                "ContractAddress",
                json!("alice"),
                "expected a decimal or 0x-prefixed hex number",
            ),
            ("selector", json!("0x"), "not a selector"),
            ("u256", json!(5), "expected an object of type \"u256\""),
            ("uint", json!(5), "unsupported type \"uint\""),
            ("felt*", json!("0x1"), "expected an array"),
        ];
        for (r#type, value, reason) in cases {
            let message = error(&one(r#type, value.clone()));
            assert!(
                message.starts_with("message.x") && message.contains(reason),
                "{type} {value}: {message}"
            );
        }
    }

    #[test]
    fn values_starknet_js_mangles_are_refused() {
        // starknet.js encodes a tab as the single hex digit 9: 'a\tb' would hash as 0x61962.
        let message = error(&one("shortstring", json!("a\tb")));
        assert!(message.contains("U+0009"), "{message}");
        assert!(error(&one("string", json!("tab\there"))).contains("U+0009"));
        // JSON.parse would round 2^53 + 1 to 2^53.
        let message = error(&one("u128", json!(9_007_199_254_740_993_u64)));
        assert!(message.contains("write it as a string"), "{message}");
        assert!(error(&one("felt", json!(1e300))).contains("write it as a string"));
        // starknet.js would hash the text "[]" as 0 and the number 5 as the name "5".
        assert!(error(&one("felt", json!([]))).contains("expected a number"));
        assert!(error(&one(
            "selector",
            json!("0x800000000000011000000000000000000000000000000000000000000000001")
        ))
        .contains("not a selector"));
    }

    #[test]
    fn enum_errors() {
        let enum_doc = |value: Value| {
            doc(
                json!({
                    "M": [{ "name": "x", "type": "enum", "contains": "E" }],
                    "E": [{ "name": "A", "type": "()" }, { "name": "B", "type": "(felt,u128)" }]
                }),
                "M",
                json!({ "x": value }),
            )
        };
        assert_eq!(
            error(&enum_doc(json!({ "C": [] }))),
            "message.x: \"C\" is not a variant of \"E\" (variants: A, B)"
        );
        assert_eq!(
            error(&enum_doc(json!({ "B": ["0x1"] }))),
            "message.x.B[1]: missing (a \"u128\" value)"
        );
        assert!(error(&enum_doc(json!({ "A": [], "B": [] })))
            .starts_with("message.x: expected one variant of \"E\""));
        assert!(
            error(&enum_doc(json!({ "B": "0x1" }))).starts_with("message.x.B: expected an array")
        );
        assert!(error(&enum_doc(json!(null))).starts_with("message.x: expected one variant"));
        assert_eq!(
            hash(&enum_doc(json!({ "A": null }))),
            hash(&enum_doc(json!({ "A": [] })))
        );
        assert_eq!(
            hash(&enum_doc(json!({ "B": [1, 2, 3] }))),
            hash(&enum_doc(json!({ "B": [1, 2] }))),
            "extra values are not hashed"
        );
    }

    #[test]
    fn type_errors() {
        let recursive = doc(
            json!({ "Node": [{ "name": "next", "type": "Node*" }] }),
            "Node",
            json!({ "next": [] }),
        );
        assert_eq!(
            error(&recursive),
            "types.Node: recursive types cannot be hashed"
        );
        let preset = doc(
            json!({ "u256": [{ "name": "low", "type": "felt" }] }),
            "u256",
            json!({ "low": 1 }),
        );
        assert_eq!(
            error(&preset),
            "types.u256: a preset type of revision 1 cannot be redefined"
        );
        let unknown = doc(json!({ "M": [] }), "Mail", json!({}));
        assert_eq!(
            error(&unknown),
            "primaryType: \"Mail\" is not a defined type"
        );
        let bad_member = doc(json!({ "M": [{ "name": "x" }] }), "M", json!({}));
        assert!(error(&bad_member).starts_with("types.M[0]: expected"));
        let tree_of_arrays = doc(
            json!({ "M": [{ "name": "x", "type": "merkletree", "contains": "felt*" }] }),
            "M",
            json!({ "x": [["0x1"]] }),
        );
        assert!(error(&tree_of_arrays).contains("cannot be an array"));
        assert!(encode_type(&json!({}), "Nope").is_err());
    }

    #[test]
    fn only_revision_1_is_supported() {
        let mut legacy = one("felt", json!(1));
        legacy["types"]["StarkNetDomain"] = legacy["types"]["StarknetDomain"].clone();
        legacy["types"]
            .as_object_mut()
            .expect("an object")
            .remove("StarknetDomain");
        legacy["domain"]
            .as_object_mut()
            .expect("an object")
            .remove("revision");
        assert_eq!(
            message_hash(&legacy, ACCOUNT),
            Err(TypedDataError::LegacyRevision)
        );
        legacy["domain"]["revision"] = json!("0");
        assert_eq!(
            message_hash(&legacy, ACCOUNT),
            Err(TypedDataError::LegacyRevision)
        );

        let mut future = one("felt", json!(1));
        future["domain"]["revision"] = json!("2");
        assert_eq!(
            message_hash(&future, ACCOUNT),
            Err(TypedDataError::UnsupportedRevision("\"2\"".into()))
        );

        let mut numeric = one("felt", json!(1));
        let expected = hash(&numeric);
        numeric["domain"]["revision"] = json!(1);
        assert_eq!(hash(&numeric), expected, "the revision may be the number 1");
    }

    #[test]
    fn extra_data_members_are_not_hashed() {
        assert_eq!(hash(&one("felt", json!(1))), {
            let mut td = one("felt", json!(1));
            td["message"]["ignored"] = json!("anything");
            hash(&td)
        });
    }

    #[test]
    fn starknet_message_prefix_is_the_short_string() {
        assert_eq!(
            cairo_short_string_to_felt("StarkNet Message").ok(),
            Some(STARKNET_MESSAGE)
        );
    }
}
