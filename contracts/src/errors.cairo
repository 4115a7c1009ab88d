//! Every error the contracts raise, once, as short prefixed strings. Clients map them to sentences.

pub const INVALID_CALLER: felt252 = 'account/invalid-caller';
pub const ONLY_SELF: felt252 = 'account/only-self';
pub const INVALID_SIGNATURE: felt252 = 'account/invalid-signature';
pub const INVALID_SIGNATURE_LENGTH: felt252 = 'account/invalid-sig-length';
pub const INVALID_TX_VERSION: felt252 = 'account/invalid-tx-version';
pub const ZERO_OWNER: felt252 = 'account/zero-owner';
pub const SAME_OWNER: felt252 = 'account/same-owner';
pub const INVALID_OWNER_PROOF: felt252 = 'account/invalid-owner-proof';
pub const ZERO_CLASS_HASH: felt252 = 'account/zero-class-hash';

// Sessions (docs/protocol.md §4), in the order of the checks; the module raising each is named.
// The session token (`session::session_token`), also checked by `register_session`
// (`session::component`).
pub const SESSION_BAD_FORMAT: felt252 = 'session/bad-format';
pub const SESSION_BAD_VERSION: felt252 = 'session/bad-version';
pub const SESSION_LIMIT_ORDER: felt252 = 'session/limit-order';
// At least one call (`session::component`).
pub const SESSION_NO_CALLS: felt252 = 'session/no-calls';
// The window (`session::component`).
pub const SESSION_EXPIRED: felt252 = 'session/expired';
pub const SESSION_NOT_YET_VALID: felt252 = 'session/not-yet-valid';
// The transaction's own fields and its maximum fee (`session::limits`).
pub const SESSION_PAYMASTER_DATA: felt252 = 'session/paymaster-data';
pub const SESSION_DEPLOYMENT_DATA: felt252 = 'session/deployment-data';
pub const SESSION_FEE_CAP: felt252 = 'session/fee-cap';
// Revocation and the owner epoch (`session::revocation`), also checked by `register_session`,
// which refuses a session recorded already (`session::component`).
pub const SESSION_REVOKED: felt252 = 'session/revoked';
pub const SESSION_STALE_EPOCH: felt252 = 'session/stale-epoch';
pub const SESSION_ALREADY_REVOKED: felt252 = 'session/already-revoked';
pub const SESSION_ALREADY_REGISTERED: felt252 = 'session/already-registered';
// The signatures (`session::component`): the owner's authorization, recorded or signed, then the
// session key's.
pub const SESSION_NOT_AUTHORIZED: felt252 = 'session/not-authorized';
pub const SESSION_INVALID_AUTHORIZATION: felt252 = 'session/invalid-authorization';
pub const SESSION_INVALID_SIGNATURE: felt252 = 'session/invalid-signature';
// The calls (`session::policy_tree`).
pub const SESSION_PROOF_COUNT: felt252 = 'session/proof-count';
pub const SESSION_SELF_CALL: felt252 = 'session/self-call';
pub const SESSION_INVALID_PROOF: felt252 = 'session/invalid-proof';
// The argument rules of each call's policy (`session::argument_rules`).
pub const SESSION_BAD_RULE: felt252 = 'session/bad-rule';
pub const SESSION_ARGUMENT_RULE: felt252 = 'session/argument-rule';
// The session's usage (`session::limits`).
pub const SESSION_TX_LIMIT: felt252 = 'session/tx-limit';
pub const SESSION_FEE_BUDGET: felt252 = 'session/fee-budget';
// Execution's checks: the exact window above (`session::component`), then spending
// (`session::limits`).
pub const SESSION_BAD_AMOUNT: felt252 = 'session/bad-amount';
pub const SESSION_SPENDING_LIMIT: felt252 = 'session/spending-limit';
pub const SESSION_PERIOD_LIMIT: felt252 = 'session/period-limit';
// Session-signed messages (`session::session_message`), after the window, revocation and the
// owner's authorization above: the policies are the session's, the token names one, of no domain
// of the account's own; the hash is a message of its domain and type; then its rules on the
// members (`session/bad-rule`, `session/argument-rule`) and the key's signature
// (`session/invalid-signature`).
pub const SESSION_MESSAGE_LIST: felt252 = 'session/message-list';
pub const SESSION_MESSAGE_NOT_ALLOWED: felt252 = 'session/message-not-allowed';
pub const SESSION_RESERVED_DOMAIN: felt252 = 'session/reserved-domain';
pub const SESSION_MESSAGE_HASH: felt252 = 'session/message-hash';
// The entry points that refuse sessions (`account`).
pub const SESSION_NO_DECLARE: felt252 = 'session/no-declare';
pub const SESSION_NO_DEPLOY: felt252 = 'session/no-deploy';

// Outside execution, SNIP-9 version 2 (`outside_execution`), in the order of its checks; the
// signature is then the owner's (`account/…`) or a session's (`session/…`, as above).
pub const OUTSIDE_INVALID_CALLER: felt252 = 'outside/invalid-caller';
pub const OUTSIDE_TOO_EARLY: felt252 = 'outside/too-early';
pub const OUTSIDE_TOO_LATE: felt252 = 'outside/too-late';
pub const OUTSIDE_NONCE_USED: felt252 = 'outside/nonce-used';

// The example tip jar (`examples::tip_jar`), not the account.
pub const TIP_JAR_ZERO: felt252 = 'tip-jar/zero-amount';
pub const TIP_JAR_NOT_MOVED: felt252 = 'tip-jar/not-moved';
