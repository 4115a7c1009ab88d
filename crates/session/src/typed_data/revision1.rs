//! The fixed parts of SNIP-12 revision 1, typed and free of JSON: the message prefix, the
//! `StarknetDomain` type and its hash, and the message hash of a struct hash. Callers that know
//! their types (a session's `Session`, Argent's sessions) hash with these directly; the typed data
//! a wallet shows is written with [`starknet_domain_type`] and [`chain_name`].

use serde_json::{json, Value};
use starknet::core::types::Felt;
use starknet::core::utils::parse_cairo_short_string;
use starknet_crypto::poseidon_hash_many;

/// The short string `'StarkNet Message'`, the first element of every message hash.
pub const STARKNET_MESSAGE: Felt = Felt::from_hex_unchecked("0x537461726b4e6574204d657373616765");

/// The domain type of revision 1.
pub(super) const DOMAIN_TYPE: &str = "StarknetDomain";

/// The type string of the revision-1 domain, `StarknetDomain`.
pub const DOMAIN_TYPE_STRING: &str = concat!(
    r#""StarknetDomain"("name":"shortstring","version":"shortstring","#,
    r#""chainId":"shortstring","revision":"shortstring")"#
);

/// `starknet_keccak(DOMAIN_TYPE_STRING)`, the type hash of `StarknetDomain`.
pub const DOMAIN_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x1ff2f602e42168014d405a94f75e8a93d640751d71d16311266e140d8b0a210");

/// The struct hash of a revision-1 `StarknetDomain` with shortstrings `name` and `version` on
/// `chain_id`: `poseidon([DOMAIN_TYPE_HASH, name, version, chain_id, 1])`.
pub fn starknet_domain_hash(name: Felt, version: Felt, chain_id: Felt) -> Felt {
    let revision = Felt::ONE;
    poseidon_hash_many(&[DOMAIN_TYPE_HASH, name, version, chain_id, revision])
}

/// The SNIP-12 revision-1 message hash of the message `struct_hash` in the domain `domain_hash`,
/// signed by `account`: `poseidon(['StarkNet Message', domain_hash, account, struct_hash])`.
pub fn typed_message_hash(domain_hash: Felt, account: Felt, struct_hash: Felt) -> Felt {
    poseidon_hash_many(&[STARKNET_MESSAGE, domain_hash, account, struct_hash])
}

/// The members of the revision-1 `StarknetDomain` type, as typed data lists them.
pub fn starknet_domain_type() -> Value {
    json!([
        { "name": "name", "type": "shortstring" },
        { "name": "version", "type": "shortstring" },
        { "name": "chainId", "type": "shortstring" },
        { "name": "revision", "type": "shortstring" }
    ])
}

/// A chain id as the typed data's `chainId` writes it: its short string when it is one
/// (`SN_SEPOLIA`), else hex. A short string that reads as a number (`'123'`, `'0x1'`) is written
/// in hex too: starknet.js, and so a wallet, would hash the text `"123"` as the number 123.
pub fn chain_name(chain_id: Felt) -> String {
    parse_cairo_short_string(&chain_id)
        .ok()
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic()))
        .filter(|s| super::number::parse_js_bigint(s).is_none())
        .unwrap_or_else(|| format!("{chain_id:#x}"))
}

#[cfg(test)]
mod tests {
    use starknet::core::utils::{cairo_short_string_to_felt, starknet_keccak};

    use super::*;
    use crate::typed_data::{domain_hash, encode_type, message_hash, struct_hash};

