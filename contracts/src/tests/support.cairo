//! Keys, signatures and deployment helpers for the account tests.
//!
//! The signatures are RFC 6979 Stark ECDSA signatures computed off-chain (starknet.js
//! `ec.starkCurve.sign`), so the tests check the contract against what real clients produce. A
//! test that needs a session the vectors do not have signs it with `sign`, Stark ECDSA in Cairo.
use core::ec::{EcPointTrait, NonZeroEcPoint, stark_curve};
use core::math::{u256_inv_mod, u256_mul_mod_n};
use core::poseidon::poseidon_hash_span;
use starknet::syscalls::deploy_syscall;
use starknet::testing::{
    set_block_timestamp, set_caller_address, set_chain_id, set_contract_address,
};
use starknet::{ContractAddress, SyscallResultTrait};
use crate::account::SessionKeyAccount;
use crate::owner::owner_rotation_hash;
use crate::interfaces::{IOwner, IOwnerDispatcher, ISRC6Dispatcher, ISession, ISessionRegistry};
use crate::session::argument_rules::{EQ, LE};
use crate::session::session_hash::{
    ArgumentRule, MessagePolicy, Session, SpendingLimit, session_hash,
};
use crate::session::session_token::{
    CallProof, OWNER_SIGNATURE_OFFSET, SESSION_MAGIC, SESSION_TOKEN_VERSION, SessionToken,
    session_message_hash,
};
use crate::examples::tip_jar::{ITipJarDispatcher, TipJar};
use super::mocks::{IMockTargetDispatcher, IMockTokenDispatcher, MockTarget, MockToken};
use super::vectors;

/// Public key of private key 1.
pub const OWNER: felt252 = 0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca;
/// Public key of private key 2.
pub const OTHER: felt252 = 0x759ca09377679ecd535a81e83039658bf40959283187c654c5416f439403cf5;

pub const TX_HASH: felt252 = 0x1234;
pub const OTHER_HASH: felt252 = 0x5678;

/// The private key of `OWNER` and of `vectors::OWNER_KEY`.
pub const OWNER_PRIVATE_KEY: felt252 = 1;
/// The private key of `OTHER`.
pub const OTHER_PRIVATE_KEY: felt252 = 2;
/// The private key of `vectors::SESSION_KEY`.
pub const SESSION_PRIVATE_KEY: felt252 = 0x5e55;

/// A Stark ECDSA signature `(r, s)` of `hash` by `private_key`: `r` the x of `kG`, `s = (hash +
/// r * private_key) / k` modulo the curve's order, which `check_ecdsa_signature` accepts (it
/// checks `hash * G + r * Q = s * R`). The nonce `k` is the Poseidon hash of the key and `hash`,
/// not RFC 6979's: any nonce gives a valid signature, and this one is deterministic.
pub fn sign(private_key: felt252, hash: felt252) -> Array<felt252> {
    let order: u256 = stark_curve::ORDER.into();
    let order_nz: NonZero<u256> = order.try_into().unwrap();
    let nonce: u256 = poseidon_hash_span(array![private_key, hash].span()).into() % order;
    let generator = EcPointTrait::new(stark_curve::GEN_X, stark_curve::GEN_Y).unwrap();
    let point: NonZeroEcPoint = generator.mul(nonce.try_into().unwrap()).try_into().unwrap();
    let r = point.x();
    let nonce_inverse: u256 = u256_inv_mod(nonce.try_into().unwrap(), order_nz).unwrap().into();
    let hash_int: u256 = hash.into();
    let r_key = u256_mul_mod_n(r.into(), private_key.into(), order_nz);
    let s = u256_mul_mod_n((hash_int % order + r_key) % order, nonce_inverse, order_nz);
    array![r, s.try_into().unwrap()]
}

/// The private key of `public_key`, one of the tests' keys (`OWNER`, `OTHER`).
pub fn private_key_of(public_key: felt252) -> felt252 {
    if public_key == OWNER {
        OWNER_PRIVATE_KEY
    } else if public_key == OTHER {
        OTHER_PRIVATE_KEY
    } else {
        core::panic_with_felt252('test: unknown key')
    }
}

