//! Differential tests, Rust ↔ Cairo (#13 item 2): the SDK and the contract's own Cairo functions
//! (compiled from `contracts/` and run by `sk_cairo::Program`, the project's Cairo runner, not
//! through a node) get the same random inputs and must give the same answers: session and
//! messages hashes, policy leaves, proof verification, every argument rule, the fee and spending
//! arithmetic, and the parsing of both kinds of signature, malformed ones included, with the same
//! error.
//!
//! The entry points on the Cairo side are in `contracts/src/tests/differential.cairo`. Each
//! family runs a fixed number of random cases (together over 1,000; `SK_DIFF_CASES` multiplies
//! them) from one seed, printed at the start; a failure names it, and `SK_DIFF_SEED=<seed>`
//! replays the same cases.
use std::sync::LazyLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};
use sk_cairo::{CallResult, Package, Program};
use sk_session::typed_data::{starknet_domain_hash, typed_message_hash};
use sk_session::{
    check_limits, check_rules, check_spending, current_period, granted_allowance, hash_pair, messages_hash,
    policy_leaf, verify_proof, ArgumentRule, Error, FeeBounds, MerkleTree, MessagePolicy, Operator, Session,
    SessionMessageToken, SessionToken, SessionUsage, SpendingLimit, SpendingScope, SpendingUsage,
};
use sk_tests::arbitrary::{argument_rule, felt_value, nonzero_felt, operator, request_spec, u256_value};
use starknet::core::crypto::compute_hash_on_elements;
use starknet::core::types::{Call, Felt, U256};
use starknet::core::utils::{cairo_short_string_to_felt, get_selector_from_name};

static PROGRAM: LazyLock<Program> = LazyLock::new(|| {
    let package = Package::load(sk_tests::repo_root().join("contracts")).expect("contracts/Scarb.toml reads");
    Program::compile(&package, "::tests::differential::").unwrap_or_else(|e| panic!("the contracts compile: {e}"))
});

static SEED: LazyLock<u64> = LazyLock::new(|| {
    let seed = std::env::var("SK_DIFF_SEED").ok().and_then(|text| text.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    });
    eprintln!("differential tests: seed {seed} (SK_DIFF_SEED={seed} replays these cases)");
    seed
});

/// Runs `cases` random cases of `strategy` through `test` from the seed; a failure names the
/// seed and the (shrunk) case.
fn check<S: Strategy>(family: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let factor = std::env::var("SK_DIFF_CASES").ok().and_then(|text| text.parse().ok()).unwrap_or(1);
    let seed = *SEED;
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(
        &compute_hash_on_elements(&[cairo_short_string_to_felt(family).expect("short")]).to_bytes_be()[..8],
    );
    let config = Config {
        cases: cases * factor,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(
            u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"))
                ^ u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes")),
        ),
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{family}: {failure}\n(seed {seed}: rerun with SK_DIFF_SEED={seed})");
    }
}

/// What Cairo answered: the felts returned, or the contract error (a shortstring) it panicked with.
fn cairo(function: &str, input: &[Felt]) -> Result<Vec<Felt>, String> {
    match PROGRAM.call(&format!("differential::{function}"), input).unwrap_or_else(|e| panic!("{e}")) {
        CallResult::Returned(felts) => Ok(felts),
        CallResult::Panicked(data) => Err(match data.as_slice() {
            [error] => parse_short(*error),
            _ => format!("{data:?}"),
        }),
    }
}

fn parse_short(felt: Felt) -> String {
    starknet::core::utils::parse_cairo_short_string(&felt).unwrap_or_else(|_| format!("{felt:#x}"))
}

/// The contract's error for an SDK error, where they share one.
fn code(error: &Error) -> String {
    match error {
        Error::NotASessionSignature | Error::NotASessionMessageSignature | Error::MalformedSignature(_) => {
            "session/bad-format"
        }
        Error::UnsupportedVersion(_) => "session/bad-version",
        Error::SpendingLimitsOutOfOrder => "session/limit-order",
        Error::BadRule { .. } => "session/bad-rule",
        Error::ArgumentRule { .. } => "session/argument-rule",
        Error::FeeCapExceeded { .. } => "session/fee-cap",
        Error::TransactionLimitReached { .. } => "session/tx-limit",
        Error::FeeBudgetExceeded { .. } => "session/fee-budget",
        Error::BadAmount { .. } => "session/bad-amount",
        Error::SpendingLimitExceeded { scope: SpendingScope::Life, .. } => "session/spending-limit",
        Error::SpendingLimitExceeded { scope: SpendingScope::Period, .. } => "session/period-limit",
        other => panic!("no contract error for {other}"),
    }
    .to_string()
}

