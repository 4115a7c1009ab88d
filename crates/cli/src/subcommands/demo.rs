//! `sk demo`: the whole story on an embedded devnet (or `--rpc URL`), step by step: an account,
//! a session, session transactions, and every way the account refuses a session transaction.
use anyhow::{bail, Context};
use async_trait::async_trait;
use clap::Args;
use serde::Serialize;
use sk_contracts::bindings::SessionKeyAccountReader;
use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, AccountDeployment, Cost, Provider, STRK};
use sk_session::{
    format_strk, is_session_revoked, revoke_session_call, Error as SessionError, OutsideExecution, SessionAccount,
    SessionRequest, SessionSigner, SignError, SignedSession,
};
use starknet::accounts::{Account, AccountError, ConnectedAccount, ExecutionV3};
use starknet::core::types::{BlockId, BlockTag, Call, FeeEstimate, Felt, TransactionReceiptWithBlockInfo};
use starknet::core::utils::{cairo_short_string_to_felt, get_selector_from_name};
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;

use crate::error::{self, SessionWindow};
use crate::network::{chain_time, Network, NetworkArgs};
use crate::{parse, progress, time};

/// The demo's sessions may cost at most 0.05 STRK per transaction…
const SESSION_MAX_FEE: u128 = 5 * 10u128.pow(16);
/// …and 1 STRK in all.
const SESSION_FEE_BUDGET: u128 = 10u128.pow(18);
/// …and may move 0.7 STRK in all: the demo's session transactions move 0.5 STRK, then one of
/// 0.3 STRK is stopped by the limit.
const SESSION_SPENDING: u128 = 7 * 10u128.pow(17);
/// What the demo transfers: 0.1 STRK.
const TRANSFER: u128 = 10u128.pow(17);
/// How long the demo's session lasts, in chain time.
const SESSION_LENGTH: u64 = 3600;
/// How far the demo moves the devnet's clock to show an expired session: far enough past the end
/// that even validation, which sees the time rounded down to the hour, rejects it.
const TIME_JUMP: u64 = 3 * 3600;

/// Run the whole story: deploy an account, transact as its owner, grant a session and transact
/// with it, then show each way the account refuses: a stranger's signature, a call outside the
/// session's policies, a revoked session and an expired one.
#[derive(Args)]
pub struct Demo {
    #[command(flatten)]
    network: NetworkArgs,
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    rpc: String,
    embedded_devnet: bool,
    chain_id: String,
    class_hash: String,
    account: String,
    owner_public_key: String,
    session_hash: String,
    /// As Starknet meters it on the embedded devnet; as the node charged it with `--rpc`.
    l2_gas: GasComparison,
    /// As the node charged it, when `l2_gas` is Starknet's metering.
    #[serde(skip_serializing_if = "Option::is_none")]
    l2_gas_charged: Option<GasComparison>,
    steps: Vec<Step>,
}

/// L2 gas of the same STRK transfer signed by the owner and by sessions.
#[derive(Serialize)]
struct GasComparison {
    /// Whose metering: `starknet` (Sierra gas for classes of Sierra 1.7 or later, ours among
    /// them, as Starknet charges; measured by profiling each transaction on the embedded devnet)
    /// or `node` (what the node charged: devnet 0.8.2 meters every Cairo 1 class in Cairo steps,
    /// which makes a session's checks look about twice their cost).
    metering: &'static str,
    owner_transfer: u64,
    /// A session's first transaction, under the demo's session (2 policies and a STRK spending
    /// limit, for which the account reads the STRK balance before and after the calls).
    session_transfer: u64,
    /// First transactions of sessions of 1 and 16 policies, without spending limits.
    session_transfer_1_policy: u64,
    session_transfer_16_policies: u64,
    /// The 1-policy session's second transaction: what every later one costs.
    session_transfer_later_use: u64,
}

#[derive(Serialize)]
struct Step {
    step: &'static str,
    /// `ok`; `rejected` for a transaction the account refused as it should; `skipped`.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    l2_gas: Option<u64>,
    /// The same transaction's L2 gas as Starknet meters it (on the embedded devnet only).
    #[serde(skip_serializing_if = "Option::is_none")]
    l2_gas_starknet: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    l1_data_gas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fee_fri: Option<String>,
    detail: String,
}

