//! The contract's hashes against the vectors the Rust SDK generates (docs/protocol.md): a change on
//! either side fails one of the two test suites.
use starknet::VALIDATED;
use crate::interfaces::ISRC6;
use crate::session::merkle::{hash_pair, verify_proof};
use crate::session::policy_tree::policy_leaf;
use core::poseidon::poseidon_hash_span;
use crate::session::argument_rules::{EQ, IN_RANGE, assert_rules_hold};
use crate::session::session_hash::{
    ARGUMENT_RULE_TYPE_HASH, ArgumentRule, DOMAIN_TYPE_HASH, FEE_TOKEN, MESSAGE_POLICY_TYPE_HASH,
    POLICY_TYPE_HASH, Policy,
    SESSION_TYPE_HASH, SPENDING_LIMIT_TYPE_HASH, Session, StructHash, TOKEN_AMOUNT_TYPE_HASH,
    U256_TYPE_HASH, poseidon_3, session_domain, session_hash, token_amount_hash,
};
use crate::session::session_token::{parse_session_token, session_message_hash};
use super::support::{
    call_proofs, contract, encode, policy_rules, session, session_account, session_token,
    spending_limit, transfer_rules,
};
use super::vectors;

#[test]
fn test_type_hashes() {
    assert_eq!(DOMAIN_TYPE_HASH, vectors::DOMAIN_TYPE_HASH);
    assert_eq!(SESSION_TYPE_HASH, vectors::SESSION_TYPE_HASH);
    assert_eq!(POLICY_TYPE_HASH, vectors::POLICY_TYPE_HASH);
    assert_eq!(ARGUMENT_RULE_TYPE_HASH, vectors::ARGUMENT_RULE_TYPE_HASH);
    assert_eq!(TOKEN_AMOUNT_TYPE_HASH, vectors::TOKEN_AMOUNT_TYPE_HASH);
    assert_eq!(U256_TYPE_HASH, vectors::U256_TYPE_HASH);
    assert_eq!(SPENDING_LIMIT_TYPE_HASH, vectors::SPENDING_LIMIT_TYPE_HASH);
    assert_eq!(MESSAGE_POLICY_TYPE_HASH, vectors::MESSAGE_POLICY_TYPE_HASH);
}

#[test]
fn test_type_hashes_of_the_spec() {
    // docs/protocol.md §1's values, independent of the vectors.
    assert_eq!(
        SPENDING_LIMIT_TYPE_HASH, 0xbcac1fd26d2c9944d0d56d2c8a032ca94ee8a8fa74ad15ba2fbfa73348422f,
    );
    assert_eq!(MESSAGE_POLICY_TYPE_HASH, 0xd10b90e484349caa49bc477ab4ee40a56c3fe486c3fb439836b3985dc6e53);
    assert_eq!(
        SESSION_TYPE_HASH, 0x374dddf44022c2aedcd1d383fec09f03f29fa30a378f44cd5ad69491c9c00da,
    );
}

#[test]
fn test_poseidon_3() {
    // `token_amount_hash` permutes directly: the same hash as `poseidon_hash_span`.
    let inputs = array![
        (0, 0, 0), (1, 2, 3), (U256_TYPE_HASH, 100, 0), (TOKEN_AMOUNT_TYPE_HASH, FEE_TOKEN, -1),
    ];
    for (a, b, c) in inputs {
        assert_eq!(poseidon_3(a, b, c), poseidon_hash_span(array![a, b, c].span()));
    }
}

#[test]
fn test_token_amount_hash_is_poseidon_many() {
    let amount: u256 = u256 { low: 7, high: 1 };
    let amount_hash = poseidon_hash_span(array![U256_TYPE_HASH, 7, 1].span());
    assert_eq!(
        token_amount_hash(FEE_TOKEN, amount),
        poseidon_hash_span(array![TOKEN_AMOUNT_TYPE_HASH, FEE_TOKEN, amount_hash].span()),
    );
}

#[test]
fn test_u256_struct_hash_is_poseidon_many() {
    let value: u256 = u256 { low: 7, high: 1 };
    assert_eq!(value.struct_hash(), poseidon_hash_span(array![U256_TYPE_HASH, 7, 1].span()));
}

/// The struct hash of `rule` written out: `poseidon_hash_many([ARGUMENT_RULE_TYPE_HASH, word,
/// operator, poseidon_hash_many(values), poseidon_hash_many(u256 struct hashes)])`.
fn rule_hash_written_out(rule: ArgumentRule) -> felt252 {
    let mut u256_hashes = array![];
    for value in rule.u256_values {
        u256_hashes.append(poseidon_hash_span(
            array![U256_TYPE_HASH, (*value.low).into(), (*value.high).into()].span(),
        ));
    }
    poseidon_hash_span(
        array![
            ARGUMENT_RULE_TYPE_HASH, rule.word.into(), rule.operator,
            poseidon_hash_span(rule.values), poseidon_hash_span(u256_hashes.span()),
        ]
            .span(),
    )
}

