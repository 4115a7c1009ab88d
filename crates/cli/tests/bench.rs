//! `sk bench --smoke`: every path of the benchmark once with tiny sizes, as CI runs it. Checks
//! that every row was measured (no transaction rejected) and the three files are written; it
//! asserts nothing about speed.
use std::process::Command;

use serde_json::Value;

fn sk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sk")).args(args).env_remove("STARKNET_RPC").output().expect("sk runs")
}

const ROWS: [&str; 27] = [
    "ours · owner",
    "ours · session 1 · first use",
    "ours · session 1 · later use",
    "ours · session 3 · first use",
    "ours · session 3 · later use",
    "ours · 1 argument rule · first use",
    "ours · 1 argument rule · later use",
    "ours · 4 argument rules · first use",
    "ours · 4 argument rules · later use",
    "ours · spending limit · first use",
    "ours · spending limit · later use",
    "ours · 2 spending limits · first use",
    "ours · 2 spending limits · later use",
    "ours · all limits · first use",
    "ours · all limits · later use",
    "ours · registered session · first use",
    "ours · session 1, relayed · first use",
    "ours · session 1, relayed · later use",
    "Argent 0.4.0 · owner",
    "Argent 0.4.0 · owner + guardian",
    "Argent 0.4.0 · session 1 · first use",
    "Argent 0.4.0 · session 1 · later use",
    "Argent 0.4.0 · session 3 · first use",
    "Argent 0.4.0 · session 3 · later use",
    "Argent 0.4.0 · session 1, caching · first use",
    "Argent 0.4.0 · session 1, cached · later use",
    "Argent 0.4.0 · session 1, cached, authorization omitted · later use",
];

#[test]
fn smoke_run_measures_every_path_and_writes_the_results() {
    let out = tempfile::tempdir().unwrap();
    let output = sk(&["bench", "--smoke", "--out", out.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("## On-chain") && stdout.contains("## Off-chain"), "{stdout}");

    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(out.path().join(name)).unwrap()).unwrap()
    };
    let onchain = read("onchain.json");
    let rows = onchain["onchain"]["rows"].as_array().unwrap();
    let labels: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ROWS);
    for row in rows {
        for field in
            ["l2_gas", "l2_gas_starknet", "l1_data_gas", "fee_starknet", "steps", "validate_steps", "execute_steps"]
        {
            assert!(row[field].as_u64().unwrap() > 0, "{} has no {field}", row["label"]);
        }
        assert!(row["builtins"]["range_check"].as_u64().unwrap() > 0, "{}", row["label"]);
    }
    let session_row = |label: &str| rows.iter().find(|r| r["label"] == label).unwrap();
    let ec_op = |label: &str| session_row(label)["builtins"]["ec_op"].as_u64().expect("ec_op counted");
    assert_eq!(ec_op("ours · session 1 · first use"), 6, "we check two signatures on a session's first use");
    assert_eq!(ec_op("ours · session 1 · later use"), 3, "one once the account recorded the authorization");
    assert_eq!(ec_op("ours · registered session · first use"), 3, "a registered session is short from the first");
    assert_eq!(ec_op("Argent 0.4.0 · session 1 · later use"), 12, "Argent checks four");
    assert_eq!(ec_op("Argent 0.4.0 · session 1, cached · later use"), 6, "two once the authorization is cached");
    assert!(
        session_row("ours · session 3 · later use")["signature_felts"].as_u64()
            > session_row("ours · session 1 · later use")["signature_felts"].as_u64(),
        "a bigger session carries a longer proof"
    );
    assert_eq!(onchain["onchain"]["argent_version"], "0.4.0");

    let offchain = read("offchain.json");
    let names: Vec<&str> =
        offchain["offchain"]["timings"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "sk-session (ours)",
            "starknet-session-keys (ours, TypeScript)",
            "starknet-rs SingleOwnerAccount (floor)",
            "sk-session::argent",
            "@argent/x-sessions"
        ]
    );
    for timing in offchain["offchain"]["timings"].as_array().unwrap() {
        assert_eq!(timing["sign_us"].as_array().unwrap().len(), 3, "{}", timing["name"]);
        let builds = if timing["name"] == "starknet-rs SingleOwnerAccount (floor)" { 0 } else { 1 };
        assert_eq!(timing["build_ms"].as_array().unwrap().len(), builds, "{}", timing["name"]);
    }
    assert_eq!(offchain["offchain"]["x_sessions"], "9.0.4");
    assert_eq!(offchain["offchain"]["starknet_js"], "8.5.2");
    let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
    assert!(report.contains("Argent 0.4.0 · session 1 · later use"), "{report}");
    assert!(report.contains("## Sessions by size"), "{report}");
    // Format 4's four goals have their line, met or not.
    let goals = report.split("## Goals of session format 4").nth(1).expect("the goals table");
    for label in ["ours · session 1 · later use", "ours · spending limit · later use"] {
        assert!(goals.contains(&format!("fee: {label} ÷ Argent 0.4.0 · session 1 · later use")), "{goals}");
    }
    assert!(goals.contains("fee: ours · session 1 · later use ÷ ours · owner"), "{goals}");
    assert!(goals.contains("signing one transaction: sk-session (ours) ÷ starknet-rs"), "{goals}");
    assert!(
        goals.contains(
            "signing one transaction in Node.js: starknet-session-keys (ours, TypeScript) ÷ @argent/x-sessions"
        ),
        "{goals}"
    );
    // The relayed transfer beside the session's own, paid by the relayer.
    let relayed = report.split("## Relayed (SNIP-9 outside execution)").nth(1).expect("the relayed table");
    assert!(relayed.contains("ours · session 1, relayed · later use (paid by the relayer)"), "{relayed}");
    assert_eq!(
        ec_op("ours · session 1, relayed · first use"),
        9,
        "the relayer's signature, the owner's and the session key's"
    );
    for timing in offchain["offchain"]["timings"].as_array().unwrap() {
        assert!(timing["client_median_us"].as_f64().unwrap() > 0.0, "{}", timing["name"]);
    }
}

