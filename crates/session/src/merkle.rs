//! Merkle trees of sorted-pair Poseidon hashes, as starknet.js builds SNIP-12's `merkletree`: the
//! generic layer beneath the policy tree (ours, sorted) and Argent's method tree (in the order
//! given), and what the SNIP-12 hasher uses for `merkletree` members. Mirrors
//! `contracts/src/session/merkle.cairo`.

use starknet::core::types::Felt;
use starknet_crypto::poseidon_hash;

/// Hashes two sibling nodes: the two-input Poseidon hash of the smaller, then the larger.
pub fn hash_pair(a: Felt, b: Felt) -> Felt {
    if a <= b {
        poseidon_hash(a, b)
    } else {
        poseidon_hash(b, a)
    }
}

/// The level above `level`: each pair hashed with [`hash_pair`], the last node of an odd level
/// paired with 0.
pub fn next_level(level: &[Felt]) -> Vec<Felt> {
    level.chunks(2).map(|pair| hash_pair(pair[0], pair.get(1).copied().unwrap_or(Felt::ZERO))).collect()
}

/// The root of the Merkle tree over `leaves` (a single leaf is its own root; no leaves give 0).
pub fn merkle_root(leaves: Vec<Felt>) -> Felt {
    MerkleTree::new(leaves).root()
}

/// Whether `proof` (the siblings from the leaf level up) links `leaf` to `root`.
pub fn verify_proof(root: Felt, leaf: Felt, proof: &[Felt]) -> bool {
    proof.iter().fold(leaf, |node, sibling| hash_pair(node, *sibling)) == root
}

/// A Merkle tree over leaves in the order given, with every level kept so each proof is a lookup:
/// a single leaf is the root, an odd node is paired with 0.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_sorted_before_hashing() {
        let (a, b) = (Felt::from(1u8), Felt::from(2u8));
        assert_eq!(hash_pair(a, b), hash_pair(b, a));
        assert_eq!(hash_pair(a, b), poseidon_hash(a, b));
    }

    #[test]
    fn every_proof_verifies_and_only_for_its_leaf() {
        for n in [1u64, 2, 3, 5, 8, 17] {
            let leaves: Vec<Felt> = (1..=n).map(Felt::from).collect();
            let tree = MerkleTree::new(leaves.clone());
            for (index, leaf) in leaves.iter().enumerate() {
                let proof = tree.proof(index).expect("in the tree");
                assert!(verify_proof(tree.root(), *leaf, &proof), "n={n} leaf {index}");
                assert!(!verify_proof(tree.root(), Felt::from(n + 1), &proof));
            }
            assert_eq!(tree.proof(leaves.len()), None);
        }
    }

    #[test]
    fn one_leaf_is_its_root_and_no_leaves_give_zero() {
        assert_eq!(merkle_root(vec![Felt::from(7u8)]), Felt::from(7u8));
        assert_eq!(MerkleTree::new(vec![Felt::from(7u8)]).proof(0), Some(vec![]));
        assert_eq!(merkle_root(vec![]), Felt::ZERO);
    }
}
