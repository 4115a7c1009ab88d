//! Argument rules (docs/protocol.md §2, "Argument rules"): every operator on felts and on u256s,
//! at and around its bounds, the argument read from the calldata, the rules that cannot be
//! evaluated, and `assert_rules_hold` over several rules. The rules inside the policy tree are
//! in `test_policy_tree` and `test_session`, their hashes in `test_vectors`.
use crate::session::argument_rules::{
    EQ, GE, GT, IN_RANGE, LE, LT, NEQ, ONE_OF, assert_rules_hold, rule_holds,
};
use crate::session::session_hash::ArgumentRule;

/// 2^128: one more than the largest u128, the weight of a u256's high word.
const TWO_POW_128: felt252 = 0x100000000000000000000000000000000;
/// The largest u128.
const U128_MAX: u128 = 0xffffffffffffffffffffffffffffffff;

/// A rule on the felt at `word`.
fn felt_rule(word: u32, operator: felt252, values: Array<felt252>) -> ArgumentRule {
    ArgumentRule { word, operator, values: values.span(), u256_values: array![].span() }
}

/// A rule on the u256 at `word` (low) and `word + 1` (high).
fn u256_rule(word: u32, operator: felt252, values: Array<u256>) -> ArgumentRule {
    ArgumentRule { word, operator, values: array![].span(), u256_values: values.span() }
}

fn u256_of(low: u128, high: u128) -> u256 {
    u256 { low, high }
}

/// Whether `rule` holds on `calldata`; a rule that cannot be evaluated fails the test.
fn holds(rule: ArgumentRule, calldata: Array<felt252>) -> bool {
    rule_holds(@rule, calldata.span()).unwrap()
}

/// Whether the felt rule `operator values` holds on the calldata `[x]`.
fn felt_holds(x: felt252, operator: felt252, values: Array<felt252>) -> bool {
    holds(felt_rule(0, operator, values), array![x])
}

/// Whether the u256 rule `operator values` holds on the calldata `[x.low, x.high]`.
fn u256_holds(x: u256, operator: felt252, values: Array<u256>) -> bool {
    holds(u256_rule(0, operator, values), array![x.low.into(), x.high.into()])
}

//
// The operators
//

#[test]
fn test_operators_are_their_shortstrings() {
    // docs/protocol.md §1: a shortstring is its ASCII bytes as a number, "EQ" is 0x4551.
    assert_eq!(EQ, 0x4551);
    assert_eq!(NEQ, 0x4e4551);
    assert_eq!(LT, 0x4c54);
    assert_eq!(LE, 0x4c45);
    assert_eq!(GT, 0x4754);
    assert_eq!(GE, 0x4745);
    assert_eq!(IN_RANGE, 0x494e5f52414e4745);
    assert_eq!(ONE_OF, 0x4f4e455f4f46);
}

#[test]
fn test_eq() {
    assert!(felt_holds(7, EQ, array![7]));
    assert!(!felt_holds(7, EQ, array![8]));
    assert!(!felt_holds(8, EQ, array![7]));
    assert!(u256_holds(u256_of(7, 1), EQ, array![u256_of(7, 1)]));
    assert!(!u256_holds(u256_of(7, 1), EQ, array![u256_of(7, 0)]), "high words differ");
    assert!(!u256_holds(u256_of(7, 1), EQ, array![u256_of(8, 1)]), "low words differ");
}

#[test]
fn test_neq() {
    assert!(felt_holds(7, NEQ, array![8]));
    assert!(!felt_holds(7, NEQ, array![7]));
    assert!(u256_holds(u256_of(7, 1), NEQ, array![u256_of(7, 0)]), "high words differ");
    assert!(!u256_holds(u256_of(7, 1), NEQ, array![u256_of(7, 1)]));
}

