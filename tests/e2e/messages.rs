//! Session-signed messages on devnet (docs/protocol.md §6): the account's `is_valid_signature`
//! accepts a session key's signature of a SNIP-12 message the session allows, and refuses another
//! type, another domain, a transaction's session token, and a revoked session; a message's
//! signature is no transaction signature.

use serde_json::{json, Value};
use sk_devnet::{strk_transfer, wait_for_receipt, STRK};
use sk_session::{is_valid_signature, revoke_session_call, Error as SessionError, SessionKeySigner, SignError};
use starknet::accounts::{Account, ConnectedAccount};
use starknet::core::types::{BlockId, BlockTag, Felt};
use starknet::core::utils::parse_cairo_short_string;

use crate::session::{assert_rejected_with, fee_limited, rejection, session_key, Setup, RECIPIENT};
use sk_tests::owner_key;

/// A game's move in the domain `Chess` version `version` on `chain`, of type `primary`.
fn a_move(chain: Felt, version: &str, primary: &str, square: &str) -> Value {
    let chain = parse_cairo_short_string(&chain).unwrap();
    json!({
        "types": {
            "StarknetDomain": sk_session::typed_data::starknet_domain_type(),
            primary: [
                { "name": "Game", "type": "felt" },
                { "name": "Square", "type": "shortstring" },
                { "name": "Pieces", "type": "felt*" }
            ]
        },
        "primaryType": primary,
        "domain": { "name": "Chess", "version": version, "chainId": chain, "revision": "1" },
        "message": { "Game": "0x7", "Square": square, "Pieces": ["1", "2", "0x3"] }
    })
}

/// A session for STRK transfers that may also sign `Move`s of Chess version 1.
async fn setup() -> Setup {
    Setup::with_request(|now| {
        let chain = starknet::core::chain_id::SEPOLIA;
        fee_limited(now).allow(STRK, "transfer").allow_messages_like(&a_move(chain, "1", "Move", "e4"))
    })
    .await
}

fn signer(setup: &Setup) -> SessionKeySigner {
    SessionKeySigner::from_signing_key(setup.session.clone(), session_key()).unwrap()
}

/// Whether `said` is a refusal with the contract error `code`: the node writes the panic's felt,
/// in hex, or its text.
fn refused_with(said: &Result<bool, String>, code: &str) -> bool {
    let hex = format!("{:x}", starknet::core::utils::cairo_short_string_to_felt(code).unwrap());
    matches!(said, Err(text) if text.contains(code) || text.contains(&hex))
}

