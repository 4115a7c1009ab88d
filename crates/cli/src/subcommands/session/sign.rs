//! `sk session sign`: the owner's authorization, into a session file.
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{ArgGroup, Args};
use serde::Serialize;
use starknet::core::types::Felt;

use super::read_request;
use super::summary::{confirm, summary};
use crate::network::RpcArgs;
use crate::output::{hex, print_json};
use crate::{files, parse};

/// Turn a request into a signed session file: sign it with the owner's key file, or attach the
/// signature a wallet made of its typed data (checked against the account's owner).
///
/// With --owner-key, what is about to be signed (account, window, limits, policies) is printed
/// first and the command asks for confirmation; --yes signs without asking (for scripts, and
/// needed when stdin is not a terminal).
#[derive(Args)]
#[command(group(ArgGroup::new("signer").required(true).args(["owner_key", "signature"])))]
pub struct Sign {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The request file (from `sk session new`).
    request: PathBuf,
    /// Key file of the account's owner.
    #[arg(long)]
    owner_key: Option<PathBuf>,
    /// The owner's signature of the request's typed data, from a wallet: R,S.
    #[arg(long, value_name = "R,S", value_parser = parse::signature)]
    signature: Option<parse::Signature>,
    /// Check --signature against this owner public key when no node is given.
    #[arg(long, value_parser = parse::felt, conflicts_with = "owner_key")]
    owner_public_key: Option<Felt>,
    /// File for the signed session.
    #[arg(long)]
    out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
    /// Sign without asking for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Signed {
    session_file: PathBuf,
    session_hash: String,
    account: String,
    chain_id: String,
    /// `on-chain owner`, `given public key`, `owner key file` (offline) or `unchecked`.
    owner_checked_against: &'static str,
}

impl Sign {
    pub async fn run(self) -> anyhow::Result<()> {
        files::ensure_writable(&self.out, self.force)?;
        let file = read_request(&self.request)?;
        let node = self.rpc.connect().await?;
        if let Some(node) = &node {
            node.check_chain(file.chain_id, "the request")?;
        }
        let onchain_owner = match &node {
            Some(node) => Some(node.owner(file.account).await?),
            None => None,
        };
        if let Some(node) = &node {
            // Only a session of the account's epoch: the account refuses any other, and the owner
            // should not sign what can never be used.
            let (current, named) = (node.epoch(file.account).await?, file.request.epoch());
            if named != current {
                bail!(
                    "nothing was signed: the request names owner epoch {named:#x}, but the account is at epoch \
                     {current:#x} (the owner revoked all sessions or changed the owner key since the request was \
                     made); the account refuses a session of another epoch. Ask for a new request"
                );
            }
        }

        let (session, checked) = match (&self.owner_key, &self.signature) {
            (Some(path), _) => {
                let key = files::read_key(path)?;
                let public_key = key.verifying_key().scalar();
                if let Some(owner) = onchain_owner {
                    if owner != public_key {
                        bail!(
                            "the key in {} ({}) is not the owner of {} (its owner is {}); a session it signs would be rejected",
                            path.display(),
                            hex(public_key),
                            hex(file.account),
                            hex(owner)
                        );
                    }
                }
                eprintln!("{}", summary(file.account, file.chain_id, &file.request, "sign"));
                if !self.yes {
                    confirm("sign")?;
                }
                let session = file.request.sign(file.account, file.chain_id, &key).context("signing the session")?;
                (session, if onchain_owner.is_some() { "on-chain owner" } else { "owner key file" })
            }
            (None, Some(signature)) => {
                let session = file.request.with_owner_signature(file.account, file.chain_id, signature.0.clone());
                let (owner, checked) = match (onchain_owner, self.owner_public_key) {
                    (Some(owner), _) => (Some(owner), "on-chain owner"),
                    (None, Some(given)) => (Some(given), "given public key"),
                    (None, None) => (None, "unchecked"),
                };
                match owner {
                    Some(owner) => session.verify_owner(owner).map_err(|err| {
                        anyhow::Error::new(err).context(format!("checking the signature against the {checked}"))
                    })?,
                    None => eprintln!(
                        "warning: the signature was not checked (no --rpc and no --owner-public-key); \
                         `sk session inspect --rpc URL` checks it later"
                    ),
                }
                (session, checked)
            }
            (None, None) => bail!("pass --owner-key FILE or --signature R,S"),
        };

        // Every file `sk` writes, it reads back: checked before it is written.
        let json = session.to_json();
        sk_session::SignedSession::from_json(&json).context("the session file would not read back")?;
        files::write_text(&self.out, &json, self.force)?;
        let signed = Signed {
            session_file: self.out.clone(),
            session_hash: hex(session.hash()),
            account: hex(session.account()),
            chain_id: parse::chain_name(session.chain_id()),
            owner_checked_against: checked,
        };
        if self.json {
            return print_json(&signed);
        }
        println!("session hash  {}", signed.session_hash);
        println!("session file  {}", self.out.display());
        println!("owner check   {}", signed.owner_checked_against);
        Ok(())
    }
}
