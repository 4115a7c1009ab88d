//! A Starknet account contract whose owner can grant session keys.
pub mod account;
pub mod errors;
pub mod examples;
pub mod interfaces;
pub mod outside_execution;
pub mod owner;
pub mod session;
pub mod utils;

#[cfg(test)]
mod tests;
