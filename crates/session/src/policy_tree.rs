//! The policy tree: which `(contract, selector)` pairs a session may call, as a Merkle tree whose
//! root the owner signs (docs/protocol.md §2). Mirrors `contracts/src/session/policy_tree.cairo`.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use starknet::core::types::{Call, Felt};
use starknet::core::utils::get_selector_from_name;
use starknet_crypto::{poseidon_hash, poseidon_hash_many};

use crate::error::Error;

/// `starknet_keccak('"Policy"("Contract":"ContractAddress","Selector":"selector")')`.
pub const POLICY_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x1cd195f66dbf25977348ea62e34302da444f51828edf964699f74f50ed378ff");

/// `POLICY_TYPE_STRING` is what [`POLICY_TYPE_HASH`] hashes.
pub const POLICY_TYPE_STRING: &str = r#""Policy"("Contract":"ContractAddress","Selector":"selector")"#;

/// Contract addresses live below 2^251.
const ADDRESS_BOUND: Felt =
    Felt::from_hex_unchecked("0x800000000000000000000000000000000000000000000000000000000000000");

/// One allowed call: a contract and an entry point selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Policy {
    /// The contract the session may call.
    pub contract: Felt,
    /// The entry point selector (`starknet_keccak` of its name).
    pub selector: Felt,
}

impl Policy {
    /// A policy for `contract` and `selector`, checking that the address is a valid, non-zero
    /// contract address.
    pub fn new(contract: Felt, selector: Felt) -> Result<Self, Error> {
        if contract == Felt::ZERO || contract >= ADDRESS_BOUND {
            return Err(Error::InvalidAddress(contract));
        }
        if selector == Felt::ZERO {
            return Err(Error::InvalidSelector("0x0".into()));
        }
        Ok(Self { contract, selector })
    }

    /// The Merkle leaf: the SNIP-12 struct hash of the `Policy` type.
    pub fn leaf(&self) -> Felt {
        poseidon_hash_many(&[POLICY_TYPE_HASH, self.contract, self.selector])
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}::{:#x}", self.contract, self.selector)
    }
}

/// Parses a selector given as a hex felt (`0x…`) or as an entry point name (`transfer`).
pub fn parse_selector(selector: &str) -> Result<Felt, Error> {
    let invalid = || Error::InvalidSelector(selector.to_string());
    let selector = selector.trim();
    if let Some(hex) = selector.strip_prefix("0x").or_else(|| selector.strip_prefix("0X")) {
        return Felt::from_hex(&format!("0x{hex}")).map_err(|_| invalid());
    }
    let is_name = selector
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && selector.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return Err(invalid());
    }
    get_selector_from_name(selector).map_err(|_| invalid())
}

/// Hashes two sibling nodes: the two-input Poseidon hash of the smaller, then the larger.
pub fn hash_pair(a: Felt, b: Felt) -> Felt {
    if a <= b {
        poseidon_hash(a, b)
    } else {
        poseidon_hash(b, a)
    }
}

/// The level above `level` in a Merkle tree: each pair hashed with [`hash_pair`], the last node of
/// an odd level paired with 0.
pub fn next_level(level: &[Felt]) -> Vec<Felt> {
    level.chunks(2).map(|pair| hash_pair(pair[0], pair.get(1).copied().unwrap_or(Felt::ZERO))).collect()
}

/// The root of the Merkle tree over `leaves` (a single leaf is its own root; no leaves give 0).
pub fn merkle_root(leaves: Vec<Felt>) -> Felt {
    MerkleTree::new(leaves).root()
}

/// Whether `proof` links `leaf` to `root`.
pub fn verify_proof(root: Felt, leaf: Felt, proof: &[Felt]) -> bool {
    proof.iter().fold(leaf, |node, sibling| hash_pair(node, *sibling)) == root
}

/// One Merkle proof per call, found by `proof(contract, selector)`, for a session transaction of
/// `account`: the first call to the account itself or without a proof is the error.
pub fn call_proofs(
    account: Felt,
    calls: &[Call],
    proof: impl Fn(Felt, Felt) -> Option<Vec<Felt>>,
) -> Result<Vec<Vec<Felt>>, Error> {
    calls
        .iter()
        .enumerate()
        .map(|(index, call)| {
            if call.to == account {
                return Err(Error::SelfCall { index });
            }
            proof(call.to, call.selector).ok_or(Error::CallNotAllowed { index, contract: call.to, selector: call.selector })
        })
        .collect()
}

/// A Merkle tree of sorted-pair Poseidon hashes over leaves in the order given, with every level
/// kept so each proof is a lookup. This is SNIP-12's `merkletree` as starknet.js builds it (and
/// what Argent's account verifies): a single leaf is the root, an odd node is paired with 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    /// `levels[0]` are the leaves; the last level is `[root]` (empty for no leaves).
    levels: Vec<Vec<Felt>>,
}

impl MerkleTree {
    /// Builds every level above `leaves`.
    pub fn new(leaves: Vec<Felt>) -> Self {
        let mut levels = vec![leaves];
        while let Some(level) = levels.last().filter(|level| level.len() > 1) {
            levels.push(next_level(level));
        }
        Self { levels }
    }

    /// The root (for one leaf, the leaf; for none, 0).
    pub fn root(&self) -> Felt {
        self.levels.last().and_then(|level| level.first()).copied().unwrap_or(Felt::ZERO)
    }

    /// The leaves, in order.
    pub fn leaves(&self) -> &[Felt] {
        &self.levels[0]
    }

