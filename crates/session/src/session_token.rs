//! The session token: the transaction signature of a session transaction, and what the session
//! key signs (docs/protocol.md §3). Mirrors `contracts/src/session/session_token.cairo`.
//!
//! ```text
//! offset  0      1        2            3            4            5        6           7                 8      9
//!         magic  version  session_key  valid_after  valid_until  max_fee  fee_budget  max_transactions  epoch  policies_root
//!         10
//!         spending_limits (count, then each as token, total low, high, per_period low, high, period)
//!         messages_hash
//! then    owner_signature (len, felts…), session_signature (len, felts…),
//!         proofs (count, then for each call: its policy's rules (count, then each rule as word,
//!         operator, values (len, felts…), u256 values (len, low, high…)), its proof (len, felts…))
//! ```

use starknet::core::types::{Felt, U256};
use starknet_crypto::poseidon_hash_many;

use crate::argument_rules::ArgumentRule;
use crate::error::Error;
use crate::session_hash::{is_contract_address, Session, SpendingLimit};

/// `'sk-session'`: the first felt of every session transaction signature.
pub const SESSION_MAGIC: Felt = Felt::from_hex_unchecked("0x736b2d73657373696f6e");

/// The format version of the token, at [`VERSION_OFFSET`]. It is not the typed data domain's
/// version ([`DOMAIN_VERSION`](crate::DOMAIN_VERSION)): a new layout of the signature and a new
/// session type are different changes.
pub const SESSION_TOKEN_VERSION: u64 = 4;

/// Offset of [`SESSION_MAGIC`].
pub const MAGIC_OFFSET: usize = 0;
/// Offset of the format version.
pub const VERSION_OFFSET: usize = 1;
/// Offset of the [`Session`] (its seven fields in order).
pub const SESSION_OFFSET: usize = 2;
/// Offset of the session's `valid_after`.
pub const VALID_AFTER_OFFSET: usize = SESSION_OFFSET + 1;
/// Offset of the session's `valid_until`.
pub const VALID_UNTIL_OFFSET: usize = SESSION_OFFSET + 2;
/// Offset of the session's owner epoch.
pub const EPOCH_OFFSET: usize = SESSION_OFFSET + 6;
/// Offset of the number of spending limits (the session's `messages_hash` follows them).
pub const SPENDING_LIMITS_OFFSET: usize = SESSION_OFFSET + 8;
/// Offset of the owner signature's length, the first field after the session, when the session
/// has no spending limits (each limit adds 6 felts before it).
pub const OWNER_SIGNATURE_OFFSET: usize = SPENDING_LIMITS_OFFSET + 2;

/// What the session key signs for a transaction: `poseidon(tx_hash, session_hash)`.
pub fn session_message_hash(transaction_hash: Felt, session_hash: Felt) -> Felt {
    poseidon_hash_many(&[transaction_hash, session_hash])
}

/// What a session token carries for one call: the argument rules of the call's policy, which
/// are part of its leaf, and the leaf's Merkle proof.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallProof {
    /// The rules the owner signed in the policy leaf (empty for a policy without rules).
    pub rules: Vec<ArgumentRule>,
    /// The siblings from the leaf up to the root.
    pub proof: Vec<Felt>,
}

impl CallProof {
    fn push_felts(&self, out: &mut Vec<Felt>) {
        out.push(self.rules.len().into());
        for rule in &self.rules {
            rule.push_felts(out);
        }
        push_span(out, &self.proof);
    }
}

/// A decoded session transaction signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    /// The session the owner authorized.
    pub session: Session,
    /// The owner's signature over the session hash.
    pub owner_signature: Vec<Felt>,
    /// The session key's signature over [`session_message_hash`].
    pub session_signature: Vec<Felt>,
    /// One proof (with its policy's rules) per call, in call order.
    pub proofs: Vec<CallProof>,
}

impl SessionToken {
    /// The short form of the token (docs/protocol.md §3): without the owner signature, for a
    /// session whose authorization the account has recorded (§4, "Authorization cache").
    pub fn short(mut self) -> Self {
        self.owner_signature.clear();
        self
    }

    /// Whether this is the short form: no owner signature.
    pub fn is_short(&self) -> bool {
        self.owner_signature.is_empty()
    }

