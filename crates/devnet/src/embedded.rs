use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use starknet::contract::{ContractFactory, UdcSelector};
use starknet::core::types::Felt;
use starknet::providers::{JsonRpcClient, Provider as _};
use starknet::signers::SigningKey;
use starknet_devnet_core::starknet::starknet_config::StarknetConfig;
use starknet_devnet_core::starknet::Starknet;
use starknet_devnet_server::api::{Api, JsonRpcHandler};
use starknet_devnet_server::server::serve_http_json_rpc;
use starknet_devnet_server::ServerConfig;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Mutex};
use url::Url;

use starknet::core::types::{FlattenedSierraClass, TransactionReceiptWithBlockInfo};

use crate::{
    declare, local_account, AccountDeployment, Declared, DevnetClient, Error, LocalAccount, PredeployedAccount,
    Provider, TransportConfig,
};

/// What [`Devnet::deploy_account`] mints to a new account before deploying it: 1,000 STRK.
pub const DEPLOY_FUNDS: u128 = 1_000 * 10u128.pow(18);

/// The class hash of Argent's account 0.4.0, which devnet declares with `predeclare_argent`.
pub const ARGENT_ACCOUNT_CLASS_HASH: Felt =
    Felt::from_hex_unchecked("0x36078334509b514626504edc9fb252328d1a240e4e948bef8d0c08dff45927f");

/// The version of Argent's account that [`ARGENT_ACCOUNT_CLASS_HASH`] is.
pub const ARGENT_ACCOUNT_VERSION: &str = starknet_devnet_core::constants::ARGENT_CONTRACT_VERSION;

/// The seed of the predeployed accounts' keys: fixed, so runs are reproducible.
pub const DEVNET_SEED: u32 = 42;

/// How long devnet's server works on a request before it gives up, in seconds.
const SERVER_TIMEOUT_SECS: u16 = 120;

/// The limits of the clients of an embedded devnet: the defaults, but a request timeout a little
/// longer than the server's, so that a slow request ends with the server's answer.
fn client_config() -> TransportConfig {
    TransportConfig::default().with_request_timeout(Duration::from_secs(u64::from(SERVER_TIMEOUT_SECS) + 10))
}

/// A starknet-devnet running in this process, on 127.0.0.1 at an OS-chosen port. It stops when
/// dropped (or when its tokio runtime ends).
pub struct Devnet {
    client: DevnetClient,
    chain_id: Felt,
    funder: PredeployedAccount,
    /// Devnet's state, shared with its RPC server (for [`Devnet::profile_invoke`]).
    pub(crate) starknet: Arc<Mutex<Starknet>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Devnet {
    /// Starts a devnet with the default configuration (fixed seed, a block per transaction).
    pub async fn start() -> Result<Self, Error> {
        Self::start_with(StarknetConfig { seed: DEVNET_SEED, ..StarknetConfig::default() }).await
    }

    /// Starts a devnet with Argent's account classes declared ([`ARGENT_ACCOUNT_CLASS_HASH`]).
    pub async fn start_with_argent() -> Result<Self, Error> {
        Self::start_with(StarknetConfig { seed: DEVNET_SEED, predeclare_argent: true, ..StarknetConfig::default() })
            .await
    }

    /// Starts a devnet with a configuration of one's own (e.g. `predeclare_argent: true`).
    pub async fn start_with(config: StarknetConfig) -> Result<Self, Error> {
        Self::start_on(0, config).await
    }

    /// Starts a devnet on 127.0.0.1:`port` (0: a port the OS picks) whose predeployed accounts'
    /// keys derive from `seed` (for `sk devnet`, which others reach by a known URL).
    pub async fn start_at(port: u16, seed: u32) -> Result<Self, Error> {
        Self::start_on(port, StarknetConfig { seed, ..StarknetConfig::default() }).await
    }

    async fn start_on(port: u16, config: StarknetConfig) -> Result<Self, Error> {
        // Devnet blocks inside its async handlers (`block_in_place`), which only a multi-threaded
        // runtime allows; say so instead of letting devnet panic.
        if tokio::runtime::Handle::current().runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
            return Err(Error::Start(
                "devnet needs a multi-threaded tokio runtime (`#[tokio::test(flavor = \"multi_thread\")]`)".into(),
            ));
        }
        let listener = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
            .await
            .map_err(|e| Error::Start(format!("binding 127.0.0.1:{port}: {e}")))?;
        let address = listener.local_addr().map_err(|e| Error::Start(e.to_string()))?;
        let server_config = ServerConfig {
            host: address.ip(),
            port: address.port(),
            timeout: SERVER_TIMEOUT_SECS,
            log_request: false,
            log_response: false,
            restricted_methods: None,
        };
        let starknet = Starknet::new(&config).map_err(|e| Error::Start(e.to_string()))?;
        let api = Api::new(starknet, server_config.clone());
        let starknet = api.starknet.clone();
        let server = serve_http_json_rpc(listener, &server_config, JsonRpcHandler::new(api)).await;
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            // The server ends on shutdown; its error, if any, surfaces as failed requests.
            let _ = server.with_graceful_shutdown(async { stopped.await.unwrap_or(()) }).await;
        });

        let url = Url::parse(&format!("http://{address}/rpc")).map_err(|e| Error::Start(format!("devnet URL: {e}")))?;
        let client = DevnetClient::with_config(url, client_config());
        let provider = JsonRpcClient::new(client.transport().clone());
        let chain_id = wait_until_up(&provider).await?;
        let funder = client
            .predeployed_accounts()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Start("devnet has no predeployed account".into()))?;
        Ok(Self { client, chain_id, funder, starknet, shutdown: Some(shutdown) })
    }

    /// The JSON-RPC URL.
    pub fn url(&self) -> &Url {
        self.client.url()
    }

    /// The chain id (`SN_SEPOLIA` unless configured otherwise).
    pub fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// A JSON-RPC client for this devnet (sharing the connections of [`Devnet::client`]).
    pub fn provider(&self) -> Provider {
        JsonRpcClient::new(self.client.transport().clone())
    }

    /// Devnet's own methods (mint, time, blocks).
    pub fn client(&self) -> &DevnetClient {
        &self.client
    }

    /// The first predeployed account: funded, and used to declare and pay in tests.
    pub fn funded_account(&self) -> LocalAccount {
        let key = SigningKey::from_secret_scalar(self.funder.private_key);
        local_account(self.provider(), self.funder.address, key, self.chain_id)
    }
}

