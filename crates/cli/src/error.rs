//! Turns errors into one plain sentence that names the cause.
use std::fmt;

use sk_contracts::errors;
use sk_session::Error as SessionError;

use crate::time;

/// The account contract's error codes (`sk_contracts::errors`, generated from
/// contracts/src/errors.cairo; docs/protocol.md §4) and what they mean. `{window}` is replaced by
/// the session's validity window when it is known. A test fails when a code of the contract has no
/// sentence here.
const CONTRACT_ERRORS: &[(&str, &str)] = &[
    (errors::INVALID_SIGNATURE, "the signature is not the account owner's"),
    (errors::INVALID_SIGNATURE_LENGTH, "an owner signature must be exactly two felts (r, s)"),
    (errors::INVALID_TX_VERSION, "the account accepts only version 3 transactions"),
    (errors::INVALID_CALLER, "only the Starknet protocol may call the account's validation and execution entry points"),
    (errors::ONLY_SELF, "only the account itself may do this (send it as a transaction of the account)"),
    (errors::ZERO_OWNER, "the owner key cannot be zero"),
    (errors::SAME_OWNER, "the new owner key is the account's owner already"),
    (errors::INVALID_OWNER_PROOF, "the new owner key did not sign the rotation (a key nobody holds would lock the account)"),
    (errors::ZERO_CLASS_HASH, "the class hash to upgrade to cannot be zero"),
    (errors::SESSION_BAD_FORMAT, "the session signature is malformed (a length runs past its end or felts are left over): the client that built it is broken"),
    (errors::SESSION_BAD_VERSION, "the session signature has a format version this account does not know (it reads version 4)"),
    (errors::SESSION_LIMIT_ORDER, "the session lists its spending limits out of order: each token once, in increasing address order (a token listed twice would be limited by one entry only); the client that built it is broken"),
    (errors::SESSION_NO_CALLS, "a session transaction must make at least one call"),
    (errors::SESSION_EXPIRED, "the session has expired{window}; ask the owner for a new one"),
    (errors::SESSION_NOT_YET_VALID, "the session is not valid yet{window}; wait for its start"),
    (errors::SESSION_PAYMASTER_DATA, "a session transaction cannot carry paymaster data: its fees are the account's, within the session's limits"),
    (errors::SESSION_DEPLOYMENT_DATA, "a session transaction cannot carry account deployment data"),
    (errors::SESSION_FEE_CAP, "the transaction's maximum fee (resource bounds times their max prices, plus the tip) is above the session's cap per transaction; lower the bounds or the tip"),
    (errors::SESSION_ALREADY_REVOKED, "the session was revoked already"),
    (errors::SESSION_REVOKED, "the owner revoked this session; ask the owner for a new one"),
    (errors::SESSION_STALE_EPOCH, "the session names another owner epoch than the account's: the owner revoked all sessions or changed the owner key since it was signed (or it names an epoch the account never had); ask the owner for a new one"),
    (errors::SESSION_ALREADY_REGISTERED, "the account has recorded this session's authorization already"),
    (errors::SESSION_NOT_AUTHORIZED, "the transaction leaves out the owner's signature of the session, but the account has no record of the session's authorization; send the owner signature (the SDK does when it reads no record)"),
    (errors::SESSION_INVALID_AUTHORIZATION, "the owner's signature on the session is not valid for this account's current owner key (signed by another key, for another account or chain, or the owner key was changed since)"),
    (errors::SESSION_INVALID_SIGNATURE, "the transaction (or message) is not signed by the session's key"),
    (errors::SESSION_PROOF_COUNT, "the session signature must carry exactly one policy proof per call"),
    (errors::SESSION_SELF_CALL, "a session may never call the account itself (no key rotation, revocation or upgrade through a session)"),
    (errors::SESSION_INVALID_PROOF, "a call is not among the calls the session allows (its policy proof does not lead to the policy root the owner signed)"),
    (errors::SESSION_BAD_RULE, "an argument rule of the session cannot be evaluated (an unknown operator or the wrong number of values): the client that built the session is broken"),
    (errors::SESSION_ARGUMENT_RULE, "a call breaks an argument rule of its policy (a recipient, amount or other argument the owner did not allow)"),
    (errors::SESSION_TX_LIMIT, "the session has sent all the transactions it may; ask the owner for a new one"),
    (errors::SESSION_FEE_BUDGET, "the session's fee budget has less left than this transaction may cost; ask the owner for a new session"),
    (errors::SESSION_BAD_AMOUNT, "an approval of a token the session limits has no valid spender or u256 amount where its selector puts them"),
    (errors::SESSION_SPENDING_LIMIT, "the calls spent more of a token (what left the account's balance, plus the allowances they granted) than the session's spending limit has left over its life"),
    (errors::SESSION_PERIOD_LIMIT, "the calls spent more of a token than the session may in the current period; wait for the next one"),
    (errors::SESSION_MESSAGE_HASH, "the session's message signature is for another message than the hash asked about (other members, or another chain)"),
    (errors::SESSION_RESERVED_DOMAIN, "a session never signs messages of the account's own domains (sessions, outside executions), whatever its policies say"),
    (errors::SESSION_MESSAGE_LIST, "the session's message signature lists other message policies than the owner signed: the client that built it is broken"),
    (errors::SESSION_MESSAGE_NOT_ALLOWED, "the session may not sign messages of this domain and type: the owner did not allow them"),
    (errors::SESSION_NO_DECLARE, "a session cannot declare classes"),
    (errors::SESSION_NO_DEPLOY, "a session cannot deploy the account"),
    (errors::OUTSIDE_INVALID_CALLER, "the outside execution names another caller: only that contract may submit it"),
    (errors::OUTSIDE_TOO_EARLY, "the outside execution was submitted before its execute-after time"),
    (errors::OUTSIDE_TOO_LATE, "the outside execution was submitted at or after its execute-before time: sign a new one"),
    (errors::OUTSIDE_NONCE_USED, "the outside execution's nonce was used already: it ran once and cannot run again"),
    (errors::TIP_JAR_ZERO, "the example tip jar takes no tip of 0"),
    (errors::TIP_JAR_NOT_MOVED, "the token did not move the tip (its transfer_from returned false)"),
];

