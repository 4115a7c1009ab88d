//! On-chain operations that work on any Starknet node: declare, deploy an account, await receipts.
use std::sync::Arc;
use std::time::Duration;

use starknet::accounts::{
    Account, AccountFactory, ConnectedAccount, ExecutionEncoding, OpenZeppelinAccountFactory, SingleOwnerAccount,
};
use starknet::core::types::{
    BlockId, BlockTag, ExecutionResult, Felt, FlattenedSierraClass, StarknetError, TransactionReceiptWithBlockInfo,
};
use starknet::core::types::{
    BroadcastedInvokeTransactionV3, Call, ExecutionResources, FunctionCall, TransactionReceipt,
};
use starknet::macros::selector;
use starknet::providers::{Provider as _, ProviderError};
use starknet::signers::{LocalWallet, SigningKey};

use crate::{Error, LocalAccount, Provider};

/// The STRK fee token's address (the same on mainnet, Sepolia and devnet).
pub const STRK: Felt = Felt::from_hex_unchecked("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

/// The ETH token's address (the same on mainnet, Sepolia and devnet, which predeploys it too).
pub const ETH: Felt = sk_session::ETH_TOKEN;

/// An account at `address` on `chain_id` that signs with `key` alone (Cairo 1 `__execute__`
/// encoding): devnet's predeployed accounts, and our account driven by its owner key.
pub fn local_account(provider: Provider, address: Felt, key: SigningKey, chain_id: Felt) -> LocalAccount {
    SingleOwnerAccount::new(provider, LocalWallet::from(key), address, chain_id, ExecutionEncoding::New)
}

/// The result of [`declare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    /// The class hash.
    pub class_hash: Felt,
    /// The DECLARE transaction's hash, or `None` when the class was declared already.
    pub transaction_hash: Option<Felt>,
}

/// Declares `class` from `account` unless the node knows it already (idempotent), and waits for
/// the transaction.
pub async fn declare(
    account: &LocalAccount,
    class: FlattenedSierraClass,
    compiled_class_hash: Felt,
) -> Result<Declared, Error> {
    let class_hash = class.class_hash();
    let provider = account.provider();
    match provider.get_class(BlockId::Tag(BlockTag::PreConfirmed), class_hash).await {
        Ok(_) => return Ok(Declared { class_hash, transaction_hash: None }),
        Err(ProviderError::StarknetError(StarknetError::ClassHashNotFound)) => {}
        Err(e) => return Err(e.into()),
    }
    let sent = account.declare_v3(Arc::new(class), compiled_class_hash).send().await?;
    wait_for_receipt(provider, sent.transaction_hash).await?;
    Ok(Declared { class_hash, transaction_hash: Some(sent.transaction_hash) })
}

/// A DEPLOY_ACCOUNT transaction for an account whose constructor takes the owner's public key:
/// the address is known (counterfactual) before anything is sent, so it can be funded first.
///
/// Our account's constructor and `__validate_deploy__` take `(owner)` as OpenZeppelin's take
/// `(public_key)`, so starknet-rs's OpenZeppelin factory computes the same calldata, address and
/// deploy signature; we use it rather than hand-write a factory.
pub struct AccountDeployment {
    factory: OpenZeppelinAccountFactory<LocalWallet, Provider>,
    salt: Felt,
}

impl AccountDeployment {
    /// Prepares the deployment of `class_hash` owned by `owner` with `salt`.
    pub async fn new(
        provider: Provider,
        chain_id: Felt,
        class_hash: Felt,
        owner: SigningKey,
        salt: Felt,
    ) -> Result<Self, Error> {
        let factory = OpenZeppelinAccountFactory::new(class_hash, chain_id, LocalWallet::from(owner), provider)
            .await
            .map_err(|never: starknet::signers::Infallible| -> Error { match never {} })?;
        Ok(Self { factory, salt })
    }

    /// The address the account will have.
    pub fn address(&self) -> Felt {
        self.factory.deploy_v3(self.salt).address()
    }

    /// Sends the DEPLOY_ACCOUNT transaction (the address must hold enough STRK for its fee) and
    /// waits for its receipt.
    pub async fn send(&self) -> Result<TransactionReceiptWithBlockInfo, Error> {
        let sent = self.factory.deploy_v3(self.salt).send().await?;
        wait_for_receipt(self.factory.provider(), sent.transaction_hash).await
    }
}

