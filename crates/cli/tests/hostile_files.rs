//! Hostile files on every input path of `sk` (issue #23): request files a dApp crafts for the owner
//! to sign, edited session files, key files, message files and typed data. Each must end in a
//! specific error and exit code 1 (never a panic's 101), print nothing that acts on a terminal,
//! and write nothing; or, where a file is honest but tricky, be shown truthfully.
//!
//! Everything here runs offline (no node), except `execute`, which reads its files before it
//! reaches for the node at a closed port.
use serde_json::{json, Value};
use starknet::core::utils::starknet_keccak;

mod support;

use support::{Out, Sk};

/// An offline session (`session.json`, `session.key`, `owner.key`, `request.json`) for account
/// 0x123 on SN_SEPOLIA, and the request as JSON to alter.
async fn setup() -> (Sk, Value) {
    let sk = Sk::new();
    sk.offline_session().await;
    let request: Value = serde_json::from_str(&sk.read("request.json")).unwrap();
    (sk, request)
}

/// `request` with `edit` applied, written to `name`.
fn altered(sk: &Sk, request: &Value, name: &str, edit: impl FnOnce(&mut Value)) {
    let mut file = request.clone();
    edit(&mut file);
    sk.write(name, &serde_json::to_string_pretty(&file).unwrap());
}

/// Asserts a failure of exit code 1 with `needle`, clean output, no panic, and no file `never`.
fn refused(out: &Out, needle: &str, sk: &Sk) {
    out.clean();
    out.fails(1, needle);
    assert!(out.stderr.starts_with("Error: "), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(!sk.path("never.json").exists(), "a file was written for a refused input");
}

fn sign(file: &str) -> Vec<String> {
    ["session", "sign", file, "--owner-key", "owner.key", "--out", "never.json", "--yes"].map(String::from).to_vec()
}

fn inspect(file: &str) -> Vec<String> {
    ["session", "inspect", file].map(String::from).to_vec()
}

async fn run(sk: &Sk, args: &[String]) -> Out {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sk.run(&args).await
}

/// Item 1: the policy named `"transfer\r"` and 300 blanks, with the selector of that untrimmed
/// name, which erased its line from the summary, is refused by every command that reads it, with
/// the name shown escaped.
#[tokio::test(flavor = "multi_thread")]
async fn a_policy_hidden_by_a_carriage_return_is_refused() {
    let (sk, request) = setup().await;
    let hidden = format!("transfer\r{}", " ".repeat(300));
    let selector = format!("{:#x}", starknet_keccak(hidden.as_bytes()));
    altered(&sk, &request, "hidden.json", |file| {
        file["request"]["policies"].as_array_mut().unwrap().push(json!({
            "contract": "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7",
            "selector": selector, "name": hidden,
        }));
    });
    for args in [sign("hidden.json"), inspect("hidden.json")] {
        let out = run(&sk, &args).await;
        refused(&out, "at `request`: `transfer\\r      ", &sk);
        assert!(out.stderr.contains("is not an entry point name"), "{}", out.stderr);
    }
    // The same policy in a session file (signed by whoever): refused too.
    let mut session: Value = serde_json::from_str(&sk.read("session.json")).unwrap();
    session["policies"][0]["name"] = Value::String("transfer\r   ".into());
    sk.write("hidden-session.json", &session.to_string());
    let out = run(&sk, &inspect("hidden-session.json")).await;
    refused(&out, "is not an entry point name", &sk);
}

/// Item 5: a name written as hex signed that hex, not the file's selector; it is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_name_written_as_hex_is_refused() {
    let (sk, request) = setup().await;
    let name = "0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad";
    altered(&sk, &request, "hex-name.json", |file| {
        file["request"]["policies"][0]["name"] = name.into();
        file["request"]["policies"][0]["selector"] = format!("{:#x}", starknet_keccak(name.as_bytes())).into();
    });
    refused(&run(&sk, &sign("hex-name.json")).await, "is not an entry point name", &sk);
}

/// Item 4: the account's own message domains written in hex passed the SDK's refusal.
#[tokio::test(flavor = "multi_thread")]
async fn the_accounts_own_domains_are_refused_in_hex() {
    let (sk, request) = setup().await;
    for (name, domain) in [
        ("session-domain.json", "0x53657373696f6e4b6579732e73657373696f6e"),
        ("outside-domain.json", "0x4163636f756e742e657865637574655f66726f6d5f6f757473696465"),
    ] {
        altered(&sk, &request, name, |file| {
            file["request"]["messages"] =
                json!([{ "domain_name": domain, "domain_version": "1", "type": "\"Move\"()" }]);
        });
        refused(&run(&sk, &sign(name)).await, "a session may not sign messages of the domain", &sk);
    }
}

