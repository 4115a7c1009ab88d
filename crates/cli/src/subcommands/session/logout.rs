//! `sk session logout`: a session ends itself for good with its own key (docs/protocol.md §4,
//! "Logout"), as its own transaction or through a relayer; no owner key is needed.
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;
use sk_devnet::wait_for_receipt;
use sk_session::{SessionAccount, SessionKeySigner};
use starknet::accounts::Account;
use starknet::core::types::Felt;

use super::execute::{account_error, relayer, sign_error};
use super::read_session;
use crate::network::RpcArgs;
use crate::output::{hex, print_json};
use crate::{files, progress};

/// Log out: end a session for good with its own key, as a dApp's "log out" does. The session key
/// signs the account's `logout_session`, which revokes this session and nothing else; it is sent
/// as a transaction of the session (its fee counts against the session's limits), or with
/// --via-relayer by a relayer account that pays for it (the way out for a session that can no
/// longer send). From then on the account refuses the session everywhere ('session/revoked').
#[derive(Args)]
pub struct Logout {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The session file (from `sk session sign`).
    session: PathBuf,
    /// The session's key file (from `sk session new --key-out`).
    #[arg(long)]
    key: PathBuf,
    /// Have a relayer account send the logout and pay its fee.
    #[arg(long)]
    via_relayer: bool,
    /// The relayer's account address (default on a devnet: its predeployed account).
    #[arg(long, requires_all = ["via_relayer", "relayer_key"], value_parser = crate::parse::felt)]
    relayer_address: Option<Felt>,
    /// The relayer's key file.
    #[arg(long, requires_all = ["via_relayer", "relayer_address"])]
    relayer_key: Option<PathBuf>,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct LoggedOut {
    session_hash: String,
    transaction_hash: String,
    /// The account that sent the transaction and paid its fee: the session's own, or the relayer.
    sender: String,
}

impl Logout {
    pub async fn run(self) -> anyhow::Result<()> {
        let session = read_session(&self.session)?;
        let key = files::read_key(&self.key)?;
        session.check_key(&key).with_context(|| format!("using the key in {}", self.key.display()))?;
        let node = self.rpc.require("logging a session out").await?;
        node.check_chain(session.chain_id(), "the session")?;
        let (address, hash) = (session.account(), session.hash());
        if node.is_revoked(address, hash).await? {
            // Without the contract's error code, which the CLI would read as the account's refusal.
            bail!("the session {} is revoked already: there is nothing to log out", hex(hash));
        }
        let signer = SessionKeySigner::from_signing_key(session, key)?;
        let (transaction_hash, sender) = if self.via_relayer {
            let relayer = relayer(&node, self.relayer_address, self.relayer_key.as_deref()).await?;
            let call = signer.logout_call().await.map_err(sign_error)?;
            let sent = progress::step("the relayer sends the logout", relayer.execute_v3(vec![call]).send())
                .await
                .map_err(|err| {
                    anyhow::Error::new(err)
                        .context("the relayer's transaction was refused (fee estimation or submission)")
                })?;
            (sent.transaction_hash, relayer.address())
        } else {
            let account = SessionAccount::from_session(node.provider.clone(), signer);
            let sent = progress::step("sending the logout", account.logout()).await.map_err(account_error)?;
            (sent.transaction_hash, account.address())
        };
        progress::step("waiting for the receipt", wait_for_receipt(&node.provider, transaction_hash)).await?;
        let out = LoggedOut { session_hash: hex(hash), transaction_hash: hex(transaction_hash), sender: hex(sender) };
        if self.json {
            return print_json(&out);
        }
        println!("logged out: the session {} is revoked for good", out.session_hash);
        println!("transaction  {} (sent by {})", out.transaction_hash, out.sender);
        Ok(())
    }
}
