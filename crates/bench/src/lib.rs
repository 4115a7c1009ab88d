//! Side-by-side benchmarks of this stack against the system a user would pick instead.
//!
//! - **On-chain** ([`onchain`]): in one run on one embedded devnet (with Argent's classes
//!   predeclared), the same STRK `transfer` goes through our account (owner-signed, and sessions
//!   of 1 to 4,096 policies, first and later use) and through Argent's account 0.4.0
//!   (owner, owner + guardian, session, session with cached authorization). Each transaction is
//!   profiled in-process for Cairo steps and builtins, then sent; its receipt gives the gas.
//!   A rejected or reverted transaction fails the bench.
//! - **Off-chain** ([`offchain`]): building a session of 1,024 policies (tree and every proof) and
//!   signing 1,000 session transactions, in our Rust SDK (both our format and Argent's) and in
//!   `@argent/x-sessions` 9.0.4 with starknet.js 8.5.2 ([`xsessions`]), on the same machine.
//!
//! - **Load** ([`load`], `sk bench --load`, run on its own): 1,000 session transactions from one
//!   session one after another, then 100 at once, through the SDK's nonce hand-out; throughput
//!   and latency percentiles.
//!
//! [`report`] prints the tables and writes `onchain.json`, `offchain.json` and `report.md`.

#![warn(missing_docs)]

pub mod error;
pub mod load;
pub mod offchain;
pub mod onchain;
pub mod report;
pub mod xsessions;

use std::path::PathBuf;

use sk_devnet::Devnet;

pub use error::Error;
pub use load::LoadConfig;

/// The fee cap per transaction of the bench's sessions: 1 STRK, far above any measured row, so the
/// limits are enforced (and their cost measured) without ever binding.
pub const SESSION_MAX_FEE: u128 = 10u128.pow(18);
/// The fee budget of the bench's sessions: 10 STRK.
pub const SESSION_FEE_BUDGET: u128 = 10 * 10u128.pow(18);

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Session sizes (policy counts) for our account on-chain.
    pub policy_counts: Vec<usize>,
    /// Off-chain: policies in the session that is built and used.
    pub offchain_policies: usize,
    /// Off-chain: session transactions signed by the Rust SDK.
    pub offchain_transactions: usize,
    /// Off-chain: session transactions signed by x-sessions (each takes seconds with 1,024
    /// policies: x-sessions rebuilds the policy tree several times per transaction).
    pub xsessions_transactions: usize,
    /// Off-chain: how many times the session is built.
    pub build_repetitions: usize,
    /// Where the results go.
    pub out_dir: PathBuf,
}

impl Config {
    /// The full benchmark of the issue: sessions of 1, 16, 256 and 4,096 policies on-chain;
    /// off-chain, 1,024 policies and 1,000 transactions.
    pub fn full(out_dir: PathBuf) -> Self {
        Self {
            policy_counts: vec![1, 16, 256, 4096],
            offchain_policies: 1024,
            offchain_transactions: 1000,
            xsessions_transactions: 1000,
            build_repetitions: 5,
            out_dir,
        }
    }

    /// Every path once, with tiny sizes: what CI runs.
    pub fn smoke(out_dir: PathBuf) -> Self {
        Self {
            policy_counts: vec![1, 3],
            offchain_policies: 8,
            offchain_transactions: 3,
            xsessions_transactions: 3,
            build_repetitions: 1,
            out_dir,
        }
    }
}

/// Reports a step as the bench starts it (the CLI shows these as progress).
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Runs both benchmarks on a fresh embedded devnet and writes the results to `config.out_dir`.
pub async fn run(config: &Config, progress: Progress<'_>) -> Result<report::Report, Error> {
    // Fail now, not after the run, if the results cannot be written.
    std::fs::create_dir_all(&config.out_dir).map_err(Error::io(&config.out_dir))?;
    progress("starting a devnet with Argent's classes predeclared");
    let devnet = Devnet::start_with_argent().await?;
    let onchain = onchain::run(&devnet, &config.policy_counts, progress).await?;
    let offchain = offchain::run(&devnet, config, progress).await?;
    let report = report::Report::new(onchain, offchain);
    progress(&format!("writing results to {}", config.out_dir.display()));
    report.write(&config.out_dir)?;
    Ok(report)
}

/// Runs the load benchmark ([`load`]) on a fresh embedded devnet and writes `load.json` and
/// `load.md` to `out_dir`.
pub async fn run_load(
    config: LoadConfig,
    out_dir: &std::path::Path,
    progress: Progress<'_>,
) -> Result<load::Load, Error> {
    std::fs::create_dir_all(out_dir).map_err(Error::io(out_dir))?;
    progress("starting a devnet");
    let devnet = Devnet::start().await?;
    let load = load::run(&devnet, config, progress).await?;
    progress(&format!("writing results to {}", out_dir.display()));
    load.write(out_dir)?;
    Ok(load)
}
