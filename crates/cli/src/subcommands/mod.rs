mod account;
mod bench;
mod dapp;
mod demo;
mod devnet;
mod session;
mod typed_data;

use clap::Subcommand;

/// The subcommands, by noun.
#[derive(Subcommand)]
pub enum Command {
    /// Run the whole story on an embedded devnet (or --rpc URL): deploy, sessions, rejections.
    Demo(demo::Demo),
    /// Benchmark against Argent's account 0.4.0 and @argent/x-sessions (--smoke: tiny sizes).
    Bench(bench::Bench),
    /// Run a local devnet until Ctrl-C, for trying the other commands with --rpc.
    Devnet(devnet::RunDevnet),
    /// Serve the example dApp page (a tip jar) on an embedded devnet, with a paymaster and a wallet.
    Dapp(dapp::Dapp),
    /// Owner keys and account deployment.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// Session keys: create, sign, inspect, use and revoke sessions.
    /// (Boxed: its arguments are many times the size of the others'.)
    #[command(subcommand)]
    Session(Box<session::SessionCommand>),
    /// SNIP-12 typed data: check what a wallet is asked to sign.
    #[command(subcommand)]
    TypedData(typed_data::TypedDataCommand),
}

impl Command {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            Command::Demo(command) => command.run().await,
            Command::Bench(command) => command.run().await,
            Command::Devnet(command) => command.run().await,
            Command::Dapp(command) => command.run().await,
            Command::Account(command) => command.run().await,
            Command::Session(command) => (*command).run().await,
            Command::TypedData(command) => command.run().await,
        }
    }
}
