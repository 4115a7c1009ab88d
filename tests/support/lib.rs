//! Fixtures shared by the test suites.
pub mod arbitrary;
pub mod node;

use std::path::PathBuf;

use sk_contracts::{SESSION_KEY_ACCOUNT, TIP_JAR};
use sk_devnet::{local_account, Devnet, LocalAccount};
use starknet::accounts::{Account, ExecutionV3};
use starknet::core::types::Felt;
use starknet::signers::SigningKey;

/// A devnet with our account class declared.
pub async fn devnet() -> Devnet {
    let devnet = Devnet::start().await.expect("devnet starts");
    let class = SESSION_KEY_ACCOUNT.sierra_class().expect("the compiled class parses");
    devnet.declare(class, SESSION_KEY_ACCOUNT.compiled_class_hash).await.expect("the account class declares");
    devnet
}

/// Where [`deploy_tip_jar`] deploys the example tip jar passing tips to `recipient` (it deploys
/// through the Universal Deployer, not unique, with salt 0), known before it is deployed so that
/// a session can allow it first.
pub fn tip_jar_address(recipient: Felt) -> Felt {
    starknet::core::utils::get_udc_deployed_address(
        Felt::ZERO,
        TIP_JAR.class_hash,
        &starknet::core::utils::UdcUniqueness::NotUnique,
        &[recipient],
    )
}

/// Declares the example tip jar (`contracts/src/examples/tip_jar.cairo`, a contract that takes
/// tips with `transfer_from`) and deploys one passing tips to `recipient`, at
/// [`tip_jar_address`].
pub async fn deploy_tip_jar(devnet: &Devnet, recipient: Felt) -> Felt {
    let class = TIP_JAR.sierra_class().expect("the compiled class parses");
    devnet.declare(class, TIP_JAR.compiled_class_hash).await.expect("the tip jar class declares");
    let address =
        devnet.deploy_contract(TIP_JAR.class_hash, vec![recipient], Felt::ZERO).await.expect("the tip jar deploys");
    assert_eq!(address, tip_jar_address(recipient), "the tip jar's address");
    address
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

/// `execution` with explicit resource bounds, so starknet-rs skips its fee estimate and the node
/// itself validates (and rejects, or reverts) the transaction. Prices are twice devnet's (1 gwei
/// FRI each) and the amounts well above any test transaction's use; the maximum fee,
/// [`WITH_BOUNDS_MAX_FEE`] (about 0.02 STRK), stays below the test sessions' cap.
pub fn with_bounds<A: Account>(execution: ExecutionV3<'_, A>) -> ExecutionV3<'_, A> {
    execution
        .l1_gas(0)
        .l1_gas_price(BOUNDS_PRICE)
        .l1_data_gas(BOUNDS_L1_DATA_GAS)
        .l1_data_gas_price(BOUNDS_PRICE)
        .l2_gas(BOUNDS_L2_GAS)
        .l2_gas_price(BOUNDS_PRICE)
        .tip(0)
}

/// The price per unit of every resource in [`with_bounds`], in FRI.
pub const BOUNDS_PRICE: u128 = 2_000_000_000;
/// The L1 data gas bound of [`with_bounds`].
pub const BOUNDS_L1_DATA_GAS: u64 = 10_000;
/// The L2 gas bound of [`with_bounds`].
pub const BOUNDS_L2_GAS: u64 = 10_000_000;
/// The maximum fee of a transaction sent [`with_bounds`].
pub const WITH_BOUNDS_MAX_FEE: u128 = (BOUNDS_L1_DATA_GAS as u128 + BOUNDS_L2_GAS as u128) * BOUNDS_PRICE;

/// The repository's root, found when the test runs. A path compiled in with
/// `env!("CARGO_MANIFEST_DIR")` would be wrong when another checkout sharing the target folder
/// (CI's clone, say) built the test binary last; cargo sets the variable for the test process too.
pub fn repo_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.join("..")
}
