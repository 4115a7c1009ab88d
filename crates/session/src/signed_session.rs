//! A session the owner has signed: everything a dApp keeps (besides the session's private key) to
//! send session transactions, as versioned JSON.

use serde::{Deserialize, Serialize};
use starknet::core::crypto::{ecdsa_verify, Signature};
use starknet::core::types::{Call, Felt};
use starknet::signers::SigningKey;

use crate::error::Error;
use crate::limits::{check_spending, spends, SpendingUsage};
use crate::request::{amount, MessageEntry, PolicyEntry, RequestFile, SessionRequest, SpendingLimitEntry};
use crate::session_hash::Session;
use crate::session_token::{session_message_hash, CallProof, SessionToken};
use crate::text::hex_felt;

/// The version of the session file ([`SignedSession::to_json`]): the layout of the JSON, not the
/// session's types ([`DOMAIN_VERSION`](crate::DOMAIN_VERSION)) nor the transaction signature's
/// ([`SESSION_TOKEN_VERSION`](crate::SESSION_TOKEN_VERSION)).
pub const SESSION_FILE_VERSION: u64 = 4;

/// The selector of the account's `register_session(session)`.
pub const REGISTER_SESSION_SELECTOR: Felt = starknet::macros::selector!("register_session");

impl SessionRequest {
    /// Signs the request with the owner's private key, for `account` on `chain_id`.
    pub fn sign(self, account: Felt, chain_id: Felt, owner: &SigningKey) -> Result<SignedSession, Error> {
        let hash = self.hash(account, chain_id);
        let signature = owner.sign(&hash)?;
        // The hash just signed, not computed again: with many spending limits, hashing is what
        // signing costs.
        Ok(SignedSession { request: self, account, chain_id, owner_signature: vec![signature.r, signature.s], hash })
    }

    /// Attaches a signature produced elsewhere (a wallet's `signMessage` of [`Self::typed_data`]).
    /// Check it with [`SignedSession::verify_owner`] when the owner key is known.
    pub fn with_owner_signature(self, account: Felt, chain_id: Felt, owner_signature: Vec<Felt>) -> SignedSession {
        SignedSession::new(self, account, chain_id, owner_signature)
    }
}

/// A session request with the owner's authorization for one account on one chain.
///
/// Its JSON form (`to_json`/`from_json`, or serde) carries a `version`, the request fields, the
/// account, the chain id, the session hash and the owner's signature. Reading it checks the
/// version, rebuilds the policy tree and rejects a file whose stored hash is not the hash of its
/// content, so a hand-edited policy list is caught before any transaction is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedSession {
    request: SessionRequest,
    account: Felt,
    chain_id: Felt,
    owner_signature: Vec<Felt>,
    hash: Felt,
}

impl SignedSession {
    fn new(request: SessionRequest, account: Felt, chain_id: Felt, owner_signature: Vec<Felt>) -> Self {
        let hash = request.hash(account, chain_id);
        Self { request, account, chain_id, owner_signature, hash }
    }

    /// The request the owner signed.
    pub fn request(&self) -> &SessionRequest {
        &self.request
    }

    /// The account the session acts for.
    pub fn account(&self) -> Felt {
        self.account
    }

    /// The chain the session is valid on.
    pub fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// The session hash (what the owner signed; also what `revoke_session` takes).
    pub fn hash(&self) -> Felt {
        self.hash
    }

    /// The fields that travel in each transaction.
    pub fn session(&self) -> Session {
        self.request.session()
    }

    /// The owner's signature over [`Self::hash`].
    pub fn owner_signature(&self) -> &[Felt] {
        &self.owner_signature
    }

    /// Checks the owner's signature against the owner public key `owner`.
    pub fn verify_owner(&self, owner: Felt) -> Result<(), Error> {
        let [r, s] = self.owner_signature[..] else {
            return Err(Error::InvalidOwnerSignature(owner));
        };
        match ecdsa_verify(&owner, &self.hash, &Signature { r, s }) {
            Ok(true) => Ok(()),
            _ => Err(Error::InvalidOwnerSignature(owner)),
        }
    }

