//! The session commands of the `sk` binary, as a user runs them: against a devnet this test
//! starts (`--rpc`), and offline for what needs no node.
use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use sk_devnet::strk_balance;
use starknet::core::types::Felt;
use starknet::signers::SigningKey;

mod support;

use support::{devnet, Sk};

const RECIPIENT: &str = "0x7e57";

#[tokio::test(flavor = "multi_thread")]
async fn session_lifecycle_new_sign_inspect_execute_revoke() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;

    // Deploying again finds the account.
    let again = sk.run(&["account", "deploy", "--key", "owner.key", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(again["already_deployed"], true);
    assert_eq!(again["address"], account.as_str());

    // new: a session key (0600) and a request, plus the typed data a wallet would sign.
    let created = sk.new_session(&account, &rpc, "session").await;
    let mode = std::fs::metadata(sk.path("session.key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let session_hash = created["session_hash"].as_str().unwrap().to_string();
    assert_eq!(created["policies"].as_array().unwrap().len(), 2);

    // The typed data hashes to the session hash.
    let hashed = sk.run(&["typed-data", "hash", "session.typed.json", "--account", &account]).await;
    assert_eq!(hashed.ok().trim(), session_hash);

    // sign, checking the owner key against the chain.
    let signed = sk
        .run(&[
            "session",
            "sign",
            "session.request.json",
            "--owner-key",
            "owner.key",
            "--out",
            "session.json",
            "--rpc",
            &rpc,
            "--json",
            "--yes",
        ])
        .await
        .json();
    assert_eq!(signed["session_hash"], session_hash.as_str());
    assert_eq!(signed["owner_checked_against"], "on-chain owner");

    // inspect, with the node.
    let report = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["window"]["status"], "active", "{report}");
    assert_eq!(report["window"]["clock"], "node");
    assert_eq!(report["node"]["owner_signature_valid"], true, "{report}");
    assert_eq!(report["node"]["revoked"], false);
    let names: Vec<&str> =
        report["policies"].as_array().unwrap().iter().map(|p| p["selector_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"transfer") && names.contains(&"approve"), "{names:?}");
    let text = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc]).await;
    assert!(text.ok().contains("valid for the on-chain owner"), "{}", text.stdout);

    // execute: a multicall of a transfer and an approve.
    let provider = devnet.provider();
    let recipient = Felt::from_hex(RECIPIENT).unwrap();
    let before = strk_balance(&provider, recipient).await.unwrap();
    #[rustfmt::skip]
    let executed = sk.run(&[
        "session", "execute", "session.json", "--key", "session.key",
        "--call", "STRK:transfer:0x7e57,100,0", "--call", "STRK:approve:0x7e57,5,0", "--rpc", &rpc, "--json",
    ]).await.json();
    assert_eq!(executed["execution_status"], "SUCCEEDED", "{executed}");
    assert!(executed["l2_gas"].as_u64().unwrap() > 0);
    assert!(executed["transaction_hash"].as_str().unwrap().starts_with("0x"));
    assert_eq!(strk_balance(&provider, recipient).await.unwrap(), before + 100);

    // Text output of a single call.
    #[rustfmt::skip]
    let text = sk.run(&["session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0", "--rpc", &rpc]).await;
    assert!(text.ok().contains("status       SUCCEEDED"), "{}", text.stdout);
    // The fee in STRK for people (FRI stays in --json).
    let fee_line = text.stdout.lines().find(|line| line.starts_with("fee  ")).expect("a fee line");
    assert!(fee_line.starts_with("fee          0.") && fee_line.ends_with(" STRK"), "{fee_line}");

    // What the two transactions used, and what is left.
    let report = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc, "--json"]).await.json();
    let usage = &report["node"]["usage"];
    assert_eq!(usage["transactions"], 2, "{report}");
    assert_eq!(usage["transactions_left"], 8);
    let spent: u128 = usage["fee_spent"].as_str().unwrap().parse().unwrap();
    let left: u128 = usage["fee_left"].as_str().unwrap().parse().unwrap();
    assert!(spent > 0 && spent + left == 10u128.pow(18), "{usage}");
    let text = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc]).await;
    let line = text.ok().lines().find(|l| l.starts_with("used")).unwrap_or_default().to_string();
    assert!(line.contains(" of 1 STRK left, 8 of 10 transactions left, expires in "), "{}", text.stdout);

    // revoke, then the session is refused.
    let revoked = sk.run(&["session", "revoke", "session.json", "--owner-key", "owner.key", "--rpc", &rpc]).await;
    assert!(revoked.ok().trim().starts_with("0x"), "{}", revoked.stdout);
    let report = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["revoked"], true);
    #[rustfmt::skip]
    let rejected = sk.run(&["session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0", "--rpc", &rpc]).await;
    rejected.fails(1, "Error: the account rejected it: the owner revoked this session; ask the owner for a new one ('session/revoked')");
    assert!(rejected.stdout.is_empty());
    // The node's own answer only with --verbose.
    assert!(!rejected.stderr.contains("details:") && rejected.stderr.contains("--verbose"), "{}", rejected.stderr);
    #[rustfmt::skip]
    let verbose = sk.run(&["session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0", "--rpc", &rpc, "--verbose"]).await;
    verbose.fails(1, "('session/revoked')");
    assert!(verbose.stderr.contains("details:"), "{}", verbose.stderr);
    let twice = sk.run(&["session", "revoke", "session.json", "--owner-key", "owner.key", "--rpc", &rpc]).await;
    twice.fails(1, "the session was revoked already");
    drop(devnet);
}

