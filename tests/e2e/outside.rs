//! SNIP-9 version 2 outside execution on devnet (docs/protocol.md §5): a relayer (devnet's funded
//! account) submits what a session signed, and pays for it; SNIP-9's checks and the session's each
//! refuse with their own error; a session's counters count relayed uses and transactions
//! together.

use sk_devnet::{strk_transfer, STRK};
use sk_session::{Error as SessionError, OutsideExecution, SessionUsage, SignError, SpendingScope, ISRC9_V2_ID};
use starknet::accounts::{Account, AccountError};
use starknet::core::types::{BlockId, BlockTag, Call, Felt, FunctionCall};
use starknet::macros::selector;
use starknet::providers::Provider as _;

use crate::limits::sent;
use crate::session::{
    assert_rejected_with, fee_limited, now, rejection, session_key, session_signature, Setup, RECIPIENT,
};

/// A session for STRK `transfer` only, moving at most `total` FRI of STRK, in at most three uses.
async fn setup(total: u128) -> Setup {
    Setup::with_request(|now| fee_limited(now).allow(STRK, "transfer").max_transactions(3).spending_limit(STRK, total))
        .await
}

/// An outside execution of `calls` for anyone, valid for an hour around the devnet's time.
async fn outside(setup: &Setup, calls: Vec<Call>) -> OutsideExecution {
    let now = now(&setup.devnet.provider()).await;
    OutsideExecution::new(calls, now - 3_600, now + 3_600)
}

/// The call that submits `execution` signed by the session's key, with correct proofs but none of
/// the SDK's checks: what the account itself must refuse.
fn unchecked_call(setup: &Setup, execution: &OutsideExecution, proofs_of: &[Call]) -> Call {
    let session = &setup.session;
    let tree = session.request().policies();
    let proofs = sk_session::call_proofs(session.account(), proofs_of, |c, s| tree.proof(c, s)).unwrap();
    let hash = execution.message_hash(setup.account, setup.devnet.chain_id());
    execution.relayed_call(setup.account, &session_signature(session, &session_key(), hash, proofs))
}

/// The SDK's refusal to sign `execution`.
async fn sdk_refusal(setup: &Setup, execution: &OutsideExecution) -> SessionError {
    match setup.session_account().sign_outside_execution(execution).await {
        Err(SignError::Session(err)) => err,
        other => panic!("expected the SDK to refuse, got {other:?}"),
    }
}

async fn balance(setup: &Setup, address: Felt) -> u128 {
    sk_devnet::strk_balance(&setup.devnet.provider(), address).await.unwrap()
}