impl Step {
    fn new(step: &'static str, detail: impl Into<String>) -> Self {
        Self {
            step,
            outcome: "ok",
            transaction_hash: None,
            l2_gas: None,
            l2_gas_starknet: None,
            l1_data_gas: None,
            fee_fri: None,
            detail: detail.into(),
        }
    }

    fn with_receipt(mut self, receipt: &TransactionReceiptWithBlockInfo) -> Self {
        let cost = Cost::of(&receipt.receipt);
        self.transaction_hash = Some(format!("{:#066x}", receipt.receipt.transaction_hash()));
        self.l2_gas = Some(cost.l2_gas);
        self.l1_data_gas = Some(cost.l1_data_gas);
        self.fee_fri = Some(cost.fee.to_string());
        self
    }

    /// [`Self::with_receipt`] of a metered send ([`send_metered`]).
    fn with_metered(self, (receipt, starknet_l2_gas): &(TransactionReceiptWithBlockInfo, Option<u64>)) -> Self {
        Self { l2_gas_starknet: *starknet_l2_gas, ..self.with_receipt(receipt) }
    }

    /// A rejection, explained by the contract error found in `error`; an error of another kind
    /// means the demo went wrong.
    fn rejected(step: &'static str, error: &str, window: Option<SessionWindow>, prefix: &str) -> anyhow::Result<Self> {
        let sentence = error::contract_error(error, window)
            .with_context(|| format!("{step}: rejected for an unexpected reason: {error}"))?;
        Ok(Step { outcome: "rejected", ..Step::new(step, format!("{prefix}{sentence}")) })
    }
}

/// Prints each step as it completes (text mode) and collects them for `--json`.
struct Printer {
    json: bool,
    steps: Vec<Step>,
}

impl Printer {
    fn push(&mut self, step: Step) {
        if !self.json {
            let mark = match step.outcome {
                "ok" => "ok      ",
                "rejected" => "rejected",
                _ => "skipped ",
            };
            println!("[{mark}] {:<22} {}", step.step, step.detail);
            if let Some(hash) = &step.transaction_hash {
                println!("           tx {hash}");
            }
            if let (Some(l2), Some(l1_data), Some(fee)) = (step.l2_gas, step.l1_data_gas, &step.fee_fri) {
                let starknet =
                    step.l2_gas_starknet.map(|gas| format!(" ({gas} as Starknet meters it)")).unwrap_or_default();
                println!(
                    "           L2 gas {l2}{starknet}, L1 data gas {l1_data}, fee {}",
                    crate::output::fee_in_strk(fee)
                );
            }
        }
        self.steps.push(step);
    }

    /// The compared transfers' L2 gas: as Starknet meters it if `starknet`, else as charged.
    fn gas_comparison(&self, starknet: bool) -> GasComparison {
        let gas = |step: &str| {
            let step = self.steps.iter().find(|s| s.step == step);
            step.and_then(|s| if starknet { s.l2_gas_starknet } else { s.l2_gas }).unwrap_or(0)
        };
        GasComparison {
            metering: if starknet { "starknet" } else { "node" },
            owner_transfer: gas("owner transfer"),
            session_transfer: gas("session transfer"),
            session_transfer_1_policy: gas("session transfer (1 policy)"),
            session_transfer_16_policies: gas("session transfer (16 policies)"),
            session_transfer_later_use: gas("session transfer (later use)"),
        }
    }
}

