//! Where transactions go: an embedded devnet, or a node given by `--rpc`.
use anyhow::{bail, Context};
use clap::Args;
use sk_devnet::{local_account, Devnet, DevnetClient, LocalAccount, Provider};
use starknet::core::types::Felt;
use starknet::providers::jsonrpc::HttpTransport;
use starknet::providers::{JsonRpcClient, Provider as _};
use starknet::signers::SigningKey;
use url::Url;

use crate::progress;

/// Network options shared by the subcommands that send transactions.
#[derive(Args, Clone)]
pub struct NetworkArgs {
    /// JSON-RPC URL of a Starknet node; without it, an embedded devnet is started.
    #[arg(long, env = "STARKNET_RPC")]
    pub rpc: Option<Url>,
    /// Address of an account holding STRK on that node, to pay for deployments (not needed on a
    /// devnet, whose predeployed account is used).
    #[arg(long, env = "SK_FUNDER_ADDRESS", requires = "funder_key")]
    pub funder_address: Option<Felt>,
    /// Private key of that account.
    #[arg(long, env = "SK_FUNDER_KEY", requires = "funder_address", hide_env_values = true)]
    pub funder_key: Option<Felt>,
}

/// A connected network.
pub struct Network {
    /// The embedded devnet, if one was started; it runs as long as the network is in use.
    embedded: Option<Devnet>,
    pub url: Url,
    pub chain_id: Felt,
    /// Devnet's own methods, when the node is a devnet.
    pub devnet: Option<DevnetClient>,
    /// The account that pays for deployments.
    pub funder: LocalAccount,
}

impl NetworkArgs {
    pub async fn connect(&self) -> anyhow::Result<Network> {
        let Some(url) = &self.rpc else {
            let devnet = progress::step("starting an embedded devnet", Devnet::start()).await?;
            return Ok(Network {
                url: devnet.url().clone(),
                chain_id: devnet.chain_id(),
                devnet: Some(devnet.client().clone()),
                funder: devnet.funded_account(),
                embedded: Some(devnet),
            });
        };
        let provider = provider(url);
        let chain_id = provider
            .chain_id()
            .await
            .with_context(|| format!("cannot reach the node at {url}"))?;
        let client = DevnetClient::new(url.clone());
        let predeployed = client.predeployed_accounts().await.ok().and_then(|a| a.into_iter().next());
        let (funder_address, funder_key, devnet) = match (self.funder_address, self.funder_key, predeployed) {
            (Some(address), Some(key), predeployed) => (address, key, predeployed.map(|_| client)),
            (_, _, Some(account)) => (account.address, account.private_key, Some(client)),
            _ => bail!(
                "{url} is not a devnet, so the demo needs an account with STRK to pay for the \
                 deployment: pass --funder-address and --funder-key (or SK_FUNDER_ADDRESS / SK_FUNDER_KEY)"
            ),
        };
        let funder =
            local_account(provider, funder_address, SigningKey::from_secret_scalar(funder_key), chain_id);
        Ok(Network { embedded: None, url: url.clone(), chain_id, devnet, funder })
    }
}

impl Network {
    pub fn provider(&self) -> Provider {
        provider(&self.url)
    }

    /// Whether the network is a devnet this process started.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// Our account (or any single-key account) at `address`, signing with `key`.
    pub fn account(&self, address: Felt, key: SigningKey) -> LocalAccount {
        local_account(self.provider(), address, key, self.chain_id)
    }
}

fn provider(url: &Url) -> Provider {
    JsonRpcClient::new(HttpTransport::new(url.clone()))
}
