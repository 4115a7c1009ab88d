//! Keys, signatures and deployment helpers for the account tests.
//!
//! The signatures are RFC 6979 Stark ECDSA signatures computed off-chain (starknet.js
//! `ec.starkCurve.sign`), so the tests check the contract against what real clients produce.
use starknet::syscalls::deploy_syscall;
use starknet::testing::{
    set_block_timestamp, set_caller_address, set_chain_id, set_contract_address,
};
use starknet::{ContractAddress, SyscallResultTrait};
use crate::account::SessionKeyAccount;
use crate::interfaces::{IOwner, IOwnerDispatcher, ISRC6Dispatcher, ISession};
use crate::session::session_token::{
    OWNER_SIGNATURE_OFFSET, SESSION_MAGIC, SESSION_TOKEN_VERSION, SessionToken,
};
use crate::session::session_hash::{Session, SpendingLimit};
use super::mocks::{IMockTargetDispatcher, IMockTokenDispatcher, MockTarget, MockToken};
use super::vectors;

/// Public key of private key 1.
pub const OWNER: felt252 = 0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca;
/// Public key of private key 2.
pub const OTHER: felt252 = 0x759ca09377679ecd535a81e83039658bf40959283187c654c5416f439403cf5;

pub const TX_HASH: felt252 = 0x1234;
pub const OTHER_HASH: felt252 = 0x5678;

/// Private key 1 over `TX_HASH`.
pub fn owner_signature() -> Array<felt252> {
    array![
        0xfe79397236ec7df6451ea47a942f7a4ce30fb2ec6b08aae4642196644f5f48,
        0x611d06e4bb5898cabf520079ff19e862e000cd15835f320ecc4fbd619b0b52f,
    ]
}

/// Private key 1 over `OTHER_HASH`.
pub fn owner_signature_of_other_hash() -> Array<felt252> {
    array![
        0x50e4f0bdac734ddb82c2304e1665f1a3edc1949bde254b39e70a255064b1155,
        0x59fcf018533f65bc14b496fe27d2a9b5c484e69ab38b1fdf2491abfb28dd6b0,
    ]
}

/// Private key 2 over `TX_HASH`.
pub fn other_signature() -> Array<felt252> {
    array![
        0x58ce85726f7a049c2d7577fdb6e8b57bf575ab8bb2193c903c930a445dceef2,
        0x146346c4377acb863eb24b5f85ffd4102d3965926714858ae44cc12851945fa,
    ]
}

pub fn deploy_account(owner: felt252) -> ContractAddress {
    let (address, _) = deploy_syscall(
        SessionKeyAccount::TEST_CLASS_HASH, 0, array![owner].span(), false,
    )
        .unwrap_syscall();
    address
}

pub fn account(address: ContractAddress) -> (ISRC6Dispatcher, IOwnerDispatcher) {
    (ISRC6Dispatcher { contract_address: address }, IOwnerDispatcher { contract_address: address })
}

pub fn deploy_target() -> IMockTargetDispatcher {
    let (address, _) = deploy_syscall(MockTarget::TEST_CLASS_HASH, 1, array![].span(), false)
        .unwrap_syscall();
    IMockTargetDispatcher { contract_address: address }
}

/// Sets the transaction the account sees: version, hash and signature.
pub fn set_tx(version: felt252, signature: Array<felt252>) {
    starknet::testing::set_version(version);
    starknet::testing::set_transaction_hash(TX_HASH);
    starknet::testing::set_signature(signature.span());
}

/// A mock token that accepts every transfer and approval (`MockToken`).
pub fn deploy_token() -> IMockTokenDispatcher {
    let (address, _) = deploy_syscall(MockToken::TEST_CLASS_HASH, 2, array![].span(), false)
        .unwrap_syscall();
    IMockTokenDispatcher { contract_address: address }
}

/// A day in seconds.
pub const DAY: u64 = 86400;

/// `value` as a contract address.
pub fn contract(value: felt252) -> ContractAddress {
    value.try_into().unwrap()
}

/// The felts of one spending limit in the session token: token, total, per_period (two words
/// each) and period.
pub const SPENDING_LIMIT_FELTS: u32 = 6;

/// Where the owner signature starts in `vectors::signature()`, whose session has one spending
/// limit.
pub const VECTOR_OWNER_SIGNATURE_OFFSET: u32 = OWNER_SIGNATURE_OFFSET + SPENDING_LIMIT_FELTS;

/// The spending limit of the vectors' session.
pub fn spending_limit() -> SpendingLimit {
    SpendingLimit {
        token: contract(vectors::SPENDING_TOKEN),
        total: vectors::SPENDING_TOTAL,
        per_period: vectors::SPENDING_PER_PERIOD,
        period: vectors::SPENDING_PERIOD,
    }
}

/// The session of the vectors.
pub fn session() -> Session {
    Session {
        session_key: vectors::SESSION_KEY,
        valid_after: vectors::VALID_AFTER,
        valid_until: vectors::VALID_UNTIL,
        max_fee: vectors::MAX_FEE,
        fee_budget: vectors::FEE_BUDGET,
        max_transactions: vectors::MAX_TRANSACTIONS,
        policies_root: vectors::ROOT,
        spending_limits: array![spending_limit()].span(),
    }
}

/// The session token of `vectors::signature()`, to alter field by field.
pub fn session_token() -> SessionToken {
    SessionToken {
        version: SESSION_TOKEN_VERSION,
        session: session(),
        owner_signature: vectors::owner_authorization().span(),
        session_signature: vectors::session_signature().span(),
        proofs: vectors::proofs().span(),
    }
}

/// The transaction signature carrying `token`: the magic, then `token` serialized.
pub fn encode(token: SessionToken) -> Array<felt252> {
    let mut signature = array![SESSION_MAGIC];
    token.serialize(ref signature);
    signature
}

/// The account of the vectors (at `vectors::ACCOUNT`, owned by `vectors::OWNER_KEY`, on
/// `vectors::CHAIN_ID`) as contract state, a day into the session window, about to validate or
/// execute the version 3 transaction `vectors::TX_HASH` signed with `signature`. The caller is the
/// protocol (0).
pub fn session_account(signature: Array<felt252>) -> SessionKeyAccount::ContractState {
    let address = contract(vectors::ACCOUNT);
    set_contract_address(address);
    let mut state = SessionKeyAccount::contract_state_for_testing();
    set_caller_address(address);
    state.set_owner(vectors::OWNER_KEY);
    set_caller_address(contract(0));
    set_chain_id(vectors::CHAIN_ID);
    set_block_timestamp(vectors::VALID_AFTER + DAY);
    starknet::testing::set_version(3);
    starknet::testing::set_transaction_hash(vectors::TX_HASH);
    starknet::testing::set_signature(signature.span());
    state
}

/// Revokes `session_hash` as the account itself (at `vectors::ACCOUNT`), then gives the call back
/// to the protocol.
pub fn revoke(ref state: SessionKeyAccount::ContractState, session_hash: felt252) {
    set_caller_address(contract(vectors::ACCOUNT));
    state.revoke_session(session_hash);
    set_caller_address(contract(0));
}
