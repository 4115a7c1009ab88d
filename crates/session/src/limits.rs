//! The limits of a session (docs/protocol.md §4, "Fees" and "Where each count happens"): what a
//! transaction may cost at most, the usage the account counts per session, and the checks the
//! SDK runs before signing so that a transaction over a limit fails here, with a typed error,
//! instead of being refused by the node. Mirrors `contracts/src/session/limits.cairo`.

use starknet::accounts::RawExecutionV3;
use starknet::core::types::{BlockId, Call, Felt, U256};
use starknet::macros::selector;
use starknet::providers::Provider;

use crate::argument_rules::ArgumentRule;
use crate::error::{Error, SpendingScope};
use crate::node::{block_time, felt_bool, read_words};
use crate::session_hash::{is_contract_address, Session, SpendingLimit};

/// The selector of the account's view `get_session_spending(session_hash, token) -> SpendingUsage`.
pub const GET_SESSION_SPENDING_SELECTOR: Felt = selector!("get_session_spending");

/// The selectors whose calldata carries an amount the SDK counts before signing, each with the
/// calldata word where its u256 amount starts (docs/protocol.md §4, "Spending"); `transfer_from`'s
/// count only when its sender (word 0) is the account.
const COUNTED: [(Felt, usize); 6] = [
    (selector!("transfer"), 1),
    (selector!("approve"), 1),
    (selector!("increase_allowance"), 1),
    (selector!("increaseAllowance"), 1),
    (selector!("transfer_from"), 2),
    (selector!("transferFrom"), 2),
];

/// Whether the SDK counts the amount of calls of `selector` before signing (the account counts
/// what any call moves).
pub fn is_counted_selector(selector: Felt) -> bool {
    counted_amount_word(selector).is_some()
}

/// The calldata word where the u256 amount of a counted `selector` starts (its low word; the high
/// word follows), or `None` for a selector no limit counts.
pub fn counted_amount_word(selector: Felt) -> Option<u32> {
    COUNTED.iter().find(|(counted, _)| *counted == selector).map(|&(_, at)| at as u32)
}

/// Whether `limits` name each token once, in increasing address order, as a session token must
/// carry them (the contract's `limits_in_order`, `session/limit-order`).
pub fn limits_in_order(limits: &[SpendingLimit]) -> bool {
    limits.windows(2).all(|pair| pair[0].token < pair[1].token)
}

/// Whether `rule`, on a policy of `selector`, reads the u256 amount a spending limit counts other
/// than whole: a felt rule on either of its words, or a u256 rule starting a word early or late.
/// A request refuses such a rule ([`Error::RuleSplitsAmount`]); only a u256 rule at the amount's
/// first word reads it. False for a selector no limit counts.
pub fn rule_splits_amount(selector: Felt, rule: &ArgumentRule) -> bool {
    let Some(first) = counted_amount_word(selector).map(u64::from) else { return false };
    let (word, last) = (u64::from(rule.word), u64::from(rule.word) + u64::from(rule.is_u256()));
    word <= first + 1 && last >= first && !(rule.is_u256() && word == first)
}

/// The allowance `call` (the `index`th) grants, as the contract's `granted_allowance` reads it
/// (docs/protocol.md §4, "Spending"): `(spender, amount)` of `approve`, `increase_allowance` and
/// `increaseAllowance`, the spender at calldata word 0 and the u256 amount at words 1 and 2;
/// `None` for any other selector. A spender of 2^251 or more (no address) or an amount whose
/// words are missing or not u128 is [`Error::BadAmount`].
pub fn granted_allowance(index: usize, call: &Call) -> Result<Option<(Felt, U256)>, Error> {
    if !APPROVALS.contains(&call.selector) {
        return Ok(None);
    }
    let bad = || Error::BadAmount { index };
    let spender = call.calldata.first().filter(|spender| is_contract_address(**spender)).ok_or_else(bad)?;
    let word = |i: usize| call.calldata.get(i).and_then(|w| u128::try_from(*w).ok()).ok_or_else(bad);
    Ok(Some((*spender, U256::from_words(word(1)?, word(2)?))))
}

/// The selectors that grant an allowance a spending limit counts.
const APPROVALS: [Felt; 3] = [selector!("approve"), selector!("increase_allowance"), selector!("increaseAllowance")];

