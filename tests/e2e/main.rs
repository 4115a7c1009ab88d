//! End-to-end tests: our account and its sessions on an in-process devnet, through starknet-rs and the cainome
//! bindings. Each test starts its own devnet, so they run in parallel.
mod account;
mod argent;
mod epoch;
mod examples;
mod limits;
mod logout;
mod messages;
mod outside;
mod profile;
mod rules;
mod sending;
mod session;
mod stateful;
mod upgrade;
