//! starknet-devnet, in-process, for tests and demos.
//!
//! [`Devnet::start`] runs starknet-devnet 0.8.2 inside the current tokio runtime on 127.0.0.1 with
//! an OS-chosen port (so any number of tests run at once) and a fixed seed, and stops it on drop.
//! [`DevnetClient`] speaks devnet's own RPC methods (mint, time, blocks) to any devnet by URL.
//! [`Devnet::profile_invoke`] measures a transaction's Cairo steps and builtins, which RPC receipts
//! no longer carry.
//! [`declare`], [`AccountDeployment`] and [`wait_for_receipt`] work on any Starknet node.
//! [`RpcTransport`], under every [`Provider`] and [`DevnetClient`], gives up on a node that does
//! not answer in time or whose answer is too long ([`TransportConfig`]).
#![deny(missing_docs)]

mod client;
mod embedded;
mod error;
mod ops;
mod profile;
mod transport;

pub use client::{DevnetClient, PredeployedAccount};
pub use embedded::{Devnet, ARGENT_ACCOUNT_CLASS_HASH, ARGENT_ACCOUNT_VERSION, DEPLOY_FUNDS, DEVNET_SEED};
pub use error::Error;
pub use ops::{
    declare, local_account, signed_invoke, strk_balance, strk_transfer, wait_for_receipt, AccountDeployment, Cost,
    Declared, ETH, STRK,
};
pub use profile::{ExecutionProfile, GasUsage, Outcome, PhaseProfile, VmResources};
/// Devnet's configuration, for [`Devnet::start_with`].
pub use starknet_devnet_core::starknet::starknet_config::StarknetConfig;
pub use transport::{RpcTransport, TransportConfig, TransportError};

/// The JSON-RPC client type used throughout: starknet-rs's client over our [`RpcTransport`].
pub type Provider = starknet::providers::JsonRpcClient<RpcTransport>;
/// An account signed by one local key (devnet's predeployed accounts, and owner-signed flows).
pub type LocalAccount = starknet::accounts::SingleOwnerAccount<Provider, starknet::signers::LocalWallet>;
