//! The limits of a session on devnet (docs/protocol.md §4, "Fees", "Spending" and "Where each
//! count happens"): each limit lets through exactly its amount and refuses one unit more, in the
//! SDK (a typed error before anything is signed) and in the account (the node refuses what a
//! client that skips the SDK's checks sends, or reverts a spend no calldata shows).

use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, STRK};
use sk_session::{
    session_spending, session_usage, Error as SessionError, OutsideExecution, SessionRequestBuilder, SessionUsage,
    SignError, SpendingScope, SpendingUsage,
};
use sk_tests::{
    account_with_key, deploy_tip_jar, owner_key, tip_jar_address, with_bounds, BOUNDS_PRICE, WITH_BOUNDS_MAX_FEE,
};
use starknet::accounts::{Account, AccountError, ConnectedAccount, ExecutionV3};
use starknet::core::types::{BlockId, BlockTag, Call, ExecutionResult, Felt};
use starknet::macros::selector;

use crate::session::{
    approve, assert_rejected_with, fee_limited, rejection, session_key, session_signature, wait_for_receipt_raw, Forge,
    Forged, Setup, ONE_STRK, RECIPIENT,
};

/// The maximum fee of a transaction sent [`priced`] with no extra: [`with_bounds`] plus one unit of
/// L1 gas (which no test transaction uses) at [`BOUNDS_PRICE`].
const BASE: u128 = WITH_BOUNDS_MAX_FEE + BOUNDS_PRICE;

