//! What a session grants, in words: the summary the owner reads before saying yes (`sign`,
//! `register`), and what `new` and `inspect` print.
//!
//! The request is written by the dApp, so everything in it may be hostile. The rules that keep
//! what is shown equal to what is signed: every list is counted and each element shown on its own
//! line; entry point names are exact identifiers (the SDK refuses others); any other text from
//! the file (a message domain, a version) is decoded when it is a short string written as a
//! number, and escaped; amounts of known tokens are in tokens with the base units beside them; a
//! policy the spending limits do not count is named with a warning.
use anyhow::{bail, Context};
use serde::Serialize;
use sk_session::{escape, MessagePolicy, SessionRequest, SpendingLimit};
use starknet::core::types::{Felt, U256};

use crate::output::hex;
use crate::{parse, time};

/// The width of the labels of the summary's lines.
const LABEL: usize = 14;

/// An amount of `token` for people: STRK and ETH in tokens with the base units beside them
/// (`2.5 STRK (2500000000000000000 base units)`), other tokens in base units.
pub fn token_amount(token: Felt, value: U256) -> String {
    match parse::contract_name(token) {
        Some(name) if value.high() == 0 => {
            let tokens = sk_session::format_strk(value.low()).replace("STRK", name);
            format!("{tokens} ({value} base units)")
        }
        Some(name) => format!("{value} base units of {name}"),
        None => format!("{value} base units of {}", hex(token)),
    }
}

/// A fee in STRK with its FRI beside it: `0.05 STRK (50000000000000000 FRI)`.
fn fee(fri: u128) -> String {
    format!("{} ({fri} FRI)", sk_session::format_strk(fri))
}

/// `0x0471…938d (STRK)`, or just the address.
pub fn contract_label(contract: Felt) -> String {
    match parse::contract_name(contract) {
        Some(name) => format!("{} ({name})", hex(contract)),
        None => hex(contract),
    }
}

/// The name of `selector` from the request, or among well-known entry points.
pub fn selector_name(request: &SessionRequest, selector: Felt) -> Option<String> {
    request
        .selector_name(selector)
        .map(str::to_string)
        .or_else(|| sk_session::known_selector_name(selector).map(str::to_string))
}

/// `transfer (0x83af…)`, or `an unnamed entry point (0x83af…)`.
fn selector_label(request: &SessionRequest, selector: Felt) -> String {
    match selector_name(request, selector) {
        // The SDK admits only identifiers as names; escaped all the same.
        Some(name) => format!("{} ({selector:#x})", escape(&name)),
        None => format!("an unnamed entry point ({selector:#x})"),
    }
}

/// A short string of a message policy (its domain name or version) as the account reads it: the
/// text in quotes, escaped; written as a number, the short string it encodes beside it.
pub fn short_string(text: &str) -> String {
    let quoted = format!("\"{}\"", escape(text));
    let Ok(felt) = sk_session::parse_felt(text) else { return quoted };
    match starknet::core::utils::parse_cairo_short_string(&felt) {
        Ok(decoded) if !decoded.is_empty() && decoded.chars().all(|c| c.is_ascii_graphic() || c == ' ') => {
            format!("{quoted}, which is the short string \"{decoded}\"")
        }
        _ => quoted,
    }
}

/// A message policy in words: its domain, and its primary type's full type string (escaped)
/// with the type hash it hashes to.
pub fn message_text(message: &MessagePolicy) -> String {
    format!(
        "messages of the domain {} version {} of the type {} ({})",
        short_string(&message.domain_name),
        short_string(&message.domain_version),
        escape(&message.type_string),
        hex(message.type_hash())
    )
}

/// A rule of a message policy in words, members named by index (`member 0 == 0x7`).
pub fn message_rule_text(rule: &sk_session::ArgumentRule) -> String {
    rule.describe(|value| value.to_string()).replacen("word ", "member ", 1)
}

/// A message policy as `new` and `inspect` print it in JSON.
#[derive(Serialize)]
pub struct MessageOut {
    pub domain_name: String,
    pub domain_version: String,
    /// The primary type's encoded type string.
    #[serde(rename = "type")]
    pub type_string: String,
    pub type_hash: String,
    /// The rules on the members, in words (`member 0 == 0x7`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Allowed on purpose although it may authorize token spending.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub token_authorizing: bool,
}

