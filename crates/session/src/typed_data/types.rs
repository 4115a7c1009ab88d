//! Type definitions: the `types` object read into members, the preset types of revision 1, the
//! revision check of a whole document, the scopes a type name resolves in, and the type strings
//! (`encode_type`) whose `starknet_keccak` is a type hash.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::error::{invalid_type, unknown_type, TypedDataError};
use super::revision1::DOMAIN_TYPE;

/// How deep types and values may nest.
pub(super) const MAX_DEPTH: usize = 128;

/// One member of a type: a struct field or an enum variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Member {
    pub(super) name: String,
    pub(super) r#type: String,
    pub(super) contains: Option<String>,
}

/// The types by name.
pub(super) type TypeMap = BTreeMap<String, Vec<Member>>;

/// The preset types of revision 1, usable without being declared.
pub(super) fn presets() -> &'static TypeMap {
    static PRESETS: OnceLock<TypeMap> = OnceLock::new();
    PRESETS.get_or_init(|| {
        let member =
            |name: &str, r#type: &str| Member { name: name.to_owned(), r#type: r#type.to_owned(), contains: None };
        BTreeMap::from([
            ("u256".to_owned(), vec![member("low", "u128"), member("high", "u128")]),
            ("TokenAmount".to_owned(), vec![member("token_address", "ContractAddress"), member("amount", "u256")]),
            ("NftId".to_owned(), vec![member("collection_address", "ContractAddress"), member("token_id", "u256")]),
        ])
    })
}

/// Reads the `types` object: each type an array of `{ name, type[, contains] }`.
pub(super) fn parse_types(types: &Value) -> Result<TypeMap, TypedDataError> {
    let Some(object) = types.as_object() else {
        return Err(invalid_type("types", "expected an object of type definitions"));
    };
    let mut parsed = TypeMap::new();
    for (name, members) in object {
        if presets().contains_key(name) {
            return Err(invalid_type(format!("types.{name}"), "a preset type of revision 1 cannot be redefined"));
        }
        let Some(members) = members.as_array() else {
            return Err(invalid_type(format!("types.{name}"), "expected an array of members"));
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
                Some(_) => return Err(invalid_type(format!("types.{name}[{index}].contains"), "expected a type name")),
            };
            list.push(Member { name: member_name, r#type, contains });
        }
        parsed.insert(name.clone(), list);
    }
    Ok(parsed)
}

/// The checked `types` and `domain` of a whole typed-data document.
pub(super) struct TypedDataParts<'a> {
    pub(super) types: TypeMap,
    pub(super) domain: &'a Value,
}

impl<'a> TypedDataParts<'a> {
    pub(super) fn parse(typed_data: &'a Value) -> Result<Self, TypedDataError> {
        if !typed_data.is_object() {
            return Err(invalid_type("typedData", "expected a JSON object"));
        }
        let Some(types) = typed_data.get("types").filter(|types| types.is_object()) else {
            return Err(invalid_type("types", "expected an object of type definitions"));
        };
        let Some(domain) = typed_data.get("domain").filter(|domain| domain.is_object()) else {
            return Err(invalid_type("domain", "expected an object"));
        };
        check_revision(types, domain)?;
        Ok(Self { types: parse_types(types)?, domain })
    }
}

/// Accepts revision 1 only, as starknet.js identifies it: a `StarknetDomain` type and a domain
/// whose `revision` is `"1"` (or the number 1).
fn check_revision(types: &Value, domain: &Value) -> Result<(), TypedDataError> {
    let revision = domain.get("revision").filter(|revision| !revision.is_null());
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
        _ if is_one => Err(invalid_type("types", format!("revision 1 typed data needs a {DOMAIN_TYPE:?} type"))),
        _ if is_zero => Err(TypedDataError::LegacyRevision),
        Some(revision) => Err(TypedDataError::UnsupportedRevision(revision.to_string())),
        None => Err(TypedDataError::LegacyRevision),
    }
}

/// Which types a name resolves to. starknet.js hashes the members of a preset with the presets
/// alone in view, and everything else with the declared types plus the presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Scope {
    /// The document's types, then the presets.
    User,
    /// The presets alone.
    Preset,
}

/// The type definitions of a document with the presets beside them, as each scope sees them.
#[derive(Clone, Copy)]
pub(super) struct Types<'t> {
    user: &'t TypeMap,
}

impl<'t> Types<'t> {
    pub(super) fn new(user: &'t TypeMap) -> Self {
        Self { user }
    }

    /// The types visible as structs in `scope`.
    pub(super) fn visible(&self, scope: Scope) -> &'t TypeMap {
        match scope {
            Scope::User => self.user,
            Scope::Preset => presets(),
        }
    }

    /// The members of `name` where a struct hash looks them up: the scope's types, then presets.
    pub(super) fn members(&self, scope: Scope, name: &str) -> Option<&'t [Member]> {
        self.visible(scope).get(name).or_else(|| presets().get(name)).map(Vec::as_slice)
    }

    /// The type string of `name`: the type itself, then every type it references, sorted.
    pub(super) fn encode_type(&self, scope: Scope, name: &str) -> Result<String, TypedDataError> {
        let lookup = |name: &str| self.visible(scope).get(name).or_else(|| presets().get(name));
        if lookup(name).is_none() {
            return Err(unknown_type(name));
        }
        let mut visited = BTreeMap::new();
        self.collect_dependencies(scope, name, &mut visited, 0)?;
        let mut dependencies: Vec<&str> = visited.keys().map(String::as_str).filter(|d| *d != name).collect();
        dependencies.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        let mut encoded = String::new();
        for type_name in std::iter::once(name).chain(dependencies) {
            let members = lookup(type_name).map(Vec::as_slice).unwrap_or_default();
            let mut parts = Vec::with_capacity(members.len());
            for (index, member) in members.iter().enumerate() {
                let target = if member.r#type == "enum" {
                    member.contains.as_deref().ok_or_else(|| {
                        invalid_type(format!("types.{type_name}[{index}]"), "an enum member needs \"contains\"")
                    })?
                } else {
                    member.r#type.as_str()
                };
                let target = match tuple_items(target) {
                    Some(items) => {
                        let items: Vec<String> =
                            items.split(',').map(|i| if i.is_empty() { String::new() } else { quote(i) }).collect();
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
                return Err(invalid_type(format!("types.{name}"), "recursive types cannot be hashed"));
            }
            None => {}
        }
        if depth > MAX_DEPTH {
            return Err(invalid_type(format!("types.{name}"), format!("types nest deeper than {MAX_DEPTH} levels")));
        }
        let Some(members) = self.visible(scope).get(name).or_else(|| presets().get(name)) else {
            return Ok(());
        };
        visited.insert(name.to_owned(), false);
        for member in members {
            for dependency in member_dependencies(member) {
                let known = self.visible(scope).contains_key(dependency) || presets().contains_key(dependency);
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
        items.split(',').map(|item| item.strip_suffix('*').unwrap_or(item)).collect()
    } else {
        vec![member.r#type.as_str()]
    }
}

/// The inside of a tuple type `(…)`, as starknet.js's `/^\(.*\)$/` recognizes one.
pub(super) fn tuple_items(r#type: &str) -> Option<&str> {
    let inner = r#type.strip_prefix('(')?.strip_suffix(')')?;
    let line_break = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    (!inner.contains(line_break)).then_some(inner)
}

/// `name` in double quotes, as type strings write names and types.
fn quote(name: &str) -> String {
    format!("\"{name}\"")
}
