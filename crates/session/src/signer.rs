//! How a [`SessionAccount`](crate::SessionAccount) signs: the [`SessionSigner`] trait, and
//! [`SessionKeySigner`], our format's signer, which holds the signed session and the session key
//! as any starknet-rs [`Signer`].

use std::fmt;

use async_trait::async_trait;
use starknet::core::types::{Call, Felt};
use starknet::signers::{LocalWallet, Signer, SignerInteractivityContext, SigningKey};

use crate::error::{Error, SignError};
use crate::signed_session::SignedSession;

/// The order `n` of the Stark curve's group: a private key is a number from 1 to `n - 1`.
pub const CURVE_ORDER: Felt =
    Felt::from_hex_unchecked("0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f");

/// The private key with the secret scalar `secret`, refused unless it is in `1..n-1`
/// ([`CURVE_ORDER`]): starknet-rs's `SigningKey` takes any felt, and with 0 or a multiple of the
/// order its public key is the point at infinity, which panics when asked for.
pub fn signing_key(secret: Felt) -> Result<SigningKey, Error> {
    if secret == Felt::ZERO {
        return Err(Error::InvalidPrivateKey("0"));
    }
    if secret >= CURVE_ORDER {
        return Err(Error::InvalidPrivateKey("a number of n or more"));
    }
    Ok(SigningKey::from_secret_scalar(secret))
}

/// What signs the transactions of a [`SessionAccount`](crate::SessionAccount): given the account,
/// the transaction hash and the calls, the whole transaction signature. Our format
/// ([`SessionKeySigner`]) and Argent's (`argent::ArgentSessionSigner`, and Argent's owner with
/// its guardian, `argent::ArgentOwnerSigner`) are signers; so is a test's forger that signs what
/// a broken client would.
#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
pub trait SessionSigner {
    /// Why signing failed; the SDK's own refusals (a call the session does not allow, a
    /// declaration) convert into it.
    type Error: std::error::Error + From<Error> + Send + Sync + 'static;

    /// The signature of the transaction with hash `transaction_hash` from `account`, made of
    /// `calls`.
    async fn sign_transaction(
        &self,
        account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
    ) -> Result<Vec<Felt>, Self::Error>;

    /// Signs like [`Self::sign_transaction`], told whether the account has recorded the
    /// session's authorization (`recorded`, read from the account's usage view before signing):
    /// a signer of our format then sends the short token without the owner signature
    /// (docs/protocol.md §3). By default, the same as `sign_transaction`.
    async fn sign_recorded(
        &self,
        account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
        _recorded: bool,
    ) -> Result<Vec<Felt>, Self::Error> {
        self.sign_transaction(account, transaction_hash, calls).await
    }

    /// Whether signing the execution of `calls` asks someone (a hardware key, a remote
    /// co-signer), so starknet-rs signs once instead of once per estimate.
    fn is_interactive(&self, _calls: &[Call]) -> bool {
        false
    }

    /// The session of our format this signer signs for, whose limits the
    /// [`SessionAccount`](crate::SessionAccount) checks before it signs a transaction (the fee
    /// cap locally, the count and the budget with one read of the account's usage view). `None`
    /// (the default) for signers of other formats.
    fn signed_session(&self) -> Option<&SignedSession> {
        None
    }
}

/// Our session format's signer: the signed session and its key, any starknet-rs [`Signer`] (a
/// local key by default). Its `Debug` output shows the session and never the key.
#[derive(Clone)]
pub struct SessionKeySigner<K = LocalWallet> {
    session: SignedSession,
    key: K,
}

/// What `Debug` output shows in place of a private key. Written by hand because starknet-rs's
/// `SigningKey` (inside `LocalWallet` too) derives `Debug` and prints its secret scalar.
pub(crate) const HIDDEN: &str = "<hidden>";

/// A key in `Debug` output: its public key, never its secret.
pub(crate) struct PublicOnly<'a>(pub(crate) &'a SigningKey);

impl fmt::Debug for PublicOnly<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &format_args!("{:#x}", self.0.verifying_key().scalar()))
            .field("secret", &HIDDEN)
            .finish()
    }
}

impl<K> fmt::Debug for SessionKeySigner<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKeySigner").field("session", &self.session).field("key", &HIDDEN).finish()
    }
}

