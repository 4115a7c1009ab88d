//! Property tests of the SDK's session format (#13 item 1): random sessions (policies with
//! argument rules in random order, selectors by name or hex, addresses in any case and padding,
//! spending limits, message policies, any window and fee limits) always give the same policy
//! root, session hash and typed data, and survive the request and session files unchanged.
//!
//! Each property runs a fixed number of cases (together 10,000; `PROPTEST_CASES` overrides the
//! count of each); a failure is shrunk and its seed saved under `proptest-regressions/`, which
//! proptest replays first on the next run.
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::Value;
use sk_session::typed_data::message_hash;
use sk_session::{merkle_root, verify_proof, SessionRequest, SignedSession};
use sk_tests::arbitrary::{nonzero_felt, policies, request_spec, PolicySpec, RequestSpec, SelectorSpelling};
use starknet::core::types::Felt;
use starknet::core::utils::cairo_short_string_to_felt;
use starknet::signers::SigningKey;

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|text| text.parse().ok()).unwrap_or(cases);
    Config {
        cases,
        max_shrink_time: 60_000,
        // Relative to the package (`tests/`), where cargo runs the test.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/properties.txt"))),
        ..Config::default()
    }
}

/// A chain: Starknet's own, or any felt (which typed data may have to write as hex).
fn chain_id() -> impl Strategy<Value = Felt> {
    prop_oneof![
        Just(cairo_short_string_to_felt("SN_MAIN").expect("short")),
        Just(cairo_short_string_to_felt("SN_SEPOLIA").expect("short")),
        Just(cairo_short_string_to_felt("123").expect("short")),
        nonzero_felt(),
    ]
}

/// `felt` as hex with upper- or lowercase digits and with or without padding to 64 digits.
fn spell(felt: Felt, upper: bool, padded: bool) -> String {
    let digits = if padded { format!("{felt:064x}") } else { format!("{felt:x}") };
    format!("0x{}", if upper { digits.to_uppercase() } else { digits })
}

/// The spec with its policies in another order, each selector name written as its hex felt
/// where `as_hex` says so, and each policy's rules in another order.
fn respelled(spec: &RequestSpec, order: &[usize], as_hex: &[bool]) -> RequestSpec {
    let mut other = spec.clone();
    other.policies = order
        .iter()
        .zip(as_hex.iter().cycle())
        .map(|(&i, &hex)| {
            let policy = &spec.policies[i];
            let mut rules = policy.rules.clone();
            rules.reverse();
            PolicySpec {
                contract: policy.contract,
                selector: if hex { SelectorSpelling::Felt(policy.selector.felt()) } else { policy.selector.clone() },
                rules,
            }
        })
        .collect();
    other
}

/// The request file's JSON with every address and selector re-spelled, and selector names left
/// out where `drop_names` says so.
fn respelled_json(request: &SessionRequest, upper: bool, padded: bool, drop_names: &[bool]) -> Value {
    let mut json = serde_json::to_value(request).expect("a request serializes");
    let respell = |value: &mut Value| {
        let felt = Felt::from_hex(value.as_str().expect("hex")).expect("hex felt");
        *value = Value::String(spell(felt, upper, padded));
    };
    respell(&mut json["session_key"]);
    for (policy, &drop) in json["policies"].as_array_mut().expect("policies").iter_mut().zip(drop_names.iter().cycle())
    {
        respell(&mut policy["contract"]);
        respell(&mut policy["selector"]);
        if drop {
            policy.as_object_mut().expect("an object").remove("name");
        }
    }
    for limit in json["spending_limits"].as_array_mut().expect("limits") {
        respell(&mut limit["token"]);
    }
    json
}

fn owner() -> SigningKey {
    SigningKey::from_secret_scalar(Felt::from_hex_unchecked("0x5e55104"))
}

