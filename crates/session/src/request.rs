//! What a dApp asks the owner for: a session key, a validity window, what the session may cost
//! (docs/protocol.md §1, "The limits") and the calls it may make.
//! Signing it makes a [`SignedSession`](crate::SignedSession) (`signed_session.rs`, which builds
//! on this module; this one knows nothing of signatures).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use starknet::core::types::{Felt, U256};
use starknet::core::utils::get_selector_from_name;

use crate::argument_rules::{ArgumentRule, Operator};
use crate::error::Error;
use crate::limits::is_counted_selector;
use crate::policy_tree::PolicyTree;
use crate::session_hash::{
    self, check_address, messages_hash, parse_selector, token_authorizing_type, MessagePolicy, Policy, Session,
    SpendingLimit,
};

/// The latest time a session may name: the typed data carries times as JSON numbers, which
/// JavaScript (and so a wallet) reads exactly only up to 2^53 - 1.
pub const MAX_TIME: u64 = (1 << 53) - 1;

/// The domain names of the account's own typed data, as the felts a message's domain hashes,
/// whose messages a session may not sign: sessions (signed by the owner) and outside executions
/// (signed in their own way, never through `is_valid_signature`). The account refuses them too
/// (`session/reserved-domain`).
pub const RESERVED_DOMAINS: [Felt; 2] = [session_hash::DOMAIN_NAME_FELT, crate::outside_execution::DOMAIN_NAME_FELT];

/// The transaction count of a session whose request sets none: `u32::MAX`, no practical limit
/// (the count is always part of what the owner signs, so the wallet shows this number).
pub const UNLIMITED_TRANSACTIONS: u32 = u32::MAX;

/// A session request, ready to be shown to and signed by the account owner.
///
/// Its policies are in canonical order (see [`PolicyTree`]), so two requests with the same
/// policies hash the same whatever order they were written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRequest {
    session_key: Felt,
    valid_after: u64,
    valid_until: u64,
    max_fee: u128,
    fee_budget: u128,
    max_transactions: u32,
    epoch: Felt,
    spending_limits: Vec<SpendingLimit>,
    tree: PolicyTree,
    names: BTreeMap<Felt, String>,
    /// The `(contract, selector)` of the policies allowed with `allow_uncounted`.
    uncounted: Vec<(Felt, Felt)>,
    /// The message policies, in canonical order (sorted, none twice), and their hash.
    messages: Vec<MessagePolicy>,
    messages_hash: Felt,
    /// The message policies allowed with `allow_token_authorizing_message(s_like)`.
    token_authorizing: Vec<MessagePolicy>,
}

