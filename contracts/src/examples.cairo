//! Example dApp contracts: what a session calls in the demo, the tests and the dApp page. Not part
//! of the account.
pub mod tip_jar;
