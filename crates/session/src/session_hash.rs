//! Session hashing: the SNIP-12 (revision 1) types of a session, their type strings, the session
//! domain, and the hash the owner signs, bound to one account and one chain (docs/protocol.md §1).
//! Mirrors `contracts/src/session/session_hash.cairo`.

use std::fmt;

use serde_json::{json, Value};
use starknet::core::types::{Felt, U256};
use starknet::core::utils::get_selector_from_name;
use starknet_crypto::poseidon_hash_many;

use crate::argument_rules::ArgumentRule;
use crate::error::Error;
use crate::typed_data::{chain_name, starknet_domain_hash, starknet_domain_type, typed_message_hash};

/// The typed data domain's `version`: the felt 4 (not the character `'4'`). It changes with the
/// session's types; the transaction signature's format has a version of its own
/// ([`SESSION_TOKEN_VERSION`](crate::SESSION_TOKEN_VERSION)).
pub const DOMAIN_VERSION: u64 = 4;

/// The typed data domain name, a shortstring.
pub const DOMAIN_NAME: &str = "SessionKeys.session";

/// `'SessionKeys.session'`.
pub(crate) const DOMAIN_NAME_FELT: Felt = Felt::from_hex_unchecked("0x53657373696f6e4b6579732e73657373696f6e");

/// The session's type string: its own, then those of the struct types it uses (`ArgumentRule`
/// through `MessagePolicy`, `MessagePolicy`, `SpendingLimit`, the presets `TokenAmount` and
/// `u256`), sorted by name. A `merkletree` member does not bring its leaf type into it.
pub const SESSION_TYPE_STRING: &str = concat!(
    r#""Session"("Session Key":"felt","Valid After":"timestamp","Valid Until":"timestamp","#,
    r#""Max Fee Per Transaction":"TokenAmount","Fee Budget":"TokenAmount","Max Transactions":"u128","#,
    r#""Owner Epoch":"felt","Policies":"merkletree","Spending Limits":"SpendingLimit*","#,
    r#""Messages":"MessagePolicy*")"#,
    r#""ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")"#,
    r#""MessagePolicy"("Domain Name":"shortstring","Domain Version":"shortstring","Type":"string","#,
    r#""Rules":"ArgumentRule*")"#,
    r#""SpendingLimit"("Total":"TokenAmount","Per Period":"TokenAmount","Period":"u128")"#,
    r#""TokenAmount"("token_address":"ContractAddress","amount":"u256")"#,
    r#""u256"("low":"u128","high":"u128")"#
);
/// `starknet_keccak(SESSION_TYPE_STRING)`.
pub const SESSION_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x374dddf44022c2aedcd1d383fec09f03f29fa30a378f44cd5ad69491c9c00da");

/// The type string of a spending limit, with the presets it uses.
pub const SPENDING_LIMIT_TYPE_STRING: &str = concat!(
    r#""SpendingLimit"("Total":"TokenAmount","Per Period":"TokenAmount","Period":"u128")"#,
    r#""TokenAmount"("token_address":"ContractAddress","amount":"u256")"#,
    r#""u256"("low":"u128","high":"u128")"#
);
/// `starknet_keccak(SPENDING_LIMIT_TYPE_STRING)`.
pub const SPENDING_LIMIT_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0xbcac1fd26d2c9944d0d56d2c8a032ca94ee8a8fa74ad15ba2fbfa73348422f");

/// The type string of a message policy, with the types it uses.
pub const MESSAGE_POLICY_TYPE_STRING: &str = concat!(
    r#""MessagePolicy"("Domain Name":"shortstring","Domain Version":"shortstring","Type":"string","#,
    r#""Rules":"ArgumentRule*")"#,
    r#""ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")"#,
    r#""u256"("low":"u128","high":"u128")"#
);
/// `starknet_keccak(MESSAGE_POLICY_TYPE_STRING)`.
pub const MESSAGE_POLICY_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0xd10b90e484349caa49bc477ab4ee40a56c3fe486c3fb439836b3985dc6e53");

/// The type string of revision 1's preset `TokenAmount`, with the `u256` it uses.
pub const TOKEN_AMOUNT_TYPE_STRING: &str =
    r#""TokenAmount"("token_address":"ContractAddress","amount":"u256")"u256"("low":"u128","high":"u128")"#;
/// `starknet_keccak(TOKEN_AMOUNT_TYPE_STRING)`.
pub const TOKEN_AMOUNT_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x14648649d4413eb385eea9ac7e6f2b9769671f5d9d7ad40f7b4aadd67839d4");

/// The type string of revision 1's preset `u256`.
pub const U256_TYPE_STRING: &str = r#""u256"("low":"u128","high":"u128")"#;
/// `starknet_keccak(U256_TYPE_STRING)`.
pub const U256_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x3b143be38b811560b45593fb2a071ec4ddd0a020e10782be62ffe6f39e0e82c");

/// The token of the session's fee limits: STRK, in which v3 transactions pay their fees (the same
/// address on Mainnet, Sepolia and devnet). It is hashed into the limits, not sent with them.
pub const FEE_TOKEN: Felt = crate::strk::STRK_TOKEN;

