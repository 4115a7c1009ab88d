//! Session transactions (docs/protocol.md §3-4): every check of `__validate__` with its error, the
//! usage it counts, the owner epoch and the authorization cache (the short form of the token and
//! `register_session`), the window and the spending in `__execute__`, and the entry points that
//! refuse sessions. The
//! revocation and epoch entry points are in `test_revocation`, the token's parsers in `test_session_token`,
//! the call rules in `test_policy_tree` and `test_argument_rules`, the limits' arithmetic in
//! `test_limits` (the test runner cannot set resource bounds, a tip or paymaster data: every
//! transaction here has a maximum fee of 0, and the fee checks through `__validate__` are e2e
//! tests on devnet).
//!
//! The tests run the account as contract state at `vectors::ACCOUNT` (the address the vectors'
//! session is bound to) and play the protocol themselves.
use starknet::account::Call;
use starknet::testing::{
    pop_log, set_block_timestamp, set_caller_address, set_chain_id, set_signature,
    set_transaction_hash, set_version,
};
use starknet::{ContractAddress, VALIDATED};
use crate::account::SessionKeyAccount;
use crate::interfaces::{
    IDeclarer, IDeployable, ISESSION_ID, ISRC5, ISRC6, ISession, ISessionRegistry, ISessionUsage,
};
use crate::session::component::SessionComponent::{
    Event as SessionEvent, SessionRegistered,
};
use crate::session::limits::{SessionUsage, SpendingUsage, VALIDATION_TIME_ROUNDING};
use crate::session::argument_rules::LT;
use crate::session::policy_tree::{LOGOUT_SESSION_SELECTOR, policy_leaf};
use crate::session::revocation::RevocationComponent::next_epoch;
use crate::session::session_hash::{ArgumentRule, Session, SpendingLimit, session_hash};
use crate::session::session_token::{
    CallProof, SESSION_TOKEN_VERSION, SPENDING_LIMITS_OFFSET, SessionToken,
    VALID_UNTIL_OFFSET, session_message_hash,
};
use super::mocks::{IMockTargetDispatcherTrait, IMockTokenDispatcherTrait};
use super::support::{
    DAY, OTHER, OTHER_PRIVATE_KEY, OWNER_PRIVATE_KEY, SESSION_PRIVATE_KEY,
    VECTOR_OWNER_SIGNATURE_OFFSET, account_state, call_proofs, contract, deploy_target,
    deploy_tip_jar, deploy_token, encode, register, revoke, revoke_all, rotate_owner, session, session_account,
    session_token, short_token, sign, signed_token, spending_limit, transfer_rules,
};
use super::vectors;

const QUERY_V3: felt252 = 0x100000000000000000000000000000003;

fn account_address() -> ContractAddress {
    contract(vectors::ACCOUNT)
}

fn call(to: felt252, selector: felt252, calldata: Array<felt252>) -> Call {
    call_to(contract(to), selector, calldata)
}

fn call_to(to: ContractAddress, selector: felt252, calldata: Array<felt252>) -> Call {
    Call { to, selector, calldata: calldata.span() }
}

/// The vectors' signature with its `index`-th felt replaced by `value`.
fn signature_with(index: u32, value: felt252) -> Array<felt252> {
    let mut signature = array![];
    for (i, felt) in vectors::signature().into_iter().enumerate() {
        signature.append(if i == index {
            value
        } else {
            felt
        });
    }
    signature
}

/// A usage of `transactions` transactions, recorded as authorized once there was one: the test
/// runner's transactions have no resource bounds, so their maximum fee is 0.
fn usage(transactions: u32) -> SessionUsage {
    SessionUsage { transactions, fee_spent: 0, authorized: transactions > 0 }
}

/// Offset of the proof count in the vectors' signature: after the owner's and the session key's
/// signatures, three felts each.
const PROOF_COUNT_OFFSET: u32 = VECTOR_OWNER_SIGNATURE_OFFSET + 6;

/// The vectors' signature carrying `proofs` instead of its own (`support::call_proofs()`).
fn signature_with_proofs(proofs: Array<CallProof>) -> Array<felt252> {
    encode(SessionToken { proofs: proofs.span(), ..session_token() })
}

/// A transfer of `amount` to `recipient` on the vectors' TARGET, whose policy has
/// `transfer_rules()`: recipient 0xb0b, amount at most 1000.
fn target_transfer(recipient: felt252, amount: u256) -> Call {
    let calldata = array![recipient, amount.low.into(), amount.high.into()];
    call(vectors::TARGET, selector!("transfer"), calldata)
}

//
// __validate__: accepted
//

#[test]
fn test___validate___session() {
    let mut state = session_account(vectors::signature());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
fn test___validate___session_query_v3() {
    let mut state = session_account(vectors::signature());
    set_version(QUERY_V3);
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
fn test___validate___session_any_calldata() {
    // A policy without rules allows its (contract, selector) whatever the calldata; one with
    // rules, any calldata that obeys them.
    let mut state = session_account(vectors::signature());
    let calls = array![
        target_transfer(0xb0b, 1000), call(vectors::TARGET_B, selector!("play"), array![1, 2]),
    ];
    assert_eq!(state.__validate__(calls), VALIDATED);
}

#[test]
fn test___validate___session_within_the_rounding_before_valid_after() {
    // Validation sees a rounded-down timestamp: a session starting less than the rounding period
    // after it may have started already. `__execute__` checks the exact start.
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_AFTER - (VALIDATION_TIME_ROUNDING - 1));
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
fn test___validate___session_at_valid_after() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_AFTER);
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
fn test___validate___session_last_second() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_UNTIL - 1);
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

