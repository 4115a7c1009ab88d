//! Argent's session: the typed data the owner and the guardian sign (domain
//! `SessionAccount.session`, version `'1'`), its hash, and the tree of allowed methods in the order
//! given (Argent's tree is not sorted).

use serde_json::{json, Value};
use starknet::core::types::{Call, Felt};
use starknet::macros::{selector, short_string};
use starknet_crypto::{poseidon_hash, poseidon_hash_many};

use crate::error::Error;
use crate::merkle::MerkleTree;
use crate::policy_tree::call_proofs;
use crate::request::MAX_TIME;
use crate::session_hash::parse_selector;
use crate::typed_data::{self, chain_name, starknet_domain_hash, starknet_domain_type, typed_message_hash};

/// The session domain's name.
pub const DOMAIN_NAME: &str = "SessionAccount.session";

/// `'SessionAccount.session'`.
const DOMAIN_NAME_FELT: Felt = short_string!("SessionAccount.session");

/// The session domain's version, the shortstring `'1'` (x-sessions writes it `"0x31"`).
const DOMAIN_VERSION: Felt = short_string!("1");

/// `starknet_keccak` of the `Session` type string, as Argent's `session_hash.cairo` has it.
pub const SESSION_TYPE_HASH: Felt = selector!(
    "\"Session\"(\"Expires At\":\"timestamp\",\"Allowed Methods\":\"merkletree\",\"Metadata\":\"string\",\"Session Key\":\"felt\")"
);

/// `starknet_keccak` of the `Allowed Method` type string: the leaf type of the method tree.
pub const ALLOWED_METHOD_TYPE_HASH: Felt =
    selector!("\"Allowed Method\"(\"Contract Address\":\"ContractAddress\",\"selector\":\"selector\")");

/// `'Starknet Signer'`: the signer type a Stark key's GUID is derived from.
const STARKNET_SIGNER_TYPE: Felt = short_string!("Starknet Signer");

/// The GUID Argent's account gives a Stark public key: `poseidon('Starknet Signer', key)`.
pub fn starknet_signer_guid(public_key: Felt) -> Felt {
    poseidon_hash(STARKNET_SIGNER_TYPE, public_key)
}

/// A method a session may call: the leaf type `Allowed Method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedMethod {
    /// The contract.
    pub contract_address: Felt,
    /// The entry point, as written in the typed data: a name (`transfer`) or a hex selector.
    pub selector: String,
}

impl AllowedMethod {
    /// A method of `contract_address` given by name or hex selector.
    pub fn new(contract_address: Felt, selector: impl Into<String>) -> Self {
        Self { contract_address, selector: selector.into() }
    }

    pub(super) fn leaf(&self) -> Result<(Felt, Felt), Error> {
        if self.contract_address == Felt::ZERO {
            return Err(Error::InvalidAddress(self.contract_address));
        }
        let selector = parse_selector(&self.selector)?;
        Ok((selector, poseidon_hash_many(&[ALLOWED_METHOD_TYPE_HASH, self.contract_address, selector])))
    }
}

/// A session in Argent's format, with its method tree built once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgentSession {
    session_key: Felt,
    expires_at: u64,
    allowed_methods: Vec<AllowedMethod>,
    /// `(contract, selector)` of each allowed method, in tree order.
    calls: Vec<(Felt, Felt)>,
    metadata: String,
    metadata_hash: Felt,
    tree: MerkleTree,
}

/// The four fields of a session that travel in every transaction signature (Argent's `Session`
/// struct): what the account hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnChainSession {
    /// Expiry, Unix seconds (valid while the block timestamp is not past it).
    pub expires_at: u64,
    /// Root of the allowed-method tree.
    pub allowed_methods_root: Felt,
    /// The SNIP-12 `string` hash of the metadata.
    pub metadata_hash: Felt,
    /// The session key's signer GUID.
    pub session_key_guid: Felt,
}

impl OnChainSession {
    /// The SNIP-12 struct hash of `Session`.
    pub fn struct_hash(&self) -> Felt {
        poseidon_hash_many(&[
            SESSION_TYPE_HASH,
            self.expires_at.into(),
            self.allowed_methods_root,
            self.metadata_hash,
            self.session_key_guid,
        ])
    }

    /// The session hash for `account` on `chain_id`: what owner and guardian sign.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        typed_message_hash(domain_hash(chain_id), account, self.struct_hash())
    }
}

