//! `sk-cairo`: build and test a Cairo Starknet package without scarb.
//!
//! ```text
//! sk-cairo build [PACKAGE_DIR] [--out DIR]   # Sierra + CASM JSON, class hashes
//! sk-cairo test  [PACKAGE_DIR] [FILTER]      # one line per test, then `N passed, N failed`
//! ```
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sk_cairo::{Package, TestOutcome, TestSuite};

#[derive(Parser)]
#[command(version, about = "Build and test a Cairo Starknet package without scarb")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile every contract to Sierra and CASM JSON and print their class hashes.
    Build {
        /// The folder holding the package's Scarb.toml.
        #[arg(default_value = "contracts")]
        package: PathBuf,
        /// Where to write the artifacts (scarb's names: <package>_<Contract>.contract_class.json).
        #[arg(long, default_value = "target/cairo")]
        out: PathBuf,
    },
    /// Compile and run the package's #[test] functions.
    Test {
        /// The folder holding the package's Scarb.toml.
        #[arg(default_value = "contracts")]
        package: PathBuf,
        /// Run only the tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Run #[ignore] tests too.
        #[arg(long)]
        include_ignored: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("Error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { package, out } => {
            let package = Package::load(&package)?;
            let build = sk_cairo::build(&package)?;
            print_warnings(&build.warnings);
            for contract in &build.contracts {
                let [sierra, casm] = contract.write_to(&out, &package.name)?;
                println!("{}", contract.path);
                println!("  class hash:          {:#066x}", contract.class_hash);
                println!("  compiled class hash: {:#066x}", contract.compiled_class_hash);
                println!("  sierra: {}", sierra.display());
                println!("  casm:   {}", casm.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { package, filter, include_ignored } => {
            let package = Package::load(&package)?;
            let suite = TestSuite::compile(&package).context("compiling the tests")?;
            print_warnings(suite.warnings());
            let (mut passed, mut failed, mut ignored) = (0, 0, 0);
            let selected = suite.cases().iter().filter(|case| filter.as_deref().is_none_or(|f| case.name.contains(f)));
            for case in selected {
                if case.ignored && !include_ignored {
                    println!("test {} ... ignored", case.name);
                    ignored += 1;
                    continue;
                }
                match suite.run(case) {
                    TestOutcome::Passed { gas } => {
                        passed += 1;
                        match gas {
                            Some(gas) => println!("test {} ... ok (gas {gas})", case.name),
                            None => println!("test {} ... ok", case.name),
                        }
                    }
                    TestOutcome::Failed(why) => {
                        failed += 1;
                        println!("test {} ... FAILED: {why}", case.name);
                    }
                }
            }
            println!("{passed} passed, {failed} failed, {ignored} skipped");
            Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        eprintln!("{warning}\n");
    }
}
