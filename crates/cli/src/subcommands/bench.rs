//! `sk bench`: our session account and SDK side by side with Argent's account 0.4.0 and
//! `@argent/x-sessions`, in one run on one embedded devnet (see docs/benchmarks.md).
use std::path::PathBuf;

use clap::Args;
use sk_bench::{Config, LoadConfig};

use crate::output;

/// Benchmark against Argent: the same STRK transfer through our account and Argent's account
/// 0.4.0 (gas, steps, builtins), and session building and signing in our Rust SDK and in
/// @argent/x-sessions 9.0.4 (needs Node.js and npm; installs x-sessions on first run).
#[derive(Args)]
pub struct Bench {
    /// Run every path once with tiny sizes (what CI runs; the timings mean nothing). With
    /// --load: 20 sequential and 10 concurrent transactions.
    #[arg(long)]
    smoke: bool,
    /// Instead of the comparison: the load run, many session transactions from one session
    /// (1,000 one after another, then 100 at once) through the SDK's nonce hand-out, with
    /// throughput and latency percentiles; writes load.json and load.md.
    #[arg(long, conflicts_with_all = ["policies", "transactions", "xsessions_transactions"])]
    load: bool,
    /// With --load: transactions sent one after another (default 1,000; --smoke: 20).
    #[arg(long, value_name = "N", requires = "load")]
    sequential: Option<usize>,
    /// With --load: transactions sent at once (default 100; --smoke: 10).
    #[arg(long, value_name = "N", requires = "load")]
    concurrent: Option<usize>,
    /// Where to write onchain.json, offchain.json and report.md (load.json and load.md with --load).
    #[arg(long, value_name = "DIR", default_value = "bench-results")]
    out: PathBuf,
    /// Print the whole report as one JSON document on stdout instead of the tables.
    #[arg(long)]
    json: bool,
    /// Off-chain: policies in the session (default 1,024; --smoke: 8).
    #[arg(long, value_name = "N")]
    policies: Option<usize>,
    /// Off-chain: transactions the Rust SDK and our TypeScript package sign (default 1,000; --smoke:
    /// 3).
    #[arg(long, value_name = "N")]
    transactions: Option<usize>,
    /// Off-chain: transactions x-sessions signs (default: as --transactions). With 1,024 policies
    /// each takes about 2 s, so 1,000 take over half an hour.
    #[arg(long, value_name = "N")]
    xsessions_transactions: Option<usize>,
}

impl Bench {
    pub async fn run(self) -> anyhow::Result<()> {
        if self.load {
            return self.run_load().await;
        }
        let mut config = if self.smoke { Config::smoke(self.out.clone()) } else { Config::full(self.out.clone()) };
        if let Some(policies) = self.policies {
            anyhow::ensure!(policies >= 1, "--policies must be at least 1");
            config.offchain_policies = policies;
        }
        if let Some(transactions) = self.transactions {
            anyhow::ensure!(transactions >= 1, "--transactions must be at least 1");
            config.offchain_transactions = transactions;
            config.xsessions_transactions = transactions;
        }
        if let Some(transactions) = self.xsessions_transactions {
            anyhow::ensure!(transactions >= 1, "--xsessions-transactions must be at least 1");
            config.xsessions_transactions = transactions;
        }
        let progress = |step: &str| eprintln!("• {step}");
        let report = sk_bench::run(&config, &progress).await?;
        if self.json {
            return output::print_json(&report);
        }
        println!("{}", report.markdown());
        eprintln!("Results written to {}", self.out.display());
        Ok(())
    }

    async fn run_load(self) -> anyhow::Result<()> {
        let mut config = if self.smoke { LoadConfig::SMOKE } else { LoadConfig::FULL };
        if let Some(sequential) = self.sequential {
            config.sequential = sequential;
        }
        if let Some(concurrent) = self.concurrent {
            config.concurrent = concurrent;
        }
        anyhow::ensure!(config.sequential + config.concurrent >= 1, "--sequential and --concurrent send nothing");
        let progress = |step: &str| eprintln!("• {step}");
        let load = sk_bench::run_load(config, &self.out, &progress).await?;
        if self.json {
            return output::print_json(&load);
        }
        println!("{}", load.markdown());
        eprintln!("Results written to {}", self.out.display());
        Ok(())
    }
}
