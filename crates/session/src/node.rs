//! Reads of an account's views, shared by the modules that ask the node: each checks the shape of
//! the answer and names the view when it is not the expected one.

use starknet::core::types::{BlockId, Felt, FunctionCall};
use starknet::providers::Provider;

use crate::error::Error;

/// Calls the view `selector` of `account` with `calldata` and returns its one-felt answer.
pub(crate) async fn read_felt<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    selector: Felt,
    calldata: Vec<Felt>,
    block_id: BlockId,
) -> Result<Felt, Error> {
    let call = FunctionCall { contract_address: account, entry_point_selector: selector, calldata };
    let result = provider.call(call, block_id).await?;
    match result.as_slice() {
        [value] => Ok(*value),
        _ => Err(Error::Node(format!("the account answered {result:?} to a one-felt view"))),
    }
}

/// Calls the view `name` (`selector`) of `account` and returns its answer, which must be `N` felts
/// that `decode` turns into a value (`None`: not of the view's type, `shape` in the error).
pub(crate) async fn read_words<P: Provider + Sync, T, const N: usize>(
    provider: &P,
    account: Felt,
    (name, selector): (&str, Felt),
    calldata: Vec<Felt>,
    block_id: BlockId,
    (shape, decode): (&str, impl Fn([Felt; N]) -> Option<T>),
) -> Result<T, Error> {
    let call = FunctionCall { contract_address: account, entry_point_selector: selector, calldata };
    let answer = provider.call(call, block_id).await?;
    <[Felt; N]>::try_from(answer.as_slice())
        .ok()
        .and_then(decode)
        .ok_or_else(|| Error::Node(format!("{name} answered {answer:?}, not {shape}")))
}

/// A felt as a bool the way Cairo `Serde` writes one: 0 or 1.
pub(crate) fn felt_bool(value: Felt) -> Option<bool> {
    if value == Felt::ZERO {
        Some(false)
    } else if value == Felt::ONE {
        Some(true)
    } else {
        None
    }
}

/// Calls the view `name` (`selector`) of `account`, which answers a `bool`.
pub(crate) async fn read_bool<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    (name, selector): (&str, Felt),
    calldata: Vec<Felt>,
    block_id: BlockId,
) -> Result<bool, Error> {
    read_words(
        provider,
        account,
        (name, selector),
        calldata,
        block_id,
        ("a bool", |[value]: [Felt; 1]| felt_bool(value)),
    )
    .await
}
