//! Session keys for Starknet accounts (the Rust counterpart of `@argent/x-sessions`).
//!
//! A dApp builds a [`SessionRequest`] (session public key, validity window, allowed calls), the
//! account owner signs its SNIP-12 typed data once, and the dApp then sends transactions with a
//! [`SessionAccount`] holding only the [`SignedSession`] and the session key (any starknet-rs
//! signer, through [`SessionKeySigner`]).
//!
//! The wire format is specified in `docs/protocol.md`. Each concept has one module here and a
//! Cairo twin of the same name in `contracts/src/session/` (`docs/architecture.md` keeps the
//! table): `session_hash` (the session's types, type strings and domain: [`Session`],
//! [`Policy`], [`ArgumentRule`]), `policy_tree` ([`PolicyTree`] and the rules of a transaction's
//! calls), `argument_rules` ([`Operator`], what a policy lets a call pass as arguments), `merkle`
//! (the generic tree beneath it), `session_token` ([`SessionToken`], the transaction signature),
//! `revocation` ([`revoke_session_call`], [`is_session_revoked`]), `limits` ([`FeeBounds`],
//! [`SessionUsage`], [`check_limits`]: what a session may cost, checked before signing) and
//! `outside_execution` ([`OutsideExecution`], SNIP-9 version 2: calls a relayer submits and pays
//! for, signed by a session through [`SessionAccount::sign_outside_execution`]),
//! `session_message` ([`SessionMessageToken`]: SNIP-12 messages a session signs for the account's
//! `is_valid_signature`, [`SessionKeySigner::sign_message`]) and `owner`
//! ([`set_owner_call`] with the new key's proof, [`upgrade_call`]: the owner's own calls). Those modules are private;
//! their items are re-exported here.
//!
//! Two layers keep a namespace of their own, because their names would clash with ours:
//! [`typed_data`] hashes any SNIP-12 revision-1 JSON the way wallets do (it knows nothing of
//! sessions), and [`argent`] drives sessions on Argent's own account (0.4.0) in the format
//! `@argent/x-sessions` produces.
//!
//! What a file or a node says may be hostile (a dApp writes the request the owner reads): `text`
//! reads numbers strictly ([`parse_felt`]), admits only exact identifiers as entry point names
//! ([`is_identifier`]) and escapes any other text before it is shown ([`escape`]).
//!
//! # Example
//!
//! A dApp's session from start to end: the request, the owner's one signature, the session file,
//! a transfer with the session key alone, two refusals and what is left. It is
//! `examples/quickstart.rs`, which the README shows and the tests run against a devnet; run it
//! against `sk devnet` with `cargo run --example quickstart`.
//!
//! Sending returns [`SessionSendError`], starknet-rs's `AccountError` around this crate's
//! [`SignError`]: `Signing(SignError::Session(`[`Error`]`))` when the SDK refused the calls
//! before signing (the variant names the cause: [`Error::CallNotAllowed`],
//! [`Error::SpendingLimitExceeded`], [`Error::FeeCapExceeded`], …), `Signing(SignError::Signer(_))`
//! when the session key's signer failed, `Provider(_)` when the node refused the transaction or
//! could not be reached. Show errors with `Display` (`{err}`): they say in words what happened and
//! what to do, amounts of STRK and ETH in tokens; `Debug` prints the raw fields.
//!
//! ```no_run
#![doc = include_str!("../examples/quickstart.rs")]
//! ```

#![deny(missing_docs)]

mod account;
mod argument_rules;
mod error;
mod limits;
mod merkle;
mod node;
mod outside_execution;
mod owner;
mod policy_tree;
mod request;
mod revocation;
mod session_hash;
mod session_message;
mod session_token;
mod signed_session;
mod signer;
mod strk;
mod text;

pub mod argent;
pub mod typed_data;