/// The struct hash of a `TokenAmount` of `amount` of `token`.
pub fn token_amount_hash(token: Felt, amount: U256) -> Felt {
    poseidon_hash_many(&[TOKEN_AMOUNT_TYPE_HASH, token, u256_hash(amount)])
}

/// How much of `token` a session may spend (docs/protocol.md §1, "The limits"; counted as §4,
/// "Spending", says: what its calls make leave the account's balance, plus the allowances they
/// grant): `total` over its life, and `per_period` in each period of `period` seconds
/// from `valid_after` (`period` 0: one period that never renews).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpendingLimit {
    /// The token contract.
    pub token: Felt,
    /// The most the session may spend over its life.
    pub total: U256,
    /// The most it may spend in one period.
    pub per_period: U256,
    /// The period in seconds; 0: the period never renews.
    pub period: u64,
}

impl SpendingLimit {
    /// The SNIP-12 struct hash of the `SpendingLimit` type.
    pub fn struct_hash(&self) -> Felt {
        poseidon_hash_many(&[
            SPENDING_LIMIT_TYPE_HASH,
            token_amount_hash(self.token, self.total),
            token_amount_hash(self.token, self.per_period),
            self.period.into(),
        ])
    }

    /// The fields in the order of the transaction signature.
    fn push_felts(&self, out: &mut Vec<Felt>) {
        out.extend([
            self.token,
            self.total.low().into(),
            self.total.high().into(),
            self.per_period.low().into(),
            self.per_period.high().into(),
            self.period.into(),
        ]);
    }
}

/// The policy's type string: the leaf type of the session's `Policies` tree, with the types it
/// uses (`ArgumentRule`, the preset `u256`).
pub const POLICY_TYPE_STRING: &str = concat!(
    r#""Policy"("Contract":"ContractAddress","Selector":"selector","Rules":"ArgumentRule*")"#,
    r#""ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")"#,
    r#""u256"("low":"u128","high":"u128")"#
);
/// `starknet_keccak(POLICY_TYPE_STRING)`.
pub const POLICY_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0xf80371d9ab57d9da7056473bc04fb788d63400acc98e692ae3b771a22b26fb");

/// The type string of an argument rule, with the preset `u256` it uses.
pub const ARGUMENT_RULE_TYPE_STRING: &str = concat!(
    r#""ArgumentRule"("Word":"u128","Operator":"shortstring","Values":"felt*","U256 Values":"u256*")"#,
    r#""u256"("low":"u128","high":"u128")"#
);
/// `starknet_keccak(ARGUMENT_RULE_TYPE_STRING)`.
pub const ARGUMENT_RULE_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x224750c60a6b979bf57dd66677289c093b60aa825c2839962200e53de12ea2c");

/// Contract addresses live below 2^251.
const ADDRESS_BOUND: Felt =
    Felt::from_hex_unchecked("0x800000000000000000000000000000000000000000000000000000000000000");

/// Whether `felt` can be a `ContractAddress` (below 2^251; 0 included, as Cairo's `Serde` has it).
pub(crate) fn is_contract_address(felt: Felt) -> bool {
    felt < ADDRESS_BOUND
}

/// `felt` as the address a session names (a policy's contract, a limit's token): not 0, and a
/// `ContractAddress`.
pub(crate) fn check_address(felt: Felt) -> Result<Felt, Error> {
    if felt == Felt::ZERO || !is_contract_address(felt) {
        return Err(Error::InvalidAddress(felt));
    }
    Ok(felt)
}

/// The fields of a session that the owner signs and the contract checks: exactly what travels in
/// the transaction signature (docs/protocol.md §1, "The limits").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Session {
    /// The session's Stark public key.
    pub session_key: Felt,
    /// First second (Unix time) at which the session may be used.
    pub valid_after: u64,
    /// The session may be used while the block timestamp is below this.
    pub valid_until: u64,
    /// The most one transaction may cost, in FRI (10^-18 STRK): its maximum fee.
    pub max_fee: u128,
    /// The most all the session's transactions together may cost, in FRI, each counted at its
    /// maximum fee.
    pub fee_budget: u128,
    /// How many transactions the session may send.
    pub max_transactions: u32,
    /// The account's owner epoch the session was signed in: it is valid only while the account's
    /// epoch is still this one (docs/protocol.md §4, "Epoch"). 0 for a new account, then a hash
    /// nobody can know before the transaction that moved it.
    pub epoch: Felt,
    /// Root of the policy tree.
    pub policies_root: Felt,
    /// Per token, how much the session may move.
    pub spending_limits: Vec<SpendingLimit>,
    /// The session's `Messages` as the typed data encodes them ([`messages_hash`] of its
    /// [`MessagePolicy`]s): one felt in a transaction; a session-signed message carries the list.
    pub messages_hash: Felt,
}

