//! Argent's session token: the transaction signature `['session-token', ...SessionToken]`, the
//! hash the session key and the guardian sign, and Argent's signer-signature encoding.

use starknet::core::types::Felt;
use starknet::macros::short_string;
use starknet::signers::SigningKey;
use starknet_crypto::poseidon_hash_many;

use super::session::{ArgentSession, OnChainSession};
use crate::error::Error;

/// `'session-token'`: the first felt of an Argent session transaction signature.
pub const SESSION_MAGIC: Felt = short_string!("session-token");

/// What the session key and the guardian sign for a session transaction:
/// `poseidon(tx_hash, session_hash, cache_authorization)`.
pub fn session_message_hash(transaction_hash: Felt, session_hash: Felt, cache_authorization: bool) -> Felt {
    poseidon_hash_many(&[transaction_hash, session_hash, Felt::from(cache_authorization)])
}

/// One signature by a Stark key in Argent's signer-signature format: the Cairo enum
/// `SignerSignature::Starknet((StarknetSigner { pubkey }, StarknetSignature { r, s }))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StarknetSignerSignature {
    /// The signer's public key.
    pub public_key: Felt,
    /// The signature's `r`.
    pub r: Felt,
    /// The signature's `s`.
    pub s: Felt,
}

impl StarknetSignerSignature {
    /// Signs `hash` with `key`.
    pub fn sign(key: &SigningKey, hash: Felt) -> Result<Self, Error> {
        let signature = key.sign(&hash)?;
        Ok(Self { public_key: key.verifying_key().scalar(), r: signature.r, s: signature.s })
    }

    /// The Cairo serialization: `[0 (the Starknet variant), pubkey, r, s]`.
    pub fn to_felts(&self) -> [Felt; 4] {
        [Felt::ZERO, self.public_key, self.r, self.s]
    }
}

/// The account signature of several signers (owner first, then guardian): the Cairo
/// serialization of `Array<SignerSignature>`, which Argent's account reads for transactions and
/// for a session's authorization.
pub fn signer_signatures(signatures: &[StarknetSignerSignature]) -> Vec<Felt> {
    let mut out = Vec::with_capacity(1 + 4 * signatures.len());
    out.push(Felt::from(signatures.len()));
    for signature in signatures {
        out.extend(signature.to_felts());
    }
    out
}

/// Here rather than in `session`, which the token builds on: the authorization is in the token's
/// signer-signature format.
impl ArgentSession {
    /// The session's authorization by an account with a guardian: owner and guardian both sign
    /// the session hash, in signer-signature format (what Argent's wallet returns).
    pub fn authorize(
        &self,
        account: Felt,
        chain_id: Felt,
        owner: &SigningKey,
        guardian: &SigningKey,
    ) -> Result<Vec<Felt>, Error> {
        let hash = self.hash(account, chain_id);
        Ok(signer_signatures(&[
            StarknetSignerSignature::sign(owner, hash)?,
            StarknetSignerSignature::sign(guardian, hash)?,
        ]))
    }
}

/// Argent's `SessionToken`: the transaction signature of a session transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgentSessionToken {
    /// The session's on-chain fields.
    pub session: OnChainSession,
    /// Whether the account should cache (or has cached) the authorization.
    pub cache_authorization: bool,
    /// Owner and guardian signatures of the session hash (may be empty once cached).
    pub session_authorization: Vec<Felt>,
    /// The session key's signature of [`session_message_hash`].
    pub session_signature: StarknetSignerSignature,
    /// The guardian's signature of the same hash.
    pub guardian_signature: StarknetSignerSignature,
    /// One Merkle proof per call.
    pub proofs: Vec<Vec<Felt>>,
}

impl ArgentSessionToken {
    /// The transaction signature: `'session-token'` and the Cairo serialization of the token.
    pub fn to_signature(&self) -> Vec<Felt> {
        let proof_felts: usize = self.proofs.iter().map(|p| p.len() + 1).sum();
        let mut out = Vec::with_capacity(16 + self.session_authorization.len() + proof_felts);
        out.push(SESSION_MAGIC);
        out.extend([
            self.session.expires_at.into(),
            self.session.allowed_methods_root,
            self.session.metadata_hash,
            self.session.session_key_guid,
            Felt::from(self.cache_authorization),
            Felt::from(self.session_authorization.len()),
        ]);
        out.extend_from_slice(&self.session_authorization);
        out.extend(self.session_signature.to_felts());
        out.extend(self.guardian_signature.to_felts());
        out.push(Felt::from(self.proofs.len()));
        for proof in &self.proofs {
            out.push(Felt::from(proof.len()));
            out.extend_from_slice(proof);
        }
        out
    }
}
