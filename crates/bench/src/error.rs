//! Why a benchmark run failed.
use std::path::PathBuf;

use starknet::core::types::Felt;

/// Everything that stops a benchmark run. A transaction the node rejects or reverts is an error,
/// never a data point.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The devnet failed (start, declare, deploy, mint, profile).
    #[error(transparent)]
    Devnet(Box<sk_devnet::Error>),
    /// The session SDK refused something (a bug in the bench's own inputs).
    #[error(transparent)]
    Session(Box<sk_session::Error>),
    /// The node failed to answer.
    #[error("the node failed to answer: {0}")]
    Provider(Box<starknet::providers::ProviderError>),
    /// A benchmarked transaction was rejected, reverted, or could not be built.
    #[error("{scenario}: {reason}")]
    Rejected {
        /// Which row of the table.
        scenario: String,
        /// What the node (or the account) said.
        reason: String,
    },
    /// The two SDKs disagree on something that must be identical.
    #[error("x-sessions and the Rust SDK disagree on {what}: {js} (x-sessions) vs {rust} (Rust)")]
    Mismatch {
        /// What was compared.
        what: &'static str,
        /// x-sessions' value.
        js: String,
        /// Ours.
        rust: String,
    },
    /// Running `@argent/x-sessions` (Node.js, npm) failed.
    #[error("x-sessions benchmark: {0}")]
    Js(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A value the bench reads back from the chain is not what it must be.
    #[error("{0}")]
    Unexpected(String),
}

// The lower layers' errors are boxed: they are large (a node's answer inside), and every `Result`
// of the bench would carry their size.
impl From<sk_devnet::Error> for Error {
    fn from(err: sk_devnet::Error) -> Self {
        Self::Devnet(Box::new(err))
    }
}

impl From<sk_session::Error> for Error {
    fn from(err: sk_session::Error) -> Self {
        Self::Session(Box::new(err))
    }
}

impl From<starknet::providers::ProviderError> for Error {
    fn from(err: starknet::providers::ProviderError) -> Self {
        Self::Provider(Box::new(err))
    }
}

impl Error {
    /// A rejected transaction (or any failure to get it included) in `scenario`.
    pub fn rejected(scenario: &str, reason: impl std::fmt::Display) -> Self {
        Self::Rejected { scenario: scenario.to_string(), reason: reason.to_string() }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}

/// A felt as the JSON outputs write it.
pub(crate) fn hex(felt: Felt) -> String {
    format!("{felt:#x}")
}