    /// The felts of the transaction signature.
    pub fn to_felts(&self) -> Vec<Felt> {
        let proof_len: usize = self.proofs.iter().map(|p| p.proof.len() + 2 + 6 * p.rules.len()).sum();
        let mut out = Vec::with_capacity(
            OWNER_SIGNATURE_OFFSET + 3 + self.owner_signature.len() + self.session_signature.len() + proof_len,
        );
        out.push(SESSION_MAGIC);
        out.push(SESSION_TOKEN_VERSION.into());
        out.extend(self.session.to_felts());
        push_span(&mut out, &self.owner_signature);
        push_span(&mut out, &self.session_signature);
        out.push(self.proofs.len().into());
        for proof in &self.proofs {
            proof.push_felts(&mut out);
        }
        out
    }

    /// Decodes a transaction signature, with the same rules as the contract: magic, version,
    /// lengths that stay inside the array, and nothing left over.
    pub fn from_felts(felts: &[Felt]) -> Result<Self, Error> {
        let (session, rest) = parse_header(felts, SESSION_MAGIC)?;
        let mut reader = Reader(rest);
        let owner_signature = reader.span()?.to_vec();
        let session_signature = reader.span()?.to_vec();
        let count = reader.len()?;
        let mut proofs = Vec::new();
        for _ in 0..count {
            let mut rules = Vec::new();
            for _ in 0..reader.len()? {
                rules.push(reader.rule()?);
            }
            proofs.push(CallProof { rules, proof: reader.span()?.to_vec() });
        }
        if !reader.0.is_empty() {
            return Err(Error::MalformedSignature("felts left over after the proofs"));
        }
        Ok(Self { session, owner_signature, session_signature, proofs })
    }
}

/// Whether `signature` is a session token: its first felt is [`SESSION_MAGIC`] (the account's
/// one branch point between owner and session signatures).
pub fn is_session_token(signature: &[Felt]) -> bool {
    signature.get(MAGIC_OFFSET) == Some(&SESSION_MAGIC)
}

/// Reads the head of a token whose first felt is `magic` (this module's, or a session-signed
/// message's): magic, version, and the session; returns the session and the felts after it.
pub(crate) fn parse_header(felts: &[Felt], magic: Felt) -> Result<(Session, &[Felt]), Error> {
    let mut reader = Reader(felts);
    if reader.felt()? != magic {
        return Err(if magic == SESSION_MAGIC {
            Error::NotASessionSignature
        } else {
            Error::NotASessionMessageSignature
        });
    }
    let version = reader.felt()?;
    if version != Felt::from(SESSION_TOKEN_VERSION) {
        return Err(Error::UnsupportedVersion(version));
    }
    let session = Session {
        session_key: reader.felt()?,
        valid_after: reader.u64()?,
        valid_until: reader.u64()?,
        max_fee: reader.u128()?,
        fee_budget: reader.u128()?,
        max_transactions: reader.u32()?,
        epoch: reader.felt()?,
        policies_root: reader.felt()?,
        spending_limits: Vec::new(),
        messages_hash: Felt::ZERO,
    };
    let mut session = session;
    for _ in 0..reader.len()? {
        session.spending_limits.push(SpendingLimit {
            token: reader.address()?,
            total: reader.u256()?,
            per_period: reader.u256()?,
            period: reader.u64()?,
        });
    }
    session.messages_hash = reader.felt()?;
    if !crate::limits::limits_in_order(&session.spending_limits) {
        return Err(Error::SpendingLimitsOutOfOrder);
    }
    Ok((session, reader.0))
}

pub(crate) fn push_span(out: &mut Vec<Felt>, items: &[Felt]) {
    out.push(items.len().into());
    out.extend_from_slice(items);
}

/// Reads Cairo-`Serde` values off the front of a felt slice.
pub(crate) struct Reader<'a>(pub(crate) &'a [Felt]);

impl<'a> Reader<'a> {
    pub(crate) fn felt(&mut self) -> Result<Felt, Error> {
        let (first, rest) = self.0.split_first().ok_or(Error::MalformedSignature("the signature ends early"))?;
        self.0 = rest;
        Ok(*first)
    }

    /// A `ContractAddress`: Cairo's `Serde` refuses a felt not below 2^251.
    fn address(&mut self) -> Result<Felt, Error> {
        let felt = self.felt()?;
        if !is_contract_address(felt) {
            return Err(Error::MalformedSignature("a spending limit's token is not a contract address"));
        }
        Ok(felt)
    }

    fn u64(&mut self) -> Result<u64, Error> {
        u64::try_from(self.felt()?).map_err(|_| Error::MalformedSignature("a time is not a u64"))
    }

    fn u128(&mut self) -> Result<u128, Error> {
        u128::try_from(self.felt()?).map_err(|_| Error::MalformedSignature("a fee limit is not a u128"))
    }

