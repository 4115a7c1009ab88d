//! What the owner signs: a session as SNIP-12 revision 1 typed data (docs/protocol.md §1).
//!
//! Each struct has its type hash, `starknet_keccak` of its exact encoded type string, right above
//! its `StructHash` impl. The session's fee limits and its spending limits' amounts are revision
//! 1's preset `TokenAmount`, hashed by `token_amount_hash` below the `SpendingLimit` (no struct:
//! the fee limits' token is the constant `FEE_TOKEN`, a spending limit's is its own). The domain's
//! constants come last. The policy tree's leaf, `Policy`, and the `ArgumentRule`s it carries
//! follow the presets; `argument_rules` evaluates the rules. The Rust SDK's `session_hash`
//! module computes the same hashes; the test vectors pin both.
use core::hash::HashStateTrait;
use core::poseidon::{PoseidonTrait, hades_permutation, poseidon_hash_span};
use starknet::ContractAddress;

/// A struct's SNIP-12 revision 1 hash: `poseidon_hash_many([type_hash, field_1, …])`.
pub trait StructHash<T> {
    /// The struct hash of `self`.
    fn struct_hash(self: @T) -> felt252;
}

/// The SNIP-12 revision 1 domain.
#[derive(Copy, Drop)]
pub struct StarknetDomain {
    pub name: felt252,
    pub version: felt252,
    pub chain_id: felt252,
    pub revision: felt252,
}

/// Type hash of `StarknetDomain`.
pub const DOMAIN_TYPE_HASH: felt252 = selector!(
    "\"StarknetDomain\"(\"name\":\"shortstring\",\"version\":\"shortstring\",\"chainId\":\"shortstring\",\"revision\":\"shortstring\")",
);

pub impl StarknetDomainStructHash of StructHash<StarknetDomain> {
    fn struct_hash(self: @StarknetDomain) -> felt252 {
        poseidon_hash_span(
            array![DOMAIN_TYPE_HASH, *self.name, *self.version, *self.chain_id, *self.revision]
                .span(),
        )
    }
}

/// A session: `session_key` may sign transactions of the account from `valid_after` (inclusive)
/// to `valid_until` (exclusive), calling only the `(contract, selector)` pairs of the policy tree
/// whose root is `policies_root` with arguments that obey their policy's rules, at most
/// `max_transactions` transactions, none with a maximum fee
/// above `max_fee`, and all together with maximum fees of at most `fee_budget` (both in FRI, the
/// STRK amounts of `FEE_TOKEN`), moving at most what `spending_limits` allow of each token they
/// list, and only while the account's owner epoch is still `epoch` (docs/protocol.md §1, "The
/// limits"; §4, "Epoch"); and sign, for `is_valid_signature`, the SNIP-12 messages whose domain and
/// type one of its `MessagePolicy`s names, whose list hashes to `messages_hash` (§6).
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct Session {
    pub session_key: felt252,
    pub valid_after: u64,
    pub valid_until: u64,
    pub max_fee: u128,
    pub fee_budget: u128,
    pub max_transactions: u32,
    /// The account's owner epoch when the owner signed (`Owner Epoch`, a `felt`): the session is
    /// refused once the account's epoch has moved on (`RevocationComponent`,
    /// `session/stale-epoch`).
    pub epoch: felt252,
    pub policies_root: felt252,
    /// At most one per token, in increasing token address order (`limits::limits_in_order`).
    pub spending_limits: Span<SpendingLimit>,
    /// The `Messages` member as the typed data encodes it: `poseidon_hash_many` of the struct
    /// hashes of the session's `MessagePolicy`s (`messages_hash`). A transaction carries this one
    /// felt; a session-signed message carries the list too (`session_message`).
    pub messages_hash: felt252,
}

