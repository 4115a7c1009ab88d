//! `sk dapp`: the example dApp page (a tip jar, `packages/dapp`) served against an embedded
//! devnet, with everything the page needs on one origin:
//!
//! - the page's files (`index.html`, `app.js`, …) from its built folder;
//! - `/rpc`, the devnet's JSON-RPC, passed through (one origin: no CORS to configure);
//! - `/paymaster`, a SNIP-29 paymaster (sponsored mode only) whose relayer is devnet's funded
//!   account: starknet.js's `executePaymasterTransaction` works against it, so the page tips
//!   gaslessly; it builds the SNIP-9 version 2 outside execution the account signs, then sends
//!   `execute_from_outside_v2` and pays the fee;
//! - `/config.json` (the tip jar's address) and `/dev-wallet.js`, a development wallet holding the
//!   demo account's owner key (the page loads it with `?devwallet`): on a devnet only.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Args;
use serde::Serialize;
use serde_json::{json, Value};
use sk_contracts::{SESSION_KEY_ACCOUNT, TIP_JAR};
use sk_devnet::{Devnet, LocalAccount, DEVNET_SEED};
use sk_session::OutsideExecution;
use starknet::accounts::Account;
use starknet::core::types::{Call, Felt};
use starknet::signers::SigningKey;

use crate::output::hex;
use crate::parse;

/// Serve the example dApp page (a tip jar) against an embedded devnet until Ctrl-C: the page,
/// the devnet's RPC, a SNIP-29 paymaster for gasless tips, and a development wallet.
#[derive(Args)]
pub struct Dapp {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 5080)]
    port: u16,
    /// The built page (`npm --prefix packages/dapp ci && npm --prefix packages/dapp run build`).
    #[arg(long, default_value = "packages/dapp/dist")]
    dir: PathBuf,
    /// Print one line of JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Started {
    url: String,
    rpc: String,
    chain_id: String,
    account: String,
    owner_private_key: String,
    tip_jar: String,
}

struct Served {
    dir: PathBuf,
    devnet: Devnet,
    relayer: LocalAccount,
    config: Value,
    wallet_config: Value,
}

impl Dapp {
    pub async fn run(self) -> anyhow::Result<()> {
        if !self.dir.join("index.html").is_file() {
            bail!(
                "{} has no index.html: build the page first with `npm --prefix packages/dapp ci && npm --prefix \
                 packages/dapp run build` (or pass --dir)",
                self.dir.display()
            );
        }
        let devnet = Devnet::start_at(0, DEVNET_SEED).await.context("starting the devnet")?;
        let account_class = SESSION_KEY_ACCOUNT.sierra_class().context("reading the account class")?;
        devnet
            .declare(account_class, SESSION_KEY_ACCOUNT.compiled_class_hash)
            .await
            .context("declaring the account")?;
        let jar_class = TIP_JAR.sierra_class().context("reading the tip jar class")?;
        devnet.declare(jar_class, TIP_JAR.compiled_class_hash).await.context("declaring the tip jar")?;
        let relayer = devnet.funded_account();
        let tip_jar = devnet
            .deploy_contract(TIP_JAR.class_hash, vec![relayer.address()], Felt::ZERO)
            .await
            .context("deploying the tip jar")?;
        let owner = SigningKey::from_random();
        let (account, _) = devnet
            .deploy_account(SESSION_KEY_ACCOUNT.class_hash, owner.clone(), Felt::ZERO)
            .await
            .context("deploying the demo account")?;
        let chain_id = devnet.chain_id();
        let served = Arc::new(Served {
            dir: self.dir.clone(),
            config: json!({ "tipJar": hex(tip_jar) }),
            wallet_config: json!({
                "address": hex(account),
                "privateKey": hex(owner.secret_scalar()),
                "chainId": hex(chain_id),
            }),
            relayer,
            devnet,
        });
        let app = Router::new()
            .route("/rpc", post(rpc))
            .route("/paymaster", post(paymaster))
            .route("/config.json", get(|State(s): State<Arc<Served>>| async move { Json(s.config.clone()) }))
            .route("/dev-wallet.js", get(dev_wallet))
            .fallback(get(file))
            .with_state(served.clone());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .await
            .with_context(|| format!("listening on port {}", self.port))?;
        let address = listener.local_addr()?;
        let started = Started {
            url: format!("http://{address}/"),
            rpc: format!("http://{address}/rpc"),
            chain_id: parse::chain_name(chain_id),
            account: hex(account),
            owner_private_key: hex(owner.secret_scalar()),
            tip_jar: hex(tip_jar),
        };
        if self.json {
            println!("{}", serde_json::to_string(&started)?);
        } else {
            println!("the tip jar dApp at {}?devwallet (chain {})", started.url, started.chain_id);
            println!("demo account {} (its owner key is in the page's development wallet)", started.account);
            println!("tip jar      {}", started.tip_jar);
            println!("RPC          {}   paymaster (SNIP-29, sponsored) http://{address}/paymaster", started.rpc);
        }
        eprintln!("press Ctrl-C to stop (the devnet's state is lost)");
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving the page")?;
        Ok(())
    }
}

