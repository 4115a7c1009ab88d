//! The limits of a session (docs/protocol.md §4, "Fees", "Spending", "Where each count happens"
//! and "Time"): what a transaction may cost at most, the transaction fields a session may not
//! use, the usage the account counts per session with its one-slot packing, and the spending
//! counted per session and token in execution. Pure functions: the `SessionComponent` reads the
//! transaction, its storage and the limited tokens' balances and allowances, and runs them
//! (checks 3, 4 and 11 of validation, spending in execution). Mirrors the Rust SDK's `limits`
//! module.
use core::num::traits::{CheckedAdd, WideMul};
use starknet::account::Call;
use starknet::storage_access::StorePacking;
use starknet::{ContractAddress, ResourcesBounds};
use crate::errors;
use super::session_hash::SpendingLimit;

/// What validation's clock may lag behind the real one: Starknet hands `__validate__` the block
/// timestamp rounded down to the hour, so validation refuses only a session that starts at least
/// this long after the rounded time (docs/protocol.md §4, "Time").
pub const VALIDATION_TIME_ROUNDING: u64 = 3600;

/// The resource name of the L2 gas bound, the one the tip is paid on.
const L2_GAS: felt252 = 'L2_GAS';

/// 2^128, the weight of `SessionUsage::transactions` in its packed slot.
const TWO_POW_128: felt252 = 0x100000000000000000000000000000000;

/// 2^160, the weight of `SessionUsage::authorized` in its packed slot.
const TWO_POW_160: felt252 = 0x10000000000000000000000000000000000000000;

/// 2^32, the weight of `SessionUsage::authorized` in the packed slot's high 128 bits.
const TWO_POW_32: u128 = 0x100000000;

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
/// transactions validation accepted and the sum of their maximum fees, in FRI, and whether it
/// recorded the owner's authorization of the session (docs/protocol.md §4, "Authorization
/// cache"). Stored in one slot (`StorePacking` below); all zero (and not authorized) for a
/// session never used nor registered.
#[derive(Copy, Drop, Serde, Debug, PartialEq, Default)]
pub struct SessionUsage {
    /// The transactions validated, reverted in execution or not.
    pub transactions: u32,
    /// The fee counted for them, each at its maximum fee.
    pub fee_spent: u128,
    /// Whether the account recorded that the owner authorized the session: by its first
    /// validated transaction, or by `register_session`. A recorded session may send the short
    /// form of the token (no owner signature).
    pub authorized: bool,
}

/// `SessionUsage` in one felt: `fee_spent` in bits 0–127, `transactions` in bits 128–159 and
/// `authorized` in bit 160 (1 when true). At most 2^161 − 1, well below the field's prime.
pub impl SessionUsageStorePacking of StorePacking<SessionUsage, felt252> {
    fn pack(value: SessionUsage) -> felt252 {
        let transactions: felt252 = value.transactions.into();
        let authorized: felt252 = if value.authorized {
            TWO_POW_160
        } else {
            0
        };
        authorized + transactions * TWO_POW_128 + value.fee_spent.into()
    }

    fn unpack(value: felt252) -> SessionUsage {
        let value: u256 = value.into();
        // Only `pack` writes the slot, so the high word is `transactions` (32 bits) with at most
        // the `authorized` bit above it.
        let authorized = value.high >= TWO_POW_32;
        let transactions = if authorized {
            value.high - TWO_POW_32
        } else {
            value.high
        };
        SessionUsage {
            transactions: transactions.try_into().unwrap(), fee_spent: value.low, authorized,
        }
    }
}

/// Check 11: charges a transaction of maximum fee `max_fee` to a session's `usage`, in this order:
/// fewer than `max_transactions` transactions were counted before (`session/tx-limit`), and the
/// fee counted plus `max_fee` is at most `fee_budget`, in u256 (`session/fee-budget`). Returns
/// the usage to write back: one more transaction and `max_fee` added, and the authorization
/// recorded (`authorized`: validation checked it before, check 6).
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
    SessionUsage { transactions: usage.transactions + 1, fee_spent, authorized: true }
}

//
// Spending (docs/protocol.md §4, "Spending"): counted in execution, around the session's calls.
//

