//! Every error the contracts raise, once, as short prefixed strings. Clients map them to sentences.

pub const INVALID_CALLER: felt252 = 'account/invalid-caller';
pub const ONLY_SELF: felt252 = 'account/only-self';
pub const INVALID_SIGNATURE: felt252 = 'account/invalid-signature';
pub const INVALID_SIGNATURE_LENGTH: felt252 = 'account/invalid-sig-length';
pub const INVALID_TX_VERSION: felt252 = 'account/invalid-tx-version';
pub const ZERO_OWNER: felt252 = 'account/zero-owner';