impl Session {
    /// The SNIP-12 struct hash of the `Session` type.
    pub fn struct_hash(&self) -> Felt {
        poseidon_hash_many(&[
            SESSION_TYPE_HASH,
            self.session_key,
            self.valid_after.into(),
            self.valid_until.into(),
            token_amount_hash(FEE_TOKEN, self.max_fee.into()),
            token_amount_hash(FEE_TOKEN, self.fee_budget.into()),
            self.max_transactions.into(),
            self.epoch,
            self.policies_root,
            poseidon_hash_many(&self.spending_limits.iter().map(SpendingLimit::struct_hash).collect::<Vec<_>>()),
            self.messages_hash,
        ])
    }

    /// The session hash: the message hash the owner signs for `account` on `chain_id`.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        typed_message_hash(domain_hash(chain_id), account, self.struct_hash())
    }

    /// The fields in the order of the transaction signature (docs/protocol.md §3).
    pub fn to_felts(&self) -> Vec<Felt> {
        let mut out = vec![
            self.session_key,
            self.valid_after.into(),
            self.valid_until.into(),
            self.max_fee.into(),
            self.fee_budget.into(),
            self.max_transactions.into(),
            self.epoch,
            self.policies_root,
            self.spending_limits.len().into(),
        ];
        for limit in &self.spending_limits {
            limit.push_felts(&mut out);
        }
        out.push(self.messages_hash);
        out
    }

    /// The spending limit of `token`, if the session has one.
    pub fn spending_limit(&self, token: Felt) -> Option<&SpendingLimit> {
        self.spending_limits.iter().find(|limit| limit.token == token)
    }
}

/// The hash and the signature layout of an argument rule (the rule itself, and what it means, is
/// `argument_rules`'s).
impl ArgumentRule {
    /// The SNIP-12 struct hash of the `ArgumentRule` type.
    pub fn struct_hash(&self) -> Felt {
        let u256_hashes: Vec<Felt> = self.u256_values.iter().map(|value| u256_hash(*value)).collect();
        poseidon_hash_many(&[
            ARGUMENT_RULE_TYPE_HASH,
            self.word.into(),
            self.operator,
            poseidon_hash_many(&self.values),
            poseidon_hash_many(&u256_hashes),
        ])
    }

    /// The fields in the order of the transaction signature (docs/protocol.md §2, "Argument
    /// rules"): word, operator, the felt values as a span, the u256 values as a span of `low,
    /// high` pairs.
    pub(crate) fn push_felts(&self, out: &mut Vec<Felt>) {
        out.extend([self.word.into(), self.operator, self.values.len().into()]);
        out.extend_from_slice(&self.values);
        out.push(self.u256_values.len().into());
        for value in &self.u256_values {
            out.extend([Felt::from(value.low()), Felt::from(value.high())]);
        }
    }
}

/// A kind of SNIP-12 revision 1 message the session may sign (docs/protocol.md §6): those of the
/// domain named `domain_name`, version `domain_version`, on the session's chain, whose primary
/// type's encoded type string is `type_string` (their type hash is its `starknet_keccak`,
/// [`Self::type_hash`]), and whose encoded members obey every one of `rules` (a rule's `word` is a
/// member's index). The name and version are kept as the typed data writes them (the wallet shows
/// them so); they are encoded as a shortstring member is (`"1"` is the felt 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessagePolicy {
    /// The messages' domain `name`.
    pub domain_name: String,
    /// The messages' domain `version`.
    pub domain_version: String,
    /// The encoded type string of the messages' primary type, the types it uses after its own
    /// (`typed_data::encode_type`): what the owner reads, and what the account hashes into the
    /// type hash.
    pub type_string: String,
    /// Rules on the messages' encoded members, by index, in canonical order (sorted, none twice).
    pub rules: Vec<ArgumentRule>,
}

/// The SNIP-12 types whose members are one felt of their value, which a message policy's rules
/// can compare; any other member (`u256`, `string`, a struct, an enum, an array) is encoded as a
/// hash.
const SCALAR_MEMBER_TYPES: [&str; 9] =
    ["felt", "bool", "u128", "i128", "ContractAddress", "ClassHash", "timestamp", "shortstring", "selector"];

impl MessagePolicy {
    /// A policy for messages of the domain `domain_name`, `domain_version` whose primary type's
    /// encoded type string is `type_string`, without rules: both names must encode as a typed data
    /// shortstring does (at most 31 ASCII characters, or a number below the prime), and the type
    /// string must be text SNIP-12 hashes as starknet.js does (ASCII, not empty).
    pub fn new(domain_name: &str, domain_version: &str, type_string: &str) -> Result<Self, Error> {
        let policy = Self {
            domain_name: domain_name.to_string(),
            domain_version: domain_version.to_string(),
            type_string: type_string.to_string(),
            rules: Vec::new(),
        };
        policy.felts()?;
        if type_string.is_empty() {
            return Err(Error::InvalidMessage(crate::typed_data::TypedDataError::InvalidValue {
                path: "MessagePolicy.Type".into(),
                reason: "a message policy's type string is empty".into(),
            }));
        }
        crate::typed_data::string_hash(type_string).map_err(Error::InvalidMessage)?;
        Ok(policy)
    }