async fn usage(setup: &Setup) -> SessionUsage {
    let block = BlockId::Tag(BlockTag::PreConfirmed);
    sk_session::session_usage(&setup.devnet.provider(), setup.account, setup.session.hash(), block).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn relayer_submits_a_session_transfer_and_pays_its_fee() {
    let setup = setup(10_000).await;
    let relayer = setup.devnet.funded_account();
    let provider = setup.devnet.provider();
    let supported = provider
        .call(
            FunctionCall {
                contract_address: setup.account,
                entry_point_selector: selector!("supports_interface"),
                calldata: vec![ISRC9_V2_ID],
            },
            BlockId::Tag(BlockTag::Latest),
        )
        .await
        .unwrap();
    assert_eq!(supported, vec![Felt::ONE], "the account tells relayers it supports SNIP-9 version 2");

    let (user, recipient, payer) = (
        balance(&setup, setup.account).await,
        balance(&setup, RECIPIENT).await,
        balance(&setup, relayer.address()).await,
    );
    let execution = outside(&setup, vec![strk_transfer(RECIPIENT, 1_000)]).await;
    let call = setup.session_account().relayed_call(&execution).await.unwrap();
    sent(relayer.execute_v3(vec![call]), &relayer).await;

    assert_eq!(balance(&setup, setup.account).await, user - 1_000, "the user's account paid the transfer and no fee");
    assert_eq!(balance(&setup, RECIPIENT).await, recipient + 1_000);
    assert!(balance(&setup, relayer.address()).await < payer, "the relayer paid the fee");
    assert_eq!(usage(&setup).await, SessionUsage { transactions: 1, fee_spent: 0, authorized: true });

    // The owner may sign an outside execution too.
    let execution = outside(&setup, vec![strk_transfer(RECIPIENT, 7)]).await;
    let signature = execution.sign_as_owner(&sk_tests::owner_key(), setup.account, setup.devnet.chain_id()).unwrap();
    sent(relayer.execute_v3(vec![execution.relayed_call(setup.account, &signature)]), &relayer).await;
    assert_eq!(balance(&setup, RECIPIENT).await, recipient + 1_007);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_refusal_has_its_own_error() {
    let setup = setup(10_000).await;
    let relayer = setup.devnet.funded_account();
    let session = setup.session_account();
    let transfer = || vec![strk_transfer(RECIPIENT, 1)];
    let now = now(&setup.devnet.provider()).await;

    // A replayed nonce.
    let execution = outside(&setup, transfer()).await;
    let call = session.relayed_call(&execution).await.unwrap();
    sent(relayer.execute_v3(vec![call.clone()]), &relayer).await;
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "outside/nonce-used");

    // A caller other than the one named.
    let execution = outside(&setup, transfer()).await.with_caller(Felt::from(0xca11e2u32));
    let call = session.relayed_call(&execution).await.unwrap();
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "outside/invalid-caller");

    // Before execute-after, and at execute-before.
    let early = OutsideExecution::new(transfer(), now + 7_200, now + 10_800);
    assert_rejected_with(
        &rejection(&relayer, vec![session.relayed_call(&early).await.unwrap()]).await,
        "outside/too-early",
    );
    let late = OutsideExecution::new(transfer(), 0, now - 1);
    assert_rejected_with(
        &rejection(&relayer, vec![session.relayed_call(&late).await.unwrap()]).await,
        "outside/too-late",
    );

    // A call outside the policies: the SDK signs nothing, and the account refuses it.
    let approve = Call { to: STRK, selector: selector!("approve"), calldata: vec![RECIPIENT, Felt::ONE, Felt::ZERO] };
    let execution = outside(&setup, vec![approve]).await;
    assert!(matches!(sdk_refusal(&setup, &execution).await, SessionError::CallNotAllowed { index: 0, .. }));
    let call = unchecked_call(&setup, &execution, &transfer());
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/invalid-proof");

    // A spend over the limit: the same.
    let execution = outside(&setup, vec![strk_transfer(RECIPIENT, 10_001)]).await;
    let err = sdk_refusal(&setup, &execution).await;
    assert!(matches!(err, SessionError::SpendingLimitExceeded { scope: SpendingScope::Life, .. }), "{err:?}");
    let call = unchecked_call(&setup, &execution, &execution.calls);
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/spending-limit");

    // A relayer submitting the session's signature of another outside execution.
    let signed = outside(&setup, transfer()).await;
    let signature = session.sign_outside_execution(&signed).await.unwrap();
    let other = OutsideExecution { calls: vec![strk_transfer(RECIPIENT, 2)], ..signed };
    let call = other.relayed_call(setup.account, &signature);
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/invalid-signature");

    assert_eq!(usage(&setup).await.transactions, 1, "only the one relayed use counted");
}