/// `calls` from `account` as a transaction ready to send, signed, with its nonce and every
/// resource bound fixed: twice the estimate (L2 gas four times, so that the re-executions of
/// [`crate::Devnet::profile_invoke`], which meter differently, run to the end), no tip. The same
/// request can be profiled and then sent.
pub async fn signed_invoke<A>(account: &A, calls: Vec<Call>) -> Result<BroadcastedInvokeTransactionV3, Error>
where
    A: ConnectedAccount + Sync,
    A::SignError: std::fmt::Display,
{
    let prepare = |e: &dyn std::fmt::Display| Error::Prepare(e.to_string());
    let nonce = account.get_nonce().await?;
    let estimate = account.execute_v3(calls.clone()).nonce(nonce).estimate_fee().await.map_err(|e| prepare(&e))?;
    account
        .execute_v3(calls)
        .nonce(nonce)
        .l1_gas(estimate.l1_gas_consumed * 2)
        .l1_gas_price(estimate.l1_gas_price * 2)
        .l2_gas(estimate.l2_gas_consumed * 4)
        .l2_gas_price(estimate.l2_gas_price * 2)
        .l1_data_gas(estimate.l1_data_gas_consumed * 2)
        .l1_data_gas_price(estimate.l1_data_gas_price * 2)
        .tip(0)
        .prepared()
        .map_err(|e| prepare(&format!("{e:?}")))?
        .get_invoke_request(false, false)
        .await
        .map_err(|e| prepare(&e))
}

/// Waits for `hash` to be included, and fails with the revert reason if it reverted.
pub async fn wait_for_receipt(provider: &Provider, hash: Felt) -> Result<TransactionReceiptWithBlockInfo, Error> {
    for _ in 0..600 {
        match provider.get_transaction_receipt(hash).await {
            Ok(receipt) => {
                return match receipt.receipt.execution_result() {
                    ExecutionResult::Succeeded => Ok(receipt),
                    ExecutionResult::Reverted { reason } => Err(Error::Reverted { hash, reason: reason.clone() }),
                };
            }
            Err(ProviderError::StarknetError(StarknetError::TransactionHashNotFound)) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Timeout(hash))
}

/// A call that transfers `amount` FRI of STRK to `recipient`.
pub fn strk_transfer(recipient: Felt, amount: u128) -> Call {
    Call { to: STRK, selector: selector!("transfer"), calldata: vec![recipient, amount.into(), Felt::ZERO] }
}

/// The STRK balance of `address`, in FRI.
pub async fn strk_balance(provider: &Provider, address: Felt) -> Result<u128, Error> {
    let result = provider
        .call(
            FunctionCall {
                contract_address: STRK,
                entry_point_selector: selector!("balance_of"),
                calldata: vec![address],
            },
            BlockId::Tag(BlockTag::PreConfirmed),
        )
        .await?;
    match result.as_slice() {
        [low, high] if *high == Felt::ZERO => u128::try_from(*low).map_err(|_| bad_balance(&result)),
        _ => Err(bad_balance(&result)),
    }
}

fn bad_balance(result: &[Felt]) -> Error {
    Error::UnexpectedAnswer(format!("STRK balance_of returned {result:?}"))
}

/// What a transaction cost, from its receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// The fee actually paid, in the fee token's smallest unit (FRI for v3 transactions).
    pub fee: u128,
    /// L2 gas consumed (computation and calldata).
    pub l2_gas: u64,
    /// L1 gas consumed.
    pub l1_gas: u64,
    /// L1 data (blob) gas consumed.
    pub l1_data_gas: u64,
}

impl Cost {
    /// The cost recorded in `receipt`, whatever the transaction's type.
    pub fn of(receipt: &TransactionReceipt) -> Self {
        let (fee, resources): (Felt, &ExecutionResources) = match receipt {
            TransactionReceipt::Invoke(r) => (r.actual_fee.amount, &r.execution_resources),
            TransactionReceipt::L1Handler(r) => (r.actual_fee.amount, &r.execution_resources),
            TransactionReceipt::Declare(r) => (r.actual_fee.amount, &r.execution_resources),
            TransactionReceipt::Deploy(r) => (r.actual_fee.amount, &r.execution_resources),
            TransactionReceipt::DeployAccount(r) => (r.actual_fee.amount, &r.execution_resources),
        };
        Self {
            // Fees are far below 2^128 FRI; saturate rather than fail on a malformed receipt.
            fee: u128::try_from(fee).unwrap_or(u128::MAX),
            l2_gas: resources.l2_gas,
            l1_gas: resources.l1_gas,
            l1_data_gas: resources.l1_data_gas,
        }
    }
}
