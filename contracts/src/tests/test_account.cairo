use starknet::account::Call;
use starknet::testing::{pop_log, set_block_number, set_contract_address, set_transaction_hash};
use starknet::VALIDATED;
use crate::account::SessionKeyAccount;
use crate::account::SessionKeyAccount::{OwnerChanged, Upgraded};
use crate::owner::owner_rotation_hash;
use crate::session::revocation::RevocationComponent::{
    Event as RevocationEvent, SessionsRevoked, next_epoch,
};
use crate::interfaces::{
    IDeclarerDispatcher, IDeclarerDispatcherTrait, IDeployableDispatcher,
    IDeployableDispatcherTrait, IOwnerDispatcherTrait, ISRC5Dispatcher, ISRC5DispatcherTrait,
    ISRC5_ID, ISRC6DispatcherTrait, ISRC6_ID, ISessionDispatcher, ISessionDispatcherTrait,
    ISessionUsageDispatcher, ISessionUsageDispatcherTrait, IUpgradeableDispatcher,
    IUpgradeableDispatcherTrait,
};
use crate::session::limits::{SessionUsage, SpendingUsage};
use super::mocks::{IMockTargetDispatcher, IMockTargetDispatcherTrait, MockTarget};
use super::support::{
    OTHER, OTHER_HASH, OWNER, OWNER_PRIVATE_KEY, TX_HASH, account, contract, deploy_account,
    deploy_target, other_signature, owner_signature, owner_signature_of_other_hash, rotation_proof,
    set_tx, sign,
};

const QUERY_V3: felt252 = 0x100000000000000000000000000000003;
const QUERY_V1: felt252 = 0x100000000000000000000000000000001;

fn no_calls() -> Array<Call> {
    array![]
}

//
// constructor
//

#[test]
fn test_constructor_sets_owner_and_emits_owner_changed() {
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    assert_eq!(owner.get_owner(), OWNER);
    let event = pop_log::<SessionKeyAccount::Event>(address).unwrap();
    assert_eq!(event, SessionKeyAccount::Event::OwnerChanged(OwnerChanged { old_owner: 0, new_owner: OWNER }));
}

#[test]
#[should_panic(expected: ('account/zero-owner', 'CONSTRUCTOR_FAILED'))]
fn test_constructor_rejects_zero_owner() {
    deploy_account(0);
}

//
// is_valid_signature
//

#[test]
fn test_is_valid_signature_owner_signature() {
    let (account, _) = account(deploy_account(OWNER));
    assert_eq!(account.is_valid_signature(TX_HASH, owner_signature()), VALIDATED);
}

#[test]
fn test_is_valid_signature_other_key() {
    let (account, _) = account(deploy_account(OWNER));
    assert_eq!(account.is_valid_signature(TX_HASH, other_signature()), 0);
}

#[test]
fn test_is_valid_signature_other_hash() {
    let (account, _) = account(deploy_account(OWNER));
    // The signature is the owner's, over another hash: valid there, not here.
    assert_eq!(account.is_valid_signature(OTHER_HASH, owner_signature_of_other_hash()), VALIDATED);
    assert_eq!(account.is_valid_signature(TX_HASH, owner_signature_of_other_hash()), 0);
}

#[test]
fn test_is_valid_signature_wrong_lengths() {
    let (account, _) = account(deploy_account(OWNER));
    let signature = owner_signature();
    let (r, s) = (*signature[0], *signature[1]);
    assert_eq!(account.is_valid_signature(TX_HASH, array![]), 0);
    assert_eq!(account.is_valid_signature(TX_HASH, array![r]), 0);
    assert_eq!(account.is_valid_signature(TX_HASH, array![r, s, 0]), 0);
}

//
// __validate__
//

#[test]
fn test___validate___owner_signature() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(3, owner_signature());
    assert_eq!(account.__validate__(no_calls()), VALIDATED);
}

#[test]
fn test___validate___query_v3() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(QUERY_V3, owner_signature());
    assert_eq!(account.__validate__(no_calls()), VALIDATED);
}

#[test]
#[should_panic(expected: ('account/invalid-signature', 'ENTRYPOINT_FAILED'))]
fn test___validate___other_key() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(3, other_signature());
    account.__validate__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-signature', 'ENTRYPOINT_FAILED'))]