pub use account::{SessionAccount, SessionSendError, GAS_MARGIN, PRICE_MARGIN};
pub use argument_rules::{check_rules, ArgumentRule, Operator};
pub use error::{Error, SignError, SpendingScope};
pub use limits::{
    check_fee_cap, check_limits, check_spending, counted_amount, counted_amount_word, current_period,
    granted_allowance, is_counted_selector, parse_u256, rule_splits_amount, session_remaining, session_spending,
    session_usage, spends, FeeBounds, SessionRemaining, SessionUsage, SpendingRemaining, SpendingUsage,
    GET_SESSION_SPENDING_SELECTOR, GET_SESSION_USAGE_SELECTOR, VALIDATION_TIME_ROUNDING,
};
pub use merkle::{hash_pair, merkle_root, next_level, verify_proof, MerkleTree};
pub use node::block_time;
pub use outside_execution::{
    domain_hash as outside_execution_domain_hash, encode_execute_calldata, is_valid_outside_execution_nonce,
    OutsideExecution, ANY_CALLER, CALL_TYPE_HASH, CALL_TYPE_STRING, EXECUTE_FROM_OUTSIDE_V2_SELECTOR, ISRC9_V2_ID,
    IS_VALID_OUTSIDE_EXECUTION_NONCE_SELECTOR, IS_VALID_SESSION_OUTSIDE_EXECUTION_NONCE_SELECTOR,
    OUTSIDE_EXECUTION_DOMAIN_NAME, OUTSIDE_EXECUTION_DOMAIN_VERSION, OUTSIDE_EXECUTION_TYPE_HASH,
    OUTSIDE_EXECUTION_TYPE_STRING,
};
pub use owner::{
    owner_rotation_hash, set_owner_call, upgrade_call, OWNER_ROTATION_TAG, SET_OWNER_SELECTOR, UPGRADE_SELECTOR,
};
pub use policy_tree::{
    call_proofs, check_call_proofs, is_logout_call, known_selector_name, policy_leaf, PolicyTree,
    LOGOUT_SESSION_SELECTOR,
};
pub use request::{SessionRequest, SessionRequestBuilder, MAX_TIME, RESERVED_DOMAINS, UNLIMITED_TRANSACTIONS};
pub use revocation::{
    is_session_revoked, logout_hash, revoke_all_sessions_call, revoke_session_call, session_epoch,
    GET_SESSION_EPOCH_SELECTOR, IS_SESSION_REVOKED_SELECTOR, LOGOUT_TAG, REVOKE_ALL_SESSIONS_SELECTOR,
    REVOKE_SESSION_SELECTOR,
};
pub use session_hash::{
    domain_hash, messages_hash, parse_selector, token_amount_hash, token_authorizing_type, type_hashes,
    typed_data as session_typed_data, u256_hash, MessagePolicy, MessageScope, Policy, Session, SpendingLimit,
    ARGUMENT_RULE_TYPE_HASH, ARGUMENT_RULE_TYPE_STRING, DOMAIN_NAME, DOMAIN_VERSION, FEE_TOKEN,
    MESSAGE_POLICY_TYPE_HASH, MESSAGE_POLICY_TYPE_STRING, POLICY_TYPE_HASH, POLICY_TYPE_STRING, SESSION_TYPE_HASH,
    SESSION_TYPE_STRING, SPENDING_LIMIT_TYPE_HASH, SPENDING_LIMIT_TYPE_STRING, TOKEN_AMOUNT_TYPE_HASH,
    TOKEN_AMOUNT_TYPE_STRING, TOKEN_AUTHORIZING_TYPES, U256_TYPE_HASH, U256_TYPE_STRING,
};
pub use session_message::{
    is_session_message_token, is_valid_signature, session_message_signed_hash, SessionMessageToken,
    IS_VALID_SIGNATURE_SELECTOR, SESSION_MESSAGE_MAGIC, VALID,
};
pub use session_token::{
    is_session_token, session_message_hash, CallProof, SessionToken, EPOCH_OFFSET, MAGIC_OFFSET,
    OWNER_SIGNATURE_OFFSET, SESSION_MAGIC, SESSION_OFFSET, SESSION_TOKEN_VERSION, SPENDING_LIMITS_OFFSET,
    VALID_AFTER_OFFSET, VALID_UNTIL_OFFSET, VERSION_OFFSET,
};
pub use signed_session::{SignedSession, REGISTER_SESSION_SELECTOR, SESSION_FILE_VERSION};
pub use signer::{signing_key, SessionKeySigner, SessionSigner, CURVE_ORDER};
pub use strk::{format_strk, format_token_amount, parse_strk, ETH_TOKEN, FRI_PER_STRK, STRK_TOKEN};
pub use text::{
    escape, escape_keeping_lines, hex_felt, is_hidden_char, is_identifier, parse_felt, parse_felt_hex, Escaped,
    FeltError,
};