/// `execution` with bounds whose maximum fee is exactly `BASE + extra` FRI: the extra goes on the
/// price of the one unit of L1 gas, so it can be any number of FRI.
fn priced<A: Account>(execution: ExecutionV3<'_, A>, extra: u128) -> ExecutionV3<'_, A> {
    with_bounds(execution).l1_gas(1).l1_gas_price(BOUNDS_PRICE + extra)
}

fn transfer() -> Vec<Call> {
    vec![strk_transfer(RECIPIENT, 1)]
}

/// A deployed account with a session whose request `limits` adjusts.
async fn setup_with(limits: impl FnOnce(SessionRequestBuilder) -> SessionRequestBuilder) -> Setup {
    Setup::with(|request, _| limits(request)).await
}

impl Setup {
    /// A client that signs correct session transactions and skips the SDK's limit checks, so the
    /// account's own are what stops it.
    pub(crate) fn unchecked(&self) -> Forged<impl Forge> {
        let session = self.session.clone();
        self.forger(move |hash, calls| {
            // The policy proofs only: `SignedSession::sign_transaction` would refuse a spend
            // above a limit itself, and `PolicyTree::call_proofs` a call breaking a rule.
            let tree = session.request().policies();
            let proofs = sk_session::call_proofs(session.account(), calls, |c, s| tree.proof(c, s)).unwrap();
            session_signature(&session, &session_key(), hash, proofs)
        })
    }

    pub(crate) async fn usage(&self) -> SessionUsage {
        let block = BlockId::Tag(BlockTag::PreConfirmed);
        session_usage(&self.devnet.provider(), self.account, self.session.hash(), block).await.unwrap()
    }

    pub(crate) async fn balance(&self) -> u128 {
        strk_balance(&self.devnet.provider(), self.account).await.unwrap()
    }
}

/// Sends `execution` (of `account`) and waits for it to succeed.
pub(crate) async fn sent<A: ConnectedAccount + Sync>(execution: ExecutionV3<'_, A>, account: &A) {
    let tx = execution.send().await.unwrap();
    assert_eq!(wait_for_receipt_raw(account.provider(), tx.transaction_hash).await, ExecutionResult::Succeeded);
}

/// The node's refusal of `execution`, as text; it must be refused in validation.
pub(crate) async fn refused<A: ConnectedAccount + Sync>(execution: ExecutionV3<'_, A>) -> String {
    let err = format!("{:?}", execution.send().await.expect_err("the node must refuse it"));
    assert!(err.contains("ValidationFailure"), "refused in validation: {err}");
    err
}

/// The SDK's own refusal of `execution`: the session error it signs nothing for.
pub(crate) async fn sdk_refusal<A>(execution: ExecutionV3<'_, A>) -> SessionError
where
    A: ConnectedAccount<SignError = SignError<starknet::signers::local_wallet::SignError>> + Sync,
{
    match execution.send().await {
        Err(AccountError::Signing(SignError::Session(err))) => err,
        other => panic!("expected the SDK to refuse, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fee_cap_allows_its_amount_and_refuses_one_fri_more() {
    let setup = setup_with(|request| request.max_fee(BASE)).await;
    let account = setup.session_account();

    let err = sdk_refusal(priced(account.execute_v3(transfer()), 1)).await;
    assert!(
        matches!(err, SessionError::FeeCapExceeded { max_fee: Some(fee), cap: BASE } if fee == BASE + 1),
        "{err:?}"
    );
    let err = refused(priced(setup.unchecked().execute_v3(transfer()), 1)).await;
    assert!(err.contains("session/fee-cap"), "{err}");
    assert_eq!(setup.usage().await, SessionUsage::default(), "a refused transaction counts nothing");

    sent(priced(account.execute_v3(transfer()), 0), &account).await;
    assert_eq!(setup.usage().await, SessionUsage { transactions: 1, fee_spent: BASE, authorized: true });
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_tip_is_refused_before_anything_is_charged() {
    let setup = Setup::new().await;
    let before = setup.balance().await;
    // 10^13 FRI of tip per unit over 10^7 units of L2 gas: up to 100 STRK for one transaction,
    // which the account's 1,000 STRK could pay.
    let huge_tip = 10u64.pow(13);
    let err = refused(with_bounds(setup.unchecked().execute_v3(transfer())).tip(huge_tip)).await;
    assert!(err.contains("session/fee-cap"), "{err}");
    assert_eq!(setup.balance().await, before, "nothing was charged");
    assert_eq!(setup.usage().await, SessionUsage::default());

    let err = sdk_refusal(with_bounds(setup.session_account().execute_v3(transfer())).tip(huge_tip)).await;
    let expected = u128::from(huge_tip) * 10_000_000 + WITH_BOUNDS_MAX_FEE;
    assert!(matches!(err, SessionError::FeeCapExceeded { max_fee: Some(fee), .. } if fee == expected), "{err:?}");
    assert!(err.to_string().contains("may cost up to 100.02002 STRK, above the session's cap of 0.05 STRK"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn fee_budget_allows_its_amount_and_refuses_one_fri_more() {
    // Two transactions at `BASE` spend the budget exactly; the cap leaves room for one FRI more.
    let setup = setup_with(|request| request.max_fee(BASE + 1).fee_budget(2 * BASE)).await;
    let account = setup.session_account();
    sent(priced(account.execute_v3(transfer()), 0), &account).await;
    assert_eq!(setup.usage().await, SessionUsage { transactions: 1, fee_spent: BASE, authorized: true });

    let err = sdk_refusal(priced(account.execute_v3(transfer()), 1)).await;
    assert!(
        matches!(err, SessionError::FeeBudgetExceeded { max_fee, left: BASE, budget } if max_fee == BASE + 1 && budget == 2 * BASE),
        "{err:?}"
    );
    let err = refused(priced(setup.unchecked().execute_v3(transfer()), 1)).await;
    assert!(err.contains("session/fee-budget"), "{err}");

    sent(priced(account.execute_v3(transfer()), 0), &account).await;
    assert_eq!(setup.usage().await, SessionUsage { transactions: 2, fee_spent: 2 * BASE, authorized: true });
    // Nothing is left, so no transaction can pass, however cheap.
    let err = refused(with_bounds(setup.unchecked().execute_v3(transfer())).l2_gas(2_000_000)).await;
    assert!(err.contains("session/fee-budget"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn transaction_count_allows_its_number_and_refuses_one_more() {
    let setup = setup_with(|request| request.max_transactions(2)).await;
    let account = setup.session_account();
    for _ in 0..2 {
        sent(account.execute_v3(transfer()), &account).await;
    }
    assert_eq!(setup.usage().await.transactions, 2);
    // With explicit bounds and with an estimate first: the SDK refuses before the node is asked.
    let err = sdk_refusal(with_bounds(account.execute_v3(transfer()))).await;
    assert!(matches!(err, SessionError::TransactionLimitReached { limit: 2 }), "{err:?}");
    let err = sdk_refusal(account.execute_v3(transfer())).await;
    assert!(matches!(err, SessionError::TransactionLimitReached { limit: 2 }), "{err:?}");
    assert_rejected_with(&rejection(&setup.unchecked(), transfer()).await, "session/tx-limit");
    assert_eq!(setup.usage().await.transactions, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_counters_persist_across_transactions_and_match_their_bounds() {
    // Smart Sessions' audit: usage was checked but never written. Here every validated
    // transaction adds its maximum fee, and the counters are read back from the chain.
    let setup = Setup::new().await;
    let account = setup.session_account();
    for n in 1..=3u32 {
        sent(priced(account.execute_v3(transfer()), u128::from(n)), &account).await;
    }
    assert_eq!(
        setup.usage().await,
        SessionUsage { transactions: 3, fee_spent: 3 * BASE + 1 + 2 + 3, authorized: true }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reverted_execution_uses_fee_budget_and_a_transaction() {
    let setup = Setup::new().await;
    let before = setup.balance().await;
    // More STRK than the account holds: validation accepts it, the transfer reverts.
    let too_much = vec![strk_transfer(RECIPIENT, before + ONE_STRK)];
    let tx = priced(setup.session_account().execute_v3(too_much), 0).send().await.unwrap();
    let result = wait_for_receipt_raw(&setup.devnet.provider(), tx.transaction_hash).await;
    assert!(matches!(result, ExecutionResult::Reverted { .. }), "{result:?}");
    assert_eq!(setup.usage().await, SessionUsage { transactions: 1, fee_spent: BASE, authorized: true });
    let paid = before - setup.balance().await;
    assert!(paid > 0 && paid <= BASE, "charged {paid} FRI, at most the maximum fee counted");
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_call_list_is_refused() {
    let setup = Setup::new().await;
    assert_rejected_with(&rejection(&setup.unchecked(), vec![]).await, "session/no-calls");
    assert_eq!(setup.usage().await, SessionUsage::default());
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_signature_does_not_use_the_fee_budget() {
    // Braavos' audit: a padded signature made validation cost more than its limits said. Here any
    // felt past the token is refused in validation: nothing is charged or counted.
    let setup = Setup::new().await;
    let before = setup.balance().await;
    let session = setup.session.clone();
    let padded = setup.forger(move |hash, calls| {
        let mut felts = session.sign_transaction(&session_key(), hash, calls).unwrap();
        felts.extend(std::iter::repeat_n(Felt::ONE, 5_000));
        felts
    });
    let err = refused(with_bounds(padded.execute_v3(transfer()))).await;
    assert!(err.contains("session/bad-format"), "{err}");
    assert_eq!(setup.balance().await, before);
    assert_eq!(setup.usage().await, SessionUsage::default());
}

#[tokio::test(flavor = "multi_thread")]
async fn sdk_bounds_are_tight_and_within_the_cap() {
    // The SDK's own estimate → bounds: a plain `execute_v3` passes its checks, and the fee counted
    // is the estimate plus the SDK's margins, far from starknet-rs's default 2.25 times.
    let setup = Setup::new().await;
    let account = setup.session_account();
    let estimate = account.execute_v3(transfer()).estimate_fee().await.unwrap();
    let before = setup.balance().await;
    let tx = account.execute_v3(transfer()).send().await.unwrap();
    wait_for_receipt(&setup.devnet.provider(), tx.transaction_hash).await.unwrap();
    let paid = before - setup.balance().await;
    let counted = setup.usage().await.fee_spent;
    let estimated = estimate.overall_fee;
    assert!(counted >= paid, "counted {counted} FRI, paid {paid}");
    let margin = sk_session::GAS_MARGIN * sk_session::PRICE_MARGIN;
    assert!(
        (counted as f64) <= estimated as f64 * margin * 1.01,
        "counted {counted} FRI for an estimate of {estimated}"
    );
}

/// `transfer_from(sender, recipient, amount)` on STRK.
fn transfer_from(sender: Felt, recipient: Felt, amount: u128) -> Call {
    Call {
        to: STRK,
        selector: selector!("transfer_from"),
        calldata: vec![sender, recipient, amount.into(), Felt::ZERO],
    }
}

async fn spent(setup: &Setup) -> SpendingUsage {
    let block = BlockId::Tag(BlockTag::PreConfirmed);
    session_spending(&setup.devnet.provider(), setup.account, setup.session.hash(), STRK, block).await.unwrap()
}

fn spent_total(amount: u128) -> SpendingUsage {
    SpendingUsage { total: amount.into(), period: 0, period_spent: amount.into() }
}

#[tokio::test(flavor = "multi_thread")]
async fn spending_limit_allows_its_total_and_refuses_one_more() {
    let setup = setup_with(|request| request.spending_limit(STRK, 1000u32)).await;
    let account = setup.session_account();
    let err = sdk_refusal(account.execute_v3(vec![strk_transfer(RECIPIENT, 1001)])).await;
    assert!(matches!(err, SessionError::SpendingLimitExceeded { scope: SpendingScope::Life, .. }), "{err:?}");

    sent(account.execute_v3(vec![strk_transfer(RECIPIENT, 600)]), &account).await;
    assert_eq!(spent(&setup).await, spent_total(600));
    let err = sdk_refusal(account.execute_v3(vec![strk_transfer(RECIPIENT, 401)])).await;
    assert!(err.to_string().contains("the session has only 0.0000000000000004 STRK left over its life"), "{err}");
    // A client that skips the SDK's checks: the account reverts the transfer in execution.
    assert_rejected_with(
        &rejection(&setup.unchecked(), vec![strk_transfer(RECIPIENT, 401)]).await,
        "session/spending-limit",
    );
    sent(account.execute_v3(vec![strk_transfer(RECIPIENT, 400)]), &account).await;
    assert_eq!(spent(&setup).await, spent_total(1000));
}

#[tokio::test(flavor = "multi_thread")]
async fn multicall_splitting_a_spend_counts_the_sum_and_approvals_count() {
    let setup = setup_with(|request| request.spending_limit(STRK, 1000u32)).await;
    let account = setup.session_account();
    let split = || vec![strk_transfer(RECIPIENT, 500), approve(RECIPIENT, 500)];
    sent(account.execute_v3(split()), &account).await;
    assert_eq!(spent(&setup).await, spent_total(1000), "the approval counts as spent when granted");
    let err = sdk_refusal(account.execute_v3(vec![strk_transfer(RECIPIENT, 1)])).await;
    assert!(matches!(err, SessionError::SpendingLimitExceeded { .. }), "{err:?}");
    let over = vec![strk_transfer(RECIPIENT, 1), strk_transfer(RECIPIENT, 1)];
    assert_rejected_with(&rejection(&setup.unchecked(), over).await, "session/spending-limit");
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_from_the_account_is_counted_once() {
    // Braavos' audit: a spend limit bypassed through transferFrom. The account approving itself
    // and then moving its tokens with transfer_from: 600 left the balance and the allowance is
    // used up, so the account counts 600, once. The SDK, which reads calldata, counts the
    // approval and the transfer (1200) and refuses; a client without its checks is accepted.
    let setup = setup_with(|request| request.spending_limit(STRK, 1000u32).allow(STRK, "transfer_from")).await;
    let through_allowance = || vec![approve(setup.account, 600), transfer_from(setup.account, RECIPIENT, 600)];
    let err = sdk_refusal(setup.session_account().execute_v3(through_allowance())).await;
    assert!(matches!(err, SessionError::SpendingLimitExceeded { .. }), "{err:?}");
    let unchecked = setup.unchecked();
    sent(priced(unchecked.execute_v3(through_allowance()), 0), &unchecked).await;
    assert_eq!(spent(&setup).await, spent_total(600));
    // 401 more by the same path is over the limit.
    let over = vec![approve(setup.account, 401), transfer_from(setup.account, RECIPIENT, 401)];
    assert_rejected_with(&rejection(&unchecked, over).await, "session/spending-limit");
}

/// The tip jar `jar`'s `tip` of `amount` FRI of STRK, which the jar takes with `transfer_from`.
fn tip(jar: Felt, amount: u128) -> Call {
    Call { to: jar, selector: selector!("tip"), calldata: vec![STRK, amount.into(), Felt::ZERO] }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contract_pulling_the_account_s_tokens_counts_against_the_limit() {
    // Finding 3 of the format 3 review, step by step. The owner once approved a contract (the
    // example tip jar, which takes tips with transfer_from, as a router takes a swap's input)
    // for far more than the session's limit. The session may call the jar and never calls the
    // token, so no calldata says what leaves the account: in format 3 the jar took any amount
    // while the counter stayed at 0. Now the account counts what left its balance.
    let jar = tip_jar_address(RECIPIENT);
    let setup = Setup::with_request(|now| {
        fee_limited(now).allow(jar, "tip").max_transactions(10).spending_limit(STRK, 1000u32)
    })
    .await;
    deploy_tip_jar(&setup.devnet, RECIPIENT).await;
    let owner = account_with_key(&setup.devnet, setup.account, owner_key());
    sent(owner.execute_v3(vec![approve(jar, ONE_STRK)]), &owner).await;
    let account = setup.session_account();
    let recipient_before = strk_balance(&setup.devnet.provider(), RECIPIENT).await.unwrap();

    // 600 through the jar: counted.
    sent(account.execute_v3(vec![tip(jar, 600)]), &account).await;
    assert_eq!(spent(&setup).await, spent_total(600));
    // 401 more: the SDK cannot know what the jar will take, and signs; the account counts it
    // after the calls and reverts them, in the fee estimate and when sent.
    assert_rejected_with(&rejection(&account, vec![tip(jar, 401)]).await, "session/spending-limit");
    // Relayed (SNIP-9) by anyone: the same count, the same refusal.
    let relayer = setup.devnet.funded_account();
    let now = crate::session::now(&setup.devnet.provider()).await;
    let relay = |amount: u128| OutsideExecution::new(vec![tip(jar, amount)], now - 3_600, now + 3_600);
    let execution = relay(401);
    let signature = account.sign_outside_execution(&execution).await.unwrap();
    let call = execution.relayed_call(setup.account, &signature);
    assert_rejected_with(&rejection(&relayer, vec![call]).await, "session/spending-limit");
    assert_eq!(spent(&setup).await, spent_total(600), "nothing reverted was counted");
    // What is left, exactly: 300 relayed and 100 as a transaction.
    let execution = relay(300);
    let signature = account.sign_outside_execution(&execution).await.unwrap();
    sent(relayer.execute_v3(vec![execution.relayed_call(setup.account, &signature)]), &relayer).await;
    sent(account.execute_v3(vec![tip(jar, 100)]), &account).await;
    assert_eq!(spent(&setup).await, spent_total(1000));
    let received = strk_balance(&setup.devnet.provider(), RECIPIENT).await.unwrap() - recipient_before;
    assert_eq!(received, 1000, "the jar passed on exactly what was counted");
}

#[tokio::test(flavor = "multi_thread")]
async fn reverted_transfer_creates_no_spending_room() {
    let setup = setup_with(|request| request.spending_limit(STRK, 1000u32)).await;
    let account = setup.session_account();
    let balance = setup.balance().await;
    // The second transfer fails (more than the balance): the whole transaction reverts, and
    // nothing is counted (the count comes after the calls, and would revert with them).
    let failing = vec![strk_transfer(RECIPIENT, 500), strk_transfer(RECIPIENT, balance + 1)];
    let tx = priced(setup.unchecked().execute_v3(failing), 0).send().await.unwrap();
    let result = wait_for_receipt_raw(&setup.devnet.provider(), tx.transaction_hash).await;
    assert!(matches!(result, ExecutionResult::Reverted { .. }), "{result:?}");
    assert_eq!(spent(&setup).await, SpendingUsage::default());
    sent(account.execute_v3(vec![strk_transfer(RECIPIENT, 1000)]), &account).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn periodic_allowance_renews_after_its_period_and_not_before() {
    const DAY: u64 = 86_400;
    let setup = Setup::with(|request, now| {
        request.valid_until(now + 10 * DAY).periodic_spending_limit(STRK, 1000u32, 300u32, DAY)
    })
    .await;
    let account = setup.session_account();
    let client = setup.devnet.client();
    // Periods count from `valid_after`, 0 here: they are days of Unix time.
    let day = setup.now_at_start / DAY + 1;
    client.set_time(day * DAY + 10).await.unwrap();
    sent(account.execute_v3(vec![strk_transfer(RECIPIENT, 300)]), &account).await;
    let err = sdk_refusal(account.execute_v3(vec![strk_transfer(RECIPIENT, 1)])).await;
    assert!(err.to_string().contains("only 0 STRK left this period"), "{err}");
    client.set_time((day + 1) * DAY - 1).await.unwrap();
    assert_rejected_with(
        &rejection(&setup.unchecked(), vec![strk_transfer(RECIPIENT, 1)]).await,
        "session/period-limit",
    );
    client.set_time((day + 1) * DAY).await.unwrap();
    sent(account.execute_v3(vec![strk_transfer(RECIPIENT, 300)]), &account).await;
    let usage = spent(&setup).await;
    assert_eq!((usage.total, usage.period, usage.period_spent), (600u32.into(), day + 1, 300u32.into()));
    // What is left, as the session account reads it, by the chain's clock.
    let remaining = account.remaining().await.unwrap();
    let limit = remaining.spending[0];
    assert_eq!((limit.total_left, limit.period_left), (400u32.into(), 0u32.into()), "{remaining:?}");
    assert_eq!(limit.period_ends, Some((day + 2) * DAY), "the next period renews it");
    assert_eq!(remaining.time_left, setup.session.session().valid_until - remaining.now);
    assert!(remaining.now >= (day + 1) * DAY, "the chain's time, not this machine's: {remaining:?}");
    // Two transfers, and the forced one that reverted in execution (validated, so counted).
    assert_eq!(account.usage().await.unwrap().transactions, 3);
    assert_eq!(remaining.transactions_left, account.session().session().max_transactions - 3);
}

/// A transport that forwards to the devnet and counts the reads of one view.
struct CountingTransport {
    inner: starknet::providers::jsonrpc::HttpTransport,
    selector: Felt,
    reads: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl starknet::providers::jsonrpc::JsonRpcTransport for CountingTransport {
    type Error = starknet::providers::jsonrpc::HttpTransportError;

    async fn send_request<P, R>(
        &self,
        method: starknet::providers::jsonrpc::JsonRpcMethod,
        params: P,
    ) -> Result<starknet::providers::jsonrpc::JsonRpcResponse<R>, Self::Error>
    where
        P: serde::Serialize + Send + Sync,
        R: serde::de::DeserializeOwned + Send,
    {
        if matches!(method, starknet::providers::jsonrpc::JsonRpcMethod::Call) {
            let params = serde_json::to_value(&params).unwrap_or_default();
            let selector = params["request"]["entry_point_selector"].as_str().and_then(|s| Felt::from_hex(s).ok());
            if selector == Some(self.selector) {
                self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        self.inner.send_request(method, params).await
    }

    async fn send_requests<R>(
        &self,
        requests: R,
    ) -> Result<Vec<starknet::providers::jsonrpc::JsonRpcResponse<serde_json::Value>>, Self::Error>
    where
        R: AsRef<[starknet::providers::ProviderRequestData]> + Send + Sync,
    {
        self.inner.send_requests(requests).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sdk_reads_the_usage_view_once_per_transaction() {
    let setup = setup_with(|request| request.spending_limit(STRK, 10u128)).await;
    let transport = std::sync::Arc::new(CountingTransport {
        inner: starknet::providers::jsonrpc::HttpTransport::new(setup.devnet.url().clone()),
        selector: sk_session::GET_SESSION_USAGE_SELECTOR,
        reads: Default::default(),
    });
    let provider = starknet::providers::JsonRpcClient::new(transport.clone());
    let account = sk_session::SessionAccount::new(provider, setup.session.clone(), session_key()).unwrap();
    let reads = || transport.reads.load(std::sync::atomic::Ordering::SeqCst);

    // Estimated, then signed and sent: the estimate's read serves the transaction's signing.
    sent(account.execute_v3(transfer()), &account).await;
    assert_eq!(reads(), 1, "one read of get_session_usage for an estimated transaction");
    // With its bounds given, there is no estimate: the signing reads once.
    sent(with_bounds(account.execute_v3(transfer())), &account).await;
    assert_eq!(reads(), 2, "one read for a transaction sent with its bounds");
    // What it read was checked: the third unit of a 10-unit limit is still refused by the SDK.
    let err = sdk_refusal(account.execute_v3(vec![strk_transfer(RECIPIENT, 9)])).await;
    assert!(matches!(err, SessionError::SpendingLimitExceeded { .. }), "{err:?}");
}
