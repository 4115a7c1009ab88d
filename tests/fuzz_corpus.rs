//! The fuzz targets of `fuzz/` (#13 item 4), from the workspace's test command:
//!
//! - `corpus_replays`: every file of `fuzz/corpus/<target>/` through its target, on stable (what
//!   the fuzzer once found stays checked);
//! - `seeds_are_current`: the corpus's seed files are what the SDK writes today (a session file,
//!   a request, both kinds of token, the typed-data cross-check corpus);
//!   `SK_UPDATE_FUZZ_SEEDS=1` rewrites them;
//! - `bounded_fuzz_run`: each target under libFuzzer for `SK_FUZZ_SECONDS` (default 10), with
//!   the nightly toolchain and cargo-fuzz (installed into `~/.cache/sk/cargo-fuzz` on first use
//!   if not on the PATH). Without nightly it says so and runs nothing. New inputs go to a
//!   temporary folder, not the repository; a finding fails the test with its input in hex.
#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::PathBuf;
use std::process::Command;

use sk_session::{ArgumentRule, Operator, SessionMessageToken, SessionRequest, SessionToken, SignedSession};
use starknet::core::types::{Call, Felt};
use starknet::macros::selector;
use starknet::signers::SigningKey;

/// A fuzz target: its name and what it runs on an input.
type Target = (&'static str, fn(&[u8]));

/// The targets.
const TARGETS: [Target; 4] = [
    ("session_file", targets::session_file),
    ("request_file", targets::request_file),
    ("signature", targets::signature),
    ("typed_data", targets::typed_data),
];

fn fuzz_dir() -> PathBuf {
    sk_tests::repo_root().join("fuzz")
}

fn corpus(target: &str) -> PathBuf {
    fuzz_dir().join("corpus").join(target)
}

#[test]
fn corpus_replays() {
    for (target, run) in TARGETS {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(corpus(target)).unwrap().map(|entry| entry.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty(), "fuzz/corpus/{target} is empty");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            if std::panic::catch_unwind(|| run(&data)).is_err() {
                panic!("{target} fails on {}", file.display());
            }
        }
    }
}

/// Typed data of a game's move: the kind of message a session may sign.
fn game_move() -> serde_json::Value {
    serde_json::json!({
        "types": {
            "StarknetDomain": [
                { "name": "name", "type": "shortstring" },
                { "name": "version", "type": "shortstring" },
                { "name": "chainId", "type": "shortstring" },
                { "name": "revision", "type": "shortstring" }
            ],
            "Move": [{ "name": "square", "type": "felt" }]
        },
        "primaryType": "Move",
        "domain": { "name": "Chess", "version": "1", "chainId": "0x534e", "revision": "1" },
        "message": { "square": "12" }
    })
}

/// A session with everything a session can carry: rules, a periodic spending limit, messages.
fn signed_session() -> SignedSession {
    let token = Felt::from_hex_unchecked("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
    SessionRequest::builder(session_key().verifying_key().scalar())
        .valid_after(1_700_000_000)
        .valid_until(1_700_086_400)
        .max_fee(10u128.pow(17))
        .fee_budget(10u128.pow(18))
        .max_transactions(100)
        .epoch(Felt::TWO)
        .periodic_spending_limit(token, 5000u32, 1000u32, 3600)
        .allow_with_rules(token, "transfer", [ArgumentRule::felt(0, Operator::Eq, [Felt::from(0xb0bu32)])])
        .allow(token, "approve")
        .allow_messages_like(&game_move())
        .build()
        .unwrap()
        .sign(Felt::from(0xacc0u32), Felt::from(0x534eu32), &SigningKey::from_secret_scalar(Felt::ONE))
        .unwrap()
}

fn session_key() -> SigningKey {
    SigningKey::from_secret_scalar(Felt::from(0x5e55u32))
}

/// The seed files, by target and name: what the SDK writes for [`signed_session`].
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let session = signed_session();
    let token_address = session.session().spending_limits[0].token;
    let calls = [Call {
        to: token_address,
        selector: selector!("transfer"),
        calldata: vec![Felt::from(0xb0bu32), Felt::from(7u8), Felt::ZERO],
    }];
    let felts = session.sign_transaction(&session_key(), Felt::from(0x7a5u32), &calls).unwrap();
    let short = SessionToken::from_felts(&felts).unwrap().short().to_felts();
    let (_, message_token) = session.sign_message(&session_key(), &game_move()).unwrap();
    assert!(SessionMessageToken::from_felts(&message_token).is_ok());
    let mut seeds = vec![
        ("session_file", "seed-session".to_string(), session.to_json().into_bytes()),
        ("request_file", "seed-request".to_string(), serde_json::to_vec_pretty(session.request()).unwrap()),
        ("signature", "seed-session-token".to_string(), targets::felt_bytes(&felts)),
        ("signature", "seed-short-token".to_string(), targets::felt_bytes(&short)),
        ("signature", "seed-message-token".to_string(), targets::felt_bytes(&message_token)),
    ];
    let typed_data = sk_tests::repo_root().join("tests/typed-data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&typed_data)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    for file in files {
        let name = format!("seed-{}", file.file_stem().unwrap().to_string_lossy());
        seeds.push(("typed_data", name, std::fs::read(&file).unwrap()));
    }
    seeds
}