fn u256_felts(value: U256) -> [Felt; 2] {
    [value.low().into(), value.high().into()]
}

fn rule_felts(rule: &ArgumentRule, out: &mut Vec<Felt>) {
    out.extend([rule.word.into(), rule.operator, rule.values.len().into()]);
    out.extend_from_slice(&rule.values);
    out.push(rule.u256_values.len().into());
    for value in &rule.u256_values {
        out.extend(u256_felts(*value));
    }
}

fn limit_felts(limit: &SpendingLimit, out: &mut Vec<Felt>) {
    out.push(limit.token);
    out.extend(u256_felts(limit.total));
    out.extend(u256_felts(limit.per_period));
    out.push(limit.period.into());
}

fn call_felts(call: &Call, out: &mut Vec<Felt>) {
    out.extend([call.to, call.selector, call.calldata.len().into()]);
    out.extend_from_slice(&call.calldata);
}

fn u256_of(felts: &[Felt]) -> U256 {
    U256::from_words(felts[0].try_into().expect("a u128"), felts[1].try_into().expect("a u128"))
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, rust: T, cairo: T) -> Result<(), TestCaseError> {
    if rust == cairo {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!("{what}: the SDK says {rust:?}, the contract {cairo:?}")))
    }
}

/// A session whose fields a test sets as it needs.
fn bare_session() -> Session {
    Session {
        session_key: Felt::ONE,
        valid_after: 0,
        valid_until: 1,
        max_fee: 1,
        fee_budget: 1,
        max_transactions: 1,
        epoch: Felt::ZERO,
        policies_root: Felt::ONE,
        spending_limits: vec![],
        messages_hash: Felt::ZERO,
    }
}

/// A chain id: Starknet's, or any felt.
fn chain_id() -> impl Strategy<Value = Felt> {
    prop_oneof![Just(cairo_short_string_to_felt("SN_MAIN").expect("short")), nonzero_felt()]
}

#[test]
fn session_and_messages_hashes_agree() {
    check("session-hash", 150, (request_spec(), nonzero_felt(), chain_id()), |(spec, account, chain)| {
        let request = spec.build();
        let session = request.session();
        let mut input = vec![account, chain];
        input.extend(session.to_felts());
        let answer = cairo("session_hash_of", &input).map_err(TestCaseError::fail)?;
        same("session hash", vec![session.hash(account, chain), session.struct_hash()], answer)?;

        let mut input = vec![request.messages().len().into()];
        for message in request.messages() {
            message.scope().expect("a built request's messages encode").push_felts(&mut input);
        }
        let answer = cairo("messages_hash_of", &input).map_err(TestCaseError::fail)?;
        same("messages hash", vec![messages_hash(request.messages()).expect("encodes")], answer)
    });
}

/// A message of a random policy (its type string any ASCII text of up to 100 characters, so
/// zero to four `ByteArray` words) with random members: the hash the account rebuilds for it, and
/// the type hash it takes from the type string (`starknet_keccak`, by the Keccak syscall).
#[test]
fn message_hashes_agree() {
    let policy = ("[ -~]{1,100}", vec(argument_rule(), 0..3)).prop_filter_map("a valid policy", |(text, rules)| {
        MessagePolicy::new("Chess", "1", &text).and_then(|p| p.with_rules(rules)).ok()
    });
    let case = (policy, vec(felt_value(), 0..5), nonzero_felt(), chain_id());
    check("message-hash", 100, case, |(policy, members, account, chain)| {
        let scope = policy.scope().expect("encodes");
        let mut input = Vec::new();
        scope.push_felts(&mut input);
        input.push(members.len().into());
        input.extend_from_slice(&members);
        input.extend([account, chain]);
        let mut encoded = vec![policy.type_hash()];
        encoded.extend_from_slice(&members);
        let hash = typed_message_hash(
            starknet_domain_hash(scope.domain_name, scope.domain_version, chain),
            account,
            starknet_crypto::poseidon_hash_many(&encoded),
        );
        same("message hash", Ok(vec![hash, policy.type_hash()]), cairo("message_hash_of", &input))
    });
}

