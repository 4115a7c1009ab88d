//! Sessions on Argent accounts: the session format of Argent's account 0.4.0, the one
//! `@argent/x-sessions` 9.x produces, for Rust programs (until now only TypeScript could drive
//! Argent sessions).
//!
//! - [`ArgentSession`] is the session the owner and the guardian sign: SNIP-12 revision-1 typed
//!   data in the domain `SessionAccount.session` (version `'1'`), with an expiry, a Merkle tree of
//!   allowed methods (in the order given: Argent's tree is not sorted), a metadata string that
//!   only Argent's backend reads, and the session key's signer GUID.
//! - [`ArgentSessionToken`] is the transaction signature: `['session-token', ...SessionToken]`.
//!   The session key and the guardian both sign `poseidon(tx_hash, session_hash, cache_flag)`.
//! - [`ArgentAccount`] is a starknet-rs [`Account`] for an Argent account, signing either as the
//!   owner (and guardian) with [`OwnerSigner`] or through a session with [`SessionSigner`].
//!
//! Argent's account refuses sessions on an account without a guardian, and the guardian co-signs
//! every session transaction; in production that is Argent's backend. [`Guardian`] is that role;
//! a [`SigningKey`] plays it locally, for accounts whose guardian key you hold (tests, benchmarks,
//! self-custodied guardians). A [`CosignRequest`] carries hashes only: a co-signer that checks the
//! transaction itself before signing, as Argent's backend does (its `/cosigner/signSession` takes
//! the whole v3 transaction and session), would need them added; that client is not written.

use async_trait::async_trait;
use serde_json::{json, Value};
use starknet::accounts::{Account, ConnectedAccount, ExecutionEncoder, RawDeclarationV3, RawExecutionV3};
use starknet::core::types::{BlockId, BlockTag, Call, Felt};
use starknet::macros::{selector, short_string};
use starknet::providers::Provider;
use starknet::signers::{SignerInteractivityContext, SigningKey};
use starknet_crypto::{poseidon_hash, poseidon_hash_many};

use crate::account::encode_execute_calldata;
use crate::error::Error;
use crate::policy_tree::{parse_selector, MerkleTree};
use crate::request::MAX_TIME;
use crate::policy_tree::call_proofs;
use crate::session_hash::{chain_name, message_hash, starknet_domain_hash, starknet_domain_type};
use crate::typed_data;

/// `'session-token'`: the first felt of an Argent session transaction signature.
pub const SESSION_MAGIC: Felt = short_string!("session-token");

/// The session domain's name.
pub const DOMAIN_NAME: &str = "SessionAccount.session";

/// `'SessionAccount.session'`.
const DOMAIN_NAME_FELT: Felt = short_string!("SessionAccount.session");

/// The session domain's version, the shortstring `'1'` (x-sessions writes it `"0x31"`).
const DOMAIN_VERSION: Felt = short_string!("1");

/// `starknet_keccak` of the `Session` type string, as Argent's `session_hash.cairo` has it.
pub const SESSION_TYPE_HASH: Felt = selector!(
    "\"Session\"(\"Expires At\":\"timestamp\",\"Allowed Methods\":\"merkletree\",\"Metadata\":\"string\",\"Session Key\":\"felt\")"
);

/// `starknet_keccak` of the `Allowed Method` type string: the leaf type of the method tree.
pub const ALLOWED_METHOD_TYPE_HASH: Felt =
    selector!("\"Allowed Method\"(\"Contract Address\":\"ContractAddress\",\"selector\":\"selector\")");

/// `'Starknet Signer'`: the signer type a Stark key's GUID is derived from.
const STARKNET_SIGNER_TYPE: Felt = short_string!("Starknet Signer");

/// The GUID Argent's account gives a Stark public key: `poseidon('Starknet Signer', key)`.
pub fn starknet_signer_guid(public_key: Felt) -> Felt {
    poseidon_hash(STARKNET_SIGNER_TYPE, public_key)
}

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
        let signature = key.sign(&hash).map_err(|e| Error::Signing(e.to_string()))?;
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