#[test]
fn seeds_are_current() {
    let update = std::env::var_os("SK_UPDATE_FUZZ_SEEDS").is_some();
    for (target, name, content) in seeds() {
        let path = corpus(target).join(&name);
        if update {
            std::fs::create_dir_all(corpus(target)).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else {
            let stored = std::fs::read(&path).unwrap_or_default();
            assert!(stored == content, "{} is stale: rerun with SK_UPDATE_FUZZ_SEEDS=1", path.display());
        }
    }
}

/// `command` without the clippy wrapper `.ci/run` builds the workspace with: cargo-fuzz's nightly
/// build (and cargo-fuzz's own install) must use plain rustc.
fn without_ci_lints(command: &mut Command) -> &mut Command {
    command.env_remove("RUSTC_WORKSPACE_WRAPPER").env_remove("CLIPPY_ARGS")
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|output| output.status.success())
}

/// The `cargo-fuzz` to run: on the PATH, or installed (pinned) into the cache folder.
fn cargo_fuzz() -> PathBuf {
    let on_path = PathBuf::from("cargo-fuzz");
    if succeeds(Command::new(&on_path).arg("--version")) {
        return on_path;
    }
    let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
    let root = home.join(".cache/sk/cargo-fuzz");
    let installed = root.join("bin/cargo-fuzz");
    if !succeeds(Command::new(&installed).arg("--version")) {
        eprintln!("installing cargo-fuzz 0.13.2 into {}", root.display());
        let status = without_ci_lints(&mut Command::new("cargo"))
            .args(["install", "cargo-fuzz", "--version", "0.13.2", "--locked", "--root"])
            .arg(&root)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo install cargo-fuzz failed");
    }
    installed
}

#[test]
fn bounded_fuzz_run() {
    if !succeeds(Command::new("cargo").args(["+nightly", "--version"])) {
        eprintln!("bounded_fuzz_run: no nightly toolchain (`rustup toolchain install nightly`); not fuzzing");
        return;
    }
    let seconds: u64 = std::env::var("SK_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let cargo_fuzz = cargo_fuzz();
    // The fuzz build shares the workspace's target folder, under `fuzz/`, so reruns are warm.
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| sk_tests::repo_root().join("target"), PathBuf::from)
        .join("fuzz");
    for (target, _) in TARGETS {
        let scratch = tempfile::tempdir().unwrap();
        let (found, artifacts) = (scratch.path().join("corpus"), scratch.path().join("artifacts"));
        std::fs::create_dir_all(&found).unwrap();
        std::fs::create_dir_all(&artifacts).unwrap();
        let output = without_ci_lints(&mut Command::new(&cargo_fuzz))
            .current_dir(sk_tests::repo_root())
            // cargo-fuzz runs as `cargo fuzz`: its first argument is its own name.
            .args(["fuzz", "run", "--fuzz-dir"])
            .arg(fuzz_dir())
            .arg("--target-dir")
            .arg(&target_dir)
            .arg(target)
            .arg(&found)
            .arg(corpus(target))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .env("RUSTUP_TOOLCHAIN", "nightly")
            .output()
            .expect("cargo-fuzz runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            let findings: Vec<String> = std::fs::read_dir(&artifacts)
                .unwrap()
                .map(|entry| {
                    let path = entry.unwrap().path();
                    let bytes = std::fs::read(&path).unwrap();
                    format!("{}: {}", path.display(), bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
                })
                .collect();
            let tail: String =
                stderr.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
            panic!("fuzz target {target} failed; inputs (hex): {findings:?}\n{tail}");
        }
        let runs = stderr.lines().rev().find(|line| line.starts_with("Done ")).unwrap_or("(no summary)");
        eprintln!("fuzz {target}: {runs}");
    }
}
