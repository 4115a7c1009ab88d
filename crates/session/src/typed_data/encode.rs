//! Encoding of values: the struct hash of an object as its type, and each member encoded as its
//! member type (structs, arrays, enums, merkle trees, felts, short strings, numbers, booleans,
//! selectors and strings as `ByteArray`s), as starknet.js encodes them.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::{Map, Value};
use starknet::core::types::Felt;
use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};
use starknet_crypto::poseidon_hash_many;

use super::error::{invalid_value, out_of_range, show, Path, TypedDataError};
use super::number::{js_bigint, parse_js_bigint};
use super::types::{presets, tuple_items, Member, Scope, TypeMap, Types, MAX_DEPTH};
use crate::merkle::merkle_root;

/// The member that holds a value: the struct's name, the member's name and the first member of
/// that name (starknet.js looks an enum's or a merkletree's `contains` up by the member's name).
#[derive(Clone, Copy)]
struct Parent<'t> {
    name: &'t str,
    key: &'t str,
    member: &'t Member,
}

/// Hashes values of one document's types, caching each type hash it computes.
pub(super) struct Hasher<'t> {
    types: Types<'t>,
    type_hashes: RefCell<HashMap<(Scope, String), Felt>>,
}

impl<'t> Hasher<'t> {
    pub(super) fn new(user: &'t TypeMap) -> Self {
        Self { types: Types::new(user), type_hashes: RefCell::new(HashMap::new()) }
    }

    /// Whether `name` is a struct type in `scope` (the scope's types or a preset).
    pub(super) fn defines(&self, scope: Scope, name: &str) -> bool {
        self.types.members(scope, name).is_some()
    }

    /// The type string of `name` in `scope`.
    pub(super) fn encode_type(&self, scope: Scope, name: &str) -> Result<String, TypedDataError> {
        self.types.encode_type(scope, name)
    }

