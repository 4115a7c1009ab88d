//! What only the owner does to the account: rotate its key, with the new key's proof that
//! someone holds it (docs/protocol.md §4, "Rotation"), and upgrade its class ("Upgrade"). Each is
//! a call the owner's own transaction makes to the account. Mirrors
//! `contracts/src/owner.cairo` (the rotation hash).

use starknet::core::types::{Call, Felt};
use starknet::macros::selector;
use starknet::signers::SigningKey;
use starknet_crypto::poseidon_hash_many;

use crate::error::Error;

/// `'sk-owner-rotation'`, the first felt of what a new owner key signs.
pub const OWNER_ROTATION_TAG: Felt = Felt::from_hex_unchecked("0x736b2d6f776e65722d726f746174696f6e");
/// `set_owner(new_owner, signature)`.
pub const SET_OWNER_SELECTOR: Felt = selector!("set_owner");
/// `upgrade(new_class_hash)`.
pub const UPGRADE_SELECTOR: Felt = selector!("upgrade");

/// What the new owner key `new_owner` signs to take over `account` from `old_owner` on
/// `chain_id`: `poseidon([OWNER_ROTATION_TAG, chain_id, account, old_owner, new_owner])`.
pub fn owner_rotation_hash(account: Felt, chain_id: Felt, old_owner: Felt, new_owner: Felt) -> Felt {
    poseidon_hash_many(&[OWNER_ROTATION_TAG, chain_id, account, old_owner, new_owner])
}

/// The call by which `account` (on `chain_id`, owned now by `old_owner`) hands itself to
/// `new_key`, carrying `new_key`'s proof; the current owner sends it. Refuses the current key
/// ([`Error::SameOwner`]) before anything is signed.
pub fn set_owner_call(account: Felt, chain_id: Felt, old_owner: Felt, new_key: &SigningKey) -> Result<Call, Error> {
    let new_owner = new_key.verifying_key().scalar();
    if new_owner == old_owner {
        return Err(Error::SameOwner(new_owner));
    }
    let proof = new_key.sign(&owner_rotation_hash(account, chain_id, old_owner, new_owner))?;
    Ok(Call { to: account, selector: SET_OWNER_SELECTOR, calldata: vec![new_owner, Felt::TWO, proof.r, proof.s] })
}

/// The call by which `account` replaces its class by `class_hash` (declared already); the owner
/// sends it.
pub fn upgrade_call(account: Felt, class_hash: Felt) -> Call {
    Call { to: account, selector: UPGRADE_SELECTOR, calldata: vec![class_hash] }
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::cairo_short_string_to_felt;

    use super::*;

    #[test]
    fn the_tag_is_its_short_string() {
        assert_eq!(cairo_short_string_to_felt("sk-owner-rotation").unwrap(), OWNER_ROTATION_TAG);
    }

    #[test]
    fn the_proof_is_the_new_keys_over_account_chain_old_and_new() {
        let (account, chain_id, old) = (Felt::from(0xacc0u32), Felt::from(0x534eu32), Felt::from(0x01du32));
        let new_key = SigningKey::from_secret_scalar(Felt::from(0x2eu8));
        let call = set_owner_call(account, chain_id, old, &new_key).unwrap();
        let new_owner = new_key.verifying_key().scalar();
        assert_eq!((call.to, call.selector), (account, SET_OWNER_SELECTOR));
        assert_eq!(call.calldata[..2], [new_owner, Felt::TWO]);
        let hash = owner_rotation_hash(account, chain_id, old, new_owner);
        assert!(starknet_crypto::verify(&new_owner, &hash, &call.calldata[2], &call.calldata[3]).unwrap());
        for other in [
            owner_rotation_hash(Felt::from(0xacc1u32), chain_id, old, new_owner),
            owner_rotation_hash(account, Felt::ONE, old, new_owner),
            owner_rotation_hash(account, chain_id, Felt::ONE, new_owner),
        ] {
            assert_ne!(other, hash);
        }
        let err = set_owner_call(account, chain_id, new_owner, &new_key).unwrap_err();
        assert!(matches!(err, Error::SameOwner(key) if key == new_owner), "{err:?}");
    }
}