#[test]
fn test_argument_rule_struct_hash_is_poseidon_many() {
    let felt_rule = ArgumentRule {
        word: 3, operator: EQ, values: array![0xb0b].span(), u256_values: array![].span(),
    };
    let u256_rule = ArgumentRule {
        word: 1,
        operator: IN_RANGE,
        values: array![].span(),
        u256_values: array![u256 { low: 5, high: 0 }, u256 { low: 7, high: 1 }].span(),
    };
    for rule in array![felt_rule, u256_rule] {
        assert_eq!(rule.struct_hash(), rule_hash_written_out(rule));
    }
    // The fields as written: the operator is its shortstring, an empty list the hash of no felts.
    let empty = poseidon_hash_span(array![].span());
    let expected = poseidon_hash_span(
        array![ARGUMENT_RULE_TYPE_HASH, 3, 0x4551, poseidon_hash_span(array![0xb0b].span()), empty]
            .span(),
    );
    assert_eq!(felt_rule.struct_hash(), expected);
    // Every field counts.
    assert_ne!(ArgumentRule { word: 4, ..felt_rule }.struct_hash(), felt_rule.struct_hash());
    let neq = ArgumentRule { operator: 'NEQ', ..felt_rule };
    assert_ne!(neq.struct_hash(), felt_rule.struct_hash());
    let wider = ArgumentRule { u256_values: array![u256 { low: 5, high: 0 }].span(), ..u256_rule };
    assert_ne!(wider.struct_hash(), u256_rule.struct_hash());
}

#[test]
fn test_policy_struct_hash_is_poseidon_many() {
    let (to, selector) = (contract(vectors::TARGET), selector!("transfer"));
    let rules = transfer_rules();
    let rule_hashes = array![rule_hash_written_out(*rules[0]), rule_hash_written_out(*rules[1])];
    let expected = poseidon_hash_span(
        array![
            POLICY_TYPE_HASH, vectors::TARGET, selector, poseidon_hash_span(rule_hashes.span()),
        ]
            .span(),
    );
    assert_eq!(Policy { contract: to, selector, rules }.struct_hash(), expected);
    assert_eq!(policy_leaf(to, selector, rules), expected);
    // Without rules: the hash of no felts. The rules' order counts (the SDK sorts them).
    let no_rules = poseidon_hash_span(
        array![POLICY_TYPE_HASH, vectors::TARGET, selector, poseidon_hash_span(array![].span())]
            .span(),
    );
    assert_eq!(policy_leaf(to, selector, array![].span()), no_rules);
    let reversed = array![*rules[1], *rules[0]].span();
    assert_ne!(policy_leaf(to, selector, reversed), expected);
}

#[test]
fn test_spending_limit_struct_hash() {
    let limit = spending_limit();
    let token: felt252 = limit.token.into();
    assert_eq!(token, vectors::SPENDING_TOKEN);
    assert_eq!(vectors::SPENDING_TOKEN, vectors::TARGET);
    let expected = poseidon_hash_span(
        array![
            SPENDING_LIMIT_TYPE_HASH, token_amount_hash(token, vectors::SPENDING_TOTAL),
            token_amount_hash(token, vectors::SPENDING_PER_PERIOD), vectors::SPENDING_PERIOD.into(),
        ]
            .span(),
    );
    assert_eq!(limit.struct_hash(), expected);
}

#[test]
fn test_fee_token() {
    assert_eq!(FEE_TOKEN, vectors::FEE_TOKEN);
}

#[test]
fn test_domain_hash() {
    assert_eq!(session_domain(vectors::CHAIN_ID).struct_hash(), vectors::DOMAIN_HASH);
}

#[test]
fn test_leaves() {
    let leaves = vectors::leaves();
    let policies = vectors::policies();
    assert_eq!(policies.len(), leaves.len());
    let rules = vectors::policy_rules();
    assert_eq!(policies.len(), rules.len());
    for (((contract_address, selector), rules), leaf) in policies
        .into_iter()
        .zip(rules)
        .zip(leaves) {
        assert_eq!(policy_leaf(contract(contract_address), selector, rules), leaf);
    }
}

