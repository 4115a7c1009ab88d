//! The call rules of a session transaction (docs/protocol.md §4, checks 8 to 10), on their own:
//! `assert_allowed_calls` against the vectors' policy tree. The leaves are checked against the
//! vectors in `test_vectors`, the same rules through `__validate__` in `test_session`.
use starknet::ContractAddress;
use starknet::account::Call;
use crate::session::policy_tree::assert_allowed_calls;
use super::support::contract;
use super::vectors;

fn account() -> ContractAddress {
    contract(vectors::ACCOUNT)
}

fn call(to: felt252, selector: felt252) -> Call {
    Call { to: contract(to), selector, calldata: array![].span() }
}

//
// assert_allowed_calls
//

#[test]
fn test_assert_allowed_calls_vectors() {
    let (calls, proofs) = (vectors::calls(), vectors::proofs());
    assert_allowed_calls(vectors::ROOT, calls.span(), proofs.span(), account());
}

#[test]
fn test_assert_allowed_calls_no_call() {
    assert_allowed_calls(vectors::ROOT, array![].span(), array![].span(), account());
}

#[test]
#[should_panic(expected: ('session/proof-count',))]
fn test_assert_allowed_calls_missing_proof() {
    let proofs = vectors::proofs();
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
    assert_allowed_calls(vectors::ROOT, calls.span(), vectors::proofs().span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_swapped_proofs() {
    let proofs = vectors::proofs();
    let swapped = array![*proofs[1], *proofs[0]];
    assert_allowed_calls(vectors::ROOT, vectors::calls().span(), swapped.span(), account());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_assert_allowed_calls_empty_proof() {
    // `(TARGET, transfer)` is a policy, but not the tree's only leaf.
    let calls = array![call(vectors::TARGET, selector!("transfer"))];
    let proofs = array![array![].span()];
    assert_allowed_calls(vectors::ROOT, calls.span(), proofs.span(), account());
}
