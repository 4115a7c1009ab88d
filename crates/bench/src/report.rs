//! The tables (Markdown, printed and written to `report.md`) and the JSON files.
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::offchain::{Offchain, FLOOR, OURS, OURS_ARGENT, OURS_TS, X_SESSIONS};
use crate::onchain::{Onchain, Row, BASELINE, CACHED, OWNER, RELAYED};

/// Goal: our one-policy session transaction's fee (later use) ÷ Argent's session transaction's.
const FEE_GOAL: f64 = 0.85;
/// Goal: the fee of our session transaction under one balance-checked spending limit (later use)
/// ÷ Argent's session transaction's, which enforces no limit on-chain.
const LIMIT_GOAL: f64 = 1.0;
/// The row of a session under one spending limit, later use.
const LIMITED: &str = "ours · spending limit · later use";
/// Goal: a cached session transaction's fee ÷ our owner-signed transaction's.
const CACHED_GOAL: f64 = 1.08;
/// Goal: our SDK's signing time ÷ a plain starknet-rs owner account's.
const SIGNING_GOAL: f64 = 1.3;
/// Goal: our TypeScript package's signing time ÷ x-sessions' (its dApp's share, the guardian's
/// part left out): at least 100 times faster.
const TS_SIGNING_GOAL: f64 = 0.01;

/// The builtins shown as columns (all of them are in `onchain.json`).
const BUILTIN_COLUMNS: [&str; 4] = ["range_check", "poseidon", "pedersen", "ec_op"];

/// The machine the numbers come from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// CPU model.
    pub cpu: String,
    /// Logical cores available.
    pub cores: usize,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// Operating system.
    pub os: String,
    /// `release` or `debug` (timings of a debug build mean little).
    pub build: String,
}

impl Machine {
    /// This machine.
    pub fn current() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split(':').nth(1)))
            .map_or_else(|| std::env::consts::ARCH.to_string(), |model| model.trim().to_string());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kib: f64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0);
        let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let os = os_release
            .lines()
            .find_map(|line| line.strip_prefix("PRETTY_NAME="))
            .map_or_else(|| std::env::consts::OS.to_string(), |name| name.trim_matches('"').to_string());
        Self {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory_gib: (memory_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
            os,
            build: if cfg!(debug_assertions) { "debug" } else { "release" }.to_string(),
        }
    }
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where it ran.
    pub machine: Machine,
    /// The on-chain table.
    pub onchain: Onchain,
    /// The off-chain table.
    pub offchain: Offchain,
}

impl Report {
    /// A report of this machine's results.
    pub fn new(onchain: Onchain, offchain: Offchain) -> Self {
        Self { machine: Machine::current(), onchain, offchain }
    }

