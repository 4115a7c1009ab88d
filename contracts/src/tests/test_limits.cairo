//! The limits of a session (docs/protocol.md §4, "Fees", "Spending" and "Where each count
//! happens"), on their own: the maximum fee of a transaction, the transaction fields, the fee cap,
//! the usage's packing, `charge`, and spending: `granted_allowance`, `counted_allowance`,
//! `spent_amount` and `spend`. The same
//! checks through `__validate__` and `__execute__` are in `test_session`, except those on
//! resource bounds and paymaster data, which the test runner cannot set (the e2e tests on devnet
//! cover them).
use core::num::traits::Bounded;
use starknet::account::Call;
use starknet::storage_access::StorePacking;
use starknet::ResourcesBounds;
use crate::session::limits::{
    SessionUsage, SpendingHead, SpendingHeadStorePacking, SpendingUsage, assert_fee_cap,
    assert_transaction_fields, charge, counted_allowance, current_period, granted_allowance,
    limits_in_order, max_fee, spend, spending_head, spent_amount,
};
use crate::session::session_hash::SpendingLimit;
use super::support::contract;

fn bound(resource: felt252, max_amount: u64, max_price_per_unit: u128) -> ResourcesBounds {
    ResourcesBounds { resource, max_amount, max_price_per_unit }
}

/// A usage whose authorization is not recorded.
fn usage(transactions: u32, fee_spent: u128) -> SessionUsage {
    SessionUsage { transactions, fee_spent, authorized: false }
}

/// A usage whose authorization is recorded: what `charge` returns.
fn recorded(transactions: u32, fee_spent: u128) -> SessionUsage {
    SessionUsage { transactions, fee_spent, authorized: true }
}

/// 2^160, the `authorized` bit of the packed usage.
const TWO_POW_160: felt252 = 0x10000000000000000000000000000000000000000;

/// (2^64 − 1) × (2^128 − 1): the largest product of one bound.
const LARGEST_PRODUCT: u256 = 0xfffffffffffffffeffffffffffffffff0000000000000001;

//
// max_fee
//

#[test]
fn test_max_fee_three_bounds_and_tip() {
    let bounds = array![
        bound('L1_GAS', 10, 100), bound('L2_GAS', 1000, 7), bound('L1_DATA', 20, 3),
    ];
    // 10 × 100 + 1000 × 7 + 20 × 3, and the tip over the L2 gas amount: 5 × 1000.
    assert_eq!(max_fee(bounds.span(), 5), 1000 + 7000 + 60 + 5000);
    assert_eq!(max_fee(bounds.span(), 0), 1000 + 7000 + 60);
}

#[test]
fn test_max_fee_tip_only_on_l2_gas() {
    let bounds = array![bound('L1_GAS', 10, 100), bound('L1_DATA', 20, 3)];
    assert_eq!(max_fee(bounds.span(), 1_000_000), 1000 + 60);
    // The L2 gas bound is found by its name, wherever it is.
    let bounds = array![bound('L2_GAS', 4, 1), bound('L1_GAS', 10, 100)];
    assert_eq!(max_fee(bounds.span(), 2), 4 + 1000 + 8);
}

#[test]
fn test_max_fee_does_not_overflow() {
    let (amount, price): (u64, u128) = (Bounded::MAX, Bounded::MAX);
    assert_eq!(max_fee(array![bound('L1_GAS', amount, price)].span(), price), LARGEST_PRODUCT);
    let bounds = array![
        bound('L1_GAS', amount, price), bound('L2_GAS', amount, price),
        bound('L1_DATA', amount, price),
    ];
    // Three products and the tip's, each the largest.
    assert_eq!(
        max_fee(bounds.span(), Bounded::MAX), 0x3fffffffffffffffbfffffffffffffffc0000000000000004,
    );
}

#[test]
fn test_max_fee_no_bounds() {
    assert_eq!(max_fee(array![].span(), 0), 0);
    assert_eq!(max_fee(array![].span(), 5), 0);
}

