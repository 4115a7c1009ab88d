//! `sk`: deploy session-key accounts and drive them, on an embedded devnet or any Starknet node.
mod error;
mod files;
mod network;
mod output;
mod owner;
mod parse;
mod progress;
mod subcommands;
mod time;

use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(name = "sk", version, about = "Starknet session keys: deploy accounts, drive sessions, run the demo")]
struct Cli {
    #[command(subcommand)]
    command: subcommands::Command,
    /// On an error of the account contract, also print the node's whole answer.
    #[arg(long, global = true)]
    verbose: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbose = cli.verbose;
    match cli.command.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors carry text from files and nodes: no control character reaches the terminal
            // (each part is escaped where it is made; this is the last line of defence).
            eprintln!("Error: {}", sk_session::escape_keeping_lines(&error::explain(&err, verbose)));
            ExitCode::FAILURE
        }
    }
}
