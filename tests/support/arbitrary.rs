//! Random sessions for the property and differential tests: `proptest` strategies for the parts
//! of a session request (policies with argument rules, spending limits, message policies, the
//! window and the fee limits), always within what [`SessionRequestBuilder::build`] accepts.
use proptest::collection::{btree_map, btree_set, vec};
use proptest::prelude::*;
use sk_session::{
    rule_splits_amount, ArgumentRule, MessagePolicy, Operator, SessionRequest, SessionRequestBuilder, MAX_TIME,
};
use starknet::core::types::{Felt, U256};
use starknet::core::utils::get_selector_from_name;

/// Entry point names a dApp would allow: the counted ERC-20 ones and a few others.
pub const SELECTOR_NAMES: [&str; 8] =
    ["transfer", "approve", "transfer_from", "increase_allowance", "make_move", "swap", "post", "claim"];

/// A felt of up to 248 bits, never zero: a valid contract address or selector.
pub fn nonzero_felt() -> impl Strategy<Value = Felt> {
    any::<[u8; 31]>().prop_map(|bytes| {
        let mut word = [0u8; 32];
        word[1..].copy_from_slice(&bytes);
        let felt = Felt::from_bytes_be(&word);
        if felt == Felt::ZERO {
            Felt::ONE
        } else {
            felt
        }
    })
}

/// A small felt (a few bits) or a large one: rules compare both, and small values collide.
pub fn felt_value() -> impl Strategy<Value = Felt> {
    prop_oneof![(0u64..8).prop_map(Felt::from), any::<u64>().prop_map(Felt::from), nonzero_felt()]
}

/// A u256 near the interesting edges: small, around 2^128, or anywhere.
pub fn u256_value() -> impl Strategy<Value = U256> {
    prop_oneof![
        (0u128..8).prop_map(U256::from),
        (any::<u128>(), 0u128..3).prop_map(|(low, high)| U256::from_words(low, high)),
        (any::<u128>(), any::<u128>()).prop_map(|(low, high)| U256::from_words(low, high)),
    ]
}

/// Every operator.
pub fn operator() -> impl Strategy<Value = Operator> {
    prop_oneof![
        Just(Operator::Eq),
        Just(Operator::Neq),
        Just(Operator::Lt),
        Just(Operator::Le),
        Just(Operator::Gt),
        Just(Operator::Ge),
        Just(Operator::InRange),
        Just(Operator::OneOf),
    ]
}

fn value_count(operator: Operator) -> BoxedStrategy<usize> {
    match operator {
        Operator::InRange => Just(2).boxed(),
        Operator::OneOf => (1usize..4).boxed(),
        _ => Just(1).boxed(),
    }
}

/// A rule the account can evaluate: on a felt or a u256 word of the first few calldata words.
pub fn argument_rule() -> impl Strategy<Value = ArgumentRule> {
    (0u32..5, operator(), any::<bool>()).prop_flat_map(|(word, operator, is_u256)| {
        value_count(operator).prop_flat_map(move |count| {
            if is_u256 {
                vec(u256_value(), count).prop_map(move |values| ArgumentRule::u256(word, operator, values)).boxed()
            } else {
                vec(felt_value(), count).prop_map(move |values| ArgumentRule::felt(word, operator, values)).boxed()
            }
        })
    })
}

/// How a policy's selector is written: by name, or as hex.
#[derive(Debug, Clone)]
pub enum SelectorSpelling {
    /// An entry point name (`transfer`).
    Name(&'static str),
    /// A selector felt.
    Felt(Felt),
}

impl SelectorSpelling {
    /// The selector felt.
    pub fn felt(&self) -> Felt {
        match self {
            SelectorSpelling::Name(name) => get_selector_from_name(name).expect("an ASCII name"),
            SelectorSpelling::Felt(felt) => *felt,
        }
    }
}

/// A selector: a known name or any felt.
pub fn selector() -> impl Strategy<Value = SelectorSpelling> {
    prop_oneof![
        3 => proptest::sample::select(SELECTOR_NAMES.to_vec()).prop_map(SelectorSpelling::Name),
        1 => nonzero_felt().prop_map(SelectorSpelling::Felt),
    ]
}

/// One policy as a dApp writes it: contract, selector and rules (no rule twice).
#[derive(Debug, Clone)]
pub struct PolicySpec {
    /// The contract.
    pub contract: Felt,
    /// Its selector, as written.
    pub selector: SelectorSpelling,
    /// Its rules, in no particular order.
    pub rules: Vec<ArgumentRule>,
}

/// 1 to `max` policies of distinct `(contract, selector)`, over a few contracts so several
/// policies share one; no rule reads one word of a counted amount.
pub fn policies(max: usize) -> impl Strategy<Value = Vec<PolicySpec>> {
    (
        vec(nonzero_felt(), 1..4),
        vec((any::<prop::sample::Index>(), selector(), btree_set(argument_rule(), 0..3)), 1..=max),
    )
        .prop_map(|(contracts, entries)| {
            let mut seen = std::collections::BTreeSet::new();
            entries
                .into_iter()
                .map(|(index, selector, rules)| PolicySpec {
                    contract: contracts[index.index(contracts.len())],
                    rules: rules.into_iter().filter(|rule| !rule_splits_amount(selector.felt(), rule)).collect(),
                    selector,
                })
                .filter(|spec| seen.insert((spec.contract, spec.selector.felt())))
                .collect()
        })
}

/// A spending limit: token, total, per period and period (0: no period).
#[derive(Debug, Clone)]
pub struct LimitSpec {
    /// The token.
    pub token: Felt,
    /// The total over the session's life.
    pub total: U256,
    /// The most per period.
    pub per_period: U256,
    /// The period in seconds (0: the period never renews).
    pub period: u64,
}

/// Up to three spending limits of distinct tokens.
pub fn spending_limits() -> impl Strategy<Value = Vec<LimitSpec>> {
    btree_map(nonzero_felt(), (u256_value(), u256_value(), prop_oneof![Just(0u64), 1u64..1_000_000]), 0..3).prop_map(
        |limits| {
            limits
                .into_iter()
                .map(|(token, (total, per_period, period))| LimitSpec { token, total, per_period, period })
                .collect()
        },
    )
}

/// A short string of 1 to 31 printable ASCII characters (a domain name or version).
pub fn short_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 ._-]{1,31}"
}

