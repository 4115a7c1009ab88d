//! What the owner signs: a session as SNIP-12 revision 1 typed data (docs/protocol.md §1).
//!
//! Each struct has its type hash, `starknet_keccak` of its exact encoded type string, right above
//! its `StructHash` impl; the domain's constants are below them. The Rust SDK's `session_hash`
//! module computes the same hashes; the test vectors pin both.
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;

/// A struct's SNIP-12 revision 1 hash: `poseidon_hash_many([type_hash, field_1, …])`.
pub trait StructHash<T> {
    /// The struct hash of `self`.
    fn struct_hash(self: @T) -> felt252;
}

/// The SNIP-12 revision 1 domain.
#[derive(Copy, Drop)]
pub struct StarknetDomain {
    pub name: felt252,
    pub version: felt252,
    pub chain_id: felt252,
    pub revision: felt252,
}

/// Type hash of `StarknetDomain`.
pub const DOMAIN_TYPE_HASH: felt252 = selector!(
    "\"StarknetDomain\"(\"name\":\"shortstring\",\"version\":\"shortstring\",\"chainId\":\"shortstring\",\"revision\":\"shortstring\")",
);

pub impl StarknetDomainStructHash of StructHash<StarknetDomain> {
    fn struct_hash(self: @StarknetDomain) -> felt252 {
        poseidon_hash_span(
            array![DOMAIN_TYPE_HASH, *self.name, *self.version, *self.chain_id, *self.revision]
                .span(),
        )
    }
}

/// A session: `session_key` may sign transactions of the account from `valid_after` (inclusive)
/// to `valid_until` (exclusive), calling only the `(contract, selector)` pairs of the policy tree
/// whose root is `policies_root`.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct Session {
    pub session_key: felt252,
    pub valid_after: u64,
    pub valid_until: u64,
    pub policies_root: felt252,
}

/// Type hash of `Session`. A `merkletree` member does not bring its leaf type into the type string.
pub const SESSION_TYPE_HASH: felt252 = selector!(
    "\"Session\"(\"Session Key\":\"felt\",\"Valid After\":\"timestamp\",\"Valid Until\":\"timestamp\",\"Policies\":\"merkletree\")",
);

pub impl SessionStructHash of StructHash<Session> {
    fn struct_hash(self: @Session) -> felt252 {
        poseidon_hash_span(
            array![
                SESSION_TYPE_HASH, *self.session_key, (*self.valid_after).into(),
                (*self.valid_until).into(), *self.policies_root,
            ]
                .span(),
        )
    }
}

/// One allowed call: any call of `selector` on `contract`. Its struct hash is a leaf of the policy
/// tree (`policy_tree::policy_leaf`).
#[derive(Copy, Drop)]
pub struct Policy {
    pub contract: ContractAddress,
    pub selector: felt252,
}

/// Type hash of `Policy`.
pub const POLICY_TYPE_HASH: felt252 = selector!(
    "\"Policy\"(\"Contract\":\"ContractAddress\",\"Selector\":\"selector\")",
);

pub impl PolicyStructHash of StructHash<Policy> {
    fn struct_hash(self: @Policy) -> felt252 {
        poseidon_hash_span(array![POLICY_TYPE_HASH, (*self.contract).into(), *self.selector].span())
    }
}

/// The domain's name.
pub const DOMAIN_NAME: felt252 = 'SessionKeys.session';
/// The typed-data domain's version, the felt 1 (not the character '1'): the version of the
/// `Session` type the owner signs, which a later session format bumps (docs/protocol.md §1,
/// "Versioning"). Not the transaction signature's format version,
/// `session_token::SESSION_TOKEN_VERSION`.
pub const DOMAIN_VERSION: felt252 = 1;
/// The domain's revision: SNIP-12 revision 1, as the felt 1.
pub const SNIP12_REVISION: felt252 = 1;

/// The domain of sessions on the chain `chain_id`.
pub fn session_domain(chain_id: felt252) -> StarknetDomain {
    StarknetDomain {
        name: DOMAIN_NAME, version: DOMAIN_VERSION, chain_id, revision: SNIP12_REVISION,
    }
}

/// The hash the owner signs to grant `session` to `account` on the chain `chain_id`:
/// `poseidon_hash_many(['StarkNet Message', domain_hash, account, session_struct_hash])`.
pub fn session_hash(session: @Session, account: ContractAddress, chain_id: felt252) -> felt252 {
    poseidon_hash_span(
        array![
            'StarkNet Message', session_domain(chain_id).struct_hash(), account.into(),
            session.struct_hash(),
        ]
            .span(),
    )
}