    /// This policy with `rules` on the messages' members: each can be evaluated
    /// ([`ArgumentRule::check`]), none is written twice; they are put in canonical order.
    pub fn with_rules(mut self, rules: impl IntoIterator<Item = ArgumentRule>) -> Result<Self, Error> {
        let mut rules: Vec<ArgumentRule> = rules.into_iter().collect();
        for rule in &rules {
            rule.check()?;
        }
        rules.sort();
        if let Some(pair) = rules.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(Error::DuplicateRule(pair[0].to_string()));
        }
        self.rules = rules;
        Ok(self)
    }

    /// The policy of messages like `typed_data`: its domain's name and version, and the encoded
    /// type string of its primary type. The whole message is checked as [`message_hash`] checks
    /// it, so that a policy is never made of typed data no wallet could sign.
    ///
    /// [`message_hash`]: crate::typed_data::message_hash
    pub fn of_typed_data(typed_data: &Value) -> Result<Self, Error> {
        let parts = crate::typed_data::message_parts(typed_data).map_err(Error::InvalidMessage)?;
        let text = |key: &str| match typed_data.pointer(&format!("/domain/{key}")) {
            Some(Value::String(text)) => text.clone(),
            Some(value) => value.to_string(),
            None => String::new(),
        };
        let primary = typed_data.get("primaryType").and_then(Value::as_str).unwrap_or_default();
        let types = typed_data.get("types").unwrap_or(&Value::Null);
        let type_string = crate::typed_data::encode_type(types, primary).map_err(Error::InvalidMessage)?;
        let policy = Self::new(&text("name"), &text("version"), &type_string)?;
        // The texts read back as the felts that were hashed (a JSON number's text reads as it),
        // and the type string as the type hash.
        debug_assert_eq!(policy.felts().ok(), Some((parts.domain_name, parts.domain_version)));
        debug_assert_eq!(policy.type_hash(), parts.type_hash);
        Ok(policy)
    }

    /// [`Self::of_typed_data`] with `rules` on the members of `typed_data`'s primary type, by
    /// index: each rule must be on a member that exists and is encoded as one felt of its value
    /// (a `felt`, `u128`, `ContractAddress`, `shortstring`, …; not a `u256`, a `string`, a struct
    /// or an array, which are hashes), and be a felt rule ([`Error::BadRule`] otherwise).
    pub fn of_typed_data_with_rules(
        typed_data: &Value,
        rules: impl IntoIterator<Item = ArgumentRule>,
    ) -> Result<Self, Error> {
        let policy = Self::of_typed_data(typed_data)?;
        let primary = typed_data.get("primaryType").and_then(Value::as_str).unwrap_or_default();
        let members = typed_data.pointer(&format!("/types/{}", primary.replace('~', "~0").replace('/', "~1")));
        let members = members.and_then(Value::as_array).cloned().unwrap_or_default();
        let rules: Vec<ArgumentRule> = rules.into_iter().collect();
        for rule in &rules {
            let bad = |reason: &'static str| Error::BadRule { rule: rule.to_string(), reason };
            if rule.is_u256() {
                return Err(bad("a message member is one felt: a rule on it has felt values, not u256 ones"));
            }
            let Some(member) = members.get(rule.word as usize) else {
                return Err(bad("the message's primary type has no member at that index"));
            };
            let kind = member.get("type").and_then(Value::as_str).unwrap_or_default();
            if !SCALAR_MEMBER_TYPES.contains(&kind) {
                return Err(bad(
                    "that member is encoded as a hash (a u256, a string, a struct, an enum or an array), not \
                     its value: a rule cannot compare it",
                ));
            }
        }
        policy.with_rules(rules)
    }

    /// The type hash of the messages: `starknet_keccak` of the type string.
    pub fn type_hash(&self) -> Felt {
        starknet::core::utils::starknet_keccak(self.type_string.as_bytes())
    }

    /// The primary type's name, as the type string begins with it (`Move` of `"Move"(…)`).
    pub fn primary_type(&self) -> Option<&str> {
        primary_type_name(&self.type_string)
    }

    /// The name and version as the felts the typed data (and the account) hash.
    pub fn felts(&self) -> Result<(Felt, Felt), Error> {
        let felt = |text: &str, field| crate::typed_data::shortstring_felt(text, field).map_err(Error::InvalidMessage);
        Ok((felt(&self.domain_name, "Domain Name")?, felt(&self.domain_version, "Domain Version")?))
    }

    /// The SNIP-12 struct hash of the `MessagePolicy` type: `poseidon_hash_many([type hash, name,
    /// version, string hash of the type string, poseidon_hash_many(rule hashes)])`.
    pub fn struct_hash(&self) -> Result<Felt, Error> {
        let (name, version) = self.felts()?;
        let type_string = crate::typed_data::string_hash(&self.type_string).map_err(Error::InvalidMessage)?;
        let rules: Vec<Felt> = self.rules.iter().map(ArgumentRule::struct_hash).collect();
        Ok(poseidon_hash_many(&[MESSAGE_POLICY_TYPE_HASH, name, version, type_string, poseidon_hash_many(&rules)]))
    }

    /// The policy as a message token carries it (docs/protocol.md §6): name and version as felts,
    /// the type string's `ByteArray` serialization (its length first), the rules (their count
    /// first, each as in a call's proof).
    pub fn scope(&self) -> Result<MessageScope, Error> {
        let (domain_name, domain_version) = self.felts()?;
        Ok(MessageScope {
            domain_name,
            domain_version,
            type_string: crate::typed_data::byte_array(&self.type_string),
            rules: self.rules.clone(),
        })
    }
}