/// A message policy's type string: a short primary type of a few members, sometimes longer than a
/// `ByteArray` word, named so that no request takes it for a permit.
pub fn type_string() -> impl Strategy<Value = String> {
    ("[A-Z][a-z]{0,8}", vec("[A-Z][a-z ]{0,12}", 0..4)).prop_map(|(name, members)| {
        let members: Vec<String> = members.iter().map(|m| format!("\"{m}\":\"felt\"")).collect();
        format!("\"Game{name}\"({})", members.join(","))
    })
}

/// Up to two distinct message policies, none in the account's own domains, some with rules on
/// their members.
pub fn message_policies() -> impl Strategy<Value = Vec<MessagePolicy>> {
    btree_set((short_text(), short_text(), type_string(), btree_set(argument_rule(), 0..2)), 0..3).prop_map(|set| {
        set.into_iter()
            .filter(|(name, _, _, _)| name != "SessionKeys.session" && name != "Account.execute_from_outside")
            // A text that reads as a negative number is no shortstring, as for starknet.js.
            .filter_map(|(name, version, type_string, rules)| {
                MessagePolicy::new(&name, &version, &type_string).and_then(|p| p.with_rules(rules)).ok()
            })
            .collect()
    })
}

/// Everything a session request holds, before it is built.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// The session public key.
    pub session_key: Felt,
    /// Not before.
    pub valid_after: u64,
    /// Not after.
    pub valid_until: u64,
    /// The fee cap per transaction.
    pub max_fee: u128,
    /// The fee budget.
    pub fee_budget: u128,
    /// The transaction count.
    pub max_transactions: u32,
    /// The owner epoch.
    pub epoch: Felt,
    /// The spending limits (on tokens no policy names, so none is refused as uncounted).
    pub limits: Vec<LimitSpec>,
    /// The policies.
    pub policies: Vec<PolicySpec>,
    /// The message policies.
    pub messages: Vec<MessagePolicy>,
}

/// A request spec [`SessionRequestBuilder::build`] accepts.
pub fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        nonzero_felt(),
        (0..MAX_TIME, 1..MAX_TIME),
        (
            1..=u128::MAX,
            1..=u128::MAX,
            prop_oneof![1..=u32::MAX, Just(u32::MAX)],
            prop_oneof![Just(Felt::ZERO), felt_value()],
        ),
        spending_limits(),
        policies(6),
        message_policies(),
    )
        .prop_map(
            |(
                session_key,
                (after, length),
                (max_fee, fee_budget, max_transactions, epoch),
                limits,
                policies,
                messages,
            )| {
                let valid_after = after.min(MAX_TIME - 1);
                let valid_until = valid_after.saturating_add(length).min(MAX_TIME);
                let limited: Vec<Felt> = policies.iter().map(|p| p.contract).collect();
                let limits = limits.into_iter().filter(|l| !limited.contains(&l.token)).collect();
                RequestSpec {
                    session_key,
                    valid_after,
                    valid_until,
                    max_fee,
                    fee_budget,
                    max_transactions,
                    epoch,
                    limits,
                    policies,
                    messages,
                }
            },
        )
}

impl RequestSpec {
    /// The builder with everything but the policies.
    pub fn builder(&self) -> SessionRequestBuilder {
        let mut builder = SessionRequest::builder(self.session_key)
            .valid_after(self.valid_after)
            .valid_until(self.valid_until)
            .max_fee(self.max_fee)
            .fee_budget(self.fee_budget)
            .max_transactions(self.max_transactions)
            .epoch(self.epoch);
        for limit in &self.limits {
            builder = builder.periodic_spending_limit(limit.token, limit.total, limit.per_period, limit.period);
        }
        for message in &self.messages {
            builder = builder.allow_message(message.clone());
        }
        builder
    }

    /// The request, with the policies in the order given and selectors written as given.
    pub fn build(&self) -> SessionRequest {
        let mut builder = self.builder();
        for policy in &self.policies {
            builder = match &policy.selector {
                SelectorSpelling::Name(name) => builder.allow_with_rules(policy.contract, name, policy.rules.clone()),
                SelectorSpelling::Felt(felt) => {
                    builder.allow_with_rules(policy.contract, &format!("{felt:#x}"), policy.rules.clone())
                }
            };
        }
        builder.build().expect("a request spec builds")
    }
}