proptest! {
    #![proptest_config(config(4_000))]

    /// The order of the policies and of their rules, and how selectors and addresses are
    /// written, change neither the policy root nor the session hash; the typed data of either
    /// hashes (as a wallet hashes it) to that session hash.
    #[test]
    fn order_and_spelling_change_nothing(
        (spec, permutation) in request_spec().prop_flat_map(|spec| {
            let order: Vec<usize> = (0..spec.policies.len()).collect();
            (Just(spec), Just(order).prop_shuffle())
        }),
        as_hex in proptest::collection::vec(any::<bool>(), 1..8),
        drop_names in proptest::collection::vec(any::<bool>(), 1..8),
        (upper, padded) in (any::<bool>(), any::<bool>()),
        account in nonzero_felt(),
        chain in chain_id(),
    ) {
        let request = spec.build();
        let other = respelled(&spec, &permutation, &as_hex).build();
        prop_assert_eq!(request.policies().root(), other.policies().root());
        prop_assert_eq!(request.hash(account, chain), other.hash(account, chain));
        prop_assert_eq!(request.policies().policies(), other.policies().policies());

        let from_json: SessionRequest =
            serde_json::from_value(respelled_json(&request, upper, padded, &drop_names)).expect("a re-spelled request reads");
        prop_assert_eq!(from_json.hash(account, chain), request.hash(account, chain));
        prop_assert_eq!(from_json.policies().root(), request.policies().root());

        let wallet_hash = message_hash(&other.typed_data(chain), account).expect("the typed data hashes");
        prop_assert_eq!(wallet_hash, request.hash(account, chain));
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    /// A request and a signed session come back from their files unchanged: the same fields,
    /// the same JSON, the same hash, the same transaction-signature felts; and the typed data
    /// the wallet signs hashes to the hash the owner's signature is checked against.
    #[test]
    fn requests_and_sessions_round_trip(spec in request_spec(), account in nonzero_felt(), chain in chain_id()) {
        let request = spec.build();
        let text = serde_json::to_string(&request).expect("a request serializes");
        let read: SessionRequest = serde_json::from_str(&text).expect("the request reads back");
        prop_assert_eq!(&read, &request);
        prop_assert_eq!(serde_json::to_string(&read).expect("serializes"), text);

        let typed_data = request.typed_data(chain);
        prop_assert_eq!(message_hash(&typed_data, account).expect("hashes"), request.hash(account, chain));

        let signed = request.sign(account, chain, &owner()).expect("the owner signs");
        let text = serde_json::to_string(&signed).expect("a session serializes");
        let read: SignedSession = serde_json::from_str(&text).expect("the session reads back");
        prop_assert_eq!(&read, &signed);
        prop_assert_eq!(read.hash(), signed.hash());
        prop_assert_eq!(read.session().to_felts(), signed.session().to_felts());
        read.verify_owner(owner().verifying_key().scalar()).expect("the owner's signature verifies after reading");
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    /// Each policy's proof leads from its leaf to the root, and no proof of the tree admits a
    /// leaf outside it.
    #[test]
    fn proofs_admit_only_their_own_leaf(specs in policies(12), stranger in request_spec()) {
        let mut spec = stranger.clone();
        spec.policies = specs;
        let request = spec.build();
        let tree = request.policies();
        let leaves: Vec<Felt> = tree.policies().iter().map(|policy| policy.leaf()).collect();
        prop_assert_eq!(merkle_root(leaves.clone()), tree.root());
        let outsiders: Vec<Felt> = stranger
            .build()
            .policies()
            .policies()
            .iter()
            .map(|policy| policy.leaf())
            .filter(|leaf| !leaves.contains(leaf))
            .collect();
        for policy in tree.policies() {
            let proof = tree.proof(policy.contract, policy.selector).expect("a member has a proof");
            prop_assert_eq!(&proof.rules, &policy.rules);
            prop_assert!(verify_proof(tree.root(), policy.leaf(), &proof.proof));
            for outsider in &outsiders {
                prop_assert!(!verify_proof(tree.root(), *outsider, &proof.proof));
            }
        }
    }
}
