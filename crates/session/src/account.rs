//! `SessionAccount`: a starknet-rs [`Account`] that signs with a session key, so every starknet-rs
//! and cainome API (`execute_v3(calls).send()`, fee estimation, generated bindings) uses sessions
//! unchanged.

use async_trait::async_trait;
use starknet::accounts::{
    Account, ConnectedAccount, ExecutionEncoder, RawDeclarationV3, RawExecutionV3,
};
use starknet::core::types::{BlockId, BlockTag, Call, Felt, FunctionCall};
use starknet::macros::selector;
use starknet::providers::Provider;
use starknet::signers::{SignerInteractivityContext, SigningKey};

use crate::error::Error;
use crate::signed_session::SignedSession;

/// An account that sends transactions authorized by a session: it holds the signed session and the
/// session's private key, and nothing of the owner.
#[derive(Debug, Clone)]
pub struct SessionAccount<P> {
    provider: P,
    session: SignedSession,
    key: SigningKey,
    block_id: BlockId,
}

impl<P> SessionAccount<P>
where
    P: Provider + Send + Sync,
{
    /// A session account on `provider`. Fails if `key` is not the session's key.
    pub fn new(provider: P, session: SignedSession, key: SigningKey) -> Result<Self, Error> {
        session.check_key(&key)?;
        Ok(Self { provider, session, key, block_id: BlockId::Tag(BlockTag::PreConfirmed) })
    }

    /// A session account on `provider`, after checking with the node what would otherwise only
    /// surface as a rejected transaction: the node's chain is the session's, the account's current
    /// owner signed the session (the account exposes `get_owner`), and the session is not revoked.
    pub async fn connect(provider: P, session: SignedSession, key: SigningKey) -> Result<Self, Error> {
        let account = Self::new(provider, session, key)?;
        let node_chain = account.provider.chain_id().await?;
        if node_chain != account.session.chain_id() {
            return Err(Error::ChainMismatch { session: account.session.chain_id(), node: node_chain });
        }
        let owner = account.read(selector!("get_owner"), vec![]).await?;
        account.session.verify_owner(owner)?;
        let revoked = account.read(selector!("is_session_revoked"), vec![account.session.hash()]).await?;
        if revoked != Felt::ZERO {
            return Err(Error::Revoked(account.session.hash()));
        }
        Ok(account)
    }

    /// Calls a one-felt view of the account.
    async fn read(&self, selector: Felt, calldata: Vec<Felt>) -> Result<Felt, Error> {
        let call = FunctionCall { contract_address: self.session.account(), entry_point_selector: selector, calldata };
        let result = self.provider.call(call, self.block_id).await?;
        match result.as_slice() {
            [value] => Ok(*value),
            _ => Err(Error::Node(format!("the account answered {result:?} to a one-felt view"))),
        }
    }

    /// Sets the block that nonces and estimates are read from (default: pre-confirmed).
    pub fn set_block_id(&mut self, block_id: BlockId) -> &mut Self {
        self.block_id = block_id;
        self
    }

    /// The signed session this account uses.
    pub fn session(&self) -> &SignedSession {
        &self.session
    }

    /// Checks `calls` against the session's policies (see [`SignedSession::check_calls`]).
    pub fn check_calls(&self, calls: &[Call]) -> Result<(), Error> {
        self.session.check_calls(calls)
    }
}

/// `__execute__`'s calldata for `calls`: the Cairo serialization of `Array<Call>`.
pub fn encode_execute_calldata(calls: &[Call]) -> Vec<Felt> {
    let mut out = vec![Felt::from(calls.len())];
    for call in calls {
        out.extend([call.to, call.selector, Felt::from(call.calldata.len())]);
        out.extend_from_slice(&call.calldata);
    }
    out
}

impl<P: Send + Sync> ExecutionEncoder for SessionAccount<P> {
    fn encode_calls(&self, calls: &[Call]) -> Vec<Felt> {
        encode_execute_calldata(calls)
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl<P> Account for SessionAccount<P>
where
    P: Provider + Send + Sync,
{
    type SignError = Error;

    fn address(&self) -> Felt {
        self.session.account()
    }

    fn chain_id(&self) -> Felt {
        self.session.chain_id()
    }

    async fn sign_execution_v3(
        &self,
        execution: &RawExecutionV3,
        query_only: bool,
    ) -> Result<Vec<Felt>, Self::SignError> {
        let hash = execution.transaction_hash(self.chain_id(), self.address(), query_only, self);
        self.session.sign_transaction(&self.key, hash, execution.calls())
    }

    async fn sign_declaration_v3(
        &self,
        _declaration: &RawDeclarationV3,
        _query_only: bool,
    ) -> Result<Vec<Felt>, Self::SignError> {
        Err(Error::DeclareNotAllowed)
    }

    fn is_signer_interactive(&self, _context: SignerInteractivityContext<'_>) -> bool {
        false
    }
}

impl<P> ConnectedAccount for SessionAccount<P>
where
    P: Provider + Send + Sync,
{
    type Provider = P;

    fn provider(&self) -> &Self::Provider {
        &self.provider
    }

    fn block_id(&self) -> BlockId {
        self.block_id
    }
}