    #[test]
    fn a_chain_id_whose_text_reads_as_a_number_is_written_in_hex() {
        let short = |text: &str| cairo_short_string_to_felt(text).unwrap();
        assert_eq!(chain_name(short("SN_SEPOLIA")), "SN_SEPOLIA");
        for text in ["123", "0x1", " 7", "0b101", "-5"] {
            assert_eq!(chain_name(short(text)), format!("{:#x}", short(text)), "{text:?}");
        }
        // The hex it writes reads back as the same felt, as starknet.js reads it.
        let domain =
            |chain: String| serde_json::json!({ "name": "n", "version": "1", "chainId": chain, "revision": "1" });
        let typed = serde_json::json!({
            "types": { "StarknetDomain": starknet_domain_type(), "M": [{ "name": "x", "type": "felt" }] },
            "primaryType": "M",
            "domain": domain(chain_name(short("123"))),
            "message": { "x": "1" }
        });
        let expected = typed_message_hash(
            starknet_domain_hash(short("n"), Felt::ONE, short("123")),
            Felt::TWO,
            poseidon_hash_many(&[starknet_keccak(br#""M"("x":"felt")"#), Felt::ONE]),
        );
        assert_eq!(message_hash(&typed, Felt::TWO).unwrap(), expected);
    }

    fn short(text: &str) -> Felt {
        cairo_short_string_to_felt(text).expect("a short string")
    }

    fn felt(hex: &str) -> Felt {
        Felt::from_hex(hex).expect("a hex felt")
    }

    /// A document of the domain `domain` with a one-member message `M { x: felt }`.
    fn doc(domain: Value) -> Value {
        json!({
            "types": {
                "StarknetDomain": starknet_domain_type(),
                "M": [{ "name": "x", "type": "felt" }]
            },
            "primaryType": "M",
            "domain": domain,
            "message": { "x": "0x2a" }
        })
    }

    #[test]
    fn starknet_message_prefix_is_the_short_string() {
        assert_eq!(cairo_short_string_to_felt("StarkNet Message").ok(), Some(STARKNET_MESSAGE));
    }

    #[test]
    fn domain_constants_match_their_definitions() {
        assert_eq!(starknet_keccak(DOMAIN_TYPE_STRING.as_bytes()), DOMAIN_TYPE_HASH);
        let types = json!({ "StarknetDomain": starknet_domain_type() });
        assert_eq!(encode_type(&types, DOMAIN_TYPE).as_deref(), Ok(DOMAIN_TYPE_STRING));
    }

    #[test]
    fn domain_hash_agrees_with_the_json_domain() {
        let sepolia = short("SN_SEPOLIA");
        let session = doc(json!({
            "name": "SessionKeys.session", "version": "1", "chainId": chain_name(sepolia), "revision": "1"
        }));
        let typed = starknet_domain_hash(short("SessionKeys.session"), Felt::ONE, sepolia);
        assert_eq!(domain_hash(&session), Ok(typed));
        // pinned starknet.js 10.8.0 (the session documents of `tests/typed-data/`)
        assert_eq!(typed, felt("0x42865e9819be8aa13837f707b8f31ca8c0e3c830239505c4cac726b8387e4f3"));

        let corpus = doc(json!({
            "name": "SessionKeys.corpus", "version": "2", "chainId": "0x534e5f5345504f4c4941", "revision": "1"
        }));
        let typed = starknet_domain_hash(short("SessionKeys.corpus"), Felt::TWO, sepolia);
        assert_eq!(domain_hash(&corpus), Ok(typed));
        assert_eq!(typed, felt("0x32e8ccc12577f270f89c2ebaf16cbacbae0b1990c6b7a19cebdf65df419af12"));
    }

    #[test]
    fn typed_message_hash_agrees_with_message_hash() {
        let td = doc(json!({ "name": "Example", "version": "1", "chainId": "SN_MAIN", "revision": "1" }));
        let account = Felt::from(0x1234u16);
        let domain = starknet_domain_hash(short("Example"), Felt::ONE, short("SN_MAIN"));
        let message = struct_hash(&td["types"], "M", &td["message"]).expect("a struct hash");
        assert_eq!(message_hash(&td, account), Ok(typed_message_hash(domain, account, message)));
        assert_ne!(typed_message_hash(domain, Felt::TWO, message), typed_message_hash(domain, account, message));
    }

    #[test]
    fn chain_names_are_short_strings_or_hex() {
        assert_eq!(chain_name(short("SN_SEPOLIA")), "SN_SEPOLIA");
        assert_eq!(chain_name(short("SN_MAIN")), "SN_MAIN");
        assert_eq!(chain_name(Felt::ZERO), "0x0");
        assert_eq!(chain_name(Felt::ONE), "0x1");
        assert_eq!(chain_name(short("a chain")), format!("{:#x}", short("a chain")));
        assert_eq!(chain_name(Felt::MAX), format!("{:#x}", Felt::MAX));
    }
}
