//! Cairo unit tests with cairo-test semantics, compiled once and run one at a time.
//!
//! `cairo-lang-test-runner` runs a whole suite and returns an opaque summary; we need each test's
//! result (so cargo's harness can list, filter and count them), so this module drives its building
//! blocks directly: `compile_test_prepared_db` to compile, then a `SierraCasmRunner` per suite and
//! one Starknet context per test, judged against the test's `#[should_panic]` expectation.
use std::sync::{Arc, Mutex};

use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_runner::casm_run::format_for_panic;
use cairo_lang_runner::{RunResultValue, SierraCasmRunner};
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;
use cairo_lang_test_plugin::test_config::{PanicExpectation, TestExpectation};
use cairo_lang_test_plugin::{
    compile_test_prepared_db, TestCompilation, TestCompilationMetadata, TestConfig, TestsCompilationConfig,
};

use crate::db::{collecting_reporter, package_db, Diagnostics, Mode};
use crate::{Error, Package};

/// A compiled test suite: the package's `#[test]` functions, ready to run.
pub struct TestSuite {
    runner: Arc<SierraCasmRunner>,
    cases: Vec<TestCase>,
    warnings: Vec<String>,
}

/// One `#[test]` function.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Its full path (`session_account::tests::test_account::test_rotate_owner`).
    pub name: String,
    /// Whether it is marked `#[ignore]`.
    pub ignored: bool,
    config: TestConfig,
}

/// The result of running one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    /// It behaved as expected; with the gas it used, where known.
    Passed {
        /// Gas used (an estimate for tests without `#[available_gas]`).
        gas: Option<i64>,
    },
    /// It did not; the text says how.
    Failed(String),
}

impl TestSuite {
    /// Compiles the `#[test]` functions of `package` (with `cfg(test)`) and the contracts they may
    /// deploy.
    pub fn compile(package: &Package) -> Result<Self, Error> {
        let (db, main): (_, CrateInput) = package_db(package, Mode::Tests)?;
        let diagnostics = Mutex::new(Diagnostics::default());
        let config = TestsCompilationConfig {
            starknet: true,
            contract_declarations: None,
            contract_crate_ids: None,
            executable_crate_ids: None,
            add_statements_functions: false,
            add_statements_code_locations: false,
            add_functions_debug_info: false,
            replace_ids: false,
        };
        let compiled =
            compile_test_prepared_db(&db, config, vec![main.clone()], collecting_reporter(&main, &diagnostics));
        let diagnostics = diagnostics.into_inner().unwrap_or_else(|p| p.into_inner());
        let TestCompilation {
            sierra_program,
            metadata: TestCompilationMetadata { named_tests, function_set_costs, contracts_info, .. },
        } = match compiled {
            Ok(compiled) => compiled,
            Err(err) => return Err(diagnostics.into_error(err)),
        };
        let runner = SierraCasmRunner::new(
            sierra_program.program,
            Some(MetadataComputationConfig {
                function_set_costs,
                linear_gas_solver: true,
                linear_ap_change_solver: true,
                skip_non_linear_solver_comparisons: false,
                compute_runtime_costs: false,
            }),
            contracts_info,
            None,
        )
        .map_err(|e| Error::compile("test runner set-up", e))?;
        let mut cases: Vec<TestCase> =
            named_tests.into_iter().map(|(name, config)| TestCase { name, ignored: config.ignored, config }).collect();
        cases.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Self { runner: Arc::new(runner), cases, warnings: diagnostics.warnings })
    }

    /// The tests, sorted by name.
    pub fn cases(&self) -> &[TestCase] {
        &self.cases
    }

    /// The compiler's warnings, formatted as it prints them.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Runs one test (ignored or not) and judges it against its expectation.
    pub fn run(&self, case: &TestCase) -> TestOutcome {
        match self.execute(case) {
            Ok(outcome) => outcome,
            Err(message) => TestOutcome::Failed(format!("failed to run: {message}")),
        }
    }

    fn execute(&self, case: &TestCase) -> Result<TestOutcome, String> {
        let runner = &self.runner;
        let func = runner.find_function(&case.name).map_err(|e| e.to_string())?;
        let (mut hint_processor, context) = runner
            .prepare_starknet_context(func, vec![], case.config.available_gas, Default::default())
            .map_err(|e| e.to_string())?;
        let result = runner
            .run_function_with_prepared_starknet_context(func, &mut hint_processor, context)
            .map_err(|e| e.to_string())?;
        let gas = case
            .config
            .available_gas
            .zip(result.gas_counter.as_ref())
            .and_then(|(before, after)| {
                use num_traits::ToPrimitive;
                Some(i64::try_from(before).ok()? - after.to_bigint().to_i64()?)
            })
            .or_else(|| runner.initial_required_gas(func).and_then(|g| i64::try_from(g).ok()));
        Ok(match (result.value, &case.config.expectation) {
            (RunResultValue::Success(_), TestExpectation::Success) => TestOutcome::Passed { gas },
            (RunResultValue::Success(_), TestExpectation::Panics(_)) => {
                TestOutcome::Failed("expected a panic, but the test finished successfully".into())
            }
            (RunResultValue::Panic(values), TestExpectation::Success) => {
                TestOutcome::Failed(format!("panicked with {}", format_for_panic(values.into_iter())))
            }
            (RunResultValue::Panic(values), TestExpectation::Panics(expectation)) => match expectation {
                PanicExpectation::Exact(expected) if &values != expected => TestOutcome::Failed(format!(
                    "panicked with {}, but {} was expected",
                    format_for_panic(values.into_iter()),
                    format_for_panic(expected.iter().cloned()),
                )),
                _ => TestOutcome::Passed { gas },
            },
        })
    }
}
