//! Cairo steps and builtins per transaction, measured by executing the transaction in-process.
//!
//! Devnet's receipts and traces (RPC 0.10) carry gas only, and devnet keeps blockifier's
//! `TransactionExecutionInfo` to itself, so [`Devnet::profile_invoke`] executes the transaction
//! again with blockifier, against devnet's pre-confirmed state, in a throwaway state.
//!
//! How blockifier meters a call depends on the called class's Sierra version: from Sierra 1.7.0 on
//! (our account is 1.8.0) in Sierra gas, recording none of the call's Cairo steps; before that
//! (Argent 0.4.0, devnet's predeployed accounts) in Cairo steps, for the whole call tree. Devnet 0.8.2, though, takes a
//! class's `contract_class_version` ("0.1.0") for its Sierra version, so on devnet every class is
//! metered in steps, and devnet's fees and gas differ from what Starknet would charge for classes
//! metered in Sierra gas there. The transaction therefore runs three times:
//!
//! - as devnet runs it (outcome, fee and gas exactly as in devnet's receipt);
//! - with versioned constants under which no Sierra version qualifies for Sierra gas, so every
//!   call's Cairo steps and builtins are recorded, whichever compiler built its class and however
//!   devnet reads versions (steps and builtins);
//! - with each class's true Sierra version, as Starknet runs it (Sierra gas per phase, and the
//!   outcome, fee and gas Starknet would charge).
use std::collections::BTreeMap;
use std::sync::Arc;

use blockifier::blockifier_versioned_constants::VersionedConstants;
use blockifier::bouncer::BouncerConfig;
use blockifier::context::{BlockContext, ChainInfo, FeeTokenAddresses};
use blockifier::execution::call_info::{CallInfo, ExtendedExecutionResources};
use blockifier::execution::contract_class::{CompiledClassV1, RunnableCompiledClass};
use blockifier::execution::stack_trace::gen_tx_execution_error_trace;
use blockifier::state::cached_state::CachedState;
use blockifier::state::state_api::{StateReader, StateResult};
use blockifier::transaction::account_transaction::ExecutionFlags;
use blockifier::transaction::objects::TransactionExecutionInfo;
use blockifier::transaction::transactions::ExecutableTransaction;
use starknet::core::types::{BroadcastedInvokeTransactionV3, Felt};
use starknet_api::block::{BlockInfo, BlockTimestamp, GasPrice, GasPriceVector, GasPrices, NonzeroGasPrice};
use starknet_api::contract_class::SierraVersion;
use starknet_api::core::{ClassHash, CompiledClassHash, ContractAddress, Nonce};
use starknet_api::state::StorageKey;
use starknet_api::versioned_constants_logic::VersionedConstantsTrait;
use starknet_devnet_core::constants::{
    ETH_ERC20_CONTRACT_ADDRESS, STARKNET_VERSION, STRK_ERC20_CONTRACT_ADDRESS, USE_KZG_DA,
};
use starknet_devnet_core::starknet::Starknet;
use starknet_devnet_types::contract_class::ContractClass;
use starknet_devnet_types::rpc::block::{BlockId, BlockTag, PreConfirmedBlockHeader};
use starknet_devnet_types::rpc::transactions::BroadcastedTransaction;

use crate::{Devnet, Error};

/// What executing one transaction took, from [`Devnet::profile_invoke`].
///
/// Steps, memory holes and builtins are counted with every call metered in Cairo steps (see the
/// module docs), so they compare across account classes whatever Cairo version compiled them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionProfile {
    /// The whole transaction: validation, execution and fee transfer, plus the Starknet OS's
    /// per-transaction overhead (the steps and builtins the OS spends around the calls, which
    /// blockifier estimates from the transaction's type, calldata and state changes).
    pub total: VmResources,
    /// The account's `__validate__` call, inner calls included.
    pub validate: Option<PhaseProfile>,
    /// The account's `__execute__` call, inner calls included; `None` when it reverted.
    pub execute: Option<PhaseProfile>,
    /// The fee token's `transfer` to the sequencer; `None` when the fee is zero.
    pub fee_transfer: Option<PhaseProfile>,
    /// The revert reason when `__execute__` fails on this devnet (the transaction is then
    /// included, reverted).
    pub revert_error: Option<String>,
    /// The fee devnet charges, in FRI (as its receipt will say).
    pub fee: u128,
    /// The gas devnet charges for.
    pub gas: GasUsage,
    /// The outcome on Starknet, which meters classes of Sierra >= 1.7.0 in Sierra gas where
    /// devnet 0.8.2 meters every class in Cairo steps.
    pub on_starknet: Outcome,
}