    fn u256(&mut self) -> Result<U256, Error> {
        let word = |felt: Felt| u128::try_from(felt).map_err(|_| Error::MalformedSignature("an amount is not a u256"));
        let low = word(self.felt()?)?;
        let high = word(self.felt()?)?;
        Ok(U256::from_words(low, high))
    }

    fn u32(&mut self) -> Result<u32, Error> {
        u32::try_from(self.felt()?).map_err(|_| Error::MalformedSignature("the transaction limit is not a u32"))
    }

    pub(crate) fn len(&mut self) -> Result<usize, Error> {
        let len = u32::try_from(self.felt()?).map_err(|_| Error::MalformedSignature("a length is not a u32"))?;
        Ok(len as usize)
    }

    /// A span of rules: their count, then each rule.
    pub(crate) fn rules(&mut self) -> Result<Vec<ArgumentRule>, Error> {
        let count = self.len()?;
        if count > self.0.len() / 4 {
            return Err(Error::MalformedSignature("a length runs past the end"));
        }
        (0..count).map(|_| self.rule()).collect()
    }

    fn rule(&mut self) -> Result<ArgumentRule, Error> {
        let word = u32::try_from(self.felt()?).map_err(|_| Error::MalformedSignature("a rule's word is not a u32"))?;
        let operator = self.felt()?;
        let values = self.span()?.to_vec();
        let count = self.len()?;
        if count > self.0.len() / 2 {
            return Err(Error::MalformedSignature("a length runs past the end"));
        }
        let u256_values = (0..count).map(|_| self.u256()).collect::<Result<_, _>>()?;
        Ok(ArgumentRule { word, operator, values, u256_values })
    }