/// What `call` (the `index`th) spends of the account's tokens by what its own calldata says,
/// for the SDK's check before signing: the amount of a `transfer`, of a `transfer_from` whose
/// sender is the account, and the allowance an approval grants ([`granted_allowance`]); `None`
/// for a call this cannot read (whatever its target). The account counts by balance instead
/// (docs/protocol.md §4, "Spending"): what these calls move leaves its balance, and it also sees
/// what a call to another contract pulls, which no calldata says.
pub fn counted_amount(account: Felt, index: usize, call: &Call) -> Result<Option<U256>, Error> {
    if let Some((_, amount)) = granted_allowance(index, call)? {
        return Ok(Some(amount));
    }
    let Some(&(_, at)) = COUNTED.iter().find(|(selector, _)| *selector == call.selector) else {
        return Ok(None);
    };
    let bad = || Error::BadAmount { index };
    if at == 2 && call.calldata.first() != Some(&account) {
        if call.calldata.is_empty() {
            return Err(bad());
        }
        return Ok(None);
    }
    let word = |i: usize| call.calldata.get(i).and_then(|w| u128::try_from(*w).ok()).ok_or_else(bad);
    Ok(Some(U256::from_words(word(at)?, word(at + 1)?)))
}

/// What `calls` spend together of each token `session` limits, by their calldata
/// ([`counted_amount`]), for the SDK's check before signing: in the order of the session's limits
/// (one per token, in increasing address order; tokens the calls do not touch are left out),
/// each token's calls in call order. The first error in that order is the error: a call whose
/// amount is malformed ([`Error::BadAmount`]), or a sum beyond 2^256 − 1, beyond any total
/// ([`Error::SpendingLimitExceeded`], with what the limit allows at most as `left`).
///
/// For an ERC-20 token this is at most what the account counts, so a transaction refused here
/// would be refused by the account, with one exception: an allowance granted and taken back in the
/// same transaction (an `approve` of 0 after it, or the account's own `transfer_from` spending
/// it) counts here in full, and only once there. What a call to another contract pulls from the
/// account counts only there: the account reverts such a transaction after its calls.
pub fn spends(session: &Session, account: Felt, calls: &[Call]) -> Result<Vec<(SpendingLimit, U256)>, Error> {
    let mut out: Vec<(SpendingLimit, U256)> = Vec::new();
    for limit in &session.spending_limits {
        let mut sum: Option<U256> = None;
        for (index, call) in calls.iter().enumerate().filter(|(_, call)| call.to == limit.token) {
            let Some(amount) = counted_amount(account, index, call)? else { continue };
            let total = checked_add(sum.unwrap_or(U256::from(0u8)), amount).ok_or(Error::SpendingLimitExceeded {
                token: limit.token,
                amount: U256_MAX,
                left: limit.total,
                scope: SpendingScope::Life,
            })?;
            sum = Some(total);
        }
        if let Some(amount) = sum {
            out.push((*limit, amount));
        }
    }
    Ok(out)
}

const U256_MAX: U256 = U256::from_words(u128::MAX, u128::MAX);

fn checked_add(a: U256, b: U256) -> Option<U256> {
    let (low, carry) = a.low().overflowing_add(b.low());
    let high = a.high().checked_add(b.high())?.checked_add(u128::from(carry))?;
    Some(U256::from_words(low, high))
}

fn saturating_sub(a: U256, b: U256) -> U256 {
    if a <= b {
        return U256::from(0u8);
    }
    a - b
}

/// Parses a decimal integer below 2^256.
pub fn parse_u256(text: &str) -> Option<U256> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value = U256::from(0u8);
    for digit in text.bytes() {
        let times_ten = (0..9).try_fold(value, |acc, _| checked_add(acc, value))?;
        value = checked_add(times_ten, U256::from(digit - b'0'))?;
    }
    Some(value)
}

/// What the account has counted of one token for a session (`get_session_spending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendingUsage {
    /// Moved over the session's life.
    pub total: U256,
    /// The period `period_spent` is of, as stored.
    pub period: u64,
    /// Moved in that period.
    pub period_spent: U256,
}

impl Default for SpendingUsage {
    fn default() -> Self {
        Self { total: U256::from(0u8), period: 0, period_spent: U256::from(0u8) }
    }
}

/// The period of `limit` at `now` for a session starting at `valid_after` (0 if it never renews).
pub fn current_period(limit: &SpendingLimit, valid_after: u64, now: u64) -> u64 {
    match limit.period {
        0 => 0,
        period => now.saturating_sub(valid_after) / period,
    }
}

