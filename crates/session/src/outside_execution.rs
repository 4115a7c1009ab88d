//! SNIP-9 version 2 outside execution (docs/protocol.md §5): calls the account's owner or one of
//! its sessions signs off-chain, for a relayer to submit with `execute_from_outside_v2` in its own
//! transaction, paying its fee. The message is SNIP-12 revision 1 typed data as OpenZeppelin's
//! SRC9 component and starknet.js (`outsideExecution.getTypedData`, version `"2"`) build it, the
//! times as `u128`. Mirrors `contracts/src/outside_execution.cairo`.
//!
//! A session signs an outside execution as it signs a transaction, the outside execution's hash
//! in place of the transaction hash: [`SessionAccount::sign_outside_execution`](crate::SessionAccount::sign_outside_execution).

use serde_json::{json, Value};
use starknet::core::types::{BlockId, Call, Felt};
use starknet::macros::selector;
use starknet::providers::Provider;
use starknet::signers::SigningKey;
use starknet_crypto::poseidon_hash_many;

use crate::error::Error;
use crate::node::read_bool;
use crate::typed_data::{chain_name, starknet_domain_hash, starknet_domain_type, typed_message_hash};

/// The `caller` that lets any contract submit an outside execution: the short string
/// `'ANY_CALLER'`.
pub const ANY_CALLER: Felt = Felt::from_hex_unchecked("0x414e595f43414c4c4552");

/// The SNIP-12 domain's name, a short string.
pub const OUTSIDE_EXECUTION_DOMAIN_NAME: &str = "Account.execute_from_outside";
/// `'Account.execute_from_outside'`.
pub(crate) const DOMAIN_NAME_FELT: Felt =
    Felt::from_hex_unchecked("0x4163636f756e742e657865637574655f66726f6d5f6f757473696465");
/// The SNIP-12 domain's version: SNIP-9's version 2, the felt 2.
pub const OUTSIDE_EXECUTION_DOMAIN_VERSION: u64 = 2;

/// The type string of `OutsideExecution`, with the `Call` it uses.
pub const OUTSIDE_EXECUTION_TYPE_STRING: &str = concat!(
    r#""OutsideExecution"("Caller":"ContractAddress","Nonce":"felt","Execute After":"u128","#,
    r#""Execute Before":"u128","Calls":"Call*")"#,
    r#""Call"("To":"ContractAddress","Selector":"selector","Calldata":"felt*")"#
);
/// `starknet_keccak(OUTSIDE_EXECUTION_TYPE_STRING)`.
pub const OUTSIDE_EXECUTION_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x312b56c05a7965066ddbda31c016d8d05afc305071c0ca3cdc2192c3c2f1f0f");
/// The type string of a `Call`.
pub const CALL_TYPE_STRING: &str = r#""Call"("To":"ContractAddress","Selector":"selector","Calldata":"felt*")"#;
/// `starknet_keccak(CALL_TYPE_STRING)`.
pub const CALL_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x3635c7f2a7ba93844c0d064e18e487f35ab90f7c39d00f186a781fc3f0c2ca9");

/// Whether `nonce` is still unused by the outside executions of `account` that `signer` signs:
/// the owner's (`None`) or the session's of that hash (`Some(session_hash)`), as of `block_id`.
pub async fn is_valid_outside_execution_nonce<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    signer: Option<Felt>,
    nonce: Felt,
    block_id: BlockId,
) -> Result<bool, Error> {
    match signer {
        None => {
            let view = ("is_valid_outside_execution_nonce", IS_VALID_OUTSIDE_EXECUTION_NONCE_SELECTOR);
            read_bool(provider, account, view, vec![nonce], block_id).await
        }
        Some(session_hash) => {
            let view = ("is_valid_session_outside_execution_nonce", IS_VALID_SESSION_OUTSIDE_EXECUTION_NONCE_SELECTOR);
            read_bool(provider, account, view, vec![session_hash, nonce], block_id).await
        }
    }
}

