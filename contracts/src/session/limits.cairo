//! The limits of a session (docs/protocol.md §4, "Fees", "Where each count happens" and "Time"):
//! what a transaction may cost at most, the transaction fields a session may not use, and the
//! usage the account counts per session with its one-slot packing. Pure functions: the
//! `SessionComponent` reads the transaction and its storage and runs them (checks 3, 4 and 11).
//! Mirrors the Rust SDK's `limits` module.
use core::num::traits::{CheckedAdd, WideMul};
use starknet::ResourcesBounds;
use starknet::storage_access::StorePacking;
use crate::errors;

/// What validation's clock may lag behind the real one: Starknet hands `__validate__` the block
/// timestamp rounded down to the hour, so validation refuses only a session that starts at least
/// this long after the rounded time (docs/protocol.md §4, "Time").
pub const VALIDATION_TIME_ROUNDING: u64 = 3600;

/// The resource name of the L2 gas bound, the one the tip is paid on.
const L2_GAS: felt252 = 'L2_GAS';

/// 2^128, the weight of `SessionUsage::transactions` in its packed slot.
const TWO_POW_128: felt252 = 0x100000000000000000000000000000000;

/// The maximum fee of a v3 transaction, in FRI: the most its resource bounds let the sequencer
/// charge, `Σ max_amount × max_price_per_unit` over every bound plus `tip × max_amount` of the
/// `L2_GAS` bound. In u256, which no bound can overflow (each product is below 2^192).
pub fn max_fee(resource_bounds: Span<ResourcesBounds>, tip: u128) -> u256 {
    let mut total: u256 = 0;
    for bound in resource_bounds {
        let amount: u128 = (*bound.max_amount).into();
        total += amount.wide_mul(*bound.max_price_per_unit);
        if *bound.resource == L2_GAS {
            total += amount.wide_mul(tip);
        }
    }
    total
}

/// Check 4's fields of a session transaction, in this order: no `paymaster_data`
/// (`session/paymaster-data`: a session's fees are the account's) and no `account_deployment_data`
/// (`session/deployment-data`: a session never deploys the account).
pub fn assert_transaction_fields(
    paymaster_data: Span<felt252>, account_deployment_data: Span<felt252>,
) {
    assert(paymaster_data.is_empty(), errors::SESSION_PAYMASTER_DATA);
    assert(account_deployment_data.is_empty(), errors::SESSION_DEPLOYMENT_DATA);
}

/// The end of check 4: the transaction's maximum fee `max_fee` (the function `max_fee`'s result)
/// is at most the session's `cap` (`session/fee-cap`).
pub fn assert_fee_cap(max_fee: u256, cap: u128) {
    assert(max_fee <= cap.into(), errors::SESSION_FEE_CAP);
}

/// What the account counted for a session (the view `ISessionUsage::get_session_usage`): the
/// transactions validation accepted and the sum of their maximum fees, in FRI. Stored in one slot
/// (`StorePacking` below); all zero for a session never used.
#[derive(Copy, Drop, Serde, Debug, PartialEq, Default)]
pub struct SessionUsage {
    /// The transactions validated, reverted in execution or not.
    pub transactions: u32,
    /// The fee counted for them, each at its maximum fee.
    pub fee_spent: u128,
}

/// `SessionUsage` in one felt: `fee_spent` in the low 128 bits, `transactions` above them.
pub impl SessionUsageStorePacking of StorePacking<SessionUsage, felt252> {
    fn pack(value: SessionUsage) -> felt252 {
        let transactions: felt252 = value.transactions.into();
        transactions * TWO_POW_128 + value.fee_spent.into()
    }

    fn unpack(value: felt252) -> SessionUsage {
        let value: u256 = value.into();
        // Only `pack` writes the slot, so the high word is a u32.
        SessionUsage { transactions: value.high.try_into().unwrap(), fee_spent: value.low }
    }
}

/// Check 11: charges a transaction of maximum fee `max_fee` to a session's `usage`, in this order:
/// fewer than `max_transactions` transactions were counted before (`session/tx-limit`), and the
/// fee counted plus `max_fee` is at most `fee_budget`, in u256 (`session/fee-budget`). Returns
/// the usage to write back: one more transaction and `max_fee` added.
pub fn charge(
    usage: SessionUsage, max_transactions: u32, fee_budget: u128, max_fee: u256,
) -> SessionUsage {
    assert(usage.transactions < max_transactions, errors::SESSION_TX_LIMIT);
    let fee_spent: Option<u128> = match max_fee.checked_add(usage.fee_spent.into()) {
        // At most `fee_budget`, so its high word is 0.
        Some(total) => if total <= fee_budget.into() {
            Some(total.low)
        } else {
            None
        },
        None => None,
    };
    let Some(fee_spent) = fee_spent else {
        core::panic_with_felt252(errors::SESSION_FEE_BUDGET)
    };
    SessionUsage { transactions: usage.transactions + 1, fee_spent }
}
