//! The load run (`sk bench --load`): many session transactions from one session on an embedded
//! devnet, first one after another, then all at once, as a dApp's backend sends them. Every
//! transaction goes through [`SessionAccount::send_in_order`], the SDK's nonce hand-out, and must
//! succeed; the run then checks that the account's nonce, the session's transaction count and
//! the recipient's balance moved by exactly the number sent. It reports throughput and latency
//! percentiles (from the start of a send to its receipt).
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde::Serialize;
use sk_contracts::SESSION_KEY_ACCOUNT;
use sk_devnet::{strk_balance, strk_transfer, wait_for_receipt, Devnet, Provider};
use sk_session::{session_usage, SessionAccount};
use starknet::core::types::{BlockId, BlockTag, Felt};
use starknet::providers::Provider as _;
use starknet::signers::SigningKey;

use crate::error::Error;
use crate::onchain::{declare_ours, key, now, RECIPIENT};
use crate::report::Machine;
use crate::Progress;

/// How many transactions each phase sends.
#[derive(Debug, Clone, Copy)]
pub struct LoadConfig {
    /// Sent one after another, each after the last one's receipt.
    pub sequential: usize,
    /// Sent at once.
    pub concurrent: usize,
}

impl LoadConfig {
    /// The load: 1,000 sequential and 100 concurrent transactions.
    pub const FULL: Self = Self { sequential: 1000, concurrent: 100 };
    /// A small run, for CI.
    pub const SMOKE: Self = Self { sequential: 20, concurrent: 10 };
}

/// Latency percentiles of a phase, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// The slowest.
    pub max: f64,
}

/// One phase's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// `sequential` or `concurrent`.
    pub name: String,
    /// Transactions sent (every one succeeded: a failure stops the run).
    pub transactions: usize,
    /// Transactions that failed: always 0 in a written report.
    pub failures: usize,
    /// Wall time of the phase, seconds.
    pub seconds: f64,
    /// Transactions per second over the phase.
    pub per_second: f64,
    /// From the start of each send to its receipt.
    pub latency_ms: Latency,
}

/// The load run's results.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    /// Where it ran.
    pub machine: Machine,
    /// The phases, in the order they ran.
    pub phases: Vec<Phase>,
    /// The account's nonce before the run and after it: after − before = the transactions sent.
    pub nonces: (u64, u64),
}

/// Deploys an account with one session on `devnet` and sends `config`'s transactions from it.
pub async fn run(devnet: &Devnet, config: LoadConfig, progress: Progress<'_>) -> Result<Load, Error> {
    progress("declaring our account class and deploying an account");
    declare_ours(devnet).await?;
    let owner = key(0x0be5c2);
    let (address, _) = devnet.deploy_account(SESSION_KEY_ACCOUNT.class_hash, owner.clone(), Felt::ONE).await?;
    let total = config.sequential + config.concurrent;
    let session_key: SigningKey = key(0x5e55_4000);
    let signed = sk_session::SessionRequest::builder(session_key.verifying_key().scalar())
        .valid_after(0)
        .valid_until(now() + 86_400)
        .max_fee(crate::SESSION_MAX_FEE)
        .fee_budget(crate::SESSION_MAX_FEE.saturating_mul(total as u128))
        .max_transactions(u32::try_from(total).unwrap_or(u32::MAX))
        .allow(sk_devnet::STRK, "transfer")
        .build()?
        .sign(address, devnet.chain_id(), &owner)?;
    let session = SessionAccount::new(devnet.provider(), signed.clone(), session_key)?;
    let provider = devnet.provider();
    let nonce_before = nonce(&provider, address).await?;
    let received_before = strk_balance(&provider, RECIPIENT).await?;

    let mut phases = Vec::new();
    progress(&format!("sending {} session transactions one after another", config.sequential));
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(config.sequential);
    for i in 0..config.sequential {
        latencies.push(send(&session, &provider, i).await?);
    }
    phases.push(phase("sequential", started.elapsed(), latencies));

    progress(&format!("sending {} session transactions at once", config.concurrent));
    let started = Instant::now();
    let sends = (0..config.concurrent).map(|i| send(&session, &provider, config.sequential + i));
    let results = join_all(sends).await;
    let elapsed = started.elapsed();
    let failures: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    if let Some(first) = failures.first() {
        return Err(Error::rejected(
            "concurrent session transactions",
            format!("{} of {} failed; the first: {first}", failures.len(), config.concurrent),
        ));
    }
    phases.push(phase("concurrent", elapsed, results.into_iter().filter_map(Result::ok).collect()));

    // What the chain says: every transaction counted once, with its own nonce.
    let nonce_after = nonce(&provider, address).await?;
    let block = BlockId::Tag(BlockTag::PreConfirmed);
    let usage = session_usage(&provider, address, signed.hash(), block).await?;
    let received = strk_balance(&provider, RECIPIENT).await? - received_before;
    let sent = total as u64;
    if nonce_after - nonce_before != sent || u64::from(usage.transactions) != sent || received != u128::from(sent) {
        return Err(Error::Unexpected(format!(
            "{sent} transactions sent, but the nonce moved by {}, the session counts {} and the recipient received {received} FRI",
            nonce_after - nonce_before,
            usage.transactions
        )));
    }
    Ok(Load { machine: Machine::current(), phases, nonces: (nonce_before, nonce_after) })
}