fn test___validate___signature_of_other_hash() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(3, owner_signature_of_other_hash());
    account.__validate__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-sig-length', 'ENTRYPOINT_FAILED'))]
fn test___validate___short_signature() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(3, array![0x1]);
    account.__validate__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-sig-length', 'ENTRYPOINT_FAILED'))]
fn test___validate___long_signature() {
    let (account, _) = account(deploy_account(OWNER));
    let mut signature = owner_signature();
    signature.append(0);
    set_tx(3, signature);
    account.__validate__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-tx-version', 'ENTRYPOINT_FAILED'))]
fn test___validate___rejects_v1() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(1, owner_signature());
    account.__validate__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-tx-version', 'ENTRYPOINT_FAILED'))]
fn test___validate___rejects_query_v1() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(QUERY_V1, owner_signature());
    account.__validate__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-caller', 'ENTRYPOINT_FAILED'))]
fn test___validate___rejects_non_protocol_caller() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(3, owner_signature());
    set_contract_address(contract(0x123));
    account.__validate__(no_calls());
}

//
// __validate_declare__ / __validate_deploy__
//

#[test]
fn test___validate_declare___owner_signature() {
    let address = deploy_account(OWNER);
    set_tx(3, owner_signature());
    let declarer = IDeclarerDispatcher { contract_address: address };
    assert_eq!(declarer.__validate_declare__(0x42), VALIDATED);
}

#[test]
#[should_panic(expected: ('account/invalid-signature', 'ENTRYPOINT_FAILED'))]
fn test___validate_declare___other_key() {
    let address = deploy_account(OWNER);
    set_tx(3, other_signature());
    IDeclarerDispatcher { contract_address: address }.__validate_declare__(0x42);
}

#[test]
fn test___validate_deploy___owner_signature() {
    let address = deploy_account(OWNER);
    set_tx(3, owner_signature());
    let deployable = IDeployableDispatcher { contract_address: address };
    assert_eq!(deployable.__validate_deploy__(0x42, 0, OWNER), VALIDATED);
}

#[test]
#[should_panic(expected: ('account/invalid-signature', 'ENTRYPOINT_FAILED'))]
fn test___validate_deploy___other_key() {
    let address = deploy_account(OWNER);
    set_tx(3, other_signature());
    IDeployableDispatcher { contract_address: address }.__validate_deploy__(0x42, 0, OWNER);
}

//
// __execute__
//

#[test]
fn test___execute___runs_calls_in_order() {
    let (account, _) = account(deploy_account(OWNER));
    let target = deploy_target();
    set_tx(3, owner_signature());
    let calls = array![
        Call { to: target.contract_address, selector: selector!("set_value"), calldata: array![7].span() },
        Call { to: target.contract_address, selector: selector!("get_value"), calldata: array![].span() },
    ];
    let results = account.__execute__(calls);
    assert_eq!(target.get_value(), 7);
    assert_eq!(results.len(), 2);
    assert_eq!(*results.at(1), array![7].span());
}

#[test]
#[should_panic(expected: ('mock/failed', 'ENTRYPOINT_FAILED', 'ENTRYPOINT_FAILED'))]
fn test___execute___failing_call_reverts() {
    let (account, _) = account(deploy_account(OWNER));
    let target = deploy_target();
    set_tx(3, owner_signature());
    let calls = array![
        Call { to: target.contract_address, selector: selector!("fail"), calldata: array![].span() },
    ];
    account.__execute__(calls);
}

#[test]
#[should_panic(expected: ('account/invalid-caller', 'ENTRYPOINT_FAILED'))]
fn test___execute___rejects_non_protocol_caller() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(3, owner_signature());
    set_contract_address(contract(0x123));
    account.__execute__(no_calls());
}

#[test]
#[should_panic(expected: ('account/invalid-tx-version', 'ENTRYPOINT_FAILED'))]
fn test___execute___rejects_v1() {
    let (account, _) = account(deploy_account(OWNER));
    set_tx(1, owner_signature());
    account.__execute__(no_calls());
}

//
// owner rotation
//

