//! Contract classes: Cairo sources → Sierra contract class → CASM, with their hashes.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use cairo_lang_compiler::CompilerConfig;
use cairo_lang_defs::ids::TopLevelLanguageElementId;
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_starknet::compile::compile_prepared_db;
use cairo_lang_starknet::contract::find_contracts;
use cairo_lang_starknet_classes::casm_contract_class::CasmContractClass;
use cairo_lang_starknet_classes::contract_class::ContractClass;
use starknet::core::types::contract::SierraClass;
use starknet::core::types::Felt;

use crate::db::{collecting_reporter, package_db, Diagnostics, Mode};
use crate::{Error, Package};

/// The largest CASM bytecode accepted, as on Starknet mainnet.
const MAX_BYTECODE_SIZE: usize = 81_290;

/// One compiled `#[starknet::contract]`.
#[derive(Debug, Clone)]
pub struct CompiledContract {
    /// The contract module's name (`SessionKeyAccount`).
    pub name: String,
    /// The contract module's full path (`session_account::account::SessionKeyAccount`).
    pub path: String,
    /// The Sierra contract class, as JSON (scarb's `<package>_<name>.contract_class.json`).
    pub sierra_json: String,
    /// The CASM compiled class, as JSON (scarb's `<package>_<name>.compiled_contract_class.json`).
    pub casm_json: String,
    /// The ABI alone, as JSON.
    pub abi_json: String,
    /// The class hash a node computes for the Sierra class.
    pub class_hash: Felt,
    /// The compiled class hash (Blake2s, as Starknet 0.14 checks on declare).
    pub compiled_class_hash: Felt,
}

/// The result of [`build`]: the contracts and the compiler's warnings.
#[derive(Debug, Clone)]
pub struct Build {
    /// Every contract of the package, sorted by module path.
    pub contracts: Vec<CompiledContract>,
    /// Warnings, formatted as the compiler prints them.
    pub warnings: Vec<String>,
}

/// Compiles every `#[starknet::contract]` of `package` (outside `cfg(test)` code).
pub fn build(package: &Package) -> Result<Build, Error> {
    let (db, main): (_, CrateInput) = package_db(package, Mode::Contracts)?;
    let diagnostics = Mutex::new(Diagnostics::default());
    let crate_ids = CrateInput::into_crate_ids(&db, vec![main.clone()]);
    let mut declarations = find_contracts(&db, &crate_ids);
    declarations.sort_by_cached_key(|c| c.submodule_id.full_path(&db));
    let paths: Vec<String> = declarations.iter().map(|c| c.submodule_id.full_path(&db)).collect();

    let config = CompilerConfig {
        diagnostics_reporter: collecting_reporter(&main, &diagnostics),
        replace_ids: false,
        ..CompilerConfig::default()
    };
    let classes = compile_prepared_db(&db, &declarations.iter().collect::<Vec<_>>(), config);
    let diagnostics = diagnostics.into_inner().unwrap_or_else(|p| p.into_inner());
    let classes = match classes {
        Ok(classes) => classes,
        Err(err) => return Err(diagnostics.into_error(err)),
    };
    if classes.is_empty() {
        return Err(Error::NoContracts(package.name.clone()));
    }
    let contracts =
        paths.into_iter().zip(classes).map(|(path, class)| compile_class(path, class)).collect::<Result<_, _>>()?;
    Ok(Build { contracts, warnings: diagnostics.warnings })
}

fn compile_class(path: String, class: ContractClass) -> Result<CompiledContract, Error> {
    let name = path.rsplit("::").next().unwrap_or(&path).to_string();
    let sierra_json = serde_json::to_string_pretty(&class).map_err(|e| Error::compile("Sierra JSON", e))?;
    let abi_json = serde_json::to_string_pretty(&class.abi).map_err(|e| Error::compile("ABI", e))?;
    let extracted = class.extract_sierra_program(false).map_err(|e| Error::compile("Sierra program", e))?;
    let casm = CasmContractClass::from_contract_class(class, extracted, false, MAX_BYTECODE_SIZE)
        .map_err(|e| Error::compile("Sierra to CASM", e))?;
    let compiled_class_hash = casm.compiled_class_hash();
    let casm_json = serde_json::to_string_pretty(&casm).map_err(|e| Error::compile("CASM JSON", e))?;
    // The Sierra class hash is starknet-rs's: the same code that hashes classes on declare.
    let class_hash = serde_json::from_str::<SierraClass>(&sierra_json)
        .map_err(|e| Error::compile("class hash", e))?
        .class_hash()
        .map_err(|e| Error::compile("class hash", e))?;
    Ok(CompiledContract { name, path, sierra_json, casm_json, abi_json, class_hash, compiled_class_hash })
}

impl CompiledContract {
    /// Writes the Sierra and CASM JSON into `dir` under scarb's artifact names for `package`,
    /// returning the two paths.
    pub fn write_to(&self, dir: &Path, package: &str) -> Result<[PathBuf; 2], Error> {
        let write = |suffix: &str, text: &str| {
            let path = dir.join(format!("{package}_{}.{suffix}", self.name));
            std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&path, text))
                .map(|()| path.clone())
                .map_err(|source| Error::Write { path, source })
        };
        Ok([write("contract_class.json", &self.sierra_json)?, write("compiled_contract_class.json", &self.casm_json)?])
    }
}
