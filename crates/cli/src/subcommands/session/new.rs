//! `sk session new`: a session key pair and the request the owner signs.
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{ArgGroup, Args};
use serde::Serialize;
use sk_session::SessionRequest;
use starknet::core::types::Felt;
use starknet::signers::SigningKey;

use super::summary::{contract_label, grants, PolicyOut};
use super::{RequestFile, REQUEST_FILE_VERSION};
use crate::network::RpcArgs;
use crate::output::{hex, print_json};
use crate::parse::{self, PolicySpec, RuleSpec};
use crate::{files, time};

/// Create a session: generate the session key pair (written to a new key file, mode 0600) and
/// write the request the account owner signs with `sk session sign` (or a wallet, with
/// --typed-data-out).
#[derive(Args)]
#[command(group(ArgGroup::new("end").required(true).args(["valid_for", "valid_until"])))]
pub struct New {
    #[command(flatten)]
    rpc: RpcArgs,
    /// The account the session acts for.
    #[arg(long, value_parser = parse::address)]
    account: Felt,
    /// A call the session may make: CONTRACT:SELECTOR (selector by name or hex; STRK and ETH
    /// name their tokens). Repeat for more.
    #[arg(long = "policy", value_name = "CONTRACT:SELECTOR", required = true, value_parser = parse::policy)]
    policies: Vec<PolicySpec>,
    /// An argument rule of a --policy: CONTRACT:SELECTOR:WORD[:u256]:OPERATOR:VALUE[,VALUE…]
    /// (STRK:transfer:0:EQ:0xb0b, the recipient; STRK:transfer:1:u256:LE:10, at most 10 STRK).
    /// WORD is the argument's calldata position from 0; u256 reads WORD and WORD+1 as one
    /// number. Operators: EQ, NEQ, LT, LE, GT, GE, IN_RANGE (MIN,MAX), ONE_OF (V1,V2,…). u256
    /// values on STRK and ETH are in tokens. Every rule of a policy must hold. Repeat for more.
    #[arg(long = "rule", value_name = "CONTRACT:SELECTOR:WORD[:u256]:OP:VALUES", value_parser = parse::rule)]
    rules: Vec<RuleSpec>,
    /// How long the session lasts (30m, 1h, 2d, 1h30m…), from the node's latest block time with
    /// --rpc, else from now.
    #[arg(long, value_parser = time::parse_duration)]
    valid_for: Option<u64>,
    /// End of the session, as a Unix time (exclusive).
    #[arg(long, value_name = "UNIX")]
    valid_until: Option<u64>,
    /// Start of the session, as a Unix time (default: no start limit).
    #[arg(long, value_name = "UNIX", default_value_t = 0)]
    valid_after: u64,
    /// The most one session transaction may cost, in STRK (counted at its maximum fee: resource
    /// bounds times their max prices, plus the tip).
    #[arg(long, value_name = "STRK", default_value = "0.1", value_parser = parse::strk)]
    max_fee: u128,
    /// The most all the session's transactions together may cost, in STRK.
    #[arg(long, value_name = "STRK", default_value = "2", value_parser = parse::strk)]
    fee_budget: u128,
    /// How much of a token the session may spend: TOKEN:TOTAL over its life, or
    /// TOKEN:TOTAL:PER_PERIOD/DURATION with a renewing allowance (STRK:10:1/1d). STRK and ETH in
    /// tokens, others in base units. What its calls make leave the account's balance counts (a
    /// contract pulling with transfer_from included), plus the allowances they grant. Repeat for
    /// more tokens.
    #[arg(long = "spending-limit", value_name = "TOKEN:TOTAL[:PER/DURATION]", value_parser = parse::spending_limit)]
    spending_limits: Vec<parse::SpendingSpec>,
    /// A SNIP-12 message file (revision 1 typed data): the session may also sign messages of its
    /// domain (name, version) and primary type, for the account's is_valid_signature
    /// (`sk session sign-message`). Repeat for more kinds of message.
    #[arg(long = "allow-messages-like", value_name = "FILE")]
    messages_like: Vec<PathBuf>,
    /// Allow --allow-messages-like files whose messages may authorize someone to take the
    /// account's tokens (an ERC-20 permit, an approval, a vote delegation), which are refused
    /// otherwise: the account bounds a signed message by its domain and type only, never by the
    /// session's spending limits, so a session allowed permits may grant any allowance. The
    /// request marks them, and `sk session sign` warns about them.
    #[arg(long, requires = "messages_like")]
    allow_token_authorizing_messages: bool,
    /// How many transactions the session may send (default: no practical limit, 2^32 - 1).
    #[arg(long, value_name = "COUNT", value_parser = clap::value_parser!(u32).range(1..))]
    max_transactions: Option<u32>,
    /// The account's owner epoch the session is for, as hex, for requests made offline (default
    /// 0x0, a new account's; `sk session inspect` and `sk account revoke-all` print it). With
    /// --rpc the account's epoch is read, and another one is refused. `sk session revoke-all` and
    /// a change of owner key move it on, to a value nobody can know in advance.
    #[arg(long, value_name = "EPOCH", value_parser = parse::felt)]
    epoch: Option<Felt>,
    /// The chain (SN_SEPOLIA, SN_MAIN, or hex); without it, the node's is used.
    #[arg(long, value_parser = parse::chain_id)]
    chain_id: Option<Felt>,
    /// File for the session's private key; never overwritten.
    #[arg(long)]
    key_out: PathBuf,
    /// File for the request.
    #[arg(long)]
    out: PathBuf,
    /// Also write the SNIP-12 typed data a wallet signs for this request.
    #[arg(long)]
    typed_data_out: Option<PathBuf>,
    /// Replace --out and --typed-data-out if they exist (key files are never replaced).
    #[arg(long)]
    force: bool,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Created {
    account: String,
    chain_id: String,
    session_key: String,
    session_hash: String,
    valid_after: u64,
    valid_until: u64,
    /// FRI, as a decimal string.
    max_fee: String,
    /// FRI, as a decimal string.
    fee_budget: String,
    max_transactions: u32,
    /// `[token, total, per_period, period]`, amounts in base units as decimal strings.
    spending_limits: Vec<[String; 4]>,
    policies: Vec<PolicyOut>,
    key_file: PathBuf,
    request_file: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    typed_data_file: Option<PathBuf>,
}

impl New {
    pub async fn run(self) -> anyhow::Result<()> {
        // Refuse before generating anything.
        files::ensure_new_key_file(&self.key_out)?;
        files::ensure_writable(&self.out, self.force)?;
        if let Some(path) = &self.typed_data_out {
            files::ensure_writable(path, self.force)?;
        }

        let node = self.rpc.connect().await?;
        let chain_id = match (self.chain_id, &node) {
            (Some(given), Some(node)) => {
                node.check_chain(given, "--chain-id")?;
                given
            }
            (Some(given), None) => given,
            (None, Some(node)) => node.chain_id,
            (None, None) => bail!("which chain is the session for? pass --chain-id (e.g. SN_SEPOLIA) or --rpc URL"),
        };
        let valid_until = match (self.valid_for, self.valid_until) {
            (Some(duration), _) => {
                let start = match &node {
                    Some(node) => node.timestamp().await?,
                    None => time::now(),
                };
                start.checked_add(duration).context("--valid-for is too long")?
            }
            (None, Some(until)) => until,
            (None, None) => bail!("pass --valid-for or --valid-until"),
        };
        if let Some(node) = &node {
            let now = node.timestamp().await?;
            if valid_until <= now {
                eprintln!(
                    "warning: the session ends at {}, before the node's time {}",
                    time::utc(valid_until),
                    time::utc(now)
                );
            }
            if node.owner(self.account).await.is_err() {
                eprintln!("warning: there is no session-key account at {} on the node (yet?)", hex(self.account));
            }
        }
        // With a node, the session is for the account's epoch, and no other: the account refuses
        // a session of any other epoch, now and later.
        let epoch = match (self.epoch, &node) {
            (given, Some(node)) => {
                let current = match node.epoch(self.account).await {
                    Ok(epoch) => epoch,
                    // An account not deployed yet starts at epoch 0.
                    Err(_) if !node.is_deployed(self.account).await? => Felt::ZERO,
                    // Deployed, but no epoch read (not a session-key account, or the node failed):
                    // guessing 0 would make a session the account may refuse for good.
                    Err(err) => {
                        return Err(
                            err.context("the session must name the account's owner epoch, and it could not be read")
                        )
                    }
                };
                if let Some(given) = given.filter(|given| *given != current) {
                    bail!(
                        "--epoch {given:#x} is not the account's owner epoch, {current:#x}: the account refuses a \
                         session of another epoch; leave --epoch out"
                    );
                }
                current
            }
            (Some(epoch), None) => epoch,
            (None, None) => Felt::ZERO,
        };

        let key = SigningKey::from_random();
        let mut builder = SessionRequest::builder(key.verifying_key().scalar())
            .valid_after(self.valid_after)
            .valid_until(valid_until)
            .max_fee(self.max_fee)
            .fee_budget(self.fee_budget)
            .max_transactions(self.max_transactions.unwrap_or(sk_session::UNLIMITED_TRANSACTIONS))
            .epoch(epoch);
        for limit in &self.spending_limits {
            builder = builder.periodic_spending_limit(limit.token, limit.total, limit.per_period, limit.period);
        }
        let target = |policy: &PolicySpec| (policy.contract, policy.selector_felt);
        for policy in &self.policies {
            let rules = self.rules.iter().filter(|spec| target(&spec.policy) == target(policy));
            let rules: Vec<_> = rules.map(|spec| spec.rule.clone()).collect();
            builder = builder.allow_with_rules(policy.contract, &policy.selector, rules);
        }
        for path in &self.messages_like {
            let typed_data: serde_json::Value = serde_json::from_str(&files::read_text(path)?)
                .with_context(|| format!("{} is not JSON", path.display()))?;
            let parts = sk_session::typed_data::message_parts(&typed_data)
                .with_context(|| format!("{} is not a SNIP-12 revision 1 message", path.display()))?;
            if parts.chain_id != chain_id {
                bail!(
                    "{} is a message of chain {}, but the session is for {}",
                    path.display(),
                    parse::chain_name(parts.chain_id),
                    parse::chain_name(chain_id)
                );
            }
            builder = if self.allow_token_authorizing_messages {
                builder.allow_token_authorizing_messages_like(&typed_data)
            } else {
                builder.allow_messages_like(&typed_data)
            };
        }
        let allowed = |spec: &&RuleSpec| self.policies.iter().any(|policy| target(policy) == target(&spec.policy));
        if let Some(PolicySpec { contract, selector, .. }) =
            self.rules.iter().find(|spec| !allowed(spec)).map(|s| &s.policy)
        {
            bail!(
                "a --rule is for {selector} on {}, which no --policy allows; add --policy {}:{selector}",
                contract_label(*contract),
                parse::contract_name(*contract).map_or_else(|| hex(*contract), str::to_string),
            );
        }
        let request = builder.build().context("building the session request")?;
        let session_hash = request.hash(self.account, chain_id);
        let typed_data = request.typed_data(chain_id);
        let file = RequestFile { version: REQUEST_FILE_VERSION, account: self.account, chain_id, request };
        let request_json = serde_json::to_string_pretty(&file)?;
        // Every file `sk` writes, it reads back: checked before anything is written.
        let read_back: RequestFile = serde_json::from_str(&request_json).context("the request would not read back")?;
        let typed_data_hash = sk_session::typed_data::message_hash(&typed_data, self.account)
            .context("the typed data would not hash as a wallet hashes it")?;
        if read_back.request.hash(read_back.account, read_back.chain_id) != session_hash
            || typed_data_hash != session_hash
        {
            bail!("the request or its typed data would not read back as the same session (a bug of sk); nothing was written");
        }

        // The request and the typed data go to temporary files beside their paths first, then the
        // key, then the files move into place: a failure leaves neither a key without its request
        // nor a request without its key, and a retry starts afresh.
        let mut staged = vec![files::stage(&self.out, &request_json, self.force)?];
        if let Some(path) = &self.typed_data_out {
            staged.push(files::stage(path, &serde_json::to_string_pretty(&typed_data)?, self.force)?);
        }
        files::write_key(&self.key_out, &key)?;
        let mut written = Vec::new();
        for file in staged {
            match file.commit() {
                Ok(path) => written.push(path),
                Err(err) => {
                    // The key is new and nobody has it yet; without its request it is of no use.
                    for path in written.iter().chain([&self.key_out]) {
                        std::fs::remove_file(path).ok();
                    }
                    return Err(err);
                }
            }
        }

        let request = &file.request;
        let created = Created {
            account: hex(self.account),
            chain_id: parse::chain_name(chain_id),
            session_key: hex(request.session_key()),
            session_hash: hex(session_hash),
            valid_after: request.valid_after(),
            valid_until: request.valid_until(),
            max_fee: request.max_fee().to_string(),
            fee_budget: request.fee_budget().to_string(),
            max_transactions: request.max_transactions(),
            spending_limits: request
                .spending_limits()
                .iter()
                .map(|l| [hex(l.token), l.total.to_string(), l.per_period.to_string(), l.period.to_string()])
                .collect(),
            policies: PolicyOut::list(request),
            key_file: self.key_out.clone(),
            request_file: self.out.clone(),
            typed_data_file: self.typed_data_out.clone(),
        };
        if self.json {
            return print_json(&created);
        }
        println!("session key   {}  (private key in {}, mode 0600)", created.session_key, self.key_out.display());
        println!("session hash  {}", created.session_hash);
        println!("account       {} on {}", created.account, created.chain_id);
        println!("valid until   {} (Unix {})", time::utc(created.valid_until), created.valid_until);
        if created.valid_after > 0 {
            println!("valid after   {} (Unix {})", time::utc(created.valid_after), created.valid_after);
        }
        for line in grants(request) {
            println!("{line}");
        }
        println!("request       {}", self.out.display());
        if let Some(path) = &self.typed_data_out {
            println!("typed data    {}", path.display());
        }
        eprintln!(
            "next: the owner signs it with `sk session sign {} --owner-key OWNER.key --out session.json`",
            self.out.display()
        );
        Ok(())
    }
}