impl SessionRequest {
    /// Starts a request for the session public key `session_key`.
    pub fn builder(session_key: Felt) -> SessionRequestBuilder {
        SessionRequestBuilder {
            session_key,
            valid_after: 0,
            valid_until: None,
            max_fee: None,
            fee_budget: None,
            max_transactions: UNLIMITED_TRANSACTIONS,
            epoch: Felt::ZERO,
            spending_limits: Vec::new(),
            policies: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// The session's public key.
    pub fn session_key(&self) -> Felt {
        self.session_key
    }

    /// First second (Unix time) of the window.
    pub fn valid_after(&self) -> u64 {
        self.valid_after
    }

    /// End of the window (Unix time, exclusive).
    pub fn valid_until(&self) -> u64 {
        self.valid_until
    }

    /// The most one transaction may cost, in FRI: its maximum fee (docs/protocol.md §4, "Fees").
    pub fn max_fee(&self) -> u128 {
        self.max_fee
    }

    /// The most all the session's transactions together may cost, in FRI.
    pub fn fee_budget(&self) -> u128 {
        self.fee_budget
    }

    /// How many transactions the session may send.
    pub fn max_transactions(&self) -> u32 {
        self.max_transactions
    }

    /// The account's owner epoch the session is for (docs/protocol.md §4, "Epoch").
    pub fn epoch(&self) -> Felt {
        self.epoch
    }

    /// Per token, how much the session may move.
    pub fn spending_limits(&self) -> &[SpendingLimit] {
        &self.spending_limits
    }

    /// Whether the policy `(contract, selector)` was allowed with
    /// [`SessionRequestBuilder::allow_uncounted`]: a call on a limited token that its limit does
    /// not count.
    pub fn is_uncounted(&self, contract: Felt, selector: Felt) -> bool {
        self.uncounted.contains(&(contract, selector))
    }

    /// Whether the request allows messages of `policy` on purpose although they may authorize
    /// someone to take the account's tokens ([`SessionRequestBuilder::allow_token_authorizing_message`]):
    /// a summary warns about them in words.
    pub fn is_token_authorizing(&self, policy: &MessagePolicy) -> bool {
        self.token_authorizing.contains(policy)
    }

    /// The kinds of SNIP-12 message the session may sign (docs/protocol.md §6), in canonical
    /// order.
    pub fn messages(&self) -> &[MessagePolicy] {
        &self.messages
    }

    /// The policies and their tree.
    pub fn policies(&self) -> &PolicyTree {
        &self.tree
    }

    /// The name of `selector`, if the request was given one.
    pub fn selector_name(&self, selector: Felt) -> Option<&str> {
        self.names.get(&selector).map(String::as_str)
    }

    /// The fields that travel in each transaction.
    pub fn session(&self) -> Session {
        Session {
            session_key: self.session_key,
            valid_after: self.valid_after,
            valid_until: self.valid_until,
            max_fee: self.max_fee,
            fee_budget: self.fee_budget,
            max_transactions: self.max_transactions,
            epoch: self.epoch,
            policies_root: self.tree.root(),
            spending_limits: self.spending_limits.clone(),
            messages_hash: self.messages_hash,
        }
    }

    /// The session hash for `account` on `chain_id`: what the owner signs.
    pub fn hash(&self, account: Felt, chain_id: Felt) -> Felt {
        self.session().hash(account, chain_id)
    }

    /// The SNIP-12 typed data a wallet signs (with `account`) to authorize this request.
    pub fn typed_data(&self, chain_id: Felt) -> Value {
        session_hash::typed_data(&self.session(), self.tree.policies(), &self.messages, chain_id, |selector| {
            self.names.get(&selector).cloned()
        })
    }

    pub(crate) fn to_file(&self) -> RequestFile {
        RequestFile {
            session_key: self.session_key,
            valid_after: self.valid_after,
            valid_until: self.valid_until,
            max_fee: self.max_fee,
            fee_budget: self.fee_budget,
            max_transactions: self.max_transactions,
            epoch: self.epoch,
            spending_limits: self
                .spending_limits
                .iter()
                .map(|l| SpendingLimitEntry {
                    token: l.token,
                    total: l.total,
                    per_period: l.per_period,
                    period: l.period,
                })
                .collect(),
            policies: self
                .tree
                .policies()
                .iter()
                .map(|p| PolicyEntry {
                    contract: p.contract,
                    selector: p.selector,
                    name: self.names.get(&p.selector).cloned(),
                    uncounted: self.is_uncounted(p.contract, p.selector),
                    rules: p.rules.iter().map(RuleEntry::from).collect(),
                })
                .collect(),
            messages: self
                .messages
                .iter()
                .map(|m| MessageEntry {
                    domain_name: m.domain_name.clone(),
                    domain_version: m.domain_version.clone(),
                    type_string: m.type_string.clone(),
                    rules: m.rules.iter().map(RuleEntry::from).collect(),
                    token_authorizing: self.is_token_authorizing(m),
                })
                .collect(),
        }
    }

    pub(crate) fn from_file(file: RequestFile) -> Result<Self, Error> {
        let mut builder = Self::builder(file.session_key)
            .valid_after(file.valid_after)
            .valid_until(file.valid_until)
            .max_fee(file.max_fee)
            .fee_budget(file.fee_budget)
            .max_transactions(file.max_transactions)
            .epoch(file.epoch);
        for l in file.spending_limits {
            builder = builder.periodic_spending_limit(l.token, l.total, l.per_period, l.period);
        }
        for entry in file.messages {
            let policy = MessagePolicy {
                domain_name: entry.domain_name,
                domain_version: entry.domain_version,
                type_string: entry.type_string,
                rules: entry.rules.into_iter().map(RuleEntry::into_rule).collect::<Result<_, _>>()?,
            };
            builder
                .messages
                .push(MessageInput { source: MessageSource::Policy(policy), on_purpose: entry.token_authorizing });
        }
        for entry in file.policies {
            // The file's selector is what is hashed; a name beside it must be the exact name of
            // that selector, so that what is shown is what is signed.
            if let Some(name) = &entry.name {
                if !crate::text::is_identifier(name) {
                    return Err(Error::InvalidSelectorName(name.clone()));
                }
                if get_selector_from_name(name).ok() != Some(entry.selector) {
                    return Err(Error::SelectorNameMismatch { name: name.clone(), selector: entry.selector });
                }
            }
            builder.policies.push(PolicyInput {
                contract: entry.contract,
                selector: match entry.name {
                    Some(name) => SelectorInput::Named { name, selector: entry.selector },
                    None => SelectorInput::Felt(entry.selector),
                },
                uncounted: entry.uncounted,
                rules: entry.rules.into_iter().map(RuleEntry::into_rule).collect::<Result<_, _>>()?,
            });
        }
        builder.build()
    }
}

impl Serialize for SessionRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_file().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SessionRequest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_file(RequestFile::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// The JSON shape of a request's fields (shared by request and signed-session files).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestFile {
    #[serde(with = "crate::text::hex_felt")]
    pub session_key: Felt,
    pub valid_after: u64,
    pub valid_until: u64,
    #[serde(with = "amount")]
    pub max_fee: u128,
    #[serde(with = "amount")]
    pub fee_budget: u128,
    pub max_transactions: u32,
    #[serde(with = "crate::text::hex_felt")]
    pub epoch: Felt,
    pub spending_limits: Vec<SpendingLimitEntry>,
    pub policies: Vec<PolicyEntry>,
    /// The message policies (docs/protocol.md §6); none when absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageEntry>,
}

/// A message policy in files: the policy (its domain's name and version as the typed data writes
/// them, the primary type's encoded type string as `type`, its rules on the members as a policy's
/// argument rules are written, left out when none), and `token_authorizing` when the request
/// allows it on purpose although it may authorize token spending
/// ([`SessionRequestBuilder::allow_token_authorizing_message`]); left out when false. The marker
/// is not signed: it is the request's statement, which the summary shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageEntry {
    pub domain_name: String,
    pub domain_version: String,
    #[serde(rename = "type")]
    pub type_string: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleEntry>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub token_authorizing: bool,
}

/// A spending limit in files: amounts as decimal strings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SpendingLimitEntry {
    #[serde(with = "crate::text::hex_felt")]
    pub token: Felt,
    #[serde(with = "amount::u256")]
    pub total: U256,
    #[serde(with = "amount::u256")]
    pub per_period: U256,
    pub period: u64,
}

/// FRI amounts in files as decimal strings: a u128 does not survive a JavaScript reader as a
/// JSON number (exact only to 2^53).
pub(crate) mod amount {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(amount: &u128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&amount.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u128, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "`{}` is not an amount in FRI (a decimal integer below 2^128): {}",
                crate::text::Escaped(&text),
                decimal_cause(&text, "2^128")
            ))
        })
    }

    /// Why `text` is not a decimal integer below `bound`: the first character that is not a
    /// digit, or the size.
    pub(crate) fn decimal_cause(text: &str, bound: &str) -> String {
        match text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            _ if text.is_empty() => "it is empty".to_string(),
            Some((i, c)) => {
                format!("`{}` at position {} is not a decimal digit", crate::text::escape(&c.to_string()), i + 1)
            }
            None => format!("it is {bound} or more"),
        }
    }

    /// Token amounts (u256) as decimal strings.
    pub mod u256 {
        use serde::{Deserialize, Deserializer, Serializer};
        use starknet::core::types::U256;

        pub fn serialize<S: Serializer>(amount: &U256, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&amount.to_string())
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
            parse(&String::deserialize(deserializer)?)
        }

        pub(super) fn parse<E: serde::de::Error>(text: &str) -> Result<U256, E> {
            crate::limits::parse_u256(text).ok_or_else(|| {
                E::custom(format!(
                    "`{}` is not a token amount (a decimal integer below 2^256): {}",
                    crate::text::Escaped(text),
                    super::decimal_cause(text, "2^256")
                ))
            })
        }
    }

    /// Lists of u256 values (argument rules' values) as decimal strings.
    pub mod u256_list {
        use serde::{Deserialize, Deserializer, Serializer};
        use starknet::core::types::U256;

        pub fn serialize<S: Serializer>(values: &[U256], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(values.iter().map(U256::to_string))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<U256>, D::Error> {
            Vec::<String>::deserialize(deserializer)?.iter().map(|text| super::u256::parse(text)).collect()
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyEntry {
    #[serde(with = "crate::text::hex_felt")]
    pub contract: Felt,
    #[serde(with = "crate::text::hex_felt")]
    pub selector: Felt,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Allowed on a limited token although its limit does not count this selector.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncounted: bool,
    /// The policy's argument rules, in canonical order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleEntry>,
}

/// An argument rule in files: the operator by name, felt values as hex, u256 values as decimal
/// strings (like token amounts); the list a rule does not use is left out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleEntry {
    pub word: u32,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "crate::text::hex_felt::list")]
    pub values: Vec<Felt>,
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "amount::u256_list")]
    pub u256_values: Vec<U256>,
}

