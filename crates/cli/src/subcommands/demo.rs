//! `sk demo`: the whole story on an embedded devnet (or `--rpc URL`), step by step.
use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;
use sk_contracts::bindings::SessionKeyAccountReader;
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{declare, Cost, strk_balance, strk_transfer, wait_for_receipt, AccountDeployment, DEPLOY_FUNDS};
use starknet::accounts::Account;
use starknet::core::types::{Felt, TransactionReceiptWithBlockInfo};
use starknet::core::utils::cairo_short_string_to_felt;
use starknet::signers::SigningKey;

use crate::network::{Network, NetworkArgs};
use crate::{error, progress};

/// What the demo pays a new account from a funder on a network that is not a devnet: 2 STRK.
const FUND_FROM_FUNDER: u128 = 2 * 10u128.pow(18);
/// What the demo transfers: 0.1 STRK.
const TRANSFER: u128 = 10u128.pow(17);

/// Run the whole story: declare our account class, deploy an account, transact, and show what the
/// account rejects.
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
    steps: Vec<Step>,
}

#[derive(Serialize)]
struct Step {
    step: &'static str,
    /// `ok`, or `rejected` for a transaction the account refused as it should.
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    l2_gas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    l1_data_gas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fee_fri: Option<String>,
    detail: String,
}

impl Step {
    fn new(step: &'static str, detail: impl Into<String>) -> Self {
        Self { step, outcome: "ok", transaction_hash: None, l2_gas: None, l1_data_gas: None, fee_fri: None, detail: detail.into() }
    }

    fn with_receipt(mut self, receipt: &TransactionReceiptWithBlockInfo) -> Self {
        let cost = Cost::of(&receipt.receipt);
        self.transaction_hash = Some(format!("{:#066x}", receipt.receipt.transaction_hash()));
        self.l2_gas = Some(cost.l2_gas);
        self.l1_data_gas = Some(cost.l1_data_gas);
        self.fee_fri = Some(cost.fee.to_string());
        self
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
            let mark = if step.outcome == "ok" { "ok      " } else { "rejected" };
            println!("[{mark}] {:<20} {}", step.step, step.detail);
            if let Some(hash) = &step.transaction_hash {
                println!("           tx {hash}");
            }
            if let (Some(l2), Some(l1_data), Some(fee)) = (step.l2_gas, step.l1_data_gas, &step.fee_fri) {
                println!("           L2 gas {l2}, L1 data gas {l1_data}, fee {fee} FRI");
            }
        }
        self.steps.push(step);
    }
}

impl Demo {
    pub async fn run(self) -> anyhow::Result<()> {
        let network = self.network.connect().await?;
        let provider = network.provider();
        let mut out = Printer { json: self.json, steps: Vec::new() };
        if !self.json {
            let place = if network.is_embedded() { "embedded devnet" } else { "node" };
            println!("{place} at {} (chain id {:#x})", network.url, network.chain_id);
        }

        // 1. Declare the account class.
        let class = SESSION_KEY_ACCOUNT.sierra_class().context("reading the compiled account class")?;
        let declared = progress::step(
            "declaring the account class",
            declare(&network.funder, class, SESSION_KEY_ACCOUNT.compiled_class_hash),
        )
        .await
        .context("declaring the account class")?;
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
        progress::step("funding the new account's address", fund(&network, address))
            .await
            .context("funding the account's address")?;
        let receipt = progress::step("deploying the account (DEPLOY_ACCOUNT)", deployment.send())
            .await
            .context("deploying the account")?;
        out.push(Step::new("deploy account", format!("account {address:#066x}")).with_receipt(&receipt));

        // 3. An owner-signed STRK transfer.
        let account = network.account(address, owner.clone());
        let recipient = network.funder.address();
        let before = strk_balance(&provider, recipient).await?;
        let sent = progress::step("sending an owner-signed transfer", account.execute_v3(vec![strk_transfer(recipient, TRANSFER)]).send())
            .await
            .context("sending the owner-signed transfer")?;
        let receipt = wait_for_receipt(&provider, sent.transaction_hash).await?;
        let received = strk_balance(&provider, recipient).await? - before;
        if received != TRANSFER {
            bail!("the recipient received {received} FRI instead of {TRANSFER}");
        }
        out.push(
            Step::new("owner transfer", format!("0.1 STRK to {recipient:#x}: recipient balance +{received} FRI"))
                .with_receipt(&receipt),
        );

        // 4. The same transfer signed by another key is rejected.
        let impostor = network.account(address, SigningKey::from_random());
        match impostor.execute_v3(vec![strk_transfer(recipient, TRANSFER)]).send().await {
            Ok(sent) => bail!("a transfer signed by a stranger's key was accepted ({:#x})", sent.transaction_hash),
            Err(err) => {
                let text = err.to_string();
                let sentence = error::contract_error(&text)
                    .with_context(|| format!("the stranger's transfer failed for another reason: {text}"))?;
                out.push(Step { outcome: "rejected", ..Step::new("stranger transfer", sentence) });
            }
        }

        // 5. is_valid_signature, for the owner and for a stranger.
        let reader = SessionKeyAccountReader::new(address, &provider);
        let message = Felt::from_hex_unchecked("0x5e55104e7");
        let valid = cairo_short_string_to_felt("VALID")?;
        let owner_signature = owner.sign(&message)?;
        let stranger_signature = SigningKey::from_random().sign(&message)?;
        let owner_answer = reader.is_valid_signature(&message, &vec![owner_signature.r, owner_signature.s]).call().await?;
        let stranger_answer = reader.is_valid_signature(&message, &vec![stranger_signature.r, stranger_signature.s]).call().await?;
        if owner_answer != valid || stranger_answer != Felt::ZERO {
            bail!("is_valid_signature answered {owner_answer:#x} for the owner and {stranger_answer:#x} for a stranger");
        }
        out.push(Step::new("is_valid_signature", "owner's signature: VALID; a stranger's: 0"));

        // 6. Fee estimation for the account.
        let estimate = account.execute_v3(vec![strk_transfer(recipient, TRANSFER)]).estimate_fee().await.context("estimating a transfer's fee")?;
        out.push(Step {
            l2_gas: Some(estimate.l2_gas_consumed),
            l1_data_gas: Some(estimate.l1_data_gas_consumed),
            fee_fri: Some(estimate.overall_fee.to_string()),
            ..Step::new("fee estimate", "a transfer from the account, estimated")
        });

        let report = Report {
            rpc: network.url.to_string(),
            embedded_devnet: network.is_embedded(),
            chain_id: format!("{:#x}", network.chain_id),
            class_hash,
            account: format!("{address:#066x}"),
            owner_public_key: format!("{:#066x}", owner.verifying_key().scalar()),
            steps: out.steps,
        };
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            println!("account {} is deployed and working", report.account);
        }
        Ok(())
    }
}

/// Gives the new account's address STRK for its deployment: minted on a devnet, else transferred
/// from the funder.
async fn fund(network: &Network, address: Felt) -> anyhow::Result<()> {
    let provider = network.provider();
    let hash = match &network.devnet {
        Some(devnet) => devnet.mint(address, DEPLOY_FUNDS).await?,
        None => network.funder.execute_v3(vec![strk_transfer(address, FUND_FROM_FUNDER)]).send().await?.transaction_hash,
    };
    wait_for_receipt(&provider, hash).await?;
    Ok(())
}