#[test]
fn test_lt() {
    assert!(felt_holds(7, LT, array![8]));
    assert!(!felt_holds(7, LT, array![7]), "equal");
    assert!(!felt_holds(7, LT, array![6]));
    assert!(u256_holds(u256_of(9, 0), LT, array![u256_of(5, 1)]), "a lower high word");
    assert!(!u256_holds(u256_of(5, 1), LT, array![u256_of(9, 0)]), "a higher high word");
    assert!(!u256_holds(u256_of(5, 1), LT, array![u256_of(5, 1)]), "equal");
    assert!(u256_holds(u256_of(4, 1), LT, array![u256_of(5, 1)]));
}

#[test]
fn test_le() {
    assert!(felt_holds(7, LE, array![8]));
    assert!(felt_holds(7, LE, array![7]), "equal");
    assert!(!felt_holds(7, LE, array![6]));
    assert!(u256_holds(u256_of(9, 0), LE, array![u256_of(9, 0)]), "equal");
    assert!(u256_holds(u256_of(9, 0), LE, array![u256_of(5, 1)]), "a lower high word");
    assert!(!u256_holds(u256_of(5, 1), LE, array![u256_of(9, 0)]), "a higher high word");
    assert!(!u256_holds(u256_of(10, 0), LE, array![u256_of(9, 0)]));
}

#[test]
fn test_gt() {
    assert!(felt_holds(7, GT, array![6]));
    assert!(!felt_holds(7, GT, array![7]), "equal");
    assert!(!felt_holds(7, GT, array![8]));
    assert!(u256_holds(u256_of(5, 1), GT, array![u256_of(9, 0)]), "a higher high word");
    assert!(!u256_holds(u256_of(9, 0), GT, array![u256_of(5, 1)]), "a lower high word");
    assert!(!u256_holds(u256_of(5, 1), GT, array![u256_of(5, 1)]), "equal");
}

#[test]
fn test_ge() {
    assert!(felt_holds(7, GE, array![6]));
    assert!(felt_holds(7, GE, array![7]), "equal");
    assert!(!felt_holds(7, GE, array![8]));
    assert!(u256_holds(u256_of(5, 1), GE, array![u256_of(5, 1)]), "equal");
    assert!(u256_holds(u256_of(0, 1), GE, array![u256_of(U128_MAX, 0)]), "a higher high word");
    assert!(!u256_holds(u256_of(U128_MAX, 0), GE, array![u256_of(0, 1)]), "a lower high word");
}

#[test]
fn test_in_range() {
    // [7, 9]: both ends are in, one past either is out.
    assert!(felt_holds(7, IN_RANGE, array![7, 9]), "the minimum");
    assert!(felt_holds(8, IN_RANGE, array![7, 9]));
    assert!(felt_holds(9, IN_RANGE, array![7, 9]), "the maximum");
    assert!(!felt_holds(6, IN_RANGE, array![7, 9]), "below");
    assert!(!felt_holds(10, IN_RANGE, array![7, 9]), "above");
    assert!(felt_holds(7, IN_RANGE, array![7, 7]), "a one-value range");
    assert!(!felt_holds(8, IN_RANGE, array![9, 7]), "an empty range");
    // [2^128, 2^129]: across the words.
    let range = array![u256_of(0, 1), u256_of(0, 2)];
    assert!(u256_holds(u256_of(0, 1), IN_RANGE, range.clone()), "the minimum");
    assert!(u256_holds(u256_of(U128_MAX, 1), IN_RANGE, range.clone()));
    assert!(u256_holds(u256_of(0, 2), IN_RANGE, range.clone()), "the maximum");
    assert!(!u256_holds(u256_of(U128_MAX, 0), IN_RANGE, range.clone()), "just below");
    assert!(!u256_holds(u256_of(1, 2), IN_RANGE, range.clone()), "just above");
    assert!(!u256_holds(u256_of(1, 0), IN_RANGE, range), "only the high word is out");
}

