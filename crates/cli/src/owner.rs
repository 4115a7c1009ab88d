//! The owner's transactions of the account (revocation, registration, rotation, upgrade): each
//! an owner-signed transaction making one call to the account, after checking that the key given
//! is the account's owner.
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;
use sk_devnet::{local_account, wait_for_receipt, Cost};
use starknet::accounts::Account as _;
use starknet::core::types::{Call, Felt};

use crate::files;
use crate::network::{Node, RpcArgs};
use crate::output::{hex, print_json};
use crate::progress;

/// The arguments of an owner transaction of an account.
#[derive(Args)]
pub struct OwnerArgs {
    #[command(flatten)]
    pub rpc: RpcArgs,
    /// The account.
    #[arg(long, value_parser = crate::parse::address)]
    pub account: Felt,
    /// Key file of the account's owner.
    #[arg(long)]
    pub owner_key: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What an owner transaction did, for `--json`.
#[derive(Serialize)]
pub struct Sent {
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<Felt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_hash: Option<String>,
    pub transaction_hash: String,
    pub fee_fri: String,
    pub l2_gas: u64,
}

/// Sends `call` (the account's entry point `entry_point`) in a transaction of `address` signed by
/// the owner key in `owner_key`, after checking that it is the account's owner, and waits for it.
pub async fn send_as_owner(
    node: &Node,
    address: Felt,
    owner_key: &Path,
    call: Call,
    entry_point: &str,
) -> anyhow::Result<Sent> {
    let key = files::read_key(owner_key)?;
    let owner = node.owner(address).await?;
    if owner != key.verifying_key().scalar() {
        bail!(
            "the key in {} is not the owner of {} (its owner is {}); only the owner can call {entry_point}",
            owner_key.display(),
            hex(address),
            hex(owner)
        );
    }
    let owner_account = local_account(node.provider.clone(), address, key, node.chain_id);
    let execution = owner_account.execute_v3(vec![call]);
    let sent = progress::step(&format!("sending {entry_point}"), execution.send())
        .await
        .with_context(|| format!("sending the owner's {entry_point} transaction"))?;
    let receipt =
        progress::step("waiting for the receipt", wait_for_receipt(&node.provider, sent.transaction_hash)).await?;
    let cost = Cost::of(&receipt.receipt);
    Ok(Sent {
        account: hex(address),
        session_hash: None,
        epoch: None,
        new_owner: None,
        class_hash: None,
        transaction_hash: hex(sent.transaction_hash),
        fee_fri: cost.fee.to_string(),
        l2_gas: cost.l2_gas,
    })
}

/// Prints `sent`: JSON, or `done` on stderr and the transaction hash on stdout.
pub fn report(sent: &Sent, json: bool, done: &str) -> anyhow::Result<()> {
    if json {
        return print_json(sent);
    }
    eprintln!("{done} (fee {})", crate::output::fee_in_strk(&sent.fee_fri));
    println!("{}", sent.transaction_hash);
    Ok(())
}
