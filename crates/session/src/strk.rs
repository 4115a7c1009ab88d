//! STRK amounts as people write them: fees and limits are counted in FRI (10^-18 STRK) on chain
//! and shown in STRK to the people who sign and read them.

/// FRI per STRK.
pub const FRI_PER_STRK: u128 = 1_000_000_000_000_000_000;

/// `fri` in STRK, with as many decimals as it needs (`0.0031 STRK`, `2 STRK`).
pub fn format_strk(fri: u128) -> String {
    let whole = fri / FRI_PER_STRK;
    let fraction = fri % FRI_PER_STRK;
    if fraction == 0 {
        return format!("{whole} STRK");
    }
    let digits = format!("{fraction:018}");
    format!("{whole}.{} STRK", digits.trim_end_matches('0'))
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