//
// assert_transaction_fields
//

#[test]
fn test_assert_transaction_fields_empty() {
    assert_transaction_fields(array![].span(), array![].span());
}

#[test]
#[should_panic(expected: 'session/paymaster-data')]
fn test_assert_transaction_fields_paymaster_data() {
    assert_transaction_fields(array![0x1].span(), array![].span());
}

#[test]
#[should_panic(expected: 'session/deployment-data')]
fn test_assert_transaction_fields_deployment_data() {
    assert_transaction_fields(array![].span(), array![0x1, 0x2].span());
}

#[test]
#[should_panic(expected: 'session/paymaster-data')]
fn test_assert_transaction_fields_paymaster_data_first() {
    assert_transaction_fields(array![0x1].span(), array![0x1].span());
}

//
// assert_fee_cap
//

#[test]
fn test_assert_fee_cap_at_the_cap() {
    assert_fee_cap(100, 100);
    assert_fee_cap(0, 100);
    assert_fee_cap(0, 0);
    assert_fee_cap(Bounded::<u128>::MAX.into(), Bounded::MAX);
}

#[test]
#[should_panic(expected: 'session/fee-cap')]
fn test_assert_fee_cap_one_over() {
    assert_fee_cap(101, 100);
}

#[test]
#[should_panic(expected: 'session/fee-cap')]
fn test_assert_fee_cap_above_u128() {
    assert_fee_cap(Bounded::<u128>::MAX.into() + 1, Bounded::MAX);
}

//
// SessionUsage's packing
//

#[test]
fn test_session_usage_packing_layout() {
    assert_eq!(StorePacking::pack(usage(0, 0)), 0);
    assert_eq!(StorePacking::pack(usage(0, 7)), 7);
    assert_eq!(StorePacking::pack(usage(1, 2)), 0x100000000000000000000000000000002);
    // 2^160 − 1: every bit of both counters, the authorization not recorded.
    assert_eq!(
        StorePacking::pack(usage(Bounded::MAX, Bounded::MAX)),
        0xffffffffffffffffffffffffffffffffffffffff,
    );
}

#[test]
fn test_session_usage_packing_round_trip() {
    let counters = array![
        (0, 0), (1, 0), (0, 1), (3, 300000000000000000), (Bounded::MAX, 0), (0, Bounded::MAX),
        (Bounded::MAX, Bounded::MAX),
    ];
    for (transactions, fee_spent) in counters {
        for value in array![usage(transactions, fee_spent), recorded(transactions, fee_spent)] {
            let packed: felt252 = StorePacking::pack(value);
            assert_eq!(StorePacking::<SessionUsage, felt252>::unpack(packed), value);
        }
    }
}

#[test]
fn test_session_usage_packing_authorized_is_bit_160() {
    // The bit alone, then above the largest counters: it does not touch them.
    assert_eq!(StorePacking::pack(recorded(0, 0)), TWO_POW_160);
    let one_two: felt252 = 0x100000000000000000000000000000002;
    assert_eq!(StorePacking::pack(recorded(1, 2)), TWO_POW_160 + one_two);
    assert_eq!(
        StorePacking::pack(recorded(Bounded::MAX, Bounded::MAX)),
        0x1ffffffffffffffffffffffffffffffffffffffff,
    );
    let max = usage(Bounded::MAX, Bounded::MAX);
    let max_packed: felt252 = StorePacking::pack(max);
    assert_eq!(StorePacking::pack(recorded(Bounded::MAX, Bounded::MAX)), max_packed + TWO_POW_160);
    // And read back from there: bit 160 alone is a recorded authorization of an unused session.
    assert_eq!(StorePacking::<SessionUsage, felt252>::unpack(TWO_POW_160), recorded(0, 0));
    assert_eq!(StorePacking::<SessionUsage, felt252>::unpack(TWO_POW_160 - 1), max);
    assert_eq!(
        StorePacking::<SessionUsage, felt252>::unpack(0x1ffffffffffffffffffffffffffffffffffffffff),
        recorded(Bounded::MAX, Bounded::MAX),
    );
}

