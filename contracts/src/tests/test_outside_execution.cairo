//! SNIP-9 version 2 outside execution (docs/protocol.md §5): SNIP-9's own checks (caller,
//! window, nonce), the owner's signature, and a session's, which passes the checks of a session
//! transaction but the fee's and those of its execution (exact window, spending), sharing the
//! session's counters with its transactions.
//!
//! The tests run the account as contract state at `vectors::ACCOUNT`, called by `RELAYER`, with a
//! session allowing `transfer` on a mock token (one policy, so its root is its leaf and each
//! proof is empty) and limiting what it moves of that token.
use core::poseidon::poseidon_hash_span;
use starknet::account::Call;
use starknet::testing::{set_block_timestamp, set_caller_address};
use starknet::{ContractAddress, VALIDATED};
use crate::account::SessionKeyAccount;
use crate::interfaces::{
    ISRC5, ISRC6, ISRC9_V2, ISRC9_V2_ID, ISessionOutsideExecution, ISessionUsage,
};
use crate::outside_execution::{
    ANY_CALLER, OWNER_NONCE_SPACE, OutsideExecution, nonce_key, outside_execution_hash,
};
use crate::session::limits::{SessionUsage, SpendingUsage};
use crate::session::policy_tree::policy_leaf;
use crate::session::session_hash::{Session, SpendingLimit, session_hash};
use crate::session::session_token::{
    CallProof, SESSION_TOKEN_VERSION, SessionToken, session_message_hash,
};
use super::mocks::{IMockTokenDispatcher, IMockTokenDispatcherTrait};
use super::support::{
    DAY, OTHER_PRIVATE_KEY, OWNER_PRIVATE_KEY, SESSION_PRIVATE_KEY, contract, deploy_tip_jar,
    deploy_token, encode,
    revoke, session, session_account, sign,
};
use super::vectors;

const RELAYER: felt252 = 0x7e1a7e7;
/// The block time of `setup`: a day into the session window.
const NOW: u64 = vectors::VALID_AFTER + DAY;

fn account_address() -> ContractAddress {
    contract(vectors::ACCOUNT)
}

/// The account of the vectors at `NOW`, called by `RELAYER` (in the relayer's transaction, whose
/// signature is the relayer's own), and a fresh mock token.
fn setup() -> (SessionKeyAccount::ContractState, IMockTokenDispatcher) {
    let token = deploy_token();
    let state = session_account(array![0x7e1a, 0x7e1a]);
    set_caller_address(contract(RELAYER));
    (state, token)
}

/// A session allowing `transfer` on `token`, at most 300 of it a day and 1000 in all, three uses,
/// and no fee at all: a relayer pays.
fn token_session(token: ContractAddress) -> Session {
    let limit = SpendingLimit { token, total: 1000, per_period: 300, period: DAY };
    Session {
        policies_root: policy_leaf(token, selector!("transfer"), array![].span()),
        spending_limits: array![limit].span(),
        max_fee: 0,
        fee_budget: 0,
        ..session()
    }
}

fn transfer(token: ContractAddress, amount: u256) -> Call {
    let calldata = array![0xb0b, amount.low.into(), amount.high.into()];
    Call { to: token, selector: selector!("transfer"), calldata: calldata.span() }
}

/// `calls` for anyone to submit once with `nonce`, in a window of 100 seconds on each side of
/// `NOW`.
fn outside(calls: Array<Call>, nonce: felt252) -> OutsideExecution {
    OutsideExecution {
        caller: contract(ANY_CALLER),
        nonce,
        execute_after: NOW - 100,
        execute_before: NOW + 100,
        calls: calls.span(),
    }
}

fn outside_hash(outside_execution: @OutsideExecution) -> felt252 {
    outside_execution_hash(outside_execution, account_address(), vectors::CHAIN_ID)
}

