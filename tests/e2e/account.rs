use sk_contracts::bindings::SessionKeyAccountReader;
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, Cost, Error};
use sk_tests::{account_with_key, deploy_account, devnet, owner_key, with_bounds};
use starknet::accounts::{Account, AccountError};
use starknet::core::types::{BlockId, BlockTag, Felt, StarknetError};
use starknet::core::utils::cairo_short_string_to_felt;
use starknet::providers::{Provider, ProviderError};
use starknet::signers::SigningKey;

const ONE_STRK: u128 = 10u128.pow(18);

#[tokio::test(flavor = "multi_thread")]
async fn deploy_account_by_deploy_account_transaction() {
    let devnet = devnet().await;
    let account = deploy_account(&devnet, owner_key()).await;

    let provider = devnet.provider();
    let class_hash = provider.get_class_hash_at(BlockId::Tag(BlockTag::PreConfirmed), account.address()).await.unwrap();
    assert_eq!(class_hash, SESSION_KEY_ACCOUNT.class_hash);
    let reader = SessionKeyAccountReader::new(account.address(), &provider);
    assert_eq!(reader.get_owner().call().await.unwrap(), owner_key().verifying_key().scalar());
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_signed_strk_transfer_moves_the_amount() {
    let devnet = devnet().await;
    let account = deploy_account(&devnet, owner_key()).await;
    let provider = devnet.provider();
    let recipient = Felt::from_hex_unchecked("0x7e57");
    let amount = 3 * ONE_STRK;
    let sender_before = strk_balance(&provider, account.address()).await.unwrap();
    let recipient_before = strk_balance(&provider, recipient).await.unwrap();

    let sent = account.execute_v3(vec![strk_transfer(recipient, amount)]).send().await.unwrap();
    let receipt = wait_for_receipt(&provider, sent.transaction_hash).await.unwrap();

    let fee = Cost::of(&receipt.receipt).fee;
    assert!(fee > 0);
    assert_eq!(strk_balance(&provider, recipient).await.unwrap(), recipient_before + amount);
    assert_eq!(strk_balance(&provider, account.address()).await.unwrap(), sender_before - amount - fee);
}

#[tokio::test(flavor = "multi_thread")]
async fn transaction_signed_by_another_key_is_rejected() {
    let devnet = devnet().await;
    let account = deploy_account(&devnet, owner_key()).await;
    let impostor = account_with_key(&devnet, account.address(), SigningKey::from_secret_scalar(Felt::TWO));
    let recipient = Felt::from_hex_unchecked("0x7e57");
    let before = strk_balance(&devnet.provider(), recipient).await.unwrap();
    let transfer = || impostor.execute_v3(vec![strk_transfer(recipient, ONE_STRK)]);

    // Sent as is, starknet-rs first estimates the fee, and the estimate fails in validation.
    let err = transfer().send().await.unwrap_err();
    let message = match &err {
        AccountError::Provider(ProviderError::StarknetError(StarknetError::TransactionExecutionError(data))) => {
            format!("{:?}", data.execution_error)
        }
        other => panic!("expected the fee estimate to fail, got {other:?}"),
    };
    assert!(message.contains("account/invalid-signature"), "{message}");

    // Sent with explicit resource bounds, the node itself rejects it in validation.
    let err = with_bounds(transfer()).send().await.unwrap_err();
    let message = match &err {
        AccountError::Provider(ProviderError::StarknetError(StarknetError::ValidationFailure(m))) => m.clone(),
        other => panic!("expected a validation failure, got {other:?}"),
    };
    assert!(message.contains("account/invalid-signature"), "{message}");
    assert_eq!(strk_balance(&devnet.provider(), recipient).await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn is_valid_signature_accepts_the_owner_only() {
    let devnet = devnet().await;
    let account = deploy_account(&devnet, owner_key()).await;
    let provider = devnet.provider();
    let reader = SessionKeyAccountReader::new(account.address(), &provider);
    let hash = Felt::from_hex_unchecked("0x1234abcd");
    let valid = cairo_short_string_to_felt("VALID").unwrap();

    let owner = owner_key().sign(&hash).unwrap();
    let other = SigningKey::from_secret_scalar(Felt::TWO).sign(&hash).unwrap();
    let cases = [
        (vec![owner.r, owner.s], valid),
        (vec![other.r, other.s], Felt::ZERO),
        (vec![owner.r], Felt::ZERO),
        (vec![owner.r, owner.s, Felt::ZERO], Felt::ZERO),
        (vec![], Felt::ZERO),
    ];
    for (signature, expected) in cases {
        let answer = reader.is_valid_signature(&hash, &signature).call().await.unwrap();
        assert_eq!(answer, expected, "signature {signature:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fee_estimation_works_for_the_account() {
    let devnet = devnet().await;
    let account = deploy_account(&devnet, owner_key()).await;
    let calls = vec![strk_transfer(Felt::from_hex_unchecked("0x7e57"), ONE_STRK)];

    let estimate = account.execute_v3(calls.clone()).estimate_fee().await.unwrap();
    assert!(estimate.l2_gas_consumed > 0, "{estimate:?}");
    assert!(estimate.overall_fee > 0, "{estimate:?}");

    let sent = account.execute_v3(calls).send().await.unwrap();
    let receipt = wait_for_receipt(&devnet.provider(), sent.transaction_hash).await.unwrap();
    let fee = Cost::of(&receipt.receipt).fee;
    assert!(fee <= estimate.overall_fee, "paid {fee}, estimated {}", estimate.overall_fee);
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_fails_cleanly_without_funds() {
    let devnet = devnet().await;
    let deployment = sk_devnet::AccountDeployment::new(
        devnet.provider(),
        devnet.chain_id(),
        SESSION_KEY_ACCOUNT.class_hash,
        owner_key(),
        Felt::from(7u8),
    )
    .await
    .unwrap();
    let err = deployment.send().await.unwrap_err();
    assert!(matches!(err, Error::Deploy(_)), "{err:?}");
    let class = devnet.provider().get_class_hash_at(BlockId::Tag(BlockTag::PreConfirmed), deployment.address()).await;
    assert!(matches!(class, Err(ProviderError::StarknetError(StarknetError::ContractNotFound))));
}

#[tokio::test(flavor = "current_thread")]
async fn devnet_explains_that_it_needs_a_multi_threaded_runtime() {
    let err = sk_devnet::Devnet::start().await.err().expect("a current-thread runtime is refused");
    assert!(err.to_string().contains("multi-threaded tokio runtime"), "{err}");
}
