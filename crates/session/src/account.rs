//! `SessionAccount`: a starknet-rs [`Account`] whose transactions a [`SessionSigner`] signs, so
//! every starknet-rs and cainome API (`execute_v3(calls).send()`, fee estimation, generated
//! bindings) uses sessions unchanged, on our account and on Argent's.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use starknet::accounts::{
    Account, AccountError, ConnectedAccount, ExecutionEncoder, ExecutionV3, RawDeclarationV3, RawExecutionV3,
};
use starknet::core::types::{BlockId, BlockTag, Call, Felt, InvokeTransactionResult, U256};
use starknet::macros::selector;
use starknet::providers::Provider;
use starknet::signers::{LocalWallet, Signer, SignerInteractivityContext, SigningKey};

use crate::error::{Error, SignError};
use crate::limits::{
    check_fee_cap, check_limits, check_spending, session_remaining, session_spending, session_usage, spends, FeeBounds,
    SessionRemaining, SessionUsage, SpendingUsage,
};
use crate::node::{block_time, read_felt};
use crate::outside_execution::{encode_execute_calldata, OutsideExecution};
use crate::revocation::{is_session_revoked, session_epoch};
use crate::session_hash::{Session, SpendingLimit};
use crate::signed_session::SignedSession;
use crate::signer::{SessionKeySigner, SessionSigner};

/// How much above the estimate `execute_v3` sets each resource's amount: the account counts a
/// transaction's maximum fee against the session's budget (docs/protocol.md §4, "Fees"), so the
/// bounds stay tight. Execution is deterministic for a given state; the margin covers state that
/// changes between the estimate and the block.
pub const GAS_MARGIN: f64 = 1.1;
/// How much above the estimate `execute_v3` sets each resource's maximum price: prices move
/// between blocks (L2 gas by at most a few percent per block), and a bound below the block's price
/// gets the transaction refused, not charged.
pub const PRICE_MARGIN: f64 = 1.2;

/// What sending a session transaction returns on failure, with the session key's signer error
/// `E` (a [`LocalWallet`]'s by default): `AccountError::Signing(SignError::Session(err))` when the
/// SDK refused the calls before signing (outside the policies, over a limit: the [`Error`] says
/// which), `AccountError::Provider` when the node refused or could not be reached.
pub type SessionSendError<E = starknet::signers::local_wallet::SignError> = AccountError<SignError<E>>;

/// An account that sends transactions signed by `S`: with [`SessionKeySigner`] (the default),
/// a session of our account, holding the signed session and the session key and nothing of the
/// owner.
#[derive(Debug, Clone)]
pub struct SessionAccount<P, S = SessionKeySigner<LocalWallet>> {
    provider: P,
    address: Felt,
    chain_id: Felt,
    signer: S,
    block_id: BlockId,
    check_usage: bool,
    /// The usage the last estimate read, for the transaction's own signing ([`Self::read_usage`]).
    last_read: Arc<Mutex<Option<UsageRead>>>,
    /// The nonce after the last one [`Self::send_in_order`] sent, if its send succeeded; shared
    /// by clones, and locked from a transaction's nonce to its submission.
    next_nonce: Arc<futures_util::lock::Mutex<Option<Felt>>>,
}

impl<P, S> SessionAccount<P, S> {
    /// The account at `address` on `chain_id`, reached through `provider`, signing with `signer`.
    pub fn with_signer(provider: P, address: Felt, chain_id: Felt, signer: S) -> Self {
        Self {
            provider,
            address,
            chain_id,
            signer,
            block_id: BlockId::Tag(BlockTag::PreConfirmed),
            check_usage: true,
            last_read: Arc::default(),
            next_nonce: Arc::default(),
        }
    }

    /// Whether signing a transaction first reads the session's usage from the node, to refuse a
    /// transaction over the count or the budget before it is sent (default: yes). Without it the
    /// fee cap is still checked; the account checks everything anyway. Off: signing needs no
    /// node, as when transactions are signed ahead of time or timed.
    pub fn set_usage_check(&mut self, enabled: bool) -> &mut Self {
        self.check_usage = enabled;
        self
    }

    /// Sets the block that nonces and estimates are read from (default: pre-confirmed).
    pub fn set_block_id(&mut self, block_id: BlockId) -> &mut Self {
        self.block_id = block_id;
        self
    }

    /// The signer.
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// The signer, to change its settings (e.g. Argent's cache mode).
    pub fn signer_mut(&mut self) -> &mut S {
        &mut self.signer
    }
}

