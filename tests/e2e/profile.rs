//! `Devnet::profile_invoke`: Cairo steps and builtins per transaction, for the predeployed account
//! (a class metered in Cairo steps) and ours (compiled by Cairo 2.17, metered in Sierra gas).
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{
    signed_invoke, strk_transfer, wait_for_receipt, Devnet, Error, ExecutionProfile, LocalAccount, StarknetConfig,
    DEVNET_SEED,
};
use sk_tests::{account_with_key, owner_key};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, BroadcastedInvokeTransactionV3, Felt};
use starknet::providers::Provider;
use starknet::signers::SigningKey;

const ONE_STRK: u128 = 10u128.pow(18);
const RECIPIENT: Felt = Felt::from_hex_unchecked("0x7e57");

/// A devnet with Argent's classes predeclared and our account class declared.
async fn devnet() -> Devnet {
    let config = StarknetConfig { seed: DEVNET_SEED, predeclare_argent: true, ..Default::default() };
    let devnet = Devnet::start_with(config).await.expect("devnet starts");
    let class = SESSION_KEY_ACCOUNT.sierra_class().expect("the compiled class parses");
    devnet.declare(class, SESSION_KEY_ACCOUNT.compiled_class_hash).await.expect("the account class declares");
    devnet
}

/// A signed STRK transfer from `account`, nonce and bounds fixed, as it would be sent.
async fn signed_transfer(account: &LocalAccount) -> BroadcastedInvokeTransactionV3 {
    signed_invoke(account, vec![strk_transfer(RECIPIENT, ONE_STRK)]).await.expect("the transaction signs")
}

/// Profiles `request`, checks the profile is plausible, then sends the very same request and
/// checks it succeeds (profiling committed nothing).
async fn profile_then_send(devnet: &Devnet, account: &LocalAccount, label: &str) -> ExecutionProfile {
    let request = signed_transfer(account).await;
    let provider = devnet.provider();
    let nonce_before = account.get_nonce().await.unwrap();

    let profile = devnet.profile_invoke(&request).await.expect("the transaction profiles");
    eprintln!("{label}: {profile:#?}");
    assert!(!profile.reverted(), "{:?}", profile.revert_error);
    assert!(profile.total.steps > 0, "{profile:?}");
    assert!(profile.total.builtin("range_check") > 0, "{profile:?}");
    let validate = profile.validate.as_ref().expect("a validate phase");
    assert!(validate.resources.steps > 0, "{profile:?}");
    let execute = profile.execute.as_ref().expect("an execute phase");
    assert!(execute.resources.steps > 0, "{profile:?}");
    let fee_transfer = profile.fee_transfer.as_ref().expect("a fee transfer phase");
    assert!(fee_transfer.resources.steps > 0, "{profile:?}");
    let phases = validate.resources.steps + execute.resources.steps + fee_transfer.resources.steps;
    assert!(profile.total.steps > phases, "the total adds the OS overhead: {profile:?}");
    assert!(profile.fee > 0 && profile.gas.l2_gas > 0, "{profile:?}");
    assert_eq!(account.get_nonce().await.unwrap(), nonce_before, "profiling committed nothing");

    let sent = provider.add_invoke_transaction(&request).await.expect("the profiled transaction is accepted");
    let receipt = wait_for_receipt(&provider, sent.transaction_hash).await.expect("it succeeds");
    let fee = sk_devnet::Cost::of(&receipt.receipt);
    eprintln!("{label}: receipt {fee:?}");
    assert_eq!(fee.fee, profile.fee, "the profile's fee is what the node charged");
    assert_eq!(fee.l2_gas, profile.gas.l2_gas, "the profile's L2 gas is what the node charged");
    profile
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_a_transfer_from_the_predeployed_account() {
    let devnet = devnet().await;
    // `predeclare_argent` took effect.
    let argent =
        devnet.provider().get_class(BlockId::Tag(BlockTag::PreConfirmed), sk_devnet::ARGENT_ACCOUNT_CLASS_HASH).await;
    assert!(argent.is_ok(), "Argent's class is predeclared: {argent:?}");

    let profile = profile_then_send(&devnet, &devnet.funded_account(), "predeployed account").await;
    // An old class (Sierra < 1.7.0), metered in steps on Starknet too: no Sierra gas, same cost.
    let validate = profile.validate.as_ref().expect("a validate phase");
    assert_eq!(validate.sierra_gas, 0, "{profile:?}");
    assert_eq!(profile.on_starknet.gas, profile.gas, "{profile:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_an_owner_signed_transfer_from_our_account() {
    let devnet = devnet().await;
    let account = sk_tests::deploy_account(&devnet, owner_key()).await;

    let profile = profile_then_send(&devnet, &account, "our account").await;
    // Our class (Sierra 1.8.0) is metered in Sierra gas on Starknet, and in steps by the profiler.
    let validate = profile.validate.as_ref().expect("a validate phase");
    assert!(validate.sierra_gas > 0, "{profile:?}");
    assert!(validate.resources.steps > 0, "{profile:?}");
    assert!(profile.execute.as_ref().expect("an execute phase").sierra_gas > 0, "{profile:?}");
    assert!(profile.on_starknet.revert_error.is_none(), "{profile:?}");
    assert!(profile.on_starknet.gas.l2_gas > 0, "{profile:?}");

    // Profiling the next transaction sees the state the first one left.
    let second = profile_then_send(&devnet, &account, "our account, second transfer").await;
    assert!(second.total.steps > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_signature_is_reported_as_a_rejection() {
    let devnet = devnet().await;
    let account = sk_tests::deploy_account(&devnet, owner_key()).await;
    let mut request = signed_transfer(&account).await;
    request.signature[0] += Felt::ONE;

    let err = devnet.profile_invoke(&request).await.expect_err("validation fails");
    match &err {
        Error::TransactionRejected(message) => {
            assert!(message.contains("account/invalid-signature"), "{message}")
        }
        other => panic!("expected a rejection, got {other:?}"),
    }

    // Signed by another key altogether: the same.
    let impostor = account_with_key(&devnet, account.address(), SigningKey::from_secret_scalar(Felt::TWO));
    let nonce = impostor.get_nonce().await.unwrap();
    let request = sk_tests::with_bounds(impostor.execute_v3(vec![strk_transfer(RECIPIENT, ONE_STRK)]).nonce(nonce))
        .tip(0)
        .prepared()
        .unwrap()
        .get_invoke_request(false, false)
        .await
        .unwrap();
    let err = devnet.profile_invoke(&request).await.expect_err("validation fails");
    assert!(matches!(&err, Error::TransactionRejected(m) if m.contains("account/invalid-signature")), "{err:?}");
}