#[test]
fn bad_sizes_are_refused_before_anything_runs() {
    for flag in ["--policies", "--transactions", "--xsessions-transactions"] {
        let output = sk(&["bench", flag, "0"]);
        assert!(!output.status.success(), "{flag} 0");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("{flag} must be at least 1")), "{stderr}");
        assert!(!stderr.contains("starting a devnet"), "{stderr}");
    }
    let output = sk(&["bench", "--policies", "many"]);
    assert_eq!(output.status.code(), Some(2), "a malformed number is a command-line error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid value 'many'"));
}

#[test]
fn an_output_folder_that_cannot_be_made_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = file.join("results");
    let output = sk(&["bench", "--smoke", "--out", out.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(out.to_str().unwrap()) && !stderr.contains("starting a devnet"), "{stderr}");
}

/// `sk bench --load --smoke`: the load run's small version, as CI runs it (its figures mean
/// nothing here; the run fails if any transaction does or a nonce goes astray).
#[test]
fn load_smoke_run_sends_every_transaction_and_writes_the_figures() {
    let out = tempfile::tempdir().unwrap();
    let output = sk(&["bench", "--load", "--smoke", "--sequential", "12", "--out", out.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("## Load") && stdout.contains("| sequential | 12 | 0 |"), "{stdout}");
    assert!(stdout.contains("| concurrent | 10 | 0 |"), "{stdout}");
    let load: Value = serde_json::from_str(&std::fs::read_to_string(out.path().join("load.json")).unwrap()).unwrap();
    let phases = load["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 2);
    for phase in phases {
        assert_eq!(phase["failures"], 0);
        for p in ["p50", "p90", "p99", "max"] {
            assert!(phase["latency_ms"][p].as_f64().unwrap() > 0.0, "{phase}");
        }
        assert!(phase["per_second"].as_f64().unwrap() > 0.0, "{phase}");
    }
    let nonces = load["nonces"].as_array().unwrap();
    assert_eq!(nonces[1].as_u64().unwrap() - nonces[0].as_u64().unwrap(), 22);
    assert!(out.path().join("load.md").is_file());

    // The comparison's sizes are not the load run's.
    let output = sk(&["bench", "--load", "--policies", "3"]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    let output = sk(&["bench", "--sequential", "3"]);
    assert_eq!(output.status.code(), Some(2), "--sequential needs --load");
    let output = sk(&["bench", "--load", "--sequential", "0", "--concurrent", "0"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("send nothing"), "{:?}", output);
}