/// The session token by which `session`'s key (of private key `session_private_key`) signs
/// `hash`, with the owner's signature of the session and an empty proof for each of `calls`.
fn session_signature_by(
    session: Session, hash: felt252, calls: Span<Call>, session_private_key: felt252,
) -> Array<felt252> {
    let session_hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    let mut proofs = array![];
    for _ in calls {
        proofs.append(CallProof { rules: array![].span(), proof: array![].span() });
    }
    encode(
        SessionToken {
            version: SESSION_TOKEN_VERSION,
            session,
            owner_signature: sign(OWNER_PRIVATE_KEY, session_hash).span(),
            session_signature: sign(session_private_key, session_message_hash(hash, session_hash))
                .span(),
            proofs: proofs.span(),
        },
    )
}

/// What the session key signs for `outside_execution` under `session`.
fn session_signature(session: Session, outside_execution: @OutsideExecution) -> Array<felt252> {
    session_signature_by(
        session, outside_hash(outside_execution), *outside_execution.calls, SESSION_PRIVATE_KEY,
    )
}

/// Runs `outside_execution` under `session`, signed by its key.
fn run_session(
    ref state: SessionKeyAccount::ContractState, session: Session, outside_execution: OutsideExecution,
) {
    let signature = session_signature(session, @outside_execution);
    state.execute_from_outside_v2(outside_execution, signature.span());
}

fn usage_of(state: @SessionKeyAccount::ContractState, session: @Session) -> SessionUsage {
    state.get_session_usage(session_hash(session, account_address(), vectors::CHAIN_ID))
}

fn spending_of(
    state: @SessionKeyAccount::ContractState, session: @Session, token: ContractAddress,
) -> SpendingUsage {
    state.get_session_spending(session_hash(session, account_address(), vectors::CHAIN_ID), token)
}

//
// The interface
//

#[test]
fn test_supports_src9_v2() {
    let (state, _) = setup();
    assert!(state.supports_interface(ISRC9_V2_ID));
}

#[test]
fn test_outside_execution_hash_of_the_vector() {
    // Pinned by the SDK's vectors (crates/session/tests/vectors.rs), which starknet.js checks.
    let outside_execution = OutsideExecution {
        caller: contract(ANY_CALLER),
        nonce: vectors::OUTSIDE_NONCE,
        execute_after: vectors::OUTSIDE_EXECUTE_AFTER,
        execute_before: vectors::OUTSIDE_EXECUTE_BEFORE,
        calls: vectors::calls().span(),
    };
    assert_eq!(outside_hash(@outside_execution), vectors::OUTSIDE_EXECUTION_HASH);
}

//
// The owner
//

#[test]
fn test_owner_outside_execution_runs_the_calls_once() {
    let (mut state, token) = setup();
    let outside_execution = outside(array![transfer(token.contract_address, 5000)], 7);
    let signature = sign(OWNER_PRIVATE_KEY, outside_hash(@outside_execution));
    assert!(state.is_valid_outside_execution_nonce(7));
    let results = state.execute_from_outside_v2(outside_execution, signature.span());
    assert_eq!(results.len(), 1);
    assert_eq!(token.get_calls(), 1);
    assert!(!state.is_valid_outside_execution_nonce(7));
    assert!(state.is_valid_outside_execution_nonce(8));
}

#[test]
#[should_panic(expected: ('account/invalid-signature',))]
fn test_owner_outside_execution_other_key() {
    let (mut state, token) = setup();
    let outside_execution = outside(array![transfer(token.contract_address, 1)], 7);
    let signature = sign(OTHER_PRIVATE_KEY, outside_hash(@outside_execution));
    state.execute_from_outside_v2(outside_execution, signature.span());
}

#[test]
#[should_panic(expected: ('account/invalid-signature',))]
fn test_owner_outside_execution_signature_of_other_calls() {
    let (mut state, token) = setup();
    let signed = outside(array![transfer(token.contract_address, 1)], 7);
    let signature = sign(OWNER_PRIVATE_KEY, outside_hash(@signed));
    state
        .execute_from_outside_v2(
            outside(array![transfer(token.contract_address, 2)], 7), signature.span(),
        );
}