/// A file of the built page; `/` is `index.html`. Only plain names under the folder are served.
async fn file(State(served): State<Arc<Served>>, uri: axum::http::Uri) -> Response {
    let name = match uri.path().trim_start_matches('/') {
        "" => "index.html",
        name => name,
    };
    if name.split('/').any(|part| part.is_empty() || part.starts_with('.')) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let path = served.dir.join(name);
    match tokio::fs::read(&path).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("css") => "text/css",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The development wallet with the demo account's key, for this devnet only.
async fn dev_wallet(State(served): State<Arc<Served>>) -> Response {
    match tokio::fs::read_to_string(served.dir.join("dev-wallet.js")).await {
        Ok(script) => (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            format!("window.SK_DEV_WALLET = {};\n{script}", served.wallet_config),
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "dev-wallet.js is not built").into_response(),
    }
}

/// The devnet's JSON-RPC, passed through.
async fn rpc(State(served): State<Arc<Served>>, body: String) -> Response {
    let client = reqwest::Client::new();
    match client.post(served.devnet.url().clone()).header("content-type", "application/json").body(body).send().await {
        Ok(answer) => {
            let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let bytes = answer.bytes().await.unwrap_or_default();
            (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
        }
        Err(error) => (StatusCode::BAD_GATEWAY, format!("the devnet did not answer: {error}")).into_response(),
    }
}

/// A SNIP-29 paymaster's JSON-RPC, sponsored mode: the relayer pays every fee.
async fn paymaster(State(served): State<Arc<Served>>, Json(request): Json<Value>) -> Json<Value> {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let params = request.get("params").cloned().unwrap_or(Value::Null);
    let answer = match request.get("method").and_then(Value::as_str).unwrap_or_default() {
        "paymaster_isAvailable" => Ok(json!(true)),
        "paymaster_getSupportedTokens" => Ok(json!([])),
        "paymaster_buildTransaction" => build_transaction(&served, &params),
        "paymaster_executeTransaction" => execute_transaction(&served, &params).await,
        other => Err((-32601, format!("the paymaster has no method {other}"))),
    };
    Json(match answer {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }),
    })
}

type RpcResult = Result<Value, (i64, String)>;

fn invalid(message: impl Into<String>) -> (i64, String) {
    (-32602, message.into())
}

fn felt(value: &Value, what: &str) -> Result<Felt, (i64, String)> {
    value
        .as_str()
        .and_then(|text| Felt::from_hex(text).ok())
        .ok_or_else(|| invalid(format!("{what} is not a hex felt")))
}

