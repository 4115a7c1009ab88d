//! Numbers as JavaScript reads them: JSON numbers as the doubles `JSON.parse` makes of them, and
//! strings as `BigInt("…")` reads them, into an `Integer` that each type then range-checks.

use serde_json::Value;
use starknet::core::types::Felt;

use super::error::show;

/// The largest integer a JavaScript number holds exactly together with all smaller ones, 2^53.
const JS_EXACT_LIMIT: u64 = 1 << 53;

/// An integer below 2^256 (larger ones are out of every range), with its sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Integer {
    negative: bool,
    magnitude: [u8; 32],
    overflow: bool,
}

impl Integer {
    fn from_u64(value: u64, negative: bool) -> Self {
        let mut magnitude = [0; 32];
        magnitude[24..].copy_from_slice(&value.to_be_bytes());
        Self { negative: negative && value != 0, magnitude, overflow: false }
    }

    /// `self * radix + digit`.
    fn push_digit(&mut self, radix: u32, digit: u32) {
        let mut carry = digit;
        for byte in self.magnitude.iter_mut().rev() {
            let next = u32::from(*byte) * radix + carry;
            *byte = (next & 0xff) as u8;
            carry = next >> 8;
        }
        self.overflow |= carry != 0;
    }

    fn is_zero(&self) -> bool {
        !self.overflow && self.magnitude.iter().all(|b| *b == 0)
    }

    /// The magnitude if it fits in a `u128`.
    fn magnitude_u128(&self) -> Option<u128> {
        if self.overflow || self.magnitude[..16].iter().any(|b| *b != 0) {
            return None;
        }
        let mut low = [0; 16];
        low.copy_from_slice(&self.magnitude[16..]);
        Some(u128::from_be_bytes(low))
    }

    /// The value as a felt, if it is in `[0, P)`.
    pub(super) fn to_felt(self) -> Option<Felt> {
        let below_prime = self.magnitude <= Felt::MAX.to_bytes_be();
        (!self.negative && !self.overflow && below_prime).then(|| Felt::from_bytes_be(&self.magnitude))
    }

    pub(super) fn to_u128(self) -> Option<u128> {
        if self.negative {
            return None;
        }
        self.magnitude_u128()
    }

    /// The value as an `i128` felt (`P + value` when negative), if it is in `[-2^127, 2^127)`.
    pub(super) fn to_i128_felt(self) -> Option<Felt> {
        let magnitude = self.magnitude_u128()?;
        let limit = 1u128 << 127;
        if self.negative {
            (magnitude <= limit).then(|| Felt::ZERO - Felt::from(magnitude))
        } else {
            (magnitude < limit).then(|| Felt::from(magnitude))
        }
    }
}

/// `BigInt(value)` for a JSON value: numbers, numeric strings and booleans.
pub(super) fn js_bigint(value: &Value) -> Result<Integer, String> {
    match value {
        Value::Bool(flag) => Ok(Integer::from_u64(u64::from(*flag), false)),
        Value::Number(number) => js_number(number),
        Value::String(text) => parse_js_bigint(text)
            .ok_or_else(|| format!("expected a decimal or 0x-prefixed hex number, got {}", show(value))),
        _ => Err(format!("expected a number, got {}", show(value))),
    }
}

/// A JSON number as JavaScript holds it: integers only, and only those a double holds exactly
/// (JSON.parse would round the others before starknet.js sees them).
fn js_number(number: &serde_json::Number) -> Result<Integer, String> {
    let exact = |magnitude: u64| magnitude == 0 || (magnitude >> magnitude.trailing_zeros()) < JS_EXACT_LIMIT;
    let (magnitude, negative) = if let Some(value) = number.as_u64() {
        (value, false)
    } else if let Some(value) = number.as_i64() {
        (value.unsigned_abs(), value < 0)
    } else {
        let value = number.as_f64().unwrap_or(f64::NAN);
        if !value.is_finite() || value.fract() != 0.0 {
            return Err(format!("{number} is not an integer"));
        }
        if value.abs() > JS_EXACT_LIMIT as f64 {
            return Err(format!("{number} is too large for a JSON number; write it as a string"));
        }
        (value.abs() as u64, value < 0.0)
    };
    if !exact(magnitude) {
        return Err(format!(
            "{number} is not exactly representable as a JavaScript number (starknet.js would hash a \
             rounded value); write it as a string"
        ));
    }
    Ok(Integer::from_u64(magnitude, negative))
}

/// JavaScript's `BigInt(string)`, or `None` where it throws: whitespace around, then an optionally
/// signed decimal, or `0x`/`0o`/`0b` digits; an empty (or blank) string is 0.
pub(super) fn parse_js_bigint(text: &str) -> Option<Integer> {
    let text = text.trim_matches(is_js_whitespace);
    let (negative, digits, radix) = if let Some(d) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        (false, d, 16)
    } else if let Some(d) = text.strip_prefix("0o").or_else(|| text.strip_prefix("0O")) {
        (false, d, 8)
    } else if let Some(d) = text.strip_prefix("0b").or_else(|| text.strip_prefix("0B")) {
        (false, d, 2)
    } else if let Some(d) = text.strip_prefix('-') {
        (true, d, 10)
    } else if let Some(d) = text.strip_prefix('+') {
        (false, d, 10)
    } else if text.is_empty() {
        return Some(Integer::from_u64(0, false));
    } else {
        (false, text, 10)
    };
    if digits.is_empty() {
        return None;
    }
    let mut number = Integer::from_u64(0, false);
    for c in digits.chars() {
        number.push_digit(radix, c.to_digit(radix)?);
    }
    number.negative = negative && !number.is_zero();
    Some(number)
}

/// JavaScript's white space and line terminators, which `BigInt()` trims.
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_bigint_parsing() {
        let parse = |text: &str| parse_js_bigint(text).map(|n| (n.negative, n.magnitude_u128()));
        assert_eq!(parse("  \n"), Some((false, Some(0))));
        assert_eq!(parse("-12"), Some((true, Some(12))));
        assert_eq!(parse("+0x1"), None);
        assert_eq!(parse("-0x1"), None);
        assert_eq!(parse("0b102"), None);
        assert_eq!(parse("1e3"), None);
        assert_eq!(parse("\u{85}1"), None, "NEL is not JavaScript white space");
        assert_eq!(parse("0x1 2"), None);
        let huge = parse_js_bigint(&"9".repeat(100)).expect("digits parse");
        assert!(huge.overflow && huge.to_felt().is_none());
    }
}