    /// Checks that `public_key` is the session's key, before anything is signed with its
    /// private key.
    pub fn check_public_key(&self, public_key: Felt) -> Result<(), Error> {
        let expected = self.request.session_key();
        if public_key != expected {
            return Err(Error::WrongSessionKey { expected, given: public_key });
        }
        Ok(())
    }

    /// Checks that `key` is the session's private key (see [`Self::check_public_key`]).
    pub fn check_key(&self, key: &SigningKey) -> Result<(), Error> {
        self.check_public_key(key.verifying_key().scalar())
    }

    /// Checks `calls` against the policies: no call to the account itself, each
    /// `(contract, selector)` in the policy tree, its arguments obeying the policy's rules; and against the spending limits as if nothing
    /// had been spent yet (what is left needs the node: `SessionAccount` reads it). The error
    /// names the first offending call or limit.
    pub fn check_calls(&self, calls: &[Call]) -> Result<(), Error> {
        self.call_proofs(calls).map(drop)
    }

    /// One policy proof per call, or the error of [`Self::check_calls`].
    pub fn call_proofs(&self, calls: &[Call]) -> Result<Vec<CallProof>, Error> {
        let proofs = self.request.policies().call_proofs(self.account, calls).map_err(|err| match err {
            // The name the request gave the selector, if it gave one.
            Error::CallNotAllowed { index, contract, selector, name } => Error::CallNotAllowed {
                index,
                contract,
                selector,
                name: self.request.selector_name(selector).map(str::to_string).or(name),
            },
            other => other,
        })?;
        let session = self.session();
        let fresh = SpendingUsage::default();
        for (limit, amount) in spends(&session, self.account, calls)? {
            check_spending(&limit, &fresh, amount, session.valid_after, session.valid_after)?;
        }
        Ok(proofs)
    }

    /// The owner's call that records this session's authorization in the account up front
    /// (`register_session(session)`, docs/protocol.md §4, "Authorization cache"), so that even
    /// its first transaction may leave out the owner signature. Send it in an owner-signed
    /// transaction of [`Self::account`].
    pub fn register_call(&self) -> Call {
        Call { to: self.account, selector: REGISTER_SESSION_SELECTOR, calldata: self.session().to_felts() }
    }

    /// The call that ends this session for good (docs/protocol.md §4, "Logout"):
    /// `logout_session(session, signature)` with `signature`, the session key's `(r, s)` over
    /// [`logout_hash`](crate::logout_hash) of the session hash
    /// ([`SessionKeySigner::logout_call`](crate::SessionKeySigner::logout_call) signs it). Anyone
    /// may send it: the session itself, as the one call to its account it may make, or a relayer.
    pub fn logout_call(&self, signature: &[Felt]) -> Call {
        let mut calldata = self.session().to_felts();
        calldata.push(signature.len().into());
        calldata.extend_from_slice(signature);
        Call { to: self.account, selector: crate::policy_tree::LOGOUT_SESSION_SELECTOR, calldata }
    }

    /// The message the session key signs for the transaction `transaction_hash`.
    pub fn message_hash(&self, transaction_hash: Felt) -> Felt {
        session_message_hash(transaction_hash, self.hash)
    }

    /// The session token (the transaction signature, docs/protocol.md §3) of a transaction whose
    /// calls have `proofs`, with the session key's `session_signature` of [`Self::message_hash`].
    pub fn token(&self, session_signature: Vec<Felt>, proofs: Vec<CallProof>) -> SessionToken {
        SessionToken {
            session: self.session(),
            owner_signature: self.owner_signature.clone(),
            session_signature,
            proofs,
        }
    }

    /// The transaction signature of the transaction with hash `transaction_hash` made of `calls`,
    /// signed with the session's private key `key` (what [`SessionKeySigner`](crate::SessionKeySigner)
    /// does with any signer).
    pub fn sign_transaction(
        &self,
        key: &SigningKey,
        transaction_hash: Felt,
        calls: &[Call],
    ) -> Result<Vec<Felt>, Error> {
        let proofs = self.call_proofs(calls)?;
        let signature = key.sign(&self.message_hash(transaction_hash))?;
        Ok(self.token(vec![signature.r, signature.s], proofs).to_felts())
    }

