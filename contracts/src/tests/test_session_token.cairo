//! The session token (docs/protocol.md §3): its layout's offsets, the header reader and the
//! session `__execute__` reads with it, and the call proofs with their argument rules. The
//! whole-token parser is checked against the vectors in `test_vectors` and through `__validate__`
//! in `test_session`.
use crate::session::argument_rules::{IN_RANGE, ONE_OF};
use crate::session::session_hash::{ArgumentRule, Session};
use crate::session::session_token::{
    CallProof, EPOCH_OFFSET, MAGIC_OFFSET, OWNER_SIGNATURE_OFFSET, SESSION_MAGIC, SESSION_OFFSET,
    SESSION_TOKEN_VERSION, SPENDING_LIMITS_OFFSET, SessionToken, VALID_AFTER_OFFSET,
    VALID_UNTIL_OFFSET, VERSION_OFFSET, execution_session, is_session_token, parse_session_header,
    parse_session_token,
};
use super::support::{
    SPENDING_LIMIT_FELTS, VECTOR_OWNER_SIGNATURE_OFFSET, call_proofs, encode, owner_signature,
    session, session_token, short_token,
};
use super::vectors;

//
// The layout
//

#[test]
fn test_offsets_of_the_vector_signature() {
    let signature = vectors::signature();
    assert_eq!(*signature[MAGIC_OFFSET], SESSION_MAGIC);
    assert_eq!(*signature[VERSION_OFFSET], SESSION_TOKEN_VERSION);
    assert_eq!(*signature[SESSION_OFFSET], vectors::SESSION_KEY);
    let (valid_after, valid_until): (felt252, felt252) = (
        vectors::VALID_AFTER.into(), vectors::VALID_UNTIL.into(),
    );
    assert_eq!(*signature[VALID_AFTER_OFFSET], valid_after);
    assert_eq!(*signature[VALID_UNTIL_OFFSET], valid_until);
    let (max_fee, fee_budget, max_transactions): (felt252, felt252, felt252) = (
        vectors::MAX_FEE.into(), vectors::FEE_BUDGET.into(), vectors::MAX_TRANSACTIONS.into(),
    );
    assert_eq!(*signature[SESSION_OFFSET + 3], max_fee);
    assert_eq!(*signature[SESSION_OFFSET + 4], fee_budget);
    assert_eq!(*signature[SESSION_OFFSET + 5], max_transactions);
    assert_eq!(EPOCH_OFFSET, 8);
    assert_eq!(*signature[EPOCH_OFFSET], vectors::EPOCH);
    assert_eq!(*signature[EPOCH_OFFSET + 1], vectors::ROOT);
    // One spending limit: its count, then token, total, per_period and period.
    assert_eq!(SPENDING_LIMITS_OFFSET, 10);
    assert_eq!(SPENDING_LIMITS_OFFSET, EPOCH_OFFSET + 2);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET], 1);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 1], vectors::SPENDING_TOKEN);
    let (total, per_period, period): (felt252, felt252, felt252) = (
        vectors::SPENDING_TOTAL.low.into(), vectors::SPENDING_PER_PERIOD.low.into(),
        vectors::SPENDING_PERIOD.into(),
    );
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 2], total);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 3], 0);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 4], per_period);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 5], 0);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 6], period);
    // The messages' hash, the session's last felt.
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET + 7], vectors::MESSAGES_HASH);
    // The owner signature, after the one limit and the messages' hash.
    assert_eq!(OWNER_SIGNATURE_OFFSET, SPENDING_LIMITS_OFFSET + 2);
    let owner_signature_len: felt252 = vectors::owner_authorization().len().into();
    assert_eq!(
        *signature[OWNER_SIGNATURE_OFFSET + SPENDING_LIMIT_FELTS], owner_signature_len,
    );
}

#[test]
fn test_owner_signature_offset_without_spending_limits() {
    let token = super::support::session_token();
    let token = crate::session::session_token::SessionToken {
        session: Session { spending_limits: array![].span(), ..session() }, ..token
    };
    let signature = super::support::encode(token);
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET], 0);
    let owner_signature_len: felt252 = vectors::owner_authorization().len().into();
    assert_eq!(*signature[OWNER_SIGNATURE_OFFSET], owner_signature_len);
}

