//! Session hashing: the SNIP-12 (revision 1) hash the owner signs, bound to one account and one
//! chain (docs/protocol.md §1). Mirrors `contracts/src/session/session_hash.cairo`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use starknet::core::types::Felt;
use starknet::core::utils::parse_cairo_short_string;
use starknet_crypto::poseidon_hash_many;

use crate::policy_tree::{PolicyTree, POLICY_TYPE_STRING};

/// The session format this crate produces; also the typed data domain's `version`.
pub const SESSION_VERSION: u64 = 1;

/// The typed data domain name, a shortstring.
pub const DOMAIN_NAME: &str = "SessionKeys.session";

/// The domain's type string (SNIP-12 revision 1).
pub const DOMAIN_TYPE_STRING: &str = r#""StarknetDomain"("name":"shortstring","version":"shortstring","chainId":"shortstring","revision":"shortstring")"#;
/// `starknet_keccak(DOMAIN_TYPE_STRING)`.
pub const DOMAIN_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x1ff2f602e42168014d405a94f75e8a93d640751d71d16311266e140d8b0a210");

/// The session's type string.
pub const SESSION_TYPE_STRING: &str = r#""Session"("Session Key":"felt","Valid After":"timestamp","Valid Until":"timestamp","Policies":"merkletree")"#;
/// `starknet_keccak(SESSION_TYPE_STRING)`.
pub const SESSION_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x1820ae7d136f7ae4732a45d35723c0889dd3d98e54408116cbca6ba5f73c384");

/// `'StarkNet Message'`, the SNIP-12 message prefix.
const STARKNET_MESSAGE: Felt = Felt::from_hex_unchecked("0x537461726b4e6574204d657373616765");
/// `'SessionKeys.session'`.
const DOMAIN_NAME_FELT: Felt = Felt::from_hex_unchecked("0x53657373696f6e4b6579732e73657373696f6e");

/// The fields of a session that the owner signs and the contract checks: exactly what travels in
/// the transaction signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Session {
    /// The session's Stark public key.
    pub session_key: Felt,
    /// First second (Unix time) at which the session may be used.
    pub valid_after: u64,
    /// The session may be used while the block timestamp is below this.
    pub valid_until: u64,
    /// Root of the policy tree.
    pub policies_root: Felt,
}

impl Session {
    /// The SNIP-12 struct hash of the `Session` type.
    pub fn struct_hash(&self) -> Felt {
        poseidon_hash_many(&[
            SESSION_TYPE_HASH,
            self.session_key,
            self.valid_after.into(),
            self.valid_until.into(),
            self.policies_root,
        ])
    }

    /// The session hash: the message hash the owner signs for `account` on `chain_id`.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        message_hash(domain_hash(chain_id), account, self.struct_hash())
    }

    /// The fields in the order of the transaction signature (docs/protocol.md §3).
    pub fn to_felts(&self) -> [Felt; 4] {
        [self.session_key, self.valid_after.into(), self.valid_until.into(), self.policies_root]
    }
}

/// The hash of the session domain on `chain_id`.
pub fn domain_hash(chain_id: Felt) -> Felt {
    starknet_domain_hash(DOMAIN_NAME_FELT, Felt::from(SESSION_VERSION), chain_id)
}

/// The struct hash of a revision-1 `StarknetDomain` with shortstrings `name` and `version` on
/// `chain_id`.
pub fn starknet_domain_hash(name: Felt, version: Felt, chain_id: Felt) -> Felt {
    let revision = Felt::ONE;
    poseidon_hash_many(&[DOMAIN_TYPE_HASH, name, version, chain_id, revision])
}

/// The SNIP-12 revision-1 message hash: `poseidon('StarkNet Message', domain, account, message)`.
pub fn message_hash(domain_hash: Felt, account: Felt, struct_hash: Felt) -> Felt {
    poseidon_hash_many(&[STARKNET_MESSAGE, domain_hash, account, struct_hash])
}