/// Item 7: escape sequences in a file reached the terminal raw (an unknown field named `ESC[2J…`
/// cleared the screen and printed a fake success).
#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_in_files_are_shown_escaped() {
    let (sk, request) = setup().await;
    let fake = "\u{1b}[2J\u{1b}[Hsession file written\r\n\u{202e}";
    altered(&sk, &request, "escape-field.json", |file| file["request"][fake] = 1.into());
    altered(&sk, &request, "escape-operator.json", |file| {
        file["request"]["policies"][0]["rules"] = json!([{ "word": 0, "operator": fake, "values": ["0x1"] }]);
    });
    altered(&sk, &request, "escape-domain.json", |file| {
        file["request"]["messages"] =
            json!([{ "domain_name": "\u{1b}[2J", "domain_version": "\r", "type": "\"Move\"()" }]);
    });
    for (name, needle) in [
        ("escape-field.json", "unknown field `\\u{1b}[2J\\u{1b}[Hsession file written\\r\\n\\u{202e}`"),
        ("escape-operator.json", "`\\u{1b}[2J\\u{1b}[Hsession file written\\r\\n\\u{202e}` is not an operator"),
    ] {
        for args in [sign(name), inspect(name)] {
            refused(&run(&sk, &args).await, needle, &sk);
        }
    }
    // Short strings with control characters hash, so the file is honest; they are shown escaped.
    let out = run(&sk, &inspect("escape-domain.json")).await;
    out.clean();
    assert!(out.ok().contains("messages of the domain \"\\u{1b}[2J\" version \"\\r\""), "{}", out.stdout);
}

/// Item 8: a key file holding the curve order panicked `sign` and `execute` (exit 101).
#[tokio::test(flavor = "multi_thread")]
async fn a_key_of_the_curve_order_is_refused_everywhere() {
    let (sk, _) = setup().await;
    sk.write("order.key", &format!("{:#066x}\n", sk_session::CURVE_ORDER));
    sk.chmod("order.key", 0o600);
    let runs: [&[&str]; 4] = [
        &["session", "sign", "request.json", "--owner-key", "order.key", "--out", "never.json", "--yes"],
        &[
            "session",
            "execute",
            "session.json",
            "--key",
            "order.key",
            "--call",
            "STRK:transfer:0x1,1,0",
            "--rpc",
            "http://127.0.0.1:9",
        ],
        &["session", "sign-message", "session.json", "--session", "session.json", "--key", "order.key"],
        &["account", "deploy", "--key", "order.key", "--rpc", "http://127.0.0.1:9"],
    ];
    for args in runs {
        refused(&sk.run(args).await, "holds no usable key", &sk);
    }
}

/// Item 10: number errors named neither the field nor the cause, and P was read as 0.
#[tokio::test(flavor = "multi_thread")]
async fn number_errors_name_the_field_and_the_cause() {
    let (sk, request) = setup().await;
    let p = "0x800000000000011000000000000000000000000000000000000000000000001";
    let cases: [(&str, &str, Value, &str); 5] = [
        ("p.json", "/request/policies/0/contract", p.into(), "at `request.policies[0].contract`: `0x8000"),
        ("decimal.json", "/request/session_key", "1".repeat(64).into(), "is not a felt: it is not 0x-prefixed hex"),
        ("fee.json", "/request/max_fee", "1e18".into(), "`e` at position 2 is not a decimal digit"),
        ("account.json", "/account", p.into(), "at `account`: `0x8000"),
        ("window.json", "/request/valid_until", (-1).into(), "at `request.valid_until`: invalid value: integer `-1`"),
    ];
    for (name, pointer, value, needle) in cases {
        altered(&sk, &request, name, |file| *file.pointer_mut(pointer).unwrap() = value);
        refused(&run(&sk, &sign(name)).await, needle, &sk);
    }
    let err = run(&sk, &sign("p.json")).await;
    assert!(err.stderr.contains("not below the field prime"), "{}", err.stderr);
}

/// Item 9: 100,000 spending limits took 27 s to check (every pair compared); a request with that
/// many is read, and one with a token twice is refused, naming it.
#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_thousand_spending_limits_are_read() {
    let (sk, request) = setup().await;
    let limits: Vec<Value> = (1..=100_000u32)
        .map(|i| json!({ "token": format!("{:#x}", 0x10_0000 + i), "total": "5", "per_period": "5", "period": 0 }))
        .collect();
    let mut twice = limits.clone();
    twice.push(limits[99_999].clone());
    altered(&sk, &request, "many.json", |file| file["request"]["spending_limits"] = Value::Array(limits));
    altered(&sk, &request, "twice.json", |file| file["request"]["spending_limits"] = Value::Array(twice));
    let report = sk.run(&["session", "inspect", "many.json", "--json"]).await.json();
    assert_eq!(report["file"], "request");
    refused(&run(&sk, &sign("twice.json")).await, "has more than one spending limit", &sk);
}