#[test]
fn test_session_usage_default_is_zero() {
    assert_eq!(Default::<SessionUsage>::default(), usage(0, 0));
    assert_eq!(StorePacking::<SessionUsage, felt252>::unpack(0), usage(0, 0));
}

#[test]
fn test_charge_records_the_authorization() {
    // Whatever was recorded: the first charge records it, a later one keeps it.
    assert!(!usage(0, 0).authorized);
    assert!(charge(usage(0, 0), 3, 1000, 0).authorized);
    assert!(charge(recorded(1, 0), 3, 1000, 0).authorized);
}

//
// charge
//

#[test]
fn test_charge_counts_the_transaction_and_its_fee() {
    assert_eq!(charge(usage(0, 0), 3, 1000, 100), recorded(1, 100));
    assert_eq!(charge(usage(1, 100), 3, 1000, 250), recorded(2, 350));
    // A transaction of no fee (an estimate's zero bounds) is still counted.
    assert_eq!(charge(usage(2, 350), 3, 1000, 0), recorded(3, 350));
}

#[test]
fn test_charge_budget_exactly_reached() {
    assert_eq!(charge(usage(1, 600), 3, 1000, 400), recorded(2, 1000));
    let max: u128 = Bounded::MAX;
    assert_eq!(charge(usage(0, max - 1), 3, max, 1), recorded(1, max));
}

#[test]
#[should_panic(expected: 'session/fee-budget')]
fn test_charge_budget_one_over() {
    charge(usage(1, 600), 3, 1000, 401);
}

#[test]
#[should_panic(expected: 'session/fee-budget')]
fn test_charge_budget_above_u128() {
    // The sum is compared in u256: it does not wrap around.
    let max: u128 = Bounded::MAX;
    charge(usage(0, max), 3, max, 1);
}

#[test]
#[should_panic(expected: 'session/fee-budget')]
fn test_charge_largest_max_fee() {
    charge(usage(0, 1), 3, 1000, Bounded::MAX);
}

#[test]
fn test_charge_last_transaction() {
    assert_eq!(charge(usage(2, 0), 3, 1000, 0), recorded(3, 0));
    let max: u32 = Bounded::MAX;
    assert_eq!(charge(usage(max - 1, 0), max, 1000, 0), recorded(max, 0));
}

#[test]
#[should_panic(expected: 'session/tx-limit')]
fn test_charge_one_transaction_too_many() {
    charge(usage(3, 0), 3, 1000, 0);
}

#[test]
#[should_panic(expected: 'session/tx-limit')]
fn test_charge_no_transaction_allowed() {
    charge(usage(0, 0), 0, 1000, 0);
}

#[test]
#[should_panic(expected: 'session/tx-limit')]
fn test_charge_tx_limit_before_fee_budget() {
    charge(usage(3, 1000), 3, 1000, 1);
}

//
// granted_allowance / counted_allowance / spent_amount
//

const TOKEN: felt252 = 0x70c;
const TWO_POW_128: felt252 = 0x100000000000000000000000000000000;

fn token_call(selector: felt252, calldata: Array<felt252>) -> Call {
    Call { to: contract(TOKEN), selector, calldata: calldata.span() }
}

#[test]
fn test_granted_allowance_of_each_approval_selector() {
    let call = token_call(selector!("approve"), array![0xb0b, 7, 1]);
    assert_eq!(granted_allowance(@call), Some((contract(0xb0b), u256 { low: 7, high: 1 })));
    let call = token_call(selector!("increase_allowance"), array![0xb0b, 8, 0]);
    assert_eq!(granted_allowance(@call), Some((contract(0xb0b), 8)));
    let call = token_call(selector!("increaseAllowance"), array![0xca7, 9, 0]);
    assert_eq!(granted_allowance(@call), Some((contract(0xca7), 9)));
}

