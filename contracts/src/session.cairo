//! Session keys: the owner signs a session (a key, a time window, fee and transaction limits, a
//! tree of allowed calls with rules on their arguments, and spending limits per token), and the
//! session key then signs transactions on its own. The wire format is docs/protocol.md. Each
//! module has a twin of the same name in the Rust SDK (`crates/session/src/`), except the two
//! components, which are the account's.

/// Argument rules of policies: the operators, `rule_holds`, `assert_rules_hold` (§2, §4).
pub mod argument_rules;
/// The session checks of validation and execution, run in docs/protocol.md §4's order, the
/// usage and spending counted per session, with the `ISessionUsage` views, and the authorization
/// cache, with `ISessionRegistry`.
pub mod component;
/// What a session may cost: `max_fee` of a transaction, the fee cap, the fields a session may not
/// use, the usage counted per session, `SessionUsage` and `charge`, and spending per token,
/// `counted_amount`, `spends`, `SpendingUsage` and `spend` (§4).
pub mod limits;
/// Merkle primitives beneath the policy tree: `hash_pair`, `verify_proof` (§2).
pub mod merkle;
/// The policy tree's leaves, `policy_leaf`, and the call rules, `assert_allowed_calls` (§2, §4).
pub mod policy_tree;
/// Revocation of sessions, one by one or all at once by the owner epoch: `RevocationComponent`,
/// with the `ISession` entry points (§4).
pub mod revocation;
/// What the owner signs: SNIP-12 types, their struct hashes and `session_hash` (§1).
pub mod session_hash;
/// Session-signed messages for `is_valid_signature`: `SESSION_MESSAGE_MAGIC`, the token, the
/// message hash it is checked against and the message policies (§6).
pub mod session_message;
/// The transaction signature: `SESSION_MAGIC`, its layout and parsers, what the key signs (§3).
pub mod session_token;
