//! The `sk` binary as a user runs it.
use std::process::Command;

use serde_json::Value;

fn sk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sk")).args(args).env_remove("STARKNET_RPC").output().expect("sk runs")
}

fn check_demo_report(report: &Value) {
    let steps: Vec<(&str, &str)> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("declare", "ok"),
            ("deploy account", "ok"),
            ("owner transfer", "ok"),
            ("stranger transfer", "rejected"),
            ("is_valid_signature", "ok"),
            ("fee estimate", "ok"),
            ("session signed", "ok"),
            ("session transfer", "ok"),
            ("session approve", "ok"),
            ("session multicall", "ok"),
            ("relayed transfer", "ok"),
            ("session-signed message", "ok"),
            ("session transfer (1 policy)", "ok"),
            ("session transfer (later use)", "ok"),
            ("session transfer (16 policies)", "ok"),
            ("out-of-policy (SDK)", "rejected"),
            ("out-of-policy (forced)", "rejected"),
            ("spending limit (SDK)", "rejected"),
            ("spending limit (forced)", "rejected"),
            ("fee cap (SDK)", "rejected"),
            ("fee cap (forced)", "rejected"),
            ("session revoked", "ok"),
            ("revoked session", "rejected"),
            ("session logout", "ok"),
            ("logged-out session", "rejected"),
            ("expired session", "rejected"),
        ]
    );
    let step = |name: &str| report["steps"].as_array().unwrap().iter().find(|s| s["step"] == name).unwrap().clone();
    let transfer = step("owner transfer");
    assert!(transfer["transaction_hash"].as_str().unwrap().starts_with("0x"));
    assert!(transfer["l2_gas"].as_u64().unwrap() > 0);
    assert!(step("stranger transfer")["detail"].as_str().unwrap().contains("account/invalid-signature"));
    for name in ["session transfer", "session approve", "session multicall", "session revoked"] {
        assert!(step(name)["l2_gas"].as_u64().unwrap() > 0, "{name}");
    }
    let detail = |name: &str| step(name)["detail"].as_str().unwrap().to_string();
    assert!(detail("out-of-policy (SDK)").contains("is not allowed by the session's policies; nothing was sent"));
    assert!(detail("out-of-policy (forced)").contains("rejected by the node in validation"));
    assert!(detail("out-of-policy (forced)").contains("('session/invalid-proof')"));
    assert!(detail("revoked session").contains("('session/revoked')"));
    assert!(step("session logout")["l2_gas"].as_u64().unwrap() > 0);
    assert!(detail("logged-out session").contains("('session/revoked')"));
    assert!(detail("expired session").contains("the session has expired (it was valid until "));
    assert!(detail("expired session").contains("('session/expired')"));
    // The session's extra checks cost L2 gas, but not an order of magnitude, whoever meters it;
    // a later transaction less than a first one.
    let embedded = report["embedded_devnet"] == true;
    assert_eq!(report["l2_gas"]["metering"], if embedded { "starknet" } else { "node" });
    for gas in [&report["l2_gas"], &report["l2_gas_charged"]].into_iter().filter(|gas| !gas.is_null()) {
        check_gas_comparison(gas);
    }
    assert_eq!(report["l2_gas_charged"].is_null(), !embedded);
    if embedded {
        // Each compared transfer was profiled: Starknet's figure is beside devnet's.
        for name in ["owner transfer", "session transfer", "session transfer (later use)"] {
            assert!(step(name)["l2_gas_starknet"].as_u64().unwrap() > 0, "{name}");
        }
        assert_eq!(
            report["l2_gas"]["session_transfer_later_use"],
            step("session transfer (later use)")["l2_gas_starknet"]
        );
    }
    assert!(report["account"].as_str().unwrap().starts_with("0x"));
    assert!(report["session_hash"].as_str().unwrap().starts_with("0x"));
}

/// One metering's comparison of the same transfer: sessions cost more than the owner, not an
/// order of magnitude more; a longer proof more, a first use more than a later one, and a
/// spending limit more (its balance reads).
fn check_gas_comparison(gas: &Value) {
    let value = |name: &str| gas[name].as_u64().unwrap();
    let (owner, later) = (value("owner_transfer"), value("session_transfer_later_use"));
    let (one, sixteen) = (value("session_transfer_1_policy"), value("session_transfer_16_policies"));
    let limited = value("session_transfer");
    assert!(owner > 0 && owner < later && later < one && one < sixteen, "{gas}");
    assert!(one < limited && limited < 3 * owner, "{gas}");
}

#[test]
fn demo_on_an_embedded_devnet_prints_a_json_report() {
    let output = sk(&["demo", "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(report["embedded_devnet"], true);
    check_demo_report(&report);
}

#[test]
fn demo_in_text_shows_the_account_and_the_transfer() {
    let output = sk(&["demo"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("[ok      ] owner transfer"), "{text}");
    assert!(text.contains("[rejected] stranger transfer"), "{text}");
    assert!(text.contains("[rejected] out-of-policy (forced)"), "{text}");
    assert!(text.contains("[rejected] expired session"), "{text}");
    assert!(text.contains("L2 gas of a STRK transfer, as Starknet meters it"), "{text}");
    assert!(text.contains("session, any later transaction "), "{text}");
    assert!(text.contains("is deployed and working"), "{text}");
}

#[test]
fn demo_against_a_devnet_by_url() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let devnet = runtime.block_on(sk_devnet::Devnet::start()).unwrap();
    let output = sk(&["demo", "--json", "--rpc", devnet.url().as_str()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["embedded_devnet"], false);
    check_demo_report(&report);
    // A second run against the same node finds the class declared.
    let again = sk(&["demo", "--json", "--rpc", devnet.url().as_str()]);
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(report["steps"][0]["detail"].as_str().unwrap().contains("already declared"), "{report}");
    drop(devnet);
}

#[test]
fn demo_names_an_unreachable_node() {
    let output = sk(&["demo", "--rpc", "http://127.0.0.1:9/rpc"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("Error: cannot reach the node at http://127.0.0.1:9/rpc"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn funder_address_without_key_is_refused() {
    let output = sk(&["demo", "--rpc", "http://127.0.0.1:9/rpc", "--funder-address", "0x1"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--funder-key"), "{stderr}");
}

/// A node on 127.0.0.1 that answers `starknet_chainId` and refuses every other method, as a
/// Starknet node that is not a devnet would refuse `devnet_*`. Serves `requests` requests.
fn fake_node(requests: usize) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rpc", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let request: Value = serde_json::from_slice(&body).unwrap();
            let answer = if request["method"] == "starknet_chainId" {
                serde_json::json!({ "jsonrpc": "2.0", "id": request["id"], "result": "0x534e5f5345504f4c4941" })
            } else {
                serde_json::json!({ "jsonrpc": "2.0", "id": request["id"], "error": { "code": -32601, "message": "Method not found" } })
            };
            let answer = answer.to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
    });
    url
}

#[test]
fn demo_on_a_node_that_is_not_a_devnet_asks_for_a_funder() {
    let url = fake_node(2);
    let output = sk(&["demo", "--rpc", &url]);
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is not a devnet"), "{stderr}");
    assert!(stderr.contains("--funder-address and --funder-key"), "{stderr}");
}