impl SessionKeySigner<LocalWallet> {
    /// The signer of `session` with its private key `key`. Fails if `key` is not the session's.
    pub fn from_signing_key(session: SignedSession, key: SigningKey) -> Result<Self, Error> {
        session.check_key(&key)?;
        Ok(Self { session, key: LocalWallet::from_signing_key(key) })
    }
}

impl<K: Signer> SessionKeySigner<K> {
    /// The signer of `session` with the session key `key`, after asking `key` for its public key
    /// and checking it is the session's.
    pub async fn new(session: SignedSession, key: K) -> Result<Self, SignError<K::GetPublicKeyError>> {
        let public_key = key.get_public_key().await.map_err(SignError::Signer)?;
        session.check_public_key(public_key.scalar())?;
        Ok(Self { session, key })
    }

    /// The signed session.
    pub fn session(&self) -> &SignedSession {
        &self.session
    }

    /// The session key's signer.
    pub fn key(&self) -> &K {
        &self.key
    }

    /// The call that ends the session for good, signed by its key: [`SignedSession::logout_call`]
    /// with the key's signature of [`logout_hash`](crate::logout_hash). Send it as a transaction
    /// of the session ([`SessionAccount::logout`](crate::SessionAccount::logout)) or through
    /// anyone's account.
    pub async fn logout_call(&self) -> Result<Call, SignError<K::SignError>> {
        let hash = crate::revocation::logout_hash(self.session.hash());
        let signature = self.key.sign_hash(&hash).await.map_err(SignError::Signer)?;
        Ok(self.session.logout_call(&[signature.r, signature.s]))
    }

