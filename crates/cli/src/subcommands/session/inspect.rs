//! `sk session inspect`: what a session file says, and what the node says about it.
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use sk_session::SignedSession;
use starknet::core::types::{Felt, U256};

use super::summary::{grants, token_amount, MessageOut, PolicyOut};
use super::{read_request, read_session, RequestFile};
use crate::network::{Node, RpcArgs};
use crate::output::{hex, print_json};
use crate::{parse, time};

/// Show a session file: its window, policies and hashes; with --rpc also whether it is active by
/// the node's clock, whether the owner signature is the on-chain owner's, and whether it is
/// revoked. Without --rpc, prints what needs no node and says what was skipped. A request file
/// (from `sk session new`, not signed yet) is shown the same way, without an owner signature.
#[derive(Args)]
pub struct Inspect {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The session file (from `sk session sign`), or a request file (from `sk session new`).
    session: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report {
    /// `session` (signed) or `request` (not signed yet).
    file: &'static str,
    account: String,
    chain_id: String,
    session_hash: String,
    session_key: String,
    policies_root: String,
    window: Window,
    limits: Limits,
    policies: Vec<PolicyOut>,
    /// The kinds of SNIP-12 message the session may sign.
    messages: Vec<MessageOut>,
    owner_signature: Vec<String>,
    /// What the node said; `null` without --rpc.
    node: Option<NodeReport>,
    /// Checks that need a node and were not made.
    skipped: Vec<&'static str>,
}

#[derive(Serialize)]
struct Window {
    valid_after: u64,
    valid_after_utc: String,
    valid_until: u64,
    valid_until_utc: String,
    /// `active`, `expired` or `not yet valid`.
    status: &'static str,
    /// The time `status` is judged against, and its source (`node` or `local clock`).
    judged_at: u64,
    clock: &'static str,
}

/// The session's limits, FRI amounts as decimal strings.
#[derive(Serialize)]
struct Limits {
    max_fee: String,
    fee_budget: String,
    max_transactions: u32,
    /// The owner epoch the session was signed in.
    epoch: Felt,
}

/// What the account has counted for the session, and what is left.
#[derive(Serialize)]
struct UsageReport {
    transactions: u32,
    transactions_left: u32,
    /// FRI, as a decimal string.
    fee_spent: String,
    /// FRI, as a decimal string.
    fee_left: String,
    #[serde(skip)]
    fee_left_fri: u128,
    /// Whether the account recorded the owner's authorization (the session's transactions are
    /// then short).
    authorized: bool,
    /// What is left of each spending limit, in base units as decimal strings.
    spending: Vec<SpendingReport>,
}

#[derive(Serialize)]
struct SpendingReport {
    token: String,
    total_left: String,
    period_left: String,
    #[serde(skip)]
    words: String,
}

#[derive(Serialize)]
struct NodeReport {
    url: String,
    chain_matches: bool,
    /// The account's owner key on chain, if the account is deployed.
    owner: Option<String>,
    /// Whether the owner signature is the on-chain owner's.
    owner_signature_valid: Option<bool>,
    revoked: Option<bool>,
    /// The account's owner epoch: the session is valid only while it is the session's.
    epoch: Option<Felt>,
    usage: Option<UsageReport>,
    /// Why a question could not be answered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<String>,
}

fn status(session: &SignedSession, now: u64) -> &'static str {
    let request = session.request();
    if now < request.valid_after() {
        "not yet valid"
    } else if now >= request.valid_until() {
        "expired"
    } else {
        "active"
    }
}