impl ExecutionProfile {
    /// Whether devnet would include the transaction as reverted.
    pub fn reverted(&self) -> bool {
        self.revert_error.is_some()
    }
}

/// One phase of a transaction: a top-level call and everything it called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseProfile {
    /// Steps, memory holes and builtins of the call tree (syscall costs included, as blockifier
    /// charges them).
    pub resources: VmResources,
    /// The Sierra gas the call tree consumes on Starknet (blockifier's
    /// `CallExecution::gas_consumed`). Zero when the called class predates Sierra 1.7.0: such a
    /// call, and everything it calls, is metered in Cairo steps instead.
    pub sierra_gas: u64,
}

/// Cairo VM resources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VmResources {
    /// Cairo steps.
    pub steps: usize,
    /// Memory holes.
    pub memory_holes: usize,
    /// Builtin instances by builtin name (`range_check`, `pedersen`, `poseidon`, `ec_op`,
    /// `bitwise`, `segment_arena`…), plus `blake_opcode` for Blake opcodes; unused ones omitted.
    pub builtins: BTreeMap<String, usize>,
}

impl VmResources {
    /// The count for builtin `name` (`range_check`, `poseidon`…), 0 if it was not used.
    pub fn builtin(&self, name: &str) -> usize {
        self.builtins.get(name).copied().unwrap_or(0)
    }
}

/// How a transaction ends and what it is charged, elsewhere than on this devnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The revert reason when `__execute__` failed (the transaction is then included, reverted).
    pub revert_error: Option<String>,
    /// The fee charged, in FRI.
    pub fee: u128,
    /// The gas charged for.
    pub gas: GasUsage,
}

/// Gas amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GasUsage {
    /// L1 gas.
    pub l1_gas: u64,
    /// L1 data (blob) gas. (Devnet's receipts report less than it charges for.)
    pub l1_data_gas: u64,
    /// L2 gas.
    pub l2_gas: u64,
}

impl Devnet {
    /// Executes `tx`, an INVOKE v3 transaction signed for this devnet, against the devnet's
    /// current pre-confirmed state and block (number, timestamp, gas prices), and reports the
    /// resources it took. Nothing is committed: the same transaction can be sent afterwards.
    ///
    /// Fails with [`Error::TransactionRejected`] when devnet would reject the transaction
    /// outright (bad signature or other validation failure, wrong nonce, bounds too low or
    /// unaffordable); a transaction that would be included as reverted profiles fine, with
    /// [`ExecutionProfile::revert_error`] set.
    pub async fn profile_invoke(&self, tx: &BroadcastedInvokeTransactionV3) -> Result<ExecutionProfile, Error> {
        if tx.is_query {
            return Err(Error::Profiler("a query-only transaction cannot be sent, so it is not profiled".into()));
        }
        let json =
            serde_json::to_value(tx).map_err(|e| Error::Profiler(format!("serializing the transaction: {e}")))?;
        let tx: BroadcastedTransaction = serde_json::from_value(json)
            .map_err(|e| Error::Profiler(format!("devnet cannot read the transaction: {e}")))?;
        let starknet = self.starknet.lock().await;
        // Blockifier runs synchronously for a few milliseconds; let the runtime know.
        tokio::task::block_in_place(|| profile(&starknet, &tx))
    }
}

fn profile(starknet: &Starknet, tx: &BroadcastedTransaction) -> Result<ExecutionProfile, Error> {
    let constants = VersionedConstants::get(&STARKNET_VERSION)
        .map_err(|e| Error::Profiler(format!("no versioned constants for Starknet {STARKNET_VERSION}: {e:?}")))?;
    let mut all_in_steps = constants.clone();
    // No Sierra version reaches this, so every call is metered (and its steps recorded) in steps.
    all_in_steps.min_sierra_version_for_sierra_gas = SierraVersion::new(u64::MAX, 0, 0);

    let on_devnet = execute(starknet, tx, constants.clone(), SierraVersions::AsDevnetReadsThem)?;
    let in_steps = execute(starknet, tx, all_in_steps, SierraVersions::AsDevnetReadsThem)?;
    let on_starknet = execute(starknet, tx, constants.clone(), SierraVersions::True).map_err(|e| match e {
        // Devnet itself accepts it (the first run did): say which run refused.
        Error::TransactionRejected(reason) => {
            Error::Profiler(format!("metered as Starknet meters it, the transaction would be rejected: {reason}"))
        }
        other => other,
    })?;
    if on_devnet.revert_error.is_some() != in_steps.revert_error.is_some() {
        return Err(Error::Profiler(format!(
            "metered in Cairo steps throughout, the transaction {}, unlike on devnet ({})",
            describe(&in_steps),
            describe(&on_devnet),
        )));
    }

    let mut total = in_steps.receipt.resources.computation.total_extended_vm_resources();
    if let Some(fee_transfer) = &in_steps.fee_transfer_call_info {
        total += &fee_transfer.resources;
    }
    let phase = |steps: &Option<CallInfo>, gas: &Option<CallInfo>| {
        steps.as_ref().map(|call| PhaseProfile {
            resources: vm_resources(&call.resources),
            sierra_gas: gas.as_ref().map_or(0, |c| c.execution.gas_consumed),
        })
    };
    Ok(ExecutionProfile {
        total: vm_resources(&total),
        validate: phase(&in_steps.validate_call_info, &on_starknet.validate_call_info),
        execute: phase(&in_steps.execute_call_info, &on_starknet.execute_call_info),
        fee_transfer: phase(&in_steps.fee_transfer_call_info, &on_starknet.fee_transfer_call_info),
        revert_error: on_devnet.revert_error.as_ref().map(ToString::to_string),
        fee: on_devnet.receipt.fee.0,
        gas: gas_usage(&on_devnet),
        on_starknet: Outcome {
            revert_error: on_starknet.revert_error.as_ref().map(ToString::to_string),
            fee: on_starknet.receipt.fee.0,
            gas: gas_usage(&on_starknet),
        },
    })
}