/// What the account's `is_valid_signature` says of `signature` over `hash`: `Ok(valid)`, or the
/// node's error text.
async fn account_says(setup: &Setup, hash: Felt, signature: &[Felt]) -> Result<bool, String> {
    let block = BlockId::Tag(BlockTag::PreConfirmed);
    is_valid_signature(&setup.devnet.provider(), setup.account, hash, signature, block)
        .await
        .map_err(|err| format!("{err:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_signs_an_allowed_message_and_nothing_else() {
    let setup = setup().await;
    let chain = setup.devnet.chain_id();
    let signer = signer(&setup);

    // The allowed kind: any move of the type, full form and (once registered) the short one.
    for square in ["e4", "d5"] {
        let (hash, signature) = signer.sign_message(&a_move(chain, "1", "Move", square), false).await.unwrap();
        let expected = sk_session::typed_data::message_hash(&a_move(chain, "1", "Move", square), setup.account);
        assert_eq!(Ok(hash), expected.map_err(|_| ()), "the hash a wallet would compute");
        assert_eq!(account_says(&setup, hash, &signature).await, Ok(true), "{square}");
    }

    // Another type, domain version or chain: the SDK refuses to sign, and so does the account
    // when the signature is built anyway (naming the allowed policy, whose domain and type
    // string make another message hash).
    let (allowed_hash, allowed) = signer.sign_message(&a_move(chain, "1", "Move", "e4"), false).await.unwrap();
    let mut checkers = a_move(chain, "1", "Move", "e4");
    checkers["domain"]["name"] = json!("Checkers");
    for (what, other) in [
        ("another type", a_move(chain, "1", "Resign", "e4")),
        ("another domain", checkers),
        ("another domain version", a_move(chain, "2", "Move", "e4")),
    ] {
        let err = signer.sign_message(&other, false).await.unwrap_err();
        assert!(matches!(err, SignError::Session(SessionError::MessageNotAllowed(_))), "{what}: {err:?}");
        let hash = sk_session::typed_data::message_hash(&other, setup.account).unwrap();
        let forged = forge_for(&setup, &other, hash);
        let said = account_says(&setup, hash, &forged).await;
        assert!(refused_with(&said, "session/message-hash"), "{what}: {said:?}");
    }
    let mainnet = starknet::core::chain_id::MAINNET;
    let err = signer.sign_message(&a_move(mainnet, "1", "Move", "e4"), false).await.unwrap_err();
    assert!(matches!(err, SignError::Session(SessionError::MessageChain { .. })), "{err:?}");

    // The allowed signature for another hash: refused.
    let said = account_says(&setup, allowed_hash + Felt::ONE, &allowed).await;
    assert!(refused_with(&said, "session/message-hash"), "{said:?}");

    // A transaction's session token is no message signature: 0.
    let token = setup.session.sign_transaction(&session_key(), allowed_hash, &[strk_transfer(RECIPIENT, 1)]).unwrap();
    assert_eq!(account_says(&setup, allowed_hash, &token).await, Ok(false));

    // A message signature is no transaction signature.
    let message_signature = allowed.clone();
    let forger = setup.forger(move |_, _| message_signature.clone());
    assert_rejected_with(&rejection(&forger, vec![strk_transfer(RECIPIENT, 1)]).await, "account/invalid-sig-length");

    // Revoked, the session signs nothing the account accepts.
    let owner = sk_tests::account_with_key(&setup.devnet, setup.account, owner_key());
    let sent = owner.execute_v3(vec![revoke_session_call(setup.account, setup.session.hash())]).send().await.unwrap();
    wait_for_receipt(owner.provider(), sent.transaction_hash).await.unwrap();
    let said = account_says(&setup, allowed_hash, &allowed).await;
    assert!(refused_with(&said, "session/revoked"), "{said:?}");
}

/// A session signature of `typed_data` (whose hash is `hash`) that the SDK would refuse to make:
/// its own members, naming the session's first message policy.
fn forge_for(setup: &Setup, typed_data: &Value, hash: Felt) -> Vec<Felt> {
    let parts = sk_session::typed_data::message_parts(typed_data).unwrap();
    let signed = sk_session::session_message_signed_hash(hash, setup.session.hash());
    let signature = session_key().sign(&signed).unwrap();
    let token = setup.session.message_token(&parts, 0, vec![signature.r, signature.s]).unwrap();
    token.to_felts()
}

/// Issue #24, item 2: a message policy bounds each message by rules on its members. A session
/// that may sign moves of game 7 only: the SDK refuses a move of game 8, and so does the account
/// when the signature is made anyway.
#[tokio::test(flavor = "multi_thread")]
async fn message_rules_bound_each_message() {
    let chain = starknet::core::chain_id::SEPOLIA;
    let game_7 = sk_session::ArgumentRule::felt(0, sk_session::Operator::Eq, [Felt::from(7u8)]);
    let setup = Setup::with_request(|now| {
        fee_limited(now)
            .allow(STRK, "transfer")
            .allow_messages_like_with_rules(&a_move(chain, "1", "Move", "e4"), [game_7])
    })
    .await;
    let signer = signer(&setup);
    let (hash, signature) = signer.sign_message(&a_move(chain, "1", "Move", "e4"), false).await.unwrap();
    assert_eq!(account_says(&setup, hash, &signature).await, Ok(true));
    let mut game_8 = a_move(chain, "1", "Move", "e4");
    game_8["message"]["Game"] = json!("0x8");
    let err = signer.sign_message(&game_8, false).await.unwrap_err();
    assert!(matches!(err, SignError::Session(SessionError::MessageRule { .. })), "{err:?}");
    let hash = sk_session::typed_data::message_hash(&game_8, setup.account).unwrap();
    let said = account_says(&setup, hash, &forge_for(&setup, &game_8, hash)).await;
    assert!(refused_with(&said, "session/argument-rule"), "{said:?}");
    // A rule on a member encoded as a hash (the `Pieces` array) is refused when the session is made.
    let on_pieces = sk_session::ArgumentRule::felt(2, sk_session::Operator::Eq, [Felt::ONE]);
    let err = fee_limited(0)
        .valid_until(100)
        .allow(STRK, "transfer")
        .allow_messages_like_with_rules(&a_move(chain, "1", "Move", "e4"), [on_pieces])
        .build()
        .unwrap_err();
    assert!(matches!(err, SessionError::BadRule { .. }), "{err:?}");
}