#[test]
fn test_policy_rules() {
    // The inputs: `transfer` on TARGET has the rules of the protocol's example, the others none.
    assert_eq!(policy_rules(vectors::TARGET, selector!("transfer")), transfer_rules());
    assert_eq!(policy_rules(vectors::TARGET, selector!("approve")), array![].span());
    assert_eq!(policy_rules(vectors::TARGET_B, selector!("play")), array![].span());
}

#[test]
fn test_root() {
    // Three leaves: the odd third one is paired with 0.
    let leaves = vectors::leaves();
    let root = hash_pair(hash_pair(*leaves[0], *leaves[1]), hash_pair(*leaves[2], 0));
    assert_eq!(root, vectors::ROOT);
}

#[test]
fn test_one_policy_root() {
    let leaf = policy_leaf(contract(vectors::TARGET), selector!("transfer"), transfer_rules());
    assert_eq!(leaf, vectors::ONE_POLICY_ROOT);
    let session = Session { policies_root: vectors::ONE_POLICY_ROOT, ..session() };
    let hash = session_hash(@session, contract(vectors::ACCOUNT), vectors::CHAIN_ID);
    assert_eq!(hash, vectors::ONE_POLICY_SESSION_HASH);
}

#[test]
fn test_session_struct_hash() {
    assert_eq!(session().struct_hash(), vectors::SESSION_STRUCT_HASH);
}

#[test]
fn test_session_struct_hash_without_spending_limits() {
    // No limits: their field is the Poseidon hash of no felts; the messages' hash follows.
    let session = Session { spending_limits: array![].span(), ..session() };
    let expected = poseidon_hash_span(
        array![
            SESSION_TYPE_HASH, vectors::SESSION_KEY, vectors::VALID_AFTER.into(),
            vectors::VALID_UNTIL.into(), token_amount_hash(FEE_TOKEN, vectors::MAX_FEE.into()),
            token_amount_hash(FEE_TOKEN, vectors::FEE_BUDGET.into()),
            vectors::MAX_TRANSACTIONS.into(), vectors::EPOCH.into(), vectors::ROOT,
            poseidon_hash_span(array![].span()), vectors::MESSAGES_HASH,
        ]
            .span(),
    );
    assert_eq!(session.struct_hash(), expected);
    assert_ne!(expected, vectors::SESSION_STRUCT_HASH);
}

#[test]
fn test_session_struct_hash_binds_the_epoch() {
    // The epoch is the seventh field, between the transaction count and the root.
    let session = Session { epoch: 7, spending_limits: array![].span(), ..session() };
    let expected = poseidon_hash_span(
        array![
            SESSION_TYPE_HASH, vectors::SESSION_KEY, vectors::VALID_AFTER.into(),
            vectors::VALID_UNTIL.into(), token_amount_hash(FEE_TOKEN, vectors::MAX_FEE.into()),
            token_amount_hash(FEE_TOKEN, vectors::FEE_BUDGET.into()),
            vectors::MAX_TRANSACTIONS.into(), 7, vectors::ROOT,
            poseidon_hash_span(array![].span()), vectors::MESSAGES_HASH,
        ]
            .span(),
    );
    assert_eq!(session.struct_hash(), expected);
    // So the session hash: a session of another epoch is another session.
    let hash = session_hash(@session, contract(vectors::ACCOUNT), vectors::CHAIN_ID);
    let without_epoch = Session { epoch: 0, ..session };
    assert_ne!(hash, session_hash(@without_epoch, contract(vectors::ACCOUNT), vectors::CHAIN_ID));
}

#[test]
fn test_session_hash() {
    let hash = session_hash(@session(), contract(vectors::ACCOUNT), vectors::CHAIN_ID);
    assert_eq!(hash, vectors::SESSION_HASH);
}

#[test]
fn test_session_message_hash() {
    let hash = session_message_hash(vectors::TX_HASH, vectors::SESSION_HASH);
    assert_eq!(hash, vectors::SESSION_MESSAGE_HASH);
}

#[test]
fn test_proofs() {
    let calls = vectors::calls();
    let proofs = call_proofs();
    assert_eq!(calls.len(), proofs.len());
    for (call, call_proof) in calls.into_iter().zip(proofs) {
        let leaf = policy_leaf(call.to, call.selector, call_proof.rules);
        assert!(verify_proof(vectors::ROOT, leaf, call_proof.proof));
        // And the calls obey their policies' rules.
        assert_rules_hold(call_proof.rules, call.calldata);
    }
}

#[test]
fn test_signature_layout() {
    assert_eq!(parse_session_token(vectors::signature().span()), Ok(session_token()));
    assert_eq!(encode(session_token()), vectors::signature());
}

#[test]
fn test_signature_validates() {
    let mut state = session_account(vectors::signature());
    assert_eq!(state.__validate__(vectors::calls()), VALIDATED);
}
