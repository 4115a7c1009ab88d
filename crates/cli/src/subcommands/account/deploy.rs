//! `sk account deploy`: declare our account class if needed, fund the counterfactual address and
//! send DEPLOY_ACCOUNT.
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use serde::Serialize;
use sk_devnet::{AccountDeployment, Cost};
use starknet::core::types::{BlockId, BlockTag, Felt};
use starknet::providers::Provider as _;

use crate::files;
use crate::network::NetworkArgs;
use crate::output::{hex, print_json};
use crate::parse;

/// Deploy a session-key account owned by the key in a key file, and print its address.
///
/// On a devnet the address is funded by minting STRK; on another network, pass a funded account
/// with --funder-address and --funder-key. Deploying again with the same key and salt finds the
/// account already there.
#[derive(Args)]
pub struct Deploy {
    #[command(flatten)]
    network: NetworkArgs,
    /// Key file of the owner (from `sk account new-key`).
    #[arg(long)]
    key: PathBuf,
    /// Salt of the address (another salt, another account for the same key).
    #[arg(long, default_value = "0", value_parser = parse::felt)]
    salt: Felt,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Deployed {
    address: String,
    owner_public_key: String,
    class_hash: String,
    salt: String,
    already_deployed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    declare_transaction_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fee_fri: Option<String>,
}

impl Deploy {
    pub async fn run(self) -> anyhow::Result<()> {
        if self.network.rpc.is_none() {
            bail!(
                "deploying an account needs a node that keeps it: pass --rpc URL (or set STARKNET_RPC); \
                 `sk devnet` runs a local one"
            );
        }
        let owner = files::read_key(&self.key)?;
        let network = self.network.connect().await?;
        let declared = network.declare_account_class().await?;
        if let Some(hash) = declared.transaction_hash {
            eprintln!("declared the account class {} (tx {})", hex(declared.class_hash), hex(hash));
        }
        let deployment =
            AccountDeployment::new(network.provider(), network.chain_id, declared.class_hash, owner.clone(), self.salt)
                .await?;
        let address = deployment.address();
        let mut report = Deployed {
            address: hex(address),
            owner_public_key: hex(owner.verifying_key().scalar()),
            class_hash: hex(declared.class_hash),
            salt: format!("{:#x}", self.salt),
            already_deployed: false,
            declare_transaction_hash: declared.transaction_hash.map(hex),
            transaction_hash: None,
            fee_fri: None,
        };
        let provider = network.provider();
        match provider.get_class_hash_at(BlockId::Tag(BlockTag::PreConfirmed), address).await {
            Ok(class_hash) => {
                if class_hash != declared.class_hash {
                    eprintln!(
                        "warning: the contract at {} has class {}, not this `sk`'s account class",
                        report.address,
                        hex(class_hash)
                    );
                }
                eprintln!("the account is deployed already");
                report.already_deployed = true;
            }
            Err(_) => {
                let receipt = network.fund_and_deploy(&deployment).await?;
                let cost = Cost::of(&receipt.receipt);
                report.transaction_hash = Some(hex(*receipt.receipt.transaction_hash()));
                report.fee_fri = Some(cost.fee.to_string());
                eprintln!(
                    "deployed (tx {}, fee {}, L2 gas {})",
                    hex(*receipt.receipt.transaction_hash()),
                    crate::output::fee_in_strk(&cost.fee.to_string()),
                    cost.l2_gas
                );
            }
        }
        if self.json {
            print_json(&report)
        } else {
            println!("{}", report.address);
            Ok(())
        }
    }
}
