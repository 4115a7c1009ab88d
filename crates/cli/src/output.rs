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
