//! Text that crosses a trust boundary: numbers read from files, read strictly and with the
//! reason when they are refused; entry point names, which must be exact identifiers; and any other
//! text from a file or a node, escaped before it is shown. A request file is written by the dApp
//! and read by the owner, so what it holds may be hostile: a carriage return or a terminal escape
//! sequence in a name can erase a line of the summary the owner reads before signing, and a
//! number read leniently (a value of P or more silently reduced) is not the number written.

use std::borrow::Cow;
use std::fmt;

use starknet::core::types::Felt;

/// Why a text is not a felt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeltError {
    /// Nothing was written.
    #[error("it is empty")]
    Empty,
    /// Not `0x`-prefixed hex where only hex is read (files write felts so).
    #[error("it is not 0x-prefixed hex")]
    NotHex,
    /// A character that is not a digit of the number's base.
    #[error("`{}` at position {position} is not a {base} digit", escape_char(*found))]
    BadDigit {
        /// The character.
        found: char,
        /// Its position in the text, from 1.
        position: usize,
        /// `hex` or `decimal`.
        base: &'static str,
    },
    /// More digits than a felt can have.
    #[error("it has {digits} {base} digits, more than a felt can have")]
    TooLong {
        /// How many digits were written.
        digits: usize,
        /// `hex` or `decimal`.
        base: &'static str,
    },
    /// The value is the field prime P or more, which Starknet would read as another number.
    #[error("it is not below the field prime P = 2^251 + 17·2^192 + 1 (a felt is below P)")]
    NotBelowPrime,
}

/// The most hex digits a felt can have (256 bits).
const MAX_HEX_DIGITS: usize = 64;
/// The most decimal digits a felt can have (P has 76).
const MAX_DECIMAL_DIGITS: usize = 78;

/// A felt written as `0x`-prefixed hex (`0x` or `0X`, 1 to 64 digits, below P), as every file of
/// the SDK writes them. Nothing is trimmed and nothing is reduced modulo P.
pub fn parse_felt_hex(text: &str) -> Result<Felt, FeltError> {
    if text.is_empty() {
        return Err(FeltError::Empty);
    }
    let Some(digits) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) else {
        return Err(FeltError::NotHex);
    };
    if digits.is_empty() {
        return Err(FeltError::Empty);
    }
    if let Some((i, found)) = digits.chars().enumerate().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(FeltError::BadDigit { found, position: i + 3, base: "hex" });
    }
    if digits.len() > MAX_HEX_DIGITS {
        return Err(FeltError::TooLong { digits: digits.len(), base: "hex" });
    }
    let mut bytes = [0u8; 32];
    let padded = format!("{digits:0>64}");
    for (i, byte) in bytes.iter_mut().enumerate() {
        // Every character is an ASCII hex digit (checked above), so the pair parses.
        *byte = u8::from_str_radix(&padded[2 * i..2 * i + 2], 16).map_err(|_| FeltError::NotHex)?;
    }
    felt_below_prime(bytes)
}

/// A felt written as `0x`-prefixed hex or in decimal (as command-line values are), strictly:
/// nothing trimmed, no sign, below P.
pub fn parse_felt(text: &str) -> Result<Felt, FeltError> {
    if text.starts_with("0x") || text.starts_with("0X") {
        return parse_felt_hex(text);
    }
    if text.is_empty() {
        return Err(FeltError::Empty);
    }
    if let Some((i, found)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(FeltError::BadDigit { found, position: i + 1, base: "decimal" });
    }
    if text.len() > MAX_DECIMAL_DIGITS {
        return Err(FeltError::TooLong { digits: text.len(), base: "decimal" });
    }
    // value = value * 10 + digit, in 256 bits; 78 digits may pass 2^256, which is above P.
    let mut bytes = [0u8; 32];
    for digit in text.bytes().map(|b| u32::from(b - b'0')) {
        let mut carry = digit;
        for byte in bytes.iter_mut().rev() {
            let next = u32::from(*byte) * 10 + carry;
            *byte = (next & 0xff) as u8;
            carry = next >> 8;
        }
        if carry != 0 {
            return Err(FeltError::NotBelowPrime);
        }
    }
    felt_below_prime(bytes)
}

/// The felt of the big-endian `bytes` if they are below P.
fn felt_below_prime(bytes: [u8; 32]) -> Result<Felt, FeltError> {
    if bytes > Felt::MAX.to_bytes_be() {
        return Err(FeltError::NotBelowPrime);
    }
    Ok(Felt::from_bytes_be(&bytes))
}

/// Whether `name` is an exact Cairo identifier, the only form an entry point name takes: an ASCII
/// letter or `_`, then ASCII letters, digits and `_`; no blank, no control character, nothing
/// trimmed. A selector name shown to the owner is then exactly the name that was hashed.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `c` would act on a terminal or on the text around it rather than show as itself:
/// control characters (C0, DEL, C1: escape sequences, carriage returns, backspaces), Unicode
/// format characters (bidirectional overrides and isolates, zero-width characters, the byte order
/// mark, the soft hyphen) and the line and paragraph separators.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// One character as `escape` shows it.
fn escape_char(c: char) -> String {
    if is_hidden_char(c) {
        match c {
            '\n' => "\\n".into(),
            '\r' => "\\r".into(),
            '\t' => "\\t".into(),
            _ => c.escape_unicode().to_string(),
        }
    } else {
        c.to_string()
    }
}

/// `text` with every hidden character ([`is_hidden_char`], newlines included) written as an
/// escape (`\r`, `\u{1b}`), so that text from a file or a node shows as the characters it holds
/// and cannot move the cursor, erase a line or reorder what follows. Borrowed when nothing needs
/// escaping.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_except(text, |_| false)
}