async fn ask_node(node: &Node, session: &SignedSession) -> anyhow::Result<(NodeReport, u64)> {
    let now = node.timestamp().await?;
    let mut report = NodeReport {
        url: node.url.to_string(),
        chain_matches: node.chain_id == session.chain_id(),
        owner: None,
        owner_signature_valid: None,
        revoked: None,
        epoch: None,
        usage: None,
        problems: Vec::new(),
    };
    if !report.chain_matches {
        report.problems.push(format!(
            "the node is on chain {}, the session is for {}",
            parse::chain_name(node.chain_id),
            parse::chain_name(session.chain_id())
        ));
        return Ok((report, now));
    }
    match node.owner(session.account()).await {
        Ok(owner) => {
            report.owner = Some(hex(owner));
            if !session.owner_signature().is_empty() {
                report.owner_signature_valid = Some(session.verify_owner(owner).is_ok());
            }
        }
        Err(err) => report.problems.push(format!("{err:#}")),
    }
    match node.is_revoked(session.account(), session.hash()).await {
        Ok(revoked) => report.revoked = Some(revoked),
        Err(err) => report.problems.push(format!("{err:#}")),
    }
    match node.epoch(session.account()).await {
        Ok(epoch) => report.epoch = Some(epoch),
        Err(err) => report.problems.push(format!("{err:#}")),
    }
    match node.usage(session.account(), session.hash()).await {
        Ok(usage) => {
            let (transactions_left, fee_left) = usage.left(&session.session());
            let mut spending = Vec::new();
            for limit in session.request().spending_limits() {
                match node.spending(session.account(), session.hash(), limit.token).await {
                    Ok(spent) => {
                        let (total_left, period_left) = spent.left(limit, session.request().valid_after(), now);
                        spending.push(SpendingReport {
                            token: hex(limit.token),
                            total_left: total_left.to_string(),
                            period_left: period_left.to_string(),
                            words: spending_text(limit, total_left, period_left),
                        });
                    }
                    Err(err) => report.problems.push(format!("{err:#}")),
                }
            }
            report.usage = Some(UsageReport {
                transactions: usage.transactions,
                transactions_left,
                fee_spent: usage.fee_spent.to_string(),
                fee_left: fee_left.to_string(),
                fee_left_fri: fee_left,
                authorized: usage.authorized,
                spending,
            });
        }
        Err(err) => report.problems.push(format!("{err:#}")),
    }
    Ok((report, now))
}

impl Inspect {
    pub async fn run(self) -> anyhow::Result<()> {
        let (session, file) = match read_request_or_session(&self.session)? {
            Read::Session(session) => (session, "session"),
            Read::Request(request) => {
                // The same report with no owner signature: the request's session as it will be
                // once signed (its hash does not depend on the signature).
                (request.request.with_owner_signature(request.account, request.chain_id, Vec::new()), "request")
            }
        };
        let node = self.rpc.connect().await?;
        let (node_report, now, clock) = match &node {
            Some(node) => {
                let (report, now) = ask_node(node, &session).await?;
                (Some(report), now, "node")
            }
            None => (None, time::now(), "local clock"),
        };
        let request = session.request();
        let report = Report {
            file,
            account: hex(session.account()),
            chain_id: parse::chain_name(session.chain_id()),
            session_hash: hex(session.hash()),
            session_key: hex(request.session_key()),
            policies_root: hex(request.policies().root()),
            window: Window {
                valid_after: request.valid_after(),
                valid_after_utc: time::utc(request.valid_after()),
                valid_until: request.valid_until(),
                valid_until_utc: time::utc(request.valid_until()),
                status: status(&session, now),
                judged_at: now,
                clock,
            },
            limits: Limits {
                max_fee: request.max_fee().to_string(),
                fee_budget: request.fee_budget().to_string(),
                max_transactions: request.max_transactions(),
                epoch: request.epoch(),
            },
            policies: PolicyOut::list(request),
            messages: MessageOut::list(request),
            owner_signature: session.owner_signature().iter().map(|f| format!("{f:#x}")).collect(),
            skipped: match (&node_report, file) {
                (None, _) => vec!["owner signature check", "revocation", "usage", "status by the node's clock"],
                (Some(_), "request") => vec!["owner signature check (not signed yet)"],
                (Some(_), _) => Vec::new(),
            },
            node: node_report,
        };
        if self.json {
            return print_json(&report);
        }
        print_text(&report, &session);
        Ok(())
    }
}