fn describe(info: &TransactionExecutionInfo) -> String {
    match &info.revert_error {
        Some(error) => format!("reverts: {error}"),
        None => "succeeds".into(),
    }
}

fn gas_usage(info: &TransactionExecutionInfo) -> GasUsage {
    let gas = info.receipt.gas;
    GasUsage { l1_gas: gas.l1_gas.0, l1_data_gas: gas.l1_data_gas.0, l2_gas: gas.l2_gas.0 }
}

/// Executes `tx` as devnet's `starknet_addInvokeTransaction` would, with `constants` and Sierra
/// versions read as `versions` says, on a cache over the pre-confirmed state that is dropped
/// afterwards.
fn execute(
    starknet: &Starknet,
    tx: &BroadcastedTransaction,
    constants: VersionedConstants,
    versions: SierraVersions,
) -> Result<TransactionExecutionInfo, Error> {
    let block_context = block_context(starknet, constants)?;
    let flags = ExecutionFlags {
        only_query: false,
        charge_fee: true,
        validate: true,
        strict_nonce_check: !starknet.config.uses_pre_confirmed_block(),
    };
    let account_tx = tx
        .to_blockifier_account_transaction(&starknet.chain_id().to_felt(), flags)
        .map_err(|e| Error::Profiler(format!("devnet cannot convert the transaction: {e}")))?;
    // Writes go to this cache only; it is dropped, so nothing reaches devnet's state.
    let mut state = CachedState::new(PreConfirmedState { starknet, versions });
    account_tx.execute(&mut state, &block_context).map_err(|e| {
        let trace = gen_tx_execution_error_trace(&e).to_string();
        Error::TransactionRejected(if trace.trim().is_empty() { e.to_string() } else { trace })
    })
}

/// The block context devnet executes transactions in: the pre-confirmed block's number,
/// timestamp, sequencer and gas prices (devnet's own context is private, but it is what the
/// pre-confirmed block's header is made from), devnet's chain id and fee tokens.
fn block_context(starknet: &Starknet, constants: VersionedConstants) -> Result<BlockContext, Error> {
    let block = starknet
        .get_block(&BlockId::Tag(BlockTag::PreConfirmed))
        .map_err(|e| Error::Profiler(format!("no pre-confirmed block: {e}")))?;
    let header = PreConfirmedBlockHeader::from(block);
    let price = |felt: Felt, what: &str| {
        u128::try_from(felt)
            .ok()
            .and_then(|p| NonzeroGasPrice::new(GasPrice(p)).ok())
            .ok_or_else(|| Error::Profiler(format!("the pre-confirmed block's {what} price is {felt}")))
    };
    let block_info = BlockInfo {
        block_number: header.block_number,
        block_timestamp: BlockTimestamp(header.timestamp.0),
        starknet_version: STARKNET_VERSION,
        sequencer_address: header.sequencer_address.into(),
        gas_prices: GasPrices {
            eth_gas_prices: GasPriceVector {
                l1_gas_price: price(header.l1_gas_price.price_in_wei, "L1 gas (wei)")?,
                l1_data_gas_price: price(header.l1_data_gas_price.price_in_wei, "L1 data gas (wei)")?,
                l2_gas_price: price(header.l2_gas_price.price_in_wei, "L2 gas (wei)")?,
            },
            strk_gas_prices: GasPriceVector {
                l1_gas_price: price(header.l1_gas_price.price_in_fri, "L1 gas (fri)")?,
                l1_data_gas_price: price(header.l1_data_gas_price.price_in_fri, "L1 data gas (fri)")?,
                l2_gas_price: price(header.l2_gas_price.price_in_fri, "L2 gas (fri)")?,
            },
        },
        use_kzg_da: USE_KZG_DA,
    };
    let address = |felt: Felt| {
        ContractAddress::try_from(felt).map_err(|e| Error::Profiler(format!("fee token address {felt:#x}: {e}")))
    };
    let chain_info = ChainInfo {
        chain_id: starknet.chain_id().into(),
        fee_token_addresses: FeeTokenAddresses {
            eth_fee_token_address: address(ETH_ERC20_CONTRACT_ADDRESS)?,
            strk_fee_token_address: address(STRK_ERC20_CONTRACT_ADDRESS)?,
        },
        is_l3: false,
    };
    // The bouncer (block capacity) plays no part in executing a single transaction.
    Ok(BlockContext::new(block_info, chain_info, constants, BouncerConfig::max()))
}