#[test]
fn test_epoch_offset() {
    // The epoch is where the offset says, whatever its value.
    let token = SessionToken { session: Session { epoch: 13, ..session() }, ..session_token() };
    let signature = encode(token);
    assert_eq!(*signature[EPOCH_OFFSET], 13);
    let max_transactions: felt252 = vectors::MAX_TRANSACTIONS.into();
    assert_eq!(*signature[EPOCH_OFFSET - 1], max_transactions);
    assert_eq!(*signature[EPOCH_OFFSET + 1], vectors::ROOT);
}

#[test]
fn test_short_form() {
    // An empty owner signature: its length 0, then the session signature right after it.
    let signature = encode(short_token());
    assert_eq!(*signature[VECTOR_OWNER_SIGNATURE_OFFSET], 0);
    let session_signature_len: felt252 = vectors::session_signature().len().into();
    assert_eq!(*signature[VECTOR_OWNER_SIGNATURE_OFFSET + 1], session_signature_len);
    assert_eq!(signature.len(), vectors::signature().len() - 2);
    let token = parse_session_token(signature.span()).unwrap();
    assert!(token.owner_signature.is_empty());
    assert_eq!(token, short_token());
    // The header reader sees the same session.
    let (header, _) = parse_session_header(signature.span()).unwrap();
    assert_eq!(header, session());
}

//
// is_session_token
//

#[test]
fn test_is_session_token() {
    assert!(is_session_token(vectors::signature().span()));
    assert!(is_session_token(array![SESSION_MAGIC].span()));
    assert!(!is_session_token(array![].span()));
    assert!(!is_session_token(owner_signature().span()));
}

//
// parse_session_header
//

#[test]
fn test_parse_session_header_of_the_vector_signature() {
    let signature = vectors::signature().span();
    let rest = signature
        .slice(VECTOR_OWNER_SIGNATURE_OFFSET, signature.len() - VECTOR_OWNER_SIGNATURE_OFFSET);
    assert_eq!(parse_session_header(signature), Ok((session(), rest)));
}

#[test]
fn test_parse_session_header_leaves_the_rest_unread() {
    // An absurd owner signature length: the header reader does not look at it.
    let mut signature = array![];
    for felt in vectors::signature().span().slice(0, VECTOR_OWNER_SIGNATURE_OFFSET) {
        signature.append(*felt);
    }
    signature.append(0xffffffff);
    assert_eq!(parse_session_header(signature.span()), Ok((session(), array![0xffffffff].span())));
}

#[test]
fn test_parse_session_header_errors() {
    let bad_format = Err('session/bad-format');
    assert_eq!(parse_session_header(array![].span()), bad_format);
    assert_eq!(parse_session_header(array!['sk-other', 4].span()), bad_format);
    assert_eq!(parse_session_header(array![SESSION_MAGIC].span()), bad_format);
    // A session of six felts, format 1's four or none.
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6].span()), bad_format);
    // Seven felts: no epoch, and no spending limits' count (format 2 before spending limits).
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7].span()), bad_format,
    );
    // Eight felts, without the spending limits' count (format 2 before the epoch, with its
    // count but no epoch, reads the count as the root).
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8].span()), bad_format,
    );
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 0].span()), bad_format,
    );
    // Nine felts and a count of no limits, without the messages' hash (format 2's whole session).
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8, 0].span()), bad_format,
    );
    // A count of limits with fewer felts than it announces.
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8, 1, 9, 10].span()),
        bad_format,
    );
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8, 0xffffffff].span()),
        bad_format,
    );
    // Two limits of one token (or any two out of increasing address order): refused by name.
    let twice = array![
        SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8, 2, 0x70c, 1, 0, 1, 0, 0, 0x70c, 2, 0, 2, 0, 0, 9,
    ];
    assert_eq!(parse_session_header(twice.span()), Err('session/limit-order'));
    let descending = array![
        SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8, 2, 0x70d, 1, 0, 1, 0, 0, 0x70c, 2, 0, 2, 0, 0, 9,
    ];
    assert_eq!(parse_session_header(descending.span()), Err('session/limit-order'));
    // The smallest session: eight felts, no limits and the messages' hash.
    let smallest = array![SESSION_MAGIC, 4, 1, 2, 3, 4, 5, 6, 7, 8, 0, 9];
    let expected = Session {
        session_key: 1,
        valid_after: 2,
        valid_until: 3,
        max_fee: 4,
        fee_budget: 5,
        max_transactions: 6,
        epoch: 7,
        policies_root: 8,
        spending_limits: array![].span(),
        messages_hash: 9,
    };
    assert_eq!(parse_session_header(smallest.span()), Ok((expected, array![].span())));
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 4, 1, 2, 3, 4].span()), bad_format);
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 4].span()), bad_format);
    // The version is refused before the session is read.
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 3].span()), Err('session/bad-version'));
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 5].span()), Err('session/bad-version'));
}

