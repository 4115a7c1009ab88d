//! `sk dapp` and the example page in a real browser: the page (`packages/dapp`, built here with
//! its pinned packages) is served by `sk dapp` against its embedded devnet, and headless Chromium
//! (Debian's, installed with apt when missing and the tests run as root) clicks through it with
//! playwright-core: connect the development wallet, read the grant in words, approve once, tip
//! twice (a transaction, then gasless through `sk dapp`'s SNIP-29 paymaster), reload without a
//! new prompt, tip again, log out. Then the chain is asked what happened. The screenshot is kept
//! in the target folder (its path is printed).
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use starknet::core::types::{BlockId, BlockTag, Felt, FunctionCall};
use starknet::macros::selector;
use starknet::providers::jsonrpc::HttpTransport;
use starknet::providers::{JsonRpcClient, Provider, Url};

const STRK: Felt = Felt::from_hex_unchecked("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Debian's Chromium, installed with apt if it is missing and we may (root): a fresh machine has
/// none, and nothing can be downloaded but from the registries.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = PathBuf::from("/usr/bin/chromium");
    if path.exists() {
        return path;
    }
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "Chromium is not installed: `apt-get install chromium` (as root), or set CHROMIUM"
    );
    eprintln!("installing Chromium with apt-get (the browser test needs it)");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-q", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|status| status.success())
    };
    if !install() {
        let updated = Command::new("apt-get").args(["update", "-q"]).status().is_ok_and(|s| s.success());
        assert!(updated && install(), "`apt-get install chromium` failed");
    }
    path
}

/// `sk dapp` on a free port, killed when dropped.
struct Served {
    child: Child,
    started: Value,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dist: &Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sk"))
        .args(["dapp", "--port", "0", "--json", "--dir"])
        .arg(dist)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("sk runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line).expect("sk dapp prints");
    let started = serde_json::from_str(&line).unwrap_or_else(|e| panic!("sk dapp printed {line:?}: {e}"));
    Served { child, started }
}

async fn view(
    provider: &JsonRpcClient<HttpTransport>,
    contract: Felt,
    selector: Felt,
    calldata: Vec<Felt>,
) -> Vec<Felt> {
    let call = FunctionCall { contract_address: contract, entry_point_selector: selector, calldata };
    provider.call(call, BlockId::Tag(BlockTag::Latest)).await.expect("the view answers")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tip_jar_page_approves_once_tips_gaslessly_and_logs_out_in_a_real_browser() {
    let browser = chromium();
    let page = repo().join("packages/dapp");
    sk_tests::node::npm_ci(&page);
    let typecheck = sk_tests::node::run(&page, "npm", &["run", "typecheck"], None);
    sk_tests::node::check(&page, "npm run typecheck", &typecheck);
    let built = sk_tests::node::run(&page, "npm", &["run", "build"], None);
    sk_tests::node::check(&page, "npm run build", &built);
    eprintln!(
        "{}",
        String::from_utf8_lossy(&built.stdout).lines().filter(|l| l.contains("kB")).collect::<Vec<_>>().join("\n")
    );

    let served = serve(&page.join("dist"));
    let url = served.started["url"].as_str().expect("the page's URL").to_owned();
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tip-jar-page.png");
    let output = sk_tests::node::run_with_env(
        &page,
        "node",
        &["test/browser.mjs", &url, screenshot.to_str().expect("a UTF-8 path")],
        None,
        &[("CHROMIUM", browser.to_str().expect("a UTF-8 path"))],
    );
    sk_tests::node::check(&page, "node test/browser.mjs", &output);
    eprintln!("screenshot of the page: {}", screenshot.display());
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the browser test prints JSON");

    // What the page showed and did.
    let grant: Vec<&str> = seen["grant"].as_array().expect("the grant").iter().filter_map(Value::as_str).collect();
    assert!(grant.iter().any(|line| line.starts_with("May spend at most 0.05 STRK in all")), "{grant:?}");
    assert!(grant.iter().any(|line| line.starts_with("May call `tip` on ")), "{grant:?}");
    assert!(grant.iter().any(|line| line.starts_with("Fees: at most 0.05 STRK per transaction")), "{grant:?}");
    assert_eq!(seen["prompts"], 1, "one wallet prompt for the session, none for the tips");
    assert_eq!(seen["promptsAfterReload"], 0, "a reload keeps the session: no prompt");
    assert_eq!(seen["tipped"], "0.002 STRK");
    assert_eq!(seen["left"]["transactions"], "48", "the relayed tip counts as a use");
    assert_eq!(seen["left"]["to spend"], "0.048 STRK");
    assert_eq!(seen["storedAfterLogout"], 0, "logging out forgets the key");

    // What the chain says: three tips of 0.001 STRK from the account, and the session ended.
    let provider = JsonRpcClient::new(HttpTransport::new(
        Url::parse(served.started["rpc"].as_str().expect("the RPC URL")).expect("a URL"),
    ));
    let felt = |name: &str| Felt::from_hex(served.started[name].as_str().expect(name)).expect("a felt");
    let (account, jar) = (felt("account"), felt("tip_jar"));
    let tipped = view(&provider, jar, selector!("get_tipped"), vec![account, STRK]).await;
    assert_eq!(tipped, vec![Felt::from(3_000_000_000_000_000u64), Felt::ZERO]);
    assert_eq!(view(&provider, jar, selector!("get_tip_count"), vec![]).await, vec![Felt::THREE]);
    let session = Felt::from_hex(seen["session"].as_str().expect("the session hash")).expect("a felt");
    assert_eq!(view(&provider, account, selector!("is_session_revoked"), vec![session]).await, vec![Felt::ONE]);

    // The paymaster refuses what it does not do, each with its JSON-RPC error.
    let paymaster = format!("{url}paymaster");
    let ask = |method: &str, params: Value| {
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let paymaster = paymaster.clone();
        async move {
            let answer =
                reqwest::Client::new().post(paymaster).json(&body).send().await.expect("the paymaster answers");
            answer.json::<Value>().await.expect("JSON")["error"].clone()
        }
    };
    let call = serde_json::json!({ "to": "0x1", "selector": "0x2", "calldata": [] });
    let invoke = |fee_mode: Value, calls: Value| {
        serde_json::json!({
            "transaction": { "type": "invoke", "invoke": { "user_address": "0x1", "calls": calls } },
            "parameters": { "version": "0x1", "fee_mode": fee_mode },
        })
    };
    let paid = ask(
        "paymaster_buildTransaction",
        invoke(serde_json::json!({ "mode": "default", "gas_token": "0x1" }), serde_json::json!([call])),
    )
    .await;
    assert_eq!(paid["code"], 156, "{paid}");
    assert!(paid["message"].as_str().unwrap().contains("sponsors every transaction"), "{paid}");
    let malformed = ask(
        "paymaster_buildTransaction",
        invoke(serde_json::json!({ "mode": "sponsored" }), serde_json::json!([{ "to": "b0b" }])),
    )
    .await;
    assert_eq!(malformed["code"], -32602, "{malformed}");
    let unknown = ask("paymaster_trackingIdToLatestHash", serde_json::json!({})).await;
    assert_eq!(unknown["code"], -32601, "{unknown}");
}

#[test]
fn a_page_that_is_not_built_is_named_with_the_commands_that_build_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_sk"))
        .args(["dapp", "--port", "0", "--dir", "/nonexistent/dist"])
        .output()
        .expect("sk runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("/nonexistent/dist has no index.html: build the page first with `npm --prefix packages/dapp ci"),
        "{stderr}"
    );
}
