//! Who signs for an Argent account: its owner (with the guardian's co-signature) or a session key
//! with the guardian's co-signature ([`Guardian`]), as [`SessionSigner`]s of a
//! [`SessionAccount`](crate::SessionAccount).

use std::fmt;

use async_trait::async_trait;
use starknet::core::types::{Call, Felt};
use starknet::signers::SigningKey;

use super::session::ArgentSession;
use super::token::{session_message_hash, signer_signatures, ArgentSessionToken, StarknetSignerSignature};
use crate::error::Error;
use crate::signer::{PublicOnly, SessionSigner, HIDDEN};

/// What a guardian is asked to co-sign for one session transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CosignRequest {
    /// The account.
    pub account: Felt,
    /// The session's hash.
    pub session_hash: Felt,
    /// The transaction's hash.
    pub transaction_hash: Felt,
    /// The token's cache flag.
    pub cache_authorization: bool,
}

impl CosignRequest {
    /// The hash to sign: [`session_message_hash`].
    pub fn message_hash(&self) -> Felt {
        session_message_hash(self.transaction_hash, self.session_hash, self.cache_authorization)
    }
}

/// The account's guardian, which co-signs every session transaction (in production, Argent's
/// backend; see the module docs for what a remote co-signer would need).
#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
pub trait Guardian {
    /// The guardian's signature for `request`.
    async fn cosign(&self, request: &CosignRequest) -> Result<StarknetSignerSignature, Error>;
}

/// A guardian key held locally signs whatever it is asked.
#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl Guardian for SigningKey {
    async fn cosign(&self, request: &CosignRequest) -> Result<StarknetSignerSignature, Error> {
        StarknetSignerSignature::sign(self, request.message_hash())
    }
}

/// How a session transaction presents the owner's authorization of the session, with Argent's
/// authorization cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheMode {
    /// Send it and have it verified every time (x-sessions' default).
    #[default]
    Verify,
    /// Send it with the cache flag: the first transaction verifies and caches it, later ones skip
    /// the verification (x-sessions' `useCacheAuthorisation`).
    Cache,
    /// Cache flag set and the authorization left out: only valid once the account has cached it
    /// (saves its calldata).
    Cached,
}

/// Signs as the owner, with the guardian's co-signature when the account has one. Its `Debug`
/// output shows the public keys only.
#[derive(Clone)]
pub struct ArgentOwnerSigner {
    owner: SigningKey,
    guardian: Option<SigningKey>,
}

impl fmt::Debug for ArgentOwnerSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArgentOwnerSigner")
            .field("owner", &PublicOnly(&self.owner))
            .field("guardian", &self.guardian.as_ref().map(PublicOnly))
            .finish()
    }
}

impl ArgentOwnerSigner {
    /// The owner `owner` and, for an account with a guardian, its key.
    pub fn new(owner: SigningKey, guardian: Option<SigningKey>) -> Self {
        Self { owner, guardian }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl SessionSigner for ArgentOwnerSigner {
    type Error = Error;

    async fn sign_transaction(
        &self,
        _account: Felt,
        transaction_hash: Felt,
        _calls: &[Call],
    ) -> Result<Vec<Felt>, Error> {
        let mut signatures = vec![StarknetSignerSignature::sign(&self.owner, transaction_hash)?];
        if let Some(guardian) = &self.guardian {
            signatures.push(StarknetSignerSignature::sign(guardian, transaction_hash)?);
        }
        Ok(signer_signatures(&signatures))
    }
}

/// Signs with a session key and the guardian's co-signature. Its `Debug` output shows neither
/// key.
#[derive(Clone)]
pub struct ArgentSessionSigner<G> {
    session: ArgentSession,
    session_hash: Felt,
    authorization: Vec<Felt>,
    key: SigningKey,
    guardian: G,
    mode: CacheMode,
}

impl<G> fmt::Debug for ArgentSessionSigner<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArgentSessionSigner")
            .field("session", &self.session)
            .field("session_hash", &format_args!("{:#x}", self.session_hash))
            .field("authorization", &self.authorization)
            .field("key", &PublicOnly(&self.key))
            .field("guardian", &HIDDEN)
            .field("mode", &self.mode)
            .finish()
    }
}

impl<G> ArgentSessionSigner<G> {
    /// A signer for `session` on `account` and `chain_id`, authorized by `authorization` (the
    /// owner's and guardian's signature array), signing with the session's private `key`.
    pub fn new(
        session: ArgentSession,
        account: Felt,
        chain_id: Felt,
        authorization: Vec<Felt>,
        key: SigningKey,
        guardian: G,
    ) -> Result<Self, Error> {
        let given = key.verifying_key().scalar();
        if given != session.session_key() {
            return Err(Error::WrongSessionKey { expected: session.session_key(), given });
        }
        let session_hash = session.hash(account, chain_id);
        Ok(Self { session, session_hash, authorization, key, guardian, mode: CacheMode::default() })
    }

    /// Sets how the authorization is presented (default: [`CacheMode::Verify`]).
    pub fn set_cache_mode(&mut self, mode: CacheMode) -> &mut Self {
        self.mode = mode;
        self
    }

    /// The session.
    pub fn session(&self) -> &ArgentSession {
        &self.session
    }

    /// The session hash.
    pub fn session_hash(&self) -> Felt {
        self.session_hash
    }

    /// The guardian.
    pub fn guardian(&self) -> &G {
        &self.guardian
    }

    /// The token for the transaction `transaction_hash` made of `calls` from `account`.
    pub async fn token(
        &self,
        account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
    ) -> Result<ArgentSessionToken, Error>
    where
        G: Guardian + Sync,
    {
        let proofs = self.session.proofs(account, calls)?;
        let cache_authorization = self.mode != CacheMode::Verify;
        let request = CosignRequest { account, session_hash: self.session_hash, transaction_hash, cache_authorization };
        let session_signature = StarknetSignerSignature::sign(&self.key, request.message_hash())?;
        let guardian_signature = self.guardian.cosign(&request).await?;
        let session_authorization =
            if self.mode == CacheMode::Cached { Vec::new() } else { self.authorization.clone() };
        Ok(ArgentSessionToken {
            session: self.session.on_chain(),
            cache_authorization,
            session_authorization,
            session_signature,
            guardian_signature,
            proofs,
        })
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl<G: Guardian + Send + Sync> SessionSigner for ArgentSessionSigner<G> {
    type Error = Error;

    async fn sign_transaction(
        &self,
        account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
    ) -> Result<Vec<Felt>, Error> {
        Ok(self.token(account, transaction_hash, calls).await?.to_signature())
    }
}
