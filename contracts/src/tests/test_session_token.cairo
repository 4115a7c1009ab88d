//! The session token (docs/protocol.md §3): its layout's offsets, the header reader and the
//! session `__execute__` reads with it. The whole-token parser is checked against the vectors in
//! `test_vectors` and through `__validate__` in `test_session`.
use crate::session::session_hash::Session;
use crate::session::session_token::{
    MAGIC_OFFSET, OWNER_SIGNATURE_OFFSET, SESSION_MAGIC, SESSION_OFFSET, SESSION_TOKEN_VERSION,
    SPENDING_LIMITS_OFFSET, VALID_AFTER_OFFSET, VALID_UNTIL_OFFSET, VERSION_OFFSET,
    execution_session, is_session_token, parse_session_header,
};
use super::support::{
    SPENDING_LIMIT_FELTS, VECTOR_OWNER_SIGNATURE_OFFSET, owner_signature, session,
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
    assert_eq!(*signature[SPENDING_LIMITS_OFFSET - 1], vectors::ROOT);
    // One spending limit: its count, then token, total, per_period and period.
    assert_eq!(SPENDING_LIMITS_OFFSET, 9);
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
    // The owner signature, after the one limit.
    assert_eq!(OWNER_SIGNATURE_OFFSET, SPENDING_LIMITS_OFFSET + 1);
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
    assert_eq!(parse_session_header(array!['sk-other', 2].span()), bad_format);
    assert_eq!(parse_session_header(array![SESSION_MAGIC].span()), bad_format);
    // A session of six felts, format 1's four or none.
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 2, 1, 2, 3, 4, 5, 6].span()), bad_format);
    // Seven felts, without the spending limits' count (format 2 before spending limits).
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 2, 1, 2, 3, 4, 5, 6, 7].span()), bad_format,
    );
    // A count of limits with fewer felts than it announces.
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 2, 1, 2, 3, 4, 5, 6, 7, 1, 8, 9].span()),
        bad_format,
    );
    assert_eq!(
        parse_session_header(array![SESSION_MAGIC, 2, 1, 2, 3, 4, 5, 6, 7, 0xffffffff].span()),
        bad_format,
    );
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 2, 1, 2, 3, 4].span()), bad_format);
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 2].span()), bad_format);
    // The version is refused before the session is read.
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 1].span()), Err('session/bad-version'));
    assert_eq!(parse_session_header(array![SESSION_MAGIC, 3].span()), Err('session/bad-version'));
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
    // max_transactions.
    assert!(parse_session_header(header_with(2, u64_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(2, u64_max + 1).span()), bad_format);
    assert!(parse_session_header(header_with(3, u128_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(3, u128_max + 1).span()), bad_format);
    assert!(parse_session_header(header_with(4, u128_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(4, u128_max + 1).span()), bad_format);
    assert!(parse_session_header(header_with(5, u32_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(5, u32_max + 1).span()), bad_format);
    // The spending limit's words: total (low, high), per_period (low, high), then period.
    for index in 9..13_u32 {
        assert!(parse_session_header(header_with(index, u128_max).span()).is_ok());
        assert_eq!(parse_session_header(header_with(index, u128_max + 1).span()), bad_format);
    }
    assert!(parse_session_header(header_with(13, u64_max).span()).is_ok());
    assert_eq!(parse_session_header(header_with(13, u64_max + 1).span()), bad_format);
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
    execution_session(array!['sk-session', 2, 2, 3].span());
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_execution_session_beyond_u64() {
    execution_session(array!['sk-session', 2, 2, 3, 0x10000000000000000, 5, 6, 7, 8, 0].span());
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_execution_session_of_a_short_session() {
    // The window is there, but the session does not parse: no spending limits' count.
    execution_session(array!['sk-session', 2, 2, 3, 4, 5, 6, 7, 8].span());
}

#[test]
#[should_panic(expected: 'session/bad-version')]
fn test_execution_session_of_another_version() {
    execution_session(array!['sk-session', 1, 2, 3, 4, 5].span());
}
