//! The limits of a session (docs/protocol.md §4, "Fees" and "Where each count happens"), on their
//! own: the maximum fee of a transaction, the transaction fields, the fee cap, the usage's packing
//! and `charge`. The same checks through `__validate__` are in `test_session`, except those on
//! resource bounds and paymaster data, which the test runner cannot set (the e2e tests on devnet
//! cover them).
use core::num::traits::Bounded;
use starknet::ResourcesBounds;
use starknet::storage_access::StorePacking;
use crate::session::limits::{
    SessionUsage, assert_fee_cap, assert_transaction_fields, charge, max_fee,
};

fn bound(resource: felt252, max_amount: u64, max_price_per_unit: u128) -> ResourcesBounds {
    ResourcesBounds { resource, max_amount, max_price_per_unit }
}

fn usage(transactions: u32, fee_spent: u128) -> SessionUsage {
    SessionUsage { transactions, fee_spent }
}

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
    // 2^160 − 1: every bit of both fields.
    assert_eq!(
        StorePacking::pack(usage(Bounded::MAX, Bounded::MAX)),
        0xffffffffffffffffffffffffffffffffffffffff,
    );
}

#[test]
fn test_session_usage_packing_round_trip() {
    let values = array![
        usage(0, 0), usage(1, 0), usage(0, 1), usage(3, 300000000000000000),
        usage(Bounded::MAX, 0), usage(0, Bounded::MAX), usage(Bounded::MAX, Bounded::MAX),
    ];
    for value in values {
        let packed: felt252 = StorePacking::pack(value);
        assert_eq!(StorePacking::<SessionUsage, felt252>::unpack(packed), value);
    }
}

#[test]
fn test_session_usage_default_is_zero() {
    assert_eq!(Default::<SessionUsage>::default(), usage(0, 0));
    assert_eq!(StorePacking::<SessionUsage, felt252>::unpack(0), usage(0, 0));
}

//
// charge
//

#[test]
fn test_charge_counts_the_transaction_and_its_fee() {
    assert_eq!(charge(usage(0, 0), 3, 1000, 100), usage(1, 100));
    assert_eq!(charge(usage(1, 100), 3, 1000, 250), usage(2, 350));
    // A transaction of no fee (an estimate's zero bounds) is still counted.
    assert_eq!(charge(usage(2, 350), 3, 1000, 0), usage(3, 350));
}

#[test]
fn test_charge_budget_exactly_reached() {
    assert_eq!(charge(usage(1, 600), 3, 1000, 400), usage(2, 1000));
    let max: u128 = Bounded::MAX;
    assert_eq!(charge(usage(0, max - 1), 3, max, 1), usage(1, max));
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
    assert_eq!(charge(usage(2, 0), 3, 1000, 0), usage(3, 0));
    let max: u32 = Bounded::MAX;
    assert_eq!(charge(usage(max - 1, 0), max, 1000, 0), usage(max, 0));
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