    /// The JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| unreachable!("serializing felts: {e}"))
    }

    /// Reads the JSON form, with the checks described on the type. An error names the field
    /// that is wrong ([`Error::JsonField`]).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let deserializer = &mut serde_json::Deserializer::from_str(json);
        let file: SignedSessionFile = serde_path_to_error::deserialize(deserializer).map_err(json_error)?;
        Self::from_file(file)
    }

    fn from_file(file: SignedSessionFile) -> Result<Self, Error> {
        if file.version != SESSION_FILE_VERSION {
            return Err(Error::UnsupportedFileVersion { found: file.version, supported: SESSION_FILE_VERSION });
        }
        let request = SessionRequest::from_file(RequestFile {
            session_key: file.session_key,
            valid_after: file.valid_after,
            valid_until: file.valid_until,
            max_fee: file.max_fee,
            fee_budget: file.fee_budget,
            max_transactions: file.max_transactions,
            epoch: file.epoch,
            spending_limits: file.spending_limits,
            policies: file.policies,
            messages: file.messages,
        })?;
        let session = Self::new(request, file.account, file.chain_id, file.owner_signature);
        if session.hash != file.session_hash {
            return Err(Error::HashMismatch { stored: file.session_hash, computed: session.hash });
        }
        Ok(session)
    }
}

/// A JSON error with the path of the field it is about, when it is about one.
pub(crate) fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let field = err.path().to_string();
    let error = err.into_inner();
    if field == "." || error.is_syntax() || error.is_eof() {
        return Error::Json(error);
    }
    Error::JsonField { field, error }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedSessionFile {
    version: u64,
    #[serde(with = "hex_felt")]
    account: Felt,
    #[serde(with = "hex_felt")]
    chain_id: Felt,
    #[serde(with = "hex_felt")]
    session_hash: Felt,
    #[serde(with = "hex_felt")]
    session_key: Felt,
    valid_after: u64,
    valid_until: u64,
    #[serde(with = "amount")]
    max_fee: u128,
    #[serde(with = "amount")]
    fee_budget: u128,
    max_transactions: u32,
    #[serde(with = "hex_felt")]
    epoch: Felt,
    spending_limits: Vec<SpendingLimitEntry>,
    policies: Vec<PolicyEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    messages: Vec<MessageEntry>,
    #[serde(with = "hex_felt::list")]
    owner_signature: Vec<Felt>,
}