/// A session's validity window, attached as context to errors of commands that use a session, so
/// an expiry error can say when the session ended.
#[derive(Debug, Clone, Copy)]
pub struct SessionWindow {
    pub valid_after: u64,
    pub valid_until: u64,
}

impl fmt::Display for SessionWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.valid_after > 0 {
            write!(f, "session valid from {} ", time::utc(self.valid_after))?;
        } else {
            write!(f, "session valid ")?;
        }
        write!(f, "until {}", time::utc(self.valid_until))
    }
}

/// The meaning of the contract error string found in `text`, with the string itself; an expiry
/// says when the session ended if its `window` is given.
pub fn contract_error(text: &str, window: Option<SessionWindow>) -> Option<String> {
    // The longest matching code wins ('session/already-revoked' contains 'revoked').
    let (code, sentence) =
        CONTRACT_ERRORS.iter().filter(|(code, _)| text.contains(code)).max_by_key(|(code, _)| code.len())?;
    let window = match (window, *code) {
        (Some(w), errors::SESSION_EXPIRED) => format!(" (it was valid until {})", time::utc(w.valid_until)),
        (Some(w), errors::SESSION_NOT_YET_VALID) => format!(" (it starts at {})", time::utc(w.valid_after)),
        _ => String::new(),
    };
    Some(format!("{} ('{code}')", sentence.replace("{window}", &window)))
}