impl SpendingUsage {
    /// What is left of `limit` at `now`: `(over the session's life, in the current period)`.
    pub fn left(&self, limit: &SpendingLimit, valid_after: u64, now: u64) -> (U256, U256) {
        let in_period = self.in_period(limit, valid_after, now);
        (saturating_sub(limit.total, self.total), saturating_sub(limit.per_period, in_period))
    }

    /// What counts against the current period at `now`: what was spent in it, or 0 if the count
    /// is of an earlier period.
    fn in_period(&self, limit: &SpendingLimit, valid_after: u64, now: u64) -> U256 {
        if self.period == current_period(limit, valid_after, now) {
            self.period_spent
        } else {
            U256::from(0u8)
        }
    }
}

/// What `account` has counted of `token` for the session `session_hash`, as of `block_id`.
pub async fn session_spending<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    session_hash: Felt,
    token: Felt,
    block_id: BlockId,
) -> Result<SpendingUsage, Error> {
    let view = ("get_session_spending", GET_SESSION_SPENDING_SELECTOR);
    let decode = |[low, high, period, spent_low, spent_high]: [Felt; 5]| {
        Some(SpendingUsage {
            total: U256::from_words(low.try_into().ok()?, high.try_into().ok()?),
            period: period.try_into().ok()?,
            period_spent: U256::from_words(spent_low.try_into().ok()?, spent_high.try_into().ok()?),
        })
    };
    read_words(provider, account, view, vec![session_hash, token], block_id, ("(u256, u64, u256)", decode)).await
}

/// The account's spending check of one token: `amount` more must fit in what `usage` leaves of
/// `limit` at `now`, over the session's life and in the current period.
pub fn check_spending(
    limit: &SpendingLimit,
    usage: &SpendingUsage,
    amount: U256,
    valid_after: u64,
    now: u64,
) -> Result<(), Error> {
    let (total_left, period_left) = usage.left(limit, valid_after, now);
    let exceeded = |left, scope| Error::SpendingLimitExceeded { token: limit.token, amount, left, scope };
    // As the contract counts: what was spent plus `amount` must fit (not `amount` in what is
    // left), so a count already beyond its limit refuses even a zero amount, as on chain.
    let in_period = usage.in_period(limit, valid_after, now);
    if checked_add(usage.total, amount).is_none_or(|total| total > limit.total) {
        return Err(exceeded(total_left, SpendingScope::Life));
    }
    if checked_add(in_period, amount).is_none_or(|spent| spent > limit.per_period) {
        return Err(exceeded(period_left, SpendingScope::Period));
    }
    Ok(())
}

/// The selector of the account's view `get_session_usage(session_hash) -> SessionUsage`.
pub const GET_SESSION_USAGE_SELECTOR: Felt = selector!("get_session_usage");

/// What validation's clock may lag behind the real one: Starknet rounds the block timestamp
/// down to the hour in `__validate__`, so the account refuses there only a session that starts
/// at least this long after the rounded time (docs/protocol.md §4, "Time").
pub const VALIDATION_TIME_ROUNDING: u64 = 3600;

/// The fee fields of a v3 transaction: each resource's bound (amount, maximum price per unit in
/// FRI) and the tip per unit of L2 gas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeeBounds {
    /// L1 gas: `(max_amount, max_price_per_unit)`.
    pub l1_gas: (u64, u128),
    /// L2 gas: `(max_amount, max_price_per_unit)`.
    pub l2_gas: (u64, u128),
    /// L1 data gas: `(max_amount, max_price_per_unit)`.
    pub l1_data_gas: (u64, u128),
    /// The tip, in FRI per unit of L2 gas.
    pub tip: u64,
}

impl From<&RawExecutionV3> for FeeBounds {
    fn from(execution: &RawExecutionV3) -> Self {
        Self {
            l1_gas: (execution.l1_gas(), execution.l1_gas_price()),
            l2_gas: (execution.l2_gas(), execution.l2_gas_price()),
            l1_data_gas: (execution.l1_data_gas(), execution.l1_data_gas_price()),
            tip: execution.tip(),
        }
    }
}

