//! What each fuzz target checks, on any bytes: the SDK's parsers of what arrives from outside
//! (a session file, a request file, a transaction or message signature, SNIP-12 typed data)
//! never panic, and what they accept is what they write back.
//!
//! The same functions replay the corpus (`fuzz/corpus/<target>/`) in the workspace's stable
//! test suite (`tests/fuzz_corpus.rs` includes this file), so a case the fuzzer once found keeps
//! being checked without nightly. A function here panics only on a real finding.

use serde_json::Value;
use sk_session::{SessionMessageToken, SessionRequest, SessionToken, SignedSession};
use starknet::core::types::Felt;

/// A session file (`sk session sign --out`): if it reads, it writes back to a file that reads
/// as the same session, and its typed data and hash are computed without a panic.
pub fn session_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(session) = SignedSession::from_json(text) else { return };
    let again = SignedSession::from_json(&session.to_json()).expect("a session file the SDK wrote reads back");
    assert_eq!(again, session, "a session file round-trips");
    let _ = session.request().typed_data(session.chain_id());
}

/// A session request (the `request` of a request file, `sk session new --out`): if it reads,
/// its JSON reads back as the same request, with the same hash.
pub fn request_file(data: &[u8]) {
    let Ok(request) = serde_json::from_slice::<SessionRequest>(data) else { return };
    let json = serde_json::to_string(&request).expect("a request serializes");
    let again: SessionRequest = serde_json::from_str(&json).expect("a request the SDK wrote reads back");
    assert_eq!(again, request, "a request round-trips");
    let (account, chain) = (Felt::from(0xacc0u32), Felt::from(0x534eu32));
    assert_eq!(again.hash(account, chain), request.hash(account, chain));
    let _ = request.typed_data(chain);
}

/// A transaction or message signature: felts made of the bytes ([`felts`]). A token that parses
/// writes back to exactly the same felts (the contract's layout has one encoding per token).
pub fn signature(data: &[u8]) {
    let felts = felts(data);
    if let Ok(token) = SessionToken::from_felts(&felts) {
        assert_eq!(token.to_felts(), felts, "a session token re-encodes to its felts");
    }
    if let Ok(token) = SessionMessageToken::from_felts(&felts) {
        assert_eq!(token.to_felts(), felts, "a message token re-encodes to its felts");
    }
}

/// SNIP-12 typed data (revision 1): any JSON the hasher accepts hashes the same twice, and
/// nothing panics (deep nesting, recursive types, huge numbers, odd names).
pub fn typed_data(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let account = Felt::from(0xacc0u32);
    if let Ok(hash) = sk_session::typed_data::message_hash(&value, account) {
        assert_eq!(sk_session::typed_data::message_hash(&value, account).ok(), Some(hash));
    }
}

/// Felts from bytes: each felt is a length byte `n` (taken modulo 33) and then `n` big-endian
/// bytes, reduced modulo the field's prime; so short inputs make small felts, which is what
/// lengths and versions are, and a full 32 bytes make any felt.
pub fn felts(mut data: &[u8]) -> Vec<Felt> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = data.split_first() {
        let len = usize::from(len % 33).min(rest.len());
        let (bytes, rest) = rest.split_at(len);
        out.push(Felt::from_bytes_be_slice(bytes));
        data = rest;
    }
    out
}

/// The inverse of [`felts`], for writing corpus seeds: each felt as its 32 bytes, without
/// leading zeros.
pub fn felt_bytes(felts: &[Felt]) -> Vec<u8> {
    let mut out = Vec::new();
    for felt in felts {
        let bytes = felt.to_bytes_be();
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(32);
        out.push((32 - start) as u8);
        out.extend_from_slice(&bytes[start..]);
    }
    out
}
