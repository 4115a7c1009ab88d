//! Session-signed messages (docs/protocol.md §6): the signature a session key gives a SNIP-12
//! revision 1 message, which the account's `is_valid_signature` accepts when one of the session's
//! message policies names the message's domain and primary type (its type string) and its rules
//! hold on the members. Mirrors `contracts/src/session/session_message.cairo`.
//!
//! ```text
//! magic ('sk-session-msg'), version (SESSION_TOKEN_VERSION), the session (as in a transaction),
//! owner_signature (len, felts…), session_signature (len, felts…),
//! messages (count, then each as domain_name, domain_version, type_string (len, its ByteArray
//! serialization), rules (count, each as in a call's proof)),
//! index (the policy the message follows), members (len, felts…)
//! ```

use serde_json::Value;
use starknet::core::types::{BlockId, Felt};
use starknet::macros::{selector, short_string};
use starknet::providers::Provider;
use starknet::signers::SigningKey;
use starknet_crypto::poseidon_hash_many;

use crate::error::Error;
use crate::node::read_felt;
use crate::session_hash::{MessageScope, Session};
use crate::session_token::{parse_header, push_span, Reader, SESSION_TOKEN_VERSION};
use crate::signed_session::SignedSession;
use crate::typed_data::{message_parts, MessageParts};

/// `'sk-session-msg'`: the first felt of every session-signed message's signature. Not the
/// session token's magic, so neither kind of signature passes as the other.
pub const SESSION_MESSAGE_MAGIC: Felt = Felt::from_hex_unchecked("0x736b2d73657373696f6e2d6d7367");

/// What the session key signs for the message hash `hash`:
/// `poseidon([SESSION_MESSAGE_MAGIC, hash, session_hash])` (a transaction's is of two felts,
/// [`session_message_hash`](crate::session_message_hash)).
pub fn session_message_signed_hash(hash: Felt, session_hash: Felt) -> Felt {
    poseidon_hash_many(&[SESSION_MESSAGE_MAGIC, hash, session_hash])
}

/// A decoded session-signed message's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionMessageToken {
    /// The session the owner authorized.
    pub session: Session,
    /// The owner's signature over the session hash; empty for a session the account recorded.
    pub owner_signature: Vec<Felt>,
    /// The session key's signature over [`session_message_signed_hash`].
    pub session_signature: Vec<Felt>,
    /// All the session's message policies, in its order (they hash to its `messages_hash`).
    pub messages: Vec<MessageScope>,
    /// The index in `messages` of the policy the message follows.
    pub index: u32,
    /// The message's members, encoded as SNIP-12 revision 1 encodes them.
    pub members: Vec<Felt>,
}

impl SessionMessageToken {
    /// The felts of the signature.
    pub fn to_felts(&self) -> Vec<Felt> {
        let mut out = vec![SESSION_MESSAGE_MAGIC, SESSION_TOKEN_VERSION.into()];
        out.extend(self.session.to_felts());
        push_span(&mut out, &self.owner_signature);
        push_span(&mut out, &self.session_signature);
        out.push(self.messages.len().into());
        for scope in &self.messages {
            scope.push_felts(&mut out);
        }
        out.push(self.index.into());
        push_span(&mut out, &self.members);
        out
    }

    /// Decodes a signature with the contract's rules: magic, version, lengths inside the array,
    /// nothing left over.
    pub fn from_felts(felts: &[Felt]) -> Result<Self, Error> {
        let (session, rest) = parse_header(felts, SESSION_MESSAGE_MAGIC)?;
        let mut reader = Reader(rest);
        let owner_signature = reader.span()?.to_vec();
        let session_signature = reader.span()?.to_vec();
        let count = reader.len()?;
        if count > reader.0.len() / 4 {
            return Err(Error::MalformedSignature("a length runs past the end"));
        }
        let scope = |reader: &mut Reader<'_>| -> Result<MessageScope, Error> {
            let (domain_name, domain_version) = (reader.felt()?, reader.felt()?);
            let type_string = reader.span()?.to_vec();
            let rules = reader.rules()?;
            Ok(MessageScope { domain_name, domain_version, type_string, rules })
        };
        let messages = (0..count).map(|_| scope(&mut reader)).collect::<Result<Vec<_>, _>>()?;
        let index = u32::try_from(reader.felt()?)
            .map_err(|_| Error::MalformedSignature("the message policy's index is not a u32"))?;
        let members = reader.span()?.to_vec();
        if !reader.0.is_empty() {
            return Err(Error::MalformedSignature("felts left over after the members"));
        }
        Ok(Self { session, owner_signature, session_signature, messages, index, members })
    }
}

/// The selector of SNIP-6's `is_valid_signature(hash, signature) -> felt252`.
pub const IS_VALID_SIGNATURE_SELECTOR: Felt = selector!("is_valid_signature");