#[test]
fn test_granted_allowance_other_selectors_are_not_read() {
    // What transfers, transfer_from and any other selector move is counted from the balance; a
    // decrease grants nothing. Their calldata is not even looked at.
    let selectors = array![
        selector!("transfer"), selector!("transfer_from"), selector!("transferFrom"),
        selector!("decrease_allowance"), selector!("decreaseAllowance"), selector!("burn"),
        selector!("play"),
    ];
    for selector in selectors {
        assert_eq!(granted_allowance(@token_call(selector, array![0xb0b, 7, 0])), None);
        assert_eq!(granted_allowance(@token_call(selector, array![])), None);
    }
}

#[test]
fn test_granted_allowance_ignores_extra_words_and_takes_the_largest() {
    let call = token_call(selector!("approve"), array![0xb0b, 7, 0, 0xdead]);
    assert_eq!(granted_allowance(@call), Some((contract(0xb0b), 7)));
    let max: felt252 = TWO_POW_128 - 1;
    let call = token_call(selector!("approve"), array![0xb0b, max, max]);
    assert_eq!(granted_allowance(@call), Some((contract(0xb0b), Bounded::MAX)));
}

#[test]
#[should_panic(expected: 'session/bad-amount')]
fn test_granted_allowance_no_calldata() {
    let _ = granted_allowance(@token_call(selector!("approve"), array![]));
}

#[test]
#[should_panic(expected: 'session/bad-amount')]
fn test_granted_allowance_missing_high_word() {
    let _ = granted_allowance(@token_call(selector!("increase_allowance"), array![0xb0b, 7]));
}

#[test]
#[should_panic(expected: 'session/bad-amount')]
fn test_granted_allowance_low_word_above_u128() {
    let _ = granted_allowance(@token_call(selector!("approve"), array![0xb0b, TWO_POW_128, 0]));
}

#[test]
#[should_panic(expected: 'session/bad-amount')]
fn test_granted_allowance_high_word_above_u128() {
    let _ = granted_allowance(@token_call(selector!("approve"), array![0xb0b, 0, TWO_POW_128]));
}

#[test]
#[should_panic(expected: 'session/bad-amount')]
fn test_granted_allowance_spender_no_address() {
    // 2^251 is no contract address.
    let spender = 0x800000000000000000000000000000000000000000000000000000000000000;
    let _ = granted_allowance(@token_call(selector!("approve"), array![spender, 1, 0]));
}

#[test]
fn test_counted_allowance_is_what_is_left_of_the_grant() {
    // Nothing taken: the whole grant. Taken in part: what is left (the rest left the balance).
    assert_eq!(counted_allowance(10, 10), 10);
    assert_eq!(counted_allowance(10, 4), 4);
    assert_eq!(counted_allowance(10, 0), 0);
    // An allowance the owner gave before, increased: the increase alone.
    assert_eq!(counted_allowance(10, 1000), 10);
    assert_eq!(counted_allowance(Bounded::MAX, Bounded::MAX), Bounded::MAX);
}

#[test]
fn test_spent_amount_is_the_decrease_plus_the_allowances() {
    assert_eq!(spent_amount(100, 100, 0), 0);
    assert_eq!(spent_amount(100, 60, 0), 40);
    assert_eq!(spent_amount(100, 60, 5), 45);
    // A balance that grew spent nothing of it; the allowances still count.
    assert_eq!(spent_amount(100, 160, 0), 0);
    assert_eq!(spent_amount(100, 160, 7), 7);
    assert_eq!(spent_amount(Bounded::MAX, 0, 0), Bounded::MAX);
}

#[test]
#[should_panic(expected: 'session/spending-limit')]
fn test_spent_amount_beyond_u256() {
    let _ = spent_amount(Bounded::MAX, 0, 1);
}

//
// limits_in_order
//

