//! The call rules of a session transaction (docs/protocol.md §4, checks 8 to 10), on their own:
//! `assert_allowed_calls` against the vectors' policy tree, and against a tree built here whose
//! `transfer` policy has argument rules. The leaves are checked against the vectors in
//! `test_vectors`, the same rules through `__validate__` in `test_session`, the rules themselves
//! in `test_argument_rules`.
use starknet::ContractAddress;
use starknet::account::Call;
use crate::session::argument_rules::{GE, LE};
use crate::session::merkle::hash_pair;
use crate::session::policy_tree::{assert_allowed_calls, policy_leaf};
use crate::session::session_hash::ArgumentRule;
use crate::session::session_token::CallProof;
use super::support::{call_proofs, contract, transfer_rules};
use super::vectors;

fn account() -> ContractAddress {
    contract(vectors::ACCOUNT)
}

fn call(to: felt252, selector: felt252) -> Call {
    call_with(to, selector, array![])
}

fn call_with(to: felt252, selector: felt252, calldata: Array<felt252>) -> Call {
    Call { to: contract(to), selector, calldata: calldata.span() }
}

//
// assert_allowed_calls
//

#[test]
fn test_assert_allowed_calls_vectors() {
    let (calls, proofs) = (vectors::calls(), call_proofs());
    assert_allowed_calls(vectors::ROOT, calls.span(), proofs.span(), account());
}

#[test]
fn test_assert_allowed_calls_no_call() {
    assert_allowed_calls(vectors::ROOT, array![].span(), array![].span(), account());
}

#[test]
#[should_panic(expected: ('session/proof-count',))]
fn test_assert_allowed_calls_missing_proof() {
    let proofs = call_proofs();
    let missing = array![*proofs[0]];
    assert_allowed_calls(vectors::ROOT, vectors::calls().span(), missing.span(), account());
}

#[test]
#[should_panic(expected: ('session/proof-count',))]
fn test_assert_allowed_calls_proof_count_before_self_call() {
    let calls = array![call(vectors::ACCOUNT, selector!("set_owner"))];
    assert_allowed_calls(vectors::ROOT, calls.span(), array![].span(), account());
}