/// `execute_from_outside_v2`, the entry point a relayer calls.
pub const EXECUTE_FROM_OUTSIDE_V2_SELECTOR: Felt = selector!("execute_from_outside_v2");
/// `is_valid_outside_execution_nonce(nonce)`, SNIP-9's view telling whether a nonce of the
/// owner's is still unused.
pub const IS_VALID_OUTSIDE_EXECUTION_NONCE_SELECTOR: Felt = selector!("is_valid_outside_execution_nonce");
/// `is_valid_session_outside_execution_nonce(session_hash, nonce)`, the view telling whether a
/// nonce of a session's is still unused: each session has nonces of its own, apart from the
/// owner's and every other session's (docs/protocol.md §5, "Nonces").
pub const IS_VALID_SESSION_OUTSIDE_EXECUTION_NONCE_SELECTOR: Felt =
    selector!("is_valid_session_outside_execution_nonce");
/// The SRC-5 id of SNIP-9 version 2, which a relayer may ask `supports_interface` about.
pub const ISRC9_V2_ID: Felt =
    Felt::from_hex_unchecked("0x1d1144bb2138366ff28d8e9ab57456b1d332ac42196230c3a602003c89872");

/// What the account's owner or a session signs for a relayer to submit: `calls`, by `caller`
/// ([`ANY_CALLER`] for anyone), strictly after `execute_after` and strictly before
/// `execute_before` (Unix seconds, judged by the block's time), once: `nonce` is any felt the
/// signer has not used in an outside execution of the account (the owner and each session have
/// nonces of their own, [`is_valid_outside_execution_nonce`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideExecution {
    /// Who may submit it: a contract address, or [`ANY_CALLER`].
    pub caller: Felt,
    /// Any felt, used once.
    pub nonce: Felt,
    /// The block time must be above it.
    pub execute_after: u64,
    /// The block time must be below it.
    pub execute_before: u64,
    /// The calls the account makes.
    pub calls: Vec<Call>,
}

impl OutsideExecution {
    /// `calls` for anyone to submit once, strictly between `execute_after` and `execute_before`,
    /// with a random nonce ([`Self::random_nonce`]).
    pub fn new(calls: Vec<Call>, execute_after: u64, execute_before: u64) -> Self {
        Self { caller: ANY_CALLER, nonce: Self::random_nonce(), execute_after, execute_before, calls }
    }

    /// The same, submitted by `caller` only.
    pub fn with_caller(self, caller: Felt) -> Self {
        Self { caller, ..self }
    }

    /// The same, with `nonce`.
    pub fn with_nonce(self, nonce: Felt) -> Self {
        Self { nonce, ..self }
    }

    /// A fresh nonce from the operating system's randomness: the secret scalar of a new random
    /// starknet-rs key (so no random-number crate of our own; any felt is a valid nonce).
    pub fn random_nonce() -> Felt {
        SigningKey::from_random().secret_scalar()
    }

    /// The struct hash: `poseidon([type_hash, caller, nonce, execute_after, execute_before,
    /// poseidon(call hashes)])`, each call `poseidon([CALL_TYPE_HASH, to, selector,
    /// poseidon(calldata)])`.
    pub fn struct_hash(&self) -> Felt {
        let calls: Vec<Felt> = self
            .calls
            .iter()
            .map(|call| {
                poseidon_hash_many(&[CALL_TYPE_HASH, call.to, call.selector, poseidon_hash_many(&call.calldata)])
            })
            .collect();
        poseidon_hash_many(&[
            OUTSIDE_EXECUTION_TYPE_HASH,
            self.caller,
            self.nonce,
            Felt::from(self.execute_after),
            Felt::from(self.execute_before),
            poseidon_hash_many(&calls),
        ])
    }

    /// The hash `account`'s signer signs on `chain_id`.
    pub fn message_hash(&self, account: Felt, chain_id: Felt) -> Felt {
        typed_message_hash(domain_hash(chain_id), account, self.struct_hash())
    }