impl Demo {
    pub async fn run(self) -> anyhow::Result<()> {
        let network = self.network.connect().await?;
        let provider = network.provider();
        let mut out = Printer { json: self.json, steps: Vec::new() };
        if !self.json {
            let place = if network.is_embedded() { "embedded devnet" } else { "node" };
            println!("{place} at {} (chain {})", network.url, parse::chain_name(network.chain_id));
        }

        // 1. Declare the account class.
        let declared = network.declare_account_class().await?;
        let class_hash = format!("{:#066x}", declared.class_hash);
        out.push(match declared.transaction_hash {
            Some(hash) => Step::new("declare", format!("class {class_hash}"))
                .with_receipt(&wait_for_receipt(&provider, hash).await?),
            None => Step::new("declare", format!("class {class_hash} (already declared)")),
        });

        // 2. Deploy an account for a fresh owner key, paying from its own counterfactual address.
        let owner = SigningKey::from_random();
        let deployment = AccountDeployment::new(
            network.provider(),
            network.chain_id,
            declared.class_hash,
            owner.clone(),
            Felt::ZERO,
        )
        .await?;
        let address = deployment.address();
        let receipt = network.fund_and_deploy(&deployment).await?;
        out.push(Step::new("deploy account", format!("account {address:#066x}")).with_receipt(&receipt));

        // 3. An owner-signed STRK transfer.
        let account = network.account(address, owner.clone());
        let recipient = network.funder.address();
        let before = strk_balance(&provider, recipient).await?;
        let sent =
            send_metered(&network, &account, vec![strk_transfer(recipient, TRANSFER)], "an owner-signed transfer")
                .await?;
        let received = strk_balance(&provider, recipient).await? - before;
        if received != TRANSFER {
            bail!("the recipient received {received} FRI instead of {TRANSFER}");
        }
        out.push(
            Step::new("owner transfer", format!("0.1 STRK to {recipient:#x}: recipient balance +{received} FRI"))
                .with_metered(&sent),
        );

        // 4. The same transfer signed by another key is rejected.
        let impostor = network.account(address, SigningKey::from_random());
        match impostor.execute_v3(vec![strk_transfer(recipient, TRANSFER)]).send().await {
            Ok(sent) => bail!("a transfer signed by a stranger's key was accepted ({:#x})", sent.transaction_hash),
            Err(err) => out.push(Step::rejected("stranger transfer", &err.to_string(), None, "")?),
        }

        // 5. is_valid_signature, for the owner and for a stranger.
        let reader = SessionKeyAccountReader::new(address, &provider);
        let message = Felt::from_hex_unchecked("0x5e55104e7");
        let valid = cairo_short_string_to_felt("VALID")?;
        let owner_signature = owner.sign(&message)?;
        let stranger_signature = SigningKey::from_random().sign(&message)?;
        let owner_answer =
            reader.is_valid_signature(&message, &vec![owner_signature.r, owner_signature.s]).call().await?;
        let stranger_answer =
            reader.is_valid_signature(&message, &vec![stranger_signature.r, stranger_signature.s]).call().await?;
        if owner_answer != valid || stranger_answer != Felt::ZERO {
            bail!(
                "is_valid_signature answered {owner_answer:#x} for the owner and {stranger_answer:#x} for a stranger"
            );
        }
        out.push(Step::new("is_valid_signature", "owner's signature: VALID; a stranger's: 0"));

        // 6. Fee estimation for the account.
        let estimate = account
            .execute_v3(vec![strk_transfer(recipient, TRANSFER)])
            .estimate_fee()
            .await
            .context("estimating a transfer's fee")?;
        out.push(Step {
            l2_gas: Some(estimate.l2_gas_consumed),
            l1_data_gas: Some(estimate.l1_data_gas_consumed),
            fee_fri: Some(estimate.overall_fee.to_string()),
            ..Step::new("fee estimate", "a transfer from the account, estimated")
        });

        // 7. The owner grants a session: STRK transfer and approve, for an hour of chain time.
        let now = chain_time(&provider).await.context("reading the chain's time")?;
        let session_key = SigningKey::from_random();
        let session = session_request(&session_key, now, network.chain_id)?.sign(address, network.chain_id, &owner)?;
        let window = SessionWindow { valid_after: 0, valid_until: now + SESSION_LENGTH };
        session.verify_owner(reader.get_owner().call().await?)?;
        out.push(Step::new(
            "session signed",
            format!(
                "session key {:#x} may call STRK transfer and approve until {}, moving at most 0.7 STRK, at most 0.05 STRK of fee per transaction and 1 STRK in all; session hash {:#066x}",
                session_key.verifying_key().scalar(),
                time::utc(window.valid_until),
                session.hash()
            ),
        ));
        let session_account = SessionAccount::new(network.provider(), session.clone(), session_key.clone())?;

        // 8-10. Session transactions: a transfer, an approve, and both in one multicall.
        let before = strk_balance(&provider, recipient).await?;
        let sent =
            send_metered(&network, &session_account, vec![strk_transfer(recipient, TRANSFER)], "a session transfer")
                .await?;
        let received = strk_balance(&provider, recipient).await? - before;
        if received != TRANSFER {
            bail!("the recipient received {received} FRI from the session transfer instead of {TRANSFER}");
        }
        out.push(
            Step::new(
                "session transfer",
                format!("0.1 STRK signed by the session key: recipient balance +{received} FRI"),
            )
            .with_metered(&sent),
        );
        let receipt = send(&session_account, vec![approve(recipient, TRANSFER)], "a session approve").await?;
        out.push(
            Step::new("session approve", format!("allowance of 0.1 STRK for {recipient:#x}")).with_receipt(&receipt),
        );
        let multicall = vec![strk_transfer(recipient, TRANSFER), approve(recipient, 2 * TRANSFER)];
        let receipt = send(&session_account, multicall, "a session multicall").await?;
        out.push(
            Step::new("session multicall", "transfer + approve in one transaction, one proof per call")
                .with_receipt(&receipt),
        );

        // A gasless session transfer: the session key signs an outside execution (SNIP-9 version
        // 2) and another account relays it, paying the fee; the session's account pays nothing.
        let relayer = &network.funder;
        let (user_before, relayer_before) =
            (strk_balance(&provider, address).await?, strk_balance(&provider, relayer.address()).await?);
        let now = chain_time(&provider).await.context("reading the chain's time")?;
        let execution =
            OutsideExecution::new(vec![strk_transfer(recipient, TRANSFER)], now.saturating_sub(3_600), now + 3_600);
        let call = session_account.relayed_call(&execution).await.context("signing the outside execution")?;
        let sent =
            progress::step("a relayer sends the session's outside execution", relayer.execute_v3(vec![call]).send())
                .await
                .context("relaying the session's outside execution")?;
        let receipt = wait_for_receipt(&provider, sent.transaction_hash).await?;
        let fee = Cost::of(&receipt.receipt).fee;
        let user_after = strk_balance(&provider, address).await?;
        let relayer_after = strk_balance(&provider, relayer.address()).await?;
        let relayer_paid =
            (relayer_before + if recipient == relayer.address() { TRANSFER } else { 0 }).checked_sub(relayer_after);
        if user_before.checked_sub(user_after) != Some(TRANSFER) || relayer_paid != Some(fee) {
            bail!(
                "the relayed transfer moved the account's balance from {user_before} to {user_after} FRI and the \
                 relayer's from {relayer_before} to {relayer_after} (fee {fee})"
            );
        }
        out.push(
            Step::new(
                "relayed transfer",
                format!(
                    "0.1 STRK signed by the session key, relayed by {:#x}: the session's account {} (the transfer, no fee), the relayer's fee {}",
                    relayer.address(),
                    signed_strk(user_after, user_before),
                    crate::output::fee_in_strk(&fee.to_string()),
                ),
            )
            .with_receipt(&receipt),
        );

        // A session-signed message: a game's move, no transaction, which the account's
        // is_valid_signature accepts because the session allows moves of that game.
        let (hash, signature) = session.sign_message(&session_key, &chess_move(network.chain_id))?;
        let block = BlockId::Tag(BlockTag::PreConfirmed);
        let check = sk_session::is_valid_signature(&provider, address, hash, &signature, block);
        if !progress::step("asking is_valid_signature about a session-signed move", check).await? {
            bail!("the account did not accept the session's signature of a move it allows");
        }
        out.push(Step::new(
            "session-signed message",
            format!(
                "a Chess move signed by the session key, no transaction: is_valid_signature says VALID for {hash:#x}"
            ),
        ));

        // The same transfer under sessions of 1 and 16 policies: the proof grows with log2 of
        // the policy count, and so does the gas.
        let sizes =
            [(1, "1 policy", "session transfer (1 policy)"), (16, "16 policies", "session transfer (16 policies)")];
        for (count, size, step) in sizes {
            let sized = sized_session_request(&session_key, now, count)?.sign(address, network.chain_id, &owner)?;
            let sized_account = SessionAccount::new(network.provider(), sized, session_key.clone())?;
            let what = format!("a transfer under a {count}-policy session");
            let sent = send_metered(&network, &sized_account, vec![strk_transfer(recipient, TRANSFER)], &what).await?;
            out.push(Step::new(step, format!("0.1 STRK under a session of {size}")).with_metered(&sent));
            if count == 1 {
                // A session's first transaction also records its authorization and opens its
                // counters; every later one only updates them.
                let what = "a second transfer under the 1-policy session";
                let sent =
                    send_metered(&network, &sized_account, vec![strk_transfer(recipient, TRANSFER)], what).await?;
                out.push(
                    Step::new("session transfer (later use)", "0.1 STRK, the 1-policy session's second transaction")
                        .with_metered(&sent),
                );
            }
        }

        // 11. A call outside the policies: the SDK refuses to sign it, nothing is sent.
        let eth_transfer = Call {
            to: parse::ETH,
            selector: selector("transfer")?,
            calldata: vec![recipient, TRANSFER.into(), Felt::ZERO],
        };
        match session_account.execute_v3(vec![eth_transfer.clone()]).send().await {
            Err(AccountError::Signing(SignError::Session(err @ SessionError::CallNotAllowed { .. }))) => {
                out.push(Step {
                    outcome: "rejected",
                    ..Step::new("out-of-policy (SDK)", format!("ETH transfer: {}", error::session_error(&err)))
                })
            }
            Err(err) => bail!("the SDK refused the ETH transfer for another reason: {err}"),
            Ok(sent) => bail!("the SDK sent an ETH transfer the session does not allow ({:#x})", sent.transaction_hash),
        }

        // 12. The same call forced past the SDK (the session key signs it, with the proof of an
        // allowed call) and sent with explicit resource bounds: the node rejects it in validation.
        let forced =
            Forced { session: session.clone(), key: session_key.clone(), decoys: vec![strk_transfer(recipient, 1)] };
        let forced = SessionAccount::with_signer(network.provider(), address, network.chain_id, forced);
        let prices = session_account.execute_v3(vec![strk_transfer(recipient, 1)]).estimate_fee().await?;
        match with_bounds(forced.execute_v3(vec![eth_transfer]), &prices).send().await {
            Err(err) => {
                let text = err.to_string();
                let phase = if text.contains("ValidationFailure") {
                    "rejected by the node in validation (nothing charged)"
                } else {
                    "rejected by the node"
                };
                let prefix = format!("ETH transfer signed without the SDK's check, {phase}: ");
                out.push(Step::rejected("out-of-policy (forced)", &text, None, &prefix)?)
            }
            Ok(sent) => {
                let outcome = wait_for_receipt(&provider, sent.transaction_hash).await;
                bail!("the account let a forced ETH transfer through: {:#x} ({outcome:?})", sent.transaction_hash)
            }
        }

        // A transfer over the spending limit: 0.6 STRK moved so far (0.1 of it relayed), 0.3 more
        // would pass 0.7.
        let over = vec![strk_transfer(recipient, 3 * TRANSFER)];
        match session_account.execute_v3(over.clone()).send().await {
            Err(AccountError::Signing(SignError::Session(err @ SessionError::SpendingLimitExceeded { .. }))) => out
                .push(Step {
                    outcome: "rejected",
                    ..Step::new("spending limit (SDK)", format!("0.3 STRK transfer: {}", error::session_error(&err)))
                }),
            Err(err) => bail!("the SDK refused the transfer over the spending limit for another reason: {err}"),
            Ok(sent) => bail!("the SDK sent a transfer over the spending limit ({:#x})", sent.transaction_hash),
        }
        let forced = Forced { session: session.clone(), key: session_key.clone(), decoys: over.clone() };
        let forced = SessionAccount::with_signer(network.provider(), address, network.chain_id, forced);
        let sent = with_bounds(forced.execute_v3(over), &prices).send().await?;
        let receipt = wait_for_receipt(&provider, sent.transaction_hash).await;
        let text = format!("{receipt:?}");
        let prefix = "0.3 STRK transfer signed without the SDK's check, reverted by the account in execution: ";
        out.push(Step::rejected("spending limit (forced)", &text, None, prefix)?);

        // A huge tip: the session key would let the account pay up to 100 STRK of fee. The SDK
        // refuses; forced past it, the node rejects it in validation and charges nothing.
        let huge_tip = 10u64.pow(13);
        let transfer = || vec![strk_transfer(recipient, 1)];
        match with_bounds(session_account.execute_v3(transfer()), &prices).tip(huge_tip).send().await {
            Err(AccountError::Signing(SignError::Session(err @ SessionError::FeeCapExceeded { .. }))) => {
                out.push(Step {
                    outcome: "rejected",
                    ..Step::new(
                        "fee cap (SDK)",
                        format!("a tip of 10^13 FRI per L2 gas: {}", error::session_error(&err)),
                    )
                })
            }
            Err(err) => bail!("the SDK refused the huge tip for another reason: {err}"),
            Ok(sent) => bail!("the SDK sent a transaction with a huge tip ({:#x})", sent.transaction_hash),
        }
        let forced = Forced { session: session.clone(), key: session_key.clone(), decoys: transfer() };
        let forced = SessionAccount::with_signer(network.provider(), address, network.chain_id, forced);
        let balance = strk_balance(&provider, address).await?;
        match with_bounds(forced.execute_v3(transfer()), &prices).tip(huge_tip).send().await {
            Err(err) => {
                if strk_balance(&provider, address).await? != balance {
                    bail!("the account paid for a transaction the node rejected");
                }
                let prefix =
                    "the same, signed without the SDK's check: rejected by the node in validation, balance unchanged: ";
                out.push(Step::rejected("fee cap (forced)", &err.to_string(), None, prefix)?)
            }
            Ok(sent) => bail!("the account accepted a huge tip ({:#x})", sent.transaction_hash),
        }

        // 13-14. A second session, revoked by the owner: its next transaction is rejected.
        let second_key = SigningKey::from_random();
        let second = session_request(&second_key, now, network.chain_id)?.sign(address, network.chain_id, &owner)?;
        let sent = progress::step(
            "revoking the second session",
            account.execute_v3(vec![revoke_session_call(address, second.hash())]).send(),
        )
        .await
        .context("revoking the second session")?;
        let receipt = wait_for_receipt(&provider, sent.transaction_hash).await?;
        if !is_session_revoked(&provider, address, second.hash(), BlockId::Tag(BlockTag::PreConfirmed)).await? {
            bail!("the account does not report the second session as revoked");
        }
        out.push(
            Step::new("session revoked", format!("owner revoked a second session {:#066x}", second.hash()))
                .with_receipt(&receipt),
        );
        let second_account = SessionAccount::new(network.provider(), second, second_key)?;
        match second_account.execute_v3(vec![strk_transfer(recipient, 1)]).send().await {
            Err(err) => out.push(Step::rejected("revoked session", &err.to_string(), None, "")?),
            Ok(sent) => bail!("a revoked session's transfer was accepted ({:#x})", sent.transaction_hash),
        }

        // A third session logs itself out, as a dApp's "log out" does: its own key signs the
        // account's logout_session, sent as its own transaction; the owner is not needed.
        let third_key = SigningKey::from_random();
        let third = session_request(&third_key, now, network.chain_id)?.sign(address, network.chain_id, &owner)?;
        let third_hash = third.hash();
        let third_account = SessionAccount::new(network.provider(), third, third_key)?;
        let sent = progress::step("the third session logs out", third_account.logout())
            .await
            .context("logging the third session out")?;
        let receipt = wait_for_receipt(&provider, sent.transaction_hash).await?;
        if !is_session_revoked(&provider, address, third_hash, BlockId::Tag(BlockTag::PreConfirmed)).await? {
            bail!("the account does not report the logged-out session as revoked");
        }
        out.push(
            Step::new("session logout", format!("a third session {third_hash:#066x} ended itself with its own key"))
                .with_receipt(&receipt),
        );
        match third_account.execute_v3(vec![strk_transfer(recipient, 1)]).send().await {
            Err(err) => out.push(Step::rejected("logged-out session", &err.to_string(), None, "")?),
            Ok(sent) => bail!("a logged-out session's transfer was accepted ({:#x})", sent.transaction_hash),
        }

        // 15. Expiry: move the devnet's clock past the first session's end.
        match &network.devnet {
            Some(devnet) => {
                devnet.increase_time(TIME_JUMP).await.context("moving the devnet's clock")?;
                let prefix = format!("after moving the devnet clock {} ahead: ", time::duration(TIME_JUMP));
                match session_account.execute_v3(vec![strk_transfer(recipient, 1)]).send().await {
                    Err(err) => out.push(Step::rejected("expired session", &err.to_string(), Some(window), &prefix)?),
                    Ok(sent) => bail!("an expired session's transfer was accepted ({:#x})", sent.transaction_hash),
                }
            }
            None => out.push(Step {
                outcome: "skipped",
                ..Step::new("expired session", "needs a devnet to move time; the node is not one")
            }),
        }

        let metered = network.is_embedded();
        let report = Report {
            rpc: network.url.to_string(),
            embedded_devnet: network.is_embedded(),
            chain_id: format!("{:#x}", network.chain_id),
            class_hash,
            account: format!("{address:#066x}"),
            owner_public_key: format!("{:#066x}", owner.verifying_key().scalar()),
            session_hash: format!("{:#066x}", session.hash()),
            l2_gas: out.gas_comparison(metered),
            l2_gas_charged: metered.then(|| out.gas_comparison(false)),
            steps: out.steps,
        };
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            let metering = if metered {
                "as Starknet meters it (in Sierra gas; this devnet meters our class in Cairo steps, and what it \
                 charged is in the steps above)"
            } else {
                "as the node charged it"
            };
            println!("L2 gas of a STRK transfer, {metering}:");
            let gas = &report.l2_gas;
            let delta = |value: u64| {
                format!("{value} ({:+} over the owner's)", i128::from(value) - i128::from(gas.owner_transfer))
            };
            println!("  owner-signed                        {}", gas.owner_transfer);
            println!("  session, any later transaction      {}", delta(gas.session_transfer_later_use));
            println!(
                "  session, first transaction          {} with 1 policy, {} with 16 (it records the owner's authorization)",
                delta(gas.session_transfer_1_policy),
                gas.session_transfer_16_policies
            );
            println!(
                "  with a STRK spending limit, first   {} (the account reads the STRK balance before and after the calls)",
                delta(gas.session_transfer)
            );
            println!(
                "  (a session's costs: the longer signature, and the owner authorization, session signature and \
                 policy proof checked in __validate__)"
            );
            println!("account {} is deployed and working, with sessions", report.account);
        }
        Ok(())
    }
}