/// Calls from JSON, their members named `[to, selector, calldata]` (SNIP-29's request, or the
/// outside execution's typed data).
fn calls(list: Option<&Value>, [to, selector, calldata]: [&str; 3]) -> Result<Vec<Call>, (i64, String)> {
    let list = list.and_then(Value::as_array).ok_or_else(|| invalid("the calls are missing"))?;
    list.iter()
        .map(|call| {
            let words = call[calldata].as_array().ok_or_else(|| invalid(format!("a call has no {calldata}")))?;
            Ok(Call {
                to: felt(&call[to], to)?,
                selector: felt(&call[selector], selector)?,
                calldata: words.iter().map(|word| felt(word, calldata)).collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

fn sponsored(params: &Value) -> Result<(), (i64, String)> {
    match params.pointer("/parameters/fee_mode/mode").and_then(Value::as_str) {
        Some("sponsored") => Ok(()),
        _ => Err((156, "this devnet paymaster sponsors every transaction: ask for fee_mode sponsored".into())),
    }
}

/// `paymaster_buildTransaction` of an invoke: the SNIP-9 version 2 outside execution of the
/// user's calls (any caller, a fresh nonce, the time bounds asked or the next hour), as typed data.
fn build_transaction(served: &Served, params: &Value) -> RpcResult {
    sponsored(params)?;
    if params.pointer("/transaction/type").and_then(Value::as_str) != Some("invoke") {
        return Err(invalid("this paymaster builds invoke transactions only"));
    }
    let calls = calls(params.pointer("/transaction/invoke/calls"), ["to", "selector", "calldata"])?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let bound = |name: &str, default: u64| {
        params
            .pointer(&format!("/parameters/time_bounds/{name}"))
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(default)
    };
    let execution = OutsideExecution::new(
        calls,
        bound("execute_after", now.saturating_sub(3600)),
        bound("execute_before", now + 3600),
    );
    let zero = json!("0x0");
    Ok(json!({
        "type": "invoke",
        "typed_data": execution.typed_data(served.devnet.chain_id()),
        "parameters": params["parameters"],
        "fee": {
            "gas_token_price_in_strk": zero, "estimated_fee_in_strk": zero, "estimated_fee_in_gas_token": zero,
            "suggested_max_fee_in_strk": zero, "suggested_max_fee_in_gas_token": zero,
        },
    }))
}

/// `paymaster_executeTransaction`: the signed outside execution, sent by the relayer as
/// `execute_from_outside_v2` on the user's account; the relayer pays the fee.
async fn execute_transaction(served: &Served, params: &Value) -> RpcResult {
    sponsored(params)?;
    let invoke = params.pointer("/transaction/invoke").ok_or_else(|| invalid("transaction.invoke is missing"))?;
    let user = felt(&invoke["user_address"], "user_address")?;
    let message = &invoke["typed_data"]["message"];
    let number = |name: &str| -> Result<u64, (i64, String)> {
        let value = &message[name];
        value
            .as_u64()
            .or_else(|| value.as_str()?.parse().ok())
            .ok_or_else(|| invalid(format!("{name} is not a number")))
    };
    let calls = calls(message.get("Calls"), ["To", "Selector", "Calldata"])?;
    let execution = OutsideExecution::new(calls, number("Execute After")?, number("Execute Before")?)
        .with_caller(felt(&message["Caller"], "Caller")?)
        .with_nonce(felt(&message["Nonce"], "Nonce")?);
    let signature = invoke["signature"]
        .as_array()
        .ok_or_else(|| invalid("the signature is missing"))?
        .iter()
        .map(|word| felt(word, "a signature word"))
        .collect::<Result<Vec<_>, _>>()?;
    let call = execution.relayed_call(user, &signature);
    match served.relayer.execute_v3(vec![call]).send().await {
        Ok(sent) => Ok(json!({ "transaction_hash": hex(sent.transaction_hash), "tracking_id": "0x0" })),
        Err(error) => Err((163, format!("the relayer's transaction was refused: {error}"))),
    }
}
