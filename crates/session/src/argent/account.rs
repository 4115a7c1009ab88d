//! Argent's account itself: its constructor arguments and the view of its authorization cache.
//! Transactions go through [`SessionAccount`](crate::SessionAccount) with an
//! [`ArgentOwnerSigner`](super::ArgentOwnerSigner) or an
//! [`ArgentSessionSigner`](super::ArgentSessionSigner).

use starknet::core::types::{BlockId, Felt};
use starknet::macros::selector;
use starknet::providers::Provider;

use crate::error::Error;
use crate::node::read_bool;

/// The constructor calldata of Argent's account 0.4.0 for Stark keys:
/// `(owner: Signer, guardian: Option<Signer>)`.
pub fn constructor_calldata(owner: Felt, guardian: Option<Felt>) -> Vec<Felt> {
    let mut calldata = vec![Felt::ZERO, owner];
    match guardian {
        Some(guardian) => calldata.extend([Felt::ZERO, Felt::ZERO, guardian]),
        None => calldata.push(Felt::ONE),
    }
    calldata
}

/// Whether Argent's account `account` has cached the authorization of the session `session_hash`
/// (its view `is_session_authorization_cached`), as of `block_id`.
pub async fn is_session_authorization_cached<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    session_hash: Felt,
    block_id: BlockId,
) -> Result<bool, Error> {
    let view = ("is_session_authorization_cached", selector!("is_session_authorization_cached"));
    read_bool(provider, account, view, vec![session_hash], block_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructor_calldata_is_signer_and_option() {
        assert_eq!(constructor_calldata(Felt::TWO, None), vec![Felt::ZERO, Felt::TWO, Felt::ONE]);
        assert_eq!(
            constructor_calldata(Felt::TWO, Some(Felt::THREE)),
            vec![Felt::ZERO, Felt::TWO, Felt::ZERO, Felt::ZERO, Felt::THREE]
        );
    }
}