/// The proof that the holder of `new_owner` (one of the tests' keys) takes over `account` from
/// `old_owner`, on the chain the test runs on.
pub fn rotation_proof(account: ContractAddress, old_owner: felt252, new_owner: felt252) -> Array<felt252> {
    let chain_id = starknet::get_tx_info().unbox().chain_id;
    sign(private_key_of(new_owner), owner_rotation_hash(account, chain_id, old_owner, new_owner))
}

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

/// A plain ERC-20 (`MockToken`) of which the account at `vectors::ACCOUNT` holds every token
/// (2^256 - 1).
pub fn deploy_token() -> IMockTokenDispatcher {
    let max = 0xffffffffffffffffffffffffffffffff;
    let (address, _) = deploy_syscall(
        MockToken::TEST_CLASS_HASH, 2, array![vectors::ACCOUNT, max, max].span(), false,
    )
        .unwrap_syscall();
    IMockTokenDispatcher { contract_address: address }
}

/// The example tip jar, passing tips to `0x71b`.
pub fn deploy_tip_jar() -> ITipJarDispatcher {
    let (address, _) = deploy_syscall(TipJar::TEST_CLASS_HASH, 3, array![0x71b].span(), false)
        .unwrap_syscall();
    ITipJarDispatcher { contract_address: address }
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
        epoch: vectors::EPOCH,
        policies_root: vectors::ROOT,
        spending_limits: array![spending_limit()].span(),
        messages_hash: vectors::MESSAGES_HASH,
    }
}

/// The message policy of the vectors' session: `Move`s of the domain `Chess`, version 1.
pub fn message_policy() -> MessagePolicy {
    MessagePolicy {
        domain_name: vectors::MESSAGE_DOMAIN_NAME,
        domain_version: vectors::MESSAGE_DOMAIN_VERSION,
        type_string: vectors::message_type_string().span(),
        rules: array![].span(),
    }
}

/// `text` as a message policy's `type_string`: its `ByteArray` serialization.
pub fn type_string(text: ByteArray) -> Span<felt252> {
    let mut serialized = array![];
    text.serialize(ref serialized);
    serialized.span()
}

/// The argument rules of the vectors' policy `(contract, selector)` (`vectors::policy_rules()`),
/// none for a pair that is no policy.
pub fn policy_rules(contract: felt252, selector: felt252) -> Span<ArgumentRule> {
    for ((policy_contract, policy_selector), rules) in vectors::policies()
        .into_iter()
        .zip(vectors::policy_rules()) {
        if policy_contract == contract && policy_selector == selector {
            return rules;
        }
    }
    array![].span()
}

/// The call proofs of `vectors::signature()`: for each call of `vectors::calls()`, its policy's
/// rules beside its proof of `vectors::proofs()`.
pub fn call_proofs() -> Array<CallProof> {
    let mut call_proofs = array![];
    for (call, proof) in vectors::calls().into_iter().zip(vectors::proofs()) {
        let rules = policy_rules(call.to.into(), call.selector);
        call_proofs.append(CallProof { rules, proof });
    }
    call_proofs
}

/// The rules of the vectors' `transfer` policy on `vectors::TARGET` (docs/protocol.md §2,
/// "Argument rules", with a bound of 1000): the recipient, word 0, is `0xb0b`, and the amount,
/// the u256 at words 1 and 2, is at most 1000.
pub fn transfer_rules() -> Span<ArgumentRule> {
    let recipient = ArgumentRule {
        word: 0, operator: EQ, values: array![0xb0b].span(), u256_values: array![].span(),
    };
    let amount = ArgumentRule {
        word: 1, operator: LE, values: array![].span(), u256_values: array![1000].span(),
    };
    array![recipient, amount].span()
}