/// The hash of Argent's session domain on `chain_id`.
pub fn domain_hash(chain_id: Felt) -> Felt {
    starknet_domain_hash(DOMAIN_NAME_FELT, DOMAIN_VERSION, chain_id)
}

impl ArgentSession {
    /// A session for the Stark public key `session_key`, valid until `expires_at` (Unix seconds),
    /// allowing `allowed_methods` (kept in this order), with Argent's `metadata` string (a JSON
    /// document such as `{"projectID":…,"txFees":[…]}` that only Argent's backend reads).
    pub fn new(
        session_key: Felt,
        expires_at: u64,
        allowed_methods: Vec<AllowedMethod>,
        metadata: impl Into<String>,
    ) -> Result<Self, Error> {
        if session_key == Felt::ZERO {
            return Err(Error::MissingSessionKey);
        }
        if expires_at > MAX_TIME {
            return Err(Error::TimeOutOfRange(expires_at));
        }
        if allowed_methods.is_empty() {
            return Err(Error::NoPolicies);
        }
        let mut calls = Vec::with_capacity(allowed_methods.len());
        let mut leaves = Vec::with_capacity(allowed_methods.len());
        for method in &allowed_methods {
            let (selector, leaf) = method.leaf()?;
            calls.push((method.contract_address, selector));
            leaves.push(leaf);
        }
        let metadata = metadata.into();
        let metadata_hash = typed_data::string_hash(&metadata).map_err(Error::InvalidMetadata)?;
        Ok(Self {
            session_key,
            expires_at,
            allowed_methods,
            calls,
            metadata,
            metadata_hash,
            tree: MerkleTree::new(leaves),
        })
    }

    /// The session's Stark public key.
    pub fn session_key(&self) -> Felt {
        self.session_key
    }

    /// The expiry (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The allowed methods, in tree order.
    pub fn allowed_methods(&self) -> &[AllowedMethod] {
        &self.allowed_methods
    }

    /// The `(contract, selector)` of each allowed method, in tree order.
    pub fn allowed_calls(&self) -> &[(Felt, Felt)] {
        &self.calls
    }

    /// The metadata string.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The fields the account hashes.
    pub fn on_chain(&self) -> OnChainSession {
        OnChainSession {
            expires_at: self.expires_at,
            allowed_methods_root: self.tree.root(),
            metadata_hash: self.metadata_hash,
            session_key_guid: starknet_signer_guid(self.session_key),
        }
    }

    /// The session hash for `account` on `chain_id`.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        self.on_chain().hash(account, chain_id)
    }

    /// The proof that `selector` of `contract` is allowed, or `None` if it is not.
    pub fn proof(&self, contract: Felt, selector: Felt) -> Option<Vec<Felt>> {
        let index = self.calls.iter().position(|call| *call == (contract, selector))?;
        self.tree.proof(index)
    }

    /// The typed data the owner's wallet signs, exactly as x-sessions builds it
    /// (`getSessionTypedData`).
    pub fn typed_data(&self, chain_id: Felt) -> Value {
        let methods: Vec<Value> = self
            .allowed_methods
            .iter()
            .map(|m| json!({ "Contract Address": format!("{:#x}", m.contract_address), "selector": m.selector }))
            .collect();
        json!({
            "types": {
                "StarknetDomain": starknet_domain_type(),
                "Allowed Method": [
                    { "name": "Contract Address", "type": "ContractAddress" },
                    { "name": "selector", "type": "selector" }
                ],
                "Session": [
                    { "name": "Expires At", "type": "timestamp" },
                    { "name": "Allowed Methods", "type": "merkletree", "contains": "Allowed Method" },
                    { "name": "Metadata", "type": "string" },
                    { "name": "Session Key", "type": "felt" }
                ]
            },
            "primaryType": "Session",
            "domain": { "name": DOMAIN_NAME, "version": "0x31", "chainId": chain_name(chain_id), "revision": "1" },
            "message": {
                "Expires At": self.expires_at,
                "Allowed Methods": methods,
                "Metadata": self.metadata,
                "Session Key": format!("{:#x}", starknet_signer_guid(self.session_key))
            }
        })
    }

    /// The proofs of `calls` (one per call), refusing calls to `account` itself (the account
    /// reverts them) and calls the session does not allow.
    pub fn proofs(&self, account: Felt, calls: &[Call]) -> Result<Vec<Vec<Felt>>, Error> {
        call_proofs(account, calls, |contract, selector| self.proof(contract, selector))
    }
}
