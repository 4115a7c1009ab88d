//! The policy tree (docs/protocol.md §2): the `(contract, selector)` pairs a session may call,
//! each with the argument rules its calls must obey, as a `merkle` tree of `Policy` struct hashes
//! whose root the owner signs; and the rules a session transaction's calls must follow
//! (docs/protocol.md §4, checks 8 to 10). Mirrors the Rust SDK's `policy_tree` module.
use starknet::ContractAddress;
use starknet::account::Call;
use crate::errors;
use super::argument_rules::assert_rules_hold;
use super::merkle::verify_proof;
use super::session_hash::{ArgumentRule, Policy, StructHash};
use super::session_token::CallProof;

/// The leaf of the policy allowing calls of `selector` on `contract` whose calldata obeys every
/// one of `rules` (none: any calldata): the `Policy` struct hash.
pub fn policy_leaf(
    contract: ContractAddress, selector: felt252, rules: Span<ArgumentRule>,
) -> felt252 {
    Policy { contract, selector, rules }.struct_hash()
}

/// The one entry point of the account a session may call: `logout_session`, which ends a session
/// whose key signed for it, and nothing else (docs/protocol.md §4, "Logout").
pub const LOGOUT_SESSION_SELECTOR: felt252 = selector!("logout_session");

/// Checks 8 to 10 of docs/protocol.md §4 on the `calls` of a session transaction of `account`, in
/// this order: exactly one proof per call (`session/proof-count`); no call to `account` itself
/// but `logout_session`, checked for every call before any proof (`session/self-call`); then for
/// each call in order, a `logout_session` needs no policy (its `CallProof` must be empty,
/// `session/invalid-proof`) and any other call its
/// leaf, `(to, selector)` with the rules of its `CallProof`, proven by that proof in the tree of
/// `policies_root` (`session/invalid-proof`: rules other than the signed ones make another leaf),
/// then those rules evaluable and holding on its calldata (`session/bad-rule`,
/// `session/argument-rule`; `argument_rules::assert_rules_hold`).
pub fn assert_allowed_calls(
    policies_root: felt252, calls: Span<Call>, proofs: Span<CallProof>, account: ContractAddress,
) {
    assert(proofs.len() == calls.len(), errors::SESSION_PROOF_COUNT);
    for call in calls {
        assert(
            *call.to != account || *call.selector == LOGOUT_SESSION_SELECTOR,
            errors::SESSION_SELF_CALL,
        );
    }
    for (call, call_proof) in calls.into_iter().zip(proofs) {
        let CallProof { rules, proof } = *call_proof;
        if *call.to == account {
            assert(rules.is_empty() && proof.is_empty(), errors::SESSION_INVALID_PROOF);
            continue;
        }
        assert(
            verify_proof(policies_root, policy_leaf(*call.to, *call.selector, rules), proof),
            errors::SESSION_INVALID_PROOF,
        );
        assert_rules_hold(rules, *call.calldata);
    }
}
