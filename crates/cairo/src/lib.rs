//! Build and test a Cairo Starknet package with the Cairo compiler crates, without scarb.
//!
//! The package is described by its `Scarb.toml` (name, version, edition), so this crate and scarb
//! compile the same sources the same way. Two operations:
//!
//! - [`build`]: compile every `#[starknet::contract]` of the package to a Sierra contract class and
//!   its CASM, with the class hash and compiled class hash a node computes on declare.
//! - [`TestSuite`]: compile the package's `#[test]` functions with the Starknet plugin and run them
//!   one by one with cairo-test semantics (`starknet::testing`, `deploy_syscall`,
//!   `#[should_panic(expected: ...)]`, `#[available_gas]`, `#[ignore]`).
//!
//! - [`Program`]: compile the package's free functions (with `cfg(test)`) and call them by name
//!   with felt arrays, for differential tests against another implementation.
//!
//! Compiler diagnostics come back as [`Error::Diagnostics`], formatted as the compiler prints them
//! (file, line, column, message).
#![deny(missing_docs)]

mod compile;
mod db;
mod error;
mod package;
mod program;
mod testing;

pub use compile::{build, Build, CompiledContract};
pub use db::corelib_dir;
pub use error::Error;
pub use package::Package;
pub use program::{CallResult, Program};
pub use testing::{TestCase, TestOutcome, TestSuite};