#[tokio::test(flavor = "multi_thread")]
async fn relayed_execute_leaves_the_fee_to_the_relayer() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    sk.new_session(&account, &rpc, "session").await;
    let sign =
        ["session", "sign", "session.request.json", "--owner-key", "owner.key", "--out", "session.json", "--yes"];
    sk.run(&sign).await.ok();
    let provider = devnet.provider();
    let address = Felt::from_hex(&account).unwrap();
    let before = strk_balance(&provider, address).await.unwrap();

    // On a devnet, its predeployed account relays: the session's account pays the transfer only.
    #[rustfmt::skip]
    let relayed = sk.run(&[
        "session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,100,0",
        "--via-relayer", "--rpc", &rpc, "--json",
    ]).await.json();
    assert_eq!(relayed["execution_status"], "SUCCEEDED", "{relayed}");
    assert_ne!(relayed["sender"].as_str().unwrap(), account, "{relayed}");
    assert!(relayed["outside_execution_nonce"].as_str().unwrap().starts_with("0x"), "{relayed}");
    assert_eq!(strk_balance(&provider, address).await.unwrap(), before - 100, "no fee from the session's account");
    let report = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["usage"]["transactions"], 1, "a relayed use counts: {report}");
    assert_eq!(report["node"]["usage"]["fee_spent"], "0", "and spends no fee budget: {report}");

    // A relayer given by address and key file, in text.
    let predeployed = devnet.funded_account();
    let key = sk_devnet::DevnetClient::new(devnet.url().clone()).predeployed_accounts().await.unwrap()[0].private_key;
    sk.write("relayer.key", &format!("{key:#x}\n"));
    sk.chmod("relayer.key", 0o600);
    let relayer = format!("{:#x}", starknet::accounts::Account::address(&predeployed));
    #[rustfmt::skip]
    let text = sk.run(&[
        "session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0",
        "--via-relayer", "--relayer-address", &relayer, "--relayer-key", "relayer.key", "--rpc", &rpc,
    ]).await;
    assert!(text.ok().contains("(the session's account paid no fee)"), "{}", text.stdout);
    assert!(text.stdout.contains("(paid by the relayer)"), "{}", text.stdout);
    assert_eq!(strk_balance(&provider, address).await.unwrap(), before - 101);

    // A relayer address without its key, or relayer flags without --via-relayer: usage errors.
    #[rustfmt::skip]
    let half = sk.run(&[
        "session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0",
        "--via-relayer", "--relayer-address", &relayer, "--rpc", &rpc,
    ]).await;
    half.fails(2, "--relayer-key");
    // A relay window of 0 seconds would be signed and then refused by the account: a usage error.
    #[rustfmt::skip]
    let shut = sk.run(&[
        "session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0",
        "--via-relayer", "--relay-window", "0", "--rpc", &rpc,
    ]).await;
    shut.fails(2, "--relay-window");
    drop(devnet);
}