/// What an error of the session SDK means for someone at the command line.
pub fn session_error(err: &SessionError) -> String {
    // `Error` is non-exhaustive: variants added to the SDK later fall back to its own text.
    match err {
        SessionError::InvalidAddress(address) => {
            format!("{address:#x} is not a contract address (it must be non-zero and below 2^251)")
        }
        SessionError::InvalidSelector(selector) => format!(
            "`{}` is not a selector: give an entry point name like `transfer` (letters, digits and `_`, nothing \
             around it) or a hex felt",
            sk_session::Escaped(selector)
        ),
        SessionError::DuplicatePolicy { contract, selector } => {
            format!("the policy {contract:#x}::{selector:#x} is listed twice")
        }
        SessionError::NoPolicies => "a session needs at least one policy (--policy CONTRACT:SELECTOR)".into(),
        SessionError::EmptyWindow { valid_after, valid_until } => format!(
            "the validity window is empty: the session would start at {} and end at {}",
            time::utc(*valid_after),
            time::utc(*valid_until)
        ),
        SessionError::TimeOutOfRange(unix) => format!(
            "the time {unix} is too far in the future: session times must stay below 2^53 seconds, \
             the largest a wallet's JavaScript reads exactly"
        ),
        SessionError::MissingSessionKey => "the session key is missing (0)".into(),
        SessionError::SelectorNameMismatch { name, selector } => format!(
            "the file was edited: the policy name `{}` is not the name of its selector {selector:#x}",
            sk_session::Escaped(name)
        ),
        SessionError::UnsupportedFileVersion { found, supported } => format!(
            "the file is of session file version {found}, and this `sk` reads version {supported} only; use a newer `sk`"
        ),
        SessionError::HashMismatch { stored, computed } => format!(
            "the session file was changed after the owner signed it: the session hash it carries \
             ({stored:#066x}) is not the hash of its content ({computed:#066x}); use the file as \
             `sk session sign` wrote it, or ask the owner to sign again"
        ),
        SessionError::InvalidOwnerSignature(owner) => format!(
            "the owner signature is not a signature of this session by the owner key {owner:#066x}"
        ),
        SessionError::WrongSessionKey { expected, given } => format!(
            "the key given is not this session's key (its public key is {given:#066x}, the session's is \
             {expected:#066x}); pass the key file `sk session new` wrote with this session"
        ),
        SessionError::CallNotAllowed { index, contract, selector, name } => {
            let what = match name {
                Some(name) => format!("`{}`, selector {selector:#x}", sk_session::escape(name)),
                None => format!("selector {selector:#x}"),
            };
            format!("call #{index} (contract {contract:#066x}, {what}) is not allowed by the session's policies; nothing was sent")
        }
        SessionError::SelfCall { index } => {
            format!("call #{index} targets the account itself, which a session may never do; nothing was sent")
        }
        SessionError::ChainMismatch { session, node } => format!(
            "the session was signed for chain {}, but the node serves {}; use a node of the session's chain",
            crate::parse::chain_name(*session),
            crate::parse::chain_name(*node)
        ),
        SessionError::Revoked(hash) => {
            format!("the owner revoked this session ({hash:#066x}); ask the owner for a new one")
        }
        SessionError::DeclareNotAllowed => "a session cannot declare classes".into(),
        SessionError::NotASessionSignature => "the signature is not a session signature".into(),
        SessionError::UnsupportedVersion(version) => format!("unsupported session signature version {version:#x}"),
        SessionError::MalformedSignature(why) => format!("malformed session signature: {why}"),
        SessionError::Ecdsa(why) => format!("signing with the local key failed: {why}"),
        SessionError::ProofCount { calls, proofs } => {
            format!("the session signature carries {proofs} policy proofs for {calls} calls: the client that built it is broken")
        }
        SessionError::ArgumentRule { index, rule } => format!(
            "call #{index} breaks the session's argument rule `{rule}` (the owner allowed this call only with \
             such arguments); nothing was sent"
        ),
        SessionError::InvalidProof { index } => format!(
            "the policy proof of call #{index} does not lead to the session's policy root: the call is not allowed"
        ),
        SessionError::Json(why) => format!("not a valid session file: {why}"),
        SessionError::SpendingLimitExceeded { token, amount, left, scope } => {
            let show = |value: starknet::core::types::U256| match crate::parse::contract_name(*token) {
                Some(name) if value.high() == 0 => sk_session::format_strk(value.low()).replace("STRK", name),
                _ => format!("{value} base units"),
            };
            let token = crate::parse::contract_name(*token).map_or_else(|| format!("{token:#x}"), str::to_string);
            format!(
                "the calls would move {} of {token}, but the session has only {} left {scope}: its spending limit stops it",
                show(*amount),
                show(*left)
            )
        }
        other => other.to_string(),
    }
}

