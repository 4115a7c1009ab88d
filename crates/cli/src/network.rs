//! Where transactions go: an embedded devnet, or a node given by `--rpc`.
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use sk_contracts::bindings::SessionKeyAccountReader;
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{
    declare, local_account, strk_transfer, wait_for_receipt, AccountDeployment, Declared, Devnet, DevnetClient,
    LocalAccount, Provider, RpcTransport, TransportConfig, DEPLOY_FUNDS,
};
use starknet::accounts::Account as _;
use starknet::core::types::{
    BlockId, BlockTag, Felt, MaybePreConfirmedBlockWithTxHashes, StarknetError, TransactionReceiptWithBlockInfo,
};
use starknet::providers::ProviderError;
use starknet::providers::{JsonRpcClient, Provider as _};
use starknet::signers::SigningKey;
use url::Url;

use crate::progress;
use crate::time::parse_duration;

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
    /// How long one request to the --rpc node may take, answer included (30s, 2m…); a node that
    /// takes longer is given up on. The embedded devnet has its own limits.
    #[arg(long, env = "SK_RPC_TIMEOUT", value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub rpc_timeout: u64,
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
    /// The limits of the requests to a node given by `--rpc`.
    config: TransportConfig,
}

impl NetworkArgs {
    pub async fn connect(&self) -> anyhow::Result<Network> {
        let config = transport_config(self.rpc_timeout);
        let Some(url) = &self.rpc else {
            let devnet = progress::step("starting an embedded devnet", Devnet::start()).await?;
            return Ok(Network {
                url: devnet.url().clone(),
                chain_id: devnet.chain_id(),
                devnet: Some(devnet.client().clone()),
                funder: devnet.funded_account(),
                embedded: Some(devnet),
                config,
            });
        };
        let provider = provider(url, config);
        let chain_id = provider.chain_id().await.with_context(|| format!("cannot reach the node at {url}"))?;
        let client = DevnetClient::with_config(url.clone(), config);
        let predeployed = first_predeployed(&client).await;
        let (funder_address, funder_key, devnet) = match (self.funder_address, self.funder_key, predeployed) {
            (Some(address), Some(key), predeployed) => (address, key, predeployed.map(|_| client)),
            (_, _, Some((address, key))) => (address, key, Some(client)),
            _ => bail!(
                "{url} is not a devnet, so paying for the deployment needs an account with STRK: \
                 pass --funder-address and --funder-key (or SK_FUNDER_ADDRESS / SK_FUNDER_KEY)"
            ),
        };
        // A key from a flag or from the node: refused rather than a panic if it is no private key.
        let funder_key = sk_session::signing_key(funder_key).context("the funder's key")?;
        let funder = local_account(provider, funder_address, funder_key, chain_id);
        Ok(Network { embedded: None, url: url.clone(), chain_id, devnet, funder, config })
    }
}

impl Network {
    /// A client of the network's node: the embedded devnet's own, or one with the limits of
    /// `--rpc-timeout`.
    pub fn provider(&self) -> Provider {
        match &self.embedded {
            Some(devnet) => devnet.provider(),
            None => provider(&self.url, self.config),
        }
    }

    /// Whether the network is a devnet this process started.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// The devnet this process started, if it did: it can profile a transaction before it is sent.
    pub fn embedded(&self) -> Option<&Devnet> {
        self.embedded.as_ref()
    }

    /// Our account (or any single-key account) at `address`, signing with `key`.
    pub fn account(&self, address: Felt, key: SigningKey) -> LocalAccount {
        local_account(self.provider(), address, key, self.chain_id)
    }

    /// Gives a new account's address STRK for its deployment: minted on a devnet, else
    /// transferred from the funder.
    pub async fn fund(&self, address: Felt) -> anyhow::Result<()> {
        let provider = self.provider();
        let hash = match &self.devnet {
            Some(devnet) => devnet.mint(address, DEPLOY_FUNDS).await?,
            None => {
                self.funder
                    .execute_v3(vec![strk_transfer(address, FUND_FROM_FUNDER)])
                    .send()
                    .await
                    .context("sending STRK from the funder account")?
                    .transaction_hash
            }
        };
        wait_for_receipt(&provider, hash).await?;
        Ok(())
    }

