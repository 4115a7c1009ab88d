//! `sk devnet`: an in-process starknet-devnet that runs until Ctrl-C.
use anyhow::Context;
use clap::Args;
use serde::Serialize;
use sk_devnet::{Devnet, DEVNET_SEED};

use crate::output::hex;
use crate::parse;

/// Run a devnet on 127.0.0.1 until Ctrl-C, and print its URL and a funded account.
#[derive(Args)]
pub struct RunDevnet {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 5050)]
    port: u16,
    /// Seed of the predeployed accounts' keys (the same seed gives the same accounts).
    #[arg(long, default_value_t = DEVNET_SEED)]
    seed: u32,
    /// Print one line of JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Started {
    url: String,
    chain_id: String,
    seed: u32,
    account: FundedAccount,
}

#[derive(Serialize)]
struct FundedAccount {
    address: String,
    private_key: String,
    public_key: String,
}

impl RunDevnet {
    pub async fn run(self) -> anyhow::Result<()> {
        let devnet = Devnet::start_at(self.port, self.seed)
            .await
            .with_context(|| format!("starting the devnet on port {}", self.port))?;
        let funded = devnet
            .client()
            .predeployed_accounts()
            .await?
            .into_iter()
            .next()
            .context("the devnet has no predeployed account")?;
        let started = Started {
            url: devnet.url().to_string(),
            chain_id: parse::chain_name(devnet.chain_id()),
            seed: self.seed,
            account: FundedAccount {
                address: hex(funded.address),
                private_key: hex(funded.private_key),
                public_key: hex(funded.public_key),
            },
        };
        if self.json {
            println!("{}", serde_json::to_string(&started)?);
        } else {
            println!("devnet listening at {} (chain {}, seed {})", started.url, started.chain_id, started.seed);
            println!("funded account:");
            println!("  address     {}", started.account.address);
            println!("  private key {}", started.account.private_key);
            println!("  public key  {}", started.account.public_key);
            println!("try: sk account deploy --key owner.key --rpc {}", started.url);
        }
        eprintln!("press Ctrl-C to stop the devnet (its state is lost)");
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        eprintln!("devnet stopped");
        drop(devnet);
        Ok(())
    }
}
