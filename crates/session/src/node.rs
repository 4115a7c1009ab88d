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

/// The time of the block `block_id`: the chain's clock, which sessions are checked against (a
/// machine's own clock may differ from it, and devnet's can be set). Unix seconds.
pub async fn block_time<P: Provider + Sync>(provider: &P, block_id: BlockId) -> Result<u64, Error> {
    use starknet::core::types::MaybePreConfirmedBlockWithTxHashes as Block;
    Ok(match provider.get_block_with_tx_hashes(block_id).await? {
        Block::Block(block) => block.timestamp,
        Block::PreConfirmedBlock(block) => block.timestamp,
    })
}

#[cfg(test)]
mod tests {
    //! The SDK's reads against a node that answers what it should not: a mock JSON-RPC transport
    //! returns a fixed `starknet_call` result, and each view names itself and the shape it wanted.
    use serde_json::json;
    use starknet::core::types::BlockTag;
    use starknet::providers::jsonrpc::{JsonRpcMethod, JsonRpcResponse, JsonRpcTransport};
    use starknet::providers::{JsonRpcClient, ProviderRequestData};

    use super::*;

    /// Answers every `starknet_call` with `result` (felts as hex strings).
    struct Answering(Vec<&'static str>);

    #[async_trait::async_trait]
    impl JsonRpcTransport for Answering {
        type Error = serde_json::Error;

        async fn send_request<P, R>(&self, method: JsonRpcMethod, _params: P) -> Result<JsonRpcResponse<R>, Self::Error>
        where
            P: serde::Serialize + Send + Sync,
            R: serde::de::DeserializeOwned + Send,
        {
            assert!(matches!(method, JsonRpcMethod::Call), "only views are read");
            serde_json::from_value(json!({ "jsonrpc": "2.0", "id": 1, "result": self.0 }))
        }

        async fn send_requests<R>(&self, _requests: R) -> Result<Vec<JsonRpcResponse<serde_json::Value>>, Self::Error>
        where
            R: AsRef<[ProviderRequestData]> + Send + Sync,
        {
            unreachable!("the SDK sends no batches")
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    fn node(answer: Vec<&'static str>) -> JsonRpcClient<Answering> {
        JsonRpcClient::new(Answering(answer))
    }

    /// The error text of a read that must fail as a malformed answer.
    fn malformed<T: std::fmt::Debug>(read: Result<T, Error>) -> String {
        match read {
            Err(Error::Node(text)) => text,
            other => panic!("expected a malformed-answer error, got {other:?}"),
        }
    }

    #[test]
    fn malformed_view_answers_are_typed_errors_that_name_the_view() {
        let block = BlockId::Tag(BlockTag::Latest);
        let (account, hash, token) = (Felt::ONE, Felt::TWO, Felt::THREE);
        let usage = |answer| block_on(crate::session_usage(&node(answer), account, hash, block));
        // Well formed: read as the account wrote it.
        let read = usage(vec!["0x2", "0x10", "0x1"]).unwrap();
        assert_eq!((read.transactions, read.fee_spent, read.authorized), (2, 16, true));
        // Too few or too many felts, a count beyond u32, a bool that is neither 0 nor 1.
        for answer in
            [vec!["0x2", "0x10"], vec!["0x2", "0x10", "0x1", "0x0"], vec![], vec!["0x100000000", "0x0", "0x0"]]
        {
            let text = malformed(usage(answer.clone()));
            assert!(text.contains("get_session_usage") && text.contains("(u32, u128, bool)"), "{answer:?}: {text}");
        }
        assert!(malformed(usage(vec!["0x0", "0x0", "0x2"])).contains("get_session_usage"));

        let spending = |answer| block_on(crate::session_spending(&node(answer), account, hash, token, block));
        let text = malformed(spending(vec!["0x1", "0x0", "0x5", "0x1"]));
        assert!(text.contains("get_session_spending") && text.contains("(u256, u64, u256)"), "{text}");
        let wide = "0x100000000000000000000000000000000";
        assert!(malformed(spending(vec![wide, "0x0", "0x0", "0x0", "0x0"])).contains("get_session_spending"));

        let epoch = |answer| block_on(crate::session_epoch(&node(answer), account, block));
        assert_eq!(epoch(vec!["0x7"]).unwrap(), Felt::from(7u8));
        assert_eq!(epoch(vec!["0x10000000000000000"]).unwrap(), Felt::from(u64::MAX) + Felt::ONE);
        assert!(malformed(epoch(vec!["0x1", "0x2"])).contains("get_session_epoch"));
        let revoked = |answer| block_on(crate::is_session_revoked(&node(answer), account, hash, block));
        assert!(malformed(revoked(vec!["0x2"])).contains("is_session_revoked"));
        let valid = |answer| block_on(crate::is_valid_signature(&node(answer), account, hash, &[], block));
        assert!(valid(vec!["0x56414c4944"]).unwrap());
        assert!(!valid(vec!["0x0"]).unwrap());
        assert!(malformed(valid(vec!["0x1"])).contains("is_valid_signature"));
        assert!(malformed(valid(vec!["0x0", "0x0"])).contains("one-felt view"));
    }
}