/// Type hash of `Session`. A `merkletree` member does not bring its leaf type into the type string;
/// the types it uses, `ArgumentRule` (through `MessagePolicy`), `MessagePolicy`, `SpendingLimit`
/// and the presets `TokenAmount` and `u256`, follow its own, sorted by name.
pub const SESSION_TYPE_HASH: felt252 = selector!(
    "\"Session\"(\"Session Key\":\"felt\",\"Valid After\":\"timestamp\",\"Valid Until\":\"timestamp\",\"Max Fee Per Transaction\":\"TokenAmount\",\"Fee Budget\":\"TokenAmount\",\"Max Transactions\":\"u128\",\"Owner Epoch\":\"felt\",\"Policies\":\"merkletree\",\"Spending Limits\":\"SpendingLimit*\",\"Messages\":\"MessagePolicy*\")\"ArgumentRule\"(\"Word\":\"u128\",\"Operator\":\"shortstring\",\"Values\":\"felt*\",\"U256 Values\":\"u256*\")\"MessagePolicy\"(\"Domain Name\":\"shortstring\",\"Domain Version\":\"shortstring\",\"Type\":\"string\",\"Rules\":\"ArgumentRule*\")\"SpendingLimit\"(\"Total\":\"TokenAmount\",\"Per Period\":\"TokenAmount\",\"Period\":\"u128\")\"TokenAmount\"(\"token_address\":\"ContractAddress\",\"amount\":\"u256\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

pub impl SessionStructHash of StructHash<Session> {
    fn struct_hash(self: @Session) -> felt252 {
        poseidon_hash_span(
            array![
                SESSION_TYPE_HASH, *self.session_key, (*self.valid_after).into(),
                (*self.valid_until).into(), token_amount_hash(FEE_TOKEN, (*self.max_fee).into()),
                token_amount_hash(FEE_TOKEN, (*self.fee_budget).into()),
                (*self.max_transactions).into(), *self.epoch, *self.policies_root,
                struct_hashes_hash(*self.spending_limits), *self.messages_hash,
            ]
                .span(),
        )
    }
}

/// The token of the session's fee limits: STRK, in which v3 transactions pay their fees (the same
/// address on Mainnet, Sepolia and devnet). It is hashed into the session, not sent in the token.
pub const FEE_TOKEN: felt252 = 0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d;

/// What a session may move of one `token` (docs/protocol.md §4, "Spending"): at most `total` over
/// the session's life and at most `per_period` in each period of `period` seconds counted from
/// `valid_after`; a `period` of 0 is one period that never renews. Both amounts are `TokenAmount`s
/// of `token` in the typed data.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct SpendingLimit {
    pub token: ContractAddress,
    pub total: u256,
    pub per_period: u256,
    pub period: u64,
}