/// A session for STRK `transfer` and `approve`, for [`SESSION_LENGTH`] from `now`, that may also
/// sign moves of the game `Chess` ([`chess_move`]) on `chain_id`.
fn session_request(key: &SigningKey, now: u64, chain_id: Felt) -> Result<SessionRequest, SessionError> {
    SessionRequest::builder(key.verifying_key().scalar())
        .valid_until(now + SESSION_LENGTH)
        .max_fee(SESSION_MAX_FEE)
        .fee_budget(SESSION_FEE_BUDGET)
        .spending_limit(STRK, SESSION_SPENDING)
        .allow(STRK, "transfer")
        .allow(STRK, "approve")
        .allow_messages_like(&chess_move(chain_id))
        .build()
}

/// A move of a game, as a dApp would have its session sign it: SNIP-12 revision 1 typed data.
fn chess_move(chain_id: Felt) -> serde_json::Value {
    serde_json::json!({
        "types": {
            "StarknetDomain": sk_session::typed_data::starknet_domain_type(),
            "Move": [{ "name": "Game", "type": "felt" }, { "name": "Square", "type": "shortstring" }]
        },
        "primaryType": "Move",
        "domain": {
            "name": "Chess", "version": "1", "chainId": sk_session::typed_data::chain_name(chain_id), "revision": "1"
        },
        "message": { "Game": "0x7", "Square": "e4" }
    })
}