/// Item 11: `session new` wrote the key before the request, so a request that failed left an
/// orphan key that blocked a retry; and `--out` onto a dangling link wrote through it.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_new_leaves_nothing_and_links_are_not_written_through() {
    let sk = Sk::new();
    #[rustfmt::skip]
    let new = |out: &'static str| [
        "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
        "--valid-for", "1h", "--key-out", "s.key", "--out", out,
    ];
    refused(&sk.run(&new("missing/dir/request.json")).await, "cannot write missing/dir/request.json", &sk);
    assert!(!sk.path("s.key").exists(), "no orphan key");
    std::os::unix::fs::symlink(sk.path("elsewhere.json"), sk.path("link.json")).unwrap();
    refused(&sk.run(&new("link.json")).await, "link.json exists already; pass --force", &sk);
    assert!(!sk.path("s.key").exists() && !sk.path("elsewhere.json").exists());
    sk.run(&new("request.json")).await.ok();
    assert!(sk.path("s.key").exists() && sk.path("request.json").exists(), "the retry works");
    let out = sk.run(&["session", "sign", "request.json", "--owner-key", "s.key", "--out", "link.json", "--yes"]).await;
    refused(&out, "link.json exists already; pass --force", &sk);
    assert!(!sk.path("elsewhere.json").exists(), "nothing written through the link");
}

/// Items 3 and 12: an `uncounted` policy beside a spending limit, and rule amounts, are shown in
/// words: the policy with a warning, amounts of STRK in STRK with their base units beside them.
#[tokio::test(flavor = "multi_thread")]
async fn uncounted_policies_and_rule_amounts_are_shown_in_words() {
    let sk = Sk::new();
    sk.run(&["account", "new-key", "--out", "owner.key"]).await.ok();
    #[rustfmt::skip]
    let new = [
        "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
        "--policy", "STRK:approve", "--valid-for", "1h", "--spending-limit", "STRK:1",
        "--rule", "STRK:transfer:1:u256:LE:0.001", "--key-out", "s.key", "--out", "request.json",
    ];
    sk.run(&new).await.ok();
    let mut request: Value = serde_json::from_str(&sk.read("request.json")).unwrap();
    for name in ["burn", "lock_and_delegate"] {
        request["request"]["policies"].as_array_mut().unwrap().push(json!({
            "contract": "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d",
            "selector": format!("{:#x}", starknet::core::utils::get_selector_from_name(name).unwrap()),
            "name": name, "uncounted": true,
        }));
    }
    sk.write("uncounted.json", &request.to_string());
    let out = sk.run(&["session", "sign", "uncounted.json", "--owner-key", "owner.key", "--out", "s.json"]).await;
    out.clean();
    out.fails(1, "pass --yes to sign");
    for shown in [
        "calls         4 kinds of call the session may make",
        "WARNING: not counted by the spending limit of this token: `burn` calls",
        "WARNING: not counted by the spending limit of this token: `lock_and_delegate` calls",
        "word 1 (u256) <= 0.001 STRK (1000000000000000 base units)",
        "at most 1 STRK (1000000000000000000 base units) in all",
    ] {
        assert!(out.stderr.contains(shown), "`{shown}` not in:\n{}", out.stderr);
    }
    let inspected = sk.run(&["session", "inspect", "uncounted.json"]).await;
    assert!(inspected.ok().contains("WARNING: not counted"), "{}", inspected.stdout);
    let report = sk.run(&["session", "inspect", "uncounted.json", "--json"]).await.json();
    let uncounted = report["policies"].as_array().unwrap().iter().filter(|p| p["uncounted"] == true).count();
    assert_eq!(uncounted, 2, "{report}");
}

