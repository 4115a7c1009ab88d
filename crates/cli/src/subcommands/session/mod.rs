mod execute;
mod inspect;
mod new;
mod revoke;
mod sign;
mod sign_message;

use std::path::Path;

use anyhow::{bail, Context};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sk_session::{SessionRequest, SignedSession};
use starknet::core::types::Felt;

use crate::files;
use crate::parse;

/// `sk session …`
#[derive(Subcommand)]
pub enum SessionCommand {
    /// Create a session key and a request for the owner to sign (and its SNIP-12 typed data).
    New(new::New),
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
        }
    }
}

/// The version of the request file below.
const REQUEST_FILE_VERSION: u64 = 3;

/// A request file (`sk session new --out`): what the owner is asked to sign, for which account
/// on which chain. `request` is the SDK's `SessionRequest` JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFile {
    pub version: u64,
    pub account: Felt,
    pub chain_id: Felt,
    pub request: SessionRequest,
}

/// Reads a request file, with an error that says what the file is if it is not one.
pub fn read_request(path: &Path) -> anyhow::Result<RequestFile> {
    let text = files::read_text(path)?;
    let value: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
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
    serde_json::from_value(value).with_context(|| format!("{} is not a session request", path.display()))
}

/// Reads a signed session file, with the SDK's checks (version, hash of the content).
pub fn read_session(path: &Path) -> anyhow::Result<SignedSession> {
    let text = files::read_text(path)?;
    let value: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a session file: it is not JSON", path.display()))?;
    if value.get("request").is_some() && value.get("session_hash").is_none() {
        bail!(
            "{} is a session request, not a signed session: have the owner sign it with `sk session sign`",
            path.display()
        );
    }
    SignedSession::from_json(&text)
        .map_err(|err| anyhow::Error::new(err).context(format!("reading the session file {}", path.display())))
}

/// A message policy in plain words: `messages of Chess version 1 of type 0x…`.
pub fn message_text(message: &sk_session::MessagePolicy) -> String {
    format!(
        "messages of the domain {:?} version {:?} whose type hash is {}",
        message.domain_name,
        message.domain_version,
        crate::output::hex(message.type_hash)
    )
}

/// The limits of a request in plain words, on the lines `new`, `sign` and `inspect` print.
pub fn limits_text(request: &SessionRequest) -> String {
    let transactions = match request.max_transactions() {
        sk_session::UNLIMITED_TRANSACTIONS => "no limit".to_string(),
        count => count.to_string(),
    };
    let mut text = format!(
        "max fee       {} per transaction\nfee budget    {} in all\ntransactions  {transactions}",
        sk_session::format_strk(request.max_fee()),
        sk_session::format_strk(request.fee_budget())
    );
    text.push_str(&format!("\nowner epoch   {}", request.epoch()));
    for limit in request.spending_limits() {
        let amount = |value| token_amount(limit.token, value);
        let periodic = match limit.period {
            0 => String::new(),
            period => format!(", at most {} per {}", amount(limit.per_period), crate::time::duration(period)),
        };
        text.push_str(&format!("\nspending      {} in all{periodic}", amount(limit.total)));
    }
    for message in request.messages() {
        text.push_str(&format!("\nmay sign      {}", message_text(message)));
    }
    text
}

/// An amount of `token` for people: STRK and ETH in tokens (`2.5 STRK`), others in base units.
pub fn token_amount(token: Felt, value: starknet::core::types::U256) -> String {
    match parse::contract_name(token) {
        Some(name) if value.high() == 0 => sk_session::format_strk(value.low()).replace("STRK", name),
        Some(name) => format!("{value} base units of {name}"),
        None => format!("{value} base units of {}", contract_label(token)),
    }
}

/// `STRK 0x0471…938d` or just the address.
pub fn contract_label(contract: Felt) -> String {
    match parse::contract_name(contract) {
        Some(name) => format!("{contract:#066x} ({name})"),
        None => format!("{contract:#066x}"),
    }
}

/// The name of `selector` from the request, or among well-known entry points.
pub fn selector_name(request: &SessionRequest, selector: Felt) -> Option<String> {
    request
        .selector_name(selector)
        .map(str::to_string)
        .or_else(|| parse::known_selector_name(selector).map(str::to_string))
}

/// A policy as `new` and `inspect` print it in JSON.
#[derive(Serialize)]
pub struct PolicyOut {
    pub contract: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_name: Option<&'static str>,
    pub selector: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector_name: Option<String>,
    /// The argument rules, in words (`word 1 (u256) <= 1000`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl PolicyOut {
    /// The policies of `request`, in canonical order.
    pub fn list(request: &SessionRequest) -> Vec<Self> {
        request
            .policies()
            .policies()
            .iter()
            .map(|p| PolicyOut {
                contract: format!("{:#066x}", p.contract),
                contract_name: parse::contract_name(p.contract),
                selector: format!("{:#066x}", p.selector),
                selector_name: selector_name(request, p.selector),
                rules: p.rules.iter().map(ToString::to_string).collect(),
            })
            .collect()
    }
}

/// The policies of `request`, one per line, for messages: the contract, the entry point, and the
/// argument rules if it has any (`where word 0 == 0xb0b and word 1 (u256) <= 1000`).
pub fn policy_lines(request: &SessionRequest) -> Vec<String> {
    request
        .policies()
        .policies()
        .iter()
        .map(|p| {
            let name = selector_name(request, p.selector).unwrap_or_else(|| "?".into());
            let mut line = format!("{} {name} ({:#x})", contract_label(p.contract), p.selector);
            if !p.rules.is_empty() {
                let rules: Vec<String> = p.rules.iter().map(ToString::to_string).collect();
                line.push_str(&format!(" where {}", rules.join(" and ")));
            }
            line
        })
        .collect()
}