impl FeeBounds {
    /// The most the transaction can cost: every resource bound's amount times its maximum price,
    /// plus the tip over the L2 gas bound. `None` if that is 2^128 FRI or more, which no
    /// session's cap allows.
    pub fn max_fee(&self) -> Option<u128> {
        let tip = u128::from(self.tip).checked_mul(self.l2_gas.0.into())?;
        [self.l1_gas, self.l2_gas, self.l1_data_gas]
            .into_iter()
            .try_fold(tip, |total, (amount, price)| total.checked_add(u128::from(amount).checked_mul(price)?))
    }
}

/// What the account has counted for a session (`get_session_usage`): the transactions it
/// validated and the fee counted for them, each at its maximum fee, and whether it recorded the
/// owner's authorization (docs/protocol.md §4, "Authorization cache").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionUsage {
    /// Transactions validated under the session (reverted ones included).
    pub transactions: u32,
    /// The maximum fees of those transactions, in FRI.
    pub fee_spent: u128,
    /// Whether the account recorded the owner's authorization (by a first use or
    /// `register_session`): the session's transactions may then leave out the owner signature.
    pub authorized: bool,
}

impl SessionUsage {
    /// What `session` has left after this usage: `(transactions, fee in FRI)`.
    pub fn left(&self, session: &Session) -> (u32, u128) {
        (session.max_transactions.saturating_sub(self.transactions), session.fee_budget.saturating_sub(self.fee_spent))
    }
}

/// What is left of a session at one block, as the account counts it ([`session_remaining`],
/// `SessionAccount::remaining`): its time by the chain's clock, its transactions and fee budget,
/// and each spending limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRemaining {
    /// The block's time, which the account checks the session against (Unix seconds).
    pub now: u64,
    /// Seconds until the session starts (`valid_after`); 0 once it has.
    pub starts_in: u64,
    /// Seconds until it ends (`valid_until`); 0 once it has ended.
    pub time_left: u64,
    /// Transactions it may still send (validated ones count, reverted or not).
    pub transactions_left: u32,
    /// Fee budget left, in FRI (each transaction counts at its maximum fee).
    pub fee_budget_left: u128,
    /// One per spending limit, in the session's order (by token address).
    pub spending: Vec<SpendingRemaining>,
}

/// What is left of one spending limit ([`SessionRemaining::spending`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendingRemaining {
    /// The limited token.
    pub token: Felt,
    /// Left over the session's life.
    pub total_left: U256,
    /// Left in the current period (never more than `total_left` can allow: both hold).
    pub period_left: U256,
    /// When the current period ends and `period_left` starts again from the limit's
    /// `per_period` (Unix seconds); `None` for a limit that never renews.
    pub period_ends: Option<u64>,
}

impl SessionRemaining {
    /// What `session` has left at `now`, given the `usage` and the `spending` counted (one per
    /// spending limit, in the session's order).
    pub fn of(session: &Session, usage: &SessionUsage, spending: &[SpendingUsage], now: u64) -> Self {
        let (transactions_left, fee_budget_left) = usage.left(session);
        let spending = session
            .spending_limits
            .iter()
            .zip(spending)
            .map(|(limit, counted)| {
                let (total_left, period_left) = counted.left(limit, session.valid_after, now);
                let period_ends = (limit.period > 0).then(|| {
                    let next = current_period(limit, session.valid_after, now).saturating_add(1);
                    session.valid_after.saturating_add(next.saturating_mul(limit.period))
                });
                SpendingRemaining { token: limit.token, total_left, period_left, period_ends }
            })
            .collect();
        Self {
            now,
            starts_in: session.valid_after.saturating_sub(now),
            time_left: session.valid_until.saturating_sub(now),
            transactions_left,
            fee_budget_left,
            spending,
        }
    }
}

/// What is left of `session` (of hash `session_hash`) on `account` at `block_id`: the block's
/// time, the usage and each limited token's spending, read from the node.
pub async fn session_remaining<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    session_hash: Felt,
    session: &Session,
    block_id: BlockId,
) -> Result<SessionRemaining, Error> {
    let now = block_time(provider, block_id).await?;
    let usage = session_usage(provider, account, session_hash, block_id).await?;
    let mut spending = Vec::with_capacity(session.spending_limits.len());
    for limit in &session.spending_limits {
        spending.push(session_spending(provider, account, session_hash, limit.token, block_id).await?);
    }
    Ok(SessionRemaining::of(session, &usage, &spending, now))
}