    /// Signs the SNIP-12 revision 1 `typed_data` for the account's `is_valid_signature`
    /// (docs/protocol.md §6), once the session is found to allow it
    /// ([`SignedSession::allowed_message`]; refused before the key is asked): returns the message
    /// hash and the signature. `recorded` (the account has recorded the session's authorization)
    /// leaves the owner signature out.
    pub async fn sign_message(
        &self,
        typed_data: &serde_json::Value,
        recorded: bool,
    ) -> Result<(Felt, Vec<Felt>), SignError<K::SignError>> {
        let (hash, parts, index) = self.session.allowed_message(typed_data)?;
        let signed = crate::session_message::session_message_signed_hash(hash, self.session.hash());
        let signature = self.key.sign_hash(&signed).await.map_err(SignError::Signer)?;
        let mut token = self.session.message_token(&parts, index, vec![signature.r, signature.s])?;
        if recorded {
            token.owner_signature.clear();
        }
        Ok((hash, token.to_felts()))
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl<K> SessionSigner for SessionKeySigner<K>
where
    K: Signer + Send + Sync,
    K::SignError: 'static,
{
    type Error = SignError<K::SignError>;

    async fn sign_transaction(
        &self,
        account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
    ) -> Result<Vec<Felt>, Self::Error> {
        self.sign_recorded(account, transaction_hash, calls, false).await
    }

    async fn sign_recorded(
        &self,
        _account: Felt,
        transaction_hash: Felt,
        calls: &[Call],
        recorded: bool,
    ) -> Result<Vec<Felt>, Self::Error> {
        // The proofs first: a call the session does not allow is refused before the key is asked.
        let proofs = self.session.call_proofs(calls)?;
        let message = self.session.message_hash(transaction_hash);
        let signature = self.key.sign_hash(&message).await.map_err(SignError::Signer)?;
        let token = self.session.token(vec![signature.r, signature.s], proofs);
        Ok(if recorded { token.short() } else { token }.to_felts())
    }

    fn is_interactive(&self, calls: &[Call]) -> bool {
        self.key.is_interactive(SignerInteractivityContext::Execution { calls })
    }

    fn signed_session(&self) -> Option<&SignedSession> {
        Some(&self.session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SessionRequest, SessionToken};

    #[test]
    fn private_keys_are_from_1_to_n_minus_1() {
        assert!(matches!(signing_key(Felt::ZERO), Err(Error::InvalidPrivateKey(_))));
        assert!(matches!(signing_key(CURVE_ORDER), Err(Error::InvalidPrivateKey(_))));
        assert!(matches!(signing_key(Felt::MAX), Err(Error::InvalidPrivateKey(_))));
        let last = signing_key(CURVE_ORDER - Felt::ONE).unwrap();
        // n - 1 is -1: its public key is the generator's mirror, with the generator's x.
        assert_eq!(last.verifying_key().scalar(), signing_key(Felt::ONE).unwrap().verifying_key().scalar());
        let signature = last.sign(&Felt::TWO).unwrap();
        assert!(last.verifying_key().verify(&Felt::TWO, &signature).unwrap());
    }

    fn session(key: &SigningKey) -> SignedSession {
        SessionRequest::builder(key.verifying_key().scalar())
            .valid_until(1_000)
            .max_fee(10)
            .fee_budget(100)
            .allow(Felt::from(0x7a46e7u32), "transfer")
            .build()
            .unwrap()
            .sign(Felt::from(0xacc0u32), Felt::from(0x534eu32), &SigningKey::from_secret_scalar(Felt::ONE))
            .unwrap()
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn any_signer_signs_the_same_token_as_the_local_key() {
        let key = SigningKey::from_secret_scalar(Felt::from(0x5e55u32));
        let session = session(&key);
        let wallet =
            block_on(SessionKeySigner::new(session.clone(), LocalWallet::from_signing_key(key.clone()))).unwrap();
        let calls =
            [Call { to: Felt::from(0x7a46e7u32), selector: starknet::macros::selector!("transfer"), calldata: vec![] }];
        let felts = block_on(wallet.sign_transaction(session.account(), Felt::from(9u8), &calls)).unwrap();
        let token = SessionToken::from_felts(&felts).unwrap();
        assert_eq!(
            token,
            SessionToken::from_felts(&session.sign_transaction(&key, Felt::from(9u8), &calls).unwrap()).unwrap()
        );
        let [r, s] = token.session_signature[..] else { panic!("two felts") };
        assert!(starknet_crypto::verify(&key.verifying_key().scalar(), &session.message_hash(Felt::from(9u8)), &r, &s)
            .unwrap());
    }

    #[test]
    fn debug_output_never_shows_a_private_key() {
        let secret = Felt::from_hex_unchecked("0x5e55c2e7");
        let key = SigningKey::from_secret_scalar(secret);
        let signer = SessionKeySigner::from_signing_key(session(&key), key.clone()).unwrap();
        let provider = starknet::providers::JsonRpcClient::new(starknet::providers::jsonrpc::HttpTransport::new(
            starknet::providers::Url::parse("http://127.0.0.1:1").unwrap(),
        ));
        let account = crate::SessionAccount::from_session(provider, signer.clone());
        let owner = crate::argent::ArgentOwnerSigner::new(key.clone(), Some(key.clone()));
        for shown in [format!("{signer:?}"), format!("{account:?}"), format!("{owner:?}"), format!("{owner:#?}")] {
            for secret_text in
                [format!("{secret:#x}"), format!("{secret:x}"), secret.to_string(), format!("{secret:?}")]
            {
                assert!(!shown.contains(&secret_text), "{secret_text} in {shown}");
            }
            assert!(shown.contains(HIDDEN), "{shown}");
        }
        // What it does show, for someone debugging: the session, and the owner's public key.
        assert!(format!("{account:?}").contains("SessionKeySigner"));
        assert!(format!("{owner:?}").contains(&format!("{:#x}", key.verifying_key().scalar())));
    }

    #[test]
    fn refuses_another_key_and_calls_outside_the_policies() {
        let key = SigningKey::from_secret_scalar(Felt::from(0x5e55u32));
        let session = session(&key);
        let other = LocalWallet::from_signing_key(SigningKey::from_secret_scalar(Felt::TWO));
        let err = block_on(SessionKeySigner::new(session.clone(), other)).unwrap_err();
        assert!(matches!(err, SignError::Session(Error::WrongSessionKey { .. })), "{err:?}");
        let signer = SessionKeySigner::from_signing_key(session.clone(), key).unwrap();
        let approve =
            [Call { to: Felt::from(0x7a46e7u32), selector: starknet::macros::selector!("approve"), calldata: vec![] }];
        let err = block_on(signer.sign_transaction(session.account(), Felt::ONE, &approve)).unwrap_err();
        assert!(matches!(err, SignError::Session(Error::CallNotAllowed { index: 0, .. })), "{err:?}");
    }
}
