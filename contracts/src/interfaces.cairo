//! The account's interfaces and their SRC5 ids.
use starknet::{ClassHash, ContractAddress};
use starknet::account::Call;
use crate::outside_execution::OutsideExecution;
use crate::session::limits::{SessionUsage, SpendingUsage};
use crate::session::session_hash::Session;

/// SRC5 id of `ISRC6` (SNIP-6 standard account).
pub const ISRC6_ID: felt252 = 0x2ceccef7f994940b3962a6c67e0ba4fcd37df7d131417c604f91e03caecc1cd;
/// SRC5 id of `ISRC5` (SNIP-5 interface detection).
pub const ISRC5_ID: felt252 = 0x3f918d17e5ee77373b56385708f855659a07f75997f365cf87748628532a055;

/// SRC5 id of `ISRC9_V2` (SNIP-9 version 2, outside execution), as SNIP-9 publishes it.
pub const ISRC9_V2_ID: felt252 = 0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872;

/// SRC5 id of `ISession`: the XOR of the `starknet_keccak` of `revoke_session(felt252)` and of
/// `is_session_revoked(felt252)->E((),())`, SNIP-5's extended function selectors. The id is
/// unchanged since the epoch's entry points (`revoke_all_sessions`, `get_session_epoch`) joined
/// the interface: it does not cover them.
pub const ISESSION_ID: felt252 = 0x3f60fc54f98a9849233a2b258b532be49386da2a5998eb4d1d8479727470191;

/// SNIP-6: the entry points the protocol calls, and signature checks for anyone.
#[starknet::interface]
pub trait ISRC6<TState> {
    /// Runs the calls of a validated transaction; protocol only.
    fn __execute__(ref self: TState, calls: Array<Call>) -> Array<Span<felt252>>;
    /// Accepts the transaction (returns `'VALID'`) or panics; protocol only.
    fn __validate__(ref self: TState, calls: Array<Call>) -> felt252;
    /// `'VALID'` if `signature` is the owner's over `hash`, or a session key's signature of the
    /// SNIP-12 message `hash` that its session allows (docs/protocol.md §6), else 0; a malformed
    /// or refused session message signature panics with the reason.
    fn is_valid_signature(self: @TState, hash: felt252, signature: Array<felt252>) -> felt252;
}

/// SNIP-5 interface detection.
#[starknet::interface]
pub trait ISRC5<TState> {
    fn supports_interface(self: @TState, interface_id: felt252) -> bool;
}

/// SNIP-9 version 2: calls signed off-chain by the owner or a session, submitted by a relayer
/// (docs/protocol.md §5).
#[starknet::interface]
pub trait ISRC9_V2<TState> {
    /// Runs `outside_execution`'s calls if its caller, window and nonce hold and `signature` (the
    /// owner's `(r, s)`, or a session token) authorizes them; returns their results.
    fn execute_from_outside_v2(
        ref self: TState, outside_execution: OutsideExecution, signature: Span<felt252>,
    ) -> Array<Span<felt252>>;
    /// Whether `nonce` is still unused by the owner's outside executions (each session has
    /// nonces of its own: `ISessionOutsideExecution`).
    fn is_valid_outside_execution_nonce(self: @TState, nonce: felt252) -> bool;
}

/// The nonces of sessions' outside executions (docs/protocol.md §5, "Nonces"): each session has
/// a nonce space of its own, apart from the owner's, so that no session can use up a nonce the
/// owner signed.
#[starknet::interface]
pub trait ISessionOutsideExecution<TState> {
    /// Whether `nonce` is still unused by the outside executions of the session `session_hash`.
    fn is_valid_session_outside_execution_nonce(
        self: @TState, session_hash: felt252, nonce: felt252,
    ) -> bool;
}

/// Validation of DECLARE transactions sent by this account.
#[starknet::interface]
pub trait IDeclarer<TState> {
    fn __validate_declare__(self: @TState, class_hash: felt252) -> felt252;
}

/// Validation of the DEPLOY_ACCOUNT transaction that deploys this account.
#[starknet::interface]
pub trait IDeployable<TState> {
    fn __validate_deploy__(
        self: @TState, class_hash: felt252, contract_address_salt: felt252, owner: felt252,
    ) -> felt252;
}

/// The owner: a Stark public key.
#[starknet::interface]
pub trait IOwner<TState> {
    fn get_owner(self: @TState) -> felt252;
    /// Replaces the owner key by `new_owner`; only the account itself may call it. `signature` is
    /// the new key's `(r, s)` over `owner::owner_rotation_hash` (account, chain, old and new key):
    /// a key nobody holds is refused (`account/invalid-owner-proof`), and so are the current key
    /// (`account/same-owner`) and 0 (`account/zero-owner`).
    fn set_owner(ref self: TState, new_owner: felt252, signature: Span<felt252>);
}

