//! What a dApp asks the owner for: a session key, a validity window and the calls it may make.
//! Signing it makes a [`SignedSession`](crate::SignedSession) (`signed_session.rs`, which builds
//! on this module; this one knows nothing of signatures).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use starknet::core::types::Felt;
use starknet::core::utils::get_selector_from_name;

use crate::error::Error;
use crate::policy_tree::PolicyTree;
use crate::session_hash::{self, parse_selector, Policy, Session};

/// The latest time a session may name: the typed data carries times as JSON numbers, which
/// JavaScript (and so a wallet) reads exactly only up to 2^53 - 1.
pub const MAX_TIME: u64 = (1 << 53) - 1;

/// A session request, ready to be shown to and signed by the account owner.
///
/// Its policies are in canonical order (see [`PolicyTree`]), so two requests with the same
/// policies hash the same whatever order they were written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    session_key: Felt,
    valid_after: u64,
    valid_until: u64,
    tree: PolicyTree,
    names: BTreeMap<Felt, String>,
}

impl SessionRequest {
    /// Starts a request for the session public key `session_key`.
    pub fn builder(session_key: Felt) -> SessionRequestBuilder {
        SessionRequestBuilder { session_key, valid_after: 0, valid_until: None, policies: Vec::new() }
    }

    /// The session's public key.
    pub fn session_key(&self) -> Felt {
        self.session_key
    }

    /// First second (Unix time) of the window.
    pub fn valid_after(&self) -> u64 {
        self.valid_after
    }

    /// End of the window (Unix time, exclusive).
    pub fn valid_until(&self) -> u64 {
        self.valid_until
    }

    /// The policies and their tree.
    pub fn policies(&self) -> &PolicyTree {
        &self.tree
    }

    /// The name of `selector`, if the request was given one.
    pub fn selector_name(&self, selector: Felt) -> Option<&str> {
        self.names.get(&selector).map(String::as_str)
    }

    /// The fields that travel in each transaction.
    pub fn session(&self) -> Session {
        Session {
            session_key: self.session_key,
            valid_after: self.valid_after,
            valid_until: self.valid_until,
            policies_root: self.tree.root(),
        }
    }

    /// The session hash for `account` on `chain_id`: what the owner signs.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        self.session().hash(account, chain_id)
    }

    /// The SNIP-12 typed data a wallet signs (with `account`) to authorize this request.
    pub fn typed_data(&self, chain_id: Felt) -> Value {
        session_hash::typed_data(&self.session(), self.tree.policies(), chain_id, |selector| {
            self.names.get(&selector).cloned()
        })
    }

    pub(crate) fn to_file(&self) -> RequestFile {
        RequestFile {
            session_key: self.session_key,
            valid_after: self.valid_after,
            valid_until: self.valid_until,
            policies: self
                .tree
                .policies()
                .iter()
                .map(|p| PolicyEntry {
                    contract: p.contract,
                    selector: p.selector,
                    name: self.names.get(&p.selector).cloned(),
                })
                .collect(),
        }
    }

    pub(crate) fn from_file(file: RequestFile) -> Result<Self, Error> {
        let mut builder = Self::builder(file.session_key).valid_after(file.valid_after).valid_until(file.valid_until);
        for entry in file.policies {
            if let Some(name) = &entry.name {
                if get_selector_from_name(name).ok() != Some(entry.selector) {
                    return Err(Error::SelectorNameMismatch { name: name.clone(), selector: entry.selector });
                }
            }
            builder.policies.push(PolicyInput {
                contract: entry.contract,
                selector: match entry.name {
                    Some(name) => SelectorInput::Name(name),
                    None => SelectorInput::Felt(entry.selector),
                },
            });
        }
        builder.build()
    }
}

