//! `sk session execute`: a transaction authorized by a session, or (`--via-relayer`) an outside
//! execution a relayer account submits and pays for (SNIP-9 version 2).
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;
use sk_devnet::{wait_for_receipt, Cost};
use sk_session::{Error as SessionError, OutsideExecution, SessionAccount, SignError, SignedSession};
use starknet::accounts::{Account, AccountError};
use starknet::core::types::{Call, ExecutionResult, Felt, TransactionReceiptWithBlockInfo};

use super::read_session;
use super::summary::{contract_label, policy_lines, selector_name};
use crate::error::SessionWindow;
use crate::network::{Node, RpcArgs};
use crate::output::{hex, print_json};
use crate::parse::{self, CallSpec};
use crate::{files, progress};

/// Send one call, or several as a multicall, from the session's account, signed with the session
/// key. Calls the session does not allow are refused before anything is sent.
///
/// With --via-relayer the session key signs an outside execution (SNIP-9 version 2) instead, and a
/// relayer account submits it in its own transaction and pays its fee: the session's account
/// pays nothing. The relayer is --relayer-address with --relayer-key, or on a devnet its
/// predeployed account.
#[derive(Args)]
pub struct Execute {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The session file (from `sk session sign`).
    session: PathBuf,
    /// The session's key file (from `sk session new --key-out`).
    #[arg(long)]
    key: PathBuf,
    /// A call: CONTRACT:SELECTOR[:ARG,ARG,…] (arguments as hex or decimal felts; a u256 amount is
    /// two felts, low then high). Repeat for a multicall.
    #[arg(long = "call", value_name = "CONTRACT:SELECTOR[:ARGS]", required = true, value_parser = parse::call)]
    calls: Vec<CallSpec>,
    /// Have a relayer account submit the calls and pay the fee (SNIP-9 outside execution).
    #[arg(long)]
    via_relayer: bool,
    /// The relayer's account address (default on a devnet: its predeployed account).
    #[arg(long, requires_all = ["via_relayer", "relayer_key"], value_parser = parse::felt)]
    relayer_address: Option<Felt>,
    /// The relayer's key file.
    #[arg(long, requires_all = ["via_relayer", "relayer_address"])]
    relayer_key: Option<PathBuf>,
    /// How long the relayer has to submit the outside execution, in seconds from now.
    #[arg(long, default_value_t = 3_600, requires = "via_relayer", value_parser = clap::value_parser!(u64).range(1..))]
    relay_window: u64,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Executed {
    transaction_hash: String,
    /// The account that sent the transaction and paid its fee: the session's own, or the relayer.
    sender: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    outside_execution_nonce: Option<String>,
    finality_status: String,
    execution_status: &'static str,
    fee_fri: String,
    l2_gas: u64,
    l1_gas: u64,
    l1_data_gas: u64,
    calls: usize,
}

impl Execute {
    pub async fn run(self) -> anyhow::Result<()> {
        let session = read_session(&self.session)?;
        let key = files::read_key(&self.key)?;
        session.check_key(&key).with_context(|| format!("using the key in {}", self.key.display()))?;
        let calls: Vec<Call> = self.calls.iter().map(|spec| spec.call.clone()).collect();
        check_calls(&session, &self.calls)?;

        let node = self.rpc.require("sending a session transaction").await?;
        node.check_chain(session.chain_id(), "the session")?;
        let window = SessionWindow {
            valid_after: session.request().valid_after(),
            valid_until: session.request().valid_until(),
        };
        let account = SessionAccount::new(node.provider.clone(), session, key)?;
        let (transaction_hash, sender, nonce) = if self.via_relayer {
            let relayer = self.relayer(&node).await?;
            let now = node.timestamp().await?;
            let execution =
                OutsideExecution::new(calls, now.saturating_sub(3_600), now.saturating_add(self.relay_window));
            let call = progress::step("signing the outside execution", account.relayed_call(&execution))
                .await
                .map_err(sign_error)
                .context(window)?;
            let sent = progress::step("the relayer sends it", relayer.execute_v3(vec![call]).send())
                .await
                .map_err(|err| {
                    anyhow::Error::new(err)
                        .context("the relayer's transaction was refused (fee estimation or submission)")
                })
                .context(window)?;
            (sent.transaction_hash, relayer.address(), Some(hex(execution.nonce)))
        } else {
            let sent = progress::step("sending the session transaction", account.execute_v3(calls).send())
                .await
                .map_err(account_error)
                .context(window)?;
            (sent.transaction_hash, account.address(), None)
        };
        let receipt: TransactionReceiptWithBlockInfo =
            progress::step("waiting for the receipt", wait_for_receipt(&node.provider, transaction_hash))
                .await
                .map_err(anyhow::Error::new)
                .context(window)?;
        let cost = Cost::of(&receipt.receipt);
        let executed = Executed {
            transaction_hash: hex(transaction_hash),
            sender: hex(sender),
            outside_execution_nonce: nonce,
            finality_status: serde_json::to_value(receipt.receipt.finality_status())?
                .as_str()
                .unwrap_or("unknown")
                .to_string(),
            execution_status: match receipt.receipt.execution_result() {
                ExecutionResult::Succeeded => "SUCCEEDED",
                ExecutionResult::Reverted { .. } => "REVERTED",
            },
            fee_fri: cost.fee.to_string(),
            l2_gas: cost.l2_gas,
            l1_gas: cost.l1_gas,
            l1_data_gas: cost.l1_data_gas,
            calls: self.calls.len(),
        };
        if self.json {
            return print_json(&executed);
        }
        println!("transaction  {}", executed.transaction_hash);
        println!("status       {} ({})", executed.execution_status, executed.finality_status);
        if self.via_relayer {
            println!("relayed by   {} (the session's account paid no fee)", executed.sender);
            println!("fee          {} (paid by the relayer)", crate::output::fee_in_strk(&executed.fee_fri));
        } else {
            println!("fee          {}", crate::output::fee_in_strk(&executed.fee_fri));
        }
        println!("L2 gas       {} (L1 gas {}, L1 data gas {})", executed.l2_gas, executed.l1_gas, executed.l1_data_gas);
        Ok(())
    }
}

impl Execute {
    /// The account that relays: the one given, or a devnet's predeployed account.
    async fn relayer(&self, node: &Node) -> anyhow::Result<sk_devnet::LocalAccount> {
        relayer(node, self.relayer_address, self.relayer_key.as_deref()).await
    }
}

/// The account that relays and pays: `address` with the key in `key`, or a devnet's predeployed
/// account when neither is given.
pub(super) async fn relayer(
    node: &Node,
    address: Option<Felt>,
    key: Option<&std::path::Path>,
) -> anyhow::Result<sk_devnet::LocalAccount> {
    let (address, key) = match (address, key) {
        (Some(address), Some(path)) => (address, files::read_key(path)?),
        _ => match node.devnet_account().await {
            Some((address, key)) => {
                (address, sk_session::signing_key(key).context("the devnet's predeployed account's key")?)
            }
            None => bail!(
                "{} is not a devnet, so --via-relayer needs the account that relays and pays: pass \
                 --relayer-address and --relayer-key",
                node.url
            ),
        },
    };
    Ok(sk_devnet::local_account(node.provider.clone(), address, key, node.chain_id))
}

/// The SDK's policy check, with the refused call named as the user wrote it.
fn check_calls(session: &SignedSession, specs: &[CallSpec]) -> anyhow::Result<()> {
    let calls: Vec<Call> = specs.iter().map(|spec| spec.call.clone()).collect();
    let err = match session.check_calls(&calls) {
        Ok(()) => return Ok(()),
        Err(err) => err,
    };
    let (index, reason) = match &err {
        SessionError::CallNotAllowed { index, .. } => (*index, "is not allowed by the session".to_string()),
        SessionError::SelfCall { index } => {
            (*index, "targets the account itself, which a session may never do".to_string())
        }
        SessionError::ArgumentRule { index, rule } => {
            (*index, format!("breaks the argument rule `{rule}` of its policy"))
        }
        _ => return Err(err.into()),
    };
    let Some(spec) = specs.get(index) else { return Err(err.into()) };
    let request = session.request();
    let selector = match selector_name(request, spec.call.selector) {
        Some(name) => format!("{name} ({:#x})", spec.call.selector),
        None => format!("selector {:#x}", spec.call.selector),
    };
    bail!(
        "call #{index} `{}` {reason}: {selector} on {}; nothing was sent. The session allows:\n  {}",
        spec.text,
        contract_label(spec.call.to),
        policy_lines(request).join("\n  ")
    )
}

/// A failed signature: the SDK's own errors as they are.
pub(super) fn sign_error<E: std::error::Error + Send + Sync + 'static>(err: SignError<E>) -> anyhow::Error {
    match err {
        SignError::Session(err) => anyhow::Error::new(err),
        SignError::Signer(err) => anyhow::Error::new(err).context("the session key could not sign"),
    }
}

/// A failed send: the SDK's own errors as they are, the node's with what was being done.
pub(super) fn account_error<E: std::error::Error + Send + Sync + 'static>(
    err: AccountError<SignError<E>>,
) -> anyhow::Error {
    match err {
        AccountError::Signing(SignError::Session(err)) => anyhow::Error::new(err),
        AccountError::Signing(SignError::Signer(err)) => {
            anyhow::Error::new(err).context("the session key could not sign")
        }
        AccountError::Provider(err) => {
            anyhow::Error::new(err).context("the node refused the transaction (fee estimation or submission)")
        }
        other => anyhow::Error::new(other),
    }
}
