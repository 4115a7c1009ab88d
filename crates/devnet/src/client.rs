use serde::Deserialize;
use serde_json::{json, Value};
use starknet::core::types::Felt;
use url::Url;

use crate::Error;

/// A client for devnet's own RPC methods (`devnet_*`), on any devnet reachable by URL.
#[derive(Debug, Clone)]
pub struct DevnetClient {
    url: Url,
    http: reqwest::Client,
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
    /// A client for the devnet at `url` (its JSON-RPC endpoint).
    pub fn new(url: Url) -> Self {
        Self { url, http: reqwest::Client::new() }
    }

    /// The node's JSON-RPC URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    async fn call(&self, method: &'static str, params: Value) -> Result<Value, Error> {
        let request = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let response = self
            .http
            .post(self.url.clone())
            .json(&request)
            .send()
            .await
            .map_err(|source| Error::Unreachable { url: self.url.to_string(), source })?;
        let body: Value =
            response.json().await.map_err(|e| Error::Devnet { method, message: format!("unreadable answer: {e}") })?;
        if let Some(error) = body.get("error") {
            let message = error["message"].as_str().unwrap_or("error").to_string();
            return Err(Error::Devnet { method, message });
        }
        Ok(body["result"].clone())
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
    T::deserialize(value).map_err(|e| Error::Devnet { method, message: format!("unexpected answer {value}: {e}") })
}