impl From<&ArgumentRule> for RuleEntry {
    fn from(rule: &ArgumentRule) -> Self {
        let operator = match rule.operator() {
            Some(operator) => operator.name().to_string(),
            None => format!("{:#x}", rule.operator),
        };
        Self { word: rule.word, operator, values: rule.values.clone(), u256_values: rule.u256_values.clone() }
    }
}

impl RuleEntry {
    fn into_rule(self) -> Result<ArgumentRule, Error> {
        let operator: Operator = self.operator.parse()?;
        Ok(ArgumentRule {
            word: self.word,
            operator: operator.felt(),
            values: self.values,
            u256_values: self.u256_values,
        })
    }
}

#[derive(Debug, Clone)]
enum SelectorInput {
    /// As given to the builder: an entry point name or a hex felt, parsed by `build`.
    Text(String),
    /// A selector without a name.
    Felt(Felt),
    /// A selector and its name, both checked already (a file's).
    Named { name: String, selector: Felt },
}

#[derive(Debug, Clone)]
struct MessageInput {
    source: MessageSource,
    /// Allowed on purpose although it may authorize token spending.
    on_purpose: bool,
}

#[derive(Debug, Clone)]
enum MessageSource {
    Policy(MessagePolicy),
    /// Typed data, and the rules on its members.
    Like(Value, Vec<ArgumentRule>),
}

#[derive(Debug, Clone)]
struct PolicyInput {
    contract: Felt,
    selector: SelectorInput,
    uncounted: bool,
    rules: Vec<ArgumentRule>,
}

/// Builds a [`SessionRequest`]; errors are reported by [`SessionRequestBuilder::build`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SessionRequestBuilder {
    session_key: Felt,
    valid_after: u64,
    valid_until: Option<u64>,
    max_fee: Option<u128>,
    fee_budget: Option<u128>,
    max_transactions: u32,
    epoch: Felt,
    spending_limits: Vec<SpendingLimit>,
    policies: Vec<PolicyInput>,
    messages: Vec<MessageInput>,
}

impl SessionRequestBuilder {
    /// The session may not be used before this Unix time (default 0: from now on).
    pub fn valid_after(mut self, unix_seconds: u64) -> Self {
        self.valid_after = unix_seconds;
        self
    }

    /// The session expires at this Unix time (required).
    pub fn valid_until(mut self, unix_seconds: u64) -> Self {
        self.valid_until = Some(unix_seconds);
        self
    }

    /// The most one transaction may cost, in FRI (10^-18 STRK), counted at its maximum fee
    /// (required, above 0).
    pub fn max_fee(mut self, fri: u128) -> Self {
        self.max_fee = Some(fri);
        self
    }

    /// The most all the session's transactions together may cost, in FRI, each counted at its
    /// maximum fee (required, above 0).
    pub fn fee_budget(mut self, fri: u128) -> Self {
        self.fee_budget = Some(fri);
        self
    }

    /// How many transactions the session may send (default [`UNLIMITED_TRANSACTIONS`]; above 0).
    pub fn max_transactions(mut self, count: u32) -> Self {
        self.max_transactions = count;
        self
    }

    /// The account's owner epoch the session is for (default 0, a new account's): the account's
    /// `get_session_epoch` when the owner signs ([`session_epoch`](crate::session_epoch) reads
    /// it). A session of another epoch is refused (`session/stale-epoch`): revoking all sessions
    /// or rotating the owner key moves it on, to a value nobody can know in advance.
    pub fn epoch(mut self, epoch: Felt) -> Self {
        self.epoch = epoch;
        self
    }

    /// The session may spend at most `total` of `token` over its life (counted as
    /// docs/protocol.md §4, "Spending", says: what its calls make leave the account's balance,
    /// whoever moves it, plus the allowances they grant).
    pub fn spending_limit(self, token: Felt, total: impl Into<U256>) -> Self {
        let total = total.into();
        self.periodic_spending_limit(token, total, total, 0)
    }

    /// The session may spend at most `total` of `token` over its life and `per_period` in each
    /// period of `period` seconds from the start of its window (0: the period never renews).
    pub fn periodic_spending_limit(
        mut self,
        token: Felt,
        total: impl Into<U256>,
        per_period: impl Into<U256>,
        period: u64,
    ) -> Self {
        self.spending_limits.push(SpendingLimit { token, total: total.into(), per_period: per_period.into(), period });
        self
    }

    /// Allows `selector` on `contract` like [`Self::allow`], and says on purpose that a spending
    /// limit of `contract` does not read it (without this, [`Self::build`] refuses a selector on
    /// a limited token other than `transfer`, `transfer_from`, `approve` and `increase_allowance`:
    /// the account counts what it moves out of the balance, but would not see an allowance it
    /// grants; `decrease_allowance` or a game's `burn`, say).
    pub fn allow_uncounted(mut self, contract: Felt, selector: &str) -> Self {
        self = self.allow(contract, selector);
        if let Some(last) = self.policies.last_mut() {
            last.uncounted = true;
        }
        self
    }

    /// Allows calling `selector` on `contract`; `selector` is an entry point name (`transfer`)
    /// or a hex felt (`0x83af…`).
    pub fn allow(self, contract: Felt, selector: &str) -> Self {
        self.allow_with_rules(contract, selector, [])
    }

    /// Allows calling `selector` on `contract` (as [`Self::allow`]) only with arguments that obey
    /// every one of `rules` (docs/protocol.md §2, "Argument rules"). For example, `transfer` to
    /// one recipient of at most 10 STRK:
    ///
    /// ```
    /// # use sk_session::{ArgumentRule, Operator, SessionRequest, FEE_TOKEN};
    /// # use starknet::core::types::Felt;
    /// let request = SessionRequest::builder(Felt::from(0x5e55u32))
    ///     .valid_until(2_000_000_000)
    ///     .max_fee(10u128.pow(17))
    ///     .fee_budget(10u128.pow(18))
    ///     .allow_with_rules(FEE_TOKEN, "transfer", [
    ///         ArgumentRule::felt(0, Operator::Eq, [Felt::from(0xb0bu32)]),
    ///         ArgumentRule::u256(1, Operator::Le, [10u128 * 10u128.pow(18)]),
    ///     ])
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(request.policies().policies()[0].rules.len(), 2);
    /// ```
    pub fn allow_with_rules(
        mut self,
        contract: Felt,
        selector: &str,
        rules: impl IntoIterator<Item = ArgumentRule>,
    ) -> Self {
        let selector = SelectorInput::Text(selector.to_string());
        self.policies.push(PolicyInput { contract, selector, uncounted: false, rules: rules.into_iter().collect() });
        self
    }