#[test]
fn test_parse_session_header_of_format_1() {
    // A complete format 1 header (key, window, root) is refused by its version alone.
    let signature = array![
        SESSION_MAGIC, 1, vectors::SESSION_KEY, vectors::VALID_AFTER.into(),
        vectors::VALID_UNTIL.into(), vectors::ROOT,
    ];
    assert_eq!(parse_session_header(signature.span()), Err('session/bad-version'));
}

/// The vectors' header with its session's `index`-th felt replaced by `value`.
fn header_with(index: u32, value: felt252) -> Array<felt252> {
    let mut header = array![];
    let signature = vectors::signature();
    let felts = signature.span().slice(0, VECTOR_OWNER_SIGNATURE_OFFSET);
    for (i, felt) in felts.into_iter().enumerate() {
        header.append(if i == SESSION_OFFSET + index {
            value
        } else {
            *felt
        });
    }
    header
}

#[test]
fn test_parse_session_header_field_ranges() {
    let bad_format = Err('session/bad-format');
    let (u64_max, u128_max, u32_max): (felt252, felt252, felt252) = (
        0xffffffffffffffff, 0xffffffffffffffffffffffffffffffff, 0xffffffff,
    );
    // The largest values parse, one more does not: valid_until, max_fee, fee_budget,
    // max_transactions; the epoch is any felt.
    assert!(parse_session_header(header_with(2, u64_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(2, u64_max + 1).span()), bad_format);
    assert!(parse_session_header(header_with(3, u128_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(3, u128_max + 1).span()), bad_format);
    assert!(parse_session_header(header_with(4, u128_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(4, u128_max + 1).span()), bad_format);
    assert!(parse_session_header(header_with(5, u32_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(5, u32_max + 1).span()), bad_format);
    assert_eq!(SESSION_OFFSET + 6, EPOCH_OFFSET);
    assert!(parse_session_header(header_with(6, u64_max + 1).span()).is_ok());
    assert!(parse_session_header(header_with(6, -1).span()).is_ok());
    // The spending limit's words: total (low, high), per_period (low, high), then period.
    for index in 10..14_u32 {
        assert!(parse_session_header(header_with(index, u128_max).span()).is_ok());
        assert_eq!(parse_session_header(header_with(index, u128_max + 1).span()), bad_format);
    }
    assert!(parse_session_header(header_with(14, u64_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(14, u64_max + 1).span()), bad_format);
}

//
// execution_session
//

#[test]
fn test_execution_session_of_the_vector_signature() {
    let session = execution_session(vectors::signature().span());
    assert_eq!(session, super::support::session());
    let window = (session.valid_after, session.valid_until);
    assert_eq!(window, (vectors::VALID_AFTER, vectors::VALID_UNTIL));
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_execution_session_of_a_short_signature() {
    execution_session(array!['sk-session', 4, 2, 3].span());
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_execution_session_beyond_u64() {
    execution_session(
        array!['sk-session', 4, 2, 3, 0x10000000000000000, 5, 6, 7, 8, 9, 0, 0].span(),
    );
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_execution_session_of_a_short_session() {
    // The window is there, but the session does not parse: no spending limits' count.
    execution_session(array!['sk-session', 4, 2, 3, 4, 5, 6, 7, 8, 9].span());
}

#[test]
#[should_panic(expected: 'session/bad-version')]
fn test_execution_session_of_another_version() {
    execution_session(array!['sk-session', 1, 2, 3, 4, 5].span());
}

//
// The call proofs and their argument rules
//

/// The felts of the vectors' signature from the proof count on: after the owner's and the session
/// key's signatures, three felts each.
fn vector_proofs_felts() -> Span<felt252> {
    let signature = vectors::signature().span();
    let start = VECTOR_OWNER_SIGNATURE_OFFSET + 6;
    signature.slice(start, signature.len() - start)
}

#[test]
fn test_call_proofs_of_the_vector_signature() {
    // Two calls: the transfer with its policy's two rules, then `play` with none.
    let rules = super::support::transfer_rules();
    let (transfer_proof, play_proof) = (*vectors::proofs()[0], *vectors::proofs()[1]);
    let mut expected = array![2, 2];
    // word 0 == 0xb0b: word, operator, values (len, felts), u256 values (len).
    expected.append_span(array![0, 'EQ', 1, 0xb0b, 0].span());
    // word 1 (u256) <= 1000: word, operator, values (len), u256 values (len, low, high).
    expected.append_span(array![1, 'LE', 0, 1, 1000, 0].span());
    expected.append(transfer_proof.len().into());
    expected.append_span(transfer_proof);
    expected.append(0);
    expected.append(play_proof.len().into());
    expected.append_span(play_proof);
    assert_eq!(vector_proofs_felts(), expected.span());
    assert_eq!(call_proofs(), array![CallProof { rules, proof: transfer_proof }, CallProof {
        rules: array![].span(), proof: play_proof,
    }]);
}

/// The vectors' token with `proofs` as its call proofs, encoded and parsed again.
fn round_trip(proofs: Array<CallProof>) -> Result<SessionToken, felt252> {
    let token = SessionToken { proofs: proofs.span(), ..session_token() };
    parse_session_token(encode(token).span())
}

#[test]
fn test_call_proofs_round_trip() {
    let rules = array![
        ArgumentRule {
            word: 0,
            operator: ONE_OF,
            values: array![1, 2, -1].span(),
            u256_values: array![].span(),
        },
        ArgumentRule {
            word: 0xffffffff,
            operator: IN_RANGE,
            values: array![].span(),
            u256_values: array![u256 { low: 1, high: 2 }, u256 { low: 3, high: 4 }].span(),
        },
        // One the account cannot evaluate still parses: it is refused when evaluated.
        ArgumentRule {
            word: 1, operator: 'LIKE', values: array![5].span(), u256_values: array![6].span(),
        },
    ]
        .span();
    let proofs = array![
        CallProof { rules, proof: array![7, 8].span() },
        CallProof { rules: array![].span(), proof: array![].span() },
    ];
    let token = SessionToken { proofs: proofs.span(), ..session_token() };
    assert_eq!(round_trip(proofs), Ok(token));
}

/// The vectors' signature up to its proof count, then `proofs_felts`.
fn with_proofs_felts(proofs_felts: Array<felt252>) -> Span<felt252> {
    let signature = vectors::signature().span();
    let mut felts = array![];
    felts.append_span(signature.slice(0, VECTOR_OWNER_SIGNATURE_OFFSET + 6));
    felts.append_span(proofs_felts.span());
    felts.span()
}

#[test]
fn test_call_proofs_that_do_not_parse() {
    let bad_format = Err('session/bad-format');
    // The smallest call proof: no rules, an empty proof.
    assert!(parse_session_token(with_proofs_felts(array![1, 0, 0])).is_ok());
    // A rule's word beyond u32.
    let rule = array![1, 1, 0x100000000, 'EQ', 1, 5, 0, 0];
    assert_eq!(parse_session_token(with_proofs_felts(rule)), bad_format);
    assert!(parse_session_token(with_proofs_felts(array![1, 1, 0xffffffff, 'EQ', 1, 5, 0, 0]))
        .is_ok());
    // A u256 value's word beyond u128.
    let two_pow_128 = 0x100000000000000000000000000000000;
    let rule = array![1, 1, 0, 'LE', 0, 1, two_pow_128, 0, 0];
    assert_eq!(parse_session_token(with_proofs_felts(rule)), bad_format);
    let rule = array![1, 1, 0, 'LE', 0, 1, 5, two_pow_128, 0];
    assert_eq!(parse_session_token(with_proofs_felts(rule)), bad_format);
    // Counts running past the end: rules, values, u256 values, and a u256 value cut in half.
    let cut = array![
        array![1, 2, 0, 'EQ', 1, 5, 0, 0], array![1, 1, 0, 'EQ', 3, 5, 0, 0],
        array![1, 1, 0, 'EQ', 0, 2, 5, 0, 0], array![1, 1, 0, 'EQ', 0, 1, 5],
        // The proof missing after the rules, and a felt left over.
        array![1, 1, 0, 'EQ', 1, 5, 0], array![1, 0, 0, 0],
        // Format 2 before argument rules: a proof without its rules' count.
        array![1, 1, 0x42],
    ];
    for proofs_felts in cut {
        assert_eq!(parse_session_token(with_proofs_felts(proofs_felts)), bad_format);
    }
}