/// What `is_valid_signature` answers for a signature it accepts: `'VALID'`.
pub const VALID: Felt = short_string!("VALID");

/// Asks `account`'s `is_valid_signature` (SNIP-6) whether `signature` signs `hash`, as of
/// `block_id`: true for `'VALID'`, false for 0. Our account refuses a session-signed message that
/// fails a check with the check's error, which comes back as the node's error
/// ([`Error::Provider`]).
pub async fn is_valid_signature<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    hash: Felt,
    signature: &[Felt],
    block_id: BlockId,
) -> Result<bool, Error> {
    let mut calldata = vec![hash, signature.len().into()];
    calldata.extend_from_slice(signature);
    match read_felt(provider, account, IS_VALID_SIGNATURE_SELECTOR, calldata, block_id).await? {
        answer if answer == VALID => Ok(true),
        answer if answer == Felt::ZERO => Ok(false),
        other => Err(Error::Node(format!("is_valid_signature answered {other:#x}, neither 'VALID' nor 0"))),
    }
}

/// Whether `signature` is a session-signed message's: its first felt is [`SESSION_MESSAGE_MAGIC`].
pub fn is_session_message_token(signature: &[Felt]) -> bool {
    signature.first() == Some(&SESSION_MESSAGE_MAGIC)
}

impl SignedSession {
    /// The message hash of `typed_data` (what the account's `is_valid_signature` is asked
    /// about), its parts and the index of the policy it follows, once the session is found to
    /// allow it: revision 1, the session's chain ([`Error::MessageChain`]), a domain and primary
    /// type of one of its message policies ([`Error::MessageNotAllowed`]), and that policy's rules
    /// holding on its members ([`Error::MessageRule`]).
    pub fn allowed_message(&self, typed_data: &Value) -> Result<(Felt, MessageParts, u32), Error> {
        let parts = message_parts(typed_data).map_err(Error::InvalidMessage)?;
        if parts.chain_id != self.chain_id() {
            return Err(Error::MessageChain { expected: self.chain_id(), found: parts.chain_id });
        }
        let mut found = None;
        for (index, policy) in self.request().messages().iter().enumerate() {
            if policy.felts()? == (parts.domain_name, parts.domain_version) && policy.type_hash() == parts.type_hash {
                found = Some((index, policy));
                break;
            }
        }
        let Some((index, policy)) = found else {
            let name = typed_data.get("primaryType").and_then(Value::as_str).unwrap_or_default();
            let domain = |key: &str| typed_data.pointer(&format!("/domain/{key}")).map(Value::to_string);
            return Err(Error::MessageNotAllowed(format!(
                "messages of type {name} ({:#x}) in the domain {} version {}",
                parts.type_hash,
                domain("name").unwrap_or_default(),
                domain("version").unwrap_or_default(),
            )));
        };
        if let Err(err) = crate::argument_rules::check_rules(&policy.rules, &parts.members, 0) {
            return Err(match err {
                Error::ArgumentRule { rule, .. } => Error::MessageRule { rule },
                other => other,
            });
        }
        let index = u32::try_from(index).map_err(|_| Error::MalformedSignature("more message policies than a u32"))?;
        Ok((parts.message_hash(self.account()), parts, index))
    }

    /// The session's message policies as the account reads them.
    fn message_scopes(&self) -> Result<Vec<MessageScope>, Error> {
        self.request().messages().iter().map(|policy| policy.scope()).collect()
    }

    /// The signature of a message with `parts` following the policy `index` (from
    /// [`Self::allowed_message`]) made of the session key's `session_signature` over
    /// [`session_message_signed_hash`].
    pub fn message_token(
        &self,
        parts: &MessageParts,
        index: u32,
        session_signature: Vec<Felt>,
    ) -> Result<SessionMessageToken, Error> {
        Ok(SessionMessageToken {
            session: self.session(),
            owner_signature: self.owner_signature().to_vec(),
            session_signature,
            messages: self.message_scopes()?,
            index,
            members: parts.members.clone(),
        })
    }

    /// Signs `typed_data` with the session's private key `key` for the account's
    /// `is_valid_signature` (what [`SessionKeySigner::sign_message`](crate::SessionKeySigner::sign_message)
    /// does with any signer): returns the message hash and the signature.
    pub fn sign_message(&self, key: &SigningKey, typed_data: &Value) -> Result<(Felt, Vec<Felt>), Error> {
        self.check_key(key)?;
        let (hash, parts, index) = self.allowed_message(typed_data)?;
        let signature = key.sign(&session_message_signed_hash(hash, self.hash()))?;
        Ok((hash, self.message_token(&parts, index, vec![signature.r, signature.s])?.to_felts()))
    }
}