    pub(crate) fn span(&mut self) -> Result<&'a [Felt], Error> {
        let len = self.len()?;
        if len > self.0.len() {
            return Err(Error::MalformedSignature("a length runs past the end"));
        }
        let (span, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SessionToken {
        SessionToken {
            session: Session {
                session_key: Felt::from(9u8),
                valid_after: 1,
                valid_until: 2,
                max_fee: 10,
                fee_budget: 11,
                max_transactions: 12,
                epoch: Felt::from(13u8),
                policies_root: Felt::from(3u8),
                spending_limits: vec![],
                messages_hash: Felt::ONE,
            },
            owner_signature: vec![Felt::from(4u8), Felt::from(5u8)],
            session_signature: vec![Felt::from(6u8), Felt::from(7u8)],
            proofs: vec![CallProof::default(), CallProof { rules: vec![], proof: vec![Felt::from(8u8), Felt::ZERO] }],
        }
    }

    #[test]
    fn round_trips() {
        let felts = sample().to_felts();
        assert_eq!(felts.len(), 12 + 3 + 3 + 1 + 2 + 4);
        assert_eq!(felts[OWNER_SIGNATURE_OFFSET - 1], Felt::ONE, "the messages' hash ends the session");
        assert_eq!(SessionToken::from_felts(&felts).unwrap(), sample());
        assert!(is_session_token(&felts));
        assert!(!is_session_token(&felts[1..]));
    }

    #[test]
    fn spending_limits_round_trip_and_must_be_u256() {
        let mut token = sample();
        token.session.spending_limits = vec![
            SpendingLimit { token: Felt::from(20u8), total: U256::from_words(1, 2), per_period: 3u8.into(), period: 4 },
            SpendingLimit { token: Felt::from(21u8), total: 5u8.into(), per_period: 5u8.into(), period: 0 },
        ];
        let felts = token.to_felts();
        assert_eq!(felts[SPENDING_LIMITS_OFFSET], Felt::TWO);
        assert_eq!(felts.len(), sample().to_felts().len() + 12);
        assert_eq!(SessionToken::from_felts(&felts).unwrap(), token);
        let mut wide = felts.clone();
        wide[SPENDING_LIMITS_OFFSET + 3] = Felt::from(u128::MAX) + Felt::ONE; // the first total's high word
        assert!(matches!(SessionToken::from_felts(&wide), Err(Error::MalformedSignature(_))));
        for end in 0..felts.len() {
            assert!(SessionToken::from_felts(&felts[..end]).is_err(), "truncated at {end}");
        }
    }

    /// Found by the differential test (tests/differential.rs): a token address of 2^251 or more
    /// was read, where the contract's `Serde` of `ContractAddress` refuses it.
    #[test]
    fn a_spending_limit_token_beyond_2_pow_251_is_malformed() {
        let mut token = sample();
        token.session.spending_limits =
            vec![SpendingLimit { token: Felt::from(20u8), total: 5u8.into(), per_period: 5u8.into(), period: 0 }];
        let mut felts = token.to_felts();
        for bad in [Felt::TWO.pow(251u32), Felt::MAX] {
            felts[SPENDING_LIMITS_OFFSET + 1] = bad;
            assert!(
                matches!(SessionToken::from_felts(&felts), Err(Error::MalformedSignature(m)) if m.contains("token")),
                "{bad:#x}"
            );
        }
        felts[SPENDING_LIMITS_OFFSET + 1] = Felt::TWO.pow(251u32) - Felt::ONE;
        assert!(SessionToken::from_felts(&felts).is_ok());
    }

    #[test]
    fn argument_rules_travel_with_their_proofs() {
        use crate::argument_rules::Operator;
        let mut token = sample();
        token.proofs[1].rules = vec![
            ArgumentRule::felt(0, Operator::OneOf, [Felt::ONE, Felt::TWO]),
            ArgumentRule::u256(1, Operator::InRange, [U256::from_words(1, 2), U256::from_words(3, 4)]),
        ];
        let felts = token.to_felts();
        let rules_start = sample().to_felts().len() - 3 - 1;
        assert_eq!(felts[rules_start], Felt::TWO, "the second call's rule count");
        assert_eq!(&felts[rules_start + 1..rules_start + 6], &felts_of(&[0, 0x4f4e455f4f46, 2, 1, 2]));
        assert_eq!(felts.len(), sample().to_felts().len() + 6 + 8);
        assert_eq!(SessionToken::from_felts(&felts).unwrap(), token);
        for end in 0..felts.len() {
            assert!(SessionToken::from_felts(&felts[..end]).is_err(), "truncated at {end}");
        }
        let mut word = felts.clone();
        word[rules_start + 1] = Felt::from(u32::MAX) + Felt::ONE;
        assert!(matches!(SessionToken::from_felts(&word), Err(Error::MalformedSignature(_))));
        let mut absurd = felts;
        absurd[rules_start + 10] = Felt::from(u32::MAX); // the second rule's u256 count
        assert!(matches!(SessionToken::from_felts(&absurd), Err(Error::MalformedSignature(_))));
    }

    fn felts_of(values: &[u64]) -> Vec<Felt> {
        values.iter().map(|v| Felt::from(*v)).collect()
    }

    #[test]
    fn offsets_name_the_layout() {
        let felts = sample().to_felts();
        assert_eq!(felts[MAGIC_OFFSET], SESSION_MAGIC);
        assert_eq!(felts[VERSION_OFFSET], Felt::from(SESSION_TOKEN_VERSION));
        assert_eq!(felts[SESSION_OFFSET], Felt::from(9u8));
        assert_eq!(felts[VALID_AFTER_OFFSET], Felt::ONE);
        assert_eq!(felts[VALID_UNTIL_OFFSET], Felt::TWO);
        assert_eq!(felts[EPOCH_OFFSET], Felt::from(13u8));
        assert_eq!(felts[OWNER_SIGNATURE_OFFSET], Felt::TWO, "the owner signature's length");
    }

    #[test]
    fn rejects_truncated_long_and_absurd_arrays() {
        let felts = sample().to_felts();
        for end in 0..felts.len() {
            assert!(SessionToken::from_felts(&felts[..end]).is_err(), "truncated at {end}");
        }
        let mut long = felts.clone();
        long.push(Felt::ONE);
        assert!(matches!(SessionToken::from_felts(&long), Err(Error::MalformedSignature(_))));
        let mut absurd = felts.clone();
        absurd[OWNER_SIGNATURE_OFFSET] = Felt::from(u32::MAX);
        assert!(matches!(SessionToken::from_felts(&absurd), Err(Error::MalformedSignature(_))));
        absurd[OWNER_SIGNATURE_OFFSET] = Felt::MAX;
        assert!(matches!(SessionToken::from_felts(&absurd), Err(Error::MalformedSignature(_))));
        for (offset, too_big) in [
            (VALID_AFTER_OFFSET, Felt::from(u64::MAX) + Felt::ONE),
            (SESSION_OFFSET + 3, Felt::from(u128::MAX) + Felt::ONE),
            (SESSION_OFFSET + 4, Felt::from(u128::MAX) + Felt::ONE),
            (SESSION_OFFSET + 5, Felt::from(u32::MAX) + Felt::ONE),
        ] {
            let mut wide = felts.clone();
            wide[offset] = too_big;
            assert!(matches!(SessionToken::from_felts(&wide), Err(Error::MalformedSignature(_))), "offset {offset}");
        }
        let mut version = felts;
        version[VERSION_OFFSET] = Felt::ONE;
        assert!(matches!(SessionToken::from_felts(&version), Err(Error::UnsupportedVersion(_))));
    }
}