#[test]
#[should_panic(expected: ('account/invalid-sig-length',))]
fn test_owner_outside_execution_signature_length() {
    let (mut state, token) = setup();
    let outside_execution = outside(array![transfer(token.contract_address, 1)], 7);
    let mut signature = sign(OWNER_PRIVATE_KEY, outside_hash(@outside_execution));
    signature.append(0);
    state.execute_from_outside_v2(outside_execution, signature.span());
}

//
// SNIP-9's checks
//

#[test]
#[should_panic(expected: ('outside/nonce-used',))]
fn test_replayed_nonce() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 7));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 7));
}

/// Issue #24, finding 4: the owner signs an outside execution with nonce 7 for a relayer; a
/// session, front-running it, signs its own with nonce 7. With one nonce space the session's
/// used up the owner's, which then reverted. Each has its own space now: both run.
#[test]
fn test_a_session_cannot_use_up_a_nonce_the_owner_signed() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let session_hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    let owner_execution = outside(array![transfer(token.contract_address, 2)], 7);
    let owner_signature = sign(OWNER_PRIVATE_KEY, outside_hash(@owner_execution));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 7));
    // The session's nonce 7 is used, the owner's is not: SNIP-9's view answers for the owner.
    assert!(!state.is_valid_session_outside_execution_nonce(session_hash, 7));
    assert!(state.is_valid_outside_execution_nonce(7));
    state.execute_from_outside_v2(owner_execution, owner_signature.span());
    assert_eq!(token.get_calls(), 2);
    assert!(!state.is_valid_outside_execution_nonce(7));
}

#[test]
fn test_the_owner_cannot_use_up_a_nonce_a_session_signed() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let session_hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    let owner_execution = outside(array![transfer(token.contract_address, 1)], 7);
    let signature = sign(OWNER_PRIVATE_KEY, outside_hash(@owner_execution));
    state.execute_from_outside_v2(owner_execution, signature.span());
    assert!(state.is_valid_session_outside_execution_nonce(session_hash, 7));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 7));
    assert_eq!(token.get_calls(), 2);
    // Another session's space is its own too.
    assert!(state.is_valid_session_outside_execution_nonce(session_hash + 1, 7));
}

#[test]
fn test_nonce_keys() {
    assert_eq!(nonce_key(OWNER_NONCE_SPACE, 7), 7);
    assert_eq!(nonce_key(0x5e55, 7), poseidon_hash_span(array![0x5e55, 7].span()));
    assert_ne!(nonce_key(0x5e55, 7), nonce_key(0x5e56, 7));
}

#[test]
#[should_panic(expected: ('outside/nonce-used',))]
fn test_replayed_owner_nonce() {
    let (mut state, token) = setup();
    let owner_execution = outside(array![transfer(token.contract_address, 1)], 7);
    let signature = sign(OWNER_PRIVATE_KEY, outside_hash(@owner_execution));
    state.execute_from_outside_v2(owner_execution, signature.span());
    state.execute_from_outside_v2(owner_execution, signature.span());
}

#[test]
#[should_panic(expected: ('outside/invalid-caller',))]
fn test_wrong_caller() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = OutsideExecution {
        caller: contract(0xca11e2), ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
}

#[test]
fn test_named_caller() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = OutsideExecution {
        caller: contract(RELAYER), ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
    assert_eq!(token.get_calls(), 1);
}

#[test]
#[should_panic(expected: ('outside/too-early',))]
fn test_at_execute_after() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = OutsideExecution {
        execute_after: NOW, ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
}

#[test]
#[should_panic(expected: ('outside/too-late',))]
fn test_at_execute_before() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = OutsideExecution {
        execute_before: NOW, ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
}

#[test]
fn test_just_inside_the_window() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = OutsideExecution {
        execute_after: NOW - 1,
        execute_before: NOW + 1,
        ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
    assert_eq!(token.get_calls(), 1);
}

//
// A session's outside execution: the checks of its transactions
//

