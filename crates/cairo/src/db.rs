//! The compiler database for a package: corelib, crate settings, plugins and `cfg`s.
use std::path::PathBuf;

use cairo_lang_compiler::db::{validate_corelib, RootDatabase};
use cairo_lang_compiler::diagnostics::DiagnosticsReporter;
use cairo_lang_compiler::project::{
    get_main_crate_ids_from_project, update_crate_roots_from_project_config, AllCratesConfig, ProjectConfig,
    ProjectConfigContent,
};
use cairo_lang_filesystem::cfg::{Cfg, CfgSet};
use cairo_lang_filesystem::db::{init_dev_corelib, CrateIdentifier, CrateSettings};
use cairo_lang_filesystem::ids::CrateInput;
use cairo_lang_starknet::starknet_plugin_suite;
use cairo_lang_test_plugin::test_plugin_suite;
use cairo_lang_utils::ordered_hash_map::OrderedHashMap;

use crate::{Error, Package};

/// The `src` folder of the Cairo corelib this crate compiles against: `SK_CAIRO_CORELIB` when set,
/// else the copy located by the build script (see `build.rs`).
pub fn corelib_dir() -> PathBuf {
    std::env::var_os("SK_CAIRO_CORELIB")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("SK_CAIRO_CORELIB_DIR")))
}

/// What the database is set up for.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    /// Contract classes, as `scarb build` (`cfg(target: "starknet-contract")`).
    Contracts,
    /// Unit tests, as `scarb test` with cairo-test (`cfg(test)`, `cfg(target: "test")`).
    Tests,
}

/// A database holding `package` as its only main crate, and that crate's input id.
pub(crate) fn package_db(package: &Package, mode: Mode) -> Result<(RootDatabase, CrateInput), Error> {
    let corelib = corelib_dir();
    if !corelib.join("lib.cairo").is_file() {
        return Err(Error::CorelibMissing(corelib));
    }
    let mut builder = RootDatabase::builder();
    builder.with_default_plugin_suite(starknet_plugin_suite());
    match mode {
        Mode::Contracts => {
            builder.with_cfg(CfgSet::from_iter([Cfg::kv("target", "starknet-contract")]));
        }
        Mode::Tests => {
            builder.with_cfg(CfgSet::from_iter([Cfg::name("test"), Cfg::kv("target", "test")]));
            builder.with_default_plugin_suite(test_plugin_suite());
        }
    }
    let mut db = builder.build().map_err(|e| Error::compile("compiler set-up", e))?;
    init_dev_corelib(&mut db, corelib);

    let identifier = CrateIdentifier::from(&package.name);
    let mut crate_roots = OrderedHashMap::default();
    crate_roots.insert(identifier.clone(), package.src_dir());
    let settings = CrateSettings {
        name: None,
        edition: package.edition,
        version: Some(package.version.clone()),
        cfg_set: None,
        dependencies: Default::default(),
        experimental_features: Default::default(),
    };
    let config = ProjectConfig {
        base_path: package.root.clone(),
        content: ProjectConfigContent {
            crate_roots,
            crates_config: AllCratesConfig { global: settings, override_map: Default::default() },
        },
    };
    update_crate_roots_from_project_config(&mut db, &config);
    validate_corelib(&db).map_err(|e| Error::compile("corelib", e))?;

    let main = get_main_crate_ids_from_project(&db, &config)
        .first()
        .map(|id| id.long(&db).clone().into_crate_input(&db))
        .ok_or_else(|| Error::compile("project set-up", "the package has no crate"))?;
    Ok((db, main))
}

/// A reporter that collects the package's diagnostics as the compiler formats them. Warnings do
/// not fail the build (as with scarb); they are returned to the caller to show.
pub(crate) fn collecting_reporter<'a>(
    main: &CrateInput,
    sink: &'a std::sync::Mutex<Diagnostics>,
) -> DiagnosticsReporter<'a> {
    DiagnosticsReporter::callback(move |entry| {
        let mut sink = sink.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let text = entry.message().trim_end().to_string();
        if text.is_empty() {
            return;
        }
        match entry.severity() {
            cairo_lang_diagnostics::Severity::Error => sink.errors.push(text),
            cairo_lang_diagnostics::Severity::Warning => sink.warnings.push(text),
        }
    })
    .with_crates(std::slice::from_ref(main))
    .allow_warnings()
}

/// Diagnostics gathered by [`collecting_reporter`].
#[derive(Default)]
pub(crate) struct Diagnostics {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

impl Diagnostics {
    /// The error to return when compilation stopped on diagnostics.
    pub fn into_error(self, fallback: impl std::fmt::Display) -> Error {
        if self.errors.is_empty() {
            Error::Diagnostics(fallback.to_string())
        } else {
            Error::Diagnostics(self.errors.join("\n\n"))
        }
    }
}