/// The name an encoded type string begins with (`Move` of `"Move"(…)`).
fn primary_type_name(type_string: &str) -> Option<&str> {
    type_string.strip_prefix('"')?.split('"').next()
}

/// A message policy as the account reads it from a message token: the domain's name and version
/// as felts, the type string as its `ByteArray` serialization, the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageScope {
    /// The domain name's felt.
    pub domain_name: Felt,
    /// The domain version's felt.
    pub domain_version: Felt,
    /// The type string's `ByteArray` serialization: the count of full 31-byte words, the words,
    /// the pending word and its length.
    pub type_string: Vec<Felt>,
    /// The rules on the members.
    pub rules: Vec<ArgumentRule>,
}

impl MessageScope {
    /// Appends the scope's felts, as the token carries them (and as the contract's `Serde`
    /// reads a `MessagePolicy`).
    pub fn push_felts(&self, out: &mut Vec<Felt>) {
        out.push(self.domain_name);
        out.push(self.domain_version);
        out.push(self.type_string.len().into());
        out.extend_from_slice(&self.type_string);
        out.push(self.rules.len().into());
        for rule in &self.rules {
            rule.push_felts(out);
        }
    }
}

/// SNIP-12 revision 1 types whose messages authorize someone to act with the signer's tokens or
/// rights, with what they authorize: the type strings of OpenZeppelin's Cairo ERC-20 permit
/// (`ERC20PermitComponent`, with and without the `u256` type appended, as its versions wrote it)
/// and of its votes delegation (`VotesComponent::delegate_by_sig`).
pub const TOKEN_AUTHORIZING_TYPES: [(&str, &str); 3] = [
    (
        concat!(
            r#""Permit"("token":"ContractAddress","spender":"ContractAddress","amount":"u256","nonce":"felt","#,
            r#""deadline":"u128")"u256"("low":"u128","high":"u128")"#
        ),
        "ERC-20 permits (OpenZeppelin's), which let a spender take the account's tokens",
    ),
    (
        r#""Permit"("token":"ContractAddress","spender":"ContractAddress","amount":"u256","nonce":"felt","deadline":"u128")"#,
        "ERC-20 permits (OpenZeppelin's), which let a spender take the account's tokens",
    ),
    (
        r#""Delegation"("verifying_contract":"ContractAddress","delegatee":"ContractAddress","nonce":"felt","expiry":"u128")"#,
        "vote delegations (OpenZeppelin's), which hand the account's voting power to another",
    ),
];

/// Primary type names of messages that commonly authorize token spending or act for the signer,
/// compared without case, for types not in [`TOKEN_AUTHORIZING_TYPES`]; any name containing
/// `permit` counts too.
const TOKEN_AUTHORIZING_NAMES: [&str; 5] = ["approval", "approve", "allowance", "delegation", "authorization"];

/// What messages of the encoded type string `type_string` authorize, if it is a known
/// token-authorizing type ([`TOKEN_AUTHORIZING_TYPES`], compared as strings: the same string is
/// the same type hash) or its primary type is named like one (a `Permit` of any shape, an
/// `Approval`, …). A request refuses such a message policy unless it allows it on purpose.
pub fn token_authorizing_type(type_string: &str) -> Option<&'static str> {
    if let Some((_, what)) = TOKEN_AUTHORIZING_TYPES.iter().find(|(string, _)| *string == type_string) {
        return Some(what);
    }
    let name = primary_type_name(type_string)?.to_ascii_lowercase();
    (name.contains("permit") || TOKEN_AUTHORIZING_NAMES.contains(&name.as_str())).then_some(
        "messages whose type is named like a permit or an approval, which may let someone take the account's tokens",
    )
}

/// The `Messages` member of a session with `messages`: the hash of their struct hashes.
pub fn messages_hash(messages: &[MessagePolicy]) -> Result<Felt, Error> {
    let hashes = messages.iter().map(MessagePolicy::struct_hash).collect::<Result<Vec<_>, _>>()?;
    Ok(poseidon_hash_many(&hashes))
}

impl fmt::Display for MessagePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.primary_type().unwrap_or("?");
        write!(
            f,
            "messages of {} version {} of type {} ({:#x})",
            self.domain_name,
            self.domain_version,
            name,
            self.type_hash()
        )
    }
}