fn limit(total: u256, per_period: u256, period: u64) -> SpendingLimit {
    SpendingLimit { token: contract(TOKEN), total, per_period, period }
}

fn limit_of(token: felt252, total: u256) -> SpendingLimit {
    SpendingLimit { token: contract(token), total, per_period: total, period: 0 }
}

#[test]
fn test_limits_in_order_one_per_token_increasing() {
    assert!(limits_in_order(array![].span()));
    assert!(limits_in_order(array![limit_of(TOKEN, 20)].span()));
    assert!(limits_in_order(array![limit_of(0x1, 10), limit_of(0x3, 20)].span()));
    // A token twice, at once or later, and a token below the one before: refused.
    assert!(!limits_in_order(array![limit_of(0x3, 20), limit_of(0x3, 30)].span()));
    assert!(!limits_in_order(array![limit_of(0x1, 10), limit_of(0x3, 20), limit_of(0x1, 30)].span()));
    assert!(!limits_in_order(array![limit_of(0x3, 20), limit_of(0x1, 10)].span()));
}

//
// spend
//

const START: u64 = 1000;
const DAY: u64 = 86400;

fn spent(total: u256, period: u64, period_spent: u256) -> SpendingUsage {
    SpendingUsage { total, period, period_spent }
}

#[test]
fn test_spending_usage_default_is_zero() {
    assert_eq!(Default::<SpendingUsage>::default(), spent(0, 0, 0));
}

#[test]
fn test_current_period() {
    assert_eq!(current_period(DAY, START, START), 0);
    assert_eq!(current_period(DAY, START, START + DAY - 1), 0);
    assert_eq!(current_period(DAY, START, START + DAY), 1);
    assert_eq!(current_period(DAY, START, START + 10 * DAY + 5), 10);
    assert_eq!(current_period(0, START, START + 10 * DAY), 0);
}

#[test]
fn test_spend_counts_the_amount() {
    let limit = limit(1000, 300, DAY);
    let usage = spend(Default::default(), limit, 100, START, START);
    assert_eq!(usage, spent(100, 0, 100));
    assert_eq!(spend(usage, limit, 50, START + 5, START), spent(150, 0, 150));
}

#[test]
fn test_spend_at_the_total() {
    // A period limit as large as the total: only the total binds.
    let limit = limit(1000, 1000, DAY);
    assert_eq!(spend(spent(600, 0, 600), limit, 400, START, START), spent(1000, 0, 1000));
}

#[test]
#[should_panic(expected: 'session/spending-limit')]
fn test_spend_one_over_the_total() {
    spend(spent(600, 0, 600), limit(1000, 1000, DAY), 401, START, START);
}

#[test]
#[should_panic(expected: 'session/spending-limit')]
fn test_spend_total_before_period() {
    // Over both: the total is checked first.
    spend(spent(1000, 0, 300), limit(1000, 300, DAY), 1, START, START);
}

#[test]
fn test_spend_total_with_a_high_word() {
    // A total of 2^128 (high word 1), reached by amounts crossing 2^128.
    let two_pow_128: u256 = u256 { low: 0, high: 1 };
    let limit = limit(two_pow_128, two_pow_128, 0);
    let below: u256 = two_pow_128 - 5;
    let at_the_limit = spent(two_pow_128, 0, two_pow_128);
    assert_eq!(spend(spent(below, 0, below), limit, 5, START, START), at_the_limit);
    assert_eq!(spend(Default::default(), limit, two_pow_128, START, START), at_the_limit);
}

#[test]
#[should_panic(expected: 'session/spending-limit')]
fn test_spend_total_with_a_high_word_one_over() {
    let two_pow_128: u256 = u256 { low: 0, high: 1 };
    let below: u256 = two_pow_128 - 5;
    spend(spent(below, 0, 0), limit(two_pow_128, Bounded::MAX, 0), 6, START, START);
}

#[test]
#[should_panic(expected: 'session/spending-limit')]
fn test_spend_total_beyond_u256() {
    spend(spent(1, 0, 0), limit(Bounded::MAX, Bounded::MAX, 0), Bounded::MAX, START, START);
}

