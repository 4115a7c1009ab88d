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
//! - [`ArgentOwnerSigner`] and [`ArgentSessionSigner`] sign an Argent account's transactions as
//!   its owner (and guardian) or through a session, as [`SessionSigner`](crate::SessionSigner)s
//!   of a [`SessionAccount`](crate::SessionAccount), the same account type as ours.
//!
//! Argent's account refuses sessions on an account without a guardian, and the guardian co-signs
//! every session transaction; in production that is Argent's backend. [`Guardian`] is that role;
//! a [`SigningKey`](starknet::signers::SigningKey) plays it locally, for accounts whose guardian key you hold (tests, benchmarks,
//! self-custodied guardians). A [`CosignRequest`] carries hashes only: a co-signer that checks the
//! transaction itself before signing, as Argent's backend does (its `/cosigner/signSession` takes
//! the whole v3 transaction and session), would need them added; that client is not written.
//!
//! The module is split by role as ours is: `session` (typed data, hash, method tree), `token` (the
//! transaction signature), `signer` (owner, session and guardian) and `account` (constructor and
//! views).

mod account;
mod session;
mod signer;
mod token;

#[cfg(test)]
mod tests;

pub use account::{constructor_calldata, is_session_authorization_cached};
pub use session::{
    domain_hash, starknet_signer_guid, AllowedMethod, ArgentSession, OnChainSession, ALLOWED_METHOD_TYPE_HASH,
    DOMAIN_NAME, SESSION_TYPE_HASH,
};
pub use signer::{ArgentOwnerSigner, ArgentSessionSigner, CacheMode, CosignRequest, Guardian};
pub use token::{session_message_hash, signer_signatures, ArgentSessionToken, StarknetSignerSignature, SESSION_MAGIC};