/// The struct hash of the preset `u256`.
pub fn u256_hash(value: U256) -> Felt {
    poseidon_hash_many(&[U256_TYPE_HASH, value.low().into(), value.high().into()])
}

/// One allowed call: a contract, an entry point selector, and the rules its arguments must
/// follow (none: any calldata).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Policy {
    /// The contract the session may call.
    pub contract: Felt,
    /// The entry point selector (`starknet_keccak` of its name).
    pub selector: Felt,
    /// The argument rules, in canonical order (sorted, no duplicates), all of which must hold.
    pub rules: Vec<ArgumentRule>,
}

impl Policy {
    /// A policy for `contract` and `selector` without argument rules, checking that the address
    /// is a valid, non-zero contract address.
    pub fn new(contract: Felt, selector: Felt) -> Result<Self, Error> {
        Self::with_rules(contract, selector, Vec::new())
    }

    /// A policy for `contract` and `selector` whose calls must obey every one of `rules`: the
    /// checks of [`Self::new`], each rule evaluable ([`ArgumentRule::check`]) and none written
    /// twice; the rules are put in canonical order.
    pub fn with_rules(contract: Felt, selector: Felt, mut rules: Vec<ArgumentRule>) -> Result<Self, Error> {
        check_address(contract)?;
        if selector == Felt::ZERO {
            return Err(Error::InvalidSelector("0x0".into()));
        }
        for rule in &rules {
            rule.check()?;
        }
        rules.sort();
        if let Some(pair) = rules.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(Error::DuplicateRule(pair[0].to_string()));
        }
        Ok(Self { contract, selector, rules })
    }

    /// The SNIP-12 struct hash of the `Policy` type: the policy's leaf in the policy tree.
    pub fn struct_hash(&self) -> Felt {
        policy_struct_hash(self.contract, self.selector, &self.rules)
    }
}

/// The `Policy` struct hash of `(contract, selector, rules)` without building a [`Policy`]:
/// `poseidon_hash_many([POLICY_TYPE_HASH, contract, selector, poseidon_hash_many(rule hashes)])`,
/// the policy tree's leaf (`policy_tree::policy_leaf`).
pub fn policy_struct_hash(contract: Felt, selector: Felt, rules: &[ArgumentRule]) -> Felt {
    let rules: Vec<Felt> = rules.iter().map(ArgumentRule::struct_hash).collect();
    poseidon_hash_many(&[POLICY_TYPE_HASH, contract, selector, poseidon_hash_many(&rules)])
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}::{:#x}", self.contract, self.selector)
    }
}

/// Parses a selector given as a hex felt (`0x…`, below the field prime) or as an entry point
/// name (`transfer`), exactly: a name is a Cairo identifier ([`crate::text::is_identifier`]), and
/// nothing is trimmed, so that a name shown is the very name hashed.
pub fn parse_selector(selector: &str) -> Result<Felt, Error> {
    let invalid = || Error::InvalidSelector(selector.to_string());
    if selector.starts_with("0x") || selector.starts_with("0X") {
        return crate::text::parse_felt_hex(selector).map_err(|_| invalid());
    }
    if !crate::text::is_identifier(selector) {
        return Err(invalid());
    }
    get_selector_from_name(selector).map_err(|_| invalid())
}

/// The hash of the session domain on `chain_id`.
pub fn domain_hash(chain_id: Felt) -> Felt {
    starknet_domain_hash(DOMAIN_NAME_FELT, Felt::from(DOMAIN_VERSION), chain_id)
}