/// The allowance a call grants, if a spending limit counts it (docs/protocol.md §4, "Spending"):
/// `(spender, amount)` of `approve`, `increase_allowance` and `increaseAllowance`, the spender at
/// calldata word 0 and the u256 amount at words 1 and 2; `None` for any other selector (what
/// those move is counted from the balance). A spender that is no address, or an amount whose
/// words are missing or with a word of 2^128 or more, is `session/bad-amount`. The caller asks
/// only about calls to a limited token.
pub fn granted_allowance(call: @Call) -> Option<(ContractAddress, u256)> {
    let selector = *call.selector;
    if selector != selector!("approve")
        && selector != selector!("increase_allowance")
        && selector != selector!("increaseAllowance") {
        return None;
    }
    let calldata = *call.calldata;
    let Some(spender) = calldata.get(0) else {
        core::panic_with_felt252(errors::SESSION_BAD_AMOUNT)
    };
    let Some(spender) = (*spender.unbox()).try_into() else {
        core::panic_with_felt252(errors::SESSION_BAD_AMOUNT)
    };
    Some((spender, u256 { low: amount_word(calldata, 1), high: amount_word(calldata, 2) }))
}

/// What an allowance of `granted` counts once the calls ran, with `left` the spender's allowance
/// after them: the part of it still there, `min(granted, left)`. What the spender took of it
/// during the calls left the balance and is counted there, so an approval followed by a pull in
/// one transaction counts once.
pub fn counted_allowance(granted: u256, left: u256) -> u256 {
    if left < granted {
        left
    } else {
        granted
    }
}

/// What a session's calls spent of one token: what left the account's balance (`before` less
/// `after`, 0 when it grew) plus `allowances`, the allowances they granted that are still there
/// (`counted_allowance`). A sum beyond u256 is beyond any total: `session/spending-limit`.
pub fn spent_amount(before: u256, after: u256, allowances: u256) -> u256 {
    let left_the_balance = if after < before {
        before - after
    } else {
        0
    };
    let Some(spent) = left_the_balance.checked_add(allowances) else {
        core::panic_with_felt252(errors::SESSION_SPENDING_LIMIT)
    };
    spent
}

/// The calldata word at `index` as a u128, or a panic with `session/bad-amount`.
fn amount_word(calldata: Span<felt252>, index: usize) -> u128 {
    let Some(word) = calldata.get(index) else {
        core::panic_with_felt252(errors::SESSION_BAD_AMOUNT)
    };
    let Some(word) = (*word.unbox()).try_into() else {
        core::panic_with_felt252(errors::SESSION_BAD_AMOUNT)
    };
    word
}

/// Whether `limits` name each token once, in increasing address order: each token's address is
/// above the one before (`session/limit-order` otherwise, `session_token::parse_header` and
/// `register_session`). One comparison per limit, and the owner never signs two limits of one
/// token of which the account would apply only one.
pub fn limits_in_order(limits: Span<SpendingLimit>) -> bool {
    let mut previous: Option<u256> = None;
    for limit in limits {
        let token: felt252 = (*limit.token).into();
        let token: u256 = token.into();
        if let Some(previous) = previous {
            if token <= previous {
                return false;
            }
        }
        previous = Some(token);
    }
    true
}

/// What the account counted of one token for a session (the view
/// `ISessionUsage::get_session_spending`): `total` moved over the session's life, and
/// `period_spent` moved in the period `period`, as stored (a reader compares it with the current
/// one, `current_period`). All zero for a token the session never moved.
#[derive(Copy, Drop, Serde, Debug, PartialEq, Default)]
pub struct SpendingUsage {
    /// Moved over the session's life.
    pub total: u256,
    /// The period `period_spent` is of, counted from the session's `valid_after`.
    pub period: u64,
    /// Moved in `period`.
    pub period_spent: u256,
}

/// `SpendingUsage` in storage (docs/protocol.md §4, "Spending"): a head felt, always written, and
/// the words it does not hold only when they carry something, so that a spend of a limit that
/// never renews, or in its first period, reads and writes one slot. The head holds `total.low`
/// (bits 0–127), `period` (bits 128–191) and three flags: `total.high` is not 0 (bit 192; it is
/// then in word `SPENDING_TOTAL_HIGH`), `period_spent.high` is not 0 (bit 193; word
/// `SPENDING_PERIOD_HIGH`), and `period_spent` equals `total` (bit 194; otherwise its low word
/// is in word `SPENDING_PERIOD_LOW`). A head of 0 is a token never moved.
#[derive(Copy, Drop, Debug, PartialEq)]
pub struct SpendingHead {
    /// `total.low`.
    pub total_low: u128,
    /// `period`.
    pub period: u64,
    /// Whether `total.high` is stored (not 0).
    pub total_high: bool,
    /// Whether `period_spent.high` is stored (not 0).
    pub period_high: bool,
    /// Whether `period_spent` equals `total` (then neither of its words is stored).
    pub same: bool,
}

