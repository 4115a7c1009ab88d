use starknet::accounts::single_owner::SignError as AccountSignError;
use starknet::accounts::{AccountError, AccountFactoryError};
use starknet::core::types::Felt;
use starknet::providers::ProviderError;
use starknet::signers::local_wallet::SignError;

/// Errors of the devnet harness and of the on-chain helpers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Devnet could not be configured or its port bound.
    #[error("could not start devnet: {0}")]
    Start(String),
    /// A devnet-specific RPC method failed or the node is not a devnet.
    #[error("devnet method {method} failed: {message}")]
    Devnet {
        /// The method, e.g. `devnet_mint`.
        method: &'static str,
        /// What the node answered.
        message: String,
    },
    /// The node could not be reached.
    #[error("cannot reach the node at {url}: {source}")]
    Unreachable {
        /// The node's URL.
        url: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// A Starknet RPC call failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// Sending a transaction from an account failed (including validation failures).
    #[error(transparent)]
    Account(#[from] AccountError<AccountSignError<SignError>>),
    /// Sending a DEPLOY_ACCOUNT transaction failed (including validation failures).
    #[error(transparent)]
    Deploy(#[from] AccountFactoryError<SignError>),
    /// The transaction was included but reverted.
    #[error("transaction {hash:#066x} reverted: {reason}")]
    Reverted {
        /// The transaction hash.
        hash: Felt,
        /// The revert reason.
        reason: String,
    },
    /// The node answered something this code cannot read.
    #[error("unexpected answer from the node: {0}")]
    UnexpectedAnswer(String),
    /// An account could not estimate, build or sign a transaction (an estimate the node refuses
    /// lands here: the node's reason is in the message).
    #[error("cannot prepare the transaction: {0}")]
    Prepare(String),
    /// Profiling: the node would reject the transaction outright (validation failed, wrong
    /// nonce, resource bounds too low or unaffordable); the message is blockifier's error trace.
    #[error("the transaction would be rejected: {0}")]
    TransactionRejected(String),
    /// Profiling: the transaction could not be prepared or executed for measurement.
    #[error("cannot profile the transaction: {0}")]
    Profiler(String),
    /// The transaction did not show up in time.
    #[error("transaction {0:#066x} was not included within the time limit")]
    Timeout(Felt),
}
