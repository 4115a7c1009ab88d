//! Owner rotation (docs/protocol.md §4, "Rotation"): the new owner key proves that someone holds
//! it before the account accepts it, by signing `owner_rotation_hash`, so that a typo in a key
//! cannot lock the account. Mirrors the Rust SDK's `owner` module.
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;

/// The first felt of what the new owner key signs: the short string `'sk-owner-rotation'`.
pub const OWNER_ROTATION_TAG: felt252 = 'sk-owner-rotation';

/// What the new owner key `new_owner` signs to take over `account` from `old_owner` on the chain
/// `chain_id`: `poseidon_hash_many([OWNER_ROTATION_TAG, chain_id, account, old_owner,
/// new_owner])`. Bound to the old key, the proof of one rotation is worth nothing once the owner
/// has changed.
pub fn owner_rotation_hash(
    account: ContractAddress, chain_id: felt252, old_owner: felt252, new_owner: felt252,
) -> felt252 {
    poseidon_hash_span(
        array![OWNER_ROTATION_TAG, chain_id, account.into(), old_owner, new_owner].span(),
    )
}