    /// The typed data of this outside execution on `chain_id`, as starknet.js's
    /// `outsideExecution.getTypedData` builds it (selectors in hex): what a wallet shows. Its
    /// [`message_hash`](crate::typed_data::message_hash) is [`Self::message_hash`].
    pub fn typed_data(&self, chain_id: Felt) -> Value {
        let calls: Vec<Value> = self
            .calls
            .iter()
            .map(|call| {
                let calldata: Vec<String> = call.calldata.iter().map(|felt| format!("{felt:#x}")).collect();
                json!({ "To": format!("{:#x}", call.to), "Selector": format!("{:#x}", call.selector), "Calldata": calldata })
            })
            .collect();
        json!({
            "types": {
                "StarknetDomain": starknet_domain_type(),
                "OutsideExecution": [
                    { "name": "Caller", "type": "ContractAddress" },
                    { "name": "Nonce", "type": "felt" },
                    { "name": "Execute After", "type": "u128" },
                    { "name": "Execute Before", "type": "u128" },
                    { "name": "Calls", "type": "Call*" }
                ],
                "Call": [
                    { "name": "To", "type": "ContractAddress" },
                    { "name": "Selector", "type": "selector" },
                    { "name": "Calldata", "type": "felt*" }
                ]
            },
            "primaryType": "OutsideExecution",
            "domain": {
                "name": OUTSIDE_EXECUTION_DOMAIN_NAME,
                "version": OUTSIDE_EXECUTION_DOMAIN_VERSION.to_string(),
                "chainId": chain_name(chain_id),
                "revision": "1"
            },
            "message": {
                "Caller": format!("{:#x}", self.caller),
                "Nonce": format!("{:#x}", self.nonce),
                "Execute After": self.execute_after.to_string(),
                "Execute Before": self.execute_before.to_string(),
                "Calls": calls
            }
        })
    }

    /// The owner's signature `(r, s)` of this outside execution for `account` on `chain_id`.
    pub fn sign_as_owner(&self, owner: &SigningKey, account: Felt, chain_id: Felt) -> Result<Vec<Felt>, Error> {
        let signature = owner.sign(&self.message_hash(account, chain_id))?;
        Ok(vec![signature.r, signature.s])
    }

    /// `execute_from_outside_v2`'s calldata: this outside execution, then `signature`, in Cairo
    /// serialization.
    pub fn calldata(&self, signature: &[Felt]) -> Vec<Felt> {
        let mut out = vec![self.caller, self.nonce, Felt::from(self.execute_after), Felt::from(self.execute_before)];
        out.extend(encode_execute_calldata(&self.calls));
        out.push(Felt::from(signature.len()));
        out.extend_from_slice(signature);
        out
    }

    /// The call a relayer makes to submit this outside execution of `account`, signed with
    /// `signature`.
    pub fn relayed_call(&self, account: Felt, signature: &[Felt]) -> Call {
        Call { to: account, selector: EXECUTE_FROM_OUTSIDE_V2_SELECTOR, calldata: self.calldata(signature) }
    }
}

/// The hash of the outside-execution domain on `chain_id`.
pub fn domain_hash(chain_id: Felt) -> Felt {
    starknet_domain_hash(DOMAIN_NAME_FELT, Felt::from(OUTSIDE_EXECUTION_DOMAIN_VERSION), chain_id)
}

