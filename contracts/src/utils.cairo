//! Checks and helpers shared by the account's entry points.
use starknet::account::Call;
use starknet::syscalls::call_contract_syscall;
use starknet::{get_caller_address, get_contract_address, get_tx_info};
use crate::errors;

/// Added to the version of transactions sent only to estimate fees or simulate (never executed).
const QUERY_OFFSET: u256 = 0x100000000000000000000000000000000;

/// Only the protocol (caller 0) may call `__validate__*` and `__execute__`.
pub fn assert_only_protocol() {
    assert(get_caller_address().into() == 0, errors::INVALID_CALLER);
}

/// Only the account itself (a call in one of its own transactions) may pass.
pub fn assert_only_self() {
    assert(get_caller_address() == get_contract_address(), errors::ONLY_SELF);
}

/// Transactions below version 3 are rejected, and so are their query (fee estimation) versions;
/// v3 and query v3 pass.
pub fn assert_supported_tx_version() {
    let version: u256 = get_tx_info().unbox().version.into();
    let version = if version >= QUERY_OFFSET {
        version - QUERY_OFFSET
    } else {
        version
    };
    assert(version >= 3, errors::INVALID_TX_VERSION);
}

/// Performs `calls` in order and returns their results; the first failure reverts them all.
pub fn execute_calls(calls: Span<Call>) -> Array<Span<felt252>> {
    let mut results = array![];
    for call in calls {
        let Call { to, selector, calldata } = *call;
        match call_contract_syscall(to, selector, calldata) {
            Result::Ok(result) => results.append(result),
            Result::Err(revert_reason) => core::panics::panic(revert_reason),
        }
    }
    results
}