    /// Funds the counterfactual address of `deployment` and sends its DEPLOY_ACCOUNT, with progress.
    pub async fn fund_and_deploy(
        &self,
        deployment: &AccountDeployment,
    ) -> anyhow::Result<TransactionReceiptWithBlockInfo> {
        progress::step("funding the account's address", self.fund(deployment.address()))
            .await
            .context("funding the account's address")?;
        progress::step("deploying the account (DEPLOY_ACCOUNT)", deployment.send())
            .await
            .context("deploying the account")
    }

    /// Declares our account class unless the node has it; returns the class hash and the
    /// DECLARE transaction's hash if one was sent.
    pub async fn declare_account_class(&self) -> anyhow::Result<Declared> {
        let class = SESSION_KEY_ACCOUNT.sierra_class().context("reading the compiled account class")?;
        progress::step(
            "declaring the account class",
            declare(&self.funder, class, SESSION_KEY_ACCOUNT.compiled_class_hash),
        )
        .await
        .context("declaring the account class")
    }
}

/// What a new account gets from a funder on a network that is not a devnet: 2 STRK.
const FUND_FROM_FUNDER: u128 = 2 * 10u128.pow(18);

/// The first predeployed account of `client`'s node (address, private key), if it is a devnet (it
/// answers devnet's own `devnet_getPredeployedAccounts`): the account that pays, on a devnet, for
/// deployments and relayed outside executions.
async fn first_predeployed(client: &DevnetClient) -> Option<(Felt, Felt)> {
    let accounts = client.predeployed_accounts().await.ok()?;
    accounts.into_iter().next().map(|account| (account.address, account.private_key))
}

/// The limits of requests to a node: the defaults, with a request timeout of `seconds`.
fn transport_config(seconds: u64) -> TransportConfig {
    TransportConfig::default().with_request_timeout(Duration::from_secs(seconds))
}

/// A client of the node at `url`.
fn provider(url: &Url, config: TransportConfig) -> Provider {
    JsonRpcClient::new(RpcTransport::new(url.clone(), config))
}

/// The node of the session commands: optional (`--rpc`), never an embedded devnet, since what
/// they do must outlive the command.
#[derive(Args, Clone)]
pub struct RpcArgs {
    /// JSON-RPC URL of a Starknet node (`sk devnet` runs one locally).
    #[arg(long, env = "STARKNET_RPC")]
    pub rpc: Option<Url>,
    /// How long one request to the node may take, answer included (30s, 2m…); a node that takes
    /// longer is given up on.
    #[arg(long, env = "SK_RPC_TIMEOUT", value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub rpc_timeout: u64,
}

/// A node reached by URL.
pub struct Node {
    pub url: Url,
    pub provider: Provider,
    pub chain_id: Felt,
    /// The limits of the requests to it (`--rpc-timeout`).
    pub config: TransportConfig,
}

impl RpcArgs {
    /// The node, if `--rpc` was given; an error if it does not answer.
    pub async fn connect(&self) -> anyhow::Result<Option<Node>> {
        let Some(url) = &self.rpc else { return Ok(None) };
        let config = transport_config(self.rpc_timeout);
        let provider = provider(url, config);
        let chain_id = progress::step("asking the node for its chain id", provider.chain_id())
            .await
            .with_context(|| format!("cannot reach the node at {url}"))?;
        Ok(Some(Node { url: url.clone(), provider, chain_id, config }))
    }

    /// The node, required for `what` (e.g. "sending a session transaction").
    pub async fn require(&self, what: &str) -> anyhow::Result<Node> {
        match self.connect().await? {
            Some(node) => Ok(node),
            None => bail!("{what} needs a node: pass --rpc URL (or set STARKNET_RPC); `sk devnet` runs a local one"),
        }
    }
}

impl Node {
    /// The node's first predeployed account (address, private key), if it is a devnet.
    pub async fn devnet_account(&self) -> Option<(Felt, Felt)> {
        first_predeployed(&DevnetClient::with_config(self.url.clone(), self.config)).await
    }