/// `__execute__`'s calldata for `calls`: the Cairo serialization of `Array<Call>`, which
/// `execute_from_outside_v2` carries too. (Here, beneath `account`, which sends it.)
pub fn encode_execute_calldata(calls: &[Call]) -> Vec<Felt> {
    let mut out = vec![Felt::from(calls.len())];
    for call in calls {
        out.extend([call.to, call.selector, Felt::from(call.calldata.len())]);
        out.extend_from_slice(&call.calldata);
    }
    out
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};

    use super::*;

    #[test]
    fn constants_are_what_they_say() {
        assert_eq!(cairo_short_string_to_felt("ANY_CALLER").unwrap(), ANY_CALLER);
        assert_eq!(cairo_short_string_to_felt(OUTSIDE_EXECUTION_DOMAIN_NAME).unwrap(), DOMAIN_NAME_FELT);
        assert_eq!(starknet_keccak(OUTSIDE_EXECUTION_TYPE_STRING.as_bytes()), OUTSIDE_EXECUTION_TYPE_HASH);
        assert_eq!(starknet_keccak(CALL_TYPE_STRING.as_bytes()), CALL_TYPE_HASH);
    }

    #[test]
    fn typed_data_hashes_to_the_message_hash() {
        let chain_id = cairo_short_string_to_felt("SN_SEPOLIA").unwrap();
        let account = Felt::from(0xacc0u32);
        let calls = vec![
            Call { to: Felt::from(0x7a46e7u32), selector: selector!("transfer"), calldata: vec![Felt::ONE, Felt::TWO] },
            Call { to: Felt::from(0xb0bu32), selector: selector!("play"), calldata: vec![] },
        ];
        let execution = OutsideExecution::new(calls, 1, u64::MAX).with_nonce(Felt::from(7u8));
        let typed = crate::typed_data::message_hash(&execution.typed_data(chain_id), account).unwrap();
        assert_eq!(typed, execution.message_hash(account, chain_id));
        // The hash binds the caller, the nonce, the window, the calls, the account and the chain.
        let hash = execution.message_hash(account, chain_id);
        let others = [
            execution.clone().with_caller(Felt::from(0xca11u32)),
            execution.clone().with_nonce(Felt::from(8u8)),
            OutsideExecution { execute_after: 2, ..execution.clone() },
            OutsideExecution { execute_before: 5, ..execution.clone() },
            OutsideExecution { calls: execution.calls[..1].to_vec(), ..execution.clone() },
        ];
        for other in &others {
            assert_ne!(other.message_hash(account, chain_id), hash, "{other:?}");
        }
        assert_ne!(execution.message_hash(Felt::from(0xacc1u32), chain_id), hash);
        assert_ne!(execution.message_hash(account, cairo_short_string_to_felt("SN_MAIN").unwrap()), hash);
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn a_session_signs_what_the_account_checks_and_refuses_an_empty_window() {
        let key = SigningKey::from_secret_scalar(Felt::from(0x5e55u32));
        let transfer = Call { to: Felt::from(0x7a46e7u32), selector: selector!("transfer"), calldata: vec![] };
        let session = crate::SessionRequest::builder(key.verifying_key().scalar())
            .valid_until(1_000)
            .max_fee(10)
            .fee_budget(100)
            .allow(transfer.to, "transfer")
            .build()
            .unwrap()
            .sign(Felt::from(0xacc0u32), Felt::from(0x534eu32), &SigningKey::from_secret_scalar(Felt::ONE))
            .unwrap();
        let provider = starknet::providers::JsonRpcClient::new(starknet::providers::jsonrpc::HttpTransport::new(
            starknet::providers::Url::parse("http://127.0.0.1:1").unwrap(),
        ));
        let mut account = crate::SessionAccount::new(provider, session.clone(), key.clone()).unwrap();
        account.set_usage_check(false);

        let execution = OutsideExecution::new(vec![transfer.clone()], 10, 12);
        let felts = block_on(account.sign_outside_execution(&execution)).unwrap();
        let token = crate::SessionToken::from_felts(&felts).unwrap();
        let hash = session.message_hash(execution.message_hash(session.account(), session.chain_id()));
        let [r, s] = token.session_signature[..] else { panic!("two felts") };
        assert!(starknet_crypto::verify(&key.verifying_key().scalar(), &hash, &r, &s).unwrap());

        for (after, before) in [(10, 11), (10, 10), (10, 9)] {
            let execution = OutsideExecution::new(vec![transfer.clone()], after, before);
            let err = block_on(account.sign_outside_execution(&execution)).unwrap_err();
            assert!(matches!(err, crate::SignError::Session(Error::EmptyOutsideWindow { .. })), "{err:?}");
        }
        let outside_policy = Call { selector: selector!("approve"), ..transfer };
        let execution = OutsideExecution::new(vec![outside_policy], 10, 12);
        let err = block_on(account.sign_outside_execution(&execution)).unwrap_err();
        assert!(matches!(err, crate::SignError::Session(Error::CallNotAllowed { index: 0, .. })), "{err:?}");
    }

    #[test]
    fn random_nonces_differ() {
        assert_ne!(OutsideExecution::random_nonce(), OutsideExecution::random_nonce());
    }

    #[test]
    fn calldata_is_the_cairo_serialization() {
        let call = Call { to: Felt::from(5u8), selector: Felt::from(6u8), calldata: vec![Felt::from(7u8)] };
        let execution = OutsideExecution::new(vec![call], 1, 2).with_nonce(Felt::from(3u8));
        let felts = |values: &[u64]| values.iter().map(|&v| Felt::from(v)).collect::<Vec<_>>();
        let mut expected = vec![ANY_CALLER];
        expected.extend(felts(&[3, 1, 2, 1, 5, 6, 1, 7, 2, 8, 9]));
        assert_eq!(execution.calldata(&felts(&[8, 9])), expected);
        let relayed = execution.relayed_call(Felt::from(0xacc0u32), &felts(&[8, 9]));
        assert_eq!((relayed.to, relayed.selector), (Felt::from(0xacc0u32), EXECUTE_FROM_OUTSIDE_V2_SELECTOR));
    }
}