#[test]
#[should_panic(expected: ('session/self-call',))]
fn test_assert_allowed_calls_self_call_before_proofs() {
    // The first call's proof is that of another call: the self-call is refused first.
    let calls = array![
        call(vectors::TARGET, selector!("approve")),
        call(vectors::ACCOUNT, selector!("set_owner")),
    ];
    assert_allowed_calls(vectors::ROOT, calls.span(), call_proofs().span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_swapped_proofs() {
    let proofs = call_proofs();
    let swapped = array![*proofs[1], *proofs[0]];
    assert_allowed_calls(vectors::ROOT, vectors::calls().span(), swapped.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_empty_proof() {
    // `(TARGET, transfer)` is a policy, but not the tree's only leaf.
    let calls = array![call(vectors::TARGET, selector!("transfer"))];
    let proofs = array![CallProof { rules: transfer_rules(), proof: array![].span() }];
    assert_allowed_calls(vectors::ROOT, calls.span(), proofs.span(), account());
}

//
// assert_allowed_calls with argument rules (check 10): a tree of two policies built here,
// `(TARGET, transfer)` with `transfer_rules()` (recipient 0xb0b, amount at most 1000) and
// `(TARGET_B, play)` without rules.
//

fn transfer_leaf() -> felt252 {
    policy_leaf(contract(vectors::TARGET), selector!("transfer"), transfer_rules())
}

fn play_leaf() -> felt252 {
    policy_leaf(contract(vectors::TARGET_B), selector!("play"), array![].span())
}

fn rules_root() -> felt252 {
    hash_pair(transfer_leaf(), play_leaf())
}

/// The proof of the transfer policy, with `rules` beside it.
fn transfer_proof(rules: Span<ArgumentRule>) -> CallProof {
    CallProof { rules, proof: array![play_leaf()].span() }
}

fn play_proof() -> CallProof {
    CallProof { rules: array![].span(), proof: array![transfer_leaf()].span() }
}

/// A transfer of `amount` (a u256: two words) to `recipient` on TARGET.
fn transfer(recipient: felt252, amount: u256) -> Call {
    let calldata = array![recipient, amount.low.into(), amount.high.into()];
    call_with(vectors::TARGET, selector!("transfer"), calldata)
}

fn play(calldata: Array<felt252>) -> Call {
    call_with(vectors::TARGET_B, selector!("play"), calldata)
}

#[test]
fn test_assert_allowed_calls_rules_hold() {
    // At the bound; the policy without rules takes any calldata.
    let calls = array![transfer(0xb0b, 1000), play(array![1, 2, 3])];
    let proofs = array![transfer_proof(transfer_rules()), play_proof()];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_allowed_calls_amount_over_the_rule() {
    let calls = array![transfer(0xb0b, 1001)];
    let proofs = array![transfer_proof(transfer_rules())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_allowed_calls_other_recipient() {
    let calls = array![transfer(0xbad, 1)];
    let proofs = array![transfer_proof(transfer_rules())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_allowed_calls_missing_argument() {
    // The amount's high word is missing: the rule on it fails.
    let calls = array![call_with(vectors::TARGET, selector!("transfer"), array![0xb0b, 1])];
    let proofs = array![transfer_proof(transfer_rules())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_rules_dropped() {
    // A call cannot shed its policy's rules: without them, the leaf is another one.
    let calls = array![transfer(0xbad, 5000)];
    let proofs = array![transfer_proof(array![].span())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_rule_dropped() {
    let rules = transfer_rules();
    let calls = array![transfer(0xb0b, 5000)];
    let proofs = array![transfer_proof(array![*rules[0]].span())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_rule_loosened() {
    let rules = transfer_rules();
    let loose = ArgumentRule { u256_values: array![5000].span(), ..*rules[1] };
    let calls = array![transfer(0xb0b, 5000)];
    let proofs = array![transfer_proof(array![*rules[0], loose].span())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_rules_added() {
    // Rules the owner did not sign are no better: the leaf is the signed one or nothing.
    let calls = array![play(array![1])];
    let extra = ArgumentRule {
        word: 0, operator: GE, values: array![0].span(), u256_values: array![].span(),
    };
    let proofs = array![CallProof { rules: array![extra].span(), ..play_proof() }];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_allowed_calls_rules_before_the_next_proof() {
    // Call by call: the first call's broken rule is found before the second call's bad proof.
    let calls = array![transfer(0xb0b, 1001), play(array![])];
    let proofs = array![transfer_proof(transfer_rules()), transfer_proof(transfer_rules())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_proof_before_rules() {
    // A call's proof is checked before its rules: the broken rule is not reached.
    let calls = array![transfer(0xbad, 1001)];
    let proofs = array![CallProof { rules: transfer_rules(), proof: array![].span() }];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_allowed_calls_rules_of_the_second_call() {
    let calls = array![play(array![]), transfer(0xb0b, 1001)];
    let proofs = array![play_proof(), transfer_proof(transfer_rules())];
    assert_allowed_calls(rules_root(), calls.span(), proofs.span(), account());
}

#[test]
#[should_panic(expected: ('session/bad-rule',))]
fn test_assert_allowed_calls_bad_rule() {
    // A signed rule the account cannot evaluate (LE with two values; the SDK never builds one)
    // refuses every call of its policy.
    let bad = ArgumentRule {
        word: 0, operator: LE, values: array![1, 2].span(), u256_values: array![].span(),
    };
    let leaf = policy_leaf(contract(vectors::TARGET_B), selector!("play"), array![bad].span());
    let calls = array![play(array![1])];
    let proofs = array![CallProof { rules: array![bad].span(), proof: array![].span() }];
    assert_allowed_calls(leaf, calls.span(), proofs.span(), account());
}
