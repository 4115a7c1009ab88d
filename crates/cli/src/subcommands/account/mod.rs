mod admin;
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
    /// Hand the account to a new owner key, which signs the rotation (ends every session).
    SetOwner(admin::SetOwner),
    /// Replace the account's class by a declared one, keeping its storage.
    Upgrade(admin::Upgrade),
}

impl AccountCommand {
    pub async fn run(self) -> anyhow::Result<()> {
        match self {
            AccountCommand::NewKey(command) => command.run(),
            AccountCommand::Deploy(command) => command.run().await,
            AccountCommand::SetOwner(command) => command.run().await,
            AccountCommand::Upgrade(command) => command.run().await,
        }
    }
}