impl<P> SessionAccount<P>
where
    P: Provider + Send + Sync,
{
    /// A session account on `provider`. Fails if `key` is not the session's key.
    pub fn new(provider: P, session: SignedSession, key: SigningKey) -> Result<Self, Error> {
        Ok(Self::from_session(provider, SessionKeySigner::from_signing_key(session, key)?))
    }

    /// A session account on `provider`, after the checks of [`Self::check_with_node`].
    pub async fn connect(provider: P, session: SignedSession, key: SigningKey) -> Result<Self, Error> {
        let account = Self::new(provider, session, key)?;
        account.check_with_node().await?;
        Ok(account)
    }
}

impl<P, K> SessionAccount<P, SessionKeySigner<K>>
where
    P: Provider + Send + Sync,
    K: Signer,
{
    /// The session account of `signer`'s session (its account and chain).
    pub fn from_session(provider: P, signer: SessionKeySigner<K>) -> Self {
        let (address, chain_id) = (signer.session().account(), signer.session().chain_id());
        Self::with_signer(provider, address, chain_id, signer)
    }

    /// Checks with the node what would otherwise only surface as a rejected transaction: the
    /// node's chain is the session's ([`Error::ChainMismatch`]), the account's current owner
    /// signed the session (the account exposes `get_owner`; [`Error::InvalidOwnerSignature`]), the
    /// session is not revoked ([`Error::Revoked`]), and the owner has not revoked all sessions or
    /// rotated the owner key since it was signed ([`Error::StaleEpoch`]).
    pub async fn check_with_node(&self) -> Result<(), Error> {
        let session = self.session();
        let node_chain = self.provider.chain_id().await?;
        if node_chain != session.chain_id() {
            return Err(Error::ChainMismatch { session: session.chain_id(), node: node_chain });
        }
        let owner = read_felt(&self.provider, self.address, selector!("get_owner"), vec![], self.block_id).await?;
        session.verify_owner(owner)?;
        if is_session_revoked(&self.provider, self.address, session.hash(), self.block_id).await? {
            return Err(Error::Revoked(session.hash()));
        }
        let epoch = session_epoch(&self.provider, self.address, self.block_id).await?;
        if epoch != session.request().epoch() {
            return Err(Error::StaleEpoch { session: session.request().epoch(), account: epoch });
        }
        Ok(())
    }

    /// The signed session this account uses.
    pub fn session(&self) -> &SignedSession {
        self.signer.session()
    }

    /// What the account has counted for this session, at this account's block (the pre-confirmed
    /// one unless [`Self::set_block_id`] says otherwise): transactions, fee, the recorded
    /// authorization.
    pub async fn usage(&self) -> Result<SessionUsage, Error> {
        session_usage(&self.provider, self.address, self.session().hash(), self.block_id).await
    }

    /// What is left of this session at this account's block, by the chain's clock: time,
    /// transactions, fee budget and each spending limit ([`SessionRemaining`]).
    pub async fn remaining(&self) -> Result<SessionRemaining, Error> {
        let session = self.session();
        session_remaining(&self.provider, self.address, session.hash(), &session.session(), self.block_id).await
    }

    /// Checks `calls` against the session's policies (see [`SignedSession::check_calls`]).
    pub fn check_calls(&self, calls: &[Call]) -> Result<(), Error> {
        self.session().check_calls(calls)
    }
}

/// What the node said of a session for one transaction (its nonce and calls): the usage, each
/// limited token's spending with the amount the calls move of it, and the block time.
#[derive(Debug, Clone)]
struct UsageRead {
    nonce: Felt,
    calls: Vec<Call>,
    usage: SessionUsage,
    spending: Vec<(SpendingLimit, U256, SpendingUsage)>,
    now: u64,
}

impl<P, S> SessionAccount<P, S>
where
    P: Provider + Send + Sync,
{
    /// The session's usage for `execution`, read once per transaction: the estimate's signing
    /// (`query_only`) reads it from the node and keeps it, and the transaction's own signing with
    /// the same nonce and calls takes it back instead of reading again. The account checks
    /// everything anyway; this read only lets the SDK fail early, with a typed error.
    /// An outside execution's read is never kept (`query_only` false, its own nonce).
    async fn read_usage(
        &self,
        session_hash: Felt,
        session: &Session,
        (nonce, calls): (Felt, &[Call]),
        query_only: bool,
    ) -> Result<UsageRead, Error> {
        let same = |read: &UsageRead| read.nonce == nonce && read.calls == calls;
        if !query_only {
            let kept = self.last_read.lock().ok().and_then(|mut last| last.take()).filter(same);
            if let Some(read) = kept {
                return Ok(read);
            }
        }
        let usage = session_usage(&self.provider, self.address, session_hash, self.block_id).await?;
        let spent = spends(session, self.address, calls)?;
        let mut spending = Vec::with_capacity(spent.len());
        let mut now = 0;
        if !spent.is_empty() {
            now = block_time(&self.provider, self.block_id).await?;
            for (limit, amount) in spent {
                let usage =
                    session_spending(&self.provider, self.address, session_hash, limit.token, self.block_id).await?;
                spending.push((limit, amount, usage));
            }
        }
        let read = UsageRead { nonce, calls: calls.to_vec(), usage, spending, now };
        if query_only {
            if let Ok(mut last) = self.last_read.lock() {
                *last = Some(read.clone());
            }
        }
        Ok(read)
    }
}

