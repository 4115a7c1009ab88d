//! Errors of the session SDK.

use starknet::core::types::Felt;

use crate::strk::{format_strk, format_token_amount};
use crate::text::Escaped;

/// Everything that can go wrong building, signing, reading or using a session.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A policy's contract or a spending limit's token is 0 or not below 2^251.
    #[error("{0:#x} is not a contract address")]
    InvalidAddress(Felt),
    /// A selector is neither a hex felt nor a Cairo identifier.
    #[error("`{}` is not a selector: give an entry point name like `transfer` (an identifier: letters, digits and `_`, nothing around it) or a hex felt below P", Escaped(.0))]
    InvalidSelector(String),
    /// A session file names a policy's selector with a text that is not an entry point name (a
    /// Cairo identifier): a name must be shown exactly as it was hashed.
    #[error("`{}` is not an entry point name (an identifier: letters, digits and `_`, nothing around it)", Escaped(.0))]
    InvalidSelectorName(String),
    /// The same `(contract, selector)` was listed twice.
    #[error("the policy {contract:#x}::{selector:#x} is listed twice")]
    DuplicatePolicy {
        /// The policy's contract.
        contract: Felt,
        /// The policy's selector.
        selector: Felt,
    },
    /// A policy lists the same argument rule twice.
    #[error("the argument rule `{}` is listed twice in one policy", Escaped(.0))]
    DuplicateRule(String),
    /// An argument rule the account cannot evaluate (the contract's `session/bad-rule`).
    #[error("the argument rule `{}` cannot be evaluated: {reason}", Escaped(rule))]
    BadRule {
        /// The rule, in words.
        rule: String,
        /// Why it cannot be evaluated.
        reason: &'static str,
    },
    /// An operator name that is not one of the rules' operators.
    #[error("`{}` is not an operator: use EQ, NEQ, LT, LE, GT, GE, IN_RANGE or ONE_OF (or ==, !=, <, <=, >, >=)", Escaped(.0))]
    UnknownOperator(String),
    /// A token has two spending limits.
    #[error("the token {0:#x} has more than one spending limit")]
    DuplicateSpendingLimit(Felt),
    /// A session's spending limits are not each token once in increasing address order, as its
    /// token must carry them (the contract's `session/limit-order`). A request sorts its limits;
    /// a token or session file written by hand may not.
    #[error("the session's spending limits are not in increasing token address order, each token once (the account refuses it: a token listed twice would be limited by one entry only)")]
    SpendingLimitsOutOfOrder,
    /// A policy of a selector whose u256 amount a spending limit counts (`transfer`, `approve`,
    /// …) has a rule that reads one word of that amount, or straddles it: a rule on the low word
    /// alone lets `approve(spender, 0, 1)` (2^128) pass `LE 10`.
    #[error("the rule on word {word} of {selector} reads one word of its u256 amount (words {amount_word} and {}): a felt rule on the low word lets a high word through; write it as a u256 rule on word {amount_word}", amount_word + 1)]
    RuleSplitsAmount {
        /// The selector, by name where the request knows it, else in hex.
        selector: String,
        /// The rule's word.
        word: u32,
        /// The word where the amount starts.
        amount_word: u32,
    },
    /// A message policy of a type that may authorize someone to take the account's tokens (an
    /// ERC-20 permit, a delegation), not allowed on purpose.
    #[error("the session would sign {policy}, which are {what}: a session allowed them could sign any number of them, for any amount, outside its spending limits, transaction count and fees; allow them only on purpose (allow_token_authorizing_message(s_like), sk session new --allow-token-authorizing-messages)")]
    TokenAuthorizingMessage {
        /// The message policy, in words.
        policy: String,
        /// What the messages authorize.
        what: &'static str,
    },
    /// A message breaks a rule of the message policy it follows (docs/protocol.md §6).
    #[error("the message breaks the rule `{}` of its policy (words are the members' indexes)", Escaped(rule))]
    MessageRule {
        /// The rule, in words.
        rule: String,
    },
    /// A request limits a token and allows a selector on it whose allowances the limit would not
    /// see (the limit counts what any call moves out of the balance, but of the allowances only
    /// those of `approve` and `increase_allowance`).
    #[error("the session limits spending of {token:#x} but also allows selector {selector:#x} on it: the limit counts what it moves out of the balance, but not an allowance it may grant (it reads only approve and increase_allowance); allow it with allow_uncounted if that is intended")]
    UncountedSelector {
        /// The limited token.
        token: Felt,
        /// The selector its limit does not count.
        selector: Felt,
    },
    /// A session must allow at least one call.
    #[error("a session needs at least one policy")]
    NoPolicies,
    /// The window is empty or was not set.
    #[error("the validity window is empty: valid after {valid_after}, valid until {valid_until}")]
    EmptyWindow {
        /// Start of the window (Unix seconds).
        valid_after: u64,
        /// End of the window (Unix seconds, exclusive).
        valid_until: u64,
    },
    /// An outside execution no block time can satisfy (SNIP-9 wants `execute_after < now <
    /// execute_before`).
    #[error(
        "the outside execution can never run: the block time must be above {execute_after} and below {execute_before}"
    )]
    EmptyOutsideWindow {
        /// The time the block must be after (exclusive).
        execute_after: u64,
        /// The time the block must be before (exclusive).
        execute_before: u64,
    },
    /// A time beyond 2^53 - 1 seconds, which JavaScript wallets cannot read exactly.
    #[error("{0} is too far in the future: times must stay below 2^53 seconds so wallets hash them exactly")]
    TimeOutOfRange(u64),
    /// A request without its fee cap per transaction or its fee budget.
    #[error("a session needs a fee cap per transaction and a fee budget (max_fee and fee_budget, in FRI): the owner must see what it may cost")]
    MissingFeeLimits,
    /// A limit of 0, which would allow no transaction at all.
    #[error("the {0} is 0, so the session could send nothing")]
    ZeroLimit(&'static str),
    /// The session key is 0.
    #[error("the session key is missing (0)")]
    MissingSessionKey,
    /// A selector name in a session file does not hash to the selector next to it.
    #[error("the policy name `{}` does not match its selector {selector:#x}", Escaped(name))]
    SelectorNameMismatch {
        /// The name written in the file.
        name: String,
        /// The selector written next to it.
        selector: Felt,
    },
    /// A session file was written by a newer (or unknown) format.
    #[error("unsupported session file version {found} (this SDK reads version {supported})")]
    UnsupportedFileVersion {
        /// The version the file carries.
        found: u64,
        /// The version this SDK reads ([`SESSION_FILE_VERSION`](crate::SESSION_FILE_VERSION)).
        supported: u64,
    },
    /// The session hash stored in a file is not the hash of its content.
    #[error("the session hash in the file ({stored:#x}) is not the hash of its content ({computed:#x}): the file was edited or is for another format")]
    HashMismatch {
        /// The hash written in the file.
        stored: Felt,
        /// The hash of the session the file describes.
        computed: Felt,
    },
    /// The owner's signature does not verify for the session hash and the given owner key.
    #[error("the owner signature is not a valid signature of the session hash by owner key {0:#x}")]
    InvalidOwnerSignature(Felt),
    /// A rotation to the key that owns the account already.
    #[error("the new owner key {0:#x} is the account's owner already")]
    SameOwner(Felt),
    /// The key used to sign transactions is not the session's key.
    #[error("the session key given ({given:#x}) is not the session's key ({expected:#x})")]
    WrongSessionKey {
        /// The session's public key.
        expected: Felt,
        /// The public key of the private key given.
        given: Felt,
    },
    /// The node serves another chain than the one the session was signed for.
    #[error("the session was signed for chain {session:#x}, but the node serves chain {node:#x}")]
    ChainMismatch {
        /// The session's chain id.
        session: Felt,
        /// The node's chain id.
        node: Felt,
    },
    /// The account revoked the session.
    #[error("the account revoked session {0:#x}")]
    Revoked(Felt),
    /// The node failed to answer. Boxed: starknet-rs's error is 120 bytes, which would make every
    /// `Result` of this crate that large.
    #[error("the node failed to answer: {0}")]
    Provider(Box<starknet::providers::ProviderError>),
    /// The node answered something unexpected.
    #[error("unexpected answer from the node: {0}")]
    Node(String),
    /// The session names an owner epoch the account has moved on from (the owner revoked all
    /// sessions or rotated the owner key since it was signed), or one it has not reached.
    #[error("the session is of owner epoch {session:#x}, but the account is at epoch {account:#x}: the owner revoked all sessions or changed the owner key since it was signed; ask the owner for a new one")]
    StaleEpoch {
        /// The session's epoch.
        session: Felt,
        /// The account's.
        account: Felt,
    },
    /// A call is not allowed by the session's policies.
    #[error("call #{index} ({contract:#x}, {}) is not allowed by the session's policies", selector_label(*selector, name.as_deref()))]
    CallNotAllowed {
        /// Position of the call in the multicall.
        index: usize,
        /// Its target.
        contract: Felt,
        /// Its selector.
        selector: Felt,
        /// The selector's name, when the session's request names it or it is a well-known entry
        /// point (`policy_tree::known_selector_name`).
        name: Option<String>,
    },
    /// A call targets the account itself, which no session may do.
    #[error("call #{index} targets the account itself, which a session may never do")]
    SelfCall {
        /// Position of the call in the multicall.
        index: usize,
    },
    /// A session signature carries a number of proofs other than the number of calls.
    #[error("the session signature carries {proofs} policy proofs for {calls} calls")]
    ProofCount {
        /// The number of calls.
        calls: usize,
        /// The number of proofs.
        proofs: usize,
    },
    /// A call's proof does not lead to the session's policy root.
    #[error("the policy proof of call #{index} does not lead to the session's policy root")]
    InvalidProof {
        /// Position of the call in the multicall.
        index: usize,
    },
    /// A call breaks an argument rule of its policy (the contract's `session/argument-rule`).
    #[error("call #{index} breaks the session's argument rule `{}`", Escaped(rule))]
    ArgumentRule {
        /// Position of the call in the multicall.
        index: usize,
        /// The rule it breaks, in words.
        rule: String,
    },
    /// The transaction's resource bounds and tip allow a fee above the session's cap per
    /// transaction.
    #[error("the transaction may cost up to {}, above the session's cap of {} per transaction: if you set its resource bounds or tip, lower them; if the SDK set them from the fee estimate, the transaction needs more than the session allows, and only a session with a higher fee cap can send it", fee_text(*max_fee), format_strk(*cap))]
    FeeCapExceeded {
        /// The transaction's maximum fee in FRI (`None`: 2^128 FRI or more).
        max_fee: Option<u128>,
        /// The session's cap, in FRI.
        cap: u128,
    },
    /// The session's fee budget has less left than the transaction may cost.
    #[error("the transaction may cost up to {}, but only {} of the session's fee budget of {} is left", format_strk(*max_fee), format_strk(*left), format_strk(*budget))]
    FeeBudgetExceeded {
        /// The transaction's maximum fee, in FRI.
        max_fee: u128,
        /// What is left of the budget, in FRI.
        left: u128,
        /// The session's fee budget, in FRI.
        budget: u128,
    },
    /// A call's amount on a limited token is missing or is not a u256.
    #[error("call #{index} on a limited token has no valid u256 amount where its selector puts one")]
    BadAmount {
        /// Position of the call in the multicall.
        index: usize,
    },
    /// The calls would move more of a token than the session has left.
    #[error("the calls move {} of token {token:#x}, but the session has only {} left {scope}", format_token_amount(*token, *amount), format_token_amount(*token, *left))]
    SpendingLimitExceeded {
        /// The token.
        token: Felt,
        /// What the transaction's calls move of it, together.
        amount: starknet::core::types::U256,
        /// What is left.
        left: starknet::core::types::U256,
        /// Which of the limit's two caps.
        scope: SpendingScope,
    },
    /// The session has sent as many transactions as it may.
    #[error("the session has sent all the {limit} transactions it may")]
    TransactionLimitReached {
        /// The session's transaction limit.
        limit: u32,
    },
    /// Session transactions are invoke transactions only.
    #[error("a session cannot declare classes")]
    DeclareNotAllowed,
    /// The felts are not a session transaction signature.
    #[error("not a session signature (the first felt is not 'sk-session')")]
    NotASessionSignature,
    /// A session signature with a format version this SDK does not know.
    #[error("unsupported session signature version {0:#x}")]
    UnsupportedVersion(Felt),
    /// A session signature that does not parse.
    #[error("malformed session signature: {0}")]
    MalformedSignature(&'static str),
    /// Signing with a local key failed.
    #[error(transparent)]
    Ecdsa(#[from] starknet::core::crypto::EcdsaSignError),
    /// An Argent session's metadata is not a string wallets hash (SNIP-12 `string`).
    #[error("the session metadata cannot be hashed: {0}")]
    InvalidMetadata(crate::typed_data::TypedDataError),
    /// The guardian refused or failed to co-sign a session transaction.
    #[error("the guardian did not co-sign: {}", Escaped(.0))]
    Guardian(String),
    /// Typed data that cannot be a session-signed message (not revision 1, a value that does not
    /// fit its type, a domain type of other members).
    #[error("the message cannot be signed: {0}")]
    InvalidMessage(crate::typed_data::TypedDataError),
    /// A session's message policies list the same one twice.
    #[error("the message policy `{}` is listed twice", Escaped(.0))]
    DuplicateMessagePolicy(String),
    /// A message policy for one of the account's own domains (sessions, outside executions),
    /// whose messages no session may sign.
    #[error("a session may not sign messages of the domain `{}`: it is the account's own", Escaped(.0))]
    ReservedMessageDomain(String),
    /// A message whose domain and type the session does not allow.
    #[error("the session does not allow {}", Escaped(.0))]
    MessageNotAllowed(String),
    /// A message of another chain than the session's.
    #[error("the message is for the chain {found:#x}, the session for {expected:#x}")]
    MessageChain {
        /// The session's chain.
        expected: Felt,
        /// The message domain's `chainId`.
        found: Felt,
    },
    /// The felts are not a session-signed message's signature.
    #[error("not a session message signature (the first felt is not 'sk-session-msg')")]
    NotASessionMessageSignature,
    /// A session file is not valid JSON of the expected shape.
    #[error("invalid session JSON: {}", Escaped(&.0.to_string()))]
    Json(#[from] serde_json::Error),
    /// A field of a session file is not what it must be: `field` is its path in the file
    /// (`policies[2].selector`), `error` the cause with its line and column.
    #[error("invalid session JSON at `{}`: {}", Escaped(field), Escaped(&error.to_string()))]
    JsonField {
        /// The path of the field (`policies[2].selector`).
        field: String,
        /// What is wrong with it, and where.
        error: serde_json::Error,
    },
    /// A private key outside `1..n-1`, `n` the order of the Stark curve: no key signs with it.
    #[error("{0} is not a private key: a Stark private key is a number from 1 to n - 1, n the curve's order")]
    InvalidPrivateKey(&'static str),
}

/// A failure to sign a session transaction: the session refused it (a call it does not allow, a
/// declaration), or the session key's signer failed (`E`, the error of any starknet-rs
/// [`Signer`](starknet::signers::Signer): a local key today, a hardware or remote one tomorrow).
#[derive(Debug, thiserror::Error)]
pub enum SignError<E> {
    /// The session refused to sign.
    #[error(transparent)]
    Session(#[from] Error),
    /// The session key's signer failed.
    #[error(transparent)]
    Signer(E),
}

fn fee_text(max_fee: Option<u128>) -> String {
    max_fee.map_or_else(|| "2^128 FRI or more".to_string(), format_strk)
}

impl From<starknet::providers::ProviderError> for Error {
    fn from(err: starknet::providers::ProviderError) -> Self {
        Self::Provider(Box::new(err))
    }
}

/// Which cap of a spending limit a transaction would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpendingScope {
    /// The total over the session's life.
    Life,
    /// The amount per period.
    Period,
}

impl std::fmt::Display for SpendingScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Life => "over its life",
            Self::Period => "this period",
        })
    }
}

/// `` `approve` (selector 0x…) ``, or `selector 0x…` when the name is not known.
fn selector_label(selector: Felt, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("`{}` (selector {selector:#x})", crate::text::escape(name)),
        None => format!("selector {selector:#x}"),
    }
}