#[test]
fn test_session_outside_execution_counts_the_use_and_the_spending() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let to = token.contract_address;
    run_session(ref state, session, outside(array![transfer(to, 100), transfer(to, 50)], 7));
    assert_eq!(token.get_calls(), 2);
    // No fee is charged: the relayer paid it.
    assert_eq!(
        usage_of(@state, @session),
        SessionUsage { transactions: 1, fee_spent: 0, authorized: true },
    );
    assert_eq!(spending_of(@state, @session, to), SpendingUsage { total: 150, period: 1, period_spent: 150 });
}

#[test]
#[should_panic(expected: ('session/tx-limit',))]
fn test_session_outside_execution_transaction_count() {
    // Three uses allowed: the fourth is refused.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    for nonce in 1..5_u8 {
        run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], nonce.into()));
    }
}

#[test]
fn test_session_transactions_and_outside_executions_share_the_count() {
    // A transaction signed under the session, then outside executions: three uses in all.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let calls = array![transfer(token.contract_address, 1)];
    let signature = session_signature_by(
        session, vectors::TX_HASH, calls.span(), SESSION_PRIVATE_KEY,
    );
    starknet::testing::set_signature(signature.span());
    set_caller_address(contract(0));
    assert_eq!(state.__validate__(calls.clone()), VALIDATED);
    state.__execute__(calls);
    set_caller_address(contract(RELAYER));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 1));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 2));
    assert_eq!(usage_of(@state, @session).transactions, 3);
    assert_eq!(spending_of(@state, @session, token.contract_address).total, 3);
}

#[test]
#[should_panic(expected: ('session/period-limit',))]
fn test_session_outside_execution_over_the_limit() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    run_session(ref state, session, outside(array![transfer(token.contract_address, 301)], 7));
}

/// `token_session` allowing the tip jar `jar`'s `tip` instead of the token's `transfer`, after
/// the owner approved the jar for a million of `token` (the test calls the token as the account).
fn tip_jar_session(token: IMockTokenDispatcher, jar: ContractAddress) -> Session {
    token.approve(jar, 1_000_000);
    Session {
        policies_root: policy_leaf(jar, selector!("tip"), array![].span()),
        ..token_session(token.contract_address)
    }
}

fn tip(jar: ContractAddress, token: ContractAddress, amount: u128) -> Call {
    let calldata = array![token.into(), amount.into(), 0];
    Call { to: jar, selector: selector!("tip"), calldata: calldata.span() }
}

#[test]
fn test_session_outside_execution_counts_what_a_contract_pulls() {
    // Finding 3 of the format 3 review, relayed: the session calls only the tip jar, which pulls
    // the account's tokens with `transfer_from` under the owner's allowance. Counted all the same.
    let (mut state, token) = setup();
    let jar = deploy_tip_jar().contract_address;
    let session = tip_jar_session(token, jar);
    let to = token.contract_address;
    run_session(ref state, session, outside(array![tip(jar, to, 250)], 7));
    assert_eq!(token.balance_of(contract(0x71b)), 250);
    assert_eq!(spending_of(@state, @session, to), SpendingUsage { total: 250, period: 1, period_spent: 250 });
}

#[test]
#[should_panic(expected: ('session/period-limit',))]
fn test_session_outside_execution_pull_over_the_limit() {
    let (mut state, token) = setup();
    let jar = deploy_tip_jar().contract_address;
    let session = tip_jar_session(token, jar);
    run_session(ref state, session, outside(array![tip(jar, token.contract_address, 301)], 7));
}

#[test]
#[should_panic(expected: ('session/period-limit',))]
fn test_session_spending_split_across_paths() {
    // 200 by a transaction and 101 relayed: over the 300 a day.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let calls = array![transfer(token.contract_address, 200)];
    let signature = session_signature_by(
        session, vectors::TX_HASH, calls.span(), SESSION_PRIVATE_KEY,
    );
    starknet::testing::set_signature(signature.span());
    set_caller_address(contract(0));
    state.__validate__(calls.clone());
    state.__execute__(calls);
    set_caller_address(contract(RELAYER));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 101)], 1));
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test_session_outside_execution_out_of_policy() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let approve = Call {
        to: token.contract_address,
        selector: selector!("approve"),
        calldata: array![0xb0b, 1, 0].span(),
    };
    run_session(ref state, session, outside(array![approve], 7));
}