impl<P, S> SessionAccount<P, S>
where
    P: Provider + Send + Sync,
    S: SessionSigner + Send + Sync,
{
    /// The signature of `outside_execution` (SNIP-9 version 2) for this account, for a relayer
    /// to submit ([`OutsideExecution::relayed_call`]): what the signer signs for a transaction,
    /// over the outside execution's message hash. For a session of our format, the SDK first
    /// runs the checks the account will (docs/protocol.md §5): the calls against the policies,
    /// and with one read of the account's usage view (unless [`Self::set_usage_check`] is off)
    /// the use count and the spending limits; no fee is checked, the relayer pays it. The usage
    /// read also tells whether the short token will do. A window no block time can satisfy is
    /// refused first ([`Error::EmptyOutsideWindow`]).
    pub async fn sign_outside_execution(&self, outside_execution: &OutsideExecution) -> Result<Vec<Felt>, S::Error> {
        let (execute_after, execute_before) = (outside_execution.execute_after, outside_execution.execute_before);
        if execute_before <= execute_after.saturating_add(1) {
            return Err(Error::EmptyOutsideWindow { execute_after, execute_before }.into());
        }
        let calls = &outside_execution.calls;
        // The relayer pays: the fee is 0 to the session's limits.
        let recorded = self.check_limits_with_node((outside_execution.nonce, calls), Some(0), false).await?;
        let hash = outside_execution.message_hash(self.address, self.chain_id);
        self.signer.sign_recorded(self.address, hash, calls, recorded).await
    }

    /// The checks of a session of our format against the account's usage view, one read for a
    /// transaction or an outside execution of `(nonce, calls)` that may cost `max_fee` (`None`:
    /// 2^128 FRI or more): the transaction count, the fee budget and the spending limits
    /// (`check_limits`, `check_spending`). Returns whether the account recorded the session's
    /// authorization, when the token may leave out the owner signature (known only from the read,
    /// so false without it: another signer's format, or [`Self::set_usage_check`] off).
    async fn check_limits_with_node(
        &self,
        (nonce, calls): (Felt, &[Call]),
        max_fee: Option<u128>,
        query_only: bool,
    ) -> Result<bool, Error> {
        let Some(session) = self.signer.signed_session().filter(|_| self.check_usage) else {
            return Ok(false);
        };
        let limits = session.session();
        let read = self.read_usage(session.hash(), &limits, (nonce, calls), query_only).await?;
        check_limits(&limits, &read.usage, max_fee)?;
        for (limit, amount, usage) in &read.spending {
            check_spending(limit, usage, *amount, limits.valid_after, read.now)?;
        }
        Ok(read.usage.authorized)
    }

    /// `outside_execution` signed ([`Self::sign_outside_execution`]), as the call a relayer
    /// makes to submit it.
    pub async fn relayed_call(&self, outside_execution: &OutsideExecution) -> Result<Call, S::Error> {
        let signature = self.sign_outside_execution(outside_execution).await?;
        Ok(outside_execution.relayed_call(self.address, &signature))
    }
}

impl<P, K> SessionAccount<P, SessionKeySigner<K>>
where
    P: Provider + Send + Sync,
    K: Signer + Send + Sync,
    K::SignError: 'static,
{
    /// Logs out: ends the session for good, as a transaction of the session whose one call is
    /// the account's `logout_session` with the session key's signature of
    /// [`logout_hash`](crate::logout_hash) (docs/protocol.md §4, "Logout"), the one call to its
    /// account a session may make. The transaction is a session transaction like any other: its
    /// fee counts against the session's cap and budget. Once it is in a block, every use of the
    /// session is refused (`session/revoked`), its signed messages included. A session that can
    /// no longer send (its transactions or fee budget used up) logs out through anyone's account
    /// with [`SessionKeySigner::logout_call`].
    pub async fn logout(&self) -> Result<InvokeTransactionResult, SessionSendError<K::SignError>> {
        let call = self.signer.logout_call().await.map_err(AccountError::Signing)?;
        self.execute_v3(vec![call]).send().await
    }
}

