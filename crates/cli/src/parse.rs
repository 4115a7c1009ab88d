//! Command-line values: felts, addresses, `CONTRACT:SELECTOR` policies, argument rules, calls,
//! chain ids.
//! Each parser returns a message clap prints after the offending argument.
use sk_session::{parse_selector, ArgumentRule, Operator};
use starknet::core::types::{Call, Felt, U256};
use starknet::core::utils::cairo_short_string_to_felt;

/// The ETH token's address (the same on mainnet, Sepolia and devnet).
pub const ETH: Felt = sk_devnet::ETH;

/// Well-known contracts that may be written by name instead of address.
const KNOWN_CONTRACTS: &[(&str, Felt)] = &[("STRK", sk_devnet::STRK), ("ETH", ETH)];

/// A felt written as hex (`0x…`) or decimal, below the field prime (`sk_session::parse_felt`:
/// nothing reduced modulo P).
pub fn felt(text: &str) -> Result<Felt, String> {
    let text = text.trim();
    sk_session::parse_felt(text).map_err(|why| format!("`{}` is not a felt: {why}", sk_session::Escaped(text)))
}

/// An amount of STRK in decimal (`0.05`, `2`, `1.5 STRK`), in FRI.
pub fn strk(text: &str) -> Result<u128, String> {
    sk_session::parse_strk(text).ok_or_else(|| {
        format!("`{text}` is not an amount of STRK: write it in decimal, e.g. 0.05 (at most 18 decimals)")
    })
}

/// A contract address: hex, decimal, or a known name (`STRK`, `ETH`).
pub fn address(text: &str) -> Result<Felt, String> {
    if let Some((_, address)) = KNOWN_CONTRACTS.iter().find(|(name, _)| name.eq_ignore_ascii_case(text.trim())) {
        return Ok(*address);
    }
    felt(text).map_err(|_| format!("`{text}` is not an address: write it in hex (0x…) or use STRK or ETH"))
}

/// The known name of an address, if any (`STRK`).
pub fn contract_name(address: Felt) -> Option<&'static str> {
    KNOWN_CONTRACTS.iter().find(|(_, known)| *known == address).map(|(name, _)| *name)
}

/// `--spending-limit TOKEN:TOTAL[:PER_PERIOD/DURATION]`.
#[derive(Debug, Clone, Copy)]
pub struct SpendingSpec {
    pub token: Felt,
    pub total: U256,
    pub per_period: U256,
    /// Seconds; 0: the period never renews.
    pub period: u64,
}

/// A spending limit: `STRK:10` (10 STRK over the session's life), `STRK:10:1/1d` (and at most 1
/// a day). STRK and ETH amounts are in tokens (18 decimals); other tokens' in their base units.
pub fn spending_limit(text: &str) -> Result<SpendingSpec, String> {
    let usage = "write TOKEN:TOTAL or TOKEN:TOTAL:PER_PERIOD/DURATION, e.g. STRK:10 or STRK:10:1/1d";
    let mut parts = text.splitn(3, ':');
    let (Some(token), Some(total)) = (parts.next(), parts.next()) else {
        return Err(format!("`{text}` is not a spending limit: {usage}"));
    };
    let token = address(token)?;
    let amount = |amount: &str| -> Result<U256, String> {
        known_token_amount(token, amount).unwrap_or_else(|| {
            sk_session::parse_u256(amount.trim())
                .ok_or_else(|| format!("`{amount}` is not an amount in the token's base units (a decimal integer)"))
        })
    };
    let total = amount(total)?;
    let (per_period, period) = match parts.next() {
        None => (total, 0),
        Some(periodic) => {
            let Some((per_period, duration)) = periodic.split_once('/') else {
                return Err(format!("`{text}` is not a spending limit: {usage}"));
            };
            (amount(per_period)?, crate::time::parse_duration(duration)?)
        }
    };
    Ok(SpendingSpec { token, total, per_period, period })
}

/// An amount of `token` when it is STRK or ETH: in tokens (18 decimals), or the error naming the
/// token; `None` for other tokens, whose amounts each caller reads in its own base units.
fn known_token_amount(token: Felt, text: &str) -> Option<Result<U256, String>> {
    let name = contract_name(token)?;
    Some(
        sk_session::parse_strk(text)
            .map(U256::from)
            .ok_or_else(|| format!("`{text}` is not an amount of {name}: write it in decimal, e.g. 2.5")),
    )
}

/// `--policy CONTRACT:SELECTOR`.
#[derive(Debug, Clone)]
pub struct PolicySpec {
    pub contract: Felt,
    /// The selector as written: a name or a hex felt (both checked).
    pub selector: String,
    /// The selector's felt.
    pub selector_felt: Felt,
}

pub fn policy(text: &str) -> Result<PolicySpec, String> {
    let usage = "write CONTRACT:SELECTOR, e.g. STRK:transfer or 0x4718…938d:0x83af…";
    let Some((contract, selector)) = text.split_once(':') else {
        return Err(format!("`{text}` is not a policy: {usage}"));
    };
    if selector.contains(':') {
        return Err(format!("`{text}` is not a policy (one `:` only): {usage}"));
    }
    let contract = address(contract)?;
    let selector = selector.trim();
    let selector_felt = parse_selector(selector).map_err(|_| {
        format!(
            "`{}` is not a selector: give an entry point name like `transfer` or a hex felt",
            sk_session::Escaped(selector)
        )
    })?;
    Ok(PolicySpec { contract, selector: selector.trim().to_string(), selector_felt })
}

