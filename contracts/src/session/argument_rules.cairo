//! Argument rules (docs/protocol.md §2, "Argument rules"): what a policy lets a call pass as its
//! arguments. A rule reads one argument from the call's calldata, a felt or a u256 by its word,
//! and compares it with its values by its operator; `assert_rules_hold` is the end of check 10 of
//! §4 (`policy_tree::assert_allowed_calls` runs it on each call once its leaf, rules included, is
//! proven). The `ArgumentRule` type and its hash are with the other signed types in
//! `session_hash`. Mirrors the Rust SDK's `argument_rules` module.
//!
//! Felt and u256 rules share one comparison, on u256s: a felt compares as the integer in
//! `[0, P)` it is, which its `u256` is. This runs in `__validate__` of every session transaction,
//! so a rule is evaluated where it lies, with no values copied.
use crate::errors;
use super::session_hash::ArgumentRule;

/// `x == v`, with exactly one value `v`.
pub const EQ: felt252 = 'EQ';
/// `x != v`, with exactly one value `v`.
pub const NEQ: felt252 = 'NEQ';
/// `x < v`, with exactly one value `v`.
pub const LT: felt252 = 'LT';
/// `x <= v`, with exactly one value `v`.
pub const LE: felt252 = 'LE';
/// `x > v`, with exactly one value `v`.
pub const GT: felt252 = 'GT';
/// `x >= v`, with exactly one value `v`.
pub const GE: felt252 = 'GE';
/// `min <= x <= max`, with exactly two values `min, max`.
pub const IN_RANGE: felt252 = 'IN_RANGE';
/// `x` equals one of the values, of which there is at least one.
pub const ONE_OF: felt252 = 'ONE_OF';

/// A rule's operator, once its name and its number of values are known to go together.
#[derive(Copy, Drop, PartialEq, Debug)]
enum Operator {
    Eq,
    Neq,
    Lt,
    Le,
    Gt,
    Ge,
    InRange,
    OneOf,
}

/// The operator named `operator` when a rule of it may have `count` values (exactly one for the
/// comparisons, two for `IN_RANGE`, at least one for `ONE_OF`); `None` for an unknown operator or
/// the wrong count. The one table of operators.
fn operator_taking(operator: felt252, count: usize) -> Option<Operator> {
    let (operator, takes) = if operator == EQ {
        (Operator::Eq, count == 1)
    } else if operator == NEQ {
        (Operator::Neq, count == 1)
    } else if operator == LT {
        (Operator::Lt, count == 1)
    } else if operator == LE {
        (Operator::Le, count == 1)
    } else if operator == GT {
        (Operator::Gt, count == 1)
    } else if operator == GE {
        (Operator::Ge, count == 1)
    } else if operator == IN_RANGE {
        (Operator::InRange, count == 2)
    } else if operator == ONE_OF {
        (Operator::OneOf, count >= 1)
    } else {
        return None;
    };
    if takes {
        Some(operator)
    } else {
        None
    }
}

/// Whether `x` and `values` (as many as `operator_taking` allowed, so at least one) satisfy
/// `operator`: the one comparison of felt rules (`T` = `felt252`) and u256 rules (`T` = `u256`),
/// each value read in place and compared as a u256.
fn compare<T, +Copy<T>, +Drop<T>, +Into<T, u256>>(
    operator: Operator, x: u256, values: Span<T>,
) -> bool {
    let first: u256 = (*values[0]).into();
    match operator {
        Operator::Eq => x == first,
        Operator::Neq => x != first,
        Operator::Lt => x < first,
        Operator::Le => x <= first,
        Operator::Gt => x > first,
        Operator::Ge => x >= first,
        Operator::InRange => {
            let max: u256 = (*values[1]).into();
            first <= x && x <= max
        },
        Operator::OneOf => {
            for value in values {
                let value: u256 = (*value).into();
                if value == x {
                    return true;
                }
            }
            false
        },
    }
}

/// The u256 of calldata words `word` (low) and `word + 1` (high), if both are there and below
/// 2^128. The low word is read first: once it is there, `word + 1` is at most the calldata's
/// length, so it cannot overflow even for the largest `word`.
fn u256_argument(calldata: Span<felt252>, word: u32) -> Option<u256> {
    let low: u128 = (*calldata.get(word)?.unbox()).try_into()?;
    let high: u128 = (*calldata.get(word + 1)?.unbox()).try_into()?;
    Some(u256 { low, high })
}

/// Whether `rule` holds on `calldata` (docs/protocol.md §2, "Argument rules"). `Err` with
/// `session/bad-rule` when the rule cannot be evaluated, whatever the calldata: an unknown
/// operator, the wrong number of values for it, or values in both lists or in neither. Else
/// `Ok(false)` when it does not hold, and when its argument is not there: a word past the end of
/// `calldata` or, for a u256 rule, a high word past it or a word of 2^128 or more.
pub fn rule_holds(rule: @ArgumentRule, calldata: Span<felt252>) -> Result<bool, felt252> {
    let ArgumentRule { word, operator, values, u256_values } = *rule;
    // A felt rule has its values in `values` alone, a u256 rule in `u256_values` alone.
    let is_u256 = values.is_empty();
    if is_u256 == u256_values.is_empty() {
        return Err(errors::SESSION_BAD_RULE);
    }
    let count = if is_u256 {
        u256_values.len()
    } else {
        values.len()
    };
    let Some(operator) = operator_taking(operator, count) else {
        return Err(errors::SESSION_BAD_RULE);
    };
    if is_u256 {
        let Some(x) = u256_argument(calldata, word) else {
            return Ok(false);
        };
        Ok(compare(operator, x, u256_values))
    } else {
        let Some(x) = calldata.get(word) else {
            return Ok(false);
        };
        Ok(compare(operator, (*x.unbox()).into(), values))
    }
}

/// The rules of a call's policy on its `calldata`, in order: the first rule that cannot be
/// evaluated panics with `session/bad-rule`, the first that does not hold with
/// `session/argument-rule`. No rules: any calldata.
pub fn assert_rules_hold(rules: Span<ArgumentRule>, calldata: Span<felt252>) {
    for rule in rules {
        match rule_holds(rule, calldata) {
            Ok(true) => {},
            Ok(false) => core::panic_with_felt252(errors::SESSION_ARGUMENT_RULE),
            Err(error) => core::panic_with_felt252(error),
        }
    }
}