/// A SNIP-12 move of the domain `Chess` version `version` on `chain`, of type `primary`.
fn chess_move(chain: &str, version: &str, primary: &str) -> String {
    serde_json::json!({
        "types": {
            "StarknetDomain": sk_session::typed_data::starknet_domain_type(),
            primary: [{ "name": "Game", "type": "felt" }, { "name": "Square", "type": "shortstring" }]
        },
        "primaryType": primary,
        "domain": { "name": "Chess", "version": version, "chainId": chain, "revision": "1" },
        "message": { "Game": "0x7", "Square": "e4" }
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn session_signed_messages_from_the_command_line() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    sk.write("move.json", &chess_move("SN_SEPOLIA", "1", "Move"));
    sk.write("resign.json", &chess_move("SN_SEPOLIA", "1", "Resign"));
    sk.write("mainnet-move.json", &chess_move("SN_MAIN", "1", "Move"));

    // A message of another chain than the session's is refused when the session is made.
    #[rustfmt::skip]
    let base = [
        "session", "new", "--account", account.as_str(), "--policy", "STRK:transfer", "--valid-for", "1h",
        "--rpc", rpc.as_str(),
    ];
    let other_chain =
        [&base[..], &["--allow-messages-like", "mainnet-move.json", "--key-out", "x.key", "--out", "x.json"]];
    sk.run(&other_chain.concat()).await.fails(1, "is a message of chain SN_MAIN, but the session is for SN_SEPOLIA");
    let new = [&base[..], &["--allow-messages-like", "move.json", "--key-out", "session.key", "--out", "request.json"]];
    let created = sk.run(&new.concat()).await;
    assert!(
        created.ok().contains("  1 of 1      messages of the domain \"Chess\" version \"1\""),
        "{}",
        created.stdout
    );
    sk.run(&["session", "sign", "request.json", "--owner-key", "owner.key", "--out", "session.json", "--yes"])
        .await
        .ok();
    let report = sk.run(&["session", "inspect", "session.json", "--json"]).await.json();
    assert_eq!(report["messages"][0]["domain_name"], "Chess", "{report}");

    // Signed, and accepted by the account's is_valid_signature.
    #[rustfmt::skip]
    let signed = sk.run(&[
        "session", "sign-message", "move.json", "--session", "session.json", "--key", "session.key",
        "--rpc", &rpc, "--json", "--out", "signature.json",
    ]).await.json();
    assert_eq!(signed["account_says"], "VALID", "{signed}");
    let typed: Value = serde_json::from_str(&sk.read("move.json")).unwrap();
    let expected = sk_session::typed_data::message_hash(&typed, Felt::from_hex(&account).unwrap()).unwrap();
    assert_eq!(signed["message_hash"], format!("{expected:#066x}"), "{signed}");
    let written: Value = serde_json::from_str(&sk.read("signature.json")).unwrap();
    assert_eq!(written["signature"], signed["signature"]);
    // Offline: signed, not checked.
    let offline =
        sk.run(&["session", "sign-message", "move.json", "--session", "session.json", "--key", "session.key"]).await;
    assert!(offline.ok().contains("message hash"), "{}", offline.stdout);
    assert!(offline.stderr.contains("not checked on chain"), "{}", offline.stderr);

    // Another type: refused before the key signs; a file that is not JSON, and a wrong key.
    let resign =
        sk.run(&["session", "sign-message", "resign.json", "--session", "session.json", "--key", "session.key"]).await;
    resign.fails(1, "the session does not allow messages of type Resign");
    sk.write("broken.json", "{");
    let broken =
        sk.run(&["session", "sign-message", "broken.json", "--session", "session.json", "--key", "session.key"]).await;
    broken.fails(1, "broken.json is not JSON");
    let wrong_key =
        sk.run(&["session", "sign-message", "move.json", "--session", "session.json", "--key", "owner.key"]).await;
    wrong_key.fails(1, "not this session's key");
    drop(devnet);
}

#[tokio::test(flavor = "multi_thread")]
async fn set_owner_and_upgrade_from_the_command_line() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    sk.run(&["account", "new-key", "--out", "new-owner.key"]).await.ok();
    // Deploying in text: the fee in STRK.
    let deployed = sk.run(&["account", "deploy", "--key", "new-owner.key", "--salt", "7", "--rpc", &rpc]).await;
    deployed.ok();
    assert!(deployed.stderr.contains(", fee 0.") && deployed.stderr.contains(" STRK, L2 gas "), "{}", deployed.stderr);
    let owner_command = |command: &str, owner: &str, last: [&str; 2]| -> Vec<String> {
        let args = ["account", command, "--account", &account, "--owner-key", owner, last[0], last[1], "--rpc", &rpc];
        args.iter().map(|arg| arg.to_string()).collect()
    };
    let run = |args: Vec<String>| {
        let sk = &sk;
        async move { sk.run(&args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };

    // The current key again, or a key that is not the owner's: refused before anything is sent.
    let same = owner_command("set-owner", "owner.key", ["--new-owner-key", "owner.key"]);
    run(same).await.fails(1, "is the account's owner already");
    let stranger = owner_command("set-owner", "new-owner.key", ["--new-owner-key", "new-owner.key"]);
    run(stranger).await.fails(1, "is not the owner of");

    // The rotation: the new key signs it, and owns the account from then on.
    let mut rotate = owner_command("set-owner", "owner.key", ["--new-owner-key", "new-owner.key"]);
    rotate.push("--json".into());
    let rotated = run(rotate.clone()).await.json();
    // The epoch moved to a hash of the rotation (docs/protocol.md §4, "Epoch"), not to 1.
    let epoch = rotated["epoch"].as_str().unwrap_or_default();
    assert!(epoch.starts_with("0x") && epoch != "0x0" && epoch != "0x1", "{rotated}");
    let new_owner = rotated["new_owner"].as_str().unwrap().to_string();
    let key = Felt::from_hex(sk.read("new-owner.key").trim()).unwrap();
    assert_eq!(Felt::from_hex(&new_owner).unwrap(), SigningKey::from_secret_scalar(key).verifying_key().scalar());
    run(rotate).await.fails(1, "is the account's owner already");

    // An upgrade to a class the node does not know is refused with that reason; to the account's
    // own class (declared), it goes through.
    let unknown = owner_command("upgrade", "new-owner.key", ["--class-hash", "0x1234"]);
    run(unknown).await.fails(1, "is not declared on the node");
    let class_hash = format!("{:#066x}", sk_contracts::SESSION_KEY_ACCOUNT.class_hash);
    let mut upgrade = owner_command("upgrade", "new-owner.key", ["--class-hash", &class_hash]);
    upgrade.push("--json".into());
    let upgraded = run(upgrade).await.json();
    assert_eq!(upgraded["class_hash"], class_hash.as_str(), "{upgraded}");
    drop(devnet);
}

#[tokio::test(flavor = "multi_thread")]
async fn register_and_revoke_all_sessions() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    let created = sk.new_session(&account, &rpc, "session").await;
    assert_eq!(created["session_hash"].as_str().map(str::len), Some(66));
    let sign =
        ["session", "sign", "session.request.json", "--owner-key", "owner.key", "--out", "session.json", "--yes"];
    sk.run(&sign).await.ok();

    // Only the owner registers.
    sk.run(&["account", "new-key", "--out", "stranger.key"]).await.ok();
    let stranger = ["session", "register", "session.json", "--owner-key", "stranger.key", "--rpc", &rpc, "--yes"];
    sk.run(&stranger).await.fails(1, "is not the owner of");
    let stranger = ["session", "revoke-all", "--account", &account, "--owner-key", "stranger.key", "--rpc", &rpc];
    sk.run(&stranger).await.fails(1, "only the owner can call revoke_all_sessions");

    // register: the account records the authorization, so even the first use is short.
    let register = ["session", "register", "session.json", "--owner-key", "owner.key", "--rpc", &rpc, "--yes"];
    let registered = sk.run(&register).await;
    assert!(registered.ok().trim().starts_with("0x"), "{}", registered.stdout);
    assert!(registered.stderr.contains("(fee 0.") && registered.stderr.contains(" STRK)"), "{}", registered.stderr);
    let report = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["usage"]["authorized"], true, "{report}");
    assert_eq!(report["node"]["epoch"], "0x0");
    let text = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc]).await;
    assert!(text.ok().contains("authorization  recorded"), "{}", text.stdout);
    let again = sk.run(&register).await;
    again.fails(1, "has recorded this session's authorization already");
    let execute = ["session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x7e57,1,0"];
    let mut send = execute.to_vec();
    send.extend(["--rpc", rpc.as_str()]);
    assert!(sk.run(&send).await.ok().contains("status       SUCCEEDED"));

    // revoke-all: the epoch moves on and the session is refused.
    let revoke_all =
        ["session", "revoke-all", "--account", &account, "--owner-key", "owner.key", "--rpc", &rpc, "--json"];
    let revoked = sk.run(&revoke_all).await.json();
    let epoch = revoked["epoch"].as_str().unwrap_or_default().to_string();
    assert!(epoch.starts_with("0x") && epoch != "0x0" && epoch != "0x1", "{revoked}");
    let text = sk.run(&["session", "inspect", "session.json", "--rpc", &rpc]).await;
    assert!(text.ok().contains(&format!("epoch          {epoch}, NOT the session's (0x0)")), "{}", text.stdout);
    sk.run(&send).await.fails(1, "the session names another owner epoch than the account's");

    // A new session names the new epoch, read from the node.
    let fresh = sk.new_session(&account, &rpc, "fresh").await;
    assert_ne!(fresh["session_hash"], created["session_hash"]);
    let request: Value = serde_json::from_str(&sk.read("fresh.request.json")).unwrap();
    assert_eq!(request["request"]["epoch"], epoch.as_str());

    // Issue #24, item 1: with a node, no request names another epoch than the account's (with a
    // counting epoch, a later one would have come to life at the next revoke-all), and none is
    // signed.
    #[rustfmt::skip]
    let later = [
        "session", "new", "--account", &account, "--policy", "STRK:transfer", "--valid-for", "1h",
        "--epoch", "2", "--key-out", "later.key", "--out", "later.json", "--rpc", &rpc,
    ];
    sk.run(&later).await.fails(1, &format!("--epoch 0x2 is not the account's owner epoch, {epoch}"));
    assert!(!sk.path("later.key").exists());
    // A deployed contract whose epoch cannot be read (here the STRK token, no session-key account):
    // refused, not taken for epoch 0.
    #[rustfmt::skip]
    let token = [
        "session", "new", "--account", "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d",
        "--policy", "STRK:transfer", "--valid-for", "1h",
        "--key-out", "token.key", "--out", "token.json", "--rpc", &rpc,
    ];
    sk.run(&token).await.fails(1, "the session must name the account's owner epoch, and it could not be read");
    assert!(!sk.path("token.key").exists());
    let old = ["session", "sign", "session.request.json", "--owner-key", "owner.key", "--out", "old.json", "--yes"];
    let mut old = old.to_vec();
    old.extend(["--rpc", rpc.as_str()]);
    sk.run(&old).await.fails(1, &format!("the request names owner epoch 0x0, but the account is at epoch {epoch}"));
    assert!(!sk.path("old.json").exists());
    drop(devnet);
}

