//! Fixtures shared by the end-to-end tests.
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{local_account, Devnet, LocalAccount};
use starknet::core::types::Felt;
use starknet::signers::SigningKey;

/// A devnet with our account class declared.
pub async fn devnet() -> Devnet {
    let devnet = Devnet::start().await.expect("devnet starts");
    let class = SESSION_KEY_ACCOUNT.sierra_class().expect("the compiled class parses");
    devnet
        .declare(class, SESSION_KEY_ACCOUNT.compiled_class_hash)
        .await
        .expect("the account class declares");
    devnet
}

/// A fixed owner key, so failures reproduce.
pub fn owner_key() -> SigningKey {
    SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0x5e55104"))
}

/// Deploys one of our accounts owned by `owner` and returns it as a starknet-rs account.
pub async fn deploy_account(devnet: &Devnet, owner: SigningKey) -> LocalAccount {
    let (address, _) = devnet
        .deploy_account(SESSION_KEY_ACCOUNT.class_hash, owner.clone(), Felt::ONE)
        .await
        .expect("the account deploys");
    account_with_key(devnet, address, owner)
}

/// Our account at `address`, signing with `key` (which may not be its owner's).
pub fn account_with_key(devnet: &Devnet, address: Felt, key: SigningKey) -> LocalAccount {
    local_account(devnet.provider(), address, key, devnet.chain_id())
}
