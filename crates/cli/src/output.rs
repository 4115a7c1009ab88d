//! Results on stdout: text for people, one JSON document for scripts.
use serde::Serialize;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A felt at full width, as hashes and addresses are printed everywhere.
pub fn hex(felt: starknet::core::types::Felt) -> String {
    format!("{felt:#066x}")
}

/// A fee given in FRI as a decimal string (the `--json` form), in STRK for people: `0.001675 STRK`
/// (`sk_session::format_strk`, every digit kept), or the text as it is if it is not a FRI amount.
pub fn fee_in_strk(fri: &str) -> String {
    fri.parse::<u128>().map_or_else(|_| format!("{fri} FRI"), sk_session::format_strk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_are_shown_in_strk() {
        assert_eq!(fee_in_strk("1675422000000000"), "0.001675422 STRK");
        assert_eq!(fee_in_strk("2000000000000000000"), "2 STRK");
        assert_eq!(fee_in_strk("0"), "0 STRK");
        assert_eq!(fee_in_strk("not a number"), "not a number FRI");
    }
}
