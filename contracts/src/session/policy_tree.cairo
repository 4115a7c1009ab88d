//! The policy tree (docs/protocol.md §2): the `(contract, selector)` pairs a session may call, as
//! a `merkle` tree of `Policy` struct hashes whose root the owner signs; and the rules a session
//! transaction's calls must follow (docs/protocol.md §4, checks 8 to 10). Mirrors the Rust SDK's
//! `policy_tree` module.
use starknet::ContractAddress;
use starknet::account::Call;
use crate::errors;
use super::merkle::verify_proof;
use super::session_hash::{Policy, StructHash};

/// The leaf of the policy allowing calls of `selector` on `contract`: the `Policy` struct hash.
pub fn policy_leaf(contract: ContractAddress, selector: felt252) -> felt252 {
    Policy { contract, selector }.struct_hash()
}

/// Checks 8 to 10 of docs/protocol.md §4 on the `calls` of a session transaction of `account`, in
/// this order: exactly one proof per call (`session/proof-count`); no call to `account` itself,
/// checked for every call before any proof (`session/self-call`); every call's `(to, selector)`
/// proven by its proof in the tree of `policies_root` (`session/invalid-proof`).
pub fn assert_allowed_calls(
    policies_root: felt252,
    calls: Span<Call>,
    proofs: Span<Span<felt252>>,
    account: ContractAddress,
) {
    assert(proofs.len() == calls.len(), errors::SESSION_PROOF_COUNT);
    for call in calls {
        assert(*call.to != account, errors::SESSION_SELF_CALL);
    }
    for (call, proof) in calls.into_iter().zip(proofs) {
        assert(
            verify_proof(policies_root, policy_leaf(*call.to, *call.selector), *proof),
            errors::SESSION_INVALID_PROOF,
        );
    }
}
