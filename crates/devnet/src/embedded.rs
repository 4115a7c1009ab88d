use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use starknet::core::types::Felt;
use starknet::providers::jsonrpc::HttpTransport;
use starknet::providers::{JsonRpcClient, Provider as _};
use starknet::signers::SigningKey;
use starknet_devnet_core::starknet::starknet_config::StarknetConfig;
use starknet_devnet_core::starknet::Starknet;
use starknet_devnet_server::api::{Api, JsonRpcHandler};
use starknet_devnet_server::server::serve_http_json_rpc;
use starknet_devnet_server::ServerConfig;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

use starknet::core::types::{FlattenedSierraClass, TransactionReceiptWithBlockInfo};

use crate::{declare, local_account, AccountDeployment, Declared, DevnetClient, Error, LocalAccount, PredeployedAccount, Provider};

/// What [`Devnet::deploy_account`] mints to a new account before deploying it: 1,000 STRK.
pub const DEPLOY_FUNDS: u128 = 1_000 * 10u128.pow(18);

/// The seed of the predeployed accounts' keys: fixed, so runs are reproducible.
pub const DEVNET_SEED: u32 = 42;

/// A starknet-devnet running in this process, on 127.0.0.1 at an OS-chosen port. It stops when
/// dropped (or when its tokio runtime ends).
pub struct Devnet {
    client: DevnetClient,
    chain_id: Felt,
    funder: PredeployedAccount,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Devnet {
    /// Starts a devnet with the default configuration (fixed seed, a block per transaction).
    pub async fn start() -> Result<Self, Error> {
        Self::start_with(StarknetConfig { seed: DEVNET_SEED, ..StarknetConfig::default() }).await
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
            timeout: 120,
            log_request: false,
            log_response: false,
            restricted_methods: None,
        };
        let starknet = Starknet::new(&config).map_err(|e| Error::Start(e.to_string()))?;
        let api = Api::new(starknet, server_config.clone());
        let server = serve_http_json_rpc(listener, &server_config, JsonRpcHandler::new(api)).await;
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            // The server ends on shutdown; its error, if any, surfaces as failed requests.
            let _ = server.with_graceful_shutdown(async { stopped.await.unwrap_or(()) }).await;
        });

        let url = Url::parse(&format!("http://{address}/rpc"))
            .map_err(|e| Error::Start(format!("devnet URL: {e}")))?;
        let client = DevnetClient::new(url);
        let provider = JsonRpcClient::new(HttpTransport::new(client.url().clone()));
        let chain_id = wait_until_up(&provider).await?;
        let funder = client
            .predeployed_accounts()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Start("devnet has no predeployed account".into()))?;
        Ok(Self { client, chain_id, funder, shutdown: Some(shutdown) })
    }

    /// The JSON-RPC URL.
    pub fn url(&self) -> &Url {
        self.client.url()
    }

    /// The chain id (`SN_SEPOLIA` unless configured otherwise).
    pub fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// A JSON-RPC client for this devnet.
    pub fn provider(&self) -> Provider {
        JsonRpcClient::new(HttpTransport::new(self.url().clone()))
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
    pub async fn declare(
        &self,
        class: FlattenedSierraClass,
        compiled_class_hash: Felt,
    ) -> Result<Declared, Error> {
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
        let deployment =
            AccountDeployment::new(self.provider(), self.chain_id, class_hash, owner, salt).await?;
        let address = deployment.address();
        let mint = self.mint(address, DEPLOY_FUNDS).await?;
        crate::wait_for_receipt(&self.provider(), mint).await?;
        Ok((address, deployment.send().await?))
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