/// The usage `account` has counted for the session `session_hash`, as of `block_id`.
pub async fn session_usage<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    session_hash: Felt,
    block_id: BlockId,
) -> Result<SessionUsage, Error> {
    let view = ("get_session_usage", GET_SESSION_USAGE_SELECTOR);
    let decode = |[transactions, fee_spent, authorized]: [Felt; 3]| {
        Some(SessionUsage {
            transactions: transactions.try_into().ok()?,
            fee_spent: fee_spent.try_into().ok()?,
            authorized: felt_bool(authorized)?,
        })
    };
    read_words(provider, account, view, vec![session_hash], block_id, ("(u32, u128, bool)", decode)).await
}

/// The fee cap check alone (no usage needed): `max_fee` is at most the session's cap; returns it.
pub fn check_fee_cap(session: &Session, max_fee: Option<u128>) -> Result<u128, Error> {
    max_fee.filter(|fee| *fee <= session.max_fee).ok_or(Error::FeeCapExceeded { max_fee, cap: session.max_fee })
}

/// The account's limit checks on a transaction whose maximum fee is `max_fee` ([`FeeBounds::max_fee`]),
/// in the contract's order: the fee cap, then (with the session's `usage`) the transaction count
/// and the fee budget. The error names the limit.
pub fn check_limits(session: &Session, usage: &SessionUsage, max_fee: Option<u128>) -> Result<(), Error> {
    let max_fee = check_fee_cap(session, max_fee)?;
    if usage.transactions >= session.max_transactions {
        return Err(Error::TransactionLimitReached { limit: session.max_transactions });
    }
    let (_, left) = usage.left(session);
    // Spent plus `max_fee` must fit, as the contract adds (a count beyond the budget refuses 0).
    if usage.fee_spent.checked_add(max_fee).is_none_or(|spent| spent > session.fee_budget) {
        return Err(Error::FeeBudgetExceeded { max_fee, left, budget: session.fee_budget });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            session_key: Felt::ONE,
            valid_after: 0,
            valid_until: 10,
            max_fee: 100,
            fee_budget: 250,
            max_transactions: 3,
            epoch: Felt::ZERO,
            policies_root: Felt::TWO,
            spending_limits: vec![],
            messages_hash: Felt::ZERO,
        }
    }

    fn max_fee(l1_gas: (u64, u128), l2_gas: (u64, u128), l1_data_gas: (u64, u128), tip: u64) -> Option<u128> {
        FeeBounds { l1_gas, l2_gas, l1_data_gas, tip }.max_fee()
    }

    #[test]
    fn max_fee_counts_every_bound_and_the_tip_on_l2_gas() {
        assert_eq!(max_fee((2, 3), (5, 7), (11, 13), 0), Some(6 + 35 + 143));
        assert_eq!(max_fee((2, 3), (5, 7), (11, 13), 100), Some(6 + 35 + 143 + 500));
        assert_eq!(max_fee((0, 0), (0, 0), (0, 0), 1000), Some(0), "no L2 gas, no tip");
        assert_eq!(max_fee((u64::MAX, u128::MAX), (0, 0), (0, 0), 0), None);
        assert_eq!(max_fee((0, 0), (u64::MAX, 1), (0, 0), u64::MAX), Some(u128::MAX - u128::from(u64::MAX)), "fits");
        assert_eq!(max_fee((0, 0), (u64::MAX, 1 << 64), (0, 0), u64::MAX), None);
    }

    #[test]
    fn limits_are_checked_in_the_contracts_order() {
        let fresh = SessionUsage::default();
        check_limits(&session(), &fresh, Some(100)).unwrap();
        let err = check_limits(&session(), &fresh, Some(101)).unwrap_err();
        assert!(matches!(err, Error::FeeCapExceeded { max_fee: Some(101), cap: 100 }), "{err:?}");
        assert!(matches!(check_limits(&session(), &fresh, None), Err(Error::FeeCapExceeded { max_fee: None, .. })));
        let used = SessionUsage { transactions: 2, fee_spent: 200, authorized: true };
        check_limits(&session(), &used, Some(50)).unwrap();
        let err = check_limits(&session(), &used, Some(51)).unwrap_err();
        assert!(matches!(err, Error::FeeBudgetExceeded { max_fee: 51, left: 50, budget: 250 }), "{err:?}");
        let spent = SessionUsage { transactions: 3, fee_spent: 0, authorized: true };
        assert!(matches!(check_limits(&session(), &spent, Some(1)), Err(Error::TransactionLimitReached { limit: 3 })));
        assert_eq!(used.left(&session()), (1, 50));
    }

    fn transfer(to: Felt, amount: U256) -> Call {
        Call {
            to,
            selector: selector!("transfer"),
            calldata: vec![Felt::from(9u8), amount.low().into(), amount.high().into()],
        }
    }

    #[test]
    fn counted_amounts_follow_the_selector_table() {
        let account = Felt::from(0xacc0u32);
        let token = Felt::from(0x7070u32);
        let amount = U256::from_words(5, 1);
        assert_eq!(counted_amount(account, 0, &transfer(token, amount)).unwrap(), Some(amount));
        let from = |sender| Call {
            to: token,
            selector: selector!("transferFrom"),
            calldata: vec![sender, Felt::ONE, Felt::from(7u8), Felt::ZERO],
        };
        assert_eq!(counted_amount(account, 0, &from(account)).unwrap(), Some(U256::from(7u8)));
        assert_eq!(counted_amount(account, 0, &from(Felt::TWO)).unwrap(), None, "someone else's tokens");
        let other = Call { to: token, selector: selector!("decrease_allowance"), calldata: vec![] };
        assert_eq!(counted_amount(account, 0, &other).unwrap(), None);
        let short = Call { to: token, selector: selector!("approve"), calldata: vec![Felt::ONE, Felt::ONE] };
        assert!(matches!(counted_amount(account, 3, &short), Err(Error::BadAmount { index: 3 })));
        let wide = Call { to: token, selector: selector!("approve"), calldata: vec![Felt::ONE, Felt::MAX, Felt::ZERO] };
        assert!(matches!(counted_amount(account, 0, &wide), Err(Error::BadAmount { index: 0 })));
    }

    #[test]
    fn spends_add_up_per_token_and_periods_renew() {
        let token = Felt::from(0x7070u32);
        let limit = SpendingLimit { token, total: 1000u32.into(), per_period: 300u32.into(), period: 100 };
        let mut session = session();
        session.spending_limits = vec![limit];
        let calls = [transfer(token, 200u8.into()), transfer(Felt::ONE, 5000u32.into()), transfer(token, 100u8.into())];
        let spent = spends(&session, Felt::ONE, &calls).unwrap();
        assert_eq!(spent, vec![(limit, U256::from(300u32))], "the unlimited token is left out");
        let fresh = SpendingUsage::default();
        check_spending(&limit, &fresh, 300u32.into(), 0, 50).unwrap();
        let err = check_spending(&limit, &fresh, 301u32.into(), 0, 50).unwrap_err();
        assert!(matches!(err, Error::SpendingLimitExceeded { scope: SpendingScope::Period, .. }), "{err:?}");
        let this_period = SpendingUsage { total: 300u32.into(), period: 0, period_spent: 300u32.into() };
        assert!(check_spending(&limit, &this_period, 1u8.into(), 0, 99).is_err(), "not one second early");
        check_spending(&limit, &this_period, 300u32.into(), 0, 100).unwrap();
        let nearly_all = SpendingUsage { total: 900u32.into(), period: 3, period_spent: 0u8.into() };
        check_spending(&limit, &nearly_all, 100u32.into(), 0, 500).unwrap();
        let err = check_spending(&limit, &nearly_all, 101u32.into(), 0, 500).unwrap_err();
        assert!(matches!(err, Error::SpendingLimitExceeded { scope: SpendingScope::Life, .. }), "{err:?}");
    }

    #[test]
    fn remaining_counts_time_by_the_chain_and_each_limit_with_its_period_end() {
        let (a, b) = (Felt::from(0xaau32), Felt::from(0xbbu32));
        let renewing = SpendingLimit { token: a, total: 1000u32.into(), per_period: 300u32.into(), period: 100 };
        let once = SpendingLimit { token: b, total: 50u32.into(), per_period: 50u32.into(), period: 0 };
        let mut session = session();
        (session.valid_after, session.valid_until, session.max_transactions, session.fee_budget) =
            (1000, 5000, 10, 900);
        session.spending_limits = vec![renewing, once];
        let usage = SessionUsage { transactions: 3, fee_spent: 400, authorized: true };
        // 700 spent of `a`, 200 of it in period 2 (times 1200 to 1299); 20 of `b`.
        let spent_a = SpendingUsage { total: 700u32.into(), period: 2, period_spent: 200u32.into() };
        let spent_b = SpendingUsage { total: 20u32.into(), period: 0, period_spent: 20u32.into() };
        let at = |now| SessionRemaining::of(&session, &usage, &[spent_a, spent_b], now);
        let remaining = at(1250);
        assert_eq!((remaining.now, remaining.starts_in, remaining.time_left), (1250, 0, 3750));
        assert_eq!((remaining.transactions_left, remaining.fee_budget_left), (7, 500));
        let expected_a = SpendingRemaining {
            token: a,
            total_left: 300u32.into(),
            period_left: 100u32.into(),
            period_ends: Some(1300),
        };
        let expected_b =
            SpendingRemaining { token: b, total_left: 30u32.into(), period_left: 30u32.into(), period_ends: None };
        assert_eq!(remaining.spending, vec![expected_a, expected_b]);
        // The next period starts again from `per_period`; before the window and after it.
        assert_eq!(at(1300).spending[0].period_left, U256::from(300u32));
        assert_eq!(at(1300).spending[0].period_ends, Some(1400));
        assert_eq!((at(900).starts_in, at(900).time_left), (100, 4100));
        assert_eq!(at(6000).time_left, 0);
    }

    /// Found by the differential test (tests/differential.rs): the SDK named the token first
    /// called, the contract the token first limited; and a sum beyond 2^256 - 1 saturated.
    #[test]
    fn spends_follow_the_order_of_the_limits_and_refuse_overflow() {
        let (a, b) = (Felt::from(0xaau32), Felt::from(0xbbu32));
        let limit = |token| SpendingLimit { token, total: 10u8.into(), per_period: 10u8.into(), period: 0 };
        let mut session = session();
        session.spending_limits = vec![limit(a), limit(b)];
        let calls = [transfer(b, 2u8.into()), transfer(a, 1u8.into())];
        let spent = spends(&session, Felt::ONE, &calls).unwrap();
        assert_eq!(spent, vec![(limit(a), U256::from(1u8)), (limit(b), U256::from(2u8))]);
        let bad = Call { to: a, selector: selector!("transfer"), calldata: vec![Felt::ONE] };
        let err = spends(&session, Felt::ONE, &[transfer(b, 1u8.into()), bad]).unwrap_err();
        assert!(matches!(err, Error::BadAmount { index: 1 }), "a's error comes first: {err:?}");
        let err = spends(&session, Felt::ONE, &[transfer(b, U256_MAX), transfer(b, 1u8.into())]).unwrap_err();
        assert!(
            matches!(err, Error::SpendingLimitExceeded { token, amount, .. } if token == b && amount == U256_MAX),
            "{err:?}"
        );
    }

    /// Found by the differential test: a count already beyond its limit (which the chain never
    /// writes) admitted a zero amount or fee; the contract adds first and refuses.
    #[test]
    fn a_count_beyond_its_limit_refuses_even_zero() {
        let limit = SpendingLimit { token: Felt::ONE, total: 0u8.into(), per_period: 5u8.into(), period: 0 };
        let over = SpendingUsage { total: 1u8.into(), period: 0, period_spent: 0u8.into() };
        let err = check_spending(&limit, &over, 0u8.into(), 0, 1).unwrap_err();
        assert!(matches!(err, Error::SpendingLimitExceeded { scope: SpendingScope::Life, .. }), "{err:?}");
        let over_budget = SessionUsage { transactions: 0, fee_spent: 251, authorized: true };
        let err = check_limits(&session(), &over_budget, Some(0)).unwrap_err();
        assert!(matches!(err, Error::FeeBudgetExceeded { max_fee: 0, left: 0, budget: 250 }), "{err:?}");
    }

    #[test]
    fn u256_decimals_parse() {
        assert_eq!(parse_u256("0"), Some(U256::from(0u8)));
        assert_eq!(parse_u256(&U256_MAX.to_string()), Some(U256_MAX));
        let two_128 = U256::from_words(0, 1);
        assert_eq!(parse_u256(&two_128.to_string()), Some(two_128));
        for bad in
            ["", "-1", "1.5", "0x10", "115792089237316195423570985008687907853269984665640564039457584007913129639936"]
        {
            assert_eq!(parse_u256(bad), None, "{bad}");
        }
    }
}
