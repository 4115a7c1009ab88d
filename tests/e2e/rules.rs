//! Argument rules on devnet (docs/protocol.md §2, "Argument rules"; §4, check 10): a policy's
//! rules let through exactly the arguments the owner signed, in the SDK (a typed error before
//! anything is signed) and in the account (validation refuses what a client that skips the SDK
//! sends, before anything is charged); and a call cannot present other rules than its leaf's.

use sk_devnet::{strk_transfer, STRK};
use sk_session::{ArgumentRule, Error as SessionError, Operator};
use sk_tests::with_bounds;
use starknet::accounts::Account;
use starknet::core::types::{Call, Felt};
use starknet::macros::selector;

use crate::limits::{refused, sdk_refusal, sent};
use crate::session::{fee_limited, Setup, RECIPIENT};

/// The most one transfer may move: 5 FRI.
const MOST: u128 = 5;

/// A session whose only policy is `STRK.transfer(recipient == RECIPIENT, amount <= MOST)`.
async fn setup() -> Setup {
    Setup::with_request(|now| {
        fee_limited(now).allow_with_rules(
            STRK,
            "transfer",
            [ArgumentRule::felt(0, Operator::Eq, [RECIPIENT]), ArgumentRule::u256(1, Operator::Le, [MOST])],
        )
    })
    .await
}

/// A STRK transfer with the amount's two words given.
fn transfer_words(recipient: Felt, low: Felt, high: Felt) -> Call {
    Call { to: STRK, selector: selector!("transfer"), calldata: vec![recipient, low, high] }
}

#[tokio::test(flavor = "multi_thread")]
async fn transfer_rules_allow_the_signed_recipient_and_amount_only() {
    let setup = setup().await;
    let account = setup.session_account();

    sent(with_bounds(account.execute_v3(vec![strk_transfer(RECIPIENT, MOST)])), &account).await;

    let err = sdk_refusal(with_bounds(account.execute_v3(vec![strk_transfer(RECIPIENT, MOST + 1)]))).await;
    assert!(matches!(&err, SessionError::ArgumentRule { index: 0, rule } if rule == "word 1 (u256) <= 5"), "{err:?}");
    let err = sdk_refusal(with_bounds(account.execute_v3(vec![strk_transfer(Felt::from(0xbadu32), 1)]))).await;
    assert!(matches!(&err, SessionError::ArgumentRule { index: 0, rule } if rule == "word 0 == 0x7e57"), "{err:?}");

    let before = setup.usage().await;
    let balance = setup.balance().await;
    for (name, call) in [
        ("one unit over", strk_transfer(RECIPIENT, MOST + 1)),
        ("another recipient", strk_transfer(Felt::from(0xbadu32), 1)),
        ("a high word", transfer_words(RECIPIENT, Felt::ZERO, Felt::ONE)),
        ("a word beyond u128", transfer_words(RECIPIENT, Felt::from(u128::MAX) + Felt::ONE, Felt::ZERO)),
        ("no amount", Call { to: STRK, selector: selector!("transfer"), calldata: vec![RECIPIENT, Felt::ONE] }),
    ] {
        let err = refused(with_bounds(setup.unchecked().execute_v3(vec![call]))).await;
        assert!(err.contains("session/argument-rule"), "{name}: {err}");
    }
    assert_eq!(setup.usage().await, before, "a refused transaction counts nothing");
    assert_eq!(setup.balance().await, balance, "nothing was charged");
    assert_eq!(before.transactions, 1, "the transfer within the rules");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_call_of_a_multicall_obeys_its_rules() {
    let setup = setup().await;
    let account = setup.session_account();
    let calls = vec![strk_transfer(RECIPIENT, 1), strk_transfer(RECIPIENT, MOST)];
    sent(with_bounds(account.execute_v3(calls)), &account).await;

    let calls = vec![strk_transfer(RECIPIENT, 1), strk_transfer(RECIPIENT, MOST + 1)];
    let err = sdk_refusal(with_bounds(account.execute_v3(calls.clone()))).await;
    assert!(matches!(err, SessionError::ArgumentRule { index: 1, .. }), "{err:?}");
    let err = refused(with_bounds(setup.unchecked().execute_v3(calls))).await;
    assert!(err.contains("session/argument-rule"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_cannot_present_other_rules_than_its_leafs() {
    let setup = setup().await;
    // A call within the rules, so that the SDK signs it; the token is changed after.
    let within = vec![strk_transfer(RECIPIENT, 1)];
    let dropped = setup.tampered(|token| token.proofs[0].rules.clear());
    let err = refused(with_bounds(dropped.execute_v3(within.clone()))).await;
    assert!(err.contains("session/invalid-proof"), "rules dropped: {err}");
    let loosened = setup.tampered(|token| token.proofs[0].rules[1] = ArgumentRule::u256(1, Operator::Le, [u128::MAX]));
    let err = refused(with_bounds(loosened.execute_v3(within))).await;
    assert!(err.contains("session/invalid-proof"), "rules loosened: {err}");
}
