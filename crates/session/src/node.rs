//! Reads of an account's one-felt views, shared by the modules that ask the node.

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

/// Calls the view `name` (`selector`) of `account`, which answers a `bool`.
pub(crate) async fn read_bool<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    (name, selector): (&str, Felt),
    calldata: Vec<Felt>,
    block_id: BlockId,
) -> Result<bool, Error> {
    let value = read_felt(provider, account, selector, calldata, block_id).await?;
    if value == Felt::ZERO {
        Ok(false)
    } else if value == Felt::ONE {
        Ok(true)
    } else {
        Err(Error::Node(format!("{name} answered {value:#x}, not a bool")))
    }
}