/// `--rule CONTRACT:SELECTOR:WORD[:u256]:OPERATOR:VALUE[,VALUE…]`: an argument rule of the
/// policy `CONTRACT:SELECTOR`.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    /// The policy the rule is of.
    pub policy: PolicySpec,
    pub rule: ArgumentRule,
}

/// A rule: `STRK:transfer:0:EQ:0xb0b` (the recipient is 0xb0b), `STRK:transfer:1:u256:LE:10`
/// (at most 10 STRK), `GAME:play:0:ONE_OF:1,2,3`. The operator by name (EQ, NEQ, LT, LE, GT, GE,
/// IN_RANGE, ONE_OF) or symbol (`==`, `<=`, …). u256 values on STRK and ETH are token amounts in
/// tokens (18 decimals), as in `--spending-limit`; elsewhere integers (decimal or hex).
pub fn rule(text: &str) -> Result<RuleSpec, String> {
    let usage = "write CONTRACT:SELECTOR:WORD[:u256]:OPERATOR:VALUE[,VALUE…], e.g. STRK:transfer:0:EQ:0xb0b or \
                 STRK:transfer:1:u256:LE:10";
    let parts: Vec<&str> = text.split(':').collect();
    let (contract, selector, word, u256, operator, values) = match parts[..] {
        [contract, selector, word, operator, values] => (contract, selector, word, false, operator, values),
        [contract, selector, word, kind, operator, values] if kind.trim().eq_ignore_ascii_case("u256") => {
            (contract, selector, word, true, operator, values)
        }
        _ => return Err(format!("`{text}` is not an argument rule: {usage}")),
    };
    let policy = policy(&format!("{contract}:{selector}"))?;
    let contract = policy.contract;
    let word: u32 = word
        .trim()
        .parse()
        .map_err(|_| format!("`{word}` is not a calldata word: write the argument's position, from 0 (in `{text}`)"))?;
    let operator: Operator = operator.parse().map_err(|_| {
        format!("`{operator}` is not an operator: use EQ, NEQ, LT, LE, GT, GE, IN_RANGE or ONE_OF (in `{text}`)")
    })?;
    let values = values.split(',').map(str::trim);
    let rule = if u256 {
        let amount = |value: &str| -> Result<U256, String> {
            known_token_amount(contract, value).unwrap_or_else(|| {
                integer(value)
                    .ok_or_else(|| format!("`{value}` is not a u256: write a decimal or hex integer below 2^256"))
            })
        };
        ArgumentRule::u256(word, operator, values.map(amount).collect::<Result<Vec<_>, _>>()?)
    } else {
        ArgumentRule::felt(word, operator, values.map(address).collect::<Result<Vec<_>, _>>()?)
    };
    rule.check().map_err(|err| format!("`{text}` is not an argument rule the account can check: {err}"))?;
    Ok(RuleSpec { policy, rule })
}

/// A u256 written in decimal or hex.
fn integer(text: &str) -> Option<U256> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() && hex.len() <= 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            let padded = format!("{hex:0>64}");
            let high = u128::from_str_radix(&padded[..32], 16).ok()?;
            let low = u128::from_str_radix(&padded[32..], 16).ok()?;
            Some(U256::from_words(low, high))
        }
        Some(_) => None,
        None => sk_session::parse_u256(text),
    }
}

/// `--call CONTRACT:SELECTOR[:ARG,ARG,…]`.
#[derive(Debug, Clone)]
pub struct CallSpec {
    /// As written, to name the call in messages.
    pub text: String,
    pub call: Call,
}

pub fn call(text: &str) -> Result<CallSpec, String> {
    let usage = "write CONTRACT:SELECTOR[:ARG,ARG,…], e.g. STRK:transfer:0x7e57,100,0";
    let mut parts = text.splitn(3, ':');
    let (Some(contract), Some(selector)) = (parts.next(), parts.next()) else {
        return Err(format!("`{text}` is not a call: {usage}"));
    };
    let to = address(contract)?;
    let selector = parse_selector(selector.trim()).map_err(|_| {
        format!(
            "`{}` is not a selector: give an entry point name like `transfer` or a hex felt",
            sk_session::Escaped(selector)
        )
    })?;
    let calldata = match parts.next().map(str::trim) {
        None | Some("") => Vec::new(),
        Some(args) => args.split(',').map(felt).collect::<Result<_, _>>()?,
    };
    Ok(CallSpec { text: text.to_string(), call: Call { to, selector, calldata } })
}