/// A method a session may call: the leaf type `Allowed Method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedMethod {
    /// The contract.
    pub contract_address: Felt,
    /// The entry point, as written in the typed data: a name (`transfer`) or a hex selector.
    pub selector: String,
}

impl AllowedMethod {
    /// A method of `contract_address` given by name or hex selector.
    pub fn new(contract_address: Felt, selector: impl Into<String>) -> Self {
        Self { contract_address, selector: selector.into() }
    }

    fn leaf(&self) -> Result<(Felt, Felt), Error> {
        if self.contract_address == Felt::ZERO {
            return Err(Error::InvalidAddress(self.contract_address));
        }
        let selector = parse_selector(&self.selector)?;
        Ok((selector, poseidon_hash_many(&[ALLOWED_METHOD_TYPE_HASH, self.contract_address, selector])))
    }
}

/// A session in Argent's format, with its method tree built once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgentSession {
    session_key: Felt,
    expires_at: u64,
    allowed_methods: Vec<AllowedMethod>,
    /// `(contract, selector)` of each allowed method, in tree order.
    calls: Vec<(Felt, Felt)>,
    metadata: String,
    metadata_hash: Felt,
    tree: MerkleTree,
}

/// The four fields of a session that travel in every transaction signature (Argent's `Session`
/// struct): what the account hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnChainSession {
    /// Expiry, Unix seconds (valid while the block timestamp is not past it).
    pub expires_at: u64,
    /// Root of the allowed-method tree.
    pub allowed_methods_root: Felt,
    /// The SNIP-12 `string` hash of the metadata.
    pub metadata_hash: Felt,
    /// The session key's signer GUID.
    pub session_key_guid: Felt,
}

impl OnChainSession {
    /// The SNIP-12 struct hash of `Session`.
    pub fn struct_hash(&self) -> Felt {
        poseidon_hash_many(&[
            SESSION_TYPE_HASH,
            self.expires_at.into(),
            self.allowed_methods_root,
            self.metadata_hash,
            self.session_key_guid,
        ])
    }

    /// The session hash for `account` on `chain_id`: what owner and guardian sign.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        message_hash(domain_hash(chain_id), account, self.struct_hash())
    }
}

/// The hash of Argent's session domain on `chain_id`.
pub fn domain_hash(chain_id: Felt) -> Felt {
    starknet_domain_hash(DOMAIN_NAME_FELT, DOMAIN_VERSION, chain_id)
}

impl ArgentSession {
    /// A session for the Stark public key `session_key`, valid until `expires_at` (Unix seconds),
    /// allowing `allowed_methods` (kept in this order), with Argent's `metadata` string (a JSON
    /// document such as `{"projectID":…,"txFees":[…]}` that only Argent's backend reads).
    pub fn new(
        session_key: Felt,
        expires_at: u64,
        allowed_methods: Vec<AllowedMethod>,
        metadata: impl Into<String>,
    ) -> Result<Self, Error> {
        if session_key == Felt::ZERO {
            return Err(Error::MissingSessionKey);
        }
        if expires_at > MAX_TIME {
            return Err(Error::TimeOutOfRange(expires_at));
        }
        if allowed_methods.is_empty() {
            return Err(Error::NoPolicies);
        }
        let mut calls = Vec::with_capacity(allowed_methods.len());
        let mut leaves = Vec::with_capacity(allowed_methods.len());
        for method in &allowed_methods {
            let (selector, leaf) = method.leaf()?;
            calls.push((method.contract_address, selector));
            leaves.push(leaf);
        }
        let metadata = metadata.into();
        let metadata_hash = typed_data::string_hash(&metadata).map_err(Error::InvalidMetadata)?;
        Ok(Self { session_key, expires_at, allowed_methods, calls, metadata, metadata_hash, tree: MerkleTree::new(leaves) })
    }

    /// The session's Stark public key.
    pub fn session_key(&self) -> Felt {
        self.session_key
    }

    /// The expiry (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The allowed methods, in tree order.
    pub fn allowed_methods(&self) -> &[AllowedMethod] {
        &self.allowed_methods
    }

    /// The `(contract, selector)` of each allowed method, in tree order.
    pub fn allowed_calls(&self) -> &[(Felt, Felt)] {
        &self.calls
    }

