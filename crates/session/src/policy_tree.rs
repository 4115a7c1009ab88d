//! The policy tree: which `(contract, selector)` pairs a session may call, as a Merkle tree whose
//! root the owner signs (docs/protocol.md §2), and the rules a session transaction's calls obey
//! (§4, checks 6 to 8): one proof per call, no call to the account itself, every call proven.
//! Mirrors `contracts/src/session/policy_tree.cairo`.

use std::collections::BTreeSet;

use starknet::core::types::{Call, Felt};

use crate::error::Error;
use crate::merkle::{verify_proof, MerkleTree};
use crate::session_hash::Policy;

/// The leaf of the policy allowing calls of `selector` on `contract`: the `Policy` struct hash.
pub fn policy_leaf(contract: Felt, selector: Felt) -> Felt {
    Policy { contract, selector }.struct_hash()
}

impl Policy {
    /// The policy's leaf in the policy tree: its `Policy` struct hash ([`policy_leaf`]).
    pub fn leaf(&self) -> Felt {
        self.struct_hash()
    }
}

/// One Merkle proof per call, found by `proof(contract, selector)`, for a session transaction of
/// `account`: the first call to the account itself or without a proof is the error. Our format
/// and Argent's both build their proofs here.
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
            proof(call.to, call.selector).ok_or(Error::CallNotAllowed {
                index,
                contract: call.to,
                selector: call.selector,
            })
        })
        .collect()
}

/// The account's checks of a session transaction's calls against the policy root, in its order:
/// exactly one proof per call, no call to `account` itself, and each call's leaf proven under
/// `root` (the contract's `assert_allowed_calls`).
pub fn check_call_proofs(account: Felt, root: Felt, calls: &[Call], proofs: &[Vec<Felt>]) -> Result<(), Error> {
    if proofs.len() != calls.len() {
        return Err(Error::ProofCount { calls: calls.len(), proofs: proofs.len() });
    }
    if let Some(index) = calls.iter().position(|call| call.to == account) {
        return Err(Error::SelfCall { index });
    }
    for (index, (call, proof)) in calls.iter().zip(proofs).enumerate() {
        if !verify_proof(root, policy_leaf(call.to, call.selector), proof) {
            return Err(Error::InvalidProof { index });
        }
    }
    Ok(())
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
                return Err(Error::DuplicatePolicy { contract: policy.contract, selector: policy.selector });
            }
        }
        if seen.is_empty() {
            return Err(Error::NoPolicies);
        }
        let policies: Vec<Policy> = seen.into_iter().collect();
        let tree = MerkleTree::new(policies.iter().map(Policy::struct_hash).collect());
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

    /// One proof per call of a session transaction of `account` (see [`call_proofs`]).
    pub fn call_proofs(&self, account: Felt, calls: &[Call]) -> Result<Vec<Vec<Felt>>, Error> {
        call_proofs(account, calls, |contract, selector| self.proof(contract, selector))
    }

    fn index_of(&self, contract: Felt, selector: Felt) -> Option<usize> {
        self.policies.binary_search(&Policy { contract, selector }).ok()
    }
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::starknet_keccak;

    use super::*;
    use crate::merkle::{hash_pair, merkle_root};
    use crate::session_hash::{parse_selector, POLICY_TYPE_HASH, POLICY_TYPE_STRING};

    fn policy(contract: u64, selector: &str) -> Policy {
        Policy::new(Felt::from(contract), parse_selector(selector).unwrap()).unwrap()
    }

    fn call(to: u64, selector: &str) -> Call {
        Call { to: Felt::from(to), selector: parse_selector(selector).unwrap(), calldata: vec![] }
    }

    #[test]
    fn type_hash_is_the_keccak_of_the_type_string() {
        assert_eq!(POLICY_TYPE_HASH, starknet_keccak(POLICY_TYPE_STRING.as_bytes()));
    }

    #[test]
    fn one_leaf_is_its_own_root_with_an_empty_proof() {
        let p = policy(0x123, "transfer");
        let tree = PolicyTree::new([p]).unwrap();
        assert_eq!(tree.root(), policy_leaf(p.contract, p.selector));
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
                assert!(verify_proof(tree.root(), p.struct_hash(), &proof), "n={n} {p}");
                let other = policy(n + 1, "transfer");
                assert!(!verify_proof(tree.root(), other.struct_hash(), &proof));
            }
        }
    }

    #[test]
    fn odd_node_is_paired_with_zero() {
        let ps = [policy(1, "a"), policy(2, "a"), policy(3, "a")];
        let tree = PolicyTree::new(ps).unwrap();
        let leaves: Vec<_> = tree.policies().iter().map(Policy::struct_hash).collect();
        let expected = hash_pair(hash_pair(leaves[0], leaves[1]), hash_pair(leaves[2], Felt::ZERO));
        assert_eq!(tree.root(), expected);
        assert_eq!(merkle_root(leaves), expected);
        assert_eq!(tree.proof(Felt::from(3u8), parse_selector("a").unwrap()).unwrap()[0], Felt::ZERO);
    }

    #[test]
    fn duplicates_and_empty_sets_are_rejected() {
        let err = PolicyTree::new([policy(1, "a"), policy(1, "b"), policy(1, "a")]);
        assert!(matches!(err, Err(Error::DuplicatePolicy { .. })));
        assert!(matches!(PolicyTree::new([]), Err(Error::NoPolicies)));
    }

    #[test]
    fn call_rules_refuse_self_calls_and_unproven_calls_in_the_contracts_order() {
        let account = 0xacc;
        let tree = PolicyTree::new([policy(1, "a"), policy(2, "b")]).unwrap();
        let calls = [call(1, "a"), call(2, "b")];
        let proofs = tree.call_proofs(Felt::from(account), &calls).unwrap();
        check_call_proofs(Felt::from(account), tree.root(), &calls, &proofs).unwrap();

        let own = [call(1, "a"), call(account, "a")];
        assert!(matches!(tree.call_proofs(Felt::from(account), &own), Err(Error::SelfCall { index: 1 })));
        let other = [call(1, "b")];
        assert!(matches!(tree.call_proofs(Felt::from(account), &other), Err(Error::CallNotAllowed { index: 0, .. })));

        let root = tree.root();
        let count = check_call_proofs(Felt::from(account), root, &calls, &proofs[..1]);
        assert!(matches!(count, Err(Error::ProofCount { calls: 2, proofs: 1 })));
        let self_call = check_call_proofs(Felt::from(account), root, &own, &proofs);
        assert!(matches!(self_call, Err(Error::SelfCall { index: 1 })));
        let swapped = [proofs[1].clone(), proofs[0].clone()];
        let wrong = check_call_proofs(Felt::from(account), root, &calls, &swapped);
        assert!(matches!(wrong, Err(Error::InvalidProof { index: 0 })));
    }
}