impl<P, S> SessionAccount<P, S>
where
    P: Provider + Send + Sync,
    S: SessionSigner + Send + Sync,
{
    /// Sends `calls` as one transaction with the next nonce of this account, for callers that
    /// send from one session concurrently, as a dApp's backend does; the fee is estimated as
    /// [`Account::execute_v3`] does. Sends through this account and its clones go to the node one
    /// at a time, in nonce order, each after the last was accepted (a node estimates and
    /// validates against the nonces it has seen); callers wait for their receipts concurrently.
    /// Each send uses the later of the nonce counted here and the node's: the count covers a
    /// node whose pre-confirmed nonce lags behind what it accepted, the node's a transaction the
    /// account sent by other means (the owner's, say). A send that fails is not retried (it may
    /// have reached the node) and leaves the count to the node again.
    pub async fn send_in_order(&self, calls: Vec<Call>) -> Result<InvokeTransactionResult, AccountError<S::Error>> {
        self.send_in_order_with(calls, |execution| execution).await
    }

    /// [`Self::send_in_order`], with `configure` setting the execution's bounds or tip (the
    /// nonce it sets is replaced).
    pub async fn send_in_order_with<'a>(
        &'a self,
        calls: Vec<Call>,
        configure: impl FnOnce(ExecutionV3<'a, Self>) -> ExecutionV3<'a, Self>,
    ) -> Result<InvokeTransactionResult, AccountError<S::Error>> {
        let mut counted = self.next_nonce.lock().await;
        let node = self.get_nonce().await.map_err(AccountError::Provider)?;
        let nonce = counted.map_or(node, |counted| counted.max(node));
        let sent = configure(self.execute_v3(calls)).nonce(nonce).send().await;
        *counted = sent.is_ok().then(|| nonce + Felt::ONE);
        sent
    }
}

impl<P: Send + Sync, S: Send + Sync> ExecutionEncoder for SessionAccount<P, S> {
    fn encode_calls(&self, calls: &[Call]) -> Vec<Felt> {
        encode_execute_calldata(calls)
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl<P, S> Account for SessionAccount<P, S>
where
    P: Provider + Send + Sync,
    S: SessionSigner + Send + Sync,
{
    type SignError = S::Error;

    fn address(&self) -> Felt {
        self.address
    }

    fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// starknet-rs's builder with this account's tight margins ([`GAS_MARGIN`], [`PRICE_MARGIN`])
    /// instead of its default 1.5 and 1.5; a caller may still set its own.
    fn execute_v3(&self, calls: Vec<Call>) -> ExecutionV3<'_, Self> {
        ExecutionV3::new(calls, self).gas_estimate_multiplier(GAS_MARGIN).gas_price_estimate_multiplier(PRICE_MARGIN)
    }

    async fn sign_execution_v3(&self, execution: &RawExecutionV3, query_only: bool) -> Result<Vec<Felt>, S::Error> {
        // The account's limit checks, before anything is signed or sent. They run for the estimate
        // (a query, with zero bounds: count, budget left, spending) as well, so that a transaction
        // over a limit fails here with a typed error rather than in the node's estimate; the real
        // transaction is checked again with its bounds.
        let max_fee = FeeBounds::from(execution).max_fee();
        if let (Some(session), false) = (self.signer.signed_session(), query_only) {
            check_fee_cap(&session.session(), max_fee)?;
        }
        let recorded = self.check_limits_with_node((execution.nonce(), execution.calls()), max_fee, query_only).await?;
        let hash = execution.transaction_hash(self.chain_id, self.address, query_only, self);
        self.signer.sign_recorded(self.address, hash, execution.calls(), recorded).await
    }

    async fn sign_declaration_v3(
        &self,
        _declaration: &RawDeclarationV3,
        _query_only: bool,
    ) -> Result<Vec<Felt>, S::Error> {
        Err(Error::DeclareNotAllowed.into())
    }

    fn is_signer_interactive(&self, context: SignerInteractivityContext<'_>) -> bool {
        match context {
            SignerInteractivityContext::Execution { calls } => self.signer.is_interactive(calls),
            SignerInteractivityContext::Other => false,
        }
    }
}

impl<P, S> ConnectedAccount for SessionAccount<P, S>
where
    P: Provider + Send + Sync,
    S: SessionSigner + Send + Sync,
{
    type Provider = P;

    fn provider(&self) -> &Self::Provider {
        &self.provider
    }

    fn block_id(&self) -> BlockId {
        self.block_id
    }
}
