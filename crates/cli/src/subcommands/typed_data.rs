//! `sk typed-data hash`: the SNIP-12 message hash a wallet signs, computed independently.
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use sk_session::typed_data;
use starknet::core::types::Felt;

use crate::output::{hex, print_json};
use crate::{files, parse};

/// `sk typed-data …`
#[derive(Subcommand)]
pub enum TypedDataCommand {
    /// Hash a SNIP-12 revision 1 typed data file as starknet.js (and so wallets) hash it.
    Hash(Hash),
}

impl TypedDataCommand {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            TypedDataCommand::Hash(command) => command.run(),
        }
    }
}

/// Print the message hash of a SNIP-12 revision 1 typed data file for an account: the value a
/// wallet signs, so it can be checked before signing.
#[derive(Args)]
pub struct Hash {
    /// The typed data JSON file (e.g. from `sk session new --typed-data-out`).
    file: PathBuf,
    /// The signing account (part of every SNIP-12 message hash).
    #[arg(long, value_parser = parse::address)]
    account: Felt,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

impl Hash {
    pub fn run(self) -> anyhow::Result<()> {
        let text = files::read_text(&self.file)?;
        let value: Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", self.file.display()))?;
        let what = || format!("hashing the typed data in {}", self.file.display());
        let message_hash = typed_data::message_hash(&value, self.account).with_context(what)?;
        let domain_hash = typed_data::domain_hash(&value).with_context(what)?;
        if self.json {
            return print_json(&json!({
                "message_hash": hex(message_hash),
                "domain_hash": hex(domain_hash),
                "account": hex(self.account),
            }));
        }
        println!("{}", hex(message_hash));
        Ok(())
    }
}