/// Which Sierra version a compiled class reports, which decides how blockifier meters its calls.
#[derive(Debug, Clone, Copy)]
enum SierraVersions {
    /// Devnet's: its `contract_class_version` ("0.1.0" for every Cairo 1 class).
    AsDevnetReadsThem,
    /// The version in the first three felts of the class's Sierra program, as on Starknet.
    True,
}

/// Devnet's pre-confirmed state, read-only, with Sierra versions read as `versions` says.
struct PreConfirmedState<'a> {
    starknet: &'a Starknet,
    versions: SierraVersions,
}

impl PreConfirmedState<'_> {
    /// The Sierra version in the Sierra program's header, if devnet has the class's Sierra.
    fn true_sierra_version(&self, class_hash: ClassHash) -> Option<SierraVersion> {
        let ContractClass::Cairo1(class) =
            self.starknet.get_class(&BlockId::Tag(BlockTag::PreConfirmed), class_hash.0).ok()?
        else {
            return None;
        };
        match class.sierra_program.get(..3)? {
            [major, minor, patch] => Some(SierraVersion::new(
                u64::try_from(&major.value).ok()?,
                u64::try_from(&minor.value).ok()?,
                u64::try_from(&patch.value).ok()?,
            )),
            _ => None,
        }
    }
}

impl StateReader for PreConfirmedState<'_> {
    fn get_storage_at(&self, contract_address: ContractAddress, key: StorageKey) -> StateResult<Felt> {
        self.starknet.pre_confirmed_state.get_storage_at(contract_address, key)
    }

    fn get_nonce_at(&self, contract_address: ContractAddress) -> StateResult<Nonce> {
        self.starknet.pre_confirmed_state.get_nonce_at(contract_address)
    }

    fn get_class_hash_at(&self, contract_address: ContractAddress) -> StateResult<ClassHash> {
        self.starknet.pre_confirmed_state.get_class_hash_at(contract_address)
    }

    fn get_compiled_class(&self, class_hash: ClassHash) -> StateResult<RunnableCompiledClass> {
        let class = self.starknet.pre_confirmed_state.get_compiled_class(class_hash)?;
        let (SierraVersions::True, RunnableCompiledClass::V1(compiled)) = (self.versions, &class) else {
            return Ok(class);
        };
        match self.true_sierra_version(class_hash) {
            Some(version) if version != compiled.sierra_version => {
                let mut inner = (*compiled.0).clone();
                inner.sierra_version = version;
                Ok(RunnableCompiledClass::V1(CompiledClassV1(Arc::new(inner))))
            }
            _ => Ok(class),
        }
    }

    fn get_compiled_class_hash(&self, class_hash: ClassHash) -> StateResult<CompiledClassHash> {
        self.starknet.pre_confirmed_state.get_compiled_class_hash(class_hash)
    }

    fn get_compiled_class_hash_v2(
        &self,
        class_hash: ClassHash,
        compiled_class: &RunnableCompiledClass,
    ) -> StateResult<CompiledClassHash> {
        self.starknet.pre_confirmed_state.get_compiled_class_hash_v2(class_hash, compiled_class)
    }
}

fn vm_resources(resources: &ExtendedExecutionResources) -> VmResources {
    let vm = &resources.vm_resources;
    let mut builtins: BTreeMap<String, usize> = vm
        .builtin_instance_counter
        .iter()
        .filter(|(_, count)| **count > 0)
        .map(|(name, count)| (name.to_str().to_string(), *count))
        .collect();
    for (opcode, count) in &resources.opcode_instance_counter {
        if *count > 0 {
            builtins.insert(opcode.to_str_with_suffix().to_string(), *count);
        }
    }
    VmResources { steps: vm.n_steps, memory_holes: vm.n_memory_holes, builtins }
}