    /// The latest block's timestamp: the chain's clock (a devnet's may differ from this computer's).
    pub async fn timestamp(&self) -> anyhow::Result<u64> {
        chain_time(&self.provider).await.with_context(|| format!("reading the latest block from {}", self.url))
    }

    /// Fails unless the node's chain is `expected` (the chain a session or request is for).
    pub fn check_chain(&self, expected: Felt, what: &str) -> anyhow::Result<()> {
        if self.chain_id != expected {
            bail!(
                "{what} is for chain {}, but the node at {} is on chain {}",
                crate::parse::chain_name(expected),
                self.url,
                crate::parse::chain_name(self.chain_id)
            );
        }
        Ok(())
    }

    /// The owner public key of our account at `account`, read on chain.
    pub async fn owner(&self, account: Felt) -> anyhow::Result<Felt> {
        let reader = SessionKeyAccountReader::new(account, &self.provider);
        match reader.get_owner().call().await {
            Ok(owner) => Ok(owner),
            Err(err) if not_deployed(&err) => {
                bail!("no account is deployed at {account:#066x} on the node at {}", self.url)
            }
            Err(err) => Err(anyhow::Error::new(err)
                .context(format!("reading the owner of {account:#066x} (is it a session-key account?)"))),
        }
    }

    /// What the session `session_hash` of `account` has used, and whether its authorization is
    /// recorded.
    pub async fn usage(&self, account: Felt, session_hash: Felt) -> anyhow::Result<sk_session::SessionUsage> {
        sk_session::session_usage(&self.provider, account, session_hash, BlockId::Tag(BlockTag::PreConfirmed))
            .await
            .with_context(|| format!("asking {account:#066x} what the session has used"))
    }

    /// What the session `session_hash` of `account` has moved of `token`.
    pub async fn spending(
        &self,
        account: Felt,
        session_hash: Felt,
        token: Felt,
    ) -> anyhow::Result<sk_session::SpendingUsage> {
        let block = BlockId::Tag(BlockTag::PreConfirmed);
        sk_session::session_spending(&self.provider, account, session_hash, token, block)
            .await
            .with_context(|| format!("asking {account:#066x} what the session has moved of {token:#066x}"))
    }

    /// Whether a contract is deployed at `account` (an account not deployed yet has no views to
    /// read; its epoch will be 0).
    pub async fn is_deployed(&self, account: Felt) -> anyhow::Result<bool> {
        match self.provider.get_class_hash_at(BlockId::Tag(BlockTag::PreConfirmed), account).await {
            Ok(_) => Ok(true),
            Err(ProviderError::StarknetError(StarknetError::ContractNotFound)) => Ok(false),
            Err(err) => Err(anyhow::Error::new(err)
                .context(format!("asking the node at {} whether {account:#066x} is deployed", self.url))),
        }
    }

    /// The owner epoch of `account`: what a new session must name.
    pub async fn epoch(&self, account: Felt) -> anyhow::Result<Felt> {
        sk_session::session_epoch(&self.provider, account, BlockId::Tag(BlockTag::PreConfirmed))
            .await
            .with_context(|| format!("asking {account:#066x} for its owner epoch"))
    }

    /// Whether the session `session_hash` of `account` is revoked.
    pub async fn is_revoked(&self, account: Felt, session_hash: Felt) -> anyhow::Result<bool> {
        sk_session::is_session_revoked(&self.provider, account, session_hash, BlockId::Tag(BlockTag::PreConfirmed))
            .await
            .with_context(|| format!("asking {account:#066x} whether the session is revoked"))
    }
}

/// Whether a cainome call failed because no contract is deployed at the address.
fn not_deployed(err: &impl std::fmt::Display) -> bool {
    err.to_string().contains(&format!("{:?}", ProviderError::StarknetError(StarknetError::ContractNotFound)))
}

/// The latest block's timestamp: the chain's clock.
pub async fn chain_time(provider: &Provider) -> Result<u64, ProviderError> {
    Ok(match provider.get_block_with_tx_hashes(BlockId::Tag(BlockTag::Latest)).await? {
        MaybePreConfirmedBlockWithTxHashes::Block(block) => block.timestamp,
        MaybePreConfirmedBlockWithTxHashes::PreConfirmedBlock(block) => block.timestamp,
    })
}