/// Any rule, evaluable or not: an unknown operator, too many or too few values, values in both
/// lists or in neither.
fn any_rule() -> impl Strategy<Value = ArgumentRule> {
    prop_oneof![
        4 => argument_rule(),
        1 => (0u32..6, prop_oneof![operator().prop_map(Operator::felt), felt_value()], vec(felt_value(), 0..4), vec(u256_value(), 0..4))
            .prop_map(|(word, operator, values, u256_values)| ArgumentRule { word, operator, values, u256_values }),
    ]
}

/// Calldata near a rule's values: each word one of the values, one off, a u256's words, a word
/// of 2^128 or more, or anything.
fn calldata_for(rules: Vec<ArgumentRule>) -> impl Strategy<Value = (Vec<ArgumentRule>, Vec<Felt>)> {
    let mut near: Vec<Felt> = vec![Felt::ZERO, Felt::ONE, Felt::from(u128::MAX), Felt::from(u128::MAX) + Felt::ONE];
    for rule in &rules {
        for value in &rule.values {
            near.extend([*value, *value + Felt::ONE, *value - Felt::ONE]);
        }
        for value in &rule.u256_values {
            near.extend([Felt::from(value.low()), Felt::from(value.high()), Felt::from(value.low().wrapping_add(1))]);
        }
    }
    let word = prop_oneof![3 => proptest::sample::select(near), 1 => felt_value()];
    (Just(rules), vec(word, 0..7))
}

#[test]
fn argument_rules_agree() {
    check("rule-holds", 250, any_rule().prop_flat_map(|rule| calldata_for(vec![rule])), |(rules, calldata)| {
        let rule = &rules[0];
        let mut input = Vec::new();
        rule_felts(rule, &mut input);
        input.push(calldata.len().into());
        input.extend_from_slice(&calldata);
        let rust = rule.holds(&calldata).map(|holds| vec![Felt::from(holds)]).map_err(|e| code(&e));
        same(&format!("rule {rule:?} on {calldata:?}"), rust, cairo("rule_holds_of", &input))
    });
    check("rules-hold", 150, vec(any_rule(), 0..4).prop_flat_map(calldata_for), |(rules, calldata)| {
        let mut input = vec![rules.len().into()];
        for rule in &rules {
            rule_felts(rule, &mut input);
        }
        input.push(calldata.len().into());
        input.extend_from_slice(&calldata);
        let rust = check_rules(&rules, &calldata, 0).map(|()| vec![]).map_err(|e| code(&e));
        same("rules in order", rust, cairo("assert_rules_hold_of", &input))
    });
}

#[test]
fn policy_leaves_and_proofs_agree() {
    check(
        "policy-leaf",
        100,
        (nonzero_felt(), nonzero_felt(), vec(argument_rule(), 0..3)),
        |(contract, selector, rules)| {
            let mut input = vec![contract, selector, rules.len().into()];
            for rule in &rules {
                rule_felts(rule, &mut input);
            }
            same("leaf", Ok(vec![policy_leaf(contract, selector, &rules)]), cairo("policy_leaf_of", &input))
        },
    );
    // A tree, a leaf (a member or not) and a proof (its own, another's, or tampered).
    let case =
        (vec(felt_value(), 1..24), any::<prop::sample::Index>(), 0u8..4, any::<prop::sample::Index>(), felt_value());
    check("verify-proof", 200, case, |(leaves, index, tamper, other, stranger)| {
        let tree = MerkleTree::new(leaves.clone());
        let i = index.index(leaves.len());
        let mut leaf = leaves[i];
        let mut proof = tree.proof(i).expect("a member has a proof");
        match tamper {
            0 => {}
            1 => leaf = stranger,
            2 => proof = tree.proof(other.index(leaves.len())).expect("a member has a proof"),
            _ => match proof.last_mut() {
                Some(sibling) => *sibling += Felt::ONE,
                None => proof.push(stranger),
            },
        }
        let mut input = vec![tree.root(), leaf, proof.len().into()];
        input.extend_from_slice(&proof);
        let first = proof.first().map_or(leaf, |sibling| hash_pair(leaf, *sibling));
        let rust = vec![Felt::from(verify_proof(tree.root(), leaf, &proof)), first];
        same("proof", Ok(rust), cairo("verify_proof_of", &input))
    });
}