#[tokio::test(flavor = "multi_thread")]
async fn wallet_signature_is_checked_against_the_owner() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    sk.new_session(&account, &rpc, "s").await;

    // A wallet signs the typed data's message hash with the owner key.
    let hash = sk.run(&["typed-data", "hash", "s.typed.json", "--account", &account]).await;
    let hash = Felt::from_hex(hash.ok().trim()).unwrap();
    let owner = SigningKey::from_secret_scalar(Felt::from_hex(sk.read("owner.key").trim()).unwrap());
    let signature = owner.sign(&hash).unwrap();
    let good = format!("{:#x},{:#x}", signature.r, signature.s);
    let stranger = SigningKey::from_random().sign(&hash).unwrap();
    let bad = format!("{:#x},{:#x}", stranger.r, stranger.s);

    let signed = sk
        .run(&["session", "sign", "s.request.json", "--signature", &good, "--out", "s.json", "--rpc", &rpc, "--json"])
        .await
        .json();
    assert_eq!(signed["owner_checked_against"], "on-chain owner");
    let report = sk.run(&["session", "inspect", "s.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["owner_signature_valid"], true);

    let refused =
        sk.run(&["session", "sign", "s.request.json", "--signature", &bad, "--out", "bad.json", "--rpc", &rpc]).await;
    refused.fails(
        1,
        "checking the signature against the on-chain owner: the owner signature is not a signature of this session",
    );
    assert!(!sk.path("bad.json").exists());

    // Offline: against a given public key, or unchecked with a warning.
    let public_key = format!("{:#x}", owner.verifying_key().scalar());
    #[rustfmt::skip]
    let offline = sk.run(&["session", "sign", "s.request.json", "--signature", &good, "--owner-public-key", &public_key, "--out", "s2.json", "--json"]).await.json();
    assert_eq!(offline["owner_checked_against"], "given public key");
    let unchecked = sk.run(&["session", "sign", "s.request.json", "--signature", &bad, "--out", "s3.json"]).await;
    unchecked.ok();
    assert!(unchecked.stderr.contains("warning: the signature was not checked"), "{}", unchecked.stderr);
    // ... and the stranger's signature shows up as invalid on inspection.
    let report = sk.run(&["session", "inspect", "s3.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["owner_signature_valid"], false);

    // The owner key of another account is refused when signing against the chain.
    sk.run(&["account", "new-key", "--out", "other.key"]).await.ok();
    let wrong_owner = sk
        .run(&["session", "sign", "s.request.json", "--owner-key", "other.key", "--out", "s4.json", "--rpc", &rpc])
        .await;
    wrong_owner.fails(1, "is not the owner of");
    drop(devnet);
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_session_is_named_with_its_end() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    sk.new_session(&account, &rpc, "s").await;
    sk.run(&["session", "sign", "s.request.json", "--owner-key", "owner.key", "--out", "s.json", "--rpc", &rpc, "-y"])
        .await
        .ok();

    // Three hours later even validation, which sees the hour rounded down, refuses it.
    devnet.client().increase_time(3 * 3600).await.unwrap();
    let report = sk.run(&["session", "inspect", "s.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["window"]["status"], "expired", "{report}");
    let rejected = sk
        .run(&["session", "execute", "s.json", "--key", "s.key", "--call", "STRK:transfer:0x7e57,1,0", "--rpc", &rpc])
        .await;
    rejected.fails(1, "Error: the account rejected it: the session has expired (it was valid until ");
    assert!(rejected.stderr.contains("UTC); ask the owner for a new one ('session/expired')"), "{}", rejected.stderr);
    drop(devnet);
}

#[tokio::test(flavor = "multi_thread")]
async fn sk_devnet_serves_the_other_commands() {
    use tokio::io::AsyncBufReadExt;
    let sk = Sk::new();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sk"))
        .args(["devnet", "--port", "0", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().expect("sk devnet prints a line");
    let started: Value = serde_json::from_str(&first).unwrap();
    let rpc = started["url"].as_str().unwrap().to_string();
    assert_eq!(started["chain_id"], "SN_SEPOLIA");
    assert!(started["account"]["private_key"].as_str().unwrap().starts_with("0x"));

    let account = sk.deploy(&rpc).await;
    assert!(account.starts_with("0x"));
    child.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_inspect_says_what_it_skipped() {
    let sk = Sk::new();
    sk.offline_session().await;
    let text = sk.run(&["session", "inspect", "session.json"]).await;
    let stdout = text.ok();
    assert!(stdout.contains("status         active by the local clock"), "{stdout}");
    assert!(
        stdout.contains("skipped owner signature check, revocation, usage, status by the node's clock"),
        "{stdout}"
    );
    assert!(stdout.contains("(STRK) transfer"), "{stdout}");
    assert!(
        stdout.contains("max fee        0.1 STRK (100000000000000000 FRI) per transaction"),
        "the default cap: {stdout}"
    );
    assert!(stdout.contains("fee budget     2 STRK (2000000000000000000 FRI) in all"), "the default budget: {stdout}");
    assert!(stdout.contains("transactions   no limit"), "{stdout}");
    let report = sk.run(&["session", "inspect", "session.json", "--json"]).await.json();
    assert_eq!(report["node"], Value::Null);
    assert_eq!(report["chain_id"], "SN_SEPOLIA");
    assert_eq!(report["skipped"].as_array().unwrap().len(), 4);
    assert_eq!(report["limits"]["max_fee"], "100000000000000000", "FRI, as a decimal string");
    assert_eq!(report["limits"]["fee_budget"], "2000000000000000000");
    assert_eq!(report["limits"]["max_transactions"], u32::MAX);
}

#[tokio::test(flavor = "multi_thread")]
async fn session_limits_are_flags_in_strk_and_bad_ones_are_named() {
    let sk = Sk::new();
    #[rustfmt::skip]
    let new = |extra: &[&'static str]| {
        let mut args = vec![
            "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
            "--valid-for", "2d", "--key-out", "limits.key", "--out", "limits.json", "--json",
        ];
        args.extend_from_slice(extra);
        args
    };
    // A zero fee limit parses but allows nothing: the SDK says so, and nothing is written.
    sk.run(&new(&["--max-fee", "0"])).await.fails(1, "the max fee is 0, so the session could send nothing");
    assert!(!sk.path("limits.key").exists());
    #[rustfmt::skip]
    let created = sk.run(&new(&[
        "--max-fee", "0.0031", "--fee-budget", "1.5", "--max-transactions", "17",
        "--spending-limit", "STRK:10:0.5/1d", "--spending-limit", "0x7070:123",
    ])).await.json();
    let strk = "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";
    let expected = serde_json::json!([strk, "10000000000000000000", "500000000000000000", "86400"]);
    // In increasing token order, the order the account reads them in (0x7070 before STRK).
    assert_eq!(created["spending_limits"][1], expected);
    assert_eq!(created["spending_limits"][0][1], "123", "other tokens in base units");
    assert_eq!(created["max_fee"], "3100000000000000");
    assert_eq!(created["fee_budget"], "1500000000000000000");
    assert_eq!(created["max_transactions"], 17);
    for (flag, value, expected) in [
        ("--max-fee", "1e3", "`1e3` is not an amount of STRK"),
        ("--fee-budget", "1,5", "`1,5` is not an amount of STRK"),
        ("--max-fee", "0.0000000000000000001", "at most 18 decimals"),
        ("--max-transactions", "0", "0 is not in 1.."),
        ("--spending-limit", "STRK:ten", "`ten` is not an amount of STRK"),
        ("--spending-limit", "STRK:10:1", "is not a spending limit: write TOKEN:TOTAL"),
        ("--spending-limit", "0x7070:1.5", "not an amount in the token's base units"),
        ("--epoch", "one", "invalid value 'one' for '--epoch <EPOCH>'"),
    ] {
        let out = sk.run(&new(&[flag, value, "--force"])).await;
        out.fails(2, expected);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn argument_rules_are_flags_shown_and_checked_before_sending() {
    let sk = Sk::new();
    sk.run(&["account", "new-key", "--out", "owner.key"]).await.ok();
    #[rustfmt::skip]
    let new = |extra: &[&'static str]| {
        let mut args = vec![
            "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
            "--valid-for", "2d", "--key-out", "rules.key", "--out", "rules.json",
        ];
        args.extend_from_slice(extra);
        args
    };
    let out = sk.run(&new(&["--rule", "STRK:approve:0:EQ:0x7e57"])).await;
    out.fails(1, "a --rule is for approve on 0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d (STRK), which no --policy allows; add --policy STRK:approve");
    assert!(!sk.path("rules.key").exists(), "nothing is written");
    let out = sk.run(&new(&["--rule", "STRK:transfer:1:u256:IN_RANGE:1"])).await;
    out.fails(2, "IN_RANGE takes two values, the minimum and the maximum");

    let out = sk.run(&new(&["--rule", "STRK:transfer:0:EQ:0x7e57", "--rule", "STRK:transfer:1:u256:<=:2.5"])).await;
    out.ok();
    assert!(
        out.stdout.contains("(STRK) transfer (0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e)\n                only if 2 rules all hold:\n                word 0 == 0x7e57\n                word 1 (u256) <= 2.5 STRK (2500000000000000000 base units)"),
        "{}",
        out.stdout
    );
    sk.run(&["session", "sign", "rules.json", "--owner-key", "owner.key", "--out", "session.json", "--yes"]).await.ok();
    let report = sk.run(&["session", "inspect", "session.json", "--json"]).await.json();
    let rules = serde_json::json!(["word 0 == 0x7e57", "word 1 (u256) <= 2500000000000000000"]);
    assert_eq!(report["policies"][0]["rules"], rules);
    let text = sk.run(&["session", "inspect", "session.json"]).await;
    assert!(
        text.stdout.contains("                 word 1 (u256) <= 2.5 STRK (2500000000000000000 base units)"),
        "{}",
        text.stdout
    );

    #[rustfmt::skip]
    let out = sk.run(&[
        "session", "execute", "session.json", "--key", "rules.key", "--call", "STRK:transfer:0x7e57,2500000000000000001,0",
    ]).await;
    out.fails(1, "call #0 `STRK:transfer:0x7e57,2500000000000000001,0` breaks the argument rule `word 1 (u256) <= 2500000000000000000` of its policy");
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_and_edited_session_files_are_refused() {
    let sk = Sk::new();
    sk.offline_session().await;

    sk.write("broken.json", "{ not json");
    sk.run(&["session", "inspect", "broken.json"])
        .await
        .fails(1, "Error: broken.json is not a session file: it is not JSON");

    sk.write("shape.json", r#"{"version": 1, "account": "0x1"}"#);
    sk.run(&["session", "inspect", "shape.json"]).await.fails(1, "not a valid session file");

    // The end of the window moved after signing: the stored hash no longer matches.
    let json = sk.read("session.json");
    let valid_until: Value = serde_json::from_str::<Value>(&json).unwrap()["valid_until"].clone();
    let edited = json.replace(
        &format!("\"valid_until\": {valid_until}"),
        &format!("\"valid_until\": {}", valid_until.as_u64().unwrap() + 86_400),
    );
    assert_ne!(edited, json);
    sk.write("edited.json", &edited);
    let out = sk.run(&["session", "inspect", "edited.json"]).await;
    out.fails(1, "Error: reading the session file edited.json: the session file was changed after the owner signed it");
    let out =
        sk.run(&["session", "execute", "edited.json", "--key", "session.key", "--call", "STRK:transfer:0x1,1,0"]).await;
    out.fails(1, "the session file was changed after the owner signed it");

    // Signing with the owner key shows what it signs and, without a terminal, asks for --yes.
    let unconfirmed =
        sk.run(&["session", "sign", "request.json", "--owner-key", "owner.key", "--out", "unconfirmed.json"]).await;
    unconfirmed.fails(1, "nothing was done: stdin is not a terminal to confirm on; pass --yes to sign");
    for shown in [
        "about to sign, as the owner of 0x0000000000000000000000000000000000000000000000000000000000000123",
        "ends          ",
        "max fee       ",
        "calls         1 kind of call the session may make",
        "  1 of 1      0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d (STRK) transfer",
    ] {
        assert!(unconfirmed.stderr.contains(shown), "`{shown}` not in:\n{}", unconfirmed.stderr);
    }
    assert!(!sk.dir.path().join("unconfirmed.json").exists(), "nothing is written unconfirmed");

    // Broken request files for `session sign`.
    let sign = |file: &'static str| ["session", "sign", file, "--owner-key", "owner.key", "--out", "never.json"];
    sk.run(&sign("broken.json")).await.fails(1, "Error: broken.json is not JSON");
    let request = sk.read("request.json");
    sk.write("v1.request.json", &request.replacen("\"version\": 4", "\"version\": 1", 1));
    sk.run(&sign("v1.request.json"))
        .await
        .fails(1, "v1.request.json is a request of format version 1; this `sk` reads version 4");
    let renamed = request.replacen("\"name\": \"transfer\"", "\"name\": \"mint\"", 1);
    assert_ne!(renamed, request);
    sk.write("renamed.request.json", &renamed);
    sk.run(&sign("renamed.request.json")).await.fails(1, "renamed.request.json is not a session request");
    assert!(!sk.dir.path().join("never.json").exists(), "nothing is written for a broken request");

    // A request where a session is expected, and the reverse.
    // `inspect` reads a request too, before it is signed.
    let request = sk.run(&["session", "inspect", "request.json", "--json"]).await.json();
    assert_eq!(request["file"], "request", "{request}");
    assert_eq!(request["owner_signature"].as_array().map(Vec::len), Some(0));
    let signed = sk.run(&["session", "inspect", "session.json", "--json"]).await.json();
    assert_eq!((signed["file"].as_str(), &signed["session_hash"]), (Some("session"), &request["session_hash"]));
    let text = sk.run(&["session", "inspect", "request.json"]).await;
    assert!(text.ok().contains("a request, not signed yet"), "{}", text.stdout);
    sk.run(&["session", "execute", "request.json", "--key", "session.key", "--call", "STRK:transfer:0x1,1,0"])
        .await
        .fails(1, "is a session request, not a signed session");
    sk.run(&["session", "sign", "session.json", "--owner-key", "owner.key", "--out", "x.json"])
        .await
        .fails(1, "is a signed session already");
}

#[tokio::test(flavor = "multi_thread")]
async fn key_files_wrong_missing_and_never_overwritten() {
    let sk = Sk::new();
    sk.offline_session().await;
    let call: &[&str] = &["--call", "STRK:transfer:0x1,1,0"];

    // The owner key is not the session key.
    let out = sk.run(&[&["session", "execute", "session.json", "--key", "owner.key"][..], call].concat()).await;
    out.fails(1, "Error: using the key in owner.key: the key given is not this session's key");

    let out = sk.run(&[&["session", "execute", "session.json", "--key", "missing.key"][..], call].concat()).await;
    out.fails(1, "Error: cannot read the key file missing.key");

    sk.write("garbage.key", "hello\n");
    sk.chmod("garbage.key", 0o600);
    let out = sk.run(&[&["session", "execute", "session.json", "--key", "garbage.key"][..], call].concat()).await;
    out.fails(1, "garbage.key is not a key file");

    // A key file others may read is refused, with the chmod that fixes it, and nothing is sent.
    for mode in [0o644, 0o640, 0o602] {
        sk.chmod("session.key", mode);
        let out = sk.run(&[&["session", "execute", "session.json", "--key", "session.key"][..], call].concat()).await;
        out.fails(1, &format!("Error: the key file session.key can be read or written by other users (mode {mode:o})"));
        assert!(out.stderr.contains("run `chmod 600 session.key`"), "{}", out.stderr);
    }
    sk.chmod("session.key", 0o600);

    // Existing key files are never replaced, not even with --force.
    let before = sk.read("session.key");
    #[rustfmt::skip]
    let out = sk.run(&[
        "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
        "--valid-for", "1h", "--key-out", "session.key", "--out", "other.json", "--force",
    ]).await;
    out.fails(1, "session.key exists already (a file or a link); a key file is never overwritten");
    assert_eq!(sk.read("session.key"), before);
    assert!(!sk.path("other.json").exists());
    sk.run(&["account", "new-key", "--out", "owner.key"]).await.fails(1, "owner.key exists already");

    // Other outputs need --force.
    #[rustfmt::skip]
    let out = sk.run(&[
        "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
        "--valid-for", "1h", "--key-out", "new.key", "--out", "request.json",
    ]).await;
    out.fails(1, "request.json exists already; pass --force to replace it");
    assert!(!sk.path("new.key").exists(), "nothing is generated when an output is refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_outside_the_policies_are_refused_before_sending() {
    let sk = Sk::new();
    sk.offline_session().await;

    // Not in the policies: refused by the SDK's check, before any node is needed.
    #[rustfmt::skip]
    let out = sk.run(&[
        "session", "execute", "session.json", "--key", "session.key",
        "--call", "STRK:transfer:0x1,1,0", "--call", "STRK:mint:0x1,1,0",
    ]).await;
    out.fails(1, "Error: call #1 `STRK:mint:0x1,1,0` is not allowed by the session: mint (0x");
    assert!(
        out.stderr.contains(
            ") on 0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d (STRK); nothing was sent"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("(STRK) transfer"), "lists what is allowed: {}", out.stderr);

    // A call to the account itself.
    let out =
        sk.run(&["session", "execute", "session.json", "--key", "session.key", "--call", "0x123:set_owner:0x1"]).await;
    out.fails(1, "targets the account itself, which a session may never do");

    // Not a selector at all: a usage error.
    let out = sk.run(&["session", "execute", "session.json", "--key", "session.key", "--call", "STRK:do-it"]).await;
    out.fails(2, "`do-it` is not a selector");

    // An allowed call with no node to send it to.
    let out = sk
        .run(&["session", "execute", "session.json", "--key", "session.key", "--call", "STRK:transfer:0x1,1,0"])
        .await;
    out.fails(1, "sending a session transaction needs a node: pass --rpc URL");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_arguments_are_usage_errors() {
    let sk = Sk::new();
    let base =
        ["session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--key-out", "k.key", "--out", "r.json"];
    let with = |extra: &[&'static str]| [&base[..], extra].concat();

    sk.run(&with(&["--policy", "STRK", "--valid-for", "1h"]))
        .await
        .fails(2, "`STRK` is not a policy: write CONTRACT:SELECTOR");
    sk.run(&with(&["--policy", "nowhere:transfer", "--valid-for", "1h"])).await.fails(2, "`nowhere` is not an address");
    sk.run(&with(&["--policy", "STRK:transfer", "--valid-for", "soon"])).await.fails(2, "`soon` is not a duration");
    sk.run(&with(&["--policy", "STRK:transfer"])).await.fails(2, "--valid-for");
    sk.run(&with(&["--policy", "STRK:transfer", "--policy", "STRK:transfer", "--valid-for", "1h"]))
        .await
        .fails(1, "is listed twice");
    sk.run(&with(&["--policy", "STRK:transfer", "--valid-until", "100", "--valid-after", "200"]))
        .await
        .fails(1, "the validity window is empty");
    sk.run(&with(&["--policy", "STRK:transfer", "--valid-until", "9007199254740992"]))
        .await
        .fails(1, "the time 9007199254740992 is too far in the future");
    assert!(!sk.path("k.key").exists());

    let no_chain = [
        "session",
        "new",
        "--account",
        "0x1",
        "--policy",
        "STRK:transfer",
        "--valid-for",
        "1h",
        "--key-out",
        "k.key",
        "--out",
        "r.json",
    ];
    sk.run(&no_chain).await.fails(1, "pass --chain-id (e.g. SN_SEPOLIA) or --rpc URL");
    sk.run(&["session", "sign", "r.json", "--out", "s.json"]).await.fails(2, "--owner-key");
    sk.run(&["session", "sign", "r.json", "--signature", "0x1", "--out", "s.json"])
        .await
        .fails(2, "is not a signature: write R,S");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_rpc_port_is_named() {
    let sk = Sk::new();
    sk.offline_session().await;
    let dead = "http://127.0.0.1:9/rpc";
    let out = sk.run(&["session", "inspect", "session.json", "--rpc", dead]).await;
    out.fails(1, "Error: cannot reach the node at http://127.0.0.1:9/rpc");
    assert!(out.stdout.is_empty());
    let out = sk
        .run(&[
            "session",
            "execute",
            "session.json",
            "--key",
            "session.key",
            "--call",
            "STRK:transfer:0x1,1,0",
            "--rpc",
            dead,
        ])
        .await;
    out.fails(1, "Error: cannot reach the node at http://127.0.0.1:9/rpc");
    sk.run(&["session", "revoke", "session.json", "--owner-key", "owner.key", "--rpc", dead])
        .await
        .fails(1, "cannot reach the node");
    sk.run(&["account", "deploy", "--key", "owner.key", "--rpc", dead]).await.fails(1, "cannot reach the node");
    sk.run(&["account", "deploy", "--key", "owner.key"]).await.fails(1, "needs a node that keeps it: pass --rpc URL");
}

/// The typed data of the protocol's test vector (docs/protocol.md §6), generated by the SDK's
/// vectors test: its message hash for the vector's account is the vector's session hash.
fn vector_typed_data() -> String {
    vector_file("session-v4.typed-data.json")
}

/// A file of tests/vectors/.
fn vector_file(name: &str) -> String {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let path = manifest_dir.join("../../tests/vectors").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_data_hash_of_a_file() {
    let sk = Sk::new();
    let vector = vector_typed_data();
    sk.write("vector.json", &vector);
    // The vector's session hash, as `sk` prints felts (64 hex digits).
    let vectors: Value = serde_json::from_str(&vector_file("session-v4.json")).unwrap();
    let session_hash = Felt::from_hex(vectors["session_hash"].as_str().unwrap()).unwrap();
    let expected = format!("{session_hash:#066x}");
    let expected = expected.as_str();
    let out = sk.run(&["typed-data", "hash", "vector.json", "--account", "0x7e57acc0a4e7"]).await;
    assert_eq!(out.ok().trim(), expected);
    let json = sk.run(&["typed-data", "hash", "vector.json", "--account", "0x7e57acc0a4e7", "--json"]).await.json();
    assert_eq!(json["message_hash"], expected);
    let domain_hash = Felt::from_hex(vectors["domain_hash"].as_str().unwrap()).unwrap();
    assert_eq!(json["domain_hash"], format!("{domain_hash:#066x}"));

    // Another account, another hash.
    let other = sk.run(&["typed-data", "hash", "vector.json", "--account", "0x1"]).await;
    assert_ne!(other.ok().trim(), expected);

    // A bad value is named by its path.
    let bad = vector.replace(r#""Selector": "play""#, r#""Selector": 5"#);
    assert_ne!(bad, vector);
    sk.write("bad.json", &bad);
    sk.run(&["typed-data", "hash", "bad.json", "--account", "0x1"])
        .await
        .fails(1, "Error: hashing the typed data in bad.json: message.Policies[0].Selector");
    sk.write("nojson.json", "[");
    sk.run(&["typed-data", "hash", "nojson.json", "--account", "0x1"]).await.fails(1, "nojson.json is not JSON");
    sk.run(&["typed-data", "hash", "absent.json", "--account", "0x1"]).await.fails(1, "cannot read absent.json");
}

/// Issue #23, item 2: `register` authorized a session file with an empty owner signature, silently.
/// It now shows the summary, asks to confirm, and refuses a session the on-chain owner did not
/// sign unless told that the owner authorizes it by this registration (`--authorize-here`).
#[tokio::test(flavor = "multi_thread")]
async fn register_is_an_authorization_and_says_so() {
    let (_devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    #[rustfmt::skip]
    let args = [
        "session", "new", "--account", &account, "--policy", "ETH:transfer", "--valid-for", "1h",
        "--key-out", "session.key", "--out", "request.json", "--rpc", &rpc,
    ];
    sk.run(&args).await.ok();
    sk.run(&["session", "sign", "request.json", "--owner-key", "owner.key", "--out", "session.json", "--yes"])
        .await
        .ok();
    let mut file: Value = serde_json::from_str(&sk.read("session.json")).unwrap();
    file["owner_signature"] = serde_json::json!([]);
    sk.write("unsigned.json", &file.to_string());
    file["owner_signature"] = serde_json::json!(["0x1", "0x2"]);
    sk.write("forged.json", &file.to_string());

    let register = |file: &'static str| {
        vec!["session", "register", file, "--owner-key", "owner.key", "--rpc", rpc.as_str(), "--yes"]
    };
    sk.run(&register("unsigned.json")).await.fails(1, "carries no owner signature");
    sk.run(&register("forged.json")).await.fails(1, "a signature that is not the on-chain owner's");
    let report = sk.run(&["session", "inspect", "unsigned.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["usage"]["authorized"], false, "nothing was recorded: {report}");

    // Without a terminal to confirm on, and without --yes: nothing is sent.
    let mut unconfirmed = register("session.json");
    unconfirmed.pop();
    let out = sk.run(&unconfirmed).await;
    out.fails(1, "pass --yes to register the session above");
    assert!(out.stderr.contains("about to register, as the owner of"), "{}", out.stderr);
    assert!(out.stderr.contains("  1 of 1") && out.stderr.contains("(ETH) transfer"), "{}", out.stderr);

    // Told that the owner authorizes it here: registered, with a warning.
    let mut authorized = register("unsigned.json");
    authorized.push("--authorize-here");
    let out = sk.run(&authorized).await;
    out.ok();
    assert!(out.stderr.contains("registering it is the owner's only authorization"), "{}", out.stderr);
    assert!(out.stderr.contains("about to register"), "{}", out.stderr);
    let report = sk.run(&["session", "inspect", "unsigned.json", "--rpc", &rpc, "--json"]).await.json();
    assert_eq!(report["node"]["usage"]["authorized"], true, "{report}");
}

/// Issue #24, item 5: `sk session logout` ends a session with its own key, as its own
/// transaction or through a relayer; no owner key is asked for.
#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_a_session_with_its_own_key() {
    let (devnet, rpc) = devnet().await;
    let sk = Sk::new();
    let account = sk.deploy(&rpc).await;
    for (name, relayed) in [("own", false), ("relayed", true)] {
        sk.new_session(&account, &rpc, name).await;
        let (request, session, key) = (format!("{name}.request.json"), format!("{name}.json"), format!("{name}.key"));
        sk.run(&["session", "sign", &request, "--owner-key", "owner.key", "--out", &session, "--yes"]).await.ok();
        let mut logout = vec!["session", "logout", session.as_str(), "--key", key.as_str(), "--rpc", rpc.as_str()];
        if relayed {
            logout.push("--via-relayer");
        }
        let mut json = logout.clone();
        json.push("--json");
        let out = sk.run(&json).await.json();
        let hash = out["session_hash"].as_str().unwrap().to_string();
        let sender = Felt::from_hex(out["sender"].as_str().unwrap()).unwrap();
        assert_eq!(sender == Felt::from_hex(&account).unwrap(), !relayed, "{out}");
        let report = sk.run(&["session", "inspect", &session, "--rpc", &rpc, "--json"]).await.json();
        assert_eq!(report["node"]["revoked"], true, "{report}");
        sk.run(&logout).await.fails(1, &format!("the session {hash} is revoked already"));
        let execute =
            ["session", "execute", &session, "--key", &key, "--call", "STRK:transfer:0x7e57,1,0", "--rpc", &rpc];
        sk.run(&execute).await.fails(1, "session/revoked");
    }
    drop(devnet);
}

/// Issue #24, finding 2: a message policy for a token's permits lets the session grant any
/// allowance, beyond its spending limits. `sk session new` refuses one unless asked on purpose,
/// and `sign` then warns in words; any message policy is said to be outside the limits.
#[tokio::test(flavor = "multi_thread")]
async fn permit_messages_are_refused_unless_allowed_on_purpose() {
    let sk = Sk::new();
    sk.run(&["account", "new-key", "--out", "owner.key"]).await.ok();
    let permit = serde_json::json!({
        "types": {
            "StarknetDomain": sk_session::typed_data::starknet_domain_type(),
            "Permit": [
                { "name": "token", "type": "ContractAddress" },
                { "name": "spender", "type": "ContractAddress" },
                { "name": "amount", "type": "u256" },
                { "name": "nonce", "type": "felt" },
                { "name": "deadline", "type": "u128" }
            ]
        },
        "primaryType": "Permit",
        "domain": { "name": "STRK", "version": "1", "chainId": "SN_SEPOLIA", "revision": "1" },
        "message": {
            "token": "0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d", "spender": "0xb0b",
            "amount": { "low": "0x1", "high": "0x0" }, "nonce": "0x0", "deadline": "2000000000"
        }
    });
    sk.write("permit.json", &permit.to_string());
    #[rustfmt::skip]
    let new = |extra: &[&'static str]| {
        let mut args = vec![
            "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
            "--spending-limit", "STRK:10", "--valid-for", "1h", "--allow-messages-like", "permit.json",
            "--key-out", "permit.key", "--out", "permit.request.json",
        ];
        args.extend_from_slice(extra);
        args
    };
    sk.run(&new(&[])).await.fails(1, "which are ERC-20 permits (OpenZeppelin's), which let a spender take");
    assert!(!sk.path("permit.key").exists());
    sk.run(&new(&["--allow-token-authorizing-messages"])).await.ok();
    let request: Value = serde_json::from_str(&sk.read("permit.request.json")).unwrap();
    assert_eq!(request["request"]["messages"][0]["token_authorizing"], true, "{request}");
    let sign = ["session", "sign", "permit.request.json", "--owner-key", "owner.key", "--out", "s.json", "--yes"];
    let signed = sk.run(&sign).await;
    signed.clean().ok();
    let summary = &signed.stderr;
    assert!(summary.contains("a signed message costs no fee and counts no transaction"), "{summary}");
    assert!(
        summary.contains("WARNING: these messages may authorize someone to take the account's tokens"),
        "{summary}"
    );
}
