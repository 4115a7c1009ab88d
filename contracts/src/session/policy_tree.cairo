//! The policy tree (docs/protocol.md §2): a Merkle tree of the calls a session allows, built as
//! starknet.js builds a SNIP-12 `merkletree` with Poseidon. A transaction carries one proof per
//! call.
use core::poseidon::hades_permutation;
use starknet::ContractAddress;
use super::session_hash::{Policy, StructHash};

/// The leaf of the policy allowing calls of `selector` on `contract`: the `Policy` struct hash.
pub fn policy_leaf(contract: ContractAddress, selector: felt252) -> felt252 {
    Policy { contract, selector }.struct_hash()
}

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
