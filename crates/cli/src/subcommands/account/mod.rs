mod deploy;
mod new_key;

use clap::Subcommand;

/// `sk account …`
#[derive(Subcommand)]
pub enum AccountCommand {
    /// Generate a random Stark private key into a new key file (mode 0600).
    NewKey(new_key::NewKey),
    /// Deploy a session-key account owned by a key file (declaring the class if needed).
    Deploy(deploy::Deploy),
}

impl AccountCommand {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            AccountCommand::NewKey(command) => command.run(),
            AccountCommand::Deploy(command) => command.run().await,
        }
    }
}
