//! Entry points for the differential tests (`tests/differential.rs`): the contract's own session
//! functions, called by the Rust tests through `sk_cairo::Program` on random inputs the SDK also
//! answers. Each takes its inputs as one felt array in `Serde` layout and returns its answer as
//! one, or panics with the contract's error: a function returning `Result` panics with its `Err`.
//! Nothing here is reached by the account; it only wires inputs to the functions under test.
use starknet::account::Call;
use starknet::{ContractAddress, ResourcesBounds};
use crate::session::argument_rules::{assert_rules_hold, rule_holds};
use crate::session::limits::{
    SessionUsage, SpendingUsage, assert_fee_cap, charge, current_period, granted_allowance, max_fee,
    spend,
};
use crate::session::merkle::{hash_pair, verify_proof};
use crate::session::policy_tree::policy_leaf;
use crate::session::session_hash::{
    ArgumentRule, MessagePolicy, Session, SpendingLimit, StructHash, messages_hash, session_hash,
};
use crate::session::session_message::{
    parse_session_message_token, policy_type_hash, token_message_hash,
};
use crate::session::session_token::parse_session_token;

fn read<T, +Serde<T>, +Drop<T>>(ref input: Span<felt252>) -> T {
    match Serde::<T>::deserialize(ref input) {
        Some(value) => value,
        None => core::panic_with_felt252('diff/bad-input'),
    }
}

fn done(input: Span<felt252>) {
    assert(input.is_empty(), 'diff/input-left');
}

fn serialized<T, +Serde<T>, +Drop<T>>(value: @T) -> Array<felt252> {
    let mut out = array![];
    value.serialize(ref out);
    out
}

/// `[account, chain_id, Session…]` → `[session hash, session struct hash, messages hash of
/// nothing]`.
pub fn session_hash_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let account: ContractAddress = read(ref input);
    let chain_id: felt252 = read(ref input);
    let session: Session = read(ref input);
    done(input);
    array![session_hash(@session, account, chain_id), session.struct_hash()]
}

/// `[MessagePolicy span…]` → `[messages hash]`.
pub fn messages_hash_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let messages: Span<MessagePolicy> = read(ref input);
    done(input);
    array![messages_hash(messages)]
}

/// `[contract, selector, ArgumentRule span…]` → `[leaf]`.
pub fn policy_leaf_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let contract: ContractAddress = read(ref input);
    let selector: felt252 = read(ref input);
    let rules: Span<ArgumentRule> = read(ref input);
    done(input);
    array![policy_leaf(contract, selector, rules)]
}

/// `[root, leaf, proof span…]` → `[verifies (0 or 1), the pair hash of the leaf and its first
/// sibling (or the leaf)]`.
pub fn verify_proof_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let root: felt252 = read(ref input);
    let leaf: felt252 = read(ref input);
    let proof: Span<felt252> = read(ref input);
    done(input);
    let first = match proof.get(0) {
        Some(sibling) => hash_pair(leaf, *sibling.unbox()),
        None => leaf,
    };
    array![verify_proof(root, leaf, proof).into(), first]
}

/// `[ArgumentRule…, calldata span…]` → `[holds (0 or 1)]`, or the rule's error.
pub fn rule_holds_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let rule: ArgumentRule = read(ref input);
    let calldata: Span<felt252> = read(ref input);
    done(input);
    match rule_holds(@rule, calldata) {
        Ok(holds) => array![holds.into()],
        Err(error) => core::panic_with_felt252(error),
    }
}

/// `[ArgumentRule span…, calldata span…]` → `[]`, or the first failing rule's error.
pub fn assert_rules_hold_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let rules: Span<ArgumentRule> = read(ref input);
    let calldata: Span<felt252> = read(ref input);
    done(input);
    assert_rules_hold(rules, calldata);
    array![]
}

/// A session transaction signature → the token after its magic (`Serde`), or the parse error.
pub fn parse_session_token_of(input: Array<felt252>) -> Array<felt252> {
    match parse_session_token(input.span()) {
        Ok(token) => serialized(@token),
        Err(error) => core::panic_with_felt252(error),
    }
}

/// A session-signed message's signature → the token after its magic (`Serde`), or the parse
/// error.
pub fn parse_session_message_token_of(input: Array<felt252>) -> Array<felt252> {
    match parse_session_message_token(input.span()) {
        Ok(token) => serialized(@token),
        Err(error) => core::panic_with_felt252(error),
    }
}

/// `[MessagePolicy…, members span…, account, chain_id]` → `[the hash of a message of that policy
/// with those members, its type hash]` (`token_message_hash`, `policy_type_hash`).
pub fn message_hash_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let policy: MessagePolicy = read(ref input);
    let members: Span<felt252> = read(ref input);
    let account: ContractAddress = read(ref input);
    let chain_id: felt252 = read(ref input);
    done(input);
    array![token_message_hash(@policy, members, account, chain_id), policy_type_hash(@policy)]
}

/// `[ResourcesBounds span…, tip]` → `[max fee as u256]`.
pub fn max_fee_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let bounds: Span<ResourcesBounds> = read(ref input);
    let tip: u128 = read(ref input);
    done(input);
    serialized(@max_fee(bounds, tip))
}

/// `[cap, SessionUsage…, max_transactions, fee_budget, max fee (u256)]` → the usage to write
/// back, or the first limit's error: the fee cap, then `charge`.
pub fn charge_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let cap: u128 = read(ref input);
    let usage: SessionUsage = read(ref input);
    let max_transactions: u32 = read(ref input);
    let fee_budget: u128 = read(ref input);
    let fee: u256 = read(ref input);
    done(input);
    assert_fee_cap(fee, cap);
    serialized(@charge(usage, max_transactions, fee_budget, fee))
}

/// `[Call…]` → `Option<(spender, amount)>` in `Serde` layout (`[1]` for a call that grants no
/// allowance a limit counts, `[0, spender, amount (u256)]` for one that does), or
/// `session/bad-amount`.
pub fn granted_allowance_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let call: Call = read(ref input);
    done(input);
    serialized(@granted_allowance(@call))
}

/// `[SpendingUsage…, SpendingLimit…, amount (u256), now, valid_after]` → `[current period,
/// SpendingUsage to write back…]`, or the limit's error.
pub fn spend_of(input: Array<felt252>) -> Array<felt252> {
    let mut input = input.span();
    let usage: SpendingUsage = read(ref input);
    let limit: SpendingLimit = read(ref input);
    let amount: u256 = read(ref input);
    let now: u64 = read(ref input);
    let valid_after: u64 = read(ref input);
    done(input);
    let mut out = array![current_period(limit.period, valid_after, now).into()];
    spend(usage, limit, amount, now, valid_after).serialize(ref out);
    out
}
