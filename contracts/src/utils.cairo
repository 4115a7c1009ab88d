//! Checks and helpers shared by the account's entry points and the session component.
use core::ecdsa::check_ecdsa_signature;
use starknet::account::Call;
use starknet::syscalls::call_contract_syscall;
use starknet::{TxInfo, get_caller_address, get_contract_address, get_tx_info};
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
pub fn assert_supported_tx_version(version: felt252) {
    let version: u256 = version.into();
    let version = if version >= QUERY_OFFSET {
        version - QUERY_OFFSET
    } else {
        version
    };
    assert(version >= 3, errors::INVALID_TX_VERSION);
}

/// The transaction being validated or executed, once the caller is checked to be the protocol and
/// the version to be supported: where every `__validate*__` and `__execute__` starts.
pub fn protocol_tx_info() -> TxInfo {
    assert_only_protocol();
    let tx_info = get_tx_info().unbox();
    assert_supported_tx_version(tx_info.version);
    tx_info
}

/// Whether `signature` is a Stark ECDSA signature `(r, s)` of `public_key` over `hash`; any other
/// length is not.
pub fn is_valid_stark_signature(
    hash: felt252, public_key: felt252, signature: Span<felt252>,
) -> bool {
    if signature.len() != 2 {
        return false;
    }
    check_ecdsa_signature(hash, public_key, *signature[0], *signature[1])
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