    /// `poseidon([type_hash(name), encoded members…])` of the object `data` as the type `name`.
    pub(super) fn struct_hash(
        &self,
        scope: Scope,
        name: &str,
        data: &Value,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Felt, TypedDataError> {
        Ok(poseidon_hash_many(&self.struct_elements(scope, name, data, path, depth)?))
    }

    /// What [`Self::struct_hash`] hashes: `[type_hash(name), encoded members…]`.
    pub(super) fn struct_elements(
        &self,
        scope: Scope,
        name: &str,
        data: &Value,
        path: &Path<'_>,
        depth: usize,
    ) -> Result<Vec<Felt>, TypedDataError> {
        let Some(members) = self.types.members(scope, name) else {
            return Err(invalid_value(path, format!("unsupported type {name:?}")));
        };
        let Some(object) = data.as_object() else {
            return Err(invalid_value(path, format!("expected an object of type {name:?}, got {}", show(data))));
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
                return Err(invalid_value(&path, format!("missing (a {:?} member of {name:?})", member.r#type)));
            };
            let first = members.iter().find(|m| m.name == member.name).unwrap_or(member);
            let parent = Parent { name, key: &member.name, member: first };
            elements.push(self.encode_value(scope, &member.r#type, value, Some(parent), &path, depth + 1)?);
        }
        Ok(elements)
    }

    /// `value` encoded as `type`, held by the member `parent` (none for array elements and variant
    /// values).
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
            return Err(invalid_value(path, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        if self.types.visible(scope).contains_key(r#type) {
            return self.struct_hash(scope, r#type, value, path, depth);
        }
        if presets().contains_key(r#type) {
            return self.struct_hash(Scope::Preset, r#type, value, path, depth);
        }
        if let Some(element_type) = r#type.strip_suffix('*') {
            let Some(elements) = value.as_array() else {
                return Err(invalid_value(path, format!("expected an array ({type}), got {}", show(value))));
            };
            let hashes = elements
                .iter()
                .enumerate()
                .map(|(index, element)| {
                    self.encode_value(scope, element_type, element, None, &path.index(index), depth + 1)
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
                number.to_felt().ok_or_else(|| out_of_range(path, value, r#type, "[0, P)"))
            }
            "u128" | "timestamp" => {
                let number = js_bigint(value).map_err(|why| invalid_value(path, why))?;
                number.to_u128().map(Felt::from).ok_or_else(|| out_of_range(path, value, r#type, "[0, 2^128)"))
            }
            "i128" => {
                let number = js_bigint(value).map_err(|why| invalid_value(path, why))?;
                number.to_i128_felt().ok_or_else(|| out_of_range(path, value, r#type, "[-2^127, 2^127)"))
            }
            "bool" => match value {
                Value::Bool(flag) => Ok(if *flag { Felt::ONE } else { Felt::ZERO }),
                _ => Err(invalid_value(path, format!("expected true or false, got {}", show(value)))),
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
            return Err(invalid_value(path, "an enum can only be the type of a struct member"));
        };
        let member = parent.member;
        let Some(enum_name) = member.contains.as_deref() else {
            return Err(invalid_value(path, "the enum member has no \"contains\" naming its enum type"));
        };
        let Some(variants) = self.types.visible(scope).get(enum_name) else {
            return Err(invalid_value(path, format!("enum type {enum_name:?} is not defined")));
        };
        let mut entries = value.as_object().map(Map::iter).into_iter().flatten();
        let (Some((variant_name, variant_data)), None) = (entries.next(), entries.next()) else {
            return Err(invalid_value(
                path,
                format!("expected one variant of {enum_name:?} as {{ \"Variant\": [values…] }}, got {}", show(value)),
            ));
        };
        let Some(index) = variants.iter().position(|v| &v.name == variant_name) else {
            let known: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            return Err(invalid_value(
                path,
                format!("{variant_name:?} is not a variant of {enum_name:?} (variants: {})", known.join(", ")),
            ));
        };
        let variant_path = path.field(variant_name);
        let Some(slots) = tuple_items(&variants[index].r#type) else {
            return Err(invalid_value(
                &variant_path,
                format!("variant type {:?} is not a tuple like \"(felt,u128)\"", variants[index].r#type),
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
                    format!("expected an array of the variant's values, got {}", show(variant_data)),
                ));
            };
            let Some(slot_value) = values.get(slot) else {
                return Err(invalid_value(&slot_path, format!("missing (a {slot_type:?} value)")));
            };
            elements.push(self.encode_value(scope, slot_type, slot_value, None, &slot_path, depth + 1)?);
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
            return Err(invalid_value(path, "a merkletree can only be the type of a named struct member"));
        };
        let member = parent.member;
        if member.r#type != "merkletree" {
            return Err(invalid_value(path, format!("{:?} is not a merkle tree", parent.key)));
        }
        let Some(leaf_type) = member.contains.as_deref() else {
            return Err(invalid_value(path, "the merkletree member has no \"contains\" naming its leaf type"));
        };
        if leaf_type.ends_with('*') {
            return Err(invalid_value(path, format!("the leaf type {leaf_type:?} of a merkletree cannot be an array")));
        }
        let Some(leaves) = value.as_array() else {
            return Err(invalid_value(path, format!("expected an array of {leaf_type:?} leaves, got {}", show(value))));
        };
        if leaves.is_empty() {
            return Err(invalid_value(path, "a merkletree needs at least one leaf"));
        }
        let hashes = leaves
            .iter()
            .enumerate()
            .map(|(index, leaf)| self.encode_value(scope, leaf_type, leaf, None, &path.index(index), depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(merkle_root(hashes))
    }

    /// `starknet_keccak` of the type string of `name` in `scope`, computed once per hasher.
    fn type_hash(&self, scope: Scope, name: &str) -> Result<Felt, TypedDataError> {
        let key = (scope, name.to_owned());
        if let Some(hash) = self.type_hashes.borrow().get(&key) {
            return Ok(*hash);
        }
        let hash = starknet_keccak(self.types.encode_type(scope, name)?.as_bytes());
        self.type_hashes.borrow_mut().insert(key, hash);
        Ok(hash)
    }
}

// ---------------------------------------------------------------------------------------------
// Basic types

/// `felt` and `shortstring`: a number, or else the string as a short string.
pub(super) fn encode_felt(value: &Value, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    let number = match value {
        Value::String(text) => match parse_js_bigint(text) {
            Some(number) => number,
            None => return encode_short_string(text, path),
        },
        _ => js_bigint(value).map_err(|why| invalid_value(path, why))?,
    };
    number.to_felt().ok_or_else(|| out_of_range(path, value, "felt", "[0, P)"))
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
        return Err(invalid_value(path, format!("{text:?} contains {c:?}: only ASCII text can be hashed")));
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
pub(super) fn encode_string(value: &Value, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    let Value::String(text) = value else {
        return Err(invalid_value(path, format!("expected a string, got {}", show(value))));
    };
    check_text(text, path)?;
    Ok(byte_array_hash(text))
}

/// The Poseidon hash of `text`'s Cairo `ByteArray` serialization ([`byte_array_felts`]).
fn byte_array_hash(text: &str) -> Felt {
    poseidon_hash_many(&byte_array_felts(text))
}

/// `text`'s Cairo `ByteArray` serialization: the count of full 31-byte words, the words, the
/// pending word and its length.
pub(super) fn byte_array_felts(text: &str) -> Vec<Felt> {
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
    elements
}

/// `selector`: a hex string is the selector, any other string a name.
fn encode_selector(value: &Value, path: &Path<'_>) -> Result<Felt, TypedDataError> {
    let Value::String(text) = value else {
        return Err(invalid_value(path, format!("expected a selector name or hex, got {}", show(value))));
    };
    let hex_digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    match hex_digits {
        Some(digits) if digits.chars().all(|c| c.is_ascii_hexdigit()) => parse_js_bigint(text)
            .and_then(|number| number.to_felt())
            .ok_or_else(|| invalid_value(path, format!("{text:?} is not a selector (a hex felt below P)"))),
        _ => Ok(starknet_keccak(text.as_bytes())),
    }
}
