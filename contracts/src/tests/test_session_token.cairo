//! The session token (docs/protocol.md §3): its layout's offsets, the header reader and the
//! window `__execute__` reads with it. The whole-token parser is checked against the vectors in
//! `test_vectors` and through `__validate__` in `test_session`.
use crate::session::session_token::{
    MAGIC_OFFSET, OWNER_SIGNATURE_OFFSET, SESSION_MAGIC, SESSION_OFFSET, SESSION_TOKEN_VERSION,
    VALID_AFTER_OFFSET, VALID_UNTIL_OFFSET, VERSION_OFFSET, is_session_token,
    parse_session_header, session_window,
};
use super::support::{owner_signature, session};
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
    assert_eq!(*signature[OWNER_SIGNATURE_OFFSET - 1], vectors::ROOT);
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
    let rest = signature.slice(OWNER_SIGNATURE_OFFSET, signature.len() - OWNER_SIGNATURE_OFFSET);
    assert_eq!(parse_session_header(signature), Ok((session(), rest)));
}

#[test]
fn test_parse_session_header_leaves_the_rest_unread() {
    // An absurd owner signature length: the header reader does not look at it.
    let mut signature = array![];
    for felt in vectors::signature().span().slice(0, OWNER_SIGNATURE_OFFSET) {
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
    for (i, felt) in signature.span().slice(0, OWNER_SIGNATURE_OFFSET).into_iter().enumerate() {
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
}

//
// session_window
//

#[test]
fn test_session_window_reads_the_fixed_offsets() {
    assert_eq!(
        session_window(vectors::signature().span()), (vectors::VALID_AFTER, vectors::VALID_UNTIL),
    );
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_session_window_of_a_short_signature() {
    session_window(array!['sk-session', 2, 2, 3].span());
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_session_window_beyond_u64() {
    session_window(array!['sk-session', 2, 2, 3, 0x10000000000000000, 5, 6, 7, 8].span());
}

#[test]
#[should_panic(expected: 'session/bad-format')]
fn test_session_window_of_a_short_session() {
    // All `__execute__` needs is there, but the session does not parse.
    session_window(array!['sk-session', 2, 2, 3, 4, 5, 6, 7].span());
}

#[test]
#[should_panic(expected: 'session/bad-version')]
fn test_session_window_of_another_version() {
    session_window(array!['sk-session', 1, 2, 3, 4, 5].span());
}