    /// Lets the session sign, for the account's `is_valid_signature`, the SNIP-12 revision 1
    /// messages of `policy`'s domain (on the session's chain) and primary type (docs/protocol.md
    /// §6). The account's own domains are refused by [`Self::build`].
    pub fn allow_message(mut self, policy: MessagePolicy) -> Self {
        self.messages.push(MessageInput { source: MessageSource::Policy(policy), on_purpose: false });
        self
    }

    /// [`Self::allow_message`] for messages that may authorize someone to take the account's
    /// tokens, such as an ERC-20 permit ([`token_authorizing_type`](crate::token_authorizing_type)),
    /// which [`Self::build`] otherwise refuses. Only on purpose: the account bounds a signed
    /// message by its domain and type alone, never by the session's spending limits, transaction
    /// count or fees, so a session allowed permits may sign permits of any amount, any number of
    /// times. The request records the choice and a summary warns about it.
    pub fn allow_token_authorizing_message(mut self, policy: MessagePolicy) -> Self {
        self.messages.push(MessageInput { source: MessageSource::Policy(policy), on_purpose: true });
        self
    }

    /// [`Self::allow_token_authorizing_message`] for messages like `typed_data`.
    pub fn allow_token_authorizing_messages_like(mut self, typed_data: &Value) -> Self {
        self.messages
            .push(MessageInput { source: MessageSource::Like(typed_data.clone(), Vec::new()), on_purpose: true });
        self
    }

    /// [`Self::allow_message`] for messages like `typed_data`: its domain's name and version and
    /// its primary type ([`MessagePolicy::of_typed_data`]; its chain is checked when a message is
    /// signed). For example, a game's moves:
    ///
    /// ```
    /// # use sk_session::{SessionRequest, FEE_TOKEN};
    /// # use starknet::core::types::Felt;
    /// let a_move = serde_json::json!({
    ///     "types": {
    ///         "StarknetDomain": sk_session::typed_data::starknet_domain_type(),
    ///         "Move": [{ "name": "Game", "type": "felt" }, { "name": "Square", "type": "shortstring" }]
    ///     },
    ///     "primaryType": "Move",
    ///     "domain": { "name": "Chess", "version": "1", "chainId": "SN_SEPOLIA", "revision": "1" },
    ///     "message": { "Game": "0x7", "Square": "e4" }
    /// });
    /// let request = SessionRequest::builder(Felt::from(0x5e55u32))
    ///     .valid_until(2_000_000_000)
    ///     .max_fee(10u128.pow(17))
    ///     .fee_budget(10u128.pow(18))
    ///     .allow(FEE_TOKEN, "transfer")
    ///     .allow_messages_like(&a_move)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(request.messages()[0].domain_name, "Chess");
    /// ```
    pub fn allow_messages_like(mut self, typed_data: &Value) -> Self {
        self.messages
            .push(MessageInput { source: MessageSource::Like(typed_data.clone(), Vec::new()), on_purpose: false });
        self
    }

    /// [`Self::allow_messages_like`], each message bounded by `rules` on its members
    /// (docs/protocol.md §6): a rule's `word` is a member's index in the primary type, and only
    /// members encoded as their value can be compared (`felt`, `u128`, `ContractAddress`,
    /// `shortstring`, …; [`MessagePolicy::of_typed_data_with_rules`]). The account checks them
    /// before answering VALID. They bound each message, never their sum: a session may sign any
    /// number of messages.
    pub fn allow_messages_like_with_rules(
        mut self,
        typed_data: &Value,
        rules: impl IntoIterator<Item = ArgumentRule>,
    ) -> Self {
        let source = MessageSource::Like(typed_data.clone(), rules.into_iter().collect());
        self.messages.push(MessageInput { source, on_purpose: false });
        self
    }

    /// Allows calling the entry point with selector `selector` on `contract`.
    pub fn allow_selector(mut self, contract: Felt, selector: Felt) -> Self {
        self.policies.push(PolicyInput {
            contract,
            selector: SelectorInput::Felt(selector),
            uncounted: false,
            rules: Vec::new(),
        });
        self
    }

    /// Checks everything and builds the request.
    pub fn build(self) -> Result<SessionRequest, Error> {
        if self.session_key == Felt::ZERO {
            return Err(Error::MissingSessionKey);
        }
        let valid_until = self.valid_until.unwrap_or(0);
        if valid_until > MAX_TIME {
            return Err(Error::TimeOutOfRange(valid_until));
        }
        if valid_until <= self.valid_after {
            return Err(Error::EmptyWindow { valid_after: self.valid_after, valid_until });
        }
        let (Some(max_fee), Some(fee_budget)) = (self.max_fee, self.fee_budget) else {
            return Err(Error::MissingFeeLimits);
        };
        for (limit, value) in
            [("max fee", max_fee), ("fee budget", fee_budget), ("max transactions", self.max_transactions.into())]
        {
            if value == 0 {
                return Err(Error::ZeroLimit(limit));
            }
        }
        for limit in &self.spending_limits {
            check_address(limit.token)?;
        }
        // Sorted by token, the order the token carries them in (`limits_in_order`); neighbours
        // compared, not every pair: a file may list many limits (a test reads 100,000).
        let mut spending_limits = self.spending_limits;
        spending_limits.sort_unstable_by_key(|limit| limit.token);
        if let Some(pair) = spending_limits.windows(2).find(|pair| pair[0].token == pair[1].token) {
            return Err(Error::DuplicateSpendingLimit(pair[0].token));
        }
        let limited: std::collections::HashSet<Felt> = spending_limits.iter().map(|limit| limit.token).collect();
        let mut names = BTreeMap::new();
        let mut policies = Vec::with_capacity(self.policies.len());
        let mut uncounted = Vec::new();
        for input in self.policies {
            let selector = match input.selector {
                SelectorInput::Felt(felt) => felt,
                SelectorInput::Text(text) => {
                    let felt = parse_selector(&text)?;
                    if crate::text::is_identifier(&text) {
                        names.insert(felt, text);
                    }
                    felt
                }
                SelectorInput::Named { name, selector } => {
                    names.insert(selector, name);
                    selector
                }
            };
            let policy = Policy::with_rules(input.contract, selector, input.rules)?;
            check_amount_rules(&policy, names.get(&selector))?;
            let limited = limited.contains(&policy.contract);
            if input.uncounted {
                uncounted.push((policy.contract, policy.selector));
            } else if limited && !is_counted_selector(policy.selector) {
                return Err(Error::UncountedSelector { token: policy.contract, selector: policy.selector });
            }
            policies.push(policy);
        }
        let mut messages = Vec::with_capacity(self.messages.len());
        let mut token_authorizing = Vec::new();
        for input in self.messages {
            let policy = match input.source {
                MessageSource::Policy(policy) => {
                    MessagePolicy::new(&policy.domain_name, &policy.domain_version, &policy.type_string)?
                        .with_rules(policy.rules)?
                }
                MessageSource::Like(typed_data, rules) => MessagePolicy::of_typed_data_with_rules(&typed_data, rules)?,
            };
            if input.on_purpose {
                token_authorizing.push(policy.clone());
            } else if let Some(what) = token_authorizing_type(&policy.type_string) {
                return Err(Error::TokenAuthorizingMessage { policy: policy.to_string(), what });
            }
            messages.push(policy);
        }
        messages.sort();
        if let Some(pair) = messages.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(Error::DuplicateMessagePolicy(pair[0].to_string()));
        }
        for message in &messages {
            // Compared as the felts that are hashed, so that no spelling (hex, decimal) slips by.
            let (name, _) = message.felts()?;
            if RESERVED_DOMAINS.contains(&name) {
                return Err(Error::ReservedMessageDomain(message.domain_name.clone()));
            }
        }
        Ok(SessionRequest {
            messages_hash: messages_hash(&messages)?,
            messages,
            session_key: self.session_key,
            valid_after: self.valid_after,
            valid_until,
            max_fee,
            fee_budget,
            max_transactions: self.max_transactions,
            epoch: self.epoch,
            spending_limits,
            tree: PolicyTree::new(policies)?,
            names,
            uncounted,
            token_authorizing,
        })
    }
}