fn print_text(report: &Report, session: &SignedSession) {
    let window = &report.window;
    if report.file == "request" {
        println!("file           a request, not signed yet (`sk session sign` makes the session file)");
    }
    println!("account        {}", report.account);
    println!("chain          {}", report.chain_id);
    println!("session hash   {}", report.session_hash);
    println!("session key    {}", report.session_key);
    println!("policies root  {}", report.policies_root);
    if window.valid_after > 0 {
        println!("valid after    {} (Unix {})", window.valid_after_utc, window.valid_after);
    } else {
        println!("valid after    no start limit");
    }
    println!("valid until    {} (Unix {})", window.valid_until_utc, window.valid_until);
    let remaining = match window.status {
        "active" => format!(", {} left", time::duration(window.valid_until - window.judged_at)),
        "expired" => format!(", {} ago", time::duration(window.judged_at - window.valid_until)),
        _ => format!(", starts in {}", time::duration(window.valid_after - window.judged_at)),
    };
    println!("status         {} by the {} ({}{remaining})", window.status, window.clock, time::utc(window.judged_at));
    for line in grants(session.request()) {
        // `grants` aligns to 14 columns; this report aligns to 15.
        let (label, value) = line.split_at(line.len().min(14));
        println!("{label} {value}");
    }
    match &report.node {
        None => {
            println!("node           none given (--rpc): skipped {}", report.skipped.join(", "));
        }
        Some(node) => {
            println!("node           {}", node.url);
            let answer = |value: Option<bool>, yes: &str, no: &str| match value {
                Some(true) => yes.to_string(),
                Some(false) => no.to_string(),
                None => "unknown".to_string(),
            };
            if let Some(owner) = &node.owner {
                println!("owner          {owner} (on chain)");
            }
            let owner_sig = match (report.file, node.owner_signature_valid) {
                ("request", _) => "none yet (a request)".to_string(),
                (_, valid) => answer(
                    valid,
                    "valid for the on-chain owner",
                    "NOT the on-chain owner's: the account will reject this session",
                ),
            };
            println!("owner sig      {owner_sig}");
            println!("revoked        {}", answer(node.revoked, "yes: the account will reject this session", "no"));
            if let Some(epoch) = node.epoch {
                let signed = session.request().epoch();
                if epoch == signed {
                    println!("epoch          {epoch:#x}, the session's");
                } else {
                    println!(
                        "epoch          {epoch:#x}, NOT the session's ({signed:#x}): the account will reject this session"
                    );
                }
            }
            if let Some(usage) = &node.usage {
                println!("used           {}", usage_text(session, usage, window));
                for spending in &usage.spending {
                    println!("spending       {}", spending.words);
                }
                let recorded = if usage.authorized {
                    "recorded: its transactions leave out the owner signature"
                } else {
                    "not recorded yet (the first transaction records it; or `sk session register`)"
                };
                println!("authorization  {recorded}");
            }
            for problem in &node.problems {
                println!("problem        {}", sk_session::escape(problem));
            }
        }
    }
}

/// What is left of a spending limit in words: "4.2 STRK of 5 STRK left this day, 9 STRK of 10
/// STRK left in all" (a limit that renews), "0.5 STRK of 1 STRK left" (one that does not).
fn spending_text(limit: &sk_session::SpendingLimit, total_left: U256, period_left: U256) -> String {
    let amount = |value: U256| token_amount(limit.token, value);
    let total = format!("{} of {} left", amount(total_left), amount(limit.total));
    match limit.period {
        0 => total,
        period => format!(
            "{} of {} left this {}, {total} in all",
            amount(period_left),
            amount(limit.per_period),
            time::period_name(period)
        ),
    }
}

/// What is left, in the words of a person: "0.31 of 2 STRK of fees left, 17 transactions left,
/// expires in 3h".
fn usage_text(session: &SignedSession, usage: &UsageReport, window: &Window) -> String {
    let request = session.request();
    let fees = format!(
        "fees {} of {} left",
        sk_session::format_strk(usage.fee_left_fri).trim_end_matches(" STRK"),
        sk_session::format_strk(request.fee_budget())
    );
    let transactions = if request.max_transactions() == sk_session::UNLIMITED_TRANSACTIONS {
        format!("{} transactions sent", usage.transactions)
    } else {
        format!("{} of {} transactions left", usage.transactions_left, request.max_transactions())
    };
    let time = match window.status {
        "active" => format!("expires in {}", time::duration(window.valid_until - window.judged_at)),
        "expired" => "expired".to_string(),
        _ => format!("starts in {}", time::duration(window.valid_after - window.judged_at)),
    };
    format!("{fees}, {transactions}, {time}")
}

/// What `inspect` was given.
enum Read {
    Session(SignedSession),
    Request(RequestFile),
}

/// A session file, or else a request file: whichever `path` holds, with the error of a session
/// file when it is neither.
fn read_request_or_session(path: &std::path::Path) -> anyhow::Result<Read> {
    let text = crate::files::read_text(path)?;
    let is_request = serde_json::from_str::<serde_json::Value>(&text)
        .is_ok_and(|value| value.get("request").is_some() && value.get("session_hash").is_none());
    if is_request {
        return Ok(Read::Request(read_request(path)?));
    }
    Ok(Read::Session(read_session(path)?))
}