/// The typed data a wallet shows and signs for `session` with the policies of `tree` on
/// `chain_id`. Selectors are written by name where `names` knows them (so the wallet can show
/// `transfer`), and as hex otherwise; both hash the same.
pub fn typed_data(
    session: &Session,
    tree: &PolicyTree,
    chain_id: Felt,
    names: impl Fn(Felt) -> Option<String>,
) -> Value {
    let policies: Vec<Value> = tree
        .policies()
        .iter()
        .map(|policy| {
            let selector = names(policy.selector).unwrap_or_else(|| format!("{:#x}", policy.selector));
            json!({ "Contract": format!("{:#x}", policy.contract), "Selector": selector })
        })
        .collect();
    let chain = chain_name(chain_id);
    json!({
        "types": {
            "StarknetDomain": starknet_domain_type(),
            "Session": [
                { "name": "Session Key", "type": "felt" },
                { "name": "Valid After", "type": "timestamp" },
                { "name": "Valid Until", "type": "timestamp" },
                { "name": "Policies", "type": "merkletree", "contains": "Policy" }
            ],
            "Policy": [
                { "name": "Contract", "type": "ContractAddress" },
                { "name": "Selector", "type": "selector" }
            ]
        },
        "primaryType": "Session",
        "domain": {
            "name": DOMAIN_NAME,
            "version": SESSION_VERSION.to_string(),
            "chainId": chain,
            "revision": "1"
        },
        "message": {
            "Session Key": format!("{:#x}", session.session_key),
            "Valid After": session.valid_after,
            "Valid Until": session.valid_until,
            "Policies": policies
        }
    })
}

/// The members of the revision-1 `StarknetDomain` type, as typed data lists them.
pub fn starknet_domain_type() -> Value {
    json!([
        { "name": "name", "type": "shortstring" },
        { "name": "version", "type": "shortstring" },
        { "name": "chainId", "type": "shortstring" },
        { "name": "revision", "type": "shortstring" }
    ])
}

/// A chain id as the typed data's `chainId` writes it: its short string when it is one
/// (`SN_SEPOLIA`), else hex.
pub fn chain_name(chain_id: Felt) -> String {
    parse_cairo_short_string(&chain_id)
        .ok()
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic()))
        .unwrap_or_else(|| format!("{chain_id:#x}"))
}

/// Every type string this module hashes, with its constant, for tests and `docs/protocol.md`.
pub fn type_hashes() -> [(&'static str, Felt); 3] {
    [
        (DOMAIN_TYPE_STRING, DOMAIN_TYPE_HASH),
        (SESSION_TYPE_STRING, SESSION_TYPE_HASH),
        (POLICY_TYPE_STRING, crate::policy_tree::POLICY_TYPE_HASH),
    ]
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};

    use super::*;

    #[test]
    fn constants_match_their_definitions() {
        for (string, hash) in type_hashes() {
            assert_eq!(starknet_keccak(string.as_bytes()), hash, "{string}");
        }
        assert_eq!(cairo_short_string_to_felt("StarkNet Message").unwrap(), STARKNET_MESSAGE);
        assert_eq!(cairo_short_string_to_felt(DOMAIN_NAME).unwrap(), DOMAIN_NAME_FELT);
    }

    #[test]
    fn hash_binds_account_and_chain() {
        let session = Session {
            session_key: Felt::from(5u8),
            valid_after: 0,
            valid_until: 100,
            policies_root: Felt::from(7u8),
        };
        let sepolia = cairo_short_string_to_felt("SN_SEPOLIA").unwrap();
        let main = cairo_short_string_to_felt("SN_MAIN").unwrap();
        let h = session.hash(Felt::ONE, sepolia);
        assert_ne!(h, session.hash(Felt::TWO, sepolia));
        assert_ne!(h, session.hash(Felt::ONE, main));
    }
}