impl Serialize for SignedSession {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let request = self.request.to_file();
        SignedSessionFile {
            version: SESSION_FILE_VERSION,
            account: self.account,
            chain_id: self.chain_id,
            session_hash: self.hash,
            session_key: request.session_key,
            valid_after: request.valid_after,
            valid_until: request.valid_until,
            max_fee: request.max_fee,
            fee_budget: request.fee_budget,
            max_transactions: request.max_transactions,
            epoch: request.epoch,
            spending_limits: request.spending_limits,
            policies: request.policies,
            messages: request.messages,
            owner_signature: self.owner_signature.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SignedSession {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_file(SignedSessionFile::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session_key() -> SigningKey {
        SigningKey::from_secret_scalar(Felt::from(0x5e55u32))
    }

    fn signed() -> (SignedSession, Felt) {
        let owner = SigningKey::from_secret_scalar(Felt::ONE);
        let request = SessionRequest::builder(session_key().verifying_key().scalar())
            .valid_until(1_000)
            .max_fee(10)
            .fee_budget(100)
            .allow(Felt::from(0x7a46e7u32), "transfer")
            .build()
            .unwrap();
        let session = request.sign(Felt::from(0xacc0u32), Felt::from(0x534eu32), &owner).unwrap();
        (session, owner.verifying_key().scalar())
    }

    #[test]
    fn a_call_outside_the_policies_is_named() {
        let (session, _) = signed();
        let token = Felt::from(0x7a46e7u32);
        let call = |to, name| Call {
            to,
            selector: starknet::core::utils::get_selector_from_name(name).unwrap(),
            calldata: vec![],
        };
        // A well-known entry point: named.
        let err = session.check_calls(&[call(token, "transfer"), call(token, "approve")]).unwrap_err();
        assert!(
            matches!(&err, Error::CallNotAllowed { index: 1, name: Some(name), .. } if name == "approve"),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("call #1 (0x7a46e7, `approve` (selector 0x"), "{err}");
        // A selector the session names, on a contract it does not allow it on: the session's name.
        let err = session.check_calls(&[call(Felt::ONE, "transfer")]).unwrap_err();
        assert!(matches!(&err, Error::CallNotAllowed { name: Some(name), .. } if name == "transfer"), "{err:?}");
        // Neither: the selector alone.
        let err = session.check_calls(&[call(token, "play_a_move")]).unwrap_err();
        assert!(matches!(err, Error::CallNotAllowed { name: None, .. }), "{err:?}");
        assert!(err.to_string().contains("(0x7a46e7, selector 0x"), "{err}");
    }

    #[test]
    fn json_round_trip_and_owner_check() {
        let (session, owner) = signed();
        let back = SignedSession::from_json(&session.to_json()).unwrap();
        assert_eq!(back, session);
        back.verify_owner(owner).unwrap();
        back.check_key(&session_key()).unwrap();
        let err = back.check_key(&SigningKey::from_secret_scalar(Felt::ONE)).unwrap_err();
        assert!(matches!(err, Error::WrongSessionKey { .. }), "{err:?}");
        assert!(matches!(back.verify_owner(Felt::TWO), Err(Error::InvalidOwnerSignature(_))));
    }

    #[test]
    fn rejects_edited_files_and_other_versions() {
        let (session, _) = signed();
        let json = session.to_json();
        let later = json.replace("\"valid_until\": 1000", "\"valid_until\": 9999");
        assert!(matches!(SignedSession::from_json(&later), Err(Error::HashMismatch { .. })));
        let v3 = json.replace("\"version\": 4", "\"version\": 3");
        assert!(matches!(SignedSession::from_json(&v3), Err(Error::UnsupportedFileVersion { found: 3, supported: 4 })));
        let cheaper = json.replace("\"fee_budget\": \"100\"", "\"fee_budget\": \"1000\"");
        assert!(matches!(SignedSession::from_json(&cheaper), Err(Error::HashMismatch { .. })));
        assert!(matches!(SignedSession::from_json("{"), Err(Error::Json(_))));
        // A file without a field the owner signed (the epoch of a file of before the epoch): refused.
        let no_epoch = json.replace("\"epoch\": \"0x0\",", "");
        assert_ne!(no_epoch, json);
        let err = SignedSession::from_json(&no_epoch).unwrap_err();
        assert!(err.to_string().contains("missing field `epoch`"), "{err:?}");
        let extra = json.replacen('{', "{\"surprise\": 1,", 1);
        assert!(matches!(SignedSession::from_json(&extra), Err(Error::Json(_) | Error::JsonField { .. })));
    }

    /// Issue #23, item 10: an error in a session file names the field, its position and the
    /// cause.
    #[test]
    fn errors_name_the_field_and_the_cause() {
        let (session, _) = signed();
        let mut file: serde_json::Value = serde_json::from_str(&session.to_json()).unwrap();
        file["policies"][0]["selector"] = "0x800000000000011000000000000000000000000000000000000000000000001".into();
        let err = SignedSession::from_json(&file.to_string()).unwrap_err();
        let text = err.to_string();
        assert!(matches!(&err, Error::JsonField { field, .. } if field == "policies[0].selector"), "{err:?}");
        assert!(
            text.contains("at `policies[0].selector`: `0x8000") && text.contains("not below the field prime"),
            "{text}"
        );
        let mut file: serde_json::Value = serde_json::from_str(&session.to_json()).unwrap();
        file["policies"][0]["\u{1b}[2J"] = 1.into();
        let text = SignedSession::from_json(&file.to_string()).unwrap_err().to_string();
        assert!(text.contains("unknown field `\\u{1b}[2J`") && !text.contains('\u{1b}'), "{text}");
    }
}