#[test]
fn test_spend_at_the_period_limit() {
    let limit = limit(1000, 300, DAY);
    assert_eq!(spend(spent(500, 2, 200), limit, 100, START + 2 * DAY, START), spent(600, 2, 300));
}

#[test]
#[should_panic(expected: 'session/period-limit')]
fn test_spend_one_over_the_period_limit() {
    spend(spent(500, 2, 200), limit(1000, 300, DAY), 101, START + 2 * DAY, START);
}

#[test]
#[should_panic(expected: 'session/period-limit')]
fn test_spend_period_limit_with_a_high_word() {
    let two_pow_128: u256 = u256 { low: 0, high: 1 };
    let below: u256 = two_pow_128 - 5;
    spend(spent(below, 0, below), limit(Bounded::MAX, two_pow_128, DAY), 6, START, START);
}

#[test]
fn test_spend_period_renews_after_period() {
    let limit = limit(1000, 300, DAY);
    // The first second of period 1 starts again from 0.
    assert_eq!(spend(spent(300, 0, 300), limit, 300, START + DAY, START), spent(600, 1, 300));
    // As does a period long after the stored one.
    assert_eq!(spend(spent(300, 0, 300), limit, 10, START + 7 * DAY, START), spent(310, 7, 10));
}

#[test]
#[should_panic(expected: 'session/period-limit')]
fn test_spend_period_not_renewed_a_second_before() {
    spend(spent(300, 0, 300), limit(1000, 300, DAY), 1, START + DAY - 1, START);
}

#[test]
#[should_panic(expected: 'session/period-limit')]
fn test_spend_period_0_never_renews() {
    spend(spent(300, 0, 300), limit(1000, 300, 0), 1, START + 1000 * DAY, START);
}

#[test]
fn test_spend_period_0_is_one_period() {
    let limit = limit(1000, 300, 0);
    let much_later = START + 1000 * DAY;
    assert_eq!(spend(spent(100, 0, 100), limit, 200, much_later, START), spent(300, 0, 300));
}

#[test]
fn test_spend_first_period_of_a_fresh_usage() {
    // A usage never written has period 0: in a later period it starts from 0 as well.
    let limit = limit(1000, 300, DAY);
    assert_eq!(spend(Default::default(), limit, 300, START + 3 * DAY, START), spent(300, 3, 300));
}

//
// The spending counters' head in storage
//

fn head(total_low: u128, period: u64, total_high: bool, period_high: bool, same: bool) -> SpendingHead {
    SpendingHead { total_low, period, total_high, period_high, same }
}

#[test]
fn test_spending_head_round_trips() {
    let max_low: u128 = Bounded::MAX;
    let max_period: u64 = Bounded::MAX;
    let heads = array![
        head(0, 0, false, false, false), head(max_low, max_period, true, true, true),
        head(1, 2, true, false, false), head(3, 4, false, true, false), head(5, 6, false, false, true),
    ];
    for value in heads {
        assert_eq!(SpendingHeadStorePacking::unpack(SpendingHeadStorePacking::pack(value)), value);
    }
    // Never moved: the slot is 0.
    assert_eq!(SpendingHeadStorePacking::pack(head(0, 0, false, false, false)), 0);
}

#[test]
fn test_spending_head_flags() {
    let big = u256 { low: 1, high: 2 };
    // The first period: the period's amount is the total, stored once.
    assert_eq!(spending_head(@spent(big, 3, big)), head(1, 3, true, false, true));
    // A later period: its amount is stored apart, its high word only when not 0.
    assert_eq!(spending_head(@spent(big, 4, 7)), head(1, 4, true, false, false));
    assert_eq!(spending_head(@spent(big + big, 4, big)), head(2, 4, true, true, false));
    assert_eq!(spending_head(@spent(9, 0, 9)), head(9, 0, false, false, true));
}
