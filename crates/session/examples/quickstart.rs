// A dApp's session from start to end, on a node that runs our account (`sk devnet`, then
// `sk account deploy`): the README's "The SDK" section, built and run by the tests.
//
//   STARKNET_RPC=http://127.0.0.1:5050/rpc ACCOUNT=0x… OWNER_KEY=owner.key cargo run
use std::error::Error as StdError;
use std::time::Duration;

use sk_session::{
    format_strk, format_token_amount, Error, SessionAccount, SessionRequest, SessionSendError, SignError,
    SignedSession, STRK_TOKEN,
};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Call, ExecutionResult, Felt, StarknetError};
use starknet::macros::selector;
use starknet::providers::jsonrpc::HttpTransport;
use starknet::providers::{JsonRpcClient, Provider, ProviderError, Url};
use starknet::signers::SigningKey;

type Result<T, E = Box<dyn StdError>> = std::result::Result<T, E>;

const STRK: u128 = 1_000_000_000_000_000_000; // 1 STRK in its base unit (FRI)
const RECIPIENT: Felt = Felt::from_hex_unchecked("0x7e57");

#[tokio::main]
async fn main() {
    if let Err(err) = from_env().await {
        eprintln!("Error: {err}"); // every error of the SDK says in words what went wrong
        std::process::exit(1);
    }
}

async fn from_env() -> Result<()> {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
    let rpc = Url::parse(&var("STARKNET_RPC", "http://127.0.0.1:5050/rpc"))?;
    let account =
        Felt::from_hex(&var("ACCOUNT", "")).map_err(|_| "set ACCOUNT to the address `sk account deploy` printed")?;
    let owner_key = std::fs::read_to_string(var("OWNER_KEY", "owner.key"))?;
    run(rpc, account, SigningKey::from_secret_scalar(Felt::from_hex(owner_key.trim())?)).await
}

/// What the dApp asks, what the owner signs once, and what the session key then does alone.
pub async fn run(rpc: Url, account: Felt, owner_key: SigningKey) -> Result<()> {
    let provider = JsonRpcClient::new(HttpTransport::new(rpc));
    let chain_id = provider.chain_id().await?;
    // Windows are checked against the chain's clock, which may differ from this machine's.
    let now = sk_session::block_time(&provider, BlockId::Tag(BlockTag::Latest)).await?;

    // 1. The dApp: a new session key, and what the session may do and cost.
    let session_key = SigningKey::from_random();
    let request = SessionRequest::builder(session_key.verifying_key().scalar())
        .valid_until(now + 3600) // for one hour
        .max_fee(STRK / 20) // at most 0.05 STRK of fee per transaction…
        .fee_budget(STRK) // …and 1 STRK of fees in all
        .max_transactions(100)
        .spending_limit(STRK_TOKEN, STRK / 10) // 0.1 STRK may leave the account, fees aside
        .allow(STRK_TOKEN, "transfer")
        .build()?;

    // 2. The owner signs once. A wallet signs `request.typed_data(chain_id)` (starknet.js:
    // `account.signMessage(typedData)`), and the dApp keeps the signature with
    // `request.with_owner_signature(account, chain_id, signature)`. Here the owner's key signs.
    let session: SignedSession = request.sign(account, chain_id, &owner_key)?;
    println!("the owner signed session {:#x}", session.hash());

    // 3. The dApp keeps the session (a file, a database); reading it back checks it again.
    let json = session.to_json();
    let session = SignedSession::from_json(&json)?;

    // 4. Later, with only the session and its key. `connect` asks the node first whether the
    // chain, the account's owner, revocation and the owner's epoch agree with the session.
    let account = SessionAccount::connect(provider, session, session_key).await?;
    let sent = account.execute_v3(vec![transfer(RECIPIENT, STRK / 100)]).send().await?;
    included(account.provider(), sent.transaction_hash).await?;
    println!("sent 0.01 STRK with the session key alone: transaction {:#x}", sent.transaction_hash);

    // 5. What the session does not allow is refused before anything is signed or sent.
    match account.execute_v3(vec![transfer(RECIPIENT, STRK / 5)]).send().await {
        Err(SessionSendError::Signing(SignError::Session(err @ Error::SpendingLimitExceeded { .. }))) => {
            println!("refused: {err}")
        }
        other => return Err(format!("0.2 STRK should be over the limit: {other:?}").into()),
    }
    let approve =
        Call { to: STRK_TOKEN, selector: selector!("approve"), calldata: vec![RECIPIENT, 1u8.into(), 0u8.into()] };
    match account.execute_v3(vec![approve]).send().await {
        Err(SessionSendError::Signing(SignError::Session(err @ Error::CallNotAllowed { .. }))) => {
            println!("refused: {err}")
        }
        other => return Err(format!("`approve` is not in the session's policies: {other:?}").into()),
    }

    // 6. What is left of the session, as the account counts it and by the chain's clock.
    let left = account.remaining().await?;
    println!(
        "left: {} transactions, {} of fees, {} minutes",
        left.transactions_left,
        format_strk(left.fee_budget_left),
        left.time_left / 60
    );
    for limit in &left.spending {
        println!("left to spend: {}", format_token_amount(limit.token, limit.total_left));
    }
    Ok(())
}

/// An ERC-20 `transfer` of `amount` STRK base units (a u256: low and high words).
fn transfer(recipient: Felt, amount: u128) -> Call {
    Call { to: STRK_TOKEN, selector: selector!("transfer"), calldata: vec![recipient, amount.into(), 0u8.into()] }
}

/// Waits until the node has executed the transaction `hash`; an error if it reverted.
async fn included(provider: &JsonRpcClient<HttpTransport>, hash: Felt) -> Result<()> {
    for _ in 0..120 {
        match provider.get_transaction_receipt(hash).await {
            Ok(receipt) => match receipt.receipt.execution_result() {
                ExecutionResult::Succeeded => return Ok(()),
                ExecutionResult::Reverted { reason } => return Err(format!("reverted: {reason}").into()),
            },
            Err(ProviderError::StarknetError(StarknetError::TransactionHashNotFound)) => {
                tokio::time::sleep(Duration::from_millis(500)).await
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err(format!("transaction {hash:#x} was not included within a minute").into())
}
