//! `SessionAccount::send_in_order` on devnet: concurrent sends from one session each get their
//! own nonce, in order, and a nonce the account used elsewhere is caught up with.

use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, STRK};
use starknet::accounts::{Account, AccountError, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Call, Felt};
use starknet::macros::selector;
use starknet::providers::Provider as _;

use crate::session::{Setup, RECIPIENT};

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_sends_from_one_session_get_consecutive_nonces() {
    let setup = Setup::new().await;
    let provider = setup.devnet.provider();
    let account = setup.session_account();
    let before = strk_balance(&provider, RECIPIENT).await.unwrap();
    let nonce = || provider.get_nonce(BlockId::Tag(BlockTag::PreConfirmed), setup.account);
    let first = nonce().await.unwrap();

    // Twenty at once, from clones of one account, as a backend's request handlers would.
    let sends = (1..=20u128).map(|amount| {
        let account = account.clone();
        async move {
            let sent = account.send_in_order(vec![strk_transfer(RECIPIENT, amount)]).await;
            wait_for_receipt(account.provider(), sent.unwrap().transaction_hash).await.unwrap();
        }
    });
    futures_util::future::join_all(sends).await;
    assert_eq!(nonce().await.unwrap(), first + Felt::from(20u32));
    assert_eq!(strk_balance(&provider, RECIPIENT).await.unwrap(), before + (1..=20).sum::<u128>());

    // The owner sends a transaction by other means: the counted nonce is behind, and the next
    // send takes the node's.
    let owner = sk_tests::account_with_key(&setup.devnet, setup.account, sk_tests::owner_key());
    let by_owner = owner.execute_v3(vec![strk_transfer(RECIPIENT, 1)]).send().await.unwrap();
    wait_for_receipt(&provider, by_owner.transaction_hash).await.unwrap();
    let sent = account.send_in_order(vec![strk_transfer(RECIPIENT, 1)]).await.unwrap();
    wait_for_receipt(&provider, sent.transaction_hash).await.unwrap();
    assert_eq!(nonce().await.unwrap(), first + Felt::from(22u32));

    // A send the SDK refuses (a call the session does not allow) uses no nonce.
    let not_allowed =
        Call { to: STRK, selector: selector!("decrease_allowance"), calldata: vec![RECIPIENT, Felt::ONE, Felt::ZERO] };
    let refused = account.send_in_order(vec![not_allowed]).await;
    assert!(matches!(refused, Err(AccountError::Signing(_))), "{refused:?}");
    let sent = account.send_in_order(vec![strk_transfer(RECIPIENT, 1)]).await.unwrap();
    wait_for_receipt(&provider, sent.transaction_hash).await.unwrap();
    assert_eq!(nonce().await.unwrap(), first + Felt::from(23u32));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_that_does_not_answer_is_a_provider_error() {
    let setup = Setup::new().await;
    // A port nothing listens on.
    let url = starknet::providers::Url::parse("http://127.0.0.1:9").unwrap();
    let down = starknet::providers::JsonRpcClient::new(starknet::providers::jsonrpc::HttpTransport::new(url));
    let account = sk_session::SessionAccount::new(down, setup.session.clone(), crate::session::session_key()).unwrap();
    let err = account.send_in_order(vec![strk_transfer(RECIPIENT, 1)]).await.unwrap_err();
    assert!(matches!(err, AccountError::Provider(_)), "{err:?}");
}
