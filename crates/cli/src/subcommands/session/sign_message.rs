//! `sk session sign-message`: a SNIP-12 message signed by the session key, for the account's
//! `is_valid_signature` (docs/protocol.md §6).
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde::Serialize;
use serde_json::Value;
use sk_session::{SessionKeySigner, SignError};
use starknet::core::types::{BlockId, BlockTag};

use super::read_session;
use crate::error::SessionWindow;
use crate::network::RpcArgs;
use crate::output::{hex, print_json};
use crate::{files, progress};

/// Sign a SNIP-12 revision 1 message (a typed data JSON file) with the session key, if the
/// session allows its domain and type (`sk session new --allow-messages-like`). Prints the
/// message hash and the signature a dApp passes to the account's is_valid_signature; with --rpc,
/// also asks the account whether it accepts them.
#[derive(Args)]
pub struct SignMessage {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The message: SNIP-12 revision 1 typed data (types, primaryType, domain, message).
    message: PathBuf,
    /// The session file (from `sk session sign`).
    #[arg(long)]
    session: PathBuf,
    /// The session's key file (from `sk session new --key-out`).
    #[arg(long)]
    key: PathBuf,
    /// Leave the owner's signature of the session out (the short form), for a session the
    /// account has recorded (`sk session register`).
    #[arg(long)]
    short: bool,
    /// Also write the hash and the signature to this file, as JSON.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    force: bool,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Signed {
    account: String,
    message_hash: String,
    signature: Vec<String>,
    /// What the account's is_valid_signature answered (`VALID`); absent without --rpc.
    #[serde(skip_serializing_if = "Option::is_none")]
    account_says: Option<&'static str>,
}

impl SignMessage {
    pub async fn run(self) -> anyhow::Result<()> {
        let session = read_session(&self.session)?;
        let key = files::read_key(&self.key)?;
        let text = files::read_text(&self.message)?;
        let typed_data: Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", self.message.display()))?;
        if let Some(path) = &self.out {
            files::ensure_writable(path, self.force)?;
        }
        let signer = SessionKeySigner::from_signing_key(session.clone(), key)
            .with_context(|| format!("using the key in {}", self.key.display()))?;
        let (hash, signature) = signer
            .sign_message(&typed_data, self.short)
            .await
            .map_err(|err| match err {
                SignError::Session(err) => anyhow::Error::new(err),
                SignError::Signer(err) => anyhow::Error::new(err),
            })
            .with_context(|| format!("signing {}", self.message.display()))?;
        let account_says = match self.rpc.connect().await? {
            None => None,
            Some(node) => {
                node.check_chain(session.chain_id(), "the session")?;
                let window = SessionWindow {
                    valid_after: session.request().valid_after(),
                    valid_until: session.request().valid_until(),
                };
                let block = BlockId::Tag(BlockTag::PreConfirmed);
                let check = sk_session::is_valid_signature(&node.provider, session.account(), hash, &signature, block);
                let valid = progress::step("asking the account's is_valid_signature", check)
                    .await
                    .map_err(anyhow::Error::new)
                    .context(window)
                    .context("the account refused the signature")?;
                anyhow::ensure!(valid, "the account's is_valid_signature answered 0: it does not accept the signature");
                Some("VALID")
            }
        };
        let signed = Signed {
            account: hex(session.account()),
            message_hash: hex(hash),
            signature: signature.iter().copied().map(hex).collect(),
            account_says,
        };
        if let Some(path) = &self.out {
            files::write_text(path, &serde_json::to_string_pretty(&signed)?, self.force)?;
        }
        if self.json {
            return print_json(&signed);
        }
        println!("account       {}", signed.account);
        println!("message hash  {}", signed.message_hash);
        println!("signature     {} felts: [{}]", signed.signature.len(), signed.signature.join(", "));
        match signed.account_says {
            Some(answer) => println!("the account   accepts it (is_valid_signature: {answer})"),
            None => eprintln!("not checked on chain: pass --rpc URL to ask the account's is_valid_signature"),
        }
        if let Some(path) = &self.out {
            println!("written to    {}", path.display());
        }
        Ok(())
    }
}