/// The message printed for a failed command: the cause in plain words; for an error of the
/// contract, the node's own answer (a long dump of the failed call) follows only if `verbose`.
pub fn explain(err: &anyhow::Error, verbose: bool) -> String {
    // The chain of messages, with an SDK error put in the CLI's words.
    let mut links = Vec::new();
    for cause in err.chain() {
        if let Some(session) = cause.downcast_ref::<SessionError>() {
            links.push(session_error(session));
            break;
        }
        links.push(cause.to_string());
    }
    let chain = links.join(": ");
    let window = err.downcast_ref::<SessionWindow>().copied();
    match contract_error(&chain, window) {
        Some(sentence) if verbose => format!("the account rejected it: {sentence}\n  details: {chain}"),
        Some(sentence) => format!("the account rejected it: {sentence}\n  (--verbose shows the node's answer)"),
        None => chain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use starknet::core::types::Felt;

    #[test]
    fn names_the_contract_error() {
        let err = anyhow::anyhow!("Account validation failed: 0x61... ('account/invalid-signature')");
        let text = explain(&err, true);
        assert!(text.starts_with("the account rejected it: the signature is not the account owner's"), "{text}");
        assert!(text.contains("Account validation failed"), "{text}");
        // Without --verbose, the sentence alone, and how to see the rest.
        let text = explain(&err, false);
        assert!(text.starts_with("the account rejected it: the signature is not the account owner's"), "{text}");
        assert!(!text.contains("Account validation failed") && text.contains("--verbose"), "{text}");
    }

    #[test]
    fn leaves_other_errors_as_they_are() {
        let err = anyhow::anyhow!("cannot reach the node at http://127.0.0.1:1/").context("connecting");
        assert_eq!(explain(&err, false), "connecting: cannot reach the node at http://127.0.0.1:1/");
    }

    #[test]
    fn every_error_of_the_contract_has_a_sentence() {
        for code in errors::ALL {
            assert!(
                CONTRACT_ERRORS.iter().any(|(known, _)| known == code),
                "the contract error '{code}' (contracts/src/errors.cairo) has no sentence in CONTRACT_ERRORS"
            );
            // The longest matching code wins, so each code gets its own sentence.
            let sentence = contract_error(&format!("failure ('{code}')"), None).unwrap();
            assert!(sentence.ends_with(&format!("('{code}')")), "{code}: {sentence}");
        }
        let revoked_twice = contract_error("('session/already-revoked')", None).unwrap();
        assert!(revoked_twice.starts_with("the session was revoked already"), "{revoked_twice}");
    }

    #[test]
    fn every_sentence_is_for_an_error_of_the_contract() {
        for (i, (code, _)) in CONTRACT_ERRORS.iter().enumerate() {
            assert!(
                errors::ALL.contains(code),
                "CONTRACT_ERRORS has a sentence for '{code}', which is not an error of the contract (contracts/src/errors.cairo)"
            );
            assert!(
                !CONTRACT_ERRORS[..i].iter().any(|(other, _)| other == code),
                "CONTRACT_ERRORS has two sentences for '{code}'"
            );
        }
    }

    #[test]
    fn expiry_names_the_end_of_the_window() {
        let window = SessionWindow { valid_after: 0, valid_until: 1_767_225_600 };
        let err = anyhow::anyhow!("estimate failed: ('session/expired')").context(window);
        let text = explain(&err, false);
        assert!(text.contains("the session has expired (it was valid until 2026-01-01 00:00:00 UTC)"), "{text}");
    }

    #[test]
    fn sdk_errors_are_put_in_plain_words() {
        let err = anyhow::Error::new(SessionError::HashMismatch { stored: Felt::ONE, computed: Felt::TWO })
            .context("reading session.json");
        let text = explain(&err, false);
        assert!(
            text.starts_with("reading session.json: the session file was changed after the owner signed it"),
            "{text}"
        );
    }
}