#[test]
fn test_one_of() {
    assert!(felt_holds(7, ONE_OF, array![1, 7, 9]));
    assert!(felt_holds(9, ONE_OF, array![1, 7, 9]), "the last value");
    assert!(felt_holds(7, ONE_OF, array![7]), "one value");
    assert!(!felt_holds(8, ONE_OF, array![1, 7, 9]));
    let values = array![u256_of(1, 0), u256_of(7, 1)];
    assert!(u256_holds(u256_of(7, 1), ONE_OF, values.clone()));
    assert!(!u256_holds(u256_of(7, 0), ONE_OF, values.clone()), "high words differ");
    assert!(!u256_holds(u256_of(1, 1), ONE_OF, values), "high words differ");
}

#[test]
fn test_felts_compare_as_integers_below_p() {
    // -1 is P - 1, the largest felt: above every other, not below anything.
    assert!(felt_holds(-1, GT, array![1]));
    assert!(!felt_holds(-1, LT, array![1]));
    assert!(felt_holds(-1, GT, array![-2]));
    assert!(felt_holds(-1, LE, array![-1]));
    assert!(felt_holds(-1, EQ, array![-1]));
    assert!(felt_holds(-1, GE, array![0]));
    assert!(felt_holds(0, LT, array![-1]));
    assert!(!felt_holds(0, GT, array![-1]));
    assert!(felt_holds(TWO_POW_128, GT, array![TWO_POW_128 - 1]), "above a u128");
    assert!(felt_holds(-1, IN_RANGE, array![TWO_POW_128, -1]));
}

//
// The argument
//

#[test]
fn test_the_argument_is_at_its_word() {
    let calldata = array![10, 20, 30];
    assert!(holds(felt_rule(0, EQ, array![10]), calldata.clone()));
    assert!(holds(felt_rule(1, EQ, array![20]), calldata.clone()));
    assert!(holds(felt_rule(2, EQ, array![30]), calldata.clone()));
    assert!(!holds(felt_rule(1, EQ, array![10]), calldata));
    // A u256 at words 1 and 2: low first.
    let bound = u256_rule(1, LE, array![u256_of(9, 0)]);
    assert!(holds(bound, array![0xb0b, 9, 0]));
    assert!(!holds(bound, array![0xb0b, 5, 1]), "a high word of 1 is above any low word");
    assert!(holds(u256_rule(1, EQ, array![u256_of(20, 30)]), array![10, 20, 30]));
}

#[test]
fn test_a_felt_word_past_the_end_fails() {
    assert!(!holds(felt_rule(2, GE, array![0]), array![1, 2]));
    assert!(!holds(felt_rule(0, GE, array![0]), array![]));
    assert!(!holds(felt_rule(0xffffffff, GE, array![0]), array![]));
    // Failing is not holding vacuously: NEQ does not hold on a missing word either.
    assert!(!holds(felt_rule(2, NEQ, array![0]), array![1, 2]));
}

#[test]
fn test_a_u256_word_past_the_end_fails() {
    // Only the low word is there.
    assert!(!holds(u256_rule(1, GE, array![0]), array![1, 2]));
    assert!(!holds(u256_rule(0, GE, array![0]), array![1]));
    // Neither is.
    assert!(!holds(u256_rule(2, GE, array![0]), array![1, 2]));
    assert!(!holds(u256_rule(0xffffffff, GE, array![0]), array![1, 2]));
    assert!(!holds(u256_rule(0xfffffffe, NEQ, array![0]), array![]));
}

#[test]
fn test_a_u256_word_of_2_pow_128_fails() {
    // Not a u256: the rule fails whatever it compares, even `>= 0` and `!= 0`.
    for operator in array![GE, NEQ] {
        let rule = u256_rule(0, operator, array![0]);
        assert!(holds(rule, array![U128_MAX.into(), U128_MAX.into()]));
        assert!(!holds(rule, array![TWO_POW_128, 0]), "the low word");
        assert!(!holds(rule, array![0, TWO_POW_128]), "the high word");
        assert!(!holds(rule, array![-1, -1]));
    }
    // A felt rule reads the same felt as the integer it is.
    assert!(holds(felt_rule(0, GE, array![0]), array![TWO_POW_128]));
}

//
// Rules that cannot be evaluated
//

