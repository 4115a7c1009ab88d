//! Keys, signatures and deployment helpers for the account tests.
//!
//! The signatures are RFC 6979 Stark ECDSA signatures computed off-chain (starknet.js
//! `ec.starkCurve.sign`), so the tests check the contract against what real clients produce.
use starknet::syscalls::deploy_syscall;
use starknet::{ContractAddress, SyscallResultTrait};
use crate::account::SessionKeyAccount;
use crate::interfaces::{IOwnerDispatcher, ISRC6Dispatcher};
use super::mocks::{IMockTargetDispatcher, MockTarget};

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