/// The typed data a wallet shows and signs for `session` with `policies` (in tree order) on
/// `chain_id`. Selectors are written by name where `names` knows them (so the wallet can show
/// `transfer`), and as hex otherwise; both hash the same.
pub fn typed_data(
    session: &Session,
    policies: &[Policy],
    messages: &[MessagePolicy],
    chain_id: Felt,
    names: impl Fn(Felt) -> Option<String>,
) -> Value {
    let policies: Vec<Value> = policies
        .iter()
        .map(|policy| {
            let selector = names(policy.selector).unwrap_or_else(|| format!("{:#x}", policy.selector));
            let rules: Vec<Value> = policy.rules.iter().map(rule_value).collect();
            json!({ "Contract": format!("{:#x}", policy.contract), "Selector": selector, "Rules": rules })
        })
        .collect();
    json!({
        "types": {
            "StarknetDomain": starknet_domain_type(),
            "Session": [
                { "name": "Session Key", "type": "felt" },
                { "name": "Valid After", "type": "timestamp" },
                { "name": "Valid Until", "type": "timestamp" },
                { "name": "Max Fee Per Transaction", "type": "TokenAmount" },
                { "name": "Fee Budget", "type": "TokenAmount" },
                { "name": "Max Transactions", "type": "u128" },
                { "name": "Owner Epoch", "type": "felt" },
                { "name": "Policies", "type": "merkletree", "contains": "Policy" },
                { "name": "Spending Limits", "type": "SpendingLimit*" },
                { "name": "Messages", "type": "MessagePolicy*" }
            ],
            "MessagePolicy": [
                { "name": "Domain Name", "type": "shortstring" },
                { "name": "Domain Version", "type": "shortstring" },
                { "name": "Type", "type": "string" },
                { "name": "Rules", "type": "ArgumentRule*" }
            ],
            "SpendingLimit": [
                { "name": "Total", "type": "TokenAmount" },
                { "name": "Per Period", "type": "TokenAmount" },
                { "name": "Period", "type": "u128" }
            ],
            "Policy": [
                { "name": "Contract", "type": "ContractAddress" },
                { "name": "Selector", "type": "selector" },
                { "name": "Rules", "type": "ArgumentRule*" }
            ],
            "ArgumentRule": [
                { "name": "Word", "type": "u128" },
                { "name": "Operator", "type": "shortstring" },
                { "name": "Values", "type": "felt*" },
                { "name": "U256 Values", "type": "u256*" }
            ]
        },
        "primaryType": "Session",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION.to_string(),
            "chainId": chain_name(chain_id),
            "revision": "1"
        },
        "message": {
            "Session Key": format!("{:#x}", session.session_key),
            "Valid After": session.valid_after,
            "Valid Until": session.valid_until,
            "Max Fee Per Transaction": token_amount(FEE_TOKEN, session.max_fee.into()),
            "Fee Budget": token_amount(FEE_TOKEN, session.fee_budget.into()),
            "Max Transactions": session.max_transactions,
            "Owner Epoch": format!("{:#x}", session.epoch),
            "Policies": policies,
            "Spending Limits": session.spending_limits.iter().map(|limit| json!({
                "Total": token_amount(limit.token, limit.total),
                "Per Period": token_amount(limit.token, limit.per_period),
                "Period": integer_value(limit.period),
            })).collect::<Vec<_>>(),
            "Messages": messages.iter().map(|message| json!({
                "Domain Name": message.domain_name,
                "Domain Version": message.domain_version,
                "Type": message.type_string,
                "Rules": message.rules.iter().map(rule_value).collect::<Vec<_>>(),
            })).collect::<Vec<_>>()
        }
    })
}

/// `rule` as the `ArgumentRule` value of the typed data: the operator by its name where it has one
/// (a wallet shows `LE`), else as the felt.
fn rule_value(rule: &ArgumentRule) -> Value {
    let operator = match crate::argument_rules::Operator::from_felt(rule.operator) {
        Some(operator) => operator.name().to_string(),
        None => format!("{:#x}", rule.operator),
    };
    json!({
        "Word": rule.word,
        "Operator": operator,
        "Values": rule.values.iter().map(|value| format!("{value:#x}")).collect::<Vec<_>>(),
        "U256 Values": rule.u256_values.iter().map(|value| u256_value(*value)).collect::<Vec<_>>(),
    })
}

/// A u64 member of the typed data: a JSON number where JavaScript holds it exactly (below
/// 2^53), else its decimal string, since a wallet parsing the JSON would round a larger number
/// and sign another hash (a property test found an owner epoch of 2^63 written as a number, when
/// the epoch was a u64).
fn integer_value(value: u64) -> Value {
    const JS_SAFE_LIMIT: u64 = 1 << 53;
    if value < JS_SAFE_LIMIT {
        Value::from(value)
    } else {
        Value::String(value.to_string())
    }
}

/// A u256 as the preset `u256`'s value in the typed data.
fn u256_value(value: U256) -> Value {
    json!({ "low": format!("{:#x}", value.low()), "high": format!("{:#x}", value.high()) })
}

/// `amount` of `token` as the `TokenAmount` value of the typed data.
fn token_amount(token: Felt, amount: U256) -> Value {
    json!({
        "token_address": format!("{token:#x}"),
        "amount": u256_value(amount)
    })
}

