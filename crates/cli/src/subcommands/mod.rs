mod demo;

use clap::Subcommand;

/// The subcommands, by noun.
#[derive(Subcommand)]
pub enum Command {
    /// Run the whole story on an embedded devnet (or --rpc URL): declare, deploy, transact.
    Demo(demo::Demo),
}

impl Command {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            Command::Demo(demo) => demo.run().await,
        }
    }
}