/// A session allowing STRK `transfer` and `count - 1` other calls (a game contract's entry points),
/// with the same limits as [`session_request`], so that only the proof's length differs.
fn sized_session_request(key: &SigningKey, now: u64, count: u64) -> Result<SessionRequest, SessionError> {
    (1..count)
        .fold(
            SessionRequest::builder(key.verifying_key().scalar())
                .valid_until(now + SESSION_LENGTH)
                .max_fee(SESSION_MAX_FEE)
                .fee_budget(SESSION_FEE_BUDGET)
                .allow(STRK, "transfer"),
            |builder, i| builder.allow(Felt::from(0x6a3e_0000 + i), "play"),
        )
        .build()
}

/// The change from `before` to `after` FRI, signed, in STRK.
fn signed_strk(after: u128, before: u128) -> String {
    if after >= before {
        format!("+{}", format_strk(after - before))
    } else {
        format!("-{}", format_strk(before - after))
    }
}

/// Sends `calls` from a session account and waits for the receipt.
async fn send(
    account: &SessionAccount<Provider>,
    calls: Vec<Call>,
    what: &str,
) -> anyhow::Result<TransactionReceiptWithBlockInfo> {
    let provider = account.provider();
    let sent = progress::step(&format!("sending {what}"), account.execute_v3(calls).send())
        .await
        .with_context(|| format!("sending {what}"))?;
    Ok(wait_for_receipt(provider, sent.transaction_hash).await?)
}