#[tokio::test(flavor = "multi_thread")]
async fn relayed_uses_and_transactions_share_the_session_limits() {
    // Three uses and 300 FRI in all, split across transactions and relayed uses.
    let setup = setup(300).await;
    let relayer = setup.devnet.funded_account();
    let session = setup.session_account();

    sent(session.execute_v3(vec![strk_transfer(RECIPIENT, 100)]), &session).await;
    let relay = |amount: u128| {
        let (setup, session) = (&setup, &session);
        async move {
            let execution = outside(setup, vec![strk_transfer(RECIPIENT, amount)]).await;
            (session.sign_outside_execution(&execution).await, execution)
        }
    };
    let (signature, execution) = relay(150).await;
    sent(relayer.execute_v3(vec![execution.relayed_call(setup.account, &signature.unwrap())]), &relayer).await;
    let spent = sk_session::session_spending(
        &setup.devnet.provider(),
        setup.account,
        setup.session.hash(),
        STRK,
        BlockId::Tag(BlockTag::PreConfirmed),
    )
    .await
    .unwrap();
    assert_eq!(spent.total, 250u128.into(), "the transaction's 100 and the relayed 150");

    // 51 more would be over 300, by either path.
    let (signature, execution) = relay(51).await;
    assert!(matches!(signature, Err(SignError::Session(SessionError::SpendingLimitExceeded { .. }))), "{signature:?}");
    let call = unchecked_call(&setup, &execution, &execution.calls);
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/spending-limit");
    let err = session.execute_v3(vec![strk_transfer(RECIPIENT, 51)]).send().await.unwrap_err();
    assert!(matches!(err, AccountError::Signing(SignError::Session(SessionError::SpendingLimitExceeded { .. }))));

    // The third use, relayed; then neither path has a fourth.
    let (signature, execution) = relay(50).await;
    sent(relayer.execute_v3(vec![execution.relayed_call(setup.account, &signature.unwrap())]), &relayer).await;
    assert_eq!(usage(&setup).await.transactions, 3);
    let (signature, execution) = relay(0).await;
    assert!(
        matches!(signature, Err(SignError::Session(SessionError::TransactionLimitReached { limit: 3 }))),
        "{signature:?}"
    );
    let call = unchecked_call(&setup, &execution, &execution.calls);
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/tx-limit");
    let err = session.execute_v3(vec![strk_transfer(RECIPIENT, 0)]).send().await.unwrap_err();
    assert!(matches!(err, AccountError::Signing(SignError::Session(SessionError::TransactionLimitReached { .. }))));
}

/// Issue #24, finding 4: the owner signs an outside execution (nonce N) and hands it to a
/// relayer; a session front-runs it with an outside execution of its own naming N. With one
/// nonce space for all, the session's use burned the owner's nonce and the owner's execution was
/// refused (`outside/nonce-used`). Step by step on devnet: both run, and the views answer for
/// each space.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_cannot_use_up_a_nonce_the_owner_signed() {
    let setup = setup(10_000).await;
    let relayer = setup.devnet.funded_account();
    let provider = setup.devnet.provider();
    let block = BlockId::Tag(BlockTag::PreConfirmed);
    let owners = outside(&setup, vec![strk_transfer(RECIPIENT, 3)]).await;
    let owner_signature = owners.sign_as_owner(&sk_tests::owner_key(), setup.account, setup.devnet.chain_id()).unwrap();
    // The session copies the owner's nonce into its own outside execution, and goes first.
    let session = setup.session_account();
    let front_run = outside(&setup, vec![strk_transfer(RECIPIENT, 1)]).await.with_nonce(owners.nonce);
    sent(relayer.execute_v3(vec![session.relayed_call(&front_run).await.unwrap()]), &relayer).await;
    let valid =
        |signer| sk_session::is_valid_outside_execution_nonce(&provider, setup.account, signer, owners.nonce, block);
    assert!(!valid(Some(setup.session.hash())).await.unwrap(), "the session's nonce is used");
    assert!(valid(None).await.unwrap(), "the owner's is not: SNIP-9's view answers for the owner");
    // The owner's outside execution still runs, once.
    let before = balance(&setup, RECIPIENT).await;
    let call = owners.relayed_call(setup.account, &owner_signature);
    sent(relayer.execute_v3(vec![call.clone()]), &relayer).await;
    assert_eq!(balance(&setup, RECIPIENT).await, before + 3);
    assert!(!valid(None).await.unwrap());
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "outside/nonce-used");
}