/// [`escape`], keeping line breaks: for a message made of lines, each escaped already where it
/// came from elsewhere.
pub fn escape_keeping_lines(text: &str) -> Cow<'_, str> {
    escape_except(text, |c| c == '\n')
}

fn escape_except(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden_char(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if keep(c) { c.to_string() } else { escape_char(c) }).collect())
}

/// Displays a text escaped ([`escape`]): for `format!` arguments that come from a file or a node.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

/// Felts in files as `0x`-prefixed hex, read strictly ([`super::parse_felt_hex`]): a value
/// of P or more is refused, not reduced, and the error says why. (starknet-rs's own `Felt`
/// deserializer reduces modulo P and calls a decimal value "not prefixed by 0x".) For
/// `#[serde(with = "sk_session::hex_felt")]` in files of one's own, as the CLI's request file.
pub mod hex_felt {
    use serde::{Deserialize, Deserializer, Serializer};
    use starknet::core::types::Felt;

    /// `felt` as `0x`-prefixed lowercase hex.
    pub fn serialize<S: Serializer>(felt: &Felt, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{felt:#x}"))
    }

    /// A felt from `0x`-prefixed hex below P, or an error naming the text and the cause.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Felt, D::Error> {
        parse(&String::deserialize(deserializer)?)
    }

    fn parse<E: serde::de::Error>(text: &str) -> Result<Felt, E> {
        super::parse_felt_hex(text).map_err(|why| E::custom(format!("`{}` is not a felt: {why}", super::Escaped(text))))
    }

    /// Lists of felts.
    pub mod list {
        use serde::{Deserialize, Deserializer, Serializer};
        use starknet::core::types::Felt;

        /// Each felt as `0x`-prefixed lowercase hex.
        pub fn serialize<S: Serializer>(felts: &[Felt], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(felts.iter().map(|felt| format!("{felt:#x}")))
        }

        /// Each felt read as [`super::deserialize`] reads one.
        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Felt>, D::Error> {
            Vec::<String>::deserialize(deserializer)?.iter().map(|text| super::parse(text)).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "0x800000000000011000000000000000000000000000000000000000000000001";

    #[test]
    fn felts_are_read_strictly_with_the_cause() {
        assert_eq!(parse_felt_hex("0x0"), Ok(Felt::ZERO));
        assert_eq!(parse_felt_hex("0X0aB"), Ok(Felt::from(0xabu32)));
        assert_eq!(parse_felt_hex(&format!("{:#x}", Felt::MAX)), Ok(Felt::MAX));
        assert_eq!(parse_felt_hex(P), Err(FeltError::NotBelowPrime), "P is not read as 0");
        assert_eq!(parse_felt_hex(&format!("0x{}", "f".repeat(64))), Err(FeltError::NotBelowPrime));
        assert_eq!(
            parse_felt_hex(&format!("0x{}", "0".repeat(65))),
            Err(FeltError::TooLong { digits: 65, base: "hex" })
        );
        assert_eq!(parse_felt_hex("12"), Err(FeltError::NotHex));
        assert_eq!(parse_felt_hex("0x"), Err(FeltError::Empty));
        assert_eq!(parse_felt_hex(""), Err(FeltError::Empty));
        assert_eq!(parse_felt_hex(" 0x1"), Err(FeltError::NotHex), "nothing is trimmed");
        assert_eq!(parse_felt_hex("0x1 "), Err(FeltError::BadDigit { found: ' ', position: 4, base: "hex" }));
        let sixty_four_decimal = "1".repeat(64);
        let err = parse_felt_hex(&sixty_four_decimal).unwrap_err();
        assert_eq!(err.to_string(), "it is not 0x-prefixed hex");
        assert_eq!(
            parse_felt("3618502788666131213697322783095070105623107215331596699973092056135872020481"),
            Err(FeltError::NotBelowPrime)
        );
        assert_eq!(
            parse_felt("3618502788666131213697322783095070105623107215331596699973092056135872020480"),
            Ok(Felt::MAX)
        );
        assert_eq!(parse_felt(&"9".repeat(79)), Err(FeltError::TooLong { digits: 79, base: "decimal" }));
        assert_eq!(parse_felt(&"9".repeat(78)), Err(FeltError::NotBelowPrime));
        assert_eq!(parse_felt("-1"), Err(FeltError::BadDigit { found: '-', position: 1, base: "decimal" }));
        assert_eq!(parse_felt("12"), Ok(Felt::from(12u8)));
        let err = parse_felt("1\u{1b}").unwrap_err().to_string();
        assert_eq!(err, "`\\u{1b}` at position 2 is not a decimal digit");
    }

    #[test]
    fn identifiers_are_exact() {
        for good in ["transfer", "_x", "transfer_from", "balanceOf", "a1"] {
            assert!(is_identifier(good), "{good}");
        }
        for bad in ["", "1a", "transfer\r", " transfer", "transfer ", "trans fer", "0x15d4", "tränsfer", "a-b"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }

    #[test]
    fn hidden_characters_are_escaped() {
        assert_eq!(escape("transfer"), "transfer");
        assert!(matches!(escape("plain text, 1.5 STRK"), Cow::Borrowed(_)));
        assert_eq!(escape("transfer\r   "), "transfer\\r   ");
        assert_eq!(escape("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(escape("a\u{202e}b\u{200b}c\u{9b}"), "a\\u{202e}b\\u{200b}c\\u{9b}");
        assert_eq!(escape("two\nlines"), "two\\nlines");
        assert_eq!(escape_keeping_lines("two\nlines\u{7}"), "two\nlines\\u{7}");
        assert_eq!(Escaped("x\u{8}").to_string(), "x\\u{8}");
    }
}
