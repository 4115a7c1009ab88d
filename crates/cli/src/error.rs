//! Turns errors into one plain sentence that names the cause.

/// The account contract's error strings (contracts/src/errors.cairo) and what they mean.
const CONTRACT_ERRORS: &[(&str, &str)] = &[
    ("account/invalid-signature", "the signature is not the account owner's"),
    ("account/invalid-sig-length", "an owner signature must be exactly two felts (r, s)"),
    ("account/invalid-tx-version", "the account accepts only version 3 transactions"),
    ("account/invalid-caller", "only the Starknet protocol may call the account's validation and execution entry points"),
    ("account/only-self", "only the account itself may do this (send it as a transaction of the account)"),
    ("account/zero-owner", "the owner key cannot be zero"),
];

/// The meaning of the first contract error string found in `text`, with the string itself.
pub fn contract_error(text: &str) -> Option<String> {
    CONTRACT_ERRORS
        .iter()
        .find(|(code, _)| text.contains(code))
        .map(|(code, sentence)| format!("{sentence} ('{code}')"))
}

/// The message printed for a failed command: the cause in plain words first, then the chain of
/// errors that led to it.
pub fn explain(err: &anyhow::Error) -> String {
    let chain = format!("{err:#}");
    match contract_error(&chain) {
        Some(sentence) => format!("the account rejected it: {sentence}\n  details: {chain}"),
        None => chain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_contract_error() {
        let err = anyhow::anyhow!("Account validation failed: 0x61... ('account/invalid-signature')");
        let text = explain(&err);
        assert!(text.starts_with("the account rejected it: the signature is not the account owner's"), "{text}");
        assert!(text.contains("Account validation failed"), "{text}");
    }

    #[test]
    fn leaves_other_errors_as_they_are() {
        let err = anyhow::anyhow!("cannot reach the node at http://127.0.0.1:1/").context("connecting");
        assert_eq!(explain(&err), "connecting: cannot reach the node at http://127.0.0.1:1/");
    }
}