    /// The metadata string.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The fields the account hashes.
    pub fn on_chain(&self) -> OnChainSession {
        OnChainSession {
            expires_at: self.expires_at,
            allowed_methods_root: self.tree.root(),
            metadata_hash: self.metadata_hash,
            session_key_guid: starknet_signer_guid(self.session_key),
        }
    }

    /// The session hash for `account` on `chain_id`.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        self.on_chain().hash(account, chain_id)
    }

    /// The proof that `selector` of `contract` is allowed, or `None` if it is not.
    pub fn proof(&self, contract: Felt, selector: Felt) -> Option<Vec<Felt>> {
        let index = self.calls.iter().position(|call| *call == (contract, selector))?;
        self.tree.proof(index)
    }

    /// The typed data the owner's wallet signs, exactly as x-sessions builds it
    /// (`getSessionTypedData`).
    pub fn typed_data(&self, chain_id: Felt) -> Value {
        let methods: Vec<Value> = self
            .allowed_methods
            .iter()
            .map(|m| json!({ "Contract Address": format!("{:#x}", m.contract_address), "selector": m.selector }))
            .collect();
        json!({
            "types": {
                "StarknetDomain": starknet_domain_type(),
                "Allowed Method": [
                    { "name": "Contract Address", "type": "ContractAddress" },
                    { "name": "selector", "type": "selector" }
                ],
                "Session": [
                    { "name": "Expires At", "type": "timestamp" },
                    { "name": "Allowed Methods", "type": "merkletree", "contains": "Allowed Method" },
                    { "name": "Metadata", "type": "string" },
                    { "name": "Session Key", "type": "felt" }
                ]
            },
            "primaryType": "Session",
            "domain": { "name": DOMAIN_NAME, "version": "0x31", "chainId": chain_name(chain_id), "revision": "1" },
            "message": {
                "Expires At": self.expires_at,
                "Allowed Methods": methods,
                "Metadata": self.metadata,
                "Session Key": format!("{:#x}", starknet_signer_guid(self.session_key))
            }
        })
    }

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

    /// The proofs of `calls` (one per call), refusing calls to `account` itself (the account
    /// reverts them) and calls the session does not allow.
    pub fn proofs(&self, account: Felt, calls: &[Call]) -> Result<Vec<Vec<Felt>>, Error> {
        call_proofs(account, calls, |contract, selector| self.proof(contract, selector))
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

/// How a session transaction presents the owner's authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Authorization {
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

/// How an [`ArgentAccount`] signs its transactions.
#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
pub trait ArgentSigner {
    /// The transaction signature of the transaction with hash `transaction_hash` from `account`
    /// made of `calls`.
    async fn sign(&self, account: Felt, transaction_hash: Felt, calls: &[Call]) -> Result<Vec<Felt>, Error>;
}

/// Signs as the owner, with the guardian's co-signature when the account has one.
#[derive(Debug, Clone)]
pub struct OwnerSigner {
    owner: SigningKey,
    guardian: Option<SigningKey>,
}

impl OwnerSigner {
    /// The owner `owner` and, for an account with a guardian, its key.
    pub fn new(owner: SigningKey, guardian: Option<SigningKey>) -> Self {
        Self { owner, guardian }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl ArgentSigner for OwnerSigner {
    async fn sign(&self, _account: Felt, transaction_hash: Felt, _calls: &[Call]) -> Result<Vec<Felt>, Error> {
        let mut signatures = vec![StarknetSignerSignature::sign(&self.owner, transaction_hash)?];
        if let Some(guardian) = &self.guardian {
            signatures.push(StarknetSignerSignature::sign(guardian, transaction_hash)?);
        }
        Ok(signer_signatures(&signatures))
    }
}

/// Signs with a session key and the guardian's co-signature.
#[derive(Debug, Clone)]
pub struct SessionSigner<G> {
    session: ArgentSession,
    session_hash: Felt,
    authorization: Vec<Felt>,
    key: SigningKey,
    guardian: G,
    mode: Authorization,
}

impl<G> SessionSigner<G> {
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
        Ok(Self { session, session_hash, authorization, key, guardian, mode: Authorization::default() })
    }

    /// Sets how the authorization is presented (default: [`Authorization::Verify`]).
    pub fn set_authorization(&mut self, mode: Authorization) -> &mut Self {
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
    pub async fn token(&self, account: Felt, transaction_hash: Felt, calls: &[Call]) -> Result<ArgentSessionToken, Error>
    where
        G: Guardian + Sync,
    {
        let proofs = self.session.proofs(account, calls)?;
        let cache_authorization = self.mode != Authorization::Verify;
        let request = CosignRequest { account, session_hash: self.session_hash, transaction_hash, cache_authorization };
        let session_signature = StarknetSignerSignature::sign(&self.key, request.message_hash())?;
        let guardian_signature = self.guardian.cosign(&request).await?;
        let session_authorization =
            if self.mode == Authorization::Cached { Vec::new() } else { self.authorization.clone() };
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
impl<G: Guardian + Send + Sync> ArgentSigner for SessionSigner<G> {
    async fn sign(&self, account: Felt, transaction_hash: Felt, calls: &[Call]) -> Result<Vec<Felt>, Error> {
        Ok(self.token(account, transaction_hash, calls).await?.to_signature())
    }
}

/// An Argent account (0.4.0) as a starknet-rs [`Account`]: `execute_v3`, fee estimation and
/// cainome bindings work unchanged, signed by `S` ([`OwnerSigner`] or [`SessionSigner`]).
#[derive(Debug, Clone)]
pub struct ArgentAccount<P, S> {
    provider: P,
    address: Felt,
    chain_id: Felt,
    signer: S,
    block_id: BlockId,
}

impl<P, S> ArgentAccount<P, S> {
    /// The Argent account at `address` on `chain_id`, reached through `provider`.
    pub fn new(provider: P, address: Felt, chain_id: Felt, signer: S) -> Self {
        Self { provider, address, chain_id, signer, block_id: BlockId::Tag(BlockTag::PreConfirmed) }
    }

    /// The signer.
    pub fn signer(&self) -> &S {
        &self.signer
    }

    /// The signer, to change its settings (e.g. [`SessionSigner::set_authorization`]).
    pub fn signer_mut(&mut self) -> &mut S {
        &mut self.signer
    }
}

impl<P: Send + Sync, S: Send + Sync> ExecutionEncoder for ArgentAccount<P, S> {
    fn encode_calls(&self, calls: &[Call]) -> Vec<Felt> {
        encode_execute_calldata(calls)
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl<P, S> Account for ArgentAccount<P, S>
where
    P: Provider + Send + Sync,
    S: ArgentSigner + Send + Sync,
{
    type SignError = Error;

    fn address(&self) -> Felt {
        self.address
    }

    fn chain_id(&self) -> Felt {
        self.chain_id
    }

    async fn sign_execution_v3(&self, execution: &RawExecutionV3, query_only: bool) -> Result<Vec<Felt>, Self::SignError> {
        let hash = execution.transaction_hash(self.chain_id, self.address, query_only, self);
        self.signer.sign(self.address, hash, execution.calls()).await
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

impl<P, S> ConnectedAccount for ArgentAccount<P, S>
where
    P: Provider + Send + Sync,
    S: ArgentSigner + Send + Sync,
{
    type Provider = P;

    fn provider(&self) -> &Self::Provider {
        &self.provider
    }

    fn block_id(&self) -> BlockId {
        self.block_id
    }
}

/// The constructor calldata of Argent's account 0.4.0 for Stark keys:
/// `(owner: Signer, guardian: Option<Signer>)`.
pub fn constructor_calldata(owner: Felt, guardian: Option<Felt>) -> Vec<Felt> {
    let mut calldata = vec![Felt::ZERO, owner];
    match guardian {
        Some(guardian) => calldata.extend([Felt::ZERO, Felt::ZERO, guardian]),
        None => calldata.push(Felt::ONE),
    }
    calldata
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::starknet_keccak;

    use super::*;

    const SN_SEPOLIA: Felt = short_string!("SN_SEPOLIA");
    const SN_MAIN: Felt = short_string!("SN_MAIN");

    /// x-sessions' own test vector (`src/__tests__/utils.test.ts`, "createSession").
    fn published_session() -> ArgentSession {
        ArgentSession::new(
            Felt::from_hex_unchecked("0x1234567890abcdef"),
            1_234_567_890,
            vec![AllowedMethod::new(Felt::from_hex_unchecked("0x123456789"), "some_method")],
            r#"{"projectID":"test","txFees":[{"tokenAddress":"0x987654321","maxAmount":"1000000000000"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn type_hashes_are_the_keccak_of_argents_type_strings() {
        assert_eq!(
            SESSION_TYPE_HASH,
            starknet_keccak(
                br#""Session"("Expires At":"timestamp","Allowed Methods":"merkletree","Metadata":"string","Session Key":"felt")"#
            )
        );
        assert_eq!(
            ALLOWED_METHOD_TYPE_HASH,
            starknet_keccak(br#""Allowed Method"("Contract Address":"ContractAddress","selector":"selector")"#)
        );
    }

    /// Argent's `tests/test_offchain_hashing.cairo` at account-0.4.0 publishes both domain hashes.
    #[test]
    fn domain_hashes_are_argents() {
        assert_eq!(
            domain_hash(SN_SEPOLIA),
            Felt::from_dec_str("619758417781242245767049076918858457415551753537846667520424572098880841663").unwrap()
        );
        assert_eq!(
            domain_hash(SN_MAIN),
            Felt::from_dec_str("2582418177524800175369952028489274182629686649307104766546635017155738899824").unwrap()
        );
    }

    #[test]
    fn published_vector() {
        let session = published_session();
        assert_eq!(
            starknet_signer_guid(Felt::from_hex_unchecked("0x123")),
            Felt::from_hex_unchecked("0x116dcea0b31d06f721c156324cd8de3652bf8953cd5ba055f74db21b1134ec9")
        );
        assert_eq!(
            session.on_chain().session_key_guid,
            Felt::from_hex_unchecked("0x4bef97e579cdb4c9fa3546db3017a69ddbc40598cd7311359f1e6c03f02b155")
        );
        assert_eq!(
            session.hash(Felt::from_hex_unchecked("0x1234567890abcdef"), SN_SEPOLIA),
            Felt::from_hex_unchecked("0x87f8341a9fb39398e15dec07024475dd96406fe4880b9a24d10fb9e6bbf6bd")
        );
    }

    #[test]
    fn typed_data_hashes_to_the_session_hash() {
        let account = Felt::from_hex_unchecked("0x1234567890abcdef");
        let methods = vec![
            AllowedMethod::new(Felt::from(0x123456789u64), "some_method"),
            AllowedMethod::new(Felt::from(0x987654321u64), "transfer"),
            AllowedMethod::new(Felt::from(0x123456789u64), "0x1234"),
        ];
        let session = ArgentSession::new(Felt::from(7u8), 1_900_000_000, methods, "{}").unwrap();
        for chain in [SN_SEPOLIA, SN_MAIN, Felt::from_hex_unchecked("0x1234")] {
            let from_json = typed_data::message_hash(&session.typed_data(chain), account).unwrap();
            assert_eq!(from_json, session.hash(account, chain));
        }
    }

    #[test]
    fn every_method_has_a_verifying_proof_in_the_given_order() {
        let methods: Vec<_> = (1..=5u64).map(|i| AllowedMethod::new(Felt::from(i), "transfer")).collect();
        let session = ArgentSession::new(Felt::ONE, 1, methods, "").unwrap();
        let reversed: Vec<_> = (1..=5u64).rev().map(|i| AllowedMethod::new(Felt::from(i), "transfer")).collect();
        let other = ArgentSession::new(Felt::ONE, 1, reversed, "").unwrap();
        assert_ne!(session.on_chain().allowed_methods_root, other.on_chain().allowed_methods_root, "order matters");
        let transfer = selector!("transfer");
        for i in 1..=5u64 {
            let (_, leaf) = AllowedMethod::new(Felt::from(i), "transfer").leaf().unwrap();
            let proof = session.proof(Felt::from(i), transfer).unwrap();
            assert!(crate::policy_tree::verify_proof(session.on_chain().allowed_methods_root, leaf, &proof));
        }
        assert_eq!(session.proof(Felt::from(6u8), transfer), None);
    }

    #[test]
    fn token_layout() {
        let key = SigningKey::from_secret_scalar(Felt::from(11u8));
        let guardian = SigningKey::from_secret_scalar(Felt::from(12u8));
        let session = ArgentSession::new(
            key.verifying_key().scalar(),
            100,
            vec![AllowedMethod::new(Felt::from(5u8), "transfer"), AllowedMethod::new(Felt::from(6u8), "transfer")],
            "m",
        )
        .unwrap();
        let signer = SessionSigner::new(session.clone(), Felt::from(99u8), SN_SEPOLIA, vec![Felt::ONE; 9], key, guardian)
            .unwrap();
        let call = Call { to: Felt::from(6u8), selector: selector!("transfer"), calldata: vec![] };
        let token = futures_lite(signer.token(Felt::from(99u8), Felt::from(1234u16), &[call])).unwrap();
        let felts = token.to_signature();
        assert_eq!(felts[0], SESSION_MAGIC);
        assert_eq!(felts[1], Felt::from(100u8));
        assert_eq!(felts[5], Felt::ZERO, "cache flag");
        assert_eq!(felts[6], Felt::from(9u8), "authorization length");
        assert_eq!(felts[16], Felt::ZERO, "session signature: Starknet variant");
        assert_eq!(felts[24], Felt::ONE, "one proof");
        assert_eq!(felts[25], Felt::ONE, "of one sibling");
        assert_eq!(felts.len(), 27);
        let message = session_message_hash(Felt::from(1234u16), signer.session_hash(), false);
        let s = token.session_signature;
        assert!(starknet_crypto::verify(&s.public_key, &message, &s.r, &s.s).unwrap());
    }

    #[test]
    fn refuses_bad_sessions_and_calls() {
        let method = || vec![AllowedMethod::new(Felt::ONE, "transfer")];
        assert!(matches!(ArgentSession::new(Felt::ZERO, 1, method(), ""), Err(Error::MissingSessionKey)));
        assert!(matches!(ArgentSession::new(Felt::ONE, 1, vec![], ""), Err(Error::NoPolicies)));
        assert!(matches!(ArgentSession::new(Felt::ONE, MAX_TIME + 1, method(), ""), Err(Error::TimeOutOfRange(_))));
        let bad = vec![AllowedMethod::new(Felt::ONE, "not a name")];
        assert!(matches!(ArgentSession::new(Felt::ONE, 1, bad, ""), Err(Error::InvalidSelector(_))));
        let session = ArgentSession::new(Felt::ONE, 1, method(), "").unwrap();
        let own = Call { to: Felt::TWO, selector: selector!("transfer"), calldata: vec![] };
        assert!(matches!(session.proofs(Felt::TWO, &[own]), Err(Error::SelfCall { index: 0 })));
        let other = Call { to: Felt::ONE, selector: selector!("approve"), calldata: vec![] };
        assert!(matches!(session.proofs(Felt::TWO, &[other]), Err(Error::CallNotAllowed { index: 0, .. })));
        let wrong_key = SigningKey::from_secret_scalar(Felt::from(3u8));
        let signer = SessionSigner::new(session, Felt::TWO, SN_SEPOLIA, vec![], wrong_key.clone(), wrong_key);
        assert!(matches!(signer, Err(Error::WrongSessionKey { .. })));
    }

    #[test]
    fn constructor_calldata_is_signer_and_option() {
        assert_eq!(constructor_calldata(Felt::TWO, None), vec![Felt::ZERO, Felt::TWO, Felt::ONE]);
        assert_eq!(
            constructor_calldata(Felt::TWO, Some(Felt::THREE)),
            vec![Felt::ZERO, Felt::TWO, Felt::ZERO, Felt::ZERO, Felt::THREE]
        );
    }

    /// Runs a future that never waits (local signing only).
    fn futures_lite<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }
}