/// Refuses a rule of `policy` that reads one word of the u256 amount its selector moves, when a
/// spending limit counts that selector (`transfer`, `approve`, …; `limits::counted_amount_word`),
/// whatever the contract: a felt rule on either word, or a u256 rule starting at the high word.
/// The only rule on the amount is a u256 rule at its first word. `name` is the selector's name
/// for the error, if the request knows it.
fn check_amount_rules(policy: &Policy, name: Option<&String>) -> Result<(), Error> {
    let Some(amount_word) = crate::limits::counted_amount_word(policy.selector) else { return Ok(()) };
    match policy.rules.iter().find(|rule| crate::limits::rule_splits_amount(policy.selector, rule)) {
        Some(rule) => Err(Error::RuleSplitsAmount {
            selector: name.cloned().unwrap_or_else(|| format!("{:#x}", policy.selector)),
            word: rule.word,
            amount_word,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session_hash::TOKEN_AUTHORIZING_TYPES;
    use crate::FEE_TOKEN;

    fn request() -> SessionRequestBuilder {
        SessionRequest::builder(Felt::from(0x5e55u32)).valid_until(100).max_fee(10).fee_budget(100)
    }

    #[test]
    fn names_and_hex_selectors_are_the_same_policy() {
        let by_name = request().allow(Felt::ONE, "transfer").build().unwrap();
        let hex = format!("{:#x}", get_selector_from_name("transfer").unwrap());
        let by_hex = request().allow(Felt::ONE, &hex).build().unwrap();
        assert_eq!(by_name.policies(), by_hex.policies());
        assert_eq!(by_name.hash(Felt::TWO, Felt::THREE), by_hex.hash(Felt::TWO, Felt::THREE));
        assert_eq!(by_name.selector_name(by_name.policies().policies()[0].selector), Some("transfer"));
    }

    #[test]
    fn rejects_bad_input() {
        let no_key = SessionRequest::builder(Felt::ZERO).valid_until(1).allow(Felt::ONE, "a");
        assert!(matches!(no_key.build(), Err(Error::MissingSessionKey)));
        let no_expiry = SessionRequest::builder(Felt::ONE).max_fee(1).fee_budget(1).allow(Felt::ONE, "a");
        assert!(matches!(no_expiry.build(), Err(Error::EmptyWindow { .. })));
        let no_fees = SessionRequest::builder(Felt::ONE).valid_until(1).allow(Felt::ONE, "a");
        assert!(matches!(no_fees.clone().build(), Err(Error::MissingFeeLimits)));
        assert!(matches!(no_fees.clone().max_fee(1).build(), Err(Error::MissingFeeLimits)));
        assert!(matches!(no_fees.clone().fee_budget(1).build(), Err(Error::MissingFeeLimits)));
        assert!(matches!(request().max_fee(0).allow(Felt::ONE, "a").build(), Err(Error::ZeroLimit("max fee"))));
        assert!(matches!(request().fee_budget(0).allow(Felt::ONE, "a").build(), Err(Error::ZeroLimit("fee budget"))));
        let none = request().max_transactions(0).allow(Felt::ONE, "a");
        assert!(matches!(none.build(), Err(Error::ZeroLimit("max transactions"))));
        let empty = request().valid_after(100);
        assert!(matches!(empty.allow(Felt::ONE, "a").build(), Err(Error::EmptyWindow { .. })));
        assert!(matches!(request().build(), Err(Error::NoPolicies)));
        let far = request().valid_until(MAX_TIME + 1).allow(Felt::ONE, "a");
        assert!(matches!(far.build(), Err(Error::TimeOutOfRange(_))));
        assert!(matches!(request().allow(Felt::ONE, "do it").build(), Err(Error::InvalidSelector(_))));
        assert!(matches!(request().allow(Felt::ZERO, "a").build(), Err(Error::InvalidAddress(_))));
        let twice = request().allow(Felt::ONE, "a").allow(Felt::ONE, "a");
        assert!(matches!(twice.build(), Err(Error::DuplicatePolicy { .. })));
    }

    /// OpenZeppelin's ERC-20 permit as a wallet would sign it, on STRK's domain.
    fn permit(primary: &str) -> Value {
        serde_json::json!({
            "types": {
                "StarknetDomain": crate::typed_data::starknet_domain_type(),
                primary: [
                    { "name": "token", "type": "ContractAddress" },
                    { "name": "spender", "type": "ContractAddress" },
                    { "name": "amount", "type": "u256" },
                    { "name": "nonce", "type": "felt" },
                    { "name": "deadline", "type": "u128" }
                ]
            },
            "primaryType": primary,
            "domain": { "name": "STRK", "version": "1", "chainId": "SN_SEPOLIA", "revision": "1" },
            "message": {
                "token": "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d",
                "spender": "0xb0b",
                "amount": { "low": "0xffffffffffffffffffffffffffffffff", "high": "0x0" },
                "nonce": "0x0",
                "deadline": "2000000000"
            }
        })
    }

    /// Issue #24, finding 2: a session limited to 10 STRK that may sign the token's permits
    /// grants allowances of any amount, any number of times; the owner saw only a type hash.
    /// Such message policies are refused unless the request allows them on purpose, and then
    /// marked.
    #[test]
    fn token_authorizing_messages_are_refused_unless_allowed_on_purpose() {
        let limited = || request().spending_limit(FEE_TOKEN, 10u8).allow(FEE_TOKEN, "transfer");
        let err = limited().allow_messages_like(&permit("Permit")).build().unwrap_err();
        assert!(
            matches!(&err, Error::TokenAuthorizingMessage { what, .. } if what.contains("ERC-20 permits")),
            "{err}"
        );
        assert!(err.to_string().contains("outside its spending limits"), "{err}");
        // By its type string, as a hand-written policy gives it: the very string OpenZeppelin's
        // permit type hash is of.
        let policy = MessagePolicy::of_typed_data(&permit("Permit")).unwrap();
        assert_eq!(policy.type_string, TOKEN_AUTHORIZING_TYPES[0].0);
        assert!(matches!(limited().allow_message(policy.clone()).build(), Err(Error::TokenAuthorizingMessage { .. })));
        // Another shape of permit, recognized by its name.
        let renamed = limited().allow_messages_like(&permit("SpendPermit")).build();
        assert!(matches!(renamed, Err(Error::TokenAuthorizingMessage { .. })));
        // On purpose: allowed, and marked in the request and its file.
        let chosen = limited().allow_token_authorizing_messages_like(&permit("Permit")).build().unwrap();
        assert!(chosen.is_token_authorizing(&policy));
        let json = serde_json::to_string(&chosen).unwrap();
        assert!(json.contains("\"token_authorizing\":true"), "{json}");
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), chosen);
        // A file that drops the mark is refused when read.
        let unmarked = json.replace(",\"token_authorizing\":true", "");
        assert!(serde_json::from_str::<SessionRequest>(&unmarked).unwrap_err().to_string().contains("ERC-20 permits"));
        // A move of a game is no permit.
        let mut a_move = permit("Move");
        a_move["domain"]["name"] = "Chess".into();
        assert!(!limited().allow_messages_like(&a_move).build().unwrap().is_token_authorizing(&policy));
    }

    /// Issue #24, item 4: a spending-limit list naming a token twice is refused by the account;
    /// a request sorts its limits into the order the account reads them in.
    #[test]
    fn spending_limits_are_sorted_by_token() {
        let (a, b, c) = (Felt::from(0x7000u32), Felt::from(0x7001u32), Felt::from(0x8000u32));
        let req = request()
            .spending_limit(c, 1u8)
            .spending_limit(a, 2u8)
            .spending_limit(b, 3u8)
            .allow(a, "transfer")
            .build()
            .unwrap();
        let tokens: Vec<Felt> = req.spending_limits().iter().map(|limit| limit.token).collect();
        assert_eq!(tokens, [a, b, c]);
        assert!(crate::limits::limits_in_order(req.spending_limits()));
        // A token that reads a hand-written list out of order, or with a token twice, is refused.
        let mut session = req.session();
        session.spending_limits.swap(0, 1);
        let token = crate::SessionToken {
            session,
            owner_signature: vec![],
            session_signature: vec![Felt::ONE, Felt::TWO],
            proofs: vec![],
        };
        let felts = token.to_felts();
        assert!(matches!(crate::SessionToken::from_felts(&felts), Err(Error::SpendingLimitsOutOfOrder)));
    }

    /// Issue #24, item 4: `LE 10` on the low word of `approve`'s amount lets
    /// `approve(spender, 0, 1)` (2^128) through; rules on the amount of a counted selector must
    /// read it whole.
    #[test]
    fn rules_that_read_one_word_of_a_counted_amount_are_refused() {
        let token = Felt::from(0x7070u32);
        let with = |selector: &str, rule: ArgumentRule| request().allow_with_rules(token, selector, [rule]).build();
        for (selector, at) in [("transfer", 1), ("approve", 1), ("increaseAllowance", 1), ("transfer_from", 2)] {
            for rule in [
                ArgumentRule::felt(at, Operator::Le, [Felt::from(10u8)]),
                ArgumentRule::felt(at + 1, Operator::Eq, [Felt::ZERO]),
                ArgumentRule::u256(at + 1, Operator::Le, [10u8]),
                ArgumentRule::u256(at - 1, Operator::Le, [10u8]),
            ] {
                let err = with(selector, rule.clone()).unwrap_err();
                let Error::RuleSplitsAmount { selector: name, word, amount_word } = &err else {
                    panic!("{selector} {rule}: {err:?}")
                };
                assert_eq!((name.as_str(), *word, *amount_word), (selector, rule.word, at), "{err}");
            }
            // The amount whole, and the other arguments by felt: fine.
            with(selector, ArgumentRule::u256(at, Operator::Le, [10u8])).unwrap();
            if at == 2 {
                with(selector, ArgumentRule::felt(0, Operator::Eq, [Felt::ONE])).unwrap();
            }
            with(selector, ArgumentRule::felt(at + 2, Operator::Eq, [Felt::ONE])).unwrap();
        }
        // A selector no limit counts keeps any rule, and a hex selector is named in hex.
        with("play", ArgumentRule::felt(1, Operator::Le, [Felt::ONE])).unwrap();
        let approve = get_selector_from_name("approve").unwrap();
        let err = request()
            .allow_with_rules(token, &format!("{approve:#x}"), [ArgumentRule::felt(1, Operator::Le, [Felt::ONE])])
            .build()
            .unwrap_err();
        assert!(err.to_string().starts_with(&format!("the rule on word 1 of {approve:#x}")), "{err}");
    }

    #[test]
    fn spending_limits_refuse_uncounted_selectors_unless_marked() {
        let token = Felt::from(0x7070u32);
        let limited = || request().spending_limit(token, 10u8).allow(token, "transfer");
        limited().allow(token, "transfer_from").allow(Felt::ONE, "decrease_allowance").build().unwrap();
        let err = limited().allow(token, "decrease_allowance").build().unwrap_err();
        assert!(matches!(err, Error::UncountedSelector { token: t, .. } if t == token), "{err:?}");
        let marked = limited().allow_uncounted(token, "decrease_allowance").build().unwrap();
        let decrease = get_selector_from_name("decrease_allowance").unwrap();
        assert!(marked.is_uncounted(token, decrease));
        let json = serde_json::to_string(&marked).unwrap();
        assert!(json.contains("\"uncounted\":true"), "{json}");
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), marked);
        let twice = limited().periodic_spending_limit(token, 5u8, 1u8, 60);
        assert!(matches!(twice.build(), Err(Error::DuplicateSpendingLimit(t)) if t == token));
        for bad in [Felt::ZERO, Felt::TWO.pow(251u32)] {
            let bad_token = request().spending_limit(bad, 5u8).allow(Felt::ONE, "a");
            assert!(matches!(bad_token.build(), Err(Error::InvalidAddress(t)) if t == bad), "{bad:#x}");
        }
        let periodic = request()
            .periodic_spending_limit(token, U256::from_words(1, 2), 7u8, 3600)
            .allow(token, "approve")
            .build()
            .unwrap();
        let json = serde_json::to_string(&periodic).unwrap();
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), periodic);
        assert_eq!(periodic.session().spending_limits[0].period, 3600);
    }

    #[test]
    fn argument_rules_round_trip_through_the_file() {
        let rules = [
            ArgumentRule::u256(1, Operator::Le, [U256::from_words(5, 1)]),
            ArgumentRule::felt(0, Operator::OneOf, [Felt::from(0xb0bu32), Felt::TWO]),
        ];
        let req = request().allow_with_rules(Felt::ONE, "transfer", rules.clone()).build().unwrap();
        let json = serde_json::to_string(&req).unwrap();
        assert!(json.contains(r#""rules":[{"word":0,"operator":"ONE_OF","values":["0xb0b","0x2"]}"#), "{json}");
        assert!(json.contains(&format!(r#"{{"word":1,"operator":"LE","u256_values":["{}"]}}"#, U256::from_words(5, 1))));
        let read: SessionRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(read, req);
        assert_ne!(
            read.hash(Felt::TWO, Felt::THREE),
            request().allow(Felt::ONE, "transfer").build().unwrap().hash(Felt::TWO, Felt::THREE)
        );

        let unknown = json.replace(r#""operator":"LE""#, r#""operator":"LIKE""#);
        let err = serde_json::from_str::<SessionRequest>(&unknown).unwrap_err();
        assert!(err.to_string().contains("`LIKE` is not an operator"), "{err}");
        let fraction = json.replace(&format!(r#"["{}"]"#, U256::from_words(5, 1)), r#"["1.5"]"#);
        let err = serde_json::from_str::<SessionRequest>(&fraction).unwrap_err();
        assert!(err.to_string().contains("`1.5` is not a token amount"), "{err}");
        let bad = json.replace(r#""values":["0xb0b","0x2"]"#, r#""values":[]"#);
        let err = serde_json::from_str::<SessionRequest>(&bad).unwrap_err();
        assert!(err.to_string().contains("has no values"), "{err}");
        let by_symbol = json.replace(r#""operator":"LE""#, r#""operator":"<=""#);
        assert_eq!(serde_json::from_str::<SessionRequest>(&by_symbol).unwrap(), req);
    }

    #[test]
    fn json_round_trip_keeps_names_and_rejects_edits() {
        let req = request()
            .max_fee(u128::MAX)
            .max_transactions(7)
            .allow(Felt::ONE, "transfer")
            .allow(Felt::TWO, "0x1234")
            .build()
            .unwrap();
        let json = serde_json::to_string(&req).unwrap();
        assert!(json.contains(&format!("\"max_fee\":\"{}\"", u128::MAX)), "{json}");
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), req);
        let fraction = json.replace("\"fee_budget\":\"100\"", "\"fee_budget\":\"1.5\"");
        let err = serde_json::from_str::<SessionRequest>(&fraction).unwrap_err();
        assert!(err.to_string().contains("`1.5` is not an amount in FRI"), "{err}");
        let edited = json.replace("transfer", "approve");
        let err = serde_json::from_str::<SessionRequest>(&edited).unwrap_err();
        assert!(err.to_string().contains("does not match its selector"), "{err}");
    }

    fn a_move(name: &str, version: &str, primary: &str) -> Value {
        serde_json::json!({
            "types": {
                "StarknetDomain": crate::typed_data::starknet_domain_type(),
                primary: [{ "name": "Square", "type": "shortstring" }]
            },
            "primaryType": primary,
            "domain": { "name": name, "version": version, "chainId": "SN_SEPOLIA", "revision": "1" },
            "message": { "Square": "e4" }
        })
    }

    #[test]
    fn message_policies_are_canonical_and_change_the_hash() {
        let (account, chain) = (Felt::TWO, Felt::THREE);
        let base = request().allow(Felt::ONE, "transfer");
        let plain = base.clone().build().unwrap();
        let both =
            |first, second| base.clone().allow_messages_like(&first).allow_messages_like(&second).build().unwrap();
        let one = both(a_move("Chess", "1", "Move"), a_move("Chess", "1", "Resign"));
        let other = both(a_move("Chess", "1", "Resign"), a_move("Chess", "1", "Move"));
        assert_eq!(one, other, "written in any order, the same policies");
        assert_eq!(one.hash(account, chain), other.hash(account, chain));
        assert_ne!(one.hash(account, chain), plain.hash(account, chain), "the owner signs them");
        assert_eq!(plain.session().messages_hash, starknet_crypto::poseidon_hash_many(&[]));
        // Through the request file and back.
        let json = serde_json::to_string(&one).unwrap();
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), one);
        assert!(!serde_json::to_string(&plain).unwrap().contains("messages"), "left out when there are none");
        // "1" and 1 are the same version, as a wallet hashes them.
        let numeric = serde_json::json!(1);
        let mut by_number = a_move("Chess", "1", "Move");
        by_number["domain"]["version"] = numeric;
        let policy = MessagePolicy::of_typed_data(&by_number).unwrap();
        assert_eq!(
            policy.felts().unwrap(),
            MessagePolicy::of_typed_data(&a_move("Chess", "1", "Move")).unwrap().felts().unwrap()
        );
    }

    #[test]
    fn message_policies_refuse_duplicates_reserved_domains_and_bad_typed_data() {
        let base = request().allow(Felt::ONE, "transfer");
        let twice = base
            .clone()
            .allow_messages_like(&a_move("Chess", "1", "Move"))
            .allow_messages_like(&a_move("Chess", "1", "Move"));
        assert!(matches!(twice.build(), Err(Error::DuplicateMessagePolicy(_))));
        for reserved in [session_hash::DOMAIN_NAME, crate::outside_execution::OUTSIDE_EXECUTION_DOMAIN_NAME] {
            let err = base.clone().allow_messages_like(&a_move(reserved, "1", "Move")).build().unwrap_err();
            assert!(matches!(err, Error::ReservedMessageDomain(_)), "{reserved}: {err:?}");
        }
        let mut revision_0 = a_move("Chess", "1", "Move");
        revision_0["domain"]["revision"] = serde_json::json!("0");
        assert!(matches!(base.clone().allow_messages_like(&revision_0).build(), Err(Error::InvalidMessage(_))));
        let too_long = "a name much longer than thirty-one characters";
        let err = base
            .clone()
            .allow_message(MessagePolicy {
                domain_name: too_long.into(),
                domain_version: "1".into(),
                type_string: "\"Move\"()".into(),
                rules: vec![],
            })
            .build();
        assert!(matches!(err, Err(Error::InvalidMessage(_))), "{err:?}");
    }

    /// Issue #23, item 1: a policy named `"transfer\r"` and 300 blanks, with the selector of that
    /// untrimmed name, hid its line in the summary; the hash trimmed the name, the name check did
    /// not. A name is now an exact identifier, in files and in the builder.
    #[test]
    fn a_name_with_a_carriage_return_and_blanks_is_refused() {
        let hidden = format!("transfer\r{}", " ".repeat(300));
        let honest = request().allow(Felt::ONE, "approve").build().unwrap();
        let mut file: Value = serde_json::to_value(&honest).unwrap();
        file["policies"].as_array_mut().unwrap().push(serde_json::json!({
            "contract": "0x2",
            "selector": format!("{:#x}", starknet::core::utils::starknet_keccak(hidden.as_bytes())),
            "name": hidden,
        }));
        let err = serde_json::from_value::<SessionRequest>(file).unwrap_err().to_string();
        assert!(err.contains("is not an entry point name"), "{err}");
        assert!(err.contains("transfer\\r   "), "shown escaped: {err}");
        assert!(!err.contains('\r'), "{err}");
        let built = request().allow(Felt::TWO, &hidden).build();
        assert!(matches!(built, Err(Error::InvalidSelector(_))), "{built:?}");
        assert!(matches!(request().allow(Felt::TWO, " transfer").build(), Err(Error::InvalidSelector(_))));
    }

    /// Issue #23, item 5: with a `name`, the file's selector was ignored, and a name written as
    /// hex signed that hex rather than the file's selector.
    #[test]
    fn the_files_selector_is_what_is_signed_and_its_name_must_be_its_name() {
        let hex_name = format!("{:#x}", get_selector_from_name("transfer").unwrap());
        let honest = request().allow(Felt::ONE, "approve").build().unwrap();
        let mut file: Value = serde_json::to_value(&honest).unwrap();
        file["policies"][0]["name"] = Value::String(hex_name.clone());
        file["policies"][0]["selector"] =
            Value::String(format!("{:#x}", starknet::core::utils::starknet_keccak(hex_name.as_bytes())));
        let err = serde_json::from_value::<SessionRequest>(file).unwrap_err().to_string();
        assert!(err.contains("is not an entry point name"), "{err}");
        // A hex selector given to the builder has no name, so the file it writes reads back.
        let by_hex = request().allow(Felt::ONE, &hex_name).build().unwrap();
        assert_eq!(by_hex.selector_name(get_selector_from_name("transfer").unwrap()), None);
        let json = serde_json::to_string(&by_hex).unwrap();
        assert!(!json.contains("\"name\""), "{json}");
        assert_eq!(serde_json::from_str::<SessionRequest>(&json).unwrap(), by_hex);
    }

    /// Issue #23, item 4: the account's own message domains passed the refusal when written in
    /// hex (or as a decimal number); they are compared as the felts that are hashed.
    #[test]
    fn reserved_domains_are_refused_in_any_spelling() {
        let base = request().allow(Felt::ONE, "transfer");
        for name in [session_hash::DOMAIN_NAME, crate::outside_execution::OUTSIDE_EXECUTION_DOMAIN_NAME] {
            let felt = starknet::core::utils::cairo_short_string_to_felt(name).unwrap();
            for spelling in
                [name.to_string(), format!("{felt:#x}"), format!("{felt:#X}").replace("0X", "0x"), felt.to_string()]
            {
                let policy = MessagePolicy {
                    domain_name: spelling.clone(),
                    domain_version: "1".into(),
                    type_string: "\"Session\"()".into(),
                    rules: vec![],
                };
                let err = base.clone().allow_message(policy).build().unwrap_err();
                assert!(matches!(err, Error::ReservedMessageDomain(_)), "{spelling}: {err:?}");
            }
        }
    }

    /// Issue #23, item 9: the duplicate checks of spending limits compared every pair (100,000
    /// limits took 27 s); they sort now, and `spends` keeps a set.
    #[test]
    fn a_hundred_thousand_spending_limits_are_checked_without_comparing_every_pair() {
        let mut builder = request().allow(Felt::ONE, "transfer");
        for token in 1..=100_000u32 {
            builder = builder.spending_limit(Felt::from(0x10_0000 + token), 5u8);
        }
        let many = builder.clone().build().unwrap();
        assert_eq!(many.spending_limits().len(), 100_000);
        let session = many.session();
        let token = Felt::from(0x10_0000 + 77_777u32);
        let call = starknet::core::types::Call {
            to: token,
            selector: get_selector_from_name("transfer").unwrap(),
            calldata: vec![Felt::TWO, Felt::THREE, Felt::ZERO],
        };
        let spent = crate::limits::spends(&session, Felt::from(0xacc0u32), &[call]).unwrap();
        assert_eq!(spent, vec![(*session.spending_limit(token).unwrap(), U256::from(3u8))]);
        let twice = builder.spending_limit(Felt::from(0x10_0000 + 50_000u32), 1u8).build();
        assert!(matches!(twice, Err(Error::DuplicateSpendingLimit(t)) if t == Felt::from(0x10_0000 + 50_000u32)));
    }

    /// Issue #23, item 10: a number error named neither the field nor the cause, and a felt of P
    /// was read as 0.
    #[test]
    fn number_errors_name_the_cause_and_the_prime_is_refused() {
        let honest = request().allow(Felt::ONE, "approve").build().unwrap();
        let with = |pointer: &str, value: Value| {
            let mut file: Value = serde_json::to_value(&honest).unwrap();
            *file.pointer_mut(pointer).unwrap() = value;
            serde_json::from_value::<SessionRequest>(file).unwrap_err().to_string()
        };
        let p = "0x800000000000011000000000000000000000000000000000000000000000001";
        let err = with("/policies/0/contract", Value::String(p.into()));
        assert!(err.contains("is not a felt: it is not below the field prime"), "{err}");
        let err = with("/session_key", Value::String("1".repeat(64)));
        assert!(err.contains("is not a felt: it is not 0x-prefixed hex"), "{err}");
        let err = with("/max_fee", Value::String("1".repeat(40)));
        assert!(err.contains("is not an amount in FRI (a decimal integer below 2^128): it is 2^128 or more"), "{err}");
        let err = with("/fee_budget", Value::String("12a".into()));
        assert!(err.contains("`a` at position 3 is not a decimal digit"), "{err}");
    }
}