impl MessageOut {
    /// The message policies of `request`, in canonical order.
    pub fn list(request: &SessionRequest) -> Vec<Self> {
        request
            .messages()
            .iter()
            .map(|message| MessageOut {
                domain_name: message.domain_name.clone(),
                domain_version: message.domain_version.clone(),
                type_string: message.type_string.clone(),
                type_hash: hex(message.type_hash()),
                rules: message.rules.iter().map(message_rule_text).collect(),
                token_authorizing: request.is_token_authorizing(message),
            })
            .collect()
    }
}

/// `1 policy`, `3 policies`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A spending limit in words: `1 STRK (… base units) in all, at most 0.1 STRK (…) per day`.
fn limit_text(limit: &SpendingLimit) -> String {
    let amount = |value| token_amount(limit.token, value);
    let periodic = match limit.period {
        0 => String::new(),
        period => format!(", at most {} per {}", amount(limit.per_period), time::duration(period)),
    };
    format!("{}: at most {} in all{periodic}", contract_label(limit.token), amount(limit.total))
}

/// Whether a spending limit counts calls to `contract`.
fn is_limited(request: &SessionRequest, contract: Felt) -> bool {
    request.spending_limits().iter().any(|limit| limit.token == contract)
}

/// Everything `request` grants, one element per line under a label of 14 columns: the limits,
/// then each spending limit, policy (with its rules, and a warning if uncounted) and message
/// policy, each list counted.
pub fn grants(request: &SessionRequest) -> Vec<String> {
    let mut lines = Vec::new();
    let line = |label: &str, value: String| format!("{label:<LABEL$}{value}");
    lines.push(line("max fee", format!("{} per transaction", fee(request.max_fee()))));
    lines.push(line("fee budget", format!("{} in all", fee(request.fee_budget()))));
    let transactions = match request.max_transactions() {
        sk_session::UNLIMITED_TRANSACTIONS => "no limit (2^32 - 1)".to_string(),
        n => format!("at most {n}"),
    };
    lines.push(line("transactions", transactions));
    lines.push(line("owner epoch", format!("{:#x}", request.epoch())));

    let limits = request.spending_limits();
    let listed = match limits.len() {
        0 => "none: tokens it may call are not counted".to_string(),
        n => format!(
            "{}: what its calls make leave the account, plus the allowances they grant",
            count(n, "token limited", "tokens limited")
        ),
    };
    lines.push(line("spending", listed));
    for (i, limit) in limits.iter().enumerate() {
        lines.push(line(&format!("  {} of {}", i + 1, limits.len()), limit_text(limit)));
    }

    let policies = request.policies().policies();
    lines.push(line(
        "calls",
        format!("{} the session may make", count(policies.len(), "kind of call", "kinds of call")),
    ));
    for (i, policy) in policies.iter().enumerate() {
        let head = format!("{} {}", contract_label(policy.contract), selector_label(request, policy.selector));
        lines.push(line(&format!("  {} of {}", i + 1, policies.len()), head));
        let indent = " ".repeat(LABEL + 2);
        match policy.rules.len() {
            0 => lines.push(line("", "  with any arguments".to_string())),
            n => lines.push(line("", format!("  only if {}:", count(n, "rule holds", "rules all hold")))),
        }
        for rule in &policy.rules {
            let text = rule.describe(|value| match parse::contract_name(policy.contract) {
                Some(_) => token_amount(policy.contract, value),
                None => value.to_string(),
            });
            lines.push(format!("{indent}{text}"));
        }
        if request.is_uncounted(policy.contract, policy.selector) && is_limited(request, policy.contract) {
            let name = selector_name(request, policy.selector).unwrap_or_else(|| format!("{:#x}", policy.selector));
            lines.push(format!(
                "{indent}WARNING: not counted by the spending limit of this token: `{}` calls can lock it or let \
                 others take it beyond the limit, in allowances the limit does not see (what they move out of \
                 the balance is counted; the request marks this policy \"uncounted\")",
                escape(&name)
            ));
        }
    }

    let messages = request.messages();
    match messages.len() {
        0 => lines.push(format!("{:<LABEL$}none: the session signs no message", "messages")),
        n => {
            lines.push(format!(
                "{:<LABEL$}{} the session may sign for the account (outside the transaction count, fees \
                 and spending limits)",
                "messages",
                count(n, "kind", "kinds")
            ));
            lines.push(format!(
                "{:<LABEL$}a signed message costs no fee and counts no transaction: the session may sign any \
                 number of them, and no spending limit bounds what they say",
                ""
            ));
            for (i, message) in messages.iter().enumerate() {
                lines.push(format!("{:<LABEL$}{}", format!("  {} of {n}", i + 1), message_text(message)));
                for rule in &message.rules {
                    lines.push(format!("{:<LABEL$}rule: {}", "", message_rule_text(rule)));
                }
                if request.is_token_authorizing(message) {
                    lines.push(format!(
                        "{:<LABEL$}WARNING: these messages may authorize someone to take the account's tokens (an \
                         ERC-20 permit, an approval, a delegation): the session could sign them for any amount, \
                         any number of times, beyond its spending limits (the request marks this policy \
                         \"token_authorizing\")",
                        ""
                    ));
                }
            }
        }
    }
    lines
}