#[test]
fn test_set_owner_by_self() {
    let address = deploy_account(OWNER);
    let (account, owner) = account(address);
    pop_log::<SessionKeyAccount::Event>(address).unwrap();
    set_contract_address(address);
    owner.set_owner(OTHER, rotation_proof(address, OWNER, OTHER).span());
    assert_eq!(owner.get_owner(), OTHER);
    let event = pop_log::<SessionKeyAccount::Event>(address).unwrap();
    assert_eq!(event, SessionKeyAccount::Event::OwnerChanged(OwnerChanged { old_owner: OWNER, new_owner: OTHER }));
    assert_eq!(account.is_valid_signature(TX_HASH, other_signature()), VALIDATED);
    assert_eq!(account.is_valid_signature(TX_HASH, owner_signature()), 0);
}

/// The event of the owner epoch moving on to `epoch`.
fn sessions_revoked(epoch: felt252) -> SessionKeyAccount::Event {
    SessionKeyAccount::Event::RevocationEvent(
        RevocationEvent::SessionsRevoked(SessionsRevoked { epoch }),
    )
}

#[test]
fn test_set_owner_bumps_the_epoch() {
    // A rotation ends every session the old key signed: the epoch moves on to the hash of the
    // rotating transaction, after the owner changed, and the constructor's setting of the first
    // owner does not move it.
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    let sessions = ISessionDispatcher { contract_address: address };
    assert_eq!(sessions.get_session_epoch(), 0);
    pop_log::<SessionKeyAccount::Event>(address).unwrap(); // OwnerChanged
    assert!(pop_log::<SessionKeyAccount::Event>(address).is_none());
    set_contract_address(address);
    set_transaction_hash(TX_HASH);
    set_block_number(41);
    owner.set_owner(OTHER, rotation_proof(address, OWNER, OTHER).span());
    let first = next_epoch(0, TX_HASH, 41);
    assert_eq!(sessions.get_session_epoch(), first);
    pop_log::<SessionKeyAccount::Event>(address).unwrap(); // OwnerChanged
    assert_eq!(pop_log::<SessionKeyAccount::Event>(address).unwrap(), sessions_revoked(first));
    // Rotating back to the first key, in another transaction, moves it on again: the epoch never
    // goes back.
    set_transaction_hash(OTHER_HASH);
    set_block_number(42);
    owner.set_owner(OWNER, rotation_proof(address, OTHER, OWNER).span());
    let second = next_epoch(first, OTHER_HASH, 42);
    assert_eq!(sessions.get_session_epoch(), second);
    assert_ne!(second, 0);
    let event = pop_log::<SessionKeyAccount::Event>(address).unwrap();
    let rotated_back = OwnerChanged { old_owner: OTHER, new_owner: OWNER };
    assert_eq!(event, SessionKeyAccount::Event::OwnerChanged(rotated_back));
    assert_eq!(pop_log::<SessionKeyAccount::Event>(address).unwrap(), sessions_revoked(second));
    assert!(pop_log::<SessionKeyAccount::Event>(address).is_none());
}

#[test]
fn test_revoke_all_sessions_through_the_account() {
    let address = deploy_account(OWNER);
    let sessions = ISessionDispatcher { contract_address: address };
    pop_log::<SessionKeyAccount::Event>(address).unwrap();
    set_contract_address(address);
    set_transaction_hash(TX_HASH);
    sessions.revoke_all_sessions();
    let epoch = next_epoch(0, TX_HASH, 0);
    assert_eq!(sessions.get_session_epoch(), epoch);
    assert_eq!(pop_log::<SessionKeyAccount::Event>(address).unwrap(), sessions_revoked(epoch));
    // The owner key is unchanged.
    let (_, owner) = account(address);
    assert_eq!(owner.get_owner(), OWNER);
}

#[test]
#[should_panic(expected: ('account/only-self', 'ENTRYPOINT_FAILED'))]
fn test_revoke_all_sessions_through_the_account_by_other_caller() {
    let sessions = ISessionDispatcher { contract_address: deploy_account(OWNER) };
    set_contract_address(contract(0x123));
    sessions.revoke_all_sessions();
}

#[test]
#[should_panic(expected: ('account/only-self', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_by_other_caller() {
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(contract(0x123));
    owner.set_owner(OTHER, rotation_proof(address, OWNER, OTHER).span());
}

