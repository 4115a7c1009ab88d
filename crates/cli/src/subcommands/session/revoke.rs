//! `sk session revoke`, `revoke-all` and `register`: the owner's transactions about sessions
//! (docs/protocol.md §4, "Revocation", "Epoch", "Authorization cache"), each an owner-signed
//! transaction of the account.
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;
use sk_session::{revoke_all_sessions_call, revoke_session_call, SignedSession};

use super::read_session;
use super::summary::{confirm, summary};
use crate::network::{Node, RpcArgs};
use crate::output::hex;
use crate::owner::{report, send_as_owner, OwnerArgs};

/// Revoke a session: an owner-signed transaction calling the account's `revoke_session` with the
/// session hash. Every later transaction of the session is rejected.
#[derive(Args)]
pub struct Revoke {
    #[command(flatten)]
    args: OwnerSessionArgs,
}

/// Revoke every session of an account at once: an owner-signed transaction calling
/// `revoke_all_sessions`, which moves the account's owner epoch on. Sessions signed before are
/// rejected ('session/stale-epoch'); new ones name the new epoch.
#[derive(Args)]
pub struct RevokeAll {
    #[command(flatten)]
    owner: OwnerArgs,
}

/// Register a session: an owner-signed transaction calling `register_session`, which records in
/// the account that the owner authorizes the session. Registering is an authorization, like
/// signing: the account then accepts the session's transactions (the first too) without the owner
/// signature, so they are shorter and cheaper.
///
/// What the session grants is printed first and the command asks for confirmation (--yes for
/// scripts, needed when stdin is not a terminal). The session file must carry the on-chain owner's
/// signature of the session; a session the owner never signed is registered only with
/// --authorize-here, which says that the owner authorizes it by this transaction alone.
#[derive(Args)]
pub struct Register {
    #[command(flatten)]
    args: OwnerSessionArgs,
    /// Register without asking for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Register a session whose file carries no valid owner signature: the owner authorizes it by
    /// this registration alone.
    #[arg(long)]
    authorize_here: bool,
}

/// The arguments of an owner transaction about one session.
#[derive(Args)]
struct OwnerSessionArgs {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The session file.
    session: PathBuf,
    /// Key file of the account's owner.
    #[arg(long)]
    owner_key: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

impl Revoke {
    pub async fn run(self) -> anyhow::Result<()> {
        let args = self.args;
        let (session, node) = session_on_node(&args.session, &args.rpc, "revoking a session").await?;
        let (address, hash) = (session.account(), session.hash());
        if node.is_revoked(address, hash).await? {
            bail!("the session {} is revoked already ('{}')", hex(hash), sk_contracts::errors::SESSION_ALREADY_REVOKED);
        }
        let call = revoke_session_call(address, hash);
        let mut sent = send_as_owner(&node, address, &args.owner_key, call, "revoke_session").await?;
        sent.session_hash = Some(hex(hash));
        report(&sent, args.json, &format!("revoked session {} of {}", hex(hash), hex(address)))
    }
}

impl RevokeAll {
    pub async fn run(self) -> anyhow::Result<()> {
        let OwnerArgs { rpc, account, owner_key, json } = self.owner;
        let node = rpc.require("revoking all sessions").await?;
        let call = revoke_all_sessions_call(account);
        let mut sent = send_as_owner(&node, account, &owner_key, call, "revoke_all_sessions").await?;
        let epoch = node.epoch(account).await?;
        sent.epoch = Some(epoch);
        let done = format!(
            "revoked every session of {} signed before: its owner epoch is now {epoch:#x} (new sessions name it)",
            hex(account)
        );
        report(&sent, json, &done)
    }
}

impl Register {
    pub async fn run(self) -> anyhow::Result<()> {
        let args = self.args;
        let (session, node) = session_on_node(&args.session, &args.rpc, "registering a session").await?;
        let (address, hash) = (session.account(), session.hash());
        let owner = node.owner(address).await?;
        match (session.verify_owner(owner), self.authorize_here) {
            (Ok(()), _) => {}
            (Err(_), true) => eprintln!(
                "warning: {} carries no valid signature of the owner {}: registering it is the owner's only \
                 authorization of this session (--authorize-here)",
                args.session.display(),
                hex(owner)
            ),
            (Err(_), false) => {
                let what = if session.owner_signature().is_empty() {
                    "no owner signature"
                } else {
                    "a signature that is not the on-chain owner's"
                };
                bail!(
                    "{} carries {what} ({}), so the owner never signed this session; registering it would \
                     authorize it all the same. Read what it grants with `sk session inspect`, and pass \
                     --authorize-here if the owner authorizes it by this registration",
                    args.session.display(),
                    hex(owner)
                );
            }
        }
        if node.is_revoked(address, hash).await? {
            bail!(
                "the session {} is revoked ('{}'): it cannot be registered",
                hex(hash),
                sk_contracts::errors::SESSION_REVOKED
            );
        }
        let epoch = node.epoch(address).await?;
        if epoch != session.request().epoch() {
            return Err(sk_session::Error::StaleEpoch { session: session.request().epoch(), account: epoch }.into());
        }
        if node.usage(address, hash).await?.authorized {
            bail!(
                "the account has recorded this session's authorization already ('{}'): its transactions are short already",
                sk_contracts::errors::SESSION_ALREADY_REGISTERED
            );
        }
        eprintln!("{}", summary(address, session.chain_id(), session.request(), "register"));
        if !self.yes {
            confirm("register")?;
        }
        let mut sent =
            send_as_owner(&node, address, &args.owner_key, session.register_call(), "register_session").await?;
        sent.session_hash = Some(hex(hash));
        report(&sent, args.json, &format!("registered session {} of {}", hex(hash), hex(address)))
    }
}

/// The session file at `path` and the node (required for `what`) of its chain.
async fn session_on_node(path: &Path, rpc: &RpcArgs, what: &str) -> anyhow::Result<(SignedSession, Node)> {
    let session = read_session(path)?;
    let node = rpc.require(what).await?;
    node.check_chain(session.chain_id(), "the session")?;
    Ok((session, node))
}
