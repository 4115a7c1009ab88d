//! `sk_session::argent` against Argent's own SDK: `@argent/x-sessions` 9.0.4 (installed with
//! `npm ci` from `crates/bench/js/`, so Node.js and npm must be on the PATH) computes the session
//! of x-sessions' published test vector and a three-method session; the Rust SDK must agree on
//! every hash, and both must reproduce the published values.
use serde_json::Value;
use sk_bench::xsessions::XSessions;
use sk_session::argent::{domain_hash, AllowedMethod, ArgentSession};
use sk_session::typed_data;
use starknet::core::types::Felt;
use starknet::macros::short_string;

const SN_SEPOLIA: Felt = short_string!("SN_SEPOLIA");
/// The account and the session key of the vector (`src/__tests__/utils.test.ts`, "createSession").
const ADDRESS: Felt = Felt::from_hex_unchecked("0x1234567890abcdef");
/// What x-sessions' test suite expects.
const PUBLISHED_GUID: &str = "0x4bef97e579cdb4c9fa3546db3017a69ddbc40598cd7311359f1e6c03f02b155";
const PUBLISHED_HASH: &str = "0x87f8341a9fb39398e15dec07024475dd96406fe4880b9a24d10fb9e6bbf6bd";
/// What Argent's `tests/test_offchain_hashing.cairo` expects.
const PUBLISHED_SEPOLIA_DOMAIN: &str = "619758417781242245767049076918858457415551753537846667520424572098880841663";

fn felt(value: &Value) -> Felt {
    let text = value.as_str().unwrap_or_else(|| panic!("{value} is not a string"));
    Felt::from_hex(text).unwrap_or_else(|_| panic!("{text} is not a hex felt"))
}

#[test]
fn argent_sessions_hash_as_x_sessions_hashes_them() {
    let x_sessions = XSessions::install(&|step| eprintln!("{step}")).expect("x-sessions installs");
    let js = x_sessions.vector().expect("vector.mjs runs");
    assert_eq!(js["x_sessions"], "9.0.4");

    let metadata = js["metadata"].as_str().expect("metadata");
    assert_eq!(
        metadata,
        r#"{"projectID":"test","txFees":[{"tokenAddress":"0x987654321","maxAmount":"1000000000000"}]}"#
    );
    let methods = vec![AllowedMethod::new(Felt::from(0x123456789u64), "some_method")];
    let session = ArgentSession::new(ADDRESS, 1_234_567_890, methods, metadata).expect("the vector is a valid session");
    let on_chain = session.on_chain();

    // Published values, reproduced by both SDKs.
    assert_eq!(js["session_key_guid"], PUBLISHED_GUID);
    assert_eq!(format!("{:#x}", on_chain.session_key_guid), PUBLISHED_GUID);
    assert_eq!(js["session_hash"], PUBLISHED_HASH);
    assert_eq!(format!("{:#x}", session.hash(ADDRESS, SN_SEPOLIA)), PUBLISHED_HASH);
    assert_eq!(js["domain_hash_sepolia"], PUBLISHED_SEPOLIA_DOMAIN);
    assert_eq!(domain_hash(SN_SEPOLIA).to_string(), PUBLISHED_SEPOLIA_DOMAIN);
    assert_eq!(felt(&js["allowed_methods_root"]), on_chain.allowed_methods_root);

    // The typed data x-sessions asks a wallet to sign hashes, under our SNIP-12 hasher, to the
    // session hash the Rust SDK computes directly; and ours hashes to the same.
    assert_eq!(typed_data::message_hash(&js["typed_data"], ADDRESS).unwrap(), session.hash(ADDRESS, SN_SEPOLIA));
    assert_eq!(
        typed_data::message_hash(&session.typed_data(SN_SEPOLIA), ADDRESS).unwrap(),
        session.hash(ADDRESS, SN_SEPOLIA)
    );

    // Three methods, in x-sessions' (unsorted) order.
    let methods = vec![
        AllowedMethod::new(Felt::from(0x123456789u64), "some_method"),
        AllowedMethod::new(Felt::from(0x987654321u64), "transfer"),
        AllowedMethod::new(Felt::from(0x123456789u64), "other_method"),
    ];
    let three = ArgentSession::new(ADDRESS, 1_234_567_890, methods, metadata).expect("valid");
    assert_eq!(felt(&js["three_methods"]["session_hash"]), three.hash(ADDRESS, SN_SEPOLIA));
    assert_eq!(felt(&js["three_methods"]["allowed_methods_root"]), three.on_chain().allowed_methods_root);
}

/// The bench's x-sessions script refuses malformed input with one line naming the field, which
/// `sk bench` passes on.
#[test]
fn the_x_sessions_script_names_what_is_wrong_with_its_input() {
    let x_sessions = XSessions::install(&|step| eprintln!("{step}")).expect("x-sessions installs");
    let err = x_sessions.offchain(&serde_json::json!({ "chain_id": "0x1" }), &|_| {}).unwrap_err().to_string();
    assert!(err.contains("offchain.mjs: missing field input.metadata"), "{err}");
    let err = x_sessions.offchain(&serde_json::json!({ "metadata": "{ \"a\": 1 }" }), &|_| {}).unwrap_err().to_string();
    assert!(err.contains("input.metadata must be compact JSON"), "{err}");
}
