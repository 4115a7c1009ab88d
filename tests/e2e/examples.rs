//! The SDK's examples, which are the README's Rust code (crates/session/tests/readme.rs keeps
//! them equal), run on a devnet as a newcomer runs them against `sk devnet`: they fail here if
//! what the README shows stops working. The Argent example runs in argent.rs, beside the Argent
//! account it needs.
use sk_devnet::strk_balance;
use starknet::accounts::Account;
use starknet::core::types::Felt;

/// `main` and its reading of the environment are the newcomer's; the tests call `run`.
#[allow(dead_code)]
#[path = "../../crates/session/examples/quickstart.rs"]
mod quickstart;

const FRI_PER_STRK: u128 = 1_000_000_000_000_000_000;
const QUICKSTART_RECIPIENT: Felt = Felt::from_hex_unchecked("0x7e57");

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_s_quickstart_runs_on_a_devnet() {
    let devnet = sk_tests::devnet().await;
    let owner = sk_tests::owner_key();
    let account = sk_tests::deploy_account(&devnet, owner.clone()).await.address();
    let provider = devnet.provider();
    let before = strk_balance(&provider, QUICKSTART_RECIPIENT).await.unwrap();
    quickstart::run(devnet.url().clone(), account, owner)
        .await
        .unwrap_or_else(|e| panic!("the quickstart failed: {e}"));
    // It sent 0.01 STRK, and nothing of what it was refused.
    assert_eq!(strk_balance(&provider, QUICKSTART_RECIPIENT).await.unwrap() - before, FRI_PER_STRK / 100);
}