/// The session token of `vectors::signature()`, to alter field by field.
pub fn session_token() -> SessionToken {
    SessionToken {
        version: SESSION_TOKEN_VERSION,
        session: session(),
        owner_signature: vectors::owner_authorization().span(),
        session_signature: vectors::session_signature().span(),
        proofs: call_proofs().span(),
    }
}

/// The transaction signature carrying `token`: the magic, then `token` serialized.
pub fn encode(token: SessionToken) -> Array<felt252> {
    let mut signature = array![SESSION_MAGIC];
    token.serialize(ref signature);
    signature
}

/// The account at `address` as contract state, constructed with the owner key `owner` as if
/// deployed (so at owner epoch 0: `set_owner` would move it on). The contract address is
/// `address` from then on, and the caller the protocol (0).
pub fn account_state(address: ContractAddress, owner: felt252) -> SessionKeyAccount::ContractState {
    set_contract_address(address);
    set_caller_address(contract(0));
    SessionKeyAccount::__constructor::constructor(array![owner].span());
    SessionKeyAccount::contract_state_for_testing()
}

/// The account of the vectors (at `vectors::ACCOUNT`, owned by `vectors::OWNER_KEY`, on
/// `vectors::CHAIN_ID`, at owner epoch 0, `vectors::EPOCH`) as contract state, a day into the
/// session window, about to validate or execute the version 3 transaction `vectors::TX_HASH`
/// signed with `signature`. The caller is the protocol (0).
pub fn session_account(signature: Array<felt252>) -> SessionKeyAccount::ContractState {
    let state = account_state(contract(vectors::ACCOUNT), vectors::OWNER_KEY);
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

/// Revokes every session signed so far as the account itself (at `vectors::ACCOUNT`): the owner
/// epoch moves on. Then gives the call back to the protocol.
pub fn revoke_all(ref state: SessionKeyAccount::ContractState) {
    set_caller_address(contract(vectors::ACCOUNT));
    state.revoke_all_sessions();
    set_caller_address(contract(0));
}

/// Replaces the owner key by `new_owner` as the account itself (at `vectors::ACCOUNT`), which
/// moves the owner epoch on too. Then gives the call back to the protocol.
pub fn rotate_owner(ref state: SessionKeyAccount::ContractState, new_owner: felt252) {
    set_caller_address(contract(vectors::ACCOUNT));
    let proof = rotation_proof(contract(vectors::ACCOUNT), state.get_owner(), new_owner);
    state.set_owner(new_owner, proof.span());
    set_caller_address(contract(0));
}

/// Registers `session` as the account itself (at `vectors::ACCOUNT`), then gives the call back to
/// the protocol.
pub fn register(ref state: SessionKeyAccount::ContractState, session: Session) {
    set_caller_address(contract(vectors::ACCOUNT));
    state.register_session(session);
    set_caller_address(contract(0));
}

/// `session` as the owner of private key `owner_private_key` authorizes it for the vectors'
/// account and chain, and the session key signs `vectors::TX_HASH` under it, with the proofs of
/// the vectors' calls (`call_proofs()`; `session` keeps the vectors' policy root for them to
/// hold): the token, with its owner signature (or none, the short form, when `short`), and the
/// session hash.
pub fn signed_token(
    session: Session, owner_private_key: felt252, short: bool,
) -> (SessionToken, felt252) {
    let hash = session_hash(@session, contract(vectors::ACCOUNT), vectors::CHAIN_ID);
    let owner_signature = if short {
        array![]
    } else {
        sign(owner_private_key, hash)
    };
    let message_hash = session_message_hash(vectors::TX_HASH, hash);
    let token = SessionToken {
        version: SESSION_TOKEN_VERSION,
        session,
        owner_signature: owner_signature.span(),
        session_signature: sign(SESSION_PRIVATE_KEY, message_hash).span(),
        proofs: call_proofs().span(),
    };
    (token, hash)
}

/// The vectors' token in the short form: no owner signature, for a session whose authorization
/// the account recorded.
pub fn short_token() -> SessionToken {
    SessionToken { owner_signature: array![].span(), ..session_token() }
}