/// A felt array mangled: cut short, a felt replaced (by a big one, past u64, u128 or u32, or any),
/// one more felt, or as it is.
fn mangled(felts: Vec<Felt>) -> impl Strategy<Value = Vec<Felt>> {
    let len = felts.len();
    let replacement = prop_oneof![
        Just(Felt::from(u64::MAX) + Felt::ONE),
        Just(Felt::from(u128::MAX) + Felt::ONE),
        Just(Felt::from(u32::MAX) + Felt::ONE),
        Just(Felt::MAX),
        (0u64..40).prop_map(Felt::from),
        felt_value(),
    ];
    (Just(felts), 0u8..5, 0..len.max(1), replacement).prop_map(|(mut felts, how, at, felt)| {
        match how {
            0 => felts.truncate(at),
            1 | 2 if !felts.is_empty() => felts[at] = felt,
            3 => felts.push(felt),
            _ => {}
        }
        felts
    })
}

/// A session token as the SDK writes it for a random session: proofs with rules, an owner and a
/// session signature (random felts: parsing does not verify them), full or short.
fn session_token() -> impl Strategy<Value = Vec<Felt>> {
    (request_spec(), vec(felt_value(), 2), vec(felt_value(), 2), any::<bool>(), vec(any::<prop::sample::Index>(), 0..4))
        .prop_map(|(spec, owner, key, short, picks)| {
            let request = spec.build();
            let tree = request.policies();
            let proofs = picks
                .iter()
                .map(|pick| {
                    let policy = &tree.policies()[pick.index(tree.policies().len())];
                    tree.proof(policy.contract, policy.selector).expect("a member has a proof")
                })
                .collect();
            let token = SessionToken {
                session: request.session(),
                owner_signature: if short { vec![] } else { owner },
                session_signature: key,
                proofs,
            };
            token.to_felts()
        })
}

#[test]
fn session_tokens_parse_alike() {
    check("session-token", 250, session_token().prop_flat_map(mangled), |felts| {
        let rust = SessionToken::from_felts(&felts).map(|token| token.to_felts()[1..].to_vec()).map_err(|e| code(&e));
        same("parse", rust, cairo("parse_session_token_of", &felts))
    });
}

/// A session-signed message's token for a random session and message.
fn message_token() -> impl Strategy<Value = Vec<Felt>> {
    (request_spec(), vec(felt_value(), 2), vec(felt_value(), 0..3), 0u32..3, vec(felt_value(), 0..5)).prop_map(
        |(spec, key, owner, index, members)| {
            let request = spec.build();
            SessionMessageToken {
                session: request.session(),
                owner_signature: owner,
                session_signature: key,
                messages: request.messages().iter().map(|m| m.scope().expect("encodes")).collect(),
                index,
                members,
            }
            .to_felts()
        },
    )
}

#[test]
fn message_tokens_parse_alike() {
    check("message-token", 150, message_token().prop_flat_map(mangled), |felts| {
        let rust =
            SessionMessageToken::from_felts(&felts).map(|token| token.to_felts()[1..].to_vec()).map_err(|e| code(&e));
        same("parse", rust, cairo("parse_session_message_token_of", &felts))
    });
}

#[test]
fn fee_limits_agree() {
    let bound = || (any::<u64>(), prop_oneof![Just(0u128), 0..1u128 << 40, any::<u128>()]);
    check("max-fee", 100, (bound(), bound(), bound(), prop_oneof![Just(0u64), any::<u64>()]), |(l1, l2, data, tip)| {
        let mut input = vec![3u8.into()];
        for (name, (amount, price)) in [("L1_GAS", l1), ("L2_GAS", l2), ("L1_DATA", data)] {
            input.extend([cairo_short_string_to_felt(name).expect("short"), amount.into(), price.into()]);
        }
        input.push(tip.into());
        let fee = cairo("max_fee_of", &input).map_err(TestCaseError::fail)?;
        let fee = u256_of(&fee);
        let rust = FeeBounds { l1_gas: l1, l2_gas: l2, l1_data_gas: data, tip }.max_fee();
        same("max fee below 2^128", rust, (fee.high() == 0).then_some(fee.low()))
    });
    let small = || prop_oneof![0u128..1000, any::<u128>()];
    let case = (
        small(),
        (0u32..6, small(), any::<bool>()),
        prop_oneof![1u32..6, Just(u32::MAX)],
        small(),
        prop_oneof![0u128..1000, any::<u128>()].prop_map(Some),
    );
    check(
        "charge",
        150,
        case,
        |(cap, (transactions, fee_spent, authorized), max_transactions, fee_budget, max_fee)| {
            let usage = SessionUsage { transactions, fee_spent, authorized };
            let session = Session { max_fee: cap, fee_budget, max_transactions, ..bare_session() };
            let fee = max_fee.unwrap_or(0);
            let input = vec![
                cap.into(),
                transactions.into(),
                fee_spent.into(),
                Felt::from(authorized),
                max_transactions.into(),
                fee_budget.into(),
                fee.into(),
                Felt::ZERO,
            ];
            let rust = check_limits(&session, &usage, max_fee)
                .map(|()| vec![Felt::from(transactions + 1), Felt::from(fee_spent + fee), Felt::ONE])
                .map_err(|e| code(&e));
            same("charge", rust, cairo("charge_of", &input))
        },
    );
}

