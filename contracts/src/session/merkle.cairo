//! Merkle trees of sorted-pair Poseidon hashes, as starknet.js builds a SNIP-12 `merkletree`
//! (docs/protocol.md §2, "Pairs", "Odd node", "One leaf", "Proof"): the generic layer beneath the
//! policy tree (`policy_tree`), which knows nothing of policies. Mirrors the Rust SDK's `merkle`
//! module.
use core::poseidon::hades_permutation;

/// The parent of two nodes: the two-input Poseidon hash of the pair sorted as integers (starknet.js
/// `hash.computePoseidonHash(min, max)`, not `poseidon_hash_many`).
pub fn hash_pair(a: felt252, b: felt252) -> felt252 {
    let a_int: u256 = a.into();
    let b_int: u256 = b.into();
    let (low, high) = if a_int <= b_int {
        (a, b)
    } else {
        (b, a)
    };
    let (hash, _, _) = hades_permutation(low, high, 2);
    hash
}

/// Whether `proof` (the siblings from the leaf level up, `0` for an odd node) proves `leaf` in the
/// tree of `root`. A one-leaf tree's root is its leaf, with an empty proof.
pub fn verify_proof(root: felt252, leaf: felt252, proof: Span<felt252>) -> bool {
    let mut node = leaf;
    for sibling in proof {
        node = hash_pair(node, *sibling);
    }
    node == root
}