/// Sends `calls` from `account` and waits for the receipt, and on the embedded devnet also says
/// what the transaction costs as Starknet meters it: the very transaction sent is profiled first
/// (devnet 0.8.2 charges every Cairo 1 class by its Cairo steps; Starknet charges classes of
/// Sierra 1.7 or later, ours among them, in Sierra gas, which puts a session's checks at about
/// half the price: docs/benchmarks.md).
async fn send_metered<A>(
    network: &Network,
    account: &A,
    calls: Vec<Call>,
    what: &str,
) -> anyhow::Result<(TransactionReceiptWithBlockInfo, Option<u64>)>
where
    A: ConnectedAccount + Sync,
    A::SignError: std::error::Error + Send + Sync + 'static,
{
    let provider = network.provider();
    let Some(devnet) = network.embedded() else {
        let sent = progress::step(&format!("sending {what}"), account.execute_v3(calls).send())
            .await
            .with_context(|| format!("sending {what}"))?;
        return Ok((wait_for_receipt(&provider, sent.transaction_hash).await?, None));
    };
    // The bounds the node will see must be fixed before profiling, so the profile is of the
    // transaction sent.
    let estimate =
        account.execute_v3(calls.clone()).estimate_fee().await.with_context(|| format!("estimating {what}"))?;
    let nonce = account.get_nonce().await.with_context(|| format!("reading the nonce for {what}"))?;
    let request = with_bounds(account.execute_v3(calls), &estimate)
        .nonce(nonce)
        .tip(0)
        .prepared()
        .map_err(|e| anyhow::anyhow!("preparing {what}: {e:?}"))?
        .get_invoke_request(false, false)
        .await
        .with_context(|| format!("signing {what}"))?;
    let profile = devnet.profile_invoke(&request).await.with_context(|| format!("profiling {what}"))?;
    let sent = progress::step(&format!("sending {what}"), provider.add_invoke_transaction(&request))
        .await
        .with_context(|| format!("sending {what}"))?;
    Ok((wait_for_receipt(&provider, sent.transaction_hash).await?, Some(profile.on_starknet.gas.l2_gas)))
}

