use serde::Deserialize;
use serde_json::{json, Value};
use starknet::core::types::Felt;
use starknet::providers::jsonrpc::{JsonRpcClientError, JsonRpcResponse};
use url::Url;

use crate::transport::{escape, excerpt};
use crate::{Error, RpcTransport, TransportConfig, TransportError};

/// A client for devnet's own RPC methods (`devnet_*`), on any devnet reachable by URL, with the
/// limits of an [`RpcTransport`].
#[derive(Debug, Clone)]
pub struct DevnetClient {
    transport: RpcTransport,
}

/// One of devnet's predeployed, funded accounts.
#[derive(Debug, Clone, Deserialize)]
pub struct PredeployedAccount {
    /// The account's address.
    pub address: Felt,
    /// Its private key.
    pub private_key: Felt,
    /// Its public key.
    pub public_key: Felt,
}

impl DevnetClient {
    /// A client for the devnet at `url` (its JSON-RPC endpoint), with the default limits.
    pub fn new(url: Url) -> Self {
        Self::with_config(url, TransportConfig::default())
    }

    /// A client for the devnet at `url` with the limits of `config`.
    pub fn with_config(url: Url, config: TransportConfig) -> Self {
        Self { transport: RpcTransport::new(url, config) }
    }

    /// The node's JSON-RPC URL.
    pub fn url(&self) -> &Url {
        self.transport.url()
    }

    /// The transport, for a [`Provider`](crate::Provider) sharing its connections and limits.
    pub(crate) fn transport(&self) -> &RpcTransport {
        &self.transport
    }

    /// Calls `method`. A failed exchange is a [`ProviderError`](starknet::providers::ProviderError)
    /// holding the [`TransportError`], as for the Starknet methods; a JSON-RPC error (the node
    /// is no devnet, or refused) is [`Error::Devnet`] with the node's message, escaped.
    async fn call(&self, method: &'static str, params: Value) -> Result<Value, Error> {
        let failed = |err: TransportError| Error::Provider(JsonRpcClientError::TransportError(err).into());
        match self.transport.call(method, params).await.map_err(failed)? {
            JsonRpcResponse::Success { result, .. } => Ok(result),
            JsonRpcResponse::Error { error, .. } => Err(Error::Devnet { method, message: error.message }),
        }
    }

    /// Mints `amount` FRI (STRK's smallest unit) to `address`; returns the mint transaction hash.
    pub async fn mint(&self, address: Felt, amount: u128) -> Result<Felt, Error> {
        let result = self
            .call("devnet_mint", json!({ "address": format!("{address:#x}"), "amount": amount, "unit": "FRI" }))
            .await?;
        parse(&result["tx_hash"], "devnet_mint")
    }

    /// Devnet's predeployed accounts (funded with ETH and STRK).
    pub async fn predeployed_accounts(&self) -> Result<Vec<PredeployedAccount>, Error> {
        let result = self.call("devnet_getPredeployedAccounts", json!({})).await?;
        parse(&result, "devnet_getPredeployedAccounts")
    }

    /// Sets the next block's timestamp (seconds) and mines a block with it.
    pub async fn set_time(&self, timestamp: u64) -> Result<(), Error> {
        self.call("devnet_setTime", json!({ "time": timestamp, "generate_block": true })).await?;
        Ok(())
    }

    /// Moves time forward by `seconds` and mines a block.
    pub async fn increase_time(&self, seconds: u64) -> Result<(), Error> {
        self.call("devnet_increaseTime", json!({ "time": seconds })).await?;
        Ok(())
    }

    /// Mines a block.
    pub async fn create_block(&self) -> Result<(), Error> {
        self.call("devnet_createBlock", json!({})).await?;
        Ok(())
    }
}

fn parse<T: serde::de::DeserializeOwned>(value: &Value, method: &'static str) -> Result<T, Error> {
    T::deserialize(value).map_err(|e| Error::Devnet {
        method,
        message: format!(
            "unexpected answer {} ({})",
            excerpt(value.to_string().as_bytes()),
            escape(&e.to_string(), false)
        ),
    })
}