#[test]
#[should_panic(expected: ('account/zero-owner', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_zero() {
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(address);
    owner.set_owner(0, array![].span());
}

#[test]
#[should_panic(expected: ('account/same-owner', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_to_the_same_key() {
    // Refused rather than a rotation that only ends every session.
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(address);
    owner.set_owner(OWNER, sign(OWNER_PRIVATE_KEY, owner_rotation_hash(address, 0, OWNER, OWNER)).span());
}

#[test]
#[should_panic(expected: ('account/invalid-owner-proof', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_without_proof() {
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(address);
    owner.set_owner(OTHER, array![].span());
}

#[test]
#[should_panic(expected: ('account/invalid-owner-proof', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_to_a_key_nobody_signed_for() {
    // A typo in the key: the proof comes from the intended key, not from the one given.
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(address);
    owner.set_owner(OTHER + 1, rotation_proof(address, OWNER, OTHER).span());
}

#[test]
#[should_panic(expected: ('account/invalid-owner-proof', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_proof_signed_by_the_old_key() {
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(address);
    let hash = owner_rotation_hash(address, starknet::get_tx_info().unbox().chain_id, OWNER, OTHER);
    owner.set_owner(OTHER, sign(OWNER_PRIVATE_KEY, hash).span());
}

#[test]
#[should_panic(expected: ('account/invalid-owner-proof', 'ENTRYPOINT_FAILED'))]
fn test_set_owner_proof_for_another_account() {
    let address = deploy_account(OWNER);
    let (_, owner) = account(address);
    set_contract_address(address);
    owner.set_owner(OTHER, rotation_proof(contract(0xacc0), OWNER, OTHER).span());
}

//
// upgrade
//

#[test]
fn test_upgrade_by_self() {
    let address = deploy_account(OWNER);
    pop_log::<SessionKeyAccount::Event>(address).unwrap();
    set_contract_address(address);
    let class_hash = MockTarget::TEST_CLASS_HASH;
    IUpgradeableDispatcher { contract_address: address }.upgrade(class_hash);
    let event = pop_log::<SessionKeyAccount::Event>(address).unwrap();
    assert_eq!(event, SessionKeyAccount::Event::Upgraded(Upgraded { class_hash }));
    // The contract at the address now runs the new class.
    let target = IMockTargetDispatcher { contract_address: address };
    target.set_value(7);
    assert_eq!(target.get_value(), 7);
}

#[test]
#[should_panic(expected: ('account/only-self', 'ENTRYPOINT_FAILED'))]
fn test_upgrade_by_other_caller() {
    let address = deploy_account(OWNER);
    set_contract_address(contract(0x123));
    IUpgradeableDispatcher { contract_address: address }.upgrade(MockTarget::TEST_CLASS_HASH);
}

#[test]
#[should_panic(expected: ('account/zero-class-hash', 'ENTRYPOINT_FAILED'))]
fn test_upgrade_to_zero() {
    let address = deploy_account(OWNER);
    set_contract_address(address);
    IUpgradeableDispatcher { contract_address: address }.upgrade(0.try_into().unwrap());
}

//
// SRC5
//

#[test]
fn test_supports_interface() {
    let src5 = ISRC5Dispatcher { contract_address: deploy_account(OWNER) };
    assert!(src5.supports_interface(ISRC6_ID));
    assert!(src5.supports_interface(ISRC5_ID));
    assert!(!src5.supports_interface(0xdead));
}

//
// ISessionUsage
//

#[test]
fn test_get_session_usage_of_an_unused_session() {
    let usage = ISessionUsageDispatcher { contract_address: deploy_account(OWNER) };
    let unused = SessionUsage { transactions: 0, fee_spent: 0, authorized: false };
    assert_eq!(usage.get_session_usage(0x5e55), unused);
}

#[test]
fn test_get_session_spending_of_an_unused_session() {
    let usage = ISessionUsageDispatcher { contract_address: deploy_account(OWNER) };
    assert_eq!(
        usage.get_session_spending(0x5e55, contract(0x7a46e7)),
        SpendingUsage { total: 0, period: 0, period_spent: 0 },
    );
}