/// The summary the owner reads before signing or registering: for whom, the window, and all the
/// session grants.
pub fn summary(account: Felt, chain_id: Felt, request: &SessionRequest, verb: &str) -> String {
    let starts = match request.valid_after() {
        0 => "at once".to_string(),
        after => format!("{} (Unix {after})", time::utc(after)),
    };
    let mut lines = vec![
        format!(
            "about to {verb}, as the owner of {} on {}, a session for the key {}:",
            hex(account),
            parse::chain_name(chain_id),
            hex(request.session_key())
        ),
        format!("{:<LABEL$}{starts}", "starts"),
        format!("{:<LABEL$}{} (Unix {})", "ends", time::utc(request.valid_until()), request.valid_until()),
    ];
    lines.extend(grants(request));
    lines.join("\n")
}

/// The policies of `request`, one per line, for messages: the contract, the entry point, and the
/// argument rules if it has any.
pub fn policy_lines(request: &SessionRequest) -> Vec<String> {
    request
        .policies()
        .policies()
        .iter()
        .map(|p| {
            let mut line = format!("{} {}", contract_label(p.contract), selector_label(request, p.selector));
            if !p.rules.is_empty() {
                let rules: Vec<String> = p.rules.iter().map(ToString::to_string).collect();
                line.push_str(&format!(" where {}", rules.join(" and ")));
            }
            line
        })
        .collect()
}

/// A policy as `new` and `inspect` print it in JSON.
#[derive(Serialize)]
pub struct PolicyOut {
    pub contract: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_name: Option<&'static str>,
    pub selector: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector_name: Option<String>,
    /// The argument rules, in words (`word 1 (u256) <= 1000`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Allowed on a limited token although its spending limit does not count it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uncounted: bool,
}

impl PolicyOut {
    /// The policies of `request`, in canonical order.
    pub fn list(request: &SessionRequest) -> Vec<Self> {
        request
            .policies()
            .policies()
            .iter()
            .map(|p| PolicyOut {
                contract: hex(p.contract),
                contract_name: parse::contract_name(p.contract),
                selector: hex(p.selector),
                selector_name: selector_name(request, p.selector),
                rules: p.rules.iter().map(ToString::to_string).collect(),
                uncounted: request.is_uncounted(p.contract, p.selector),
            })
            .collect()
    }
}

/// Asks on the terminal whether to `verb` the session shown above; anything but `y` or `yes`
/// declines. Without a terminal (a script, a pipe), asks for --yes instead of reading an answer
/// nobody gives.
pub fn confirm(verb: &str) -> anyhow::Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("nothing was done: stdin is not a terminal to confirm on; pass --yes to {verb} the session above");
    }
    eprint!("{verb} it? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).context("reading the answer")?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => bail!("nothing was done: declined"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_strings_written_as_numbers_are_decoded() {
        assert_eq!(short_string("Chess"), "\"Chess\"");
        assert_eq!(
            short_string("0x53657373696f6e4b6579732e73657373696f6e"),
            "\"0x53657373696f6e4b6579732e73657373696f6e\", which is the short string \"SessionKeys.session\""
        );
        assert_eq!(short_string("1"), "\"1\"", "a control character is not decoded");
        assert_eq!(short_string("a\u{1b}[2J"), "\"a\\u{1b}[2J\"");
    }

    #[test]
    fn known_token_amounts_show_their_base_units() {
        let strk = sk_devnet::STRK;
        assert_eq!(token_amount(strk, U256::from(10u128.pow(15))), "0.001 STRK (1000000000000000 base units)");
        assert_eq!(token_amount(Felt::from(7u8), U256::from(5u8)), format!("5 base units of {}", hex(Felt::from(7u8))));
    }
}
