//! Argent's format against Argent's own published values and x-sessions' vector.

use starknet::core::utils::starknet_keccak;

use starknet::core::types::{Call, Felt};
use starknet::macros::{selector, short_string};
use starknet::signers::SigningKey;

use super::*;
use crate::request::MAX_TIME;
use crate::typed_data;
use crate::Error;

const SN_SEPOLIA: Felt = short_string!("SN_SEPOLIA");
const SN_MAIN: Felt = short_string!("SN_MAIN");

/// x-sessions' own test vector (`src/__tests__/utils.test.ts`, "createSession").
fn published_session() -> ArgentSession {
    ArgentSession::new(
        Felt::from_hex_unchecked("0x1234567890abcdef"),
        1_234_567_890,
        vec![AllowedMethod::new(Felt::from_hex_unchecked("0x123456789"), "some_method")],
        r#"{"projectID":"test","txFees":[{"tokenAddress":"0x987654321","maxAmount":"1000000000000"}]}"#,
    )
    .unwrap()
}

#[test]
fn type_hashes_are_the_keccak_of_argents_type_strings() {
    assert_eq!(
        SESSION_TYPE_HASH,
        starknet_keccak(
            br#""Session"("Expires At":"timestamp","Allowed Methods":"merkletree","Metadata":"string","Session Key":"felt")"#
        )
    );
    assert_eq!(
        ALLOWED_METHOD_TYPE_HASH,
        starknet_keccak(br#""Allowed Method"("Contract Address":"ContractAddress","selector":"selector")"#)
    );
}

/// Argent's `tests/test_offchain_hashing.cairo` at account-0.4.0 publishes both domain hashes.
#[test]
fn domain_hashes_are_argents() {
    assert_eq!(
        domain_hash(SN_SEPOLIA),
        Felt::from_dec_str("619758417781242245767049076918858457415551753537846667520424572098880841663").unwrap()
    );
    assert_eq!(
        domain_hash(SN_MAIN),
        Felt::from_dec_str("2582418177524800175369952028489274182629686649307104766546635017155738899824").unwrap()
    );
}

#[test]
fn published_vector() {
    let session = published_session();
    assert_eq!(
        starknet_signer_guid(Felt::from_hex_unchecked("0x123")),
        Felt::from_hex_unchecked("0x116dcea0b31d06f721c156324cd8de3652bf8953cd5ba055f74db21b1134ec9")
    );
    assert_eq!(
        session.on_chain().session_key_guid,
        Felt::from_hex_unchecked("0x4bef97e579cdb4c9fa3546db3017a69ddbc40598cd7311359f1e6c03f02b155")
    );
    assert_eq!(
        session.hash(Felt::from_hex_unchecked("0x1234567890abcdef"), SN_SEPOLIA),
        Felt::from_hex_unchecked("0x87f8341a9fb39398e15dec07024475dd96406fe4880b9a24d10fb9e6bbf6bd")
    );
}

#[test]
fn typed_data_hashes_to_the_session_hash() {
    let account = Felt::from_hex_unchecked("0x1234567890abcdef");
    let methods = vec![
        AllowedMethod::new(Felt::from(0x123456789u64), "some_method"),
        AllowedMethod::new(Felt::from(0x987654321u64), "transfer"),
        AllowedMethod::new(Felt::from(0x123456789u64), "0x1234"),
    ];
    let session = ArgentSession::new(Felt::from(7u8), 1_900_000_000, methods, "{}").unwrap();
    for chain in [SN_SEPOLIA, SN_MAIN, Felt::from_hex_unchecked("0x1234")] {
        let from_json = typed_data::message_hash(&session.typed_data(chain), account).unwrap();
        assert_eq!(from_json, session.hash(account, chain));
    }
}

#[test]
fn every_method_has_a_verifying_proof_in_the_given_order() {
    let methods: Vec<_> = (1..=5u64).map(|i| AllowedMethod::new(Felt::from(i), "transfer")).collect();
    let session = ArgentSession::new(Felt::ONE, 1, methods, "").unwrap();
    let reversed: Vec<_> = (1..=5u64).rev().map(|i| AllowedMethod::new(Felt::from(i), "transfer")).collect();
    let other = ArgentSession::new(Felt::ONE, 1, reversed, "").unwrap();
    assert_ne!(session.on_chain().allowed_methods_root, other.on_chain().allowed_methods_root, "order matters");
    let transfer = selector!("transfer");
    for i in 1..=5u64 {
        let (_, leaf) = AllowedMethod::new(Felt::from(i), "transfer").leaf().unwrap();
        let proof = session.proof(Felt::from(i), transfer).unwrap();
        assert!(crate::merkle::verify_proof(session.on_chain().allowed_methods_root, leaf, &proof));
    }
    assert_eq!(session.proof(Felt::from(6u8), transfer), None);
}

#[test]
fn token_layout() {
    let key = SigningKey::from_secret_scalar(Felt::from(11u8));
    let guardian = SigningKey::from_secret_scalar(Felt::from(12u8));
    let session = ArgentSession::new(
        key.verifying_key().scalar(),
        100,
        vec![AllowedMethod::new(Felt::from(5u8), "transfer"), AllowedMethod::new(Felt::from(6u8), "transfer")],
        "m",
    )
    .unwrap();
    let signer =
        ArgentSessionSigner::new(session.clone(), Felt::from(99u8), SN_SEPOLIA, vec![Felt::ONE; 9], key, guardian)
            .unwrap();
    let call = Call { to: Felt::from(6u8), selector: selector!("transfer"), calldata: vec![] };
    let token = futures_lite(signer.token(Felt::from(99u8), Felt::from(1234u16), &[call])).unwrap();
    let felts = token.to_signature();
    assert_eq!(felts[0], SESSION_MAGIC);
    assert_eq!(felts[1], Felt::from(100u8));
    assert_eq!(felts[5], Felt::ZERO, "cache flag");
    assert_eq!(felts[6], Felt::from(9u8), "authorization length");
    assert_eq!(felts[16], Felt::ZERO, "session signature: Starknet variant");
    assert_eq!(felts[24], Felt::ONE, "one proof");
    assert_eq!(felts[25], Felt::ONE, "of one sibling");
    assert_eq!(felts.len(), 27);
    let message = session_message_hash(Felt::from(1234u16), signer.session_hash(), false);
    let s = token.session_signature;
    assert!(starknet_crypto::verify(&s.public_key, &message, &s.r, &s.s).unwrap());
}

#[test]
fn refuses_bad_sessions_and_calls() {
    let method = || vec![AllowedMethod::new(Felt::ONE, "transfer")];
    assert!(matches!(ArgentSession::new(Felt::ZERO, 1, method(), ""), Err(Error::MissingSessionKey)));
    assert!(matches!(ArgentSession::new(Felt::ONE, 1, vec![], ""), Err(Error::NoPolicies)));
    assert!(matches!(ArgentSession::new(Felt::ONE, MAX_TIME + 1, method(), ""), Err(Error::TimeOutOfRange(_))));
    let bad = vec![AllowedMethod::new(Felt::ONE, "not a name")];
    assert!(matches!(ArgentSession::new(Felt::ONE, 1, bad, ""), Err(Error::InvalidSelector(_))));
    let session = ArgentSession::new(Felt::ONE, 1, method(), "").unwrap();
    let own = Call { to: Felt::TWO, selector: selector!("transfer"), calldata: vec![] };
    assert!(matches!(session.proofs(Felt::TWO, &[own]), Err(Error::SelfCall { index: 0 })));
    let other = Call { to: Felt::ONE, selector: selector!("approve"), calldata: vec![] };
    assert!(matches!(session.proofs(Felt::TWO, &[other]), Err(Error::CallNotAllowed { index: 0, .. })));
    let wrong_key = SigningKey::from_secret_scalar(Felt::from(3u8));
    let signer = ArgentSessionSigner::new(session, Felt::TWO, SN_SEPOLIA, vec![], wrong_key.clone(), wrong_key);
    assert!(matches!(signer, Err(Error::WrongSessionKey { .. })));
}

/// Runs a future that never waits (local signing only).
fn futures_lite<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
}
