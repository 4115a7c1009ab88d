//! A package's free functions, compiled once and called many times with felt arguments: how the
//! differential tests run the contract's own Cairo functions on inputs the Rust side chose.
//!
//! `cairo-lang-runner` can run any function of a Sierra program; what it lacks is a way to call
//! one by name with a felt array and get the felt array it returns (or its panic) back, which
//! this module adds. The package is compiled with `cfg(test)`, like [`crate::TestSuite`], so the
//! functions may live in its test modules.
use std::sync::Mutex;

use cairo_lang_compiler::get_sierra_program_for_functions;
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_runner::{Arg, RunResultValue, SierraCasmRunner, StarknetState};
use cairo_lang_sierra_generator::program_generator::find_all_free_function_ids;
use cairo_lang_sierra_generator::replace_ids::replace_sierra_ids_in_program;
use cairo_lang_sierra_to_casm::metadata::MetadataComputationConfig;
// cairo-lang-runner's felt is starknet-rs's: both are starknet-types-core's `Felt`.
use starknet::core::types::Felt;

use crate::db::{collecting_reporter, package_db, Diagnostics, Mode};
use crate::{Error, Package};

/// Gas for each call: far beyond what any function of the contracts needs, so a call never stops
/// for gas unless it loops without end.
const CALL_GAS: usize = 1 << 40;

/// A package compiled as a Sierra program, every non-generic free function callable.
pub struct Program {
    runner: SierraCasmRunner,
}

/// What a call returned: the felts of the `Array<felt252>` it returned, or the panic's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallResult {
    /// It returned these felts.
    Returned(Vec<Felt>),
    /// It panicked with this data (a contract error is one shortstring felt).
    Panicked(Vec<Felt>),
}

impl Program {
    /// Compiles the free functions of `package` (with `cfg(test)`) whose path contains `module`
    /// (`::tests::differential::`), and what they call: only those, so that each call assembles
    /// a small program, not every test of the package.
    pub fn compile(package: &Package, module: &str) -> Result<Self, Error> {
        let (db, main): (_, CrateInput) = package_db(package, Mode::Tests)?;
        let diagnostics = Mutex::new(Diagnostics::default());
        let checked = collecting_reporter(&main, &diagnostics).ensure(&db);
        let diagnostics = diagnostics.into_inner().unwrap_or_else(|p| p.into_inner());
        if let Err(err) = checked {
            return Err(diagnostics.into_error(err));
        }
        let crate_ids = CrateInput::into_crate_ids(&db, vec![main]);
        let functions: Vec<_> = find_all_free_function_ids(&db, crate_ids)
            .map_err(|_| Error::Diagnostics("the package's functions could not be listed".into()))?
            .into_iter()
            .filter(|function| function.full_path(&db).contains(module))
            .collect();
        if functions.is_empty() {
            return Err(Error::Run { function: module.to_string(), message: "no free function has this path".into() });
        }
        let program = get_sierra_program_for_functions(&db, functions).map_err(|err| diagnostics.into_error(err))?;
        let program = replace_sierra_ids_in_program(&db, &program.program);
        let runner =
            SierraCasmRunner::new(program, Some(MetadataComputationConfig::default()), Default::default(), None)
                .map_err(|e| Error::compile("runner set-up", e))?;
        Ok(Self { runner })
    }

    /// Calls `function` (a path suffix: `differential::session_hash`), which takes one
    /// `Array<felt252>` and returns one, with `input`.
    pub fn call(&self, function: &str, input: &[Felt]) -> Result<CallResult, Error> {
        let run_error = |e: String| Error::Run { function: function.to_string(), message: e };
        let func = self.runner.find_function(function).map_err(|e| run_error(e.to_string()))?;
        let args = vec![Arg::Array(input.iter().map(|felt| Arg::Value(*felt)).collect())];
        let result = self
            .runner
            .run_function_with_starknet_context(func, args, Some(CALL_GAS), StarknetState::default())
            .map_err(|e| run_error(e.to_string()))?;
        match result.value {
            RunResultValue::Panic(data) => Ok(CallResult::Panicked(data)),
            RunResultValue::Success(values) => {
                // An `Array<felt252>` comes back as its start and end addresses in memory.
                let [start, end] = values.as_slice() else {
                    return Err(run_error(format!("returned {} values, not an array", values.len())));
                };
                let address = |felt: &Felt| {
                    usize::try_from(felt.to_biguint()).map_err(|_| run_error("an array address out of range".into()))
                };
                let (start, end) = (address(start)?, address(end)?);
                let cells = result.memory.get(start..end).ok_or_else(|| run_error("an array out of memory".into()))?;
                cells
                    .iter()
                    .map(|cell| cell.ok_or_else(|| run_error("an array cell unset".into())))
                    .collect::<Result<_, _>>()
                    .map(CallResult::Returned)
            }
        }
    }
}