    /// The proof of the leaf at `index` (siblings from the bottom up), or `None` past the end.
    pub fn proof(&self, mut index: usize) -> Option<Vec<Felt>> {
        if index >= self.leaves().len() {
            return None;
        }
        let mut proof = Vec::with_capacity(self.levels.len() - 1);
        for level in &self.levels[..self.levels.len() - 1] {
            proof.push(level.get(index ^ 1).copied().unwrap_or(Felt::ZERO));
            index /= 2;
        }
        Some(proof)
    }
}

/// A set of policies in canonical order with every level of its Merkle tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTree {
    policies: Vec<Policy>,
    /// Leaves in the order of `policies`.
    tree: MerkleTree,
}

impl PolicyTree {
    /// Builds the tree of `policies`, sorted by `(contract, selector)`. The input order does not
    /// matter; an empty set and a duplicate policy are errors.
    pub fn new(policies: impl IntoIterator<Item = Policy>) -> Result<Self, Error> {
        let mut seen = BTreeSet::new();
        for policy in policies {
            if !seen.insert(policy) {
                return Err(Error::DuplicatePolicy(policy));
            }
        }
        if seen.is_empty() {
            return Err(Error::NoPolicies);
        }
        let policies: Vec<Policy> = seen.into_iter().collect();
        let tree = MerkleTree::new(policies.iter().map(Policy::leaf).collect());
        Ok(Self { policies, tree })
    }

    /// The root the owner signs (for one policy, its leaf).
    pub fn root(&self) -> Felt {
        self.tree.root()
    }

    /// The policies in canonical order.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// Whether the session may call `selector` on `contract`.
    pub fn allows(&self, contract: Felt, selector: Felt) -> bool {
        self.index_of(contract, selector).is_some()
    }

    /// The proof that `(contract, selector)` is in the tree, or `None` if it is not.
    pub fn proof(&self, contract: Felt, selector: Felt) -> Option<Vec<Felt>> {
        self.tree.proof(self.index_of(contract, selector)?)
    }

    fn index_of(&self, contract: Felt, selector: Felt) -> Option<usize> {
        self.policies.binary_search(&Policy { contract, selector }).ok()
    }
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::starknet_keccak;

    use super::*;

    fn policy(contract: u64, selector: &str) -> Policy {
        Policy::new(Felt::from(contract), parse_selector(selector).unwrap()).unwrap()
    }

    #[test]
    fn type_hash_is_the_keccak_of_the_type_string() {
        assert_eq!(POLICY_TYPE_HASH, starknet_keccak(POLICY_TYPE_STRING.as_bytes()));
    }

    #[test]
    fn one_leaf_is_its_own_root_with_an_empty_proof() {
        let p = policy(0x123, "transfer");
        let tree = PolicyTree::new([p]).unwrap();
        assert_eq!(tree.root(), p.leaf());
        assert_eq!(tree.proof(p.contract, p.selector), Some(vec![]));
    }

    #[test]
    fn root_does_not_depend_on_order() {
        let ps = [policy(3, "a"), policy(1, "b"), policy(2, "c"), policy(1, "a")];
        let mut reversed = ps;
        reversed.reverse();
        assert_eq!(PolicyTree::new(ps).unwrap().root(), PolicyTree::new(reversed).unwrap().root());
    }

    #[test]
    fn every_proof_verifies_and_only_for_its_leaf() {
        for n in [1u64, 2, 3, 5, 8, 17] {
            let ps: Vec<_> = (1..=n).map(|i| policy(i, "transfer")).collect();
            let tree = PolicyTree::new(ps.clone()).unwrap();
            for p in &ps {
                let proof = tree.proof(p.contract, p.selector).unwrap();
                assert!(verify_proof(tree.root(), p.leaf(), &proof), "n={n} {p}");
                let other = policy(n + 1, "transfer");
                assert!(!verify_proof(tree.root(), other.leaf(), &proof));
            }
        }
    }

    #[test]
    fn odd_node_is_paired_with_zero() {
        let ps = [policy(1, "a"), policy(2, "a"), policy(3, "a")];
        let tree = PolicyTree::new(ps).unwrap();
        let leaves: Vec<_> = tree.policies().iter().map(Policy::leaf).collect();
        let expected = hash_pair(hash_pair(leaves[0], leaves[1]), hash_pair(leaves[2], Felt::ZERO));
        assert_eq!(tree.root(), expected);
        assert_eq!(merkle_root(leaves), expected);
        assert_eq!(tree.proof(Felt::from(3u8), parse_selector("a").unwrap()).unwrap()[0], Felt::ZERO);
    }

    #[test]
    fn duplicates_and_empty_sets_are_rejected() {
        let err = PolicyTree::new([policy(1, "a"), policy(1, "b"), policy(1, "a")]);
        assert!(matches!(err, Err(Error::DuplicatePolicy(_))));
        assert!(matches!(PolicyTree::new([]), Err(Error::NoPolicies)));
    }

    #[test]
    fn bad_addresses_and_selectors_are_rejected() {
        assert!(matches!(Policy::new(Felt::ZERO, Felt::ONE), Err(Error::InvalidAddress(_))));
        assert!(matches!(Policy::new(ADDRESS_BOUND, Felt::ONE), Err(Error::InvalidAddress(_))));
        for bad in ["", "1abc", "trans fer", "0xzz", "transfer()"] {
            assert!(matches!(parse_selector(bad), Err(Error::InvalidSelector(_))), "{bad:?}");
        }
        assert_eq!(parse_selector("0X0Ab").unwrap(), Felt::from(0xabu32));
    }
}