impl Serialize for SessionRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_file().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SessionRequest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_file(RequestFile::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// The JSON shape of a request's fields (shared by request and signed-session files).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestFile {
    pub session_key: Felt,
    pub valid_after: u64,
    pub valid_until: u64,
    pub policies: Vec<PolicyEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyEntry {
    pub contract: Felt,
    pub selector: Felt,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
enum SelectorInput {
    Name(String),
    Felt(Felt),
}

#[derive(Debug, Clone)]
struct PolicyInput {
    contract: Felt,
    selector: SelectorInput,
}

/// Builds a [`SessionRequest`]; errors are reported by [`SessionRequestBuilder::build`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SessionRequestBuilder {
    session_key: Felt,
    valid_after: u64,
    valid_until: Option<u64>,
    policies: Vec<PolicyInput>,
}

impl SessionRequestBuilder {
    /// The session may not be used before this Unix time (default 0: from now on).
    pub fn valid_after(mut self, unix_seconds: u64) -> Self {
        self.valid_after = unix_seconds;
        self
    }

    /// The session expires at this Unix time (required).
    pub fn valid_until(mut self, unix_seconds: u64) -> Self {
        self.valid_until = Some(unix_seconds);
        self
    }

    /// Allows calling `selector` on `contract`; `selector` is an entry point name (`transfer`)
    /// or a hex felt (`0x83af…`).
    pub fn allow(mut self, contract: Felt, selector: &str) -> Self {
        let selector = if selector.trim().starts_with("0x") || selector.trim().starts_with("0X") {
            match parse_selector(selector) {
                Ok(felt) => SelectorInput::Felt(felt),
                Err(_) => SelectorInput::Name(selector.to_string()),
            }
        } else {
            SelectorInput::Name(selector.trim().to_string())
        };
        self.policies.push(PolicyInput { contract, selector });
        self
    }

    /// Allows calling the entry point with selector `selector` on `contract`.
    pub fn allow_selector(mut self, contract: Felt, selector: Felt) -> Self {
        self.policies.push(PolicyInput { contract, selector: SelectorInput::Felt(selector) });
        self
    }

    /// Checks everything and builds the request.
    pub fn build(self) -> Result<SessionRequest, Error> {
        if self.session_key == Felt::ZERO {
            return Err(Error::MissingSessionKey);
        }
        let valid_until = self.valid_until.unwrap_or(0);
        if valid_until > MAX_TIME {
            return Err(Error::TimeOutOfRange(valid_until));
        }
        if valid_until <= self.valid_after {
            return Err(Error::EmptyWindow { valid_after: self.valid_after, valid_until });
        }
        let mut names = BTreeMap::new();
        let mut policies = Vec::with_capacity(self.policies.len());
        for input in self.policies {
            let selector = match &input.selector {
                SelectorInput::Felt(felt) => *felt,
                SelectorInput::Name(name) => {
                    let felt = parse_selector(name)?;
                    names.insert(felt, name.clone());
                    felt
                }
            };
            policies.push(Policy::new(input.contract, selector)?);
        }
        Ok(SessionRequest {
            session_key: self.session_key,
            valid_after: self.valid_after,
            valid_until,
            tree: PolicyTree::new(policies)?,
            names,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> SessionRequestBuilder {
        SessionRequest::builder(Felt::from(0x5e55u32)).valid_until(100)
    }

    #[test]
    fn names_and_hex_selectors_are_the_same_policy() {
        let by_name = request().allow(Felt::ONE, "transfer").build().unwrap();
        let hex = format!("{:#x}", get_selector_from_name("transfer").unwrap());
        let by_hex = request().allow(Felt::ONE, &hex).build().unwrap();
        assert_eq!(by_name.policies(), by_hex.policies());
        assert_eq!(by_name.hash(Felt::TWO, Felt::THREE), by_hex.hash(Felt::TWO, Felt::THREE));
        assert_eq!(by_name.selector_name(by_name.policies().policies()[0].selector), Some("transfer"));
    }

    #[test]
    fn rejects_bad_input() {
        let no_key = SessionRequest::builder(Felt::ZERO).valid_until(1).allow(Felt::ONE, "a");
        assert!(matches!(no_key.build(), Err(Error::MissingSessionKey)));
        let no_expiry = SessionRequest::builder(Felt::ONE).allow(Felt::ONE, "a");
        assert!(matches!(no_expiry.build(), Err(Error::EmptyWindow { .. })));
        let empty = request().valid_after(100);
        assert!(matches!(empty.allow(Felt::ONE, "a").build(), Err(Error::EmptyWindow { .. })));
        assert!(matches!(request().build(), Err(Error::NoPolicies)));
        let far = request().valid_until(MAX_TIME + 1).allow(Felt::ONE, "a");
        assert!(matches!(far.build(), Err(Error::TimeOutOfRange(_))));
        assert!(matches!(request().allow(Felt::ONE, "do it").build(), Err(Error::InvalidSelector(_))));
        assert!(matches!(request().allow(Felt::ZERO, "a").build(), Err(Error::InvalidAddress(_))));
        let twice = request().allow(Felt::ONE, "a").allow(Felt::ONE, "a");
        assert!(matches!(twice.build(), Err(Error::DuplicatePolicy { .. })));
    }

    #[test]
    fn json_round_trip_keeps_names_and_rejects_edits() {
        let req = request().allow(Felt::ONE, "transfer").allow(Felt::TWO, "0x1234").build().unwrap();
        let json = serde_json::to_string(&req).unwrap();
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), req);
        let edited = json.replace("transfer", "approve");
        let err = serde_json::from_str::<SessionRequest>(&edited).unwrap_err();
        assert!(err.to_string().contains("does not match its selector"), "{err}");
    }
}