/// Every type string this module hashes, with its constant, for tests and `docs/protocol.md`.
pub fn type_hashes() -> [(&'static str, Felt); 8] {
    [
        (MESSAGE_POLICY_TYPE_STRING, MESSAGE_POLICY_TYPE_HASH),
        (ARGUMENT_RULE_TYPE_STRING, ARGUMENT_RULE_TYPE_HASH),
        (SPENDING_LIMIT_TYPE_STRING, SPENDING_LIMIT_TYPE_HASH),
        (crate::typed_data::DOMAIN_TYPE_STRING, crate::typed_data::DOMAIN_TYPE_HASH),
        (SESSION_TYPE_STRING, SESSION_TYPE_HASH),
        (TOKEN_AMOUNT_TYPE_STRING, TOKEN_AMOUNT_TYPE_HASH),
        (U256_TYPE_STRING, U256_TYPE_HASH),
        (POLICY_TYPE_STRING, POLICY_TYPE_HASH),
    ]
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};

    use super::*;

    /// Found by `tests/properties.rs`: an owner epoch (a u64 then) or a period of 2^53 or more
    /// was written as a JSON number, which a wallet rounds, so the owner would sign another hash.
    #[test]
    fn typed_data_writes_integers_beyond_2_pow_53_as_strings() {
        let policy = Policy::new(Felt::from(5u8), Felt::from(6u8)).unwrap();
        let session = |epoch: Felt, period: u64| Session {
            session_key: Felt::ONE,
            valid_after: 0,
            valid_until: 1,
            max_fee: 1,
            fee_budget: 1,
            max_transactions: 1,
            epoch,
            policies_root: policy.struct_hash(),
            spending_limits: vec![SpendingLimit {
                token: Felt::THREE,
                total: 1u8.into(),
                per_period: 1u8.into(),
                period,
            }],
            messages_hash: messages_hash(&[]).unwrap(),
        };
        let chain = cairo_short_string_to_felt("SN_MAIN").unwrap();
        for (epoch, period, written) in [
            (Felt::from((1u64 << 53) - 1), 7, json!("0x1fffffffffffff")),
            (Felt::MAX, 1 << 60, json!(format!("{:#x}", Felt::MAX))),
        ] {
            let session = session(epoch, period);
            let typed_data = typed_data(&session, std::slice::from_ref(&policy), &[], chain, |_| None);
            assert_eq!(typed_data["message"]["Owner Epoch"], written);
            assert_eq!(typed_data["message"]["Spending Limits"][0]["Period"].is_string(), period >= 1 << 53);
            let hash = crate::typed_data::message_hash(&typed_data, Felt::from(0xaccu32)).unwrap();
            assert_eq!(hash, session.hash(Felt::from(0xaccu32), chain));
        }
    }

    #[test]
    fn constants_match_their_definitions() {
        for (string, hash) in type_hashes() {
            assert_eq!(starknet_keccak(string.as_bytes()), hash, "{string}");
        }
        assert_eq!(cairo_short_string_to_felt(DOMAIN_NAME).unwrap(), DOMAIN_NAME_FELT);
    }

    #[test]
    fn hash_binds_account_and_chain() {
        let session = Session {
            session_key: Felt::from(5u8),
            valid_after: 0,
            valid_until: 100,
            max_fee: 10,
            fee_budget: 100,
            max_transactions: 3,
            epoch: Felt::ZERO,
            policies_root: Felt::from(7u8),
            spending_limits: vec![],
            messages_hash: Felt::ZERO,
        };
        let sepolia = cairo_short_string_to_felt("SN_SEPOLIA").unwrap();
        let main = cairo_short_string_to_felt("SN_MAIN").unwrap();
        let h = session.hash(Felt::ONE, sepolia);
        assert_ne!(h, session.hash(Felt::TWO, sepolia));
        assert_ne!(h, session.hash(Felt::ONE, main));
    }

    #[test]
    fn typed_data_hashes_to_the_session_hash() {
        let policies = [Policy::new(Felt::ONE, parse_selector("transfer").unwrap()).unwrap()];
        let session = Session {
            session_key: Felt::from(5u8),
            valid_after: 3,
            valid_until: 100,
            max_fee: 1 << 100,
            fee_budget: u128::MAX,
            max_transactions: u32::MAX,
            epoch: Felt::from(7u8),
            policies_root: policies[0].struct_hash(),
            spending_limits: vec![
                SpendingLimit { token: Felt::ONE, total: U256::from_words(5, 1), per_period: 7u8.into(), period: 60 },
                SpendingLimit { token: Felt::TWO, total: 0u8.into(), per_period: 0u8.into(), period: 0 },
            ],
            messages_hash: Felt::ZERO,
        };
        let messages = vec![
            MessagePolicy::new("Chess", "1", r#""Move"("Game":"felt")"#).unwrap(),
            MessagePolicy::new("0x1f", "v2", r#""Post"("Text":"string")"#)
                .unwrap()
                .with_rules([ArgumentRule::felt(0, crate::argument_rules::Operator::Le, [Felt::TWO])])
                .unwrap(),
        ];
        let session = Session { messages_hash: messages_hash(&messages).unwrap(), ..session };
        let chain = cairo_short_string_to_felt("SN_SEPOLIA").unwrap();
        let typed = typed_data(&session, &policies, &messages, chain, |_| Some("transfer".into()));
        assert_eq!(crate::typed_data::message_hash(&typed, Felt::TWO).unwrap(), session.hash(Felt::TWO, chain));
    }

    #[test]
    fn bad_addresses_and_selectors_are_rejected() {
        assert!(matches!(Policy::new(Felt::ZERO, Felt::ONE), Err(Error::InvalidAddress(_))));
        assert!(matches!(Policy::new(ADDRESS_BOUND, Felt::ONE), Err(Error::InvalidAddress(_))));
        let p = "0x800000000000011000000000000000000000000000000000000000000000001";
        for bad in ["", "1abc", "trans fer", "0xzz", "transfer()", "transfer\r", " transfer", "transfer ", p] {
            assert!(matches!(parse_selector(bad), Err(Error::InvalidSelector(_))), "{bad:?}");
        }
        assert_eq!(parse_selector("0X0Ab").unwrap(), Felt::from(0xabu32));
    }
}
