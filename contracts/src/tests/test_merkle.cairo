//! The Merkle primitives beneath the policy tree (docs/protocol.md §2).
use crate::session::merkle::{hash_pair, verify_proof};

/// starknet.js `hash.computePoseidonHash(1, 2)`.
const POSEIDON_1_2: felt252 = 0x5d44a3decb2b2e0cc71071f7b802f45dd792d064f0fc7316c46514f70f9891a;

//
// hash_pair
//

#[test]
fn test_hash_pair_is_two_input_poseidon() {
    assert_eq!(hash_pair(1, 2), POSEIDON_1_2);
}

#[test]
fn test_hash_pair_sorts() {
    assert_eq!(hash_pair(2, 1), POSEIDON_1_2);
    // Sorted as integers, not as field elements of either sign.
    let big = -1;
    assert_eq!(hash_pair(big, 1), hash_pair(1, big));
}

//
// verify_proof
//

#[test]
fn test_verify_proof_single_leaf() {
    assert!(verify_proof('leaf', 'leaf', array![].span()));
    assert!(!verify_proof('leaf', 'other', array![].span()));
    // The root of one leaf is not `H(leaf, 0)`.
    assert!(!verify_proof(hash_pair('leaf', 0), 'leaf', array![].span()));
}

#[test]
fn test_verify_proof_odd_count() {
    let (a, b, c) = ('a', 'b', 'c');
    let ab = hash_pair(a, b);
    let root = hash_pair(ab, hash_pair(c, 0));
    assert!(verify_proof(root, a, array![b, hash_pair(c, 0)].span()));
    assert!(verify_proof(root, b, array![a, hash_pair(c, 0)].span()));
    assert!(verify_proof(root, c, array![0, ab].span()));
}

#[test]
fn test_verify_proof_rejects() {
    let (a, b, c) = ('a', 'b', 'c');
    let ab = hash_pair(a, b);
    let root = hash_pair(ab, hash_pair(c, 0));
    // A leaf not in the tree, a truncated proof, a sibling that is not, no proof.
    assert!(!verify_proof(root, 'd', array![0, ab].span()));
    assert!(!verify_proof(root, c, array![0].span()));
    assert!(!verify_proof(root, c, array![a, ab].span()));
    assert!(!verify_proof(root, c, array![].span()));
}