/// Sends transaction `i` (a transfer of 1 FRI) through the SDK's in-order sending and waits for
/// its receipt; returns how long that took.
async fn send(session: &SessionAccount<Provider>, provider: &Provider, i: usize) -> Result<Duration, Error> {
    let scenario = || format!("session transaction {}", i + 1);
    let started = Instant::now();
    let sent =
        session.send_in_order(vec![strk_transfer(RECIPIENT, 1)]).await.map_err(|e| Error::rejected(&scenario(), e))?;
    wait_for_receipt(provider, sent.transaction_hash).await.map_err(|e| Error::rejected(&scenario(), e))?;
    Ok(started.elapsed())
}

async fn nonce(provider: &Provider, address: Felt) -> Result<u64, Error> {
    let nonce = provider.get_nonce(BlockId::Tag(BlockTag::PreConfirmed), address).await?;
    u64::try_from(nonce).map_err(|_| Error::Unexpected(format!("the account's nonce {nonce:#x} is not a u64")))
}

fn phase(name: &str, elapsed: Duration, mut latencies: Vec<Duration>) -> Phase {
    latencies.sort();
    let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
    // Nearest rank: the smallest latency at or above `p` percent of them.
    let percentile = |p: f64| {
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies.get(rank.saturating_sub(1)).copied().map_or(0.0, ms)
    };
    let seconds = elapsed.as_secs_f64();
    Phase {
        name: name.to_string(),
        transactions: latencies.len(),
        failures: 0,
        seconds: (seconds * 100.0).round() / 100.0,
        per_second: if seconds > 0.0 { (latencies.len() as f64 / seconds * 10.0).round() / 10.0 } else { 0.0 },
        latency_ms: Latency {
            p50: percentile(50.0),
            p90: percentile(90.0),
            p99: percentile(99.0),
            max: latencies.last().copied().map_or(0.0, ms),
        },
    }
}

impl Load {
    /// The table, in Markdown.
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::from("## Load: one session, sent through the SDK's nonce hand-out\n\n");
        let _ = writeln!(
            out,
            "Machine: {} ({} cores), {} GiB, {}; {} build.\n",
            m.cpu, m.cores, m.memory_gib, m.os, m.build
        );
        out.push_str("| Phase | Transactions | Failures | Seconds | Tx/s | p50 ms | p90 ms | p99 ms | max ms |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for p in &self.phases {
            let l = &p.latency_ms;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
                p.name, p.transactions, p.failures, p.seconds, p.per_second, l.p50, l.p90, l.p99, l.max
            );
        }
        let (before, after) = self.nonces;
        let _ = writeln!(
            out,
            "\nThe account's nonce went from {before} to {after}: one per transaction, none lost or reused."
        );
        out
    }

    /// Writes `load.json` and `load.md` into `dir` (created if missing).
    pub fn write(&self, dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        let json = serde_json::to_string_pretty(self).unwrap_or_else(|e| unreachable!("serializing figures: {e}"));
        for (name, content) in [("load.json", json + "\n"), ("load.md", self.markdown())] {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(Error::io(&path))?;
        }
        Ok(())
    }
}