/// The extra word holding `total.high`.
pub const SPENDING_TOTAL_HIGH: u8 = 1;
/// The extra word holding `period_spent.low`.
pub const SPENDING_PERIOD_LOW: u8 = 2;
/// The extra word holding `period_spent.high`.
pub const SPENDING_PERIOD_HIGH: u8 = 3;

const FLAG_TOTAL_HIGH: u128 = 0x10000000000000000; // 2^64 within the high word: bit 192
const FLAG_PERIOD_HIGH: u128 = 0x20000000000000000; // bit 193
const FLAG_SAME: u128 = 0x40000000000000000; // bit 194

/// The head of `usage` (`SpendingHead`).
pub fn spending_head(usage: @SpendingUsage) -> SpendingHead {
    let same = usage.period_spent == usage.total;
    SpendingHead {
        total_low: *usage.total.low,
        period: *usage.period,
        total_high: *usage.total.high != 0,
        period_high: !same && *usage.period_spent.high != 0,
        same,
    }
}

pub impl SpendingHeadStorePacking of StorePacking<SpendingHead, felt252> {
    fn pack(value: SpendingHead) -> felt252 {
        let mut high: u128 = value.period.into();
        if value.total_high {
            high += FLAG_TOTAL_HIGH;
        }
        if value.period_high {
            high += FLAG_PERIOD_HIGH;
        }
        if value.same {
            high += FLAG_SAME;
        }
        // At most 2^195 - 1, below the field's prime.
        high.into() * TWO_POW_128 + value.total_low.into()
    }

    fn unpack(value: felt252) -> SpendingHead {
        let value: u256 = value.into();
        // Only `pack` writes the slot: the high word is the period (64 bits) and the flags.
        let (flags, period) = DivRem::div_rem(value.high, 0x10000000000000000_u128.try_into().unwrap());
        SpendingHead {
            total_low: value.low,
            period: period.try_into().unwrap(),
            total_high: flags & 1 != 0,
            period_high: flags & 2 != 0,
            same: flags & 4 != 0,
        }
    }
}

/// The period of a limit of `period` seconds at `now`, for a session starting at `valid_after`:
/// `(now - valid_after) / period`, and 0 when `period` is 0 (one period that never renews). `now`
/// is at least `valid_after` (execution checked the window first).
pub fn current_period(period: u64, valid_after: u64, now: u64) -> u64 {
    if period == 0 {
        0
    } else {
        (now - valid_after) / period
    }
}

/// Counts `amount` more of `limit`'s token at `now` for a session starting at `valid_after`, on
/// the `usage` stored: the period rolls (`current_period`; a stored period other than the current
/// one, which can only be older, starts again from 0), then, in this order, the new total is at
/// most `limit.total` (`session/spending-limit`) and the new amount in the period at most
/// `limit.per_period` (`session/period-limit`). Returns the usage to write back.
pub fn spend(
    usage: SpendingUsage, limit: SpendingLimit, amount: u256, now: u64, valid_after: u64,
) -> SpendingUsage {
    let period = current_period(limit.period, valid_after, now);
    let period_spent = if usage.period == period {
        usage.period_spent
    } else {
        0
    };
    let total = match usage.total.checked_add(amount) {
        Some(total) => if total <= limit.total {
            Some(total)
        } else {
            None
        },
        None => None,
    };
    let Some(total) = total else {
        core::panic_with_felt252(errors::SESSION_SPENDING_LIMIT)
    };
    let period_spent = match period_spent.checked_add(amount) {
        Some(spent) => if spent <= limit.per_period {
            Some(spent)
        } else {
            None
        },
        None => None,
    };
    let Some(period_spent) = period_spent else {
        core::panic_with_felt252(errors::SESSION_PERIOD_LIMIT)
    };
    SpendingUsage { total, period, period_spent }
}