#[test]
#[should_panic(expected: ('session/self-call',))]
fn test_session_outside_execution_cannot_nest() {
    // A session's calls never reach the account: not even its `execute_from_outside_v2`.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let inner = outside(array![transfer(token.contract_address, 1)], 8);
    let mut calldata = array![];
    inner.serialize(ref calldata);
    session_signature(session, @inner).span().serialize(ref calldata);
    let nested = Call {
        to: account_address(),
        selector: selector!("execute_from_outside_v2"),
        calldata: calldata.span(),
    };
    run_session(ref state, session, outside(array![nested], 7));
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test_session_outside_execution_signed_by_another_key() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = outside(array![transfer(token.contract_address, 1)], 7);
    let signature = session_signature_by(
        session, outside_hash(@outside_execution), outside_execution.calls, OTHER_PRIVATE_KEY,
    );
    state.execute_from_outside_v2(outside_execution, signature.span());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test_session_transaction_signature_is_no_outside_signature() {
    // The session key's signature of a transaction does not pass for an outside execution of
    // the same calls.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let outside_execution = outside(array![transfer(token.contract_address, 1)], 7);
    let signature = session_signature_by(
        session, vectors::TX_HASH, outside_execution.calls, SESSION_PRIVATE_KEY,
    );
    state.execute_from_outside_v2(outside_execution, signature.span());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test_session_outside_signature_is_no_transaction_signature() {
    // …nor the reverse.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let calls = array![transfer(token.contract_address, 1)];
    let outside_execution = outside(calls.clone(), 7);
    starknet::testing::set_signature(session_signature(session, @outside_execution).span());
    set_caller_address(contract(0));
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/revoked',))]
fn test_session_outside_execution_revoked() {
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    revoke(ref state, session_hash(@session, account_address(), vectors::CHAIN_ID));
    set_caller_address(contract(RELAYER));
    run_session(ref state, session, outside(array![transfer(token.contract_address, 1)], 7));
}

#[test]
#[should_panic(expected: ('session/expired',))]
fn test_session_outside_execution_after_valid_until() {
    // Outside execution sees the exact time: a second past the end is refused.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    set_block_timestamp(vectors::VALID_UNTIL);
    let outside_execution = OutsideExecution {
        execute_after: vectors::VALID_UNTIL - 100,
        execute_before: vectors::VALID_UNTIL + 100,
        ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
}

#[test]
#[should_panic(expected: ('session/not-yet-valid',))]
fn test_session_outside_execution_before_valid_after() {
    // Within validation's rounding but before `valid_after`: the exact check refuses it.
    let (mut state, token) = setup();
    let session = token_session(token.contract_address);
    let now = vectors::VALID_AFTER - 1;
    set_block_timestamp(now);
    let outside_execution = OutsideExecution {
        execute_after: now - 100,
        execute_before: now + 100,
        ..outside(array![transfer(token.contract_address, 1)], 7)
    };
    run_session(ref state, session, outside_execution);
}

//
// The example tip jar's own refusals
//

#[test]
#[should_panic(expected: ('tip-jar/zero-amount', 'ENTRYPOINT_FAILED'))]
fn test_tip_jar_refuses_a_tip_of_zero() {
    let (_, token) = setup();
    let jar = deploy_tip_jar();
    crate::examples::tip_jar::ITipJarDispatcherTrait::tip(jar, token.contract_address, 0);
}

#[test]
#[should_panic(expected: ('mock/allowance', 'ENTRYPOINT_FAILED', 'ENTRYPOINT_FAILED'))]
fn test_tip_jar_takes_nothing_beyond_the_allowance() {
    let (_, token) = setup();
    let jar = deploy_tip_jar();
    token.approve(jar.contract_address, 5);
    crate::examples::tip_jar::ITipJarDispatcherTrait::tip(jar, token.contract_address, 6);
}