/// Beyond the twelve: files that are not what they claim, on each command that reads a file.
#[tokio::test(flavor = "multi_thread")]
async fn malformed_files_on_every_input_path() {
    let (sk, request) = setup().await;
    std::fs::write(sk.path("binary.json"), [0xff, 0xfe, 0x00, 0x1b]).unwrap();
    sk.write("empty.json", "");
    sk.write("deep.json", &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    std::fs::create_dir(sk.path("folder.json")).unwrap();
    altered(&sk, &request, "huge-window.json", |file| file["request"]["valid_until"] = json!(1e300));
    altered(&sk, &request, "float-version.json", |file| file["version"] = json!(3.5));
    let mut session: Value = serde_json::from_str(&sk.read("session.json")).unwrap();
    session["owner_signature"] = json!(["0x1", "0x2", "0x3"]);
    session["chain_id"] = "0x800000000000011000000000000000000000000000000000000000000000001".into();
    sk.write("prime-chain.json", &session.to_string());
    let typed = json!({
        "types": {
            "StarknetDomain": sk_session::typed_data::starknet_domain_type(),
            "\u{1b}[2J": [{ "name": "a", "type": "\u{1b}[H" }]
        },
        "primaryType": "\u{1b}[2J",
        "domain": { "name": "x", "version": "1", "chainId": "SN_SEPOLIA", "revision": "1" },
        "message": { "a": 1 }
    });
    sk.write("typed.json", &typed.to_string());
    sk.write("two-keys.key", "0x1\n0x2\n");
    sk.chmod("two-keys.key", 0o600);

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["session", "sign", "binary.json", "--owner-key", "owner.key", "--out", "never.json", "--yes"],
            "cannot read binary.json",
        ),
        (
            vec!["session", "sign", "empty.json", "--owner-key", "owner.key", "--out", "never.json", "--yes"],
            "empty.json is not JSON",
        ),
        (
            vec!["session", "sign", "deep.json", "--owner-key", "owner.key", "--out", "never.json", "--yes"],
            "recursion limit exceeded",
        ),
        (
            vec!["session", "sign", "folder.json", "--owner-key", "owner.key", "--out", "never.json", "--yes"],
            "cannot read folder.json",
        ),
        (
            vec!["session", "sign", "huge-window.json", "--owner-key", "owner.key", "--out", "never.json", "--yes"],
            "at `request.valid_until`",
        ),
        (
            vec!["session", "sign", "float-version.json", "--owner-key", "owner.key", "--out", "never.json", "--yes"],
            "at `version`",
        ),
        (
            vec!["session", "sign", "request.json", "--owner-key", "two-keys.key", "--out", "never.json", "--yes"],
            "more than one line",
        ),
        (
            vec!["session", "sign", "request.json", "--owner-key", "missing.key", "--out", "never.json", "--yes"],
            "cannot read the key file missing.key",
        ),
        (vec!["session", "inspect", "binary.json"], "cannot read binary.json"),
        (vec!["session", "inspect", "deep.json"], "recursion limit exceeded"),
        (vec!["session", "inspect", "prime-chain.json"], "at `chain_id`: `0x8000"),
        (
            vec!["session", "revoke", "prime-chain.json", "--owner-key", "owner.key", "--rpc", "http://127.0.0.1:9"],
            "at `chain_id`",
        ),
        (
            vec!["session", "register", "binary.json", "--owner-key", "owner.key", "--rpc", "http://127.0.0.1:9"],
            "cannot read binary.json",
        ),
        (
            vec![
                "session",
                "execute",
                "deep.json",
                "--key",
                "session.key",
                "--call",
                "STRK:transfer:0x1,1,0",
                "--rpc",
                "http://127.0.0.1:9",
            ],
            "recursion limit exceeded",
        ),
        (
            vec!["session", "sign-message", "typed.json", "--session", "session.json", "--key", "session.key"],
            "unsupported type \"\\u{1b}[H\"",
        ),
        (
            vec!["session", "sign-message", "deep.json", "--session", "session.json", "--key", "session.key"],
            "recursion limit exceeded",
        ),
        (
            vec![
                "session",
                "new",
                "--account",
                "0x1",
                "--chain-id",
                "SN_SEPOLIA",
                "--policy",
                "STRK:transfer",
                "--valid-for",
                "1h",
                "--allow-messages-like",
                "typed.json",
                "--key-out",
                "k.key",
                "--out",
                "never.json",
            ],
            "unsupported type \"\\u{1b}[H\"",
        ),
        (vec!["typed-data", "hash", "typed.json", "--account", "0x1"], "unsupported type \"\\u{1b}[H\""),
        (vec!["typed-data", "hash", "binary.json", "--account", "0x1"], "cannot read binary.json"),
        (vec!["account", "deploy", "--key", "two-keys.key", "--rpc", "http://127.0.0.1:9"], "more than one line"),
    ];
    for (args, needle) in cases {
        let out = sk.run(&args).await;
        assert_ne!(out.code, Some(101), "{args:?} panicked:\n{}", out.stderr);
        refused(&out, needle, &sk);
    }
    assert!(!sk.path("k.key").exists(), "no key is left by a failed `new`");
}
