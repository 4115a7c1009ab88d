//! Session-signed messages (docs/protocol.md §6): `is_valid_signature` accepts a session key's
//! signature of a SNIP-12 message of a domain and a primary type (the hash of the policy's type
//! string) that one of the session's message policies names, whose members obey the policy's
//! rules, with the window, revocation and authorization checks of a session transaction, and
//! nothing else: not another type, domain or chain, not a transaction's session token, and a
//! message token is no transaction signature.
//!
//! The tests run the account of the vectors as contract state (`session_account`): its session
//! allows `Move`s of the domain `Chess` version 1, and `vectors::message_signature()` is the SDK's
//! signature of the vectors' move.
use starknet::VALIDATED;
use starknet::account::Call;
use starknet::testing::set_block_timestamp;
use crate::interfaces::ISRC6;
use crate::outside_execution::{
    DOMAIN_NAME as OUTSIDE_EXECUTION_DOMAIN_NAME, DOMAIN_VERSION as OUTSIDE_EXECUTION_DOMAIN_VERSION,
};
use crate::session::session_hash::{
    DOMAIN_NAME as SESSION_DOMAIN_NAME, DOMAIN_VERSION as SESSION_DOMAIN_VERSION, MessagePolicy,
    Session, messages_hash, session_hash,
};
use crate::session::argument_rules::{EQ, LE};
use crate::session::session_hash::ArgumentRule;
use crate::session::session_message::{
    SESSION_MESSAGE_MAGIC, SessionMessageToken, parse_session_message_token, policy_type_hash,
    session_message_signed_hash, token_message_hash,
};
use crate::session::session_token::{SESSION_TOKEN_VERSION, session_message_hash};
use super::support::{
    OTHER_PRIVATE_KEY, OWNER_PRIVATE_KEY, SESSION_PRIVATE_KEY, contract, message_policy, register,
    revoke, revoke_all, session, session_account, sign, type_string,
};
use super::vectors;

/// The vectors' message token, to alter field by field.
fn token() -> SessionMessageToken {
    SessionMessageToken {
        version: SESSION_TOKEN_VERSION,
        session: session(),
        owner_signature: vectors::owner_authorization().span(),
        session_signature: vectors::message_session_signature().span(),
        messages: array![message_policy()].span(),
        index: 0,
        members: vectors::message_members().span(),
    }
}

fn encode(token: SessionMessageToken) -> Array<felt252> {
    let mut signature = array![SESSION_MESSAGE_MAGIC];
    token.serialize(ref signature);
    signature
}

fn account_hash(session: @Session) -> felt252 {
    session_hash(session, contract(vectors::ACCOUNT), vectors::CHAIN_ID)
}

/// `token` with its owner signature and session signature made afresh for `hash`: the owner
/// (private key 1) signs the session, the session key signs `hash` under it.
fn signed(token: SessionMessageToken, hash: felt252) -> Array<felt252> {
    let session_hash = account_hash(@token.session);
    encode(
        SessionMessageToken {
            owner_signature: sign(OWNER_PRIVATE_KEY, session_hash).span(),
            session_signature: sign(
                SESSION_PRIVATE_KEY, session_message_signed_hash(hash, session_hash),
            )
                .span(),
            ..token,
        },
    )
}

/// The message hash of a message of `policy` with `members` on this account, on `chain_id`.
fn hash_on(policy: @MessagePolicy, members: Span<felt252>, chain_id: felt252) -> felt252 {
    token_message_hash(policy, members, contract(vectors::ACCOUNT), chain_id)
}

fn is_valid(signature: Array<felt252>, hash: felt252) -> felt252 {
    let state = session_account(array![]);
    state.is_valid_signature(hash, signature)
}

//
// The vectors: the SDK's hashes and signature
//

#[test]
fn test_message_hash_of_the_vectors() {
    assert_eq!(
        hash_on(@message_policy(), vectors::message_members().span(), vectors::CHAIN_ID),
        vectors::MESSAGE_HASH,
    );
    assert_eq!(messages_hash(array![message_policy()].span()), vectors::MESSAGES_HASH);
}

