// A session on one of Argent's accounts (0.4.0), in the format `@argent/x-sessions` builds: the
// README's "Sessions on Argent accounts", built by the tests and run by them against Argent's
// class on devnet (tests/e2e/argent.rs), on an Argent account with a guardian.
//
//   STARKNET_RPC=… ARGENT_ACCOUNT=0x… OWNER_KEY=owner.key GUARDIAN_KEY=guardian.key \
//     cargo run --example argent
use std::error::Error as StdError;

use sk_session::argent::{AllowedMethod, ArgentSession, ArgentSessionSigner};
use sk_session::{SessionAccount, STRK_TOKEN};
use starknet::accounts::Account;
use starknet::core::types::{BlockId, BlockTag, Call, Felt};
use starknet::macros::selector;
use starknet::providers::jsonrpc::HttpTransport;
use starknet::providers::{JsonRpcClient, Provider, Url};
use starknet::signers::SigningKey;

type Result<T, E = Box<dyn StdError>> = std::result::Result<T, E>;

#[tokio::main]
async fn main() {
    if let Err(err) = from_env().await {
        eprintln!("Error: {err}");
        std::process::exit(1);
    }
}

async fn from_env() -> Result<()> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let key = |name: &str| -> Result<SigningKey> {
        let secret = std::fs::read_to_string(var(name)?)?;
        Ok(SigningKey::from_secret_scalar(Felt::from_hex(secret.trim())?))
    };
    let rpc = Url::parse(&var("STARKNET_RPC")?)?;
    let account = Felt::from_hex(&var("ARGENT_ACCOUNT")?)?;
    let recipient = Felt::from_hex("0x7e57")?;
    let sent = run(rpc, account, &key("OWNER_KEY")?, key("GUARDIAN_KEY")?, recipient).await?;
    println!("sent 1 FRI with an Argent session: transaction {sent:#x}");
    Ok(())
}

/// Opens an hour-long session for STRK transfers on the Argent `account` and sends one of
/// 1 FRI to `recipient` with it; returns the transaction hash.
pub async fn run(rpc: Url, account: Felt, owner: &SigningKey, guardian: SigningKey, recipient: Felt) -> Result<Felt> {
    let provider = JsonRpcClient::new(HttpTransport::new(rpc));
    let chain_id = provider.chain_id().await?;
    let expires_at = sk_session::block_time(&provider, BlockId::Tag(BlockTag::Latest)).await? + 3600;

    let session_key = SigningKey::from_random();
    let methods = vec![AllowedMethod::new(STRK_TOKEN, "transfer")];
    let session =
        ArgentSession::new(session_key.verifying_key().scalar(), expires_at, methods, r#"{"projectID":"demo"}"#)?;
    // What the owner's wallet shows and signs, and Argent's guardian co-signs: here both keys sign.
    let _typed_data = session.typed_data(chain_id);
    let authorization = session.authorize(account, chain_id, owner, &guardian)?;

    // Every session transaction is co-signed by the guardian: Argent's backend in production
    // (implement `sk_session::argent::Guardian`), a local key for an account whose guardian you hold.
    let signer = ArgentSessionSigner::new(session, account, chain_id, authorization, session_key, guardian)?;
    let account = SessionAccount::with_signer(provider, account, chain_id, signer);
    let transfer =
        Call { to: STRK_TOKEN, selector: selector!("transfer"), calldata: vec![recipient, Felt::ONE, Felt::ZERO] };
    Ok(account.execute_v3(vec![transfer]).send().await?.transaction_hash)
}