fn selector(name: &str) -> anyhow::Result<Felt> {
    Ok(get_selector_from_name(name)?)
}

fn approve(spender: Felt, amount: u128) -> Call {
    Call {
        to: STRK,
        selector: starknet::macros::selector!("approve"),
        calldata: vec![spender, amount.into(), Felt::ZERO],
    }
}

/// Resource bounds well above what a transfer used (`estimate`), so the node runs validation
/// instead of refusing the bounds.
fn with_bounds<'a, A: Account>(execution: ExecutionV3<'a, A>, estimate: &FeeEstimate) -> ExecutionV3<'a, A> {
    execution
        .l1_gas(estimate.l1_gas_consumed * 3)
        .l1_gas_price(estimate.l1_gas_price * 2)
        .l1_data_gas(estimate.l1_data_gas_consumed * 3 + 1000)
        .l1_data_gas_price(estimate.l1_data_gas_price * 2)
        .l2_gas(estimate.l2_gas_consumed * 3)
        .l2_gas_price(estimate.l2_gas_price * 2)
}

/// A session client without the SDK's policy check: the session key signs the real transaction,
/// but the proofs presented are those of `decoys`, calls the session allows. This is what a
/// buggy or malicious client would send; the contract must refuse it.
struct Forced {
    session: SignedSession,
    key: SigningKey,
    decoys: Vec<Call>,
}

#[async_trait]
impl SessionSigner for Forced {
    type Error = SessionError;

    async fn sign_transaction(
        &self,
        _account: Felt,
        transaction_hash: Felt,
        _calls: &[Call],
    ) -> Result<Vec<Felt>, SessionError> {
        self.session.sign_transaction(&self.key, transaction_hash, &self.decoys)
    }
}
