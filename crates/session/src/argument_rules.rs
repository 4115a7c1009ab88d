//! Argument rules: what a policy lets a call pass as its arguments (docs/protocol.md §2,
//! "Argument rules"), the operators, how a rule reads its argument from the calldata and when it
//! holds. The [`ArgumentRule`] type and its hash are with the other signed types in
//! `session_hash`. Mirrors `contracts/src/session/argument_rules.cairo`.

use std::fmt;
use std::str::FromStr;

use starknet::core::types::{Felt, U256};
use starknet::core::utils::cairo_short_string_to_felt;

use crate::error::Error;

/// A constraint on one argument of a call (docs/protocol.md §2, "Argument rules"): the felt at
/// calldata word `word`, or the u256 at words `word` and `word + 1` for a rule with
/// `u256_values`, compared by `operator` (a shortstring felt, [`Operator::felt`]) with the
/// values. Built by [`ArgumentRule::felt`] and [`ArgumentRule::u256`]; the fields are public and
/// mirror the contract's struct, so a rule the account cannot evaluate can be represented too
/// ([`ArgumentRule::check`] says why). Ordered by its fields, the canonical order of a policy's
/// rules.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArgumentRule {
    /// The calldata word the argument starts at.
    pub word: u32,
    /// The operator's shortstring (`'EQ'`, `'LE'`, …).
    pub operator: Felt,
    /// The values of a rule on a felt.
    pub values: Vec<Felt>,
    /// The values of a rule on a u256.
    pub u256_values: Vec<U256>,
}

/// How a rule compares its argument `x` with its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `x == v`.
    Eq,
    /// `x != v`.
    Neq,
    /// `x < v`.
    Lt,
    /// `x <= v`.
    Le,
    /// `x > v`.
    Gt,
    /// `x >= v`.
    Ge,
    /// `min <= x <= max`, with the values `[min, max]`.
    InRange,
    /// `x` is one of the values (at least one).
    OneOf,
}

impl Operator {
    /// Every operator.
    pub const ALL: [Operator; 8] = [
        Operator::Eq,
        Operator::Neq,
        Operator::Lt,
        Operator::Le,
        Operator::Gt,
        Operator::Ge,
        Operator::InRange,
        Operator::OneOf,
    ];

    /// The operator's name, the shortstring the owner signs (`EQ`, `IN_RANGE`, …).
    pub fn name(self) -> &'static str {
        match self {
            Operator::Eq => "EQ",
            Operator::Neq => "NEQ",
            Operator::Lt => "LT",
            Operator::Le => "LE",
            Operator::Gt => "GT",
            Operator::Ge => "GE",
            Operator::InRange => "IN_RANGE",
            Operator::OneOf => "ONE_OF",
        }
    }

    /// The operator as the felt of its shortstring name, as it travels and is hashed.
    pub fn felt(self) -> Felt {
        cairo_short_string_to_felt(self.name()).unwrap_or_else(|e| unreachable!("a short name: {e}"))
    }

    /// The operator whose felt is `felt`, if any.
    pub fn from_felt(felt: Felt) -> Option<Self> {
        Self::ALL.into_iter().find(|operator| operator.felt() == felt)
    }

    /// Whether a rule of this operator may have `count` values: one for the comparisons, two for
    /// `IN_RANGE`, at least one for `ONE_OF`.
    fn takes(self, count: usize) -> bool {
        match self {
            Operator::InRange => count == 2,
            Operator::OneOf => count >= 1,
            _ => count == 1,
        }
    }

    /// Whether `x` and `values` (as many as [`Self::takes`] allows) satisfy the operator.
    fn holds(self, x: U256, values: &[U256]) -> bool {
        match (self, values) {
            (Operator::Eq, [v]) => x == *v,
            (Operator::Neq, [v]) => x != *v,
            (Operator::Lt, [v]) => x < *v,
            (Operator::Le, [v]) => x <= *v,
            (Operator::Gt, [v]) => x > *v,
            (Operator::Ge, [v]) => x >= *v,
            (Operator::InRange, [min, max]) => *min <= x && x <= *max,
            (Operator::OneOf, values) => values.contains(&x),
            _ => false,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Operator::Eq => "==",
            Operator::Neq => "!=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::InRange => "in",
            Operator::OneOf => "one of",
        }
    }
}

