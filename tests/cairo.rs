//! The Cairo unit tests of `contracts/`, each a named cargo test (`cargo test -p sk-tests --test
//! cairo -- rotate` filters them as any other). Compiled once, then run in parallel.
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use sk_cairo::{Package, TestOutcome, TestSuite};

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let package_dir = sk_tests::repo_root().join("contracts");
    let suite = match Package::load(&package_dir).and_then(|p| TestSuite::compile(&p)) {
        Ok(suite) => Arc::new(suite),
        Err(err) => {
            eprintln!("{err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    for warning in suite.warnings() {
        eprintln!("{warning}\n");
    }
    let trials = (0..suite.cases().len())
        .map(|index| {
            let case = &suite.cases()[index];
            let suite = Arc::clone(&suite);
            Trial::test(case.name.clone(), move || match suite.run(&suite.cases()[index]) {
                TestOutcome::Passed { .. } => Ok(()),
                TestOutcome::Failed(why) => Err(Failed::from(why)),
            })
            .with_ignored_flag(case.ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