/// `rule_holds` of `rule` is `session/bad-rule`, on calldata where its argument is there and
/// where it is not: a bad rule is bad before any word is read.
fn assert_bad(rule: ArgumentRule) {
    let bad_rule = Err('session/bad-rule');
    assert_eq!(rule_holds(@rule, array![1, 1, 1].span()), bad_rule);
    assert_eq!(rule_holds(@rule, array![].span()), bad_rule);
}

#[test]
fn test_unknown_operator() {
    assert_bad(felt_rule(0, 'LIKE', array![1]));
    assert_bad(felt_rule(0, 'eq', array![1]));
    assert_bad(felt_rule(0, 0, array![1]));
    assert_bad(u256_rule(0, 'NE', array![1]));
}

#[test]
fn test_no_values() {
    for operator in array![EQ, NEQ, LT, LE, GT, GE, IN_RANGE, ONE_OF] {
        assert_bad(felt_rule(0, operator, array![]));
    }
}

#[test]
fn test_wrong_count_of_values() {
    for operator in array![EQ, NEQ, LT, LE, GT, GE] {
        assert_bad(felt_rule(0, operator, array![1, 2]));
        assert_bad(u256_rule(0, operator, array![1, 2]));
    }
    assert_bad(felt_rule(0, IN_RANGE, array![1]));
    assert_bad(u256_rule(0, IN_RANGE, array![1]));
    assert_bad(felt_rule(0, IN_RANGE, array![1, 2, 3]));
    // ONE_OF takes any number but none.
    assert_bad(u256_rule(0, ONE_OF, array![]));
    assert!(holds(felt_rule(0, ONE_OF, array![5, 4, 3, 2, 1]), array![1]));
}

#[test]
fn test_values_in_both_lists() {
    let both = ArgumentRule {
        word: 0, operator: EQ, values: array![1].span(), u256_values: array![1].span(),
    };
    assert_bad(both);
    let one_of = ArgumentRule {
        word: 0, operator: ONE_OF, values: array![1, 2].span(), u256_values: array![1].span(),
    };
    assert_bad(one_of);
}

//
// assert_rules_hold
//

/// The vectors' `transfer` rules: the recipient is 0xb0b, the amount at most 1000.
fn transfer_rules() -> Span<ArgumentRule> {
    super::support::transfer_rules()
}

#[test]
fn test_assert_rules_hold_no_rules() {
    assert_rules_hold(array![].span(), array![].span());
    assert_rules_hold(array![].span(), array![1, 2, 3].span());
}

#[test]
fn test_assert_rules_hold_all_hold() {
    assert_rules_hold(transfer_rules(), array![0xb0b, 1000, 0].span());
    assert_rules_hold(transfer_rules(), array![0xb0b, 0, 0, 'extra'].span());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_rules_hold_first_fails() {
    assert_rules_hold(transfer_rules(), array![0xbad, 1000, 0].span());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_rules_hold_second_fails() {
    assert_rules_hold(transfer_rules(), array![0xb0b, 1001, 0].span());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_rules_hold_missing_argument() {
    assert_rules_hold(transfer_rules(), array![0xb0b, 1000].span());
}

#[test]
#[should_panic(expected: ('session/bad-rule',))]
fn test_assert_rules_hold_bad_rule() {
    let rules = array![*transfer_rules()[0], felt_rule(1, IN_RANGE, array![1])];
    assert_rules_hold(rules.span(), array![0xb0b, 1, 0].span());
}

#[test]
#[should_panic(expected: ('session/argument-rule',))]
fn test_assert_rules_hold_in_order() {
    // Rule by rule: the first one's failure is the error, before the second is found bad.
    let rules = array![*transfer_rules()[0], felt_rule(1, IN_RANGE, array![1])];
    assert_rules_hold(rules.span(), array![0xbad, 1, 0].span());
}

#[test]
#[should_panic(expected: ('session/bad-rule',))]
fn test_assert_rules_hold_bad_rule_first() {
    let rules = array![felt_rule(0, 'LIKE', array![1]), *transfer_rules()[1]];
    assert_rules_hold(rules.span(), array![0xbad, 1001, 0].span());
}