impl FromStr for Operator {
    type Err = Error;

    /// An operator by its name in any case (`le`, `IN_RANGE`) or its symbol (`<=`, `==`).
    fn from_str(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|operator| operator.name().eq_ignore_ascii_case(text) || operator.symbol() == text)
            .ok_or_else(|| Error::UnknownOperator(text.to_string()))
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl ArgumentRule {
    /// A rule on the felt at calldata word `word`.
    pub fn felt(word: u32, operator: Operator, values: impl IntoIterator<Item = Felt>) -> Self {
        Self { word, operator: operator.felt(), values: values.into_iter().collect(), u256_values: Vec::new() }
    }

    /// A rule on the u256 at calldata words `word` (low) and `word + 1` (high): an amount.
    pub fn u256<V: Into<U256>>(word: u32, operator: Operator, values: impl IntoIterator<Item = V>) -> Self {
        Self {
            word,
            operator: operator.felt(),
            values: Vec::new(),
            u256_values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether the rule is on a u256 (its values are in `u256_values`).
    pub fn is_u256(&self) -> bool {
        !self.u256_values.is_empty()
    }

    /// The rule's operator, if the account knows it.
    pub fn operator(&self) -> Option<Operator> {
        Operator::from_felt(self.operator)
    }

    /// Whether the account can evaluate the rule: a known operator, values in exactly one of the
    /// two lists, and as many as the operator takes; else [`Error::BadRule`] with the reason
    /// (the contract's `session/bad-rule`).
    pub fn check(&self) -> Result<(), Error> {
        self.evaluable().map(drop)
    }

    /// Whether the rule holds on `calldata`, as the contract's `rule_holds` says: the error of
    /// [`Self::check`] for a rule that cannot be evaluated; `false` when it does not hold, and when
    /// its argument is not there (a word past the end; for a u256, a missing high word or a word
    /// of 2^128 or more).
    pub fn holds(&self, calldata: &[Felt]) -> Result<bool, Error> {
        let operator = self.evaluable()?;
        let word = self.word as usize;
        let argument = if self.is_u256() {
            let low = calldata.get(word).and_then(|w| u128::try_from(*w).ok());
            let high = word.checked_add(1).and_then(|next| calldata.get(next)).and_then(|w| u128::try_from(*w).ok());
            match (low, high) {
                (Some(low), Some(high)) => Some(U256::from_words(low, high)),
                _ => None,
            }
        } else {
            calldata.get(word).map(|felt| U256::from(*felt))
        };
        let Some(x) = argument else {
            return Ok(false);
        };
        let values: Vec<U256> = if self.is_u256() {
            self.u256_values.clone()
        } else {
            self.values.iter().map(|felt| U256::from(*felt)).collect()
        };
        Ok(operator.holds(x, &values))
    }

    fn evaluable(&self) -> Result<Operator, Error> {
        let bad = |reason: &'static str| Error::BadRule { rule: self.to_string(), reason };
        let operator = self.operator().ok_or_else(|| bad("its operator is unknown"))?;
        let count = match (self.values.len(), self.u256_values.len()) {
            (0, 0) => return Err(bad("it has no values")),
            (felts, 0) => felts,
            (0, words) => words,
            _ => return Err(bad("it has both felt and u256 values")),
        };
        if !operator.takes(count) {
            return Err(bad(match operator {
                Operator::InRange => "IN_RANGE takes two values, the minimum and the maximum",
                Operator::OneOf => "ONE_OF takes at least one value",
                _ => "its operator takes exactly one value",
            }));
        }
        Ok(operator)
    }
}

impl ArgumentRule {
    /// The rule in words, like its `Display` (`word 1 (u256) <= 1000`), with each u256 value
    /// written by `u256` (a token amount in tokens, say: `word 1 (u256) <= 0.001 STRK`).
    pub fn describe(&self, u256: impl Fn(U256) -> String) -> String {
        let operator = match self.operator() {
            Some(operator) => operator.symbol().to_string(),
            None => format!("operator {:#x}", self.operator),
        };
        let values: Vec<String> = if self.is_u256() {
            self.u256_values.iter().map(|value| u256(*value)).collect()
        } else {
            self.values.iter().map(|felt| format!("{felt:#x}")).collect()
        };
        let kind = if self.is_u256() { " (u256)" } else { "" };
        let values = match values.as_slice() {
            [one] if !matches!(self.operator(), Some(Operator::OneOf | Operator::InRange)) => one.clone(),
            _ => format!("[{}]", values.join(", ")),
        };
        format!("word {}{kind} {operator} {values}", self.word)
    }
}

impl fmt::Display for ArgumentRule {
    /// `word 0 == 0xb0b`, `word 1 (u256) <= 1000`, `word 1 (u256) in [5, 10]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(|value| value.to_string()))
    }
}

/// Checks every rule of `rules` on `calldata` in order, as the contract's `assert_rules_hold`:
/// the first rule that cannot be evaluated ([`Error::BadRule`]) or does not hold
/// ([`Error::ArgumentRule`], naming call `index` and the rule) is the error.
pub fn check_rules(rules: &[ArgumentRule], calldata: &[Felt], index: usize) -> Result<(), Error> {
    for rule in rules {
        if !rule.holds(calldata)? {
            return Err(Error::ArgumentRule { index, rule: rule.to_string() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn felts(values: &[u64]) -> Vec<Felt> {
        values.iter().map(|v| Felt::from(*v)).collect()
    }

    #[test]
    fn operators_are_their_shortstrings() {
        assert_eq!(Operator::Eq.felt(), Felt::from(0x4551u32));
        assert_eq!(Operator::InRange.felt(), cairo_short_string_to_felt("IN_RANGE").unwrap());
        for operator in Operator::ALL {
            assert_eq!(Operator::from_felt(operator.felt()), Some(operator));
            assert_eq!(operator.name().to_lowercase().parse::<Operator>().unwrap(), operator);
            assert_eq!(operator.symbol().parse::<Operator>().unwrap(), operator);
        }
        assert!(matches!("LIKE".parse::<Operator>(), Err(Error::UnknownOperator(_))));
    }

    #[test]
    fn every_operator_on_felts() {
        let calldata = felts(&[7]);
        let cases: [(Operator, &[u64], bool); 18] = [
            (Operator::Eq, &[7], true),
            (Operator::Eq, &[8], false),
            (Operator::Neq, &[8], true),
            (Operator::Neq, &[7], false),
            (Operator::Lt, &[8], true),
            (Operator::Lt, &[7], false),
            (Operator::Le, &[7], true),
            (Operator::Le, &[6], false),
            (Operator::Gt, &[6], true),
            (Operator::Gt, &[7], false),
            (Operator::Ge, &[7], true),
            (Operator::Ge, &[8], false),
            (Operator::InRange, &[7, 9], true),
            (Operator::InRange, &[5, 7], true),
            (Operator::InRange, &[8, 9], false),
            (Operator::InRange, &[1, 6], false),
            (Operator::OneOf, &[1, 7, 9], true),
            (Operator::OneOf, &[1, 9], false),
        ];
        for (operator, values, expected) in cases {
            let rule = ArgumentRule::felt(0, operator, felts(values));
            assert_eq!(rule.holds(&calldata).unwrap(), expected, "{rule}");
        }
        // Felts compare as integers in [0, P): the largest felt is above every small one.
        let max = ArgumentRule::felt(0, Operator::Gt, [Felt::from(1u8)]);
        assert!(max.holds(&[Felt::MAX]).unwrap());
        assert!(!ArgumentRule::felt(0, Operator::Lt, [Felt::from(1u8)]).holds(&[Felt::MAX]).unwrap());
    }

    #[test]
    fn u256_rules_read_two_words_and_compare_the_high_word_first() {
        let bound = ArgumentRule::u256(1, Operator::Le, [U256::from_words(9, 0)]);
        assert!(bound.holds(&felts(&[0, 9, 0])).unwrap());
        assert!(!bound.holds(&felts(&[0, 5, 1])).unwrap(), "a high word of 1 is above any low word");
        let high = ArgumentRule::u256(0, Operator::Ge, [U256::from_words(0, 1)]);
        assert!(high.holds(&felts(&[0, 1])).unwrap());
        assert!(!high.holds(&[Felt::from(u128::MAX), Felt::ZERO]).unwrap());
        let wide = [Felt::from(u128::MAX) + Felt::ONE, Felt::ZERO];
        assert!(!ArgumentRule::u256(0, Operator::Ge, [0u8]).holds(&wide).unwrap(), "not a u256");
    }

    #[test]
    fn a_word_past_the_end_fails() {
        assert!(!ArgumentRule::felt(2, Operator::Ge, [Felt::ZERO]).holds(&felts(&[1, 2])).unwrap());
        assert!(!ArgumentRule::u256(1, Operator::Ge, [0u8]).holds(&felts(&[1, 2])).unwrap(), "no high word");
        assert!(!ArgumentRule::felt(u32::MAX, Operator::Ge, [Felt::ZERO]).holds(&[]).unwrap());
    }

    #[test]
    fn rules_that_cannot_be_evaluated_are_bad() {
        let mut unknown = ArgumentRule::felt(0, Operator::Eq, [Felt::ONE]);
        unknown.operator = Felt::from(0x4c494b45u32);
        let mut both = ArgumentRule::felt(0, Operator::Eq, [Felt::ONE]);
        both.u256_values.push(1u8.into());
        for rule in [
            unknown,
            both,
            ArgumentRule::felt(0, Operator::Eq, []),
            ArgumentRule::felt(0, Operator::Eq, [Felt::ONE, Felt::TWO]),
            ArgumentRule::u256(0, Operator::InRange, [1u8]),
            ArgumentRule::felt(0, Operator::OneOf, []),
        ] {
            assert!(matches!(rule.check(), Err(Error::BadRule { .. })), "{rule}");
            assert!(matches!(rule.holds(&felts(&[1, 1])), Err(Error::BadRule { .. })), "{rule}");
        }
    }

    #[test]
    fn all_rules_must_hold_and_the_first_broken_one_is_named() {
        let rules = [
            ArgumentRule::felt(0, Operator::Eq, [Felt::from(0xb0bu32)]),
            ArgumentRule::u256(1, Operator::Le, [1000u32]),
        ];
        check_rules(&rules, &felts(&[0xb0b, 1000, 0]), 0).unwrap();
        check_rules(&[], &[], 0).unwrap();
        let err = check_rules(&rules, &felts(&[0xb0b, 1001, 0]), 2).unwrap_err();
        assert!(matches!(&err, Error::ArgumentRule { index: 2, rule } if rule == "word 1 (u256) <= 1000"), "{err:?}");
        let err = check_rules(&rules, &felts(&[0xbad, 1, 0]), 0).unwrap_err();
        assert!(matches!(&err, Error::ArgumentRule { rule, .. } if rule == "word 0 == 0xb0b"), "{err:?}");
    }

    #[test]
    fn rules_display_in_plain_words() {
        assert_eq!(ArgumentRule::u256(1, Operator::InRange, [5u8, 10]).to_string(), "word 1 (u256) in [5, 10]");
        assert_eq!(ArgumentRule::felt(0, Operator::OneOf, [Felt::ONE]).to_string(), "word 0 one of [0x1]");
    }
}
