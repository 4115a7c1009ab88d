//! Session keys for Starknet accounts (the Rust counterpart of `@argent/x-sessions`).
//!
//! A dApp builds a [`SessionRequest`] (session public key, validity window, allowed calls), the
//! account owner signs its SNIP-12 typed data once, and the dApp then sends transactions with a
//! [`SessionAccount`] holding only the [`SignedSession`] and the session's private key.
//!
//! The wire format is specified in `docs/protocol.md`. [`session_hash`], [`policy_tree`] and
//! [`authorization`] have Cairo twins of the same names in `contracts/src/session/`;
//! [`typed_data`] hashes any SNIP-12 revision-1 JSON the way wallets do. [`argent`] drives
//! sessions on Argent's own account (0.4.0) in the format `@argent/x-sessions` produces.

#![warn(missing_docs)]

pub mod account;
pub mod argent;
pub mod authorization;
pub mod error;
pub mod policy_tree;
pub mod request;
pub mod session_hash;
pub mod signed_session;
pub mod typed_data;

pub use account::SessionAccount;
pub use error::Error;
pub use policy_tree::{Policy, PolicyTree};
pub use request::{SessionRequest, SessionRequestBuilder};
pub use session_hash::Session;
pub use signed_session::SignedSession;
