//! `sk session revoke`: the owner ends a session for good.
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;
use sk_devnet::{local_account, wait_for_receipt, Cost};
use sk_session::revoke_session_call;
use starknet::accounts::Account as _;

use super::read_session;
use crate::files;
use crate::network::RpcArgs;
use crate::output::{hex, print_json};
use crate::progress;

/// Revoke a session: an owner-signed transaction calling the account's `revoke_session` with the
/// session hash. Every later transaction of the session is rejected.
#[derive(Args)]
pub struct Revoke {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The session file.
    session: PathBuf,
    /// Key file of the account's owner.
    #[arg(long)]
    owner_key: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Revoked {
    session_hash: String,
    account: String,
    transaction_hash: String,
    fee_fri: String,
    l2_gas: u64,
}

impl Revoke {
    pub async fn run(self) -> anyhow::Result<()> {
        let session = read_session(&self.session)?;
        let key = files::read_key(&self.owner_key)?;
        let node = self.rpc.require("revoking a session").await?;
        node.check_chain(session.chain_id(), "the session")?;
        let address = session.account();
        let hash = session.hash();
        let owner = node.owner(address).await?;
        if owner != key.verifying_key().scalar() {
            bail!(
                "the key in {} is not the owner of {} (its owner is {}); only the owner can revoke a session",
                self.owner_key.display(),
                hex(address),
                hex(owner)
            );
        }
        if node.is_revoked(address, hash).await? {
            bail!("the session {} is revoked already ('{}')", hex(hash), sk_contracts::errors::SESSION_ALREADY_REVOKED);
        }
        let owner_account = local_account(node.provider.clone(), address, key, node.chain_id);
        let revoke = owner_account.execute_v3(vec![revoke_session_call(address, hash)]);
        let sent = progress::step("sending revoke_session", revoke.send())
            .await
            .context("sending the owner's revoke_session transaction")?;
        let receipt =
            progress::step("waiting for the receipt", wait_for_receipt(&node.provider, sent.transaction_hash)).await?;
        let cost = Cost::of(&receipt.receipt);
        let revoked = Revoked {
            session_hash: hex(hash),
            account: hex(address),
            transaction_hash: hex(sent.transaction_hash),
            fee_fri: cost.fee.to_string(),
            l2_gas: cost.l2_gas,
        };
        if self.json {
            return print_json(&revoked);
        }
        eprintln!("revoked session {} of {}", revoked.session_hash, revoked.account);
        println!("{}", revoked.transaction_hash);
        Ok(())
    }
}