/// Upgrades of the account's class.
#[starknet::interface]
pub trait IUpgradeable<TState> {
    /// Replaces the account's class by `new_class_hash`, its storage kept; only the account itself
    /// may call it (so an owner-signed transaction: a session never reaches the account). Emits
    /// `Upgraded`.
    fn upgrade(ref self: TState, new_class_hash: ClassHash);
}

/// Sessions the owner granted (docs/protocol.md §4, "Revocation" and "Epoch"): revocation of one
/// session, and of every session signed so far by moving the owner epoch on. Sessions themselves
/// are used through the transaction signature, not through an entry point.
#[starknet::interface]
pub trait ISession<TState> {
    /// Ends the session of `session_hash` for good; only the account itself may call it, and only
    /// once per session. Emits `SessionRevoked`.
    fn revoke_session(ref self: TState, session_hash: felt252);
    /// Whether the session of `session_hash` was revoked.
    fn is_session_revoked(self: @TState, session_hash: felt252) -> bool;
    /// Ends every session signed so far: moves the owner epoch on to a value nobody could know
    /// before this transaction, so that a session naming any other epoch is refused
    /// (`session/stale-epoch`). Only the account itself may call it. Emits `SessionsRevoked`
    /// with the new epoch.
    fn revoke_all_sessions(ref self: TState);
    /// The account's owner epoch: 0 at deployment, then a new hash at each `revoke_all_sessions`
    /// and each change of the owner key (`RevocationComponent::next_epoch`). A new session must
    /// name it.
    fn get_session_epoch(self: @TState) -> felt252;
}

/// A session's own end (docs/protocol.md §4, "Logout"): the session key revokes its session for
/// good, as a dApp's "log out" does, sent by anyone (the session's own transaction, an outside
/// execution, a relayer's call).
#[starknet::interface]
pub trait ISessionLogout<TState> {
    /// Revokes `session` (for this account and chain) if `signature` is its key's `(r, s)` over
    /// `RevocationComponent::logout_hash` of its session hash (`session/invalid-signature`
    /// otherwise), once (`session/already-revoked`). Emits `SessionRevoked`.
    fn logout_session(ref self: TState, session: Session, signature: Span<felt252>);
}

/// The authorization cache (docs/protocol.md §4, "Authorization cache"): the owner records a
/// session's authorization up front, so that even its first transaction may send the short form
/// of the token (no owner signature). A session's first validated transaction records it too.
#[starknet::interface]
pub trait ISessionRegistry<TState> {
    /// Records that the owner authorized `session` (for this account and chain); only the account
    /// itself may call it, so an owner-signed transaction. Refuses a revoked session
    /// (`session/revoked`), one of another epoch than the current one (`session/stale-epoch`) and
    /// one recorded already (`session/already-registered`). Emits `SessionRegistered`.
    fn register_session(ref self: TState, session: Session);
}

/// What sessions used (docs/protocol.md §4, "Where each count happens"): the counters validation
/// keeps per session, against its `max_transactions` and `fee_budget`, and those execution keeps
/// per session and token, against its spending limits.
#[starknet::interface]
pub trait ISessionUsage<TState> {
    /// The transactions validated under the session of `session_hash`, the sum of their maximum
    /// fees in FRI, and whether the account recorded the owner's authorization of it; all zero
    /// (and not authorized) for a session never used nor registered.
    fn get_session_usage(self: @TState, session_hash: felt252) -> SessionUsage;
    /// What the session of `session_hash` moved of `token`: over its life, and in the period
    /// stored (compare it with the current one); all zero for a token it never moved.
    fn get_session_spending(
        self: @TState, session_hash: felt252, token: ContractAddress,
    ) -> SpendingUsage;
}

/// The ERC-20 entry points the account reads of a token a session limits (docs/protocol.md §4,
/// "Spending"), and the one the example tip jar calls, in OpenZeppelin's Cairo ERC-20 spelling.
#[starknet::interface]
pub trait IERC20<TState> {
    /// The tokens `account` holds.
    fn balance_of(self: @TState, account: ContractAddress) -> u256;
    /// What `spender` may still take of `owner`'s tokens.
    fn allowance(self: @TState, owner: ContractAddress, spender: ContractAddress) -> u256;
    /// Moves `amount` of `sender`'s tokens to `recipient`, from the caller's allowance.
    fn transfer_from(
        ref self: TState, sender: ContractAddress, recipient: ContractAddress, amount: u256,
    ) -> bool;
}
