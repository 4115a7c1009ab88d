//! STRK amounts as people write them: fees and limits are counted in FRI (10^-18 STRK) on chain
//! and shown in STRK to the people who sign and read them; and amounts of the other well-known
//! token, ETH, in ETH.

use starknet::core::types::{Felt, U256};

/// The STRK token's address (the same on mainnet, Sepolia and devnet): the fee token
/// ([`FEE_TOKEN`](crate::FEE_TOKEN) is it), and the token most spending limits limit.
pub const STRK_TOKEN: Felt =
    Felt::from_hex_unchecked("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

/// The ETH token's address (the same on mainnet, Sepolia and devnet).
pub const ETH_TOKEN: Felt =
    Felt::from_hex_unchecked("0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7");

/// FRI per STRK.
pub const FRI_PER_STRK: u128 = 1_000_000_000_000_000_000;

/// `fri` in STRK, with as many decimals as it needs (`0.0031 STRK`, `2 STRK`).
pub fn format_strk(fri: u128) -> String {
    with_decimals(fri, "STRK")
}

/// `base` units of an 18-decimal token in whole tokens, with as many decimals as it needs.
fn with_decimals(base: u128, symbol: &str) -> String {
    let whole = base / FRI_PER_STRK;
    let fraction = base % FRI_PER_STRK;
    if fraction == 0 {
        return format!("{whole} {symbol}");
    }
    let digits = format!("{fraction:018}");
    format!("{whole}.{} {symbol}", digits.trim_end_matches('0'))
}

/// `amount` of `token` for people: STRK and ETH in tokens (`1.5 STRK`), any other token, or an
/// amount of 2^128 base units or more, in base units of its address (`150 base units of
/// 0x4a…`), since the SDK does not know its decimals.
pub fn format_token_amount(token: Felt, amount: U256) -> String {
    let symbol = if token == STRK_TOKEN {
        Some("STRK")
    } else if token == ETH_TOKEN {
        Some("ETH")
    } else {
        None
    };
    match (symbol, amount.high()) {
        (Some(symbol), 0) => with_decimals(amount.low(), symbol),
        _ => format!("{amount} base units of {token:#x}"),
    }
}

/// Parses an amount of STRK written in decimal (`0.05`, `2`, `1.5 STRK`) into FRI: `None` for
/// anything else (signs, exponents, more than 18 decimals, 2^128 FRI or more).
pub fn parse_strk(text: &str) -> Option<u128> {
    let text = text.trim();
    let text = text.strip_suffix("STRK").unwrap_or(text).trim_end();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) || fraction.len() > 18 {
        return None;
    }
    let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: u128 = format!("{fraction:0<18}").parse().ok()?;
    whole.checked_mul(FRI_PER_STRK)?.checked_add(fraction)
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_amounts_of_known_tokens_are_in_tokens() {
        use starknet::core::types::{Felt, U256};
        let strk = super::STRK_TOKEN;
        assert_eq!(super::format_token_amount(strk, U256::from(1_500_000_000_000_000_000u128)), "1.5 STRK");
        assert_eq!(super::format_token_amount(super::ETH_TOKEN, U256::from(400u32)), "0.0000000000000004 ETH");
        assert_eq!(super::format_token_amount(Felt::from(0x70u32), U256::from(7u32)), "7 base units of 0x70");
        let huge = U256::from_words(0, 1);
        assert!(super::format_token_amount(strk, huge).ends_with(&format!("base units of {strk:#x}")));
    }

    use super::*;

    #[test]
    fn strk_amounts_format_and_parse() {
        assert_eq!(format_strk(0), "0 STRK");
        assert_eq!(format_strk(2 * FRI_PER_STRK), "2 STRK");
        assert_eq!(format_strk(3_100_000_000_000_000), "0.0031 STRK");
        assert_eq!(format_strk(1), "0.000000000000000001 STRK");
        for (text, fri) in [("2", 2 * FRI_PER_STRK), ("0.0031", 3_100_000_000_000_000), (".5", FRI_PER_STRK / 2)] {
            assert_eq!(parse_strk(text), Some(fri), "{text}");
            assert_eq!(parse_strk(&format_strk(fri)), Some(fri), "{text}");
        }
        assert_eq!(parse_strk("1.5 STRK"), Some(3 * FRI_PER_STRK / 2));
        assert_eq!(parse_strk(&format_strk(u128::MAX)), Some(u128::MAX));
        for bad in ["", ".", "STRK", "-1", "1e3", "0.0000000000000000001", "1,5", "340282366920938463464"] {
            assert_eq!(parse_strk(bad), None, "{bad:?}");
        }
    }
}
