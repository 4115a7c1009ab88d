//! What the CLI tests share: a working directory to run the `sk` binary in, and what a run printed.
#![allow(dead_code)] // Each test file uses its own part.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use serde_json::Value;
use sk_devnet::Devnet;

/// A working directory and the `sk` binary.
pub struct Sk {
    pub dir: tempfile::TempDir,
}

/// What a run of `sk` printed, and how it ended.
#[derive(Debug)]
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts success; returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "sk failed:\n{}", self.stderr);
        &self.stdout
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(self.ok()).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Asserts that nothing `sk` printed holds a control character (but line breaks), an escape
    /// sequence or another character that acts on the terminal instead of showing.
    pub fn clean(&self) -> &Self {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let hidden: Vec<char> = text.chars().filter(|c| *c != '\n' && sk_session::is_hidden_char(*c)).collect();
            assert!(hidden.is_empty(), "{name} holds {hidden:?}:\n{text}");
        }
        self
    }

    /// Asserts that `sk` failed with exit code `code` and `needle` on stderr.
    pub fn fails(&self, code: i32, needle: &str) {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}:\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        assert!(self.stderr.contains(needle), "expected `{needle}` on stderr, got:\n{}", self.stderr);
    }
}

impl Sk {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    pub fn chmod(&self, name: &str, mode: u32) {
        std::fs::set_permissions(self.path(name), std::fs::Permissions::from_mode(mode)).unwrap();
    }

    pub async fn run(&self, args: &[&str]) -> Out {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sk"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("STARKNET_RPC")
            .output()
            .await
            .expect("sk runs");
        Out {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// A deployed account owned by `owner.key`; returns its address.
    pub async fn deploy(&self, rpc: &str) -> String {
        self.run(&["account", "new-key", "--out", "owner.key"]).await.ok();
        let deployed = self.run(&["account", "deploy", "--key", "owner.key", "--rpc", rpc, "--json"]).await.json();
        assert_eq!(deployed["already_deployed"], false, "{deployed}");
        deployed["address"].as_str().unwrap().to_string()
    }

    /// `sk session new` for STRK transfer and approve, 1h; returns its JSON output.
    pub async fn new_session(&self, account: &str, rpc: &str, name: &str) -> Value {
        let key = format!("{name}.key");
        let request = format!("{name}.request.json");
        let typed = format!("{name}.typed.json");
        #[rustfmt::skip]
        let args = [
            "session", "new", "--account", account, "--policy", "STRK:transfer", "--policy", "STRK:approve",
            "--valid-for", "1h", "--key-out", &key, "--out", &request, "--typed-data-out", &typed,
            "--max-fee", "0.05", "--fee-budget", "1", "--max-transactions", "10", "--rpc", rpc, "--json",
        ];
        self.run(&args).await.json()
    }

    /// An offline session file `session.json` (key `session.key`) for account 0x123 on
    /// SN_SEPOLIA, signed by `owner.key`.
    pub async fn offline_session(&self) {
        self.run(&["account", "new-key", "--out", "owner.key"]).await.ok();
        #[rustfmt::skip]
        let args = [
            "session", "new", "--account", "0x123", "--chain-id", "SN_SEPOLIA", "--policy", "STRK:transfer",
            "--valid-for", "2d", "--key-out", "session.key", "--out", "request.json",
        ];
        self.run(&args).await.ok();
        self.run(&["session", "sign", "request.json", "--owner-key", "owner.key", "--out", "session.json", "--yes"])
            .await
            .ok();
    }
}

pub async fn devnet() -> (Devnet, String) {
    let devnet = Devnet::start().await.expect("devnet starts");
    let url = devnet.url().to_string();
    (devnet, url)
}
