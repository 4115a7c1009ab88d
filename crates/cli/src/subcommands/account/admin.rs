//! `sk account set-owner` and `sk account upgrade`: the owner's transactions that change the
//! account itself (docs/protocol.md §4, "Rotation" and "Upgrade").
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use starknet::core::types::{BlockId, BlockTag, Felt};
use starknet::providers::Provider as _;

use crate::files;
use crate::output::hex;
use crate::owner::{report, send_as_owner, OwnerArgs};

/// Hand the account to a new owner key: an owner-signed `set_owner` carrying the new key's
/// signature of the rotation, so that a key nobody holds cannot lock the account. It also ends
/// every session signed so far (the owner epoch moves on).
#[derive(Args)]
pub struct SetOwner {
    #[command(flatten)]
    owner: OwnerArgs,
    /// Key file of the new owner (from `sk account new-key`): it signs the rotation.
    #[arg(long)]
    new_owner_key: PathBuf,
}

/// Replace the account's class by another declared class: an owner-signed `upgrade`. Sessions,
/// revocations, the owner epoch and the usage counters stay in storage.
#[derive(Args)]
pub struct Upgrade {
    #[command(flatten)]
    owner: OwnerArgs,
    /// The class to upgrade to; it must be declared on the node's chain.
    #[arg(long, value_parser = crate::parse::felt)]
    class_hash: Felt,
}

impl SetOwner {
    pub async fn run(self) -> anyhow::Result<()> {
        let OwnerArgs { rpc, account, owner_key, json } = self.owner;
        let node = rpc.require("rotating the owner key").await?;
        let new_key = files::read_key(&self.new_owner_key)?;
        let old_owner = node.owner(account).await?;
        let call = sk_session::set_owner_call(account, node.chain_id, old_owner, &new_key)
            .with_context(|| format!("with the new key in {}", self.new_owner_key.display()))?;
        let mut sent = send_as_owner(&node, account, &owner_key, call, "set_owner").await?;
        let new_owner = new_key.verifying_key().scalar();
        let epoch = node.epoch(account).await?;
        sent.new_owner = Some(hex(new_owner));
        sent.epoch = Some(epoch);
        let done = format!(
            "{} is now owned by {}; every session signed before is ended (owner epoch {epoch:#x})",
            hex(account),
            hex(new_owner)
        );
        report(&sent, json, &done)
    }
}

impl Upgrade {
    pub async fn run(self) -> anyhow::Result<()> {
        let OwnerArgs { rpc, account, owner_key, json } = self.owner;
        let node = rpc.require("upgrading an account").await?;
        if let Err(err) = node.provider.get_class(BlockId::Tag(BlockTag::PreConfirmed), self.class_hash).await {
            bail!(
                "the class {} is not declared on the node at {} ({err}): declare it first",
                hex(self.class_hash),
                node.url
            );
        }
        let call = sk_session::upgrade_call(account, self.class_hash);
        let mut sent = send_as_owner(&node, account, &owner_key, call, "upgrade").await?;
        sent.class_hash = Some(hex(self.class_hash));
        report(&sent, json, &format!("{} now runs class {}", hex(account), hex(self.class_hash)))
    }
}