/// Type hash of `SpendingLimit`, which uses `TokenAmount` and so `u256`.
pub const SPENDING_LIMIT_TYPE_HASH: felt252 = selector!(
    "\"SpendingLimit\"(\"Total\":\"TokenAmount\",\"Per Period\":\"TokenAmount\",\"Period\":\"u128\")\"TokenAmount\"(\"token_address\":\"ContractAddress\",\"amount\":\"u256\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

pub impl SpendingLimitStructHash of StructHash<SpendingLimit> {
    fn struct_hash(self: @SpendingLimit) -> felt252 {
        let token: felt252 = (*self.token).into();
        poseidon_hash_span(
            array![
                SPENDING_LIMIT_TYPE_HASH, token_amount_hash(token, *self.total),
                token_amount_hash(token, *self.per_period), (*self.period).into(),
            ]
                .span(),
        )
    }
}

/// A kind of SNIP-12 message the session may sign (docs/protocol.md §6, session-signed messages):
/// revision 1 messages of the domain `domain_name`, `domain_version` on the account's own chain,
/// whose primary type's encoded type string is `type_string` (their type hash is its
/// `starknet_keccak`, `session_message::policy_type_hash`), and whose encoded members obey every
/// one of `rules` (a rule's `word` is a member's index, its operators those of argument rules).
/// The names are the domain's felts as the typed data encodes them (a shortstring, or the number a
/// numeric text reads as).
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct MessagePolicy {
    pub domain_name: felt252,
    pub domain_version: felt252,
    /// The type string as a `ByteArray` in `Serde` layout (the count of full 31-byte words, the
    /// words, the pending word and its length): what SNIP-12 hashes for a `string` member.
    pub type_string: Span<felt252>,
    /// In canonical order (sorted, none twice: the SDK's job).
    pub rules: Span<ArgumentRule>,
}

/// Type hash of `MessagePolicy`, which uses `ArgumentRule` and so `u256`.
pub const MESSAGE_POLICY_TYPE_HASH: felt252 = selector!(
    "\"MessagePolicy\"(\"Domain Name\":\"shortstring\",\"Domain Version\":\"shortstring\",\"Type\":\"string\",\"Rules\":\"ArgumentRule*\")\"ArgumentRule\"(\"Word\":\"u128\",\"Operator\":\"shortstring\",\"Values\":\"felt*\",\"U256 Values\":\"u256*\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

/// `poseidon_hash_many([MESSAGE_POLICY_TYPE_HASH, domain_name, domain_version,
/// poseidon_hash_many(type_string), poseidon_hash_many(rule hashes)])`: a `string` member is the
/// hash of its `ByteArray` serialization.
pub impl MessagePolicyStructHash of StructHash<MessagePolicy> {
    fn struct_hash(self: @MessagePolicy) -> felt252 {
        PoseidonTrait::new()
            .update(MESSAGE_POLICY_TYPE_HASH)
            .update(*self.domain_name)
            .update(*self.domain_version)
            .update(poseidon_hash_span(*self.type_string))
            .update(struct_hashes_hash(*self.rules))
            .finalize()
    }
}

/// The `Messages` member of a session with `messages`: `Session::messages_hash`.
pub fn messages_hash(messages: Span<MessagePolicy>) -> felt252 {
    struct_hashes_hash(messages)
}

/// Type hash of the preset `u256`.
pub const U256_TYPE_HASH: felt252 = selector!("\"u256\"(\"low\":\"u128\",\"high\":\"u128\")");

/// Type hash of the preset `TokenAmount`, which uses `u256`.
pub const TOKEN_AMOUNT_TYPE_HASH: felt252 = selector!(
    "\"TokenAmount\"(\"token_address\":\"ContractAddress\",\"amount\":\"u256\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

/// The struct hash of the `TokenAmount` of `amount` of `token`: `poseidon_hash_many(
/// [TOKEN_AMOUNT_TYPE_HASH, token, poseidon_hash_many([U256_TYPE_HASH, amount.low,
/// amount.high])])`.
///
/// Both hashes are of three felts and computed with `hades_permutation` directly (`poseidon_3`)
/// rather than `poseidon_hash_span`: the same hashes without building arrays or running the
/// sponge's loop, about 12k gas cheaper per `TokenAmount`. A session hash has two for the fees
/// and two per spending limit: some 48k per session hash with one limit, paid in every session
/// validation and in an execution that counts a spend. `test_poseidon_3` pins the equality with
/// `poseidon_hash_span`, and the vectors pin the hashes.
pub fn token_amount_hash(token: felt252, amount: u256) -> felt252 {
    poseidon_3(TOKEN_AMOUNT_TYPE_HASH, token, amount.struct_hash())
}

/// The preset `u256`: `poseidon_hash_many([U256_TYPE_HASH, low, high])`, by `poseidon_3` (see
/// `token_amount_hash`): a `TokenAmount`'s amount and each of an `ArgumentRule`'s `u256_values`.
pub impl U256StructHash of StructHash<u256> {
    fn struct_hash(self: @u256) -> felt252 {
        poseidon_3(U256_TYPE_HASH, (*self.low).into(), (*self.high).into())
    }
}

/// `poseidon_hash_span(array![a, b, c].span())` by its two permutations: the sponge absorbs
/// `(a, b)` into the zero state, then `c` with the padding 1 of an odd count.
pub fn poseidon_3(a: felt252, b: felt252, c: felt252) -> felt252 {
    let (s0, s1, s2) = hades_permutation(a, b, 0);
    let (hash, _, _) = hades_permutation(s0 + c, s1 + 1, s2);
    hash
}

/// One allowed call: any call of `selector` on `contract` whose calldata obeys every one of
/// `rules` (none: any calldata; docs/protocol.md §2, "Argument rules"). Its struct hash is a leaf
/// of the policy tree (`policy_tree::policy_leaf`), so a proof of the leaf proves its rules too.
#[derive(Copy, Drop)]
pub struct Policy {
    pub contract: ContractAddress,
    pub selector: felt252,
    /// In canonical order (sorted, none twice: the SDK's job), so that the leaf does not depend
    /// on the order a dApp wrote them in; the account only hashes and evaluates them.
    pub rules: Span<ArgumentRule>,
}

/// Type hash of `Policy`, which uses `ArgumentRule` and so `u256`.
pub const POLICY_TYPE_HASH: felt252 = selector!(
    "\"Policy\"(\"Contract\":\"ContractAddress\",\"Selector\":\"selector\",\"Rules\":\"ArgumentRule*\")\"ArgumentRule\"(\"Word\":\"u128\",\"Operator\":\"shortstring\",\"Values\":\"felt*\",\"U256 Values\":\"u256*\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

/// A leaf of every call's proof, so computed on the sponge (`PoseidonTrait`, the same hash as
/// `poseidon_hash_span`) without building an array: about 7k gas less per call.
pub impl PolicyStructHash of StructHash<Policy> {
    fn struct_hash(self: @Policy) -> felt252 {
        PoseidonTrait::new()
            .update(POLICY_TYPE_HASH)
            .update((*self.contract).into())
            .update(*self.selector)
            .update(struct_hashes_hash(*self.rules))
            .finalize()
    }
}

/// A constraint on one argument of a call (docs/protocol.md §2, "Argument rules"): the felt at
/// calldata word `word` (a rule with `values`), or the u256 whose low word is at `word` and high
/// word at `word + 1` (a rule with `u256_values`), compared by `operator` (a shortstring,
/// `argument_rules::EQ` and the others) with the values. Its values are in exactly one of the two
/// lists; `argument_rules::rule_holds` evaluates it and says when it cannot be evaluated. `word`
/// is a `u128` in the typed data and a u32 on the wire: a signed word of 2^32 or more cannot be
/// presented.
#[derive(Copy, Drop, Serde, Debug, PartialEq)]
pub struct ArgumentRule {
    pub word: u32,
    pub operator: felt252,
    pub values: Span<felt252>,
    pub u256_values: Span<u256>,
}

/// Type hash of `ArgumentRule`, which uses the preset `u256`.
pub const ARGUMENT_RULE_TYPE_HASH: felt252 = selector!(
    "\"ArgumentRule\"(\"Word\":\"u128\",\"Operator\":\"shortstring\",\"Values\":\"felt*\",\"U256 Values\":\"u256*\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
);

/// The struct hash of a rule: `poseidon_hash_many([ARGUMENT_RULE_TYPE_HASH, word, operator,
/// poseidon_hash_many(values), poseidon_hash_many(u256 struct hashes of u256_values)])`. The
/// `felt*` array is hashed as the span it already is, the `u256*` one by `struct_hashes_hash`;
/// the rule itself on the sponge, as `Policy`.
pub impl ArgumentRuleStructHash of StructHash<ArgumentRule> {
    fn struct_hash(self: @ArgumentRule) -> felt252 {
        PoseidonTrait::new()
            .update(ARGUMENT_RULE_TYPE_HASH)
            .update((*self.word).into())
            .update(*self.operator)
            .update(poseidon_hash_span(*self.values))
            .update(struct_hashes_hash(*self.u256_values))
            .finalize()
    }
}

/// The hash of a SNIP-12 array of structs: `poseidon_hash_many` of their struct hashes (of no
/// felts when empty), streamed into the sponge (`PoseidonTrait`, the same hash as
/// `poseidon_hash_span`) rather than collected in an array first.
fn struct_hashes_hash<T, +StructHash<T>>(items: Span<T>) -> felt252 {
    let mut state = PoseidonTrait::new();
    for item in items {
        state = state.update(item.struct_hash());
    }
    state.finalize()
}

/// The domain's name.
pub const DOMAIN_NAME: felt252 = 'SessionKeys.session';
/// The typed-data domain's version, the felt 4 (not the character '4'): the version of the
/// `Session` type the owner signs, which a later session format bumps (docs/protocol.md §1,
/// "Versioning"). Not the transaction signature's format version,
/// `session_token::SESSION_TOKEN_VERSION`.
pub const DOMAIN_VERSION: felt252 = 4;
/// The domain's revision: SNIP-12 revision 1, as the felt 1.
pub const SNIP12_REVISION: felt252 = 1;

/// The domain of sessions on the chain `chain_id`.
pub fn session_domain(chain_id: felt252) -> StarknetDomain {
    StarknetDomain {
        name: DOMAIN_NAME, version: DOMAIN_VERSION, chain_id, revision: SNIP12_REVISION,
    }
}

/// The hash the owner signs to grant `session` to `account` on the chain `chain_id`:
/// `poseidon_hash_many(['StarkNet Message', domain_hash, account, session_struct_hash])`.
pub fn session_hash(session: @Session, account: ContractAddress, chain_id: felt252) -> felt252 {
    poseidon_hash_span(
        array![
            'StarkNet Message', session_domain(chain_id).struct_hash(), account.into(),
            session.struct_hash(),
        ]
            .span(),
    )
}
