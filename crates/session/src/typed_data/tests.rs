//! The hasher's tests: results pinned from starknet.js 10.8.0, type strings, encodings computed
//! by hand, and the errors of what starknet.js refuses or mangles.

use serde_json::{json, Value};
use starknet::core::types::Felt;
use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};
use starknet_crypto::{poseidon_hash, poseidon_hash_many};

use super::{domain_hash, encode_type, message_hash, struct_hash, type_hash, TypedDataError};
use crate::merkle::merkle_root;

/// A corpus-style document (the domain of `tests/typed-data/`).
fn doc(types: Value, primary: &str, message: Value) -> Value {
    let mut all = json!({
        "StarknetDomain": [
            { "name": "name", "type": "shortstring" },
            { "name": "version", "type": "shortstring" },
            { "name": "chainId", "type": "shortstring" },
            { "name": "revision", "type": "shortstring" }
        ]
    });
    for (name, members) in types.as_object().expect("types are an object") {
        all[name] = members.clone();
    }
    json!({
        "types": all,
        "primaryType": primary,
        "domain": { "name": "SessionKeys.corpus", "version": "1", "chainId": "SN_SEPOLIA", "revision": "1" },
        "message": message
    })
}

/// A document with one member `x` of type `type` holding `value`.
fn one(r#type: &str, value: Value) -> Value {
    doc(json!({ "M": [{ "name": "x", "type": r#type }] }), "M", json!({ "x": value }))
}

fn felt(hex: &str) -> Felt {
    Felt::from_hex(hex).expect("a hex felt")
}

const ACCOUNT: Felt = Felt::from_hex_unchecked("0x1234");

fn hash(typed_data: &Value) -> Felt {
    message_hash(typed_data, ACCOUNT).unwrap_or_else(|e| panic!("{e}"))
}

fn error(typed_data: &Value) -> String {
    match message_hash(typed_data, ACCOUNT) {
        Ok(hash) => panic!("hashed to {hash:#x} instead of failing"),
        Err(error) => error.to_string(),
    }
}

/// The struct hash of `{ x: value }` with `x` of type `type`.
fn member(r#type: &str, value: Value) -> Result<Felt, TypedDataError> {
    struct_hash(&json!({ "M": [{ "name": "x", "type": r#type }] }), "M", &json!({ "x": value }))
}

/// What [`member`] is when `x` encodes as `encoded`.
fn expected(r#type: &str, encoded: Felt) -> Felt {
    let types = json!({ "M": [{ "name": "x", "type": r#type }] });
    poseidon_hash_many(&[type_hash(&types, "M").expect("a type hash"), encoded])
}

/// The SDK's session typed data, written out as `session_hash::typed_data` writes it (types,
/// domain on Sepolia, and the message of this session), with `policies` as given, valid or not.
fn session_doc(policies: Value) -> Value {
    json!({
        "types": {
            "StarknetDomain": [
                { "name": "name", "type": "shortstring" },
                { "name": "version", "type": "shortstring" },
                { "name": "chainId", "type": "shortstring" },
                { "name": "revision", "type": "shortstring" }
            ],
            "Session": [
                { "name": "Session Key", "type": "felt" },
                { "name": "Valid After", "type": "timestamp" },
                { "name": "Valid Until", "type": "timestamp" },
                { "name": "Policies", "type": "merkletree", "contains": "Policy" }
            ],
            "Policy": [
                { "name": "Contract", "type": "ContractAddress" },
                { "name": "Selector", "type": "selector" }
            ]
        },
        "primaryType": "Session",
        "domain": {
            "name": "SessionKeys.session",
            "version": "1",
            "chainId": "SN_SEPOLIA",
            "revision": "1"
        },
        "message": {
            "Session Key": "0x2b191c2f3ecf685a91af7cf72a43e7b90e2e41220175de5c4f7498981b10053",
            "Valid After": 0,
            "Valid Until": 1767225600,
            "Policies": policies
        }
    })
}

// ---- pinned starknet.js 10.8.0 results (getMessageHash(td, "0x1234"), tests/typed-data/)

#[test]
fn session_matches_starknet_js() {
    let td = session_doc(json!([
        { "Contract": "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7", "Selector": "transfer" }
    ]));
    assert_eq!(domain_hash(&td).ok(), Some(felt("0x42865e9819be8aa13837f707b8f31ca8c0e3c830239505c4cac726b8387e4f3")));
    assert_eq!(hash(&td), felt("0x524db71d84b72fee5bd2dab3c4197832b2d2c3b33aa33743d7f8d424f2fdea5"));
}

#[test]
fn enums_match_starknet_js() {
    let unit = doc(
        json!({
            "Vote": [{ "name": "choice", "type": "enum", "contains": "Choice" }],
            "Choice": [
                { "name": "Yes", "type": "()" }, { "name": "No", "type": "()" }, { "name": "Abstain", "type": "()" }
            ]
        }),
        "Vote",
        json!({ "choice": { "Abstain": [] } }),
    );
    assert_eq!(hash(&unit), felt("0x380424b3224075717f91bb2a11c14da170cabeed3cd4bbd926874ae662f701f"));
    let empty_slot = doc(
        json!({
            "Wrapper": [{ "name": "value", "type": "enum", "contains": "Maybe" }],
            "Maybe": [{ "name": "None", "type": "()" }, { "name": "Some", "type": "(felt,)" }]
        }),
        "Wrapper",
        json!({ "value": { "Some": ["0x2a"] } }),
    );
    assert_eq!(hash(&empty_slot), felt("0x1decf14727fa05beafc9e36aaa3618fc433603bcd1bc11b6a310f54392ee6c8"));
}

#[test]
fn negative_i128_matches_starknet_js() {
    let td = doc(
        json!({ "Signed": [
            { "name": "minus one", "type": "i128" },
            { "name": "negative number", "type": "i128" },
            { "name": "negative string", "type": "i128" },
            { "name": "min", "type": "i128" },
            { "name": "minus zero", "type": "i128" }
        ] }),
        "Signed",
        json!({
            "minus one": -1,
            "negative number": -9007199254740991_i64,
            "negative string": "-42",
            "min": "-170141183460469231731687303715884105728",
            "minus zero": "-0"
        }),
    );
    assert_eq!(hash(&td), felt("0x50021dce0503f3928366ababbb779754ecdf3516846b7a13c3557c87754e335"));
}

#[test]
fn strings_match_starknet_js() {
    let text =
        |value: &str| doc(json!({ "Text": [{ "name": "text", "type": "string" }] }), "Text", json!({ "text": value }));
    assert_eq!(hash(&text("")), felt("0x632c801a12165595be0ca355b28687212474cf135db47770fc0824b49452e62"));
    assert_eq!(
        hash(&text("abcdefghijklmnopqrstuvwxyz01234")),
        felt("0x576198645728cc7cb3f6fcc7470518a6de9e09b5a77bb7dca64651780854a8e")
    );
}

#[test]
fn numeric_shortstrings_match_starknet_js() {
    let mut td = doc(
        json!({ "Numbers": [
            { "name": "one", "type": "shortstring" }, { "name": "hex one", "type": "shortstring" },
            { "name": "decimal", "type": "shortstring" }, { "name": "signed", "type": "shortstring" },
            { "name": "blank", "type": "shortstring" }, { "name": "not quite hex", "type": "shortstring" },
            { "name": "underscore", "type": "shortstring" }, { "name": "binary", "type": "shortstring" }
        ] }),
        "Numbers",
        json!({
            "one": "1", "hex one": "0x1", "decimal": "1234", "signed": "+12", "blank": "   ",
            "not quite hex": "0x", "underscore": "1_000", "binary": "0b101"
        }),
    );
    td["domain"] = json!({
        "name": "SessionKeys.corpus", "version": "2", "chainId": "0x534e5f5345504f4c4941", "revision": "1"
    });
    assert_eq!(domain_hash(&td).ok(), Some(felt("0x32e8ccc12577f270f89c2ebaf16cbacbae0b1990c6b7a19cebdf65df419af12")));
    assert_eq!(hash(&td), felt("0x25a84c27101a44b0554f19bbfd8a2b769daf5426d7d85d099d02896c21bd41c"));
}

// ---- type strings

#[test]
fn session_type_strings_are_the_protocols() {
    let types = &session_doc(json!([]))["types"];
    let expect = [
        (
            "StarknetDomain",
            concat!(
                r#""StarknetDomain"("name":"shortstring","version":"shortstring","#,
                r#""chainId":"shortstring","revision":"shortstring")"#
            ),
        ),
        (
            "Session",
            concat!(
                r#""Session"("Session Key":"felt","Valid After":"timestamp","#,
                r#""Valid Until":"timestamp","Policies":"merkletree")"#
            ),
        ),
        ("Policy", r#""Policy"("Contract":"ContractAddress","Selector":"selector")"#),
    ];
    for (name, string) in expect {
        assert_eq!(encode_type(types, name).as_deref(), Ok(string));
        assert_eq!(type_hash(types, name), Ok(starknet_keccak(string.as_bytes())));
    }
    // starknet.js's getTypeHash
    assert_eq!(
        type_hash(types, "Session"),
        Ok(felt("0x1820ae7d136f7ae4732a45d35723c0889dd3d98e54408116cbca6ba5f73c384"))
    );
}

#[test]
fn dependencies_are_sorted_in_utf16_order_with_presets_when_used() {
    let types = json!({
        "Root": [
            { "name": "z", "type": "Zeta" }, { "name": "a", "type": "alpha" }, { "name": "b", "type": "Beta" },
            { "name": "u", "type": "_under" }, { "name": "amount", "type": "u256" }
        ],
        "Zeta": [{ "name": "v", "type": "felt" }],
        "alpha": [{ "name": "v", "type": "felt" }, { "name": "beta", "type": "Beta" }],
        "Beta": [{ "name": "v", "type": "felt" }],
        "_under": [{ "name": "v", "type": "felt" }],
        "Unused": [{ "name": "v", "type": "NftId" }]
    });
    assert_eq!(
        encode_type(&types, "Root").as_deref(),
        Ok(concat!(
            r#""Root"("z":"Zeta","a":"alpha","b":"Beta","u":"_under","amount":"u256")"#,
            r#""Beta"("v":"felt")"Zeta"("v":"felt")"_under"("v":"felt")"alpha"("v":"felt","beta":"Beta")"#,
            r#""u256"("low":"u128","high":"u128")"#
        ))
    );
    assert_eq!(
        type_hash(&types, "Root"),
        Ok(felt("0x1f80a2d8254dc98ba933abf0decfc6eee2cf07d588dc844a80e15358a3026e9"))
    );
    assert_eq!(encode_type(&types, "Beta").as_deref(), Ok(r#""Beta"("v":"felt")"#));
}

#[test]
fn enum_type_strings_list_variants_and_their_types() {
    let types = json!({
        "Action": [{ "name": "action", "type": "enum", "contains": "Op" }],
        "Op": [
            { "name": "Noop", "type": "()" },
            { "name": "Pay", "type": "(ContractAddress,u256)" },
            { "name": "Batch", "type": "(Call*,string)" },
            { "name": "Trailing", "type": "(felt,)" }
        ],
        "Call": [
            { "name": "to", "type": "ContractAddress" },
            { "name": "selector", "type": "selector" },
            { "name": "calldata", "type": "felt*" }
        ]
    });
    assert_eq!(
        encode_type(&types, "Action").as_deref(),
        Ok(concat!(
            r#""Action"("action":"Op")"Call"("to":"ContractAddress","selector":"selector","calldata":"felt*")"#,
            r#""Op"("Noop":(),"Pay":("ContractAddress","u256"),"Batch":("Call*","string"),"Trailing":("felt",))"#,
            r#""u256"("low":"u128","high":"u128")"#
        ))
    );
}

// ---- encodings, computed by hand

#[test]
fn merkle_roots() {
    let [a, b, c] = [Felt::from(30u8), Felt::from(10u8), Felt::from(20u8)];
    assert_eq!(merkle_root(vec![a]), a, "one leaf is the root");
    assert_eq!(merkle_root(vec![a, b]), poseidon_hash(b, a), "pairs are sorted");
    let right = poseidon_hash(Felt::ZERO, c);
    let left = poseidon_hash(b, a);
    let root = if left <= right { poseidon_hash(left, right) } else { poseidon_hash(right, left) };
    assert_eq!(merkle_root(vec![a, b, c]), root, "the odd node pairs with 0");

    let tree = |leaves: Value| {
        let types = json!({ "T": [{ "name": "root", "type": "merkletree", "contains": "felt" }] });
        struct_hash(&types, "T", &json!({ "root": leaves }))
    };
    let types = json!({ "T": [{ "name": "root", "type": "merkletree", "contains": "felt" }] });
    let type_hash = type_hash(&types, "T").expect("a type hash");
    assert_eq!(tree(json!(["0x1e"])), Ok(poseidon_hash_many(&[type_hash, a])));
    assert_eq!(tree(json!([30, "10", "0x14"])), Ok(poseidon_hash_many(&[type_hash, root])));
}

#[test]
fn strings_are_byte_arrays() {
    let short = |s: &str| cairo_short_string_to_felt(s).expect("a short string");
    let cases = [
        (String::new(), vec![Felt::ZERO, Felt::ZERO, Felt::ZERO]),
        ("abc".to_owned(), vec![Felt::ZERO, short("abc"), Felt::from(3u8)]),
        ("a".repeat(31), vec![Felt::ONE, short(&"a".repeat(31)), Felt::ZERO, Felt::ZERO]),
        ("b".repeat(32), vec![Felt::ONE, short(&"b".repeat(31)), short("b"), Felt::ONE]),
        ("c".repeat(62), vec![Felt::TWO, short(&"c".repeat(31)), short(&"c".repeat(31)), Felt::ZERO, Felt::ZERO]),
    ];
    for (text, elements) in cases {
        assert_eq!(member("string", json!(text)), Ok(expected("string", poseidon_hash_many(&elements))), "{text:?}");
    }
}

#[test]
fn basic_values_encode_like_starknet_js() {
    let cases: &[(&str, Value, Felt)] = &[
        ("felt", json!("1"), Felt::ONE),
        ("felt", json!(" 42\t"), Felt::from(42u8)),
        ("felt", json!("\u{feff}12"), Felt::from(12u8)),
        ("felt", json!(""), Felt::ZERO),
        ("felt", json!("0XfF"), Felt::from(255u8)),
        ("felt", json!("0o17"), Felt::from(15u8)),
        ("felt", json!(true), Felt::ONE),
        ("felt", json!("-0"), Felt::ZERO),
        ("felt", json!("0x"), Felt::from(0x3078u16)),
        ("felt", json!("1_000"), Felt::from_hex_unchecked("0x315f303030")),
        ("shortstring", json!("SN_MAIN"), Felt::from_hex_unchecked("0x534e5f4d41494e")),
        ("felt", json!(1u64 << 60), Felt::from(1u64 << 60)),
        ("felt", json!(5.0), Felt::from(5u8)),
        ("u128", json!("0x6955b900"), Felt::from(1767225600u64)),
        ("timestamp", json!(false), Felt::ZERO),
        ("i128", json!(-1), Felt::ZERO - Felt::ONE),
        ("i128", json!(" -5 "), Felt::ZERO - Felt::from(5u8)),
        ("bool", json!(true), Felt::ONE),
        ("ContractAddress", json!(4096), Felt::from(4096u16)),
        ("selector", json!("transfer"), starknet_keccak(b"transfer")),
        ("selector", json!("123"), starknet_keccak(b"123")),
        ("selector", json!("0X7B"), Felt::from(123u8)),
        ("selector", json!(" 0x7b"), starknet_keccak(b" 0x7b")),
    ];
    for (r#type, value, encoded) in cases {
        assert_eq!(member(r#type, value.clone()), Ok(expected(r#type, *encoded)), "{type} {value}");
    }
}

// ---- errors

#[test]
fn errors_name_the_field() {
    let td = session_doc(json!([
        { "Contract": "0x1", "Selector": "transfer" },
        { "Contract": "0x2", "Selector": "approve" },
        { "Contract": "0x3", "Selector": 5 }
    ]));
    assert_eq!(error(&td), "message.Policies[2].Selector: expected a selector name or hex, got 5");

    let td = session_doc(json!([{ "Contract": "alice", "Selector": "transfer" }]));
    assert!(error(&td).starts_with("message.Policies[0].Contract: expected a decimal or 0x-prefixed hex number"));

    let mut td = session_doc(json!([]));
    assert_eq!(error(&td), "message.Policies: a merkletree needs at least one leaf");
    td["message"]["Policies"] = json!([{ "Contract": "0x1", "Selector": "transfer" }]);
    td["message"].as_object_mut().expect("an object").remove("Valid Until");
    assert_eq!(error(&td), "message.Valid Until: missing (a \"timestamp\" member of \"Session\")");
    td["domain"]["chainId"] = json!("a chain name longer than 31 chars");
    assert!(error(&td).starts_with("domain.chainId: \"a chain name longer"));
}

#[test]
fn values_starknet_js_refuses_are_errors() {
    let cases: &[(&str, Value, &str)] = &[
        ("bool", json!("true"), "expected true or false"),
        ("bool", json!(1), "expected true or false"),
        ("felt", json!("-5"), "out of the range [0, P)"),
        ("felt", json!("0x800000000000011000000000000000000000000000000000000000000000001"), "out of the range [0, P)"),
        ("felt", json!(1.5), "not an integer"),
        ("felt", json!(null), "missing"),
        ("shortstring", json!("café"), "only ASCII"),
        ("shortstring", json!("a".repeat(32)), "longer than a short string"),
        ("string", json!("line\nbreak"), "U+000A"),
        ("string", json!(7), "expected a string"),
        ("u128", json!("340282366920938463463374607431768211456"), "out of the range [0, 2^128)"),
        ("u128", json!(-1), "out of the range [0, 2^128)"),
        ("i128", json!("170141183460469231731687303715884105728"), "out of the range [-2^127, 2^127)"),
        ("i128", json!("-0x5"), "expected a decimal or 0x-prefixed hex number"),
        ("ContractAddress", json!("alice"), "expected a decimal or 0x-prefixed hex number"),
        ("selector", json!("0x"), "not a selector"),
        ("u256", json!(5), "expected an object of type \"u256\""),
        ("uint", json!(5), "unsupported type \"uint\""),
        ("felt*", json!("0x1"), "expected an array"),
    ];
    for (r#type, value, reason) in cases {
        let message = error(&one(r#type, value.clone()));
        assert!(message.starts_with("message.x") && message.contains(reason), "{type} {value}: {message}");
    }
}

#[test]
fn values_starknet_js_mangles_are_refused() {
    // starknet.js encodes a tab as the single hex digit 9: 'a\tb' would hash as 0x61962.
    let message = error(&one("shortstring", json!("a\tb")));
    assert!(message.contains("U+0009"), "{message}");
    assert!(error(&one("string", json!("tab\there"))).contains("U+0009"));
    // JSON.parse would round 2^53 + 1 to 2^53.
    let message = error(&one("u128", json!(9_007_199_254_740_993_u64)));
    assert!(message.contains("write it as a string"), "{message}");
    assert!(error(&one("felt", json!(1e300))).contains("write it as a string"));
    // starknet.js would hash the text "[]" as 0 and the number 5 as the name "5".
    assert!(error(&one("felt", json!([]))).contains("expected a number"));
    assert!(error(&one("selector", json!("0x800000000000011000000000000000000000000000000000000000000000001")))
        .contains("not a selector"));
}

#[test]
fn enum_errors() {
    let enum_doc = |value: Value| {
        doc(
            json!({
                "M": [{ "name": "x", "type": "enum", "contains": "E" }],
                "E": [{ "name": "A", "type": "()" }, { "name": "B", "type": "(felt,u128)" }]
            }),
            "M",
            json!({ "x": value }),
        )
    };
    assert_eq!(error(&enum_doc(json!({ "C": [] }))), "message.x: \"C\" is not a variant of \"E\" (variants: A, B)");
    assert_eq!(error(&enum_doc(json!({ "B": ["0x1"] }))), "message.x.B[1]: missing (a \"u128\" value)");
    assert!(error(&enum_doc(json!({ "A": [], "B": [] }))).starts_with("message.x: expected one variant of \"E\""));
    assert!(error(&enum_doc(json!({ "B": "0x1" }))).starts_with("message.x.B: expected an array"));
    assert!(error(&enum_doc(json!(null))).starts_with("message.x: expected one variant"));
    assert_eq!(hash(&enum_doc(json!({ "A": null }))), hash(&enum_doc(json!({ "A": [] }))));
    assert_eq!(
        hash(&enum_doc(json!({ "B": [1, 2, 3] }))),
        hash(&enum_doc(json!({ "B": [1, 2] }))),
        "extra values are not hashed"
    );
}

#[test]
fn type_errors() {
    let recursive = doc(json!({ "Node": [{ "name": "next", "type": "Node*" }] }), "Node", json!({ "next": [] }));
    assert_eq!(error(&recursive), "types.Node: recursive types cannot be hashed");
    let preset = doc(json!({ "u256": [{ "name": "low", "type": "felt" }] }), "u256", json!({ "low": 1 }));
    assert_eq!(error(&preset), "types.u256: a preset type of revision 1 cannot be redefined");
    let unknown = doc(json!({ "M": [] }), "Mail", json!({}));
    assert_eq!(error(&unknown), "primaryType: \"Mail\" is not a defined type");
    let bad_member = doc(json!({ "M": [{ "name": "x" }] }), "M", json!({}));
    assert!(error(&bad_member).starts_with("types.M[0]: expected"));
    let tree_of_arrays = doc(
        json!({ "M": [{ "name": "x", "type": "merkletree", "contains": "felt*" }] }),
        "M",
        json!({ "x": [["0x1"]] }),
    );
    assert!(error(&tree_of_arrays).contains("cannot be an array"));
    assert!(encode_type(&json!({}), "Nope").is_err());
}

#[test]
fn only_revision_1_is_supported() {
    let mut legacy = one("felt", json!(1));
    legacy["types"]["StarkNetDomain"] = legacy["types"]["StarknetDomain"].clone();
    legacy["types"].as_object_mut().expect("an object").remove("StarknetDomain");
    legacy["domain"].as_object_mut().expect("an object").remove("revision");
    assert_eq!(message_hash(&legacy, ACCOUNT), Err(TypedDataError::LegacyRevision));
    legacy["domain"]["revision"] = json!("0");
    assert_eq!(message_hash(&legacy, ACCOUNT), Err(TypedDataError::LegacyRevision));

    let mut future = one("felt", json!(1));
    future["domain"]["revision"] = json!("2");
    assert_eq!(message_hash(&future, ACCOUNT), Err(TypedDataError::UnsupportedRevision("\"2\"".into())));

    let mut numeric = one("felt", json!(1));
    let expected = hash(&numeric);
    numeric["domain"]["revision"] = json!(1);
    assert_eq!(hash(&numeric), expected, "the revision may be the number 1");
}

#[test]
fn extra_data_members_are_not_hashed() {
    assert_eq!(hash(&one("felt", json!(1))), {
        let mut td = one("felt", json!(1));
        td["message"]["ignored"] = json!("anything");
        hash(&td)
    });
}