impl Devnet {
    /// Declares `class` from the funded account, unless it is declared already.
    pub async fn declare(&self, class: FlattenedSierraClass, compiled_class_hash: Felt) -> Result<Declared, Error> {
        declare(&self.funded_account(), class, compiled_class_hash).await
    }

    /// Deploys an account of class `class_hash` owned by `owner` with a DEPLOY_ACCOUNT
    /// transaction: computes its counterfactual address, mints [`DEPLOY_FUNDS`] to it, deploys it,
    /// and returns its address and the deployment's receipt.
    pub async fn deploy_account(
        &self,
        class_hash: Felt,
        owner: SigningKey,
        salt: Felt,
    ) -> Result<(Felt, TransactionReceiptWithBlockInfo), Error> {
        let deployment = AccountDeployment::new(self.provider(), self.chain_id, class_hash, owner, salt).await?;
        let address = deployment.address();
        let mint = self.mint(address, DEPLOY_FUNDS).await?;
        crate::wait_for_receipt(&self.provider(), mint).await?;
        Ok((address, deployment.send().await?))
    }
}

impl Devnet {
    /// Deploys an instance of `class_hash` with `constructor_calldata` through the Universal
    /// Deployer (the current one), paid by the funded account, and returns its address.
    pub async fn deploy_contract(
        &self,
        class_hash: Felt,
        constructor_calldata: Vec<Felt>,
        salt: Felt,
    ) -> Result<Felt, Error> {
        let factory = ContractFactory::new_with_udc(class_hash, self.funded_account(), UdcSelector::New);
        let deployment = factory.deploy_v3(constructor_calldata, salt, false);
        let sent = deployment.send().await?;
        crate::wait_for_receipt(&self.provider(), sent.transaction_hash).await?;
        Ok(deployment.deployed_address())
    }
}

impl std::ops::Deref for Devnet {
    type Target = DevnetClient;

    fn deref(&self) -> &DevnetClient {
        &self.client
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Polls the chain id until the server answers (it is up at once in practice).
async fn wait_until_up(provider: &Provider) -> Result<Felt, Error> {
    let mut last = None;
    for _ in 0..100 {
        match provider.chain_id().await {
            Ok(chain_id) => return Ok(chain_id),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(Error::Start(format!("devnet did not answer: {}", last.map(|e| e.to_string()).unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argent_class_hash_is_the_one_devnet_declares() {
        let devnets = starknet_devnet_core::constants::ARGENT_CONTRACT_CLASS_HASH.to_bytes_be();
        assert_eq!(ARGENT_ACCOUNT_CLASS_HASH.to_bytes_be(), devnets);
        assert_eq!(ARGENT_ACCOUNT_VERSION, "0.4.0");
    }
}
