//! The limits of a session (docs/protocol.md §4, "Fees" and "Where each count happens"): what a
//! transaction may cost at most, the usage the account counts per session, and the checks the
//! SDK runs before signing so that a transaction over a limit fails here, with a typed error,
//! instead of being refused by the node. Mirrors `contracts/src/session/limits.cairo`.

use starknet::accounts::RawExecutionV3;
use starknet::core::types::{BlockId, Felt, FunctionCall};
use starknet::macros::selector;
use starknet::providers::Provider;

use crate::error::Error;
use crate::session_hash::Session;

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
/// validated and the fee counted for them, each at its maximum fee.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionUsage {
    /// Transactions validated under the session (reverted ones included).
    pub transactions: u32,
    /// The maximum fees of those transactions, in FRI.
    pub fee_spent: u128,
}

impl SessionUsage {
    /// What `session` has left after this usage: `(transactions, fee in FRI)`.
    pub fn left(&self, session: &Session) -> (u32, u128) {
        (session.max_transactions.saturating_sub(self.transactions), session.fee_budget.saturating_sub(self.fee_spent))
    }
}

/// The usage `account` has counted for the session `session_hash`, as of `block_id`.
pub async fn session_usage<P: Provider + Sync>(
    provider: &P,
    account: Felt,
    session_hash: Felt,
    block_id: BlockId,
) -> Result<SessionUsage, Error> {
    let call = FunctionCall {
        contract_address: account,
        entry_point_selector: GET_SESSION_USAGE_SELECTOR,
        calldata: vec![session_hash],
    };
    let answer = provider.call(call, block_id).await?;
    let unexpected = || Error::Node(format!("get_session_usage answered {answer:?}, not (u32, u128)"));
    let [transactions, fee_spent] = answer[..] else {
        return Err(unexpected());
    };
    Ok(SessionUsage {
        transactions: u32::try_from(transactions).map_err(|_| unexpected())?,
        fee_spent: u128::try_from(fee_spent).map_err(|_| unexpected())?,
    })
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
    if max_fee > left {
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
            policies_root: Felt::TWO,
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
        let used = SessionUsage { transactions: 2, fee_spent: 200 };
        check_limits(&session(), &used, Some(50)).unwrap();
        let err = check_limits(&session(), &used, Some(51)).unwrap_err();
        assert!(matches!(err, Error::FeeBudgetExceeded { max_fee: 51, left: 50, budget: 250 }), "{err:?}");
        let spent = SessionUsage { transactions: 3, fee_spent: 0 };
        assert!(matches!(check_limits(&session(), &spent, Some(1)), Err(Error::TransactionLimitReached { limit: 3 })));
        assert_eq!(used.left(&session()), (1, 50));
    }
}