/// A call of an approval selector (or not), its spender an address or not (2^251 and more), its
/// amount words right, missing, or 2^128 and more.
fn token_call() -> impl Strategy<Value = Call> {
    let names = [
        "transfer",
        "approve",
        "increase_allowance",
        "increaseAllowance",
        "transfer_from",
        "transferFrom",
        "decrease_allowance",
        "swap",
    ];
    let word = prop_oneof![4 => (0u128..1000).prop_map(Felt::from), 1 => any::<u128>().prop_map(Felt::from), 1 => Just(Felt::from(u128::MAX) + Felt::ONE)];
    let spender = prop_oneof![
        3 => Just(Felt::from(0xb0bu32)),
        1 => Just(Felt::from_hex_unchecked("0x800000000000000000000000000000000000000000000000000000000000000")),
        1 => Just(Felt::MAX),
    ];
    (proptest::sample::select(names.to_vec()), spender, vec(word, 0..4)).prop_map(|(name, spender, words)| {
        let mut calldata = words;
        if !calldata.is_empty() {
            calldata[0] = spender;
        }
        Call { to: Felt::from(0x70u32), selector: get_selector_from_name(name).expect("ASCII"), calldata }
    })
}

fn spending_limit(token: Felt) -> impl Strategy<Value = SpendingLimit> {
    let amount =
        prop_oneof![(0u128..3000).prop_map(U256::from), Just(U256::from_words(u128::MAX, u128::MAX)), u256_value()];
    (amount.clone(), amount, prop_oneof![Just(0u64), 1u64..100_000])
        .prop_map(move |(total, per_period, period)| SpendingLimit { token, total, per_period, period })
}

#[test]
fn spending_agrees() {
    // What an approval grants, read from its calldata by both sides (the account reads it before
    // the calls, the SDK before signing), errors included.
    check("granted allowance", 300, token_call(), |call| {
        let mut input = Vec::new();
        call_felts(&call, &mut input);
        let rust = granted_allowance(0, &call)
            .map(|granted| match granted {
                // Cairo's `Option` in `Serde` layout: `Some` is variant 0, `None` variant 1.
                None => vec![Felt::ONE],
                Some((spender, amount)) => {
                    let mut out = vec![Felt::ZERO, spender];
                    out.extend(u256_felts(amount));
                    out
                }
            })
            .map_err(|e| code(&e));
        same("granted allowance", rust, cairo("granted_allowance_of", &input))
    });
    let usage = (u256_value(), 0u64..5, u256_value());
    let amount = prop_oneof![(0u128..3000).prop_map(U256::from), u256_value()];
    let case = (spending_limit(Felt::from(0x70u32)), usage, amount, 0u64..1_000_000, 0u64..300_000);
    check("spend", 200, case, |(limit, (total, period, period_spent), amount, valid_after, elapsed)| {
        let now = valid_after + elapsed;
        let usage = SpendingUsage { total, period, period_spent };
        let mut input = Vec::new();
        input.extend(u256_felts(total));
        input.push(period.into());
        input.extend(u256_felts(period_spent));
        limit_felts(&limit, &mut input);
        input.extend(u256_felts(amount));
        input.extend([Felt::from(now), Felt::from(valid_after)]);
        let answer = cairo("spend_of", &input);
        let current = current_period(&limit, valid_after, now);
        match check_spending(&limit, &usage, amount, valid_after, now) {
            Err(error) => same("spend", Err(code(&error)), answer.map(|_| ())),
            Ok(()) => {
                let answer =
                    answer.map_err(|e| TestCaseError::fail(format!("the SDK accepts, the contract says {e}")))?;
                same("current period", Felt::from(current), answer[0])?;
                let written = SpendingUsage {
                    total: u256_of(&answer[1..3]),
                    period: answer[3].try_into().expect("u64"),
                    period_spent: u256_of(&answer[4..6]),
                };
                // What is left afterwards is what was left less the amount, on both counts.
                let (total_left, period_left) = usage.left(&limit, valid_after, now);
                same("left after", (total_left - amount, period_left - amount), written.left(&limit, valid_after, now))
            }
        }
    });
}