    /// Writes `onchain.json`, `offchain.json` and `report.md` into `dir` (created if missing).
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        let files = [
            ("onchain.json", pretty(&serde_json::json!({ "machine": self.machine, "onchain": self.onchain }))),
            ("offchain.json", pretty(&serde_json::json!({ "machine": self.machine, "offchain": self.offchain }))),
            ("report.md", self.markdown()),
        ];
        for (name, content) in files {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(Error::io(&path))?;
        }
        Ok(())
    }

    /// The whole report in Markdown: machine, on-chain table, off-chain table.
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::new();
        let _ = writeln!(out, "# Benchmark: sk session account vs Argent account {}\n", self.onchain.argent_version);
        let _ = writeln!(
            out,
            "Machine: {} ({} cores), {} GiB, {}; {} build.\n",
            m.cpu, m.cores, m.memory_gib, m.os, m.build
        );
        out.push_str(&self.onchain_table());
        out.push('\n');
        out.push_str(&self.sizes_table());
        out.push('\n');
        out.push_str(&self.relayed_table());
        out.push('\n');
        out.push_str(&self.offchain_table());
        out.push('\n');
        out.push_str(&self.goals_table());
        out
    }

    /// Session format 4's goals (docs/benchmarks.md, "Goals"), each a measured ratio: our
    /// one-policy session transaction and the same under one balance-checked spending limit
    /// (later use) against Argent's session transaction (which enforces no limit on-chain), the
    /// one-policy use against our own owner-signed transfer, and our SDK's signing against the
    /// floor of a plain starknet-rs owner account.
    pub fn goals_table(&self) -> String {
        let onchain = &self.onchain;
        let mut out = String::from(
            "## Goals of session format 4\n\n| measure | value | against | ratio | goal | met |\n|---|--:|--:|--:|--:|---|\n",
        );
        let mut line = |what: &str, value: String, against: String, ratio: f64, goal: f64| {
            let met = if ratio <= goal { "yes" } else { "no" };
            let _ = writeln!(out, "| {what} | {value} | {against} | {ratio:.2} | ≤ {goal:.2} | {met} |");
        };
        if let Some(argent) = row(onchain, BASELINE) {
            for (label, goal) in [(CACHED, FEE_GOAL), (LIMITED, LIMIT_GOAL)] {
                let Some(ours) = row(onchain, label) else { continue };
                line(
                    &format!("fee: {label} ÷ {BASELINE}"),
                    strk(ours.fee_starknet),
                    strk(argent.fee_starknet),
                    ours.fee_starknet as f64 / argent.fee_starknet.max(1) as f64,
                    goal,
                );
            }
        }
        if let (Some(cached), Some(owner)) = (row(onchain, CACHED), row(onchain, OWNER)) {
            line(
                &format!("fee: {CACHED} ÷ {OWNER}"),
                strk(cached.fee_starknet),
                strk(owner.fee_starknet),
                cached.fee_starknet as f64 / owner.fee_starknet.max(1) as f64,
                CACHED_GOAL,
            );
        }
        let o = &self.offchain;
        if let (Some(ours), Some(floor)) = (o.timings(OURS), o.timings(FLOOR)) {
            line(
                &format!("signing one transaction: {OURS} ÷ {FLOOR}"),
                format!("{:.1} µs", ours.sign_median_us),
                format!("{:.1} µs", floor.sign_median_us),
                ours.sign_median_us / floor.sign_median_us.max(f64::MIN_POSITIVE),
                SIGNING_GOAL,
            );
        }
        if let (Some(ts), Some(x)) = (o.timings(OURS_TS), o.timings(X_SESSIONS)) {
            line(
                &format!("signing one transaction in Node.js: {OURS_TS} ÷ {X_SESSIONS} (its dApp's share)"),
                format!("{:.1} µs", ts.sign_median_us),
                format!("{:.1} µs", x.client_median_us),
                ts.sign_median_us / x.client_median_us.max(f64::MIN_POSITIVE),
                TS_SIGNING_GOAL,
            );
        }
        out
    }

    /// The same session transfer relayed (SNIP-9 outside execution: the relayer's whole
    /// transaction, its own validation and fee included) beside the session's own transaction.
    pub fn relayed_table(&self) -> String {
        let onchain = &self.onchain;
        let mut out = String::from(
            "## Relayed (SNIP-9 outside execution) vs the session's own transaction\n\n\
             | transaction | L2 gas (Starknet metering) | fee, STRK (Starknet metering) | ÷ session transaction |\n|---|--:|--:|--:|\n",
        );
        let Some(own) = row(onchain, CACHED) else { return out };
        let _ = writeln!(
            out,
            "| {} | {} | {} | 1.00 |",
            own.label,
            thousands(own.l2_gas_starknet as f64),
            strk(own.fee_starknet)
        );
        for relayed in onchain.rows.iter().filter(|r| r.label.starts_with(RELAYED)) {
            let _ = writeln!(
                out,
                "| {} (paid by the relayer) | {} | {} | {:.2} |",
                relayed.label,
                thousands(relayed.l2_gas_starknet as f64),
                strk(relayed.fee_starknet),
                relayed.l2_gas_starknet as f64 / own.l2_gas_starknet.max(1) as f64
            );
        }
        out
    }

    /// The on-chain table, with ratios to Argent's session transaction.
    pub fn onchain_table(&self) -> String {
        let rows = &self.onchain.rows;
        let baseline = row(&self.onchain, BASELINE);
        let ratio = |value: f64, base: Option<f64>| match base {
            Some(base) if base > 0.0 => format!("{:.2}", value / base),
            _ => "–".to_string(),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## On-chain: one STRK transfer (ratios: ÷ \"{BASELINE}\")\n\n\
             | transaction | L2 gas (devnet) | ratio | L2 gas (Starknet metering) | ratio | L1 data gas | fee, STRK (Starknet metering) | ratio | steps | ratio | validate steps | {} | signature felts |\n\
             |---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|{}--:|",
            BUILTIN_COLUMNS.join(" | "),
            "--:|".repeat(BUILTIN_COLUMNS.len())
        );
        for row in rows {
            let builtins: Vec<String> =
                BUILTIN_COLUMNS.iter().map(|b| row.builtins.get(*b).copied().unwrap_or(0).to_string()).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                row.label,
                thousands(row.l2_gas as f64),
                ratio(row.l2_gas as f64, baseline.map(|b| b.l2_gas as f64)),
                thousands(row.l2_gas_starknet as f64),
                ratio(row.l2_gas_starknet as f64, baseline.map(|b| b.l2_gas_starknet as f64)),
                row.l1_data_gas,
                strk(row.fee_starknet),
                ratio(row.fee_starknet as f64, baseline.map(|b| b.fee_starknet as f64)),
                thousands(row.steps as f64),
                ratio(row.steps as f64, baseline.map(|b| b.steps as f64)),
                thousands(row.validate_steps as f64),
                builtins.join(" | "),
                row.signature_felts,
            );
        }
        let _ = writeln!(
            out,
            "\nL2 gas (devnet) and L1 data gas from the receipts: devnet 0.8.2 meters every Cairo 1 class in \
             Cairo steps. L2 gas (Starknet metering): the same signed transaction re-executed in-process with \
             each class metered as Starknet meters it (Sierra 1.7+ classes such as ours in Sierra gas; Argent \
             0.4.0 and the STRK token in steps). Steps and builtins: that transaction with every class \
             step-tracked (validate, execute, fee transfer and OS overhead)."
        );
        out
    }

    /// Sessions of each size, ours against Argent's (later use, L2 gas as Starknet meters it).
    pub fn sizes_table(&self) -> String {
        let rows = &self.onchain.rows;
        let later = |account: &str, policies: usize| {
            rows.iter().find(|r| {
                r.account == account && r.signer == "session" && r.policies == policies && r.use_of_session == "later"
            })
        };
        let mut sizes: Vec<usize> =
            rows.iter().filter(|r| r.account == "sk" && r.signer == "session").map(|r| r.policies).collect();
        sizes.dedup();
        let mut out = String::from(
            "## Sessions by size: ours ÷ Argent's, later use\n\n\
             | policies | L2 gas, ours (Starknet metering) | L2 gas, Argent | ratio | steps, ours | steps, Argent | ratio | \
             signature felts, ours | signature felts, Argent |\n|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        for size in sizes {
            let (Some(ours), Some(argent)) = (later("sk", size), later("argent-0.4.0", size)) else { continue };
            let _ = writeln!(
                out,
                "| {size} | {} | {} | {:.2} | {} | {} | {:.2} | {} | {} |",
                thousands(ours.l2_gas_starknet as f64),
                thousands(argent.l2_gas_starknet as f64),
                ours.l2_gas_starknet as f64 / argent.l2_gas_starknet.max(1) as f64,
                thousands(ours.steps as f64),
                thousands(argent.steps as f64),
                ours.steps as f64 / argent.steps.max(1) as f64,
                ours.signature_felts,
                argent.signature_felts,
            );
        }
        out
    }

    /// The off-chain table, with x-sessions' time divided by each implementation's.
    pub fn offchain_table(&self) -> String {
        let o = &self.offchain;
        let x = o.timings(X_SESSIONS);
        let speedup = |mine: f64, theirs: Option<f64>| match theirs {
            Some(theirs) if mine > 0.0 => format!("{:.1}×", theirs / mine),
            _ => "–".to_string(),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Off-chain: a session of {} policies; {} session transactions signed by each Rust implementation, {} by x-sessions\n\n\
             | implementation | build session, tree and every proof (median ms) | faster than x-sessions | \
             sign one transaction (median µs) | faster than x-sessions | of which guardian (median µs) | \
             dApp's share: sign less guardian (median µs) | faster than x-sessions |\n\
             |---|--:|--:|--:|--:|--:|--:|--:|",
            o.policies, o.transactions, o.xsessions_transactions
        );
        for t in &o.timings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} | {} | {} | {:.1} | {} |",
                t.name,
                // The floor builds no session.
                if t.build_ms.is_empty() { "–".to_string() } else { format!("{:.3}", t.build_median_ms) },
                if t.build_ms.is_empty() {
                    "–".to_string()
                } else {
                    speedup(t.build_median_ms, x.map(|x| x.build_median_ms))
                },
                t.sign_median_us,
                speedup(t.sign_median_us, x.map(|x| x.sign_median_us)),
                t.guardian_median_us.map_or_else(|| "–".to_string(), |g| format!("{g:.1}")),
                t.client_median_us,
                speedup(t.client_median_us, x.map(|x| x.client_median_us)),
            );
        }
        let _ = writeln!(
            out,
            "\nx-sessions {} with starknet.js {} on Node.js {}; {} build repetitions. Both Argent-format \
             implementations produce the same session hash ({}); the first transaction's signature is {} \
             ({} vs {}). Our format has no guardian. x-sessions' guardian (a local stand-in for Argent's \
             backend) also parses the request and recomputes the transaction hash; ours signs the hash it is \
             given: compare the dApp's share for like-for-like work.",
            o.x_sessions,
            o.starknet_js,
            o.node,
            o.build_repetitions,
            o.argent_session_hash,
            if o.first_signature_identical {
                "identical felt for felt"
            } else {
                "the same token but for ECDSA r, s values that differ and verify"
            },
            OURS_ARGENT,
            X_SESSIONS,
        );
        out
    }
}

/// The on-chain row labelled `label`.
fn row<'a>(onchain: &'a Onchain, label: &str) -> Option<&'a Row> {
    onchain.rows.iter().find(|row| row.label == label)
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()) + "\n"
}

/// FRI as STRK with 6 decimals (`0.012345`): enough to compare fees of one transaction.
fn strk(fri: u128) -> String {
    format!("{:.6}", fri as f64 / 1e18)
}

/// `1234567` → `1,234,567`.
fn thousands(value: f64) -> String {
    let digits = format!("{value:.0}");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_388_480.0), "1,388,480");
    }

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(crate::offchain::median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(crate::offchain::median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(crate::offchain::median(&[]), 0.0);
    }
}