#[test]
fn test_the_type_hash_is_the_keccak_of_the_type_string() {
    // The vectors' type hash is the SDK's (and starknet.js's) `starknet_keccak` of the Move's
    // type string; the account computes it from the string the owner saw.
    assert_eq!(policy_type_hash(@message_policy()), vectors::MESSAGE_TYPE_HASH);
    let short = MessagePolicy { type_string: type_string("\"A\"()"), ..message_policy() };
    assert_eq!(policy_type_hash(@short), selector!("\"A\"()"));
    // Longer than a word: the ByteArray's full words are hashed in order.
    let long: ByteArray = "\"Order\"(\"Market\":\"felt\",\"Side\":\"shortstring\",\"Price\":\"u128\")";
    let long_policy = MessagePolicy { type_string: type_string(long), ..message_policy() };
    assert_eq!(
        policy_type_hash(@long_policy),
        selector!("\"Order\"(\"Market\":\"felt\",\"Side\":\"shortstring\",\"Price\":\"u128\")"),
    );
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_a_type_string_that_is_no_byte_array() {
    // Three full words announced, none given.
    let broken = MessagePolicy { type_string: array![3, 0, 0].span(), ..message_policy() };
    policy_type_hash(@broken);
}

#[test]
fn test_parse_the_vector_message_signature() {
    let parsed = parse_session_message_token(vectors::message_signature().span());
    assert_eq!(parsed, Ok(token()));
    assert_eq!(encode(token()), vectors::message_signature());
}

#[test]
fn test_the_vector_message_signature_is_valid() {
    assert_eq!(is_valid(vectors::message_signature(), vectors::MESSAGE_HASH), VALIDATED);
}

#[test]
fn test_the_short_form_is_valid_once_registered() {
    let mut state = session_account(array![]);
    register(ref state, session());
    let short = encode(SessionMessageToken { owner_signature: array![].span(), ..token() });
    assert_eq!(state.is_valid_signature(vectors::MESSAGE_HASH, short), VALIDATED);
}

#[test]
#[should_panic(expected: 'session/not-authorized')]
fn test_the_short_form_of_an_unregistered_session() {
    let short = encode(SessionMessageToken { owner_signature: array![].span(), ..token() });
    is_valid(short, vectors::MESSAGE_HASH);
}

#[test]
fn test_the_owner_signature_is_still_valid() {
    let hash = vectors::MESSAGE_HASH;
    assert_eq!(is_valid(sign(OWNER_PRIVATE_KEY, hash), hash), VALIDATED);
    assert_eq!(is_valid(sign(OTHER_PRIVATE_KEY, hash), hash), 0);
}

//
// What the session does not allow
//

/// A message of the domain `domain_name`, `domain_version` and the type of `type_text` with the
/// vectors' members, signed by the session key as if the vectors' policy allowed it: the token
/// still names the vectors' policy, whose domain and type are not the message's.
fn other_message(domain_name: felt252, domain_version: felt252, type_text: ByteArray) -> felt252 {
    let other = MessagePolicy {
        domain_name, domain_version, type_string: type_string(type_text), rules: array![].span(),
    };
    let hash = hash_on(@other, vectors::message_members().span(), vectors::CHAIN_ID);
    is_valid(signed(token(), hash), hash)
}

#[test]
#[should_panic(expected: 'session/message-hash')]
fn test_another_type_is_refused() {
    other_message(vectors::MESSAGE_DOMAIN_NAME, vectors::MESSAGE_DOMAIN_VERSION, "\"Resign\"(\"Game\":\"felt\",\"Square\":\"shortstring\")");
}

#[test]
#[should_panic(expected: 'session/message-hash')]
fn test_another_domain_is_refused() {
    other_message('Checkers', vectors::MESSAGE_DOMAIN_VERSION, vectors_type_text());
}

#[test]
#[should_panic(expected: 'session/message-hash')]
fn test_another_domain_version_is_refused() {
    other_message(vectors::MESSAGE_DOMAIN_NAME, 2, vectors_type_text());
}

/// The vectors' type string, as text.
fn vectors_type_text() -> ByteArray {
    let mut serialized = vectors::message_type_string().span();
    Serde::<ByteArray>::deserialize(ref serialized).unwrap()
}

#[test]
#[should_panic(expected: 'session/message-hash')]
fn test_a_message_of_another_chain_is_refused() {
    // Signed for the same domain on Mainnet, presented on Sepolia: not this chain's message.
    let hash = hash_on(@message_policy(), vectors::message_members().span(), 'SN_MAIN');
    is_valid(signed(token(), hash), hash);
}

#[test]
#[should_panic(expected: 'session/message-hash')]
fn test_a_hash_that_is_not_the_message() {
    // The session key signs a transaction hash wrapped as a message: not the message's hash.
    is_valid(signed(token(), vectors::TX_HASH), vectors::TX_HASH);
}

#[test]
#[should_panic(expected: 'session/message-hash')]
fn test_other_members_than_the_message_hash() {
    let members = array![0x7, 'e5'].span();
    is_valid(signed(SessionMessageToken { members, ..token() }, vectors::MESSAGE_HASH), vectors::MESSAGE_HASH);
}

#[test]
#[should_panic(expected: 'session/message-list')]
fn test_a_policy_list_that_is_not_the_session_s() {
    // Adding a policy to the list does not make it the signed list.
    let other = MessagePolicy { type_string: type_string("\"Resign\"()"), ..message_policy() };
    let hash = hash_on(@other, vectors::message_members().span(), vectors::CHAIN_ID);
    let messages = array![message_policy(), other].span();
    is_valid(signed(SessionMessageToken { messages, index: 1, ..token() }, hash), hash);
}

#[test]
#[should_panic(expected: 'session/message-not-allowed')]
fn test_an_index_past_the_policies() {
    is_valid(signed(SessionMessageToken { index: 1, ..token() }, vectors::MESSAGE_HASH), vectors::MESSAGE_HASH);
}

/// A token whose session, signed by the owner, allows messages of `domain_name` version
/// `domain_version`, of the type of `type_text`, with `rules` on their members, and the hash of
/// such a message with the vectors' members.
fn allowing(
    domain_name: felt252, domain_version: felt252, type_text: ByteArray, rules: Span<ArgumentRule>,
) -> (SessionMessageToken, felt252) {
    let allowed = MessagePolicy { domain_name, domain_version, type_string: type_string(type_text), rules };
    let messages = array![allowed].span();
    let session = Session { messages_hash: messages_hash(messages), ..session() };
    let hash = hash_on(@allowed, vectors::message_members().span(), vectors::CHAIN_ID);
    (SessionMessageToken { session, messages, index: 0, ..token() }, hash)
}

/// Issue #23, item 4: the account refuses messages of its own domains whatever the session says,
/// so that a session never signs another session (a broader one, for a dApp to present as the
/// owner's) nor an outside execution.
#[test]
#[should_panic(expected: 'session/reserved-domain')]
fn test_a_session_never_signs_a_message_of_the_session_domain() {
    let (token, hash) = allowing(SESSION_DOMAIN_NAME, SESSION_DOMAIN_VERSION, "\"Session\"()", array![].span());
    is_valid(signed(token, hash), hash);
}

#[test]
#[should_panic(expected: 'session/reserved-domain')]
fn test_a_session_never_signs_a_message_of_the_outside_execution_domain() {
    let (token, hash) = allowing(
        OUTSIDE_EXECUTION_DOMAIN_NAME, OUTSIDE_EXECUTION_DOMAIN_VERSION, "\"OutsideExecution\"()",
        array![].span(),
    );
    is_valid(signed(token, hash), hash);
}

#[test]
fn test_a_domain_allowed_the_same_way_is_valid() {
    // The same construction with a domain of the dApp's own is VALID: the refusal above is the
    // domain's, not the construction's.
    let (token, hash) = allowing('Chess', 1, vectors_type_text(), array![].span());
    assert_eq!(is_valid(signed(token, hash), hash), VALIDATED);
}

/// Issue #24, item 2: a message policy bounds each message by rules on its members, with the
/// operators of argument rules: the vectors' move is of game 7 on square `e4`.
#[test]
fn test_the_policy_rules_hold_on_the_members() {
    let game_7 = ArgumentRule { word: 0, operator: EQ, values: array![0x7].span(), u256_values: array![].span() };
    let up_to_e4 = ArgumentRule { word: 1, operator: LE, values: array!['e4'].span(), u256_values: array![].span() };
    let (token, hash) = allowing('Chess', 1, vectors_type_text(), array![game_7, up_to_e4].span());
    assert_eq!(is_valid(signed(token, hash), hash), VALIDATED);
}

#[test]
#[should_panic(expected: 'session/argument-rule')]
fn test_a_member_that_breaks_a_rule_is_refused() {
    let game_8 = ArgumentRule { word: 0, operator: EQ, values: array![0x8].span(), u256_values: array![].span() };
    let (token, hash) = allowing('Chess', 1, vectors_type_text(), array![game_8].span());
    is_valid(signed(token, hash), hash);
}

#[test]
#[should_panic(expected: 'session/argument-rule')]
fn test_a_rule_past_the_members_is_refused() {
    let third = ArgumentRule { word: 2, operator: EQ, values: array![0].span(), u256_values: array![].span() };
    let (token, hash) = allowing('Chess', 1, vectors_type_text(), array![third].span());
    is_valid(signed(token, hash), hash);
}

#[test]
#[should_panic(expected: 'session/message-not-allowed')]
fn test_a_session_without_message_policies() {
    let session = Session { messages_hash: messages_hash(array![].span()), ..session() };
    let token = SessionMessageToken { session, messages: array![].span(), ..token() };
    is_valid(signed(token, vectors::MESSAGE_HASH), vectors::MESSAGE_HASH);
}

//
// The session's own checks
//

#[test]
#[should_panic(expected: 'session/invalid-signature')]
fn test_another_key_s_signature() {
    let session_hash = account_hash(@session());
    let signature = sign(OTHER_PRIVATE_KEY, session_message_signed_hash(vectors::MESSAGE_HASH, session_hash));
    let token = SessionMessageToken { session_signature: signature.span(), ..token() };
    is_valid(encode(token), vectors::MESSAGE_HASH);
}

#[test]
#[should_panic(expected: 'session/invalid-signature')]
fn test_the_key_s_transaction_signature_is_no_message_signature() {
    // What the session key signs for a transaction of hash MESSAGE_HASH, `poseidon(hash,
    // session_hash)`, is not what it signs for the message.
    let session_hash = account_hash(@session());
    let signature = sign(SESSION_PRIVATE_KEY, session_message_hash(vectors::MESSAGE_HASH, session_hash));
    let token = SessionMessageToken { session_signature: signature.span(), ..token() };
    is_valid(encode(token), vectors::MESSAGE_HASH);
}

#[test]
#[should_panic(expected: 'session/invalid-authorization')]
fn test_a_session_the_owner_did_not_sign() {
    let session_hash = account_hash(@session());
    let token = SessionMessageToken {
        owner_signature: sign(OTHER_PRIVATE_KEY, session_hash).span(), ..token()
    };
    is_valid(encode(token), vectors::MESSAGE_HASH);
}

#[test]
#[should_panic(expected: 'session/revoked')]
fn test_a_revoked_session() {
    let mut state = session_account(array![]);
    revoke(ref state, vectors::SESSION_HASH);
    state.is_valid_signature(vectors::MESSAGE_HASH, vectors::message_signature());
}

#[test]
#[should_panic(expected: 'session/stale-epoch')]
fn test_a_session_of_an_earlier_epoch() {
    let mut state = session_account(array![]);
    revoke_all(ref state);
    state.is_valid_signature(vectors::MESSAGE_HASH, vectors::message_signature());
}

#[test]
#[should_panic(expected: 'session/expired')]
fn test_an_expired_session() {
    let state = session_account(array![]);
    set_block_timestamp(vectors::VALID_UNTIL);
    state.is_valid_signature(vectors::MESSAGE_HASH, vectors::message_signature());
}

#[test]
fn test_the_window_is_exact() {
    let state = session_account(array![]);
    set_block_timestamp(vectors::VALID_UNTIL - 1);
    assert_eq!(state.is_valid_signature(vectors::MESSAGE_HASH, vectors::message_signature()), VALIDATED);
    set_block_timestamp(vectors::VALID_AFTER);
    assert_eq!(state.is_valid_signature(vectors::MESSAGE_HASH, vectors::message_signature()), VALIDATED);
}

#[test]
#[should_panic(expected: 'session/not-yet-valid')]
fn test_a_session_not_yet_valid() {
    let state = session_account(array![]);
    set_block_timestamp(vectors::VALID_AFTER - 1);
    state.is_valid_signature(vectors::MESSAGE_HASH, vectors::message_signature());
}

//
// The two kinds of session signature stay apart
//

#[test]
fn test_a_transaction_token_is_no_message_signature() {
    // The vectors' transaction signature, for its own transaction hash: not a message signature.
    assert_eq!(is_valid(vectors::signature(), vectors::TX_HASH), 0);
    assert_eq!(is_valid(vectors::signature(), vectors::MESSAGE_HASH), 0);
}

#[test]
#[should_panic(expected: 'account/invalid-sig-length')]
fn test_a_message_token_is_no_transaction_signature() {
    let mut state = session_account(vectors::message_signature());
    let call = Call { to: contract(vectors::TARGET_B), selector: selector!("play"), calldata: array![].span() };
    state.__validate__(array![call]);
}

#[test]
#[should_panic(expected: 'session/bad-version')]
fn test_a_message_token_of_another_version() {
    let mut signature = vectors::message_signature();
    let mut altered = array![];
    for (i, felt) in signature.span().into_iter().enumerate() {
        altered.append(if i == 1 {
            2
        } else {
            *felt
        });
    }
    signature = altered;
    is_valid(signature, vectors::MESSAGE_HASH);
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_a_message_token_with_a_felt_left_over() {
    let mut signature = vectors::message_signature();
    signature.append(0);
    is_valid(signature, vectors::MESSAGE_HASH);
}

#[test]
fn test_parse_errors() {
    let bad_format = Err('session/bad-format');
    assert_eq!(parse_session_message_token(array![].span()), bad_format);
    assert_eq!(parse_session_message_token(array!['sk-session', 4].span()), bad_format);
    let signature = vectors::message_signature();
    // Cut anywhere after the header, the token does not parse.
    for cut in 13..signature.len() {
        assert_eq!(parse_session_message_token(signature.span().slice(0, cut)), bad_format);
    }
}