/// A chain id: `SN_SEPOLIA`-style short string, or hex.
pub fn chain_id(text: &str) -> Result<Felt, String> {
    let text = text.trim();
    if text.starts_with("0x") || text.starts_with("0X") {
        return felt(text);
    }
    // Digits are a number, as starknet.js (and so a wallet) reads a chainId of digits.
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return sk_session::parse_felt(text).map_err(|e| format!("`{text}` is not a chain id: {e}"));
    }
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("`{text}` is not a chain id: write e.g. SN_SEPOLIA, SN_MAIN or a hex felt"));
    }
    cairo_short_string_to_felt(text).map_err(|e| format!("`{text}` is not a chain id: {e}"))
}

/// A chain id for people: its short string when it is one (`SN_SEPOLIA`), else hex.
pub use sk_session::typed_data::chain_name;

/// A signature from a wallet, written `R,S`.
#[derive(Debug, Clone)]
pub struct Signature(pub Vec<Felt>);

pub fn signature(text: &str) -> Result<Signature, String> {
    let felts: Vec<Felt> = text.split(',').map(felt).collect::<Result<_, _>>()?;
    if felts.len() != 2 {
        return Err(format!("`{text}` is not a signature: write R,S (two felts separated by a comma)"));
    }
    Ok(Signature(felts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies() {
        let p = policy("STRK:transfer").unwrap();
        assert_eq!((p.contract, p.selector.as_str()), (sk_devnet::STRK, "transfer"));
        assert_eq!(policy("0x1:0x83af").unwrap().contract, Felt::ONE);
        for bad in ["STRK", "STRK:", "STRK:trans fer", "nope:transfer", "STRK:a:b", ":transfer"] {
            assert!(policy(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules() {
        let recipient = rule("STRK:transfer:0:EQ:0xb0b").unwrap();
        assert_eq!((recipient.policy.contract, recipient.policy.selector.as_str()), (sk_devnet::STRK, "transfer"));
        assert_eq!(recipient.rule, ArgumentRule::felt(0, Operator::Eq, [Felt::from(0xb0bu32)]));
        let amount = rule("STRK:transfer:1:u256:<=:10").unwrap();
        assert_eq!(amount.rule, ArgumentRule::u256(1, Operator::Le, [10 * sk_session::FRI_PER_STRK]));
        let raw = rule("0x123:play:2:U256:in_range:5,0x100000000000000000000000000000000").unwrap();
        assert_eq!(raw.rule, ArgumentRule::u256(2, Operator::InRange, [U256::from(5u8), U256::from_words(0, 1)]));
        let one_of = rule("0x123:play:0:ONE_OF:1, 2,3").unwrap();
        assert_eq!(one_of.rule.values.len(), 3);
        for (bad, says) in [
            ("STRK:transfer:0:EQ", "is not an argument rule"),
            ("STRK:transfer:x:EQ:1", "is not a calldata word"),
            ("STRK:transfer:0:LIKE:1", "is not an operator"),
            ("STRK:transfer:0:felt:EQ:1", "is not an argument rule"),
            ("STRK:transfer:0:EQ:1,2", "takes exactly one value"),
            ("STRK:transfer:0:IN_RANGE:1", "IN_RANGE takes two values"),
            ("STRK:transfer:1:u256:LE:ten", "is not an amount of STRK"),
            ("0x123:play:1:u256:LE:0x", "is not a u256"),
            ("0x123:play:1:u256:LE:-1", "is not a u256"),
            ("STRK:transfer:0:EQ:nope", "is not an address"),
            ("STRK:trans fer:0:EQ:1", "is not a selector"),
        ] {
            let err = rule(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn calls() {
        let c = call("STRK:transfer:0x7e57,100,0").unwrap();
        assert_eq!(c.call.calldata, vec![Felt::from(0x7e57u32), Felt::from(100u8), Felt::ZERO]);
        assert!(call("STRK:transfer").unwrap().call.calldata.is_empty());
        assert!(call("STRK:transfer:1,x").is_err());
        assert!(call("STRK").is_err());
    }

    #[test]
    fn chain_ids() {
        let sepolia = chain_id("SN_SEPOLIA").unwrap();
        assert_eq!(sepolia, Felt::from_hex_unchecked("0x534e5f5345504f4c4941"));
        assert_eq!(chain_id("0x534e5f5345504f4c4941").unwrap(), sepolia);
        assert_eq!(chain_name(sepolia), "SN_SEPOLIA");
        assert!(chain_id("").is_err());
        // Digits are the number, as starknet.js reads them; shown back in a form that reads the same.
        assert_eq!(chain_id("123").unwrap(), Felt::from(123u8));
        assert_eq!(chain_id("0x7b").unwrap(), Felt::from(123u8));
        assert_eq!(chain_id(&chain_name(Felt::from(123u8))).unwrap(), Felt::from(123u8));
        let digits_string = Felt::from_hex_unchecked("0x313233");
        assert_eq!(chain_name(digits_string), "0x313233");
        assert_eq!(chain_id(&chain_name(digits_string)).unwrap(), digits_string);
    }

    #[test]
    fn known_names() {
        let approve = starknet::core::utils::get_selector_from_name("approve").unwrap();
        assert_eq!(sk_session::known_selector_name(approve), Some("approve"));
        assert_eq!(contract_name(sk_devnet::STRK), Some("STRK"));
    }
}