//
// __validate__ 1: format and version
//

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_magic_only() {
    let mut state = session_account(array![*vectors::signature()[0]]);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_truncated() {
    let signature = vectors::signature();
    let truncated = signature.span().slice(0, signature.len() - 1);
    let mut state = session_account(truncated.into());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_trailing_felt() {
    let mut signature = vectors::signature();
    signature.append(0);
    let mut state = session_account(signature);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_absurd_length() {
    // The owner signature's length.
    let mut state = session_account(signature_with(VECTOR_OWNER_SIGNATURE_OFFSET, 0xffffffff));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_length_above_u32() {
    let mut state = session_account(signature_with(VECTOR_OWNER_SIGNATURE_OFFSET, 0x100000002));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_absurd_proof_count() {
    let mut state = session_account(signature_with(PROOF_COUNT_OFFSET, 0xffffffff));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_timestamp_above_u64() {
    let mut state = session_account(signature_with(VALID_UNTIL_OFFSET, 0x10000000000000000));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_amount_above_u128() {
    // `max_fee`: a signed amount of 2^128 or more cannot be presented.
    let two_pow_128 = 0x100000000000000000000000000000000;
    let mut state = session_account(signature_with(VALID_UNTIL_OFFSET + 1, two_pow_128));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_count_above_u32() {
    // `max_transactions`.
    let mut state = session_account(signature_with(VALID_UNTIL_OFFSET + 3, 0x100000000));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_absurd_spending_limit_count() {
    let mut state = session_account(signature_with(SPENDING_LIMITS_OFFSET, 0xffffffff));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-format',))]
fn test___validate___session_spending_amount_above_u128() {
    // The limit's `total` high word.
    let two_pow_128 = 0x100000000000000000000000000000000;
    let mut state = session_account(signature_with(SPENDING_LIMITS_OFFSET + 3, two_pow_128));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-version',))]
fn test___validate___session_version_1() {
    // Format 1 is read no more.
    let mut state = session_account(signature_with(1, 1));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-version',))]
fn test___validate___session_version_2() {
    // Format 2 (without the messages' hash) is read no more.
    let mut state = session_account(signature_with(1, 2));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-version',))]
fn test___validate___session_version_3() {
    // Format 3 (a counting epoch) is read no more.
    let mut state = session_account(signature_with(1, 3));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-version',))]
fn test___validate___session_version_only() {
    // The version is refused before the layout is read: a later format is not a bad format.
    let mut state = session_account(array![*vectors::signature()[0], 0]);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/bad-version',))]
fn test___validate___session_version_before_no_calls() {
    let mut state = session_account(signature_with(1, 1));
    state.__validate__(array![]);
}

//
// __validate__ 2: at least one call
//

#[test]
#[should_panic(expected: ('session/no-calls',))]
fn test___validate___session_no_calls() {
    let mut state = session_account(vectors::signature());
    state.__validate__(array![]);
}

#[test]
#[should_panic(expected: ('session/no-calls',))]
fn test___validate___session_no_calls_before_the_window() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_UNTIL);
    state.__validate__(array![]);
}

//
// __validate__ 3: the window, as far as the rounded clock tells
//

#[test]
#[should_panic(expected: ('session/expired',))]
fn test___validate___session_at_valid_until() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_UNTIL);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/expired',))]
fn test___validate___session_after_valid_until() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_UNTIL + DAY);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/not-yet-valid',))]
fn test___validate___session_a_rounding_period_before_valid_after() {
    // `valid_after` = rounded timestamp + 3600: certainly in the future.
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_AFTER - VALIDATION_TIME_ROUNDING);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/not-yet-valid',))]
fn test___validate___session_a_day_before_valid_after() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_AFTER - DAY);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/expired',))]
fn test___validate___session_window_before_revocation() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::SESSION_HASH);
    set_block_timestamp(vectors::VALID_UNTIL);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/not-yet-valid',))]
fn test___validate___session_not_yet_valid_before_revocation() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::SESSION_HASH);
    set_block_timestamp(vectors::VALID_AFTER - VALIDATION_TIME_ROUNDING);
    state.__validate__(vectors::calls());
}

//
// __validate__ 4: the transaction's fields and its maximum fee are tested in `test_limits`: the
// test runner cannot set them.
//

//
// __validate__ 5: revocation
//

#[test]
#[should_panic(expected: ('session/revoked',))]
fn test___validate___session_revoked() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::SESSION_HASH);
    state.__validate__(vectors::calls());
}

#[test]
fn test___validate___session_other_revoked() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::ONE_POLICY_SESSION_HASH);
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
fn test___validate___session_of_the_current_epoch() {
    // After `revoke_all_sessions`, a session the owner signs for the new epoch validates.
    let mut state = session_account(vectors::signature());
    revoke_all(ref state);
    let epoch = state.get_session_epoch();
    let (token, hash) = signed_token(Session { epoch, ..session() }, OWNER_PRIVATE_KEY, false);
    set_signature(encode(token).span());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    assert_eq!(state.get_session_usage(hash), usage(1));
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_stale_after_revoke_all() {
    let mut state = session_account(vectors::signature());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    revoke_all(ref state);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_signed_for_the_next_counter_value_stays_dormant() {
    // The attack of a counting epoch: a dApp has the owner sign a session naming epoch 1, refused
    // today, hoping for the day the owner revokes all sessions. The epoch moves to a hash of that
    // transaction instead, so the session never wakes.
    let (token, _) = signed_token(Session { epoch: 1, ..session() }, OWNER_PRIVATE_KEY, false);
    let mut state = session_account(encode(token));
    revoke_all(ref state);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_stale_after_owner_rotation() {
    let mut state = session_account(vectors::signature());
    rotate_owner(ref state, OTHER);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_stale_after_rotating_back() {
    // The old key is the owner again, and its signature of the session is valid: the epoch did
    // not go back, so the session stays ended.
    let mut state = session_account(vectors::signature());
    rotate_owner(ref state, OTHER);
    rotate_owner(ref state, vectors::OWNER_KEY);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_of_the_epoch_between_rotations() {
    // Signed by the first key for the epoch of the other key's ownership: stale once the first
    // key is back.
    let mut state = session_account(vectors::signature());
    rotate_owner(ref state, OTHER);
    let epoch = state.get_session_epoch();
    let (token, _) = signed_token(Session { epoch, ..session() }, OWNER_PRIVATE_KEY, false);
    rotate_owner(ref state, vectors::OWNER_KEY);
    set_signature(encode(token).span());
    state.__validate__(vectors::calls());
}

#[test]
fn test___validate___session_of_the_epoch_after_rotating_back() {
    let mut state = session_account(vectors::signature());
    rotate_owner(ref state, OTHER);
    rotate_owner(ref state, vectors::OWNER_KEY);
    let epoch = state.get_session_epoch();
    let (token, _) = signed_token(Session { epoch, ..session() }, OWNER_PRIVATE_KEY, false);
    set_signature(encode(token).span());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_of_a_later_epoch() {
    // The session must name the current epoch, even one a revoke-all would move to.
    let epoch = next_epoch(vectors::EPOCH, vectors::TX_HASH, 0);
    let (token, _) = signed_token(Session { epoch, ..session() }, OWNER_PRIVATE_KEY, false);
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

/// Two limits of the vectors' token, the stricter second: a hand-written typed data can list them,
/// and the account would apply only one.
fn twice_limited_token() -> Span<SpendingLimit> {
    array![spending_limit(), SpendingLimit { total: 1, ..spending_limit() }].span()
}

#[test]
#[should_panic(expected: ('session/limit-order',))]
fn test___validate___session_naming_a_token_twice() {
    let session = Session { spending_limits: twice_limited_token(), ..session() };
    let (token, _) = signed_token(session, OWNER_PRIVATE_KEY, false);
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/limit-order',))]
fn test___validate___session_limits_out_of_order() {
    let other = SpendingLimit { token: contract(vectors::SPENDING_TOKEN - 1), ..spending_limit() };
    let session = Session { spending_limits: array![spending_limit(), other].span(), ..session() };
    let (token, _) = signed_token(session, OWNER_PRIVATE_KEY, false);
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/revoked',))]
fn test___validate___session_revoked_before_stale_epoch() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::SESSION_HASH);
    revoke_all(ref state);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_stale_epoch_before_authorization() {
    // Check 5 before check 6: a stale session with a stranger's authorization is stale.
    let token = SessionToken {
        owner_signature: vectors::stranger_authorization().span(), ..session_token()
    };
    let mut state = session_account(encode(token));
    revoke_all(ref state);
    state.__validate__(vectors::calls());
}

//
// __validate__ 6: the owner's authorization
//

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_stranger_authorization() {
    let token = SessionToken {
        owner_signature: vectors::stranger_authorization().span(), ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_authorization_length() {
    let mut owner_signature = vectors::owner_authorization();
    owner_signature.append(0);
    let token = SessionToken { owner_signature: owner_signature.span(), ..session_token() };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_other_account() {
    // The same owner key owns another account: the session is bound to `vectors::ACCOUNT`.
    session_account(vectors::signature());
    let mut state = account_state(contract(vectors::ACCOUNT + 1), vectors::OWNER_KEY);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_other_chain() {
    let mut state = session_account(vectors::signature());
    set_chain_id('SN_MAIN');
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_of_the_new_epoch_signed_by_the_old_key() {
    // After a rotation, a session naming the new epoch must be signed by the new key: the old
    // key's signature of it is no authorization.
    let mut state = session_account(vectors::signature());
    rotate_owner(ref state, OTHER);
    let epoch = state.get_session_epoch();
    let (token, _) = signed_token(Session { epoch, ..session() }, OWNER_PRIVATE_KEY, false);
    set_signature(encode(token).span());
    state.__validate__(vectors::calls());
}

#[test]
fn test___validate___session_of_the_new_epoch_signed_by_the_new_key() {
    let mut state = session_account(vectors::signature());
    rotate_owner(ref state, OTHER);
    let epoch = state.get_session_epoch();
    let (token, _) = signed_token(Session { epoch, ..session() }, OTHER_PRIVATE_KEY, false);
    set_signature(encode(token).span());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_altered_session() {
    // The owner authorized another window.
    let token = SessionToken {
        session: Session { valid_until: vectors::VALID_UNTIL + 1, ..session() }, ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_altered_max_fee() {
    // The limits are signed: raising one makes another session, which the owner did not sign.
    let token = SessionToken {
        session: Session { max_fee: vectors::MAX_FEE + 1, ..session() }, ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_altered_fee_budget() {
    let token = SessionToken {
        session: Session { fee_budget: vectors::FEE_BUDGET + 1, ..session() }, ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_altered_max_transactions() {
    let token = SessionToken {
        session: Session { max_transactions: vectors::MAX_TRANSACTIONS + 1, ..session() },
        ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_altered_spending_limit() {
    let limit = SpendingLimit { total: vectors::SPENDING_TOTAL + 1, ..spending_limit() };
    let token = SessionToken {
        session: Session { spending_limits: array![limit].span(), ..session() }, ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_without_its_spending_limit() {
    let token = SessionToken {
        session: Session { spending_limits: array![].span(), ..session() }, ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

//
// __validate__ 6: the authorization cache (docs/protocol.md §4, "Authorization cache")
//

#[test]
fn test___validate___session_first_use_records_the_authorization() {
    let mut state = session_account(vectors::signature());
    assert!(!state.get_session_usage(vectors::SESSION_HASH).authorized);
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    let recorded = SessionUsage { transactions: 1, fee_spent: 0, authorized: true };
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), recorded);
    // Other sessions' records are their own.
    assert!(!state.get_session_usage(vectors::ONE_POLICY_SESSION_HASH).authorized);
}

#[test]
fn test___validate___session_short_form_after_first_use() {
    let mut state = session_account(vectors::signature());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    set_signature(encode(short_token()).span());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(2));
    // The long form still validates too.
    set_signature(vectors::signature().span());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(3));
}

#[test]
#[should_panic(expected: ('session/not-authorized',))]
fn test___validate___session_short_form_without_record() {
    let mut state = session_account(encode(short_token()));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/not-authorized',))]
fn test___validate___session_short_form_of_an_altered_session() {
    // The record is the session hash's: a session with another limit has none.
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    let session = Session { max_transactions: vectors::MAX_TRANSACTIONS + 1, ..session() };
    set_signature(encode(SessionToken { session, ..short_token() }).span());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/not-authorized',))]
fn test___validate___session_short_form_on_another_account() {
    // The record is the account's: the same session on another account has none there.
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    let mut other = account_state(contract(vectors::ACCOUNT + 1), vectors::OWNER_KEY);
    set_signature(encode(short_token()).span());
    other.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_wrong_owner_signature_with_a_record() {
    // A long form is checked as sent, record or not.
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    assert!(state.get_session_usage(vectors::SESSION_HASH).authorized);
    let token = SessionToken {
        owner_signature: vectors::stranger_authorization().span(), ..session_token()
    };
    set_signature(encode(token).span());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-authorization',))]
fn test___validate___session_malformed_owner_signature_with_a_record() {
    // One felt is not the short form: it is a signature, and not a valid one.
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    let token = SessionToken {
        owner_signature: array![*vectors::owner_authorization()[0]].span(), ..session_token()
    };
    set_signature(encode(token).span());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test___validate___session_short_form_checks_the_session_key() {
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    let token = SessionToken {
        session_signature: vectors::stranger_session_signature().span(), ..short_token()
    };
    set_signature(encode(token).span());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/revoked',))]
fn test___validate___session_short_form_revoked() {
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    revoke(ref state, vectors::SESSION_HASH);
    set_signature(encode(short_token()).span());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test___validate___session_short_form_after_revoke_all() {
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    revoke_all(ref state);
    set_signature(encode(short_token()).span());
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/tx-limit',))]
fn test___validate___session_short_form_counts_its_transactions() {
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    set_signature(encode(short_token()).span());
    for _ in 1..vectors::MAX_TRANSACTIONS {
        state.__validate__(vectors::calls());
    }
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(vectors::MAX_TRANSACTIONS));
    state.__validate__(vectors::calls());
}

//
// register_session
//

#[test]
fn test_register_session_by_self() {
    let mut state = session_account(vectors::signature());
    let account_address = account_address();
    pop_log::<SessionKeyAccount::Event>(account_address).unwrap(); // OwnerChanged
    register(ref state, session());
    let recorded = SessionUsage { transactions: 0, fee_spent: 0, authorized: true };
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), recorded);
    assert!(!state.get_session_usage(vectors::ONE_POLICY_SESSION_HASH).authorized);
    let event = pop_log::<SessionKeyAccount::Event>(account_address).unwrap();
    let expected = SessionKeyAccount::Event::SessionEvent(
        SessionEvent::SessionRegistered(SessionRegistered { session_hash: vectors::SESSION_HASH }),
    );
    assert_eq!(event, expected);
    assert!(pop_log::<SessionKeyAccount::Event>(account_address).is_none());
}

#[test]
fn test_register_session_of_the_current_epoch() {
    let mut state = session_account(vectors::signature());
    revoke_all(ref state);
    let session = Session { epoch: state.get_session_epoch(), ..session() };
    register(ref state, session);
    let hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    assert!(state.get_session_usage(hash).authorized);
}

#[test]
#[should_panic(expected: ('account/only-self',))]
fn test_register_session_by_other_caller() {
    let mut state = session_account(vectors::signature());
    set_caller_address(contract(0x123));
    state.register_session(session());
}

#[test]
#[should_panic(expected: ('account/only-self',))]
fn test_register_session_by_protocol() {
    // A session transaction cannot call the account, and neither can the protocol directly.
    let mut state = session_account(vectors::signature());
    state.register_session(session());
}

#[test]
#[should_panic(expected: ('session/revoked',))]
fn test_register_session_revoked() {
    let mut state = session_account(vectors::signature());
    revoke(ref state, vectors::SESSION_HASH);
    register(ref state, session());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test_register_session_stale_epoch() {
    let mut state = session_account(vectors::signature());
    revoke_all(ref state);
    register(ref state, session());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test_register_session_of_a_later_epoch() {
    let mut state = session_account(vectors::signature());
    let epoch = next_epoch(vectors::EPOCH, vectors::TX_HASH, 0);
    register(ref state, Session { epoch, ..session() });
}

#[test]
#[should_panic(expected: ('session/limit-order',))]
fn test_register_session_naming_a_token_twice() {
    let mut state = session_account(vectors::signature());
    register(ref state, Session { spending_limits: twice_limited_token(), ..session() });
}

#[test]
#[should_panic(expected: ('session/already-registered',))]
fn test_register_session_twice() {
    let mut state = session_account(vectors::signature());
    register(ref state, session());
    register(ref state, session());
}

#[test]
#[should_panic(expected: ('session/already-registered',))]
fn test_register_session_recorded_by_its_first_use() {
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    register(ref state, session());
}

#[test]
fn test___validate___session_short_form_after_register() {
    // Registered up front: even the first transaction leaves out the owner signature.
    let mut state = session_account(encode(short_token()));
    register(ref state, session());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(1));
}

#[test]
fn test___validate___session_long_form_after_register() {
    // The same transaction with the owner signature, its token built the same way: what the
    // short form saves is the difference of the two tests' gas.
    let mut state = session_account(encode(session_token()));
    register(ref state, session());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(1));
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test_cached_authorization_does_not_outlive_its_owner() {
    // Argent #532: a recorded authorization must end with the owner key that gave it. Registered
    // and used in the short form, then the owner key rotates away and back: the record is still
    // in the slot, but check 5 refuses the session before the record is read.
    let mut state = session_account(encode(short_token()));
    register(ref state, session());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
    rotate_owner(ref state, OTHER);
    rotate_owner(ref state, vectors::OWNER_KEY);
    assert!(state.get_session_usage(vectors::SESSION_HASH).authorized);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/stale-epoch',))]
fn test_cached_authorization_does_not_outlive_revoke_all() {
    let mut state = session_account(encode(short_token()));
    register(ref state, session());
    revoke_all(ref state);
    state.__validate__(vectors::calls());
}

//
// __validate__ 7: the session key's signature
//

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test___validate___session_stranger_signature() {
    let token = SessionToken {
        session_signature: vectors::stranger_session_signature().span(), ..session_token()
    };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test___validate___session_other_transaction() {
    let mut state = session_account(vectors::signature());
    set_transaction_hash(vectors::TX_HASH + 1);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test___validate___session_signature_length() {
    let token = SessionToken { session_signature: array![].span(), ..session_token() };
    let mut state = session_account(encode(token));
    state.__validate__(vectors::calls());
}

//
// __validate__ 8-10: the calls
//

#[test]
#[should_panic(expected: ('session/proof-count',))]
fn test___validate___session_missing_proof() {
    let proofs = call_proofs();
    let mut state = session_account(signature_with_proofs(array![*proofs[0]]));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/proof-count',))]
fn test___validate___session_extra_proof() {
    let mut proofs = call_proofs();
    proofs.append(CallProof { rules: array![].span(), proof: array![].span() });
    let mut state = session_account(signature_with_proofs(proofs));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/self-call',))]
fn test___validate___session_self_call() {
    // The self-call is refused before any proof is checked, even the first call's bad one.
    let mut state = session_account(vectors::signature());
    let calls = array![
        call(vectors::TARGET, selector!("approve"), array![]),
        call(vectors::ACCOUNT, selector!("set_owner"), array![1]),
    ];
    state.__validate__(calls);
}

/// A session transaction whose one call is `logout_session` on the account, with `proof` beside
/// it.
fn logout_transaction(proof: CallProof) -> (SessionKeyAccount::ContractState, Array<Call>) {
    let token = SessionToken { proofs: array![proof].span(), ..session_token() };
    let state = session_account(encode(token));
    (state, array![call(vectors::ACCOUNT, LOGOUT_SESSION_SELECTOR, array![])])
}

#[test]
fn test___validate___session_may_call_logout_session() {
    // The one call to the account a session may make, with no policy: it ends a session whose key
    // signed for it (`test_revocation`).
    let (mut state, calls) = logout_transaction(CallProof { rules: array![].span(), proof: array![].span() });
    assert_eq!(state.__validate__(calls), VALIDATED);
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_logout_with_a_proof() {
    let proof = CallProof { rules: array![].span(), proof: array![vectors::ROOT].span() };
    let (mut state, calls) = logout_transaction(proof);
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/self-call',))]
fn test___validate___session_may_call_nothing_else_of_the_account() {
    let empty = CallProof { rules: array![].span(), proof: array![].span() };
    let (mut state, _) = logout_transaction(empty);
    state.__validate__(array![call(vectors::ACCOUNT, selector!("revoke_session"), array![vectors::SESSION_HASH])]);
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_tampered_proof() {
    let proofs = call_proofs();
    let first = *proofs[0];
    let proof = array![*first.proof[0] + 1, *first.proof[1]].span();
    let tampered = CallProof { proof, ..first };
    let mut state = session_account(signature_with_proofs(array![tampered, *proofs[1]]));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_swapped_proofs() {
    let proofs = call_proofs();
    let mut state = session_account(signature_with_proofs(array![*proofs[1], *proofs[0]]));
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_call_not_allowed() {
    // `(TARGET_B, transfer)` is no policy; the proof is that of `(TARGET_B, play)`.
    let mut state = session_account(vectors::signature());
    let calls = array![
        target_transfer(0xb0b, 100), call(vectors::TARGET_B, selector!("transfer"), array![]),
    ];
    state.__validate__(calls);
}

//
// __validate__ 10: argument rules. The vectors' `transfer` policy on TARGET has
// `transfer_rules()` (recipient 0xb0b, amount at most 1000); the session signed here has a
// policy with other rules, to see a rule refuse a call whose proof and signatures are good.
//

#[test]
fn test___validate___session_rules_at_their_bounds() {
    let mut state = session_account(vectors::signature());
    let calls = array![
        target_transfer(0xb0b, 1000), call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    assert_eq!(state.__validate__(calls), VALIDATED);
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(1));
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test___validate___session_amount_over_its_rule() {
    // 1001 is within the spending limit's total, but over the policy's rule.
    let mut state = session_account(vectors::signature());
    let calls = array![
        target_transfer(0xb0b, 1001), call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test___validate___session_other_recipient() {
    let mut state = session_account(vectors::signature());
    let calls = array![
        target_transfer(0xbad, 100), call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test___validate___session_amount_in_the_high_word() {
    // 2^128 + 5: its low word alone is within the bound.
    let mut state = session_account(vectors::signature());
    let calls = array![
        target_transfer(0xb0b, u256 { low: 5, high: 1 }),
        call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test___validate___session_missing_argument() {
    let mut state = session_account(vectors::signature());
    let calls = array![
        call(vectors::TARGET, selector!("transfer"), array![0xb0b]),
        call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_rules_dropped() {
    // The transfer's proof presented without its rules: another leaf, which the tree lacks.
    let proofs = call_proofs();
    let dropped = CallProof { rules: array![].span(), ..*proofs[0] };
    let mut state = session_account(signature_with_proofs(array![dropped, *proofs[1]]));
    let calls = array![
        target_transfer(0xbad, 5000), call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_rule_loosened() {
    let proofs = call_proofs();
    let rules = transfer_rules();
    let loose = ArgumentRule { u256_values: array![5000].span(), ..*rules[1] };
    let loosened = CallProof { rules: array![*rules[0], loose].span(), ..*proofs[0] };
    let mut state = session_account(signature_with_proofs(array![loosened, *proofs[1]]));
    let calls = array![
        target_transfer(0xb0b, 5000), call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

/// A session of the vectors' account, key and limits whose policy tree has one leaf, `(TARGET_B,
/// play)` with `rules`, signed here by the owner: its transaction signature for `TX_HASH` and its
/// session hash.
fn play_session(rules: Span<ArgumentRule>) -> (Array<felt252>, felt252) {
    let root = policy_leaf(contract(vectors::TARGET_B), selector!("play"), rules);
    let session = Session { policies_root: root, ..session() };
    let hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    let message_hash = session_message_hash(vectors::TX_HASH, hash);
    let token = SessionToken {
        version: SESSION_TOKEN_VERSION,
        session,
        owner_signature: sign(OWNER_PRIVATE_KEY, hash).span(),
        session_signature: sign(SESSION_PRIVATE_KEY, message_hash).span(),
        proofs: array![CallProof { rules, proof: array![].span() }].span(),
    };
    (encode(token), hash)
}

/// `play`'s first argument is below 10.
fn play_rules() -> Span<ArgumentRule> {
    let below_10 = ArgumentRule {
        word: 0, operator: LT, values: array![10].span(), u256_values: array![].span(),
    };
    array![below_10].span()
}

fn play(calldata: Array<felt252>) -> Array<Call> {
    array![call(vectors::TARGET_B, selector!("play"), calldata)]
}

#[test]
fn test___validate___signed_session_with_rules() {
    let (signature, hash) = play_session(play_rules());
    let mut state = session_account(signature);
    assert_eq!(state.__validate__(play(array![9, 'any'])), VALIDATED);
    assert_eq!(state.__validate__(play(array![0])), VALIDATED);
    assert_eq!(state.get_session_usage(hash), usage(2));
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test___validate___signed_session_rule_broken() {
    let (signature, _) = play_session(play_rules());
    let mut state = session_account(signature);
    state.__validate__(play(array![10]));
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___signed_session_rules_dropped() {
    // The owner signed the session with the rule; the token presents the leaf without it.
    let (signature, _) = play_session(play_rules());
    let token = parse_token(signature);
    let proofs = array![CallProof { rules: array![].span(), proof: array![].span() }].span();
    let mut state = session_account(encode(SessionToken { proofs, ..token }));
    state.__validate__(play(array![10]));
}

#[test]
#[should_panic(expected: ('session/bad-rule',))]
fn test___validate___signed_session_bad_rule() {
    // A signed rule the account cannot evaluate (LT with no value; the SDK never builds one)
    // refuses every call of its policy.
    let bad = ArgumentRule {
        word: 0, operator: LT, values: array![].span(), u256_values: array![].span(),
    };
    let (signature, _) = play_session(array![bad].span());
    let mut state = session_account(signature);
    state.__validate__(play(array![1]));
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test___validate___signed_session_signatures_before_rules() {
    let (signature, _) = play_session(play_rules());
    let mut state = session_account(signature);
    set_transaction_hash(vectors::TX_HASH + 1);
    state.__validate__(play(array![10]));
}

/// The session token of `signature`.
fn parse_token(signature: Array<felt252>) -> SessionToken {
    crate::session::session_token::parse_session_token(signature.span()).unwrap()
}

//
// __validate__ 11: the usage
//

#[test]
fn test___validate___session_counts_its_transactions() {
    let mut state = session_account(vectors::signature());
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(0));
    for n in 1..vectors::MAX_TRANSACTIONS + 1 {
        assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
        assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(n));
    }
    // Other sessions have their own counters.
    assert_eq!(state.get_session_usage(vectors::ONE_POLICY_SESSION_HASH), usage(0));
}

#[test]
fn test___validate___session_query_v3_is_counted() {
    // An estimate runs validation too; the node discards its writes with the simulation.
    let mut state = session_account(vectors::signature());
    set_version(QUERY_V3);
    state.__validate__(vectors::calls());
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(1));
}

#[test]
#[should_panic(expected: ('session/tx-limit',))]
fn test___validate___session_one_transaction_too_many() {
    let mut state = session_account(vectors::signature());
    for _ in 0..vectors::MAX_TRANSACTIONS {
        state.__validate__(vectors::calls());
    }
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-signature',))]
fn test___validate___session_signatures_before_tx_limit() {
    // The usage is checked last: a used-up session with a bad signature fails on its signature.
    let mut state = session_account(vectors::signature());
    for _ in 0..vectors::MAX_TRANSACTIONS {
        state.__validate__(vectors::calls());
    }
    set_transaction_hash(vectors::TX_HASH + 1);
    state.__validate__(vectors::calls());
}

#[test]
#[should_panic(expected: ('session/invalid-proof',))]
fn test___validate___session_calls_before_tx_limit() {
    let mut state = session_account(vectors::signature());
    for _ in 0..vectors::MAX_TRANSACTIONS {
        state.__validate__(vectors::calls());
    }
    let calls = array![
        target_transfer(0xb0b, 100), call(vectors::TARGET_B, selector!("transfer"), array![]),
    ];
    state.__validate__(calls);
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test___validate___session_rules_before_tx_limit() {
    let mut state = session_account(vectors::signature());
    for _ in 0..vectors::MAX_TRANSACTIONS {
        state.__validate__(vectors::calls());
    }
    let calls = array![
        target_transfer(0xb0b, 1001), call(vectors::TARGET_B, selector!("play"), array![]),
    ];
    state.__validate__(calls);
}

/// The vectors' session without its spending limit (on `vectors::TARGET`, where no token is
/// deployed to read a balance of), as a transaction signature: what execution reads of it.
fn limitless_signature() -> Array<felt252> {
    let session = Session { spending_limits: array![].span(), ..session() };
    encode(SessionToken { session, ..session_token() })
}

#[test]
fn test___execute___session_does_not_count() {
    let mut state = session_account(vectors::signature());
    state.__validate__(vectors::calls());
    starknet::testing::set_signature(limitless_signature().span());
    state.__execute__(array![]);
    assert_eq!(state.get_session_usage(vectors::SESSION_HASH), usage(1));
}

//
// __execute__: the exact window
//

#[test]
fn test___execute___session_in_window() {
    let mut state = session_account(limitless_signature());
    set_block_timestamp(vectors::VALID_AFTER);
    assert_eq!(state.__execute__(array![]).len(), 0);
    set_block_timestamp(vectors::VALID_UNTIL - 1);
    assert_eq!(state.__execute__(array![]).len(), 0);
}

#[test]
#[should_panic(expected: ('session/not-yet-valid',))]
fn test___execute___session_not_yet_valid() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_AFTER - 1);
    state.__execute__(array![]);
}

#[test]
#[should_panic(expected: ('session/expired',))]
fn test___execute___session_expired() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_UNTIL);
    state.__execute__(array![]);
}

//
// __execute__: spending (docs/protocol.md §4, "Spending"). Execution checks no signature, so a
// session whose limit is on a deployed `MockToken` (a plain ERC-20 of which the account holds
// every token) is sent as is. The vectors' limit: 1000 in all, 300 a day.
//

/// The vectors' session with its spending limit on `token`, as a transaction signature, and its
/// session hash.
fn token_session(token: ContractAddress) -> (Array<felt252>, felt252) {
    let limit = SpendingLimit { token, ..spending_limit() };
    let session = Session { spending_limits: array![limit].span(), ..session() };
    let hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    (encode(SessionToken { session, ..session_token() }), hash)
}

fn amount_call(
    token: ContractAddress, selector: felt252, mut words: Array<felt252>, amount: u256,
) -> Call {
    words.append(amount.low.into());
    words.append(amount.high.into());
    Call { to: token, selector, calldata: words.span() }
}

fn transfer(token: ContractAddress, amount: u256) -> Call {
    amount_call(token, selector!("transfer"), array![0xb0b], amount)
}

fn approve(token: ContractAddress, spender: ContractAddress, amount: u256) -> Call {
    amount_call(token, selector!("approve"), array![spender.into()], amount)
}

fn tip(jar: ContractAddress, token: ContractAddress, amount: u256) -> Call {
    amount_call(jar, selector!("tip"), array![token.into()], amount)
}

fn spent(total: u256, period: u64, period_spent: u256) -> SpendingUsage {
    SpendingUsage { total, period, period_spent }
}

/// The period of `session_account`'s time, a day after `valid_after`.
const PERIOD: u64 = 1;

#[test]
fn test___execute___session_counts_a_transfer() {
    let token = deploy_token();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    assert_eq!(state.get_session_spending(hash, token.contract_address), Default::default());
    state.__execute__(array![transfer(token.contract_address, 100)]);
    assert_eq!(token.balance_of(contract(0xb0b)), 100);
    assert_eq!(state.get_session_spending(hash, token.contract_address), spent(100, PERIOD, 100));
    // Other sessions and tokens have their own counters.
    assert_eq!(
        state.get_session_spending(vectors::SESSION_HASH, token.contract_address),
        Default::default(),
    );
    assert_eq!(state.get_session_spending(hash, contract(vectors::TARGET)), Default::default());
}

#[test]
fn test___execute___session_multicall_at_the_limit() {
    // 100 moved + 200 granted = the limit per period: the calls' amounts are added.
    let token = deploy_token();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    state.__execute__(array![transfer(to, 100), approve(to, contract(0xb0b), 200)]);
    assert_eq!(token.get_calls(), 2);
    assert_eq!(state.get_session_spending(hash, to), spent(300, PERIOD, 300));
}

#[test]
#[should_panic(expected: ('session/period-limit',))]
fn test___execute___session_multicall_one_over() {
    let token = deploy_token();
    let (signature, _) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    state.__execute__(array![transfer(to, 100), transfer(to, 201)]);
}

#[test]
fn test___execute___session_counts_what_leaves_the_balance_by_any_selector() {
    // `burn` is no selector of the spending table: what it moves leaves the balance all the same.
    let token = deploy_token();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    let calls = array![
        transfer(to, 1), amount_call(to, selector!("burn"), array![], 16),
        amount_call(to, selector!("increase_allowance"), array![0xb0b], 4),
        amount_call(to, selector!("increaseAllowance"), array![0xca7], 8),
    ];
    state.__execute__(calls);
    assert_eq!(token.get_calls(), 4);
    assert_eq!(state.get_session_spending(hash, to), spent(29, PERIOD, 29));
}

#[test]
fn test___execute___session_counts_what_a_contract_pulls() {
    // Finding 3 of the format 3 review: the owner approved a contract (here the tip jar) once;
    // a session that may call it, and never calls the token, moves the account's tokens through
    // the contract's `transfer_from`. What it pulls leaves the balance and is counted.
    let token = deploy_token();
    let jar = deploy_tip_jar();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature.clone());
    let to = token.contract_address;
    // The owner's approval, in an owner transaction: not the session's.
    starknet::testing::set_signature(super::support::owner_signature().span());
    state.__execute__(array![approve(to, jar.contract_address, 1_000_000)]);
    starknet::testing::set_signature(signature.span());
    state.__execute__(array![tip(jar.contract_address, to, 250)]);
    assert_eq!(token.balance_of(contract(0x71b)), 250);
    assert_eq!(state.get_session_spending(hash, to), spent(250, PERIOD, 250));
}

#[test]
#[should_panic(expected: ('session/period-limit',))]
fn test___execute___session_pull_through_a_contract_over_the_limit() {
    let token = deploy_token();
    let jar = deploy_tip_jar();
    let (signature, _) = token_session(token.contract_address);
    let mut state = session_account(signature.clone());
    let to = token.contract_address;
    starknet::testing::set_signature(super::support::owner_signature().span());
    state.__execute__(array![approve(to, jar.contract_address, 1_000_000)]);
    starknet::testing::set_signature(signature.span());
    state.__execute__(array![tip(jar.contract_address, to, 301)]);
}

#[test]
fn test___execute___session_approval_then_pull_counts_once() {
    // An approval the jar takes in full in the same transaction counts what moved, once; one it
    // takes in part counts what moved and what is left of the allowance.
    let token = deploy_token();
    let jar = deploy_tip_jar();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let (to, spender) = (token.contract_address, jar.contract_address);
    state.__execute__(array![approve(to, spender, 30), tip(spender, to, 30)]);
    assert_eq!(state.get_session_spending(hash, to), spent(30, PERIOD, 30));
    state.__execute__(array![approve(to, spender, 50), tip(spender, to, 20)]);
    assert_eq!(token.allowance(account_address(), spender), 30);
    assert_eq!(state.get_session_spending(hash, to), spent(80, PERIOD, 80));
}

#[test]
fn test___execute___session_increase_counts_only_the_increase() {
    // The owner's own allowance to the jar is not the session's: an increase counts itself.
    let token = deploy_token();
    let jar = deploy_tip_jar();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature.clone());
    let (to, spender) = (token.contract_address, jar.contract_address);
    starknet::testing::set_signature(super::support::owner_signature().span());
    state.__execute__(array![approve(to, spender, 1_000_000)]);
    starknet::testing::set_signature(signature.span());
    let increase = amount_call(to, selector!("increase_allowance"), array![spender.into()], 5);
    state.__execute__(array![increase]);
    assert_eq!(state.get_session_spending(hash, to), spent(5, PERIOD, 5));
}

#[test]
fn test___execute___session_spending_nothing_writes_nothing() {
    // Calls elsewhere, a decrease, an approval of 0: nothing left the balance and no allowance
    // is left, so no counter is written (and no session hash computed).
    let token = deploy_token();
    let target = deploy_target();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    let calls = array![
        call_to(target.contract_address, selector!("set_value"), array![7]),
        approve(to, contract(0xb0b), 0),
        amount_call(to, selector!("decrease_allowance"), array![0xb0b], 0),
    ];
    state.__execute__(calls);
    assert_eq!(target.get_value(), 7);
    assert_eq!(token.get_calls(), 2);
    assert_eq!(state.get_session_spending(hash, to), Default::default());
}

#[test]
#[should_panic(expected: ('CONTRACT_NOT_DEPLOYED', 'ENTRYPOINT_FAILED'))]
fn test___execute___session_limit_on_no_token_fails_closed() {
    // The vectors' session limits `vectors::TARGET`, where nothing is deployed: its balance
    // cannot be read, so no call of the session runs.
    let target = deploy_target();
    let mut state = session_account(vectors::signature());
    state.__execute__(array![call_to(target.contract_address, selector!("set_value"), array![7])]);
}

#[test]
fn test___execute___session_without_limits_reads_no_balance() {
    // No limit: the calls run as they are, whatever they move.
    let token = deploy_token();
    let mut state = session_account(limitless_signature());
    state.__execute__(array![transfer(token.contract_address, 5000)]);
    assert_eq!(token.balance_of(contract(0xb0b)), 5000);
}

#[test]
fn test___execute___owner_transaction_is_not_counted() {
    let token = deploy_token();
    let (_, hash) = token_session(token.contract_address);
    let mut state = session_account(super::support::owner_signature());
    state.__execute__(array![transfer(token.contract_address, 5000)]);
    assert_eq!(token.get_calls(), 1);
    assert_eq!(state.get_session_spending(hash, token.contract_address), Default::default());
}

#[test]
#[should_panic(expected: ('session/bad-amount',))]
fn test___execute___session_bad_approval_before_any_call() {
    // The approvals' calldata is read before the calls: the target is never called.
    let token = deploy_token();
    let target = deploy_target();
    let (signature, _) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let two_pow_128 = 0x100000000000000000000000000000000;
    let bad = call_to(token.contract_address, selector!("approve"), array![0xb0b, two_pow_128, 0]);
    let set = call_to(target.contract_address, selector!("set_value"), array![7]);
    state.__execute__(array![set, bad]);
}

#[test]
#[should_panic(expected: ('session/bad-amount',))]
fn test___execute___session_missing_amount() {
    let token = deploy_token();
    let (signature, _) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let call = call_to(token.contract_address, selector!("approve"), array![0xb0b, 1]);
    state.__execute__(array![call]);
}

#[test]
#[should_panic(expected: ('session/expired',))]
fn test___execute___session_window_before_spending() {
    let mut state = session_account(vectors::signature());
    set_block_timestamp(vectors::VALID_UNTIL);
    state.__execute__(array![transfer(contract(vectors::TARGET), vectors::SPENDING_TOTAL + 1)]);
}

#[test]
fn test___execute___session_period_renews() {
    let token = deploy_token();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    state.__execute__(array![transfer(to, 300)]);
    // A period later, at the first second of the next one.
    set_block_timestamp(vectors::VALID_AFTER + 2 * DAY);
    state.__execute__(array![transfer(to, 300)]);
    assert_eq!(state.get_session_spending(hash, to), spent(600, PERIOD + 1, 300));
}

#[test]
#[should_panic(expected: ('session/period-limit',))]
fn test___execute___session_period_not_renewed_a_second_early() {
    let token = deploy_token();
    let (signature, _) = token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    state.__execute__(array![transfer(to, 300)]);
    set_block_timestamp(vectors::VALID_AFTER + 2 * DAY - 1);
    state.__execute__(array![transfer(to, 1)]);
}

/// Spends 300 a day on `to` for three days, then 100 more: the session's total, 1000.
fn spend_the_total(ref state: SessionKeyAccount::ContractState, to: ContractAddress) {
    for day in 1..4_u64 {
        set_block_timestamp(vectors::VALID_AFTER + day * DAY);
        state.__execute__(array![transfer(to, 300)]);
    }
    set_block_timestamp(vectors::VALID_AFTER + 4 * DAY);
    state.__execute__(array![transfer(to, 100)]);
}

#[test]
fn test___execute___session_at_the_total() {
    let token = deploy_token();
    let (signature, hash) = token_session(token.contract_address);
    let mut state = session_account(signature);
    spend_the_total(ref state, token.contract_address);
    assert_eq!(token.get_calls(), 4);
    assert_eq!(state.get_session_spending(hash, token.contract_address), spent(1000, 4, 100));
    // Nothing is left, whatever the period; a transfer of 0 still passes, and writes nothing.
    set_block_timestamp(vectors::VALID_AFTER + 10 * DAY);
    state.__execute__(array![transfer(token.contract_address, 0)]);
    assert_eq!(state.get_session_spending(hash, token.contract_address), spent(1000, 4, 100));
}

#[test]
#[should_panic(expected: ('session/spending-limit',))]
fn test___execute___session_one_over_the_total() {
    let token = deploy_token();
    let (signature, _) = token_session(token.contract_address);
    let mut state = session_account(signature);
    spend_the_total(ref state, token.contract_address);
    set_block_timestamp(vectors::VALID_AFTER + 10 * DAY);
    state.__execute__(array![transfer(token.contract_address, 1)]);
}

//
// __validate_declare__ / __validate_deploy__ / is_valid_signature
//

#[test]
#[should_panic(expected: ('session/no-declare',))]
fn test___validate_declare___session() {
    let state = session_account(vectors::signature());
    state.__validate_declare__(0x42);
}

#[test]
#[should_panic(expected: ('session/no-deploy',))]
fn test___validate_deploy___session() {
    let state = session_account(vectors::signature());
    state.__validate_deploy__(0x42, 0, vectors::OWNER_KEY);
}

#[test]
fn test_is_valid_signature_session() {
    let state = session_account(vectors::signature());
    assert_eq!(state.is_valid_signature(vectors::TX_HASH, vectors::signature()), 0);
    assert_eq!(state.is_valid_signature(vectors::TX_HASH, vectors::session_signature()), 0);
}

//
// SRC5
//

#[test]
fn test_supports_interface_session() {
    let id: u256 = selector!("revoke_session(felt252)").into()
        ^ selector!("is_session_revoked(felt252)->E((),())").into();
    assert_eq!(ISESSION_ID.into(), id);
    let state = session_account(vectors::signature());
    assert!(state.supports_interface(ISESSION_ID));
}

//
// __execute__: the spending counters in storage (`limits::SpendingHead` and its extra words)
//

/// A session whose limit on `token` is the whole u256 range, renewing daily, as a transaction
/// signature, and its session hash.
fn unbounded_token_session(token: ContractAddress) -> (Array<felt252>, felt252) {
    let limit = SpendingLimit {
        token, total: core::num::traits::Bounded::MAX, per_period: core::num::traits::Bounded::MAX,
        period: DAY,
    };
    let session = Session { spending_limits: array![limit].span(), ..session() };
    let hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    (encode(SessionToken { session, ..session_token() }), hash)
}

#[test]
fn test___execute___session_spending_high_words_are_stored() {
    let token = deploy_token();
    let (signature, hash) = unbounded_token_session(token.contract_address);
    let mut state = session_account(signature);
    let to = token.contract_address;
    let big = u256 { low: 5, high: 7 };
    // First period: what moved in the period is the total (the head alone, and `total.high`).
    state.__execute__(array![transfer(to, big)]);
    assert_eq!(state.get_session_spending(hash, to), spent(big, PERIOD, big));
    // Next period: the period's amount differs from the total, high word and all.
    set_block_timestamp(vectors::VALID_AFTER + 2 * DAY);
    let more = u256 { low: 1, high: 2 };
    state.__execute__(array![transfer(to, more)]);
    assert_eq!(state.get_session_spending(hash, to), spent(big + more, PERIOD + 1, more));
    // A period later again, a small amount: the period's old high word is no longer read.
    set_block_timestamp(vectors::VALID_AFTER + 3 * DAY);
    state.__execute__(array![transfer(to, 9)]);
    assert_eq!(state.get_session_spending(hash, to), spent(big + more + 9, PERIOD + 2, 9));
}

#[test]
fn test___execute___session_spending_of_a_limit_that_never_renews() {
    // Period 0: the period's amount is always the total, so only the head is stored.
    let token = deploy_token();
    let limit = SpendingLimit { token: token.contract_address, total: 1000, per_period: 600, period: 0 };
    let session = Session { spending_limits: array![limit].span(), ..session() };
    let hash = session_hash(@session, account_address(), vectors::CHAIN_ID);
    let mut state = session_account(encode(SessionToken { session, ..session_token() }));
    let to = token.contract_address;
    state.__execute__(array![transfer(to, 250)]);
    set_block_timestamp(vectors::VALID_AFTER + 30 * DAY);
    state.__execute__(array![transfer(to, 350)]);
    assert_eq!(state.get_session_spending(hash, to), spent(600, 0, 600));
}
