mod execute;
mod inspect;
mod logout;
mod new;
mod revoke;
mod sign;
mod sign_message;
mod summary;

use std::path::Path;

use anyhow::bail;
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sk_session::{SessionRequest, SignedSession};
use starknet::core::types::Felt;

use crate::files;

/// `sk session …`
#[derive(Subcommand)]
pub enum SessionCommand {
    /// Create a session key and a request for the owner to sign (and its SNIP-12 typed data).
    New(Box<new::New>),
    /// Sign a request with the owner key, or attach a wallet's signature, into a session file.
    Sign(sign::Sign),
    /// Sign a SNIP-12 message with the session key, for the account's is_valid_signature.
    SignMessage(sign_message::SignMessage),
    /// Show a session file: window, policies, hashes, and what the node says about it.
    Inspect(inspect::Inspect),
    /// Send a transaction (one call or a multicall) authorized by a session.
    Execute(execute::Execute),
    /// Revoke a session for good with an owner-signed transaction.
    Revoke(revoke::Revoke),
    /// Revoke every session of an account at once (moves its owner epoch on).
    RevokeAll(revoke::RevokeAll),
    /// Record a session's authorization in the account up front, so its transactions are short.
    Register(revoke::Register),
    /// End a session for good with its own key (log out): no owner key needed.
    Logout(logout::Logout),
}

impl SessionCommand {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            SessionCommand::New(command) => command.run().await,
            SessionCommand::Sign(command) => command.run().await,
            SessionCommand::SignMessage(command) => command.run().await,
            SessionCommand::Inspect(command) => command.run().await,
            SessionCommand::Execute(command) => command.run().await,
            SessionCommand::Revoke(command) => command.run().await,
            SessionCommand::RevokeAll(command) => command.run().await,
            SessionCommand::Register(command) => command.run().await,
            SessionCommand::Logout(command) => command.run().await,
        }
    }
}

/// The version of the request file below.
const REQUEST_FILE_VERSION: u64 = 4;

/// A request file (`sk session new --out`): what the owner is asked to sign, for which account
/// on which chain. `request` is the SDK's `SessionRequest` JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFile {
    pub version: u64,
    #[serde(with = "sk_session::hex_felt")]
    pub account: Felt,
    #[serde(with = "sk_session::hex_felt")]
    pub chain_id: Felt,
    pub request: SessionRequest,
}

/// Reads a request file, with an error that says what the file is if it is not one.
pub fn read_request(path: &Path) -> anyhow::Result<RequestFile> {
    let text = files::read_text(path)?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|err| anyhow::anyhow!("{} is not JSON: {}", path.display(), sk_session::escape(&err.to_string())))?;
    if value.get("session_hash").is_some() {
        bail!("{} is a signed session already, not a request", path.display());
    }
    if let Some(version) = value.get("version").and_then(Value::as_u64) {
        if version != REQUEST_FILE_VERSION {
            bail!(
                "{} is a request of format version {version}; this `sk` reads version {REQUEST_FILE_VERSION}",
                path.display()
            );
        }
    }
    // From the text, not the value, so that the error has its line and column.
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let field = err.path().to_string();
        let why = sk_session::escape(&err.inner().to_string()).into_owned();
        let at = if field == "." { String::new() } else { format!(" at `{}`", sk_session::escape(&field)) };
        anyhow::anyhow!("{} is not a session request{at}: {why}", path.display())
    })
}

/// Reads a signed session file, with the SDK's checks (version, hash of the content).
pub fn read_session(path: &Path) -> anyhow::Result<SignedSession> {
    let text = files::read_text(path)?;
    let value: Value = serde_json::from_str(&text).map_err(|err| {
        anyhow::anyhow!(
            "{} is not a session file: it is not JSON ({})",
            path.display(),
            sk_session::escape(&err.to_string())
        )
    })?;
    if value.get("request").is_some() && value.get("session_hash").is_none() {
        bail!(
            "{} is a session request, not a signed session: have the owner sign it with `sk session sign`",
            path.display()
        );
    }
    SignedSession::from_json(&text)
        .map_err(|err| anyhow::Error::new(err).context(format!("reading the session file {}", path.display())))
}
