//! `sk-cairo` on real packages: the project's contracts, and small packages written here.
use std::path::PathBuf;

use sk_cairo::{Error, Package, TestOutcome, TestSuite};

/// Found when the test runs (cargo sets the variable for it): a path compiled in would be
/// another checkout's if that checkout, sharing the target folder, built this binary last.
fn contracts_dir() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.join("../../contracts")
}

/// A package named `scratch` with `lib.cairo` as given, in a temporary folder.
fn scratch_package(lib: &str) -> (tempfile::TempDir, Package) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Scarb.toml"),
        "[package]\nname = \"scratch\"\nversion = \"0.1.0\"\nedition = \"2024_07\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/lib.cairo"), lib).unwrap();
    let package = Package::load(dir.path()).unwrap();
    (dir, package)
}

#[test]
fn builds_the_account_deterministically() {
    let package = Package::load(contracts_dir()).unwrap();
    let first = sk_cairo::build(&package).unwrap();
    let second = sk_cairo::build(&package).unwrap();
    let names: Vec<_> = first.contracts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["SessionKeyAccount", "TipJar"], "the account and the example tip jar");
    for (a, b) in first.contracts.iter().zip(&second.contracts) {
        assert_eq!(a.sierra_json, b.sierra_json);
        assert_eq!(a.casm_json, b.casm_json);
        assert_eq!(a.class_hash, b.class_hash);
        assert_eq!(a.compiled_class_hash, b.compiled_class_hash);
    }
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
}

#[test]
fn writes_artifacts_under_scarbs_names() {
    let package = Package::load(contracts_dir()).unwrap();
    let build = sk_cairo::build(&package).unwrap();
    let out = tempfile::tempdir().unwrap();
    let [sierra, casm] = build.contracts[0].write_to(out.path(), &package.name).unwrap();
    assert!(sierra.ends_with("session_account_SessionKeyAccount.contract_class.json"));
    assert!(casm.ends_with("session_account_SessionKeyAccount.compiled_contract_class.json"));
    let sierra: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(sierra).unwrap()).unwrap();
    assert!(sierra["abi"].is_array());
    assert!(sierra["entry_points_by_type"]["EXTERNAL"].is_array());
}

#[test]
fn broken_source_gives_a_diagnostic_with_file_and_line() {
    let (_dir, package) = scratch_package(
        "#[starknet::contract]\nmod C {\n    #[storage]\n    struct Storage {}\n    fn f() -> felt252 { undefined_name }\n}\n",
    );
    let err = sk_cairo::build(&package).unwrap_err();
    let Error::Diagnostics(text) = &err else { panic!("expected diagnostics, got {err:?}") };
    assert!(text.contains("undefined_name"), "{text}");
    assert!(text.contains("lib.cairo:5:"), "{text}");
}

#[test]
fn package_without_contracts_is_an_error() {
    let (_dir, package) = scratch_package("fn f() -> felt252 { 1 }\n");
    let err = sk_cairo::build(&package).unwrap_err();
    assert!(matches!(err, Error::NoContracts(ref name) if name == "scratch"), "{err:?}");
}

#[test]
fn test_suite_judges_each_test_against_its_expectation() {
    let (_dir, package) = scratch_package(
        r#"
#[cfg(test)]
mod tests {
    #[test]
    fn passes() { assert(1 + 1 == 2, 'math'); }

    #[test]
    fn fails() { assert(1 + 1 == 3, 'wrong sum'); }

    #[test]
    #[should_panic(expected: ('boom',))]
    fn panics_as_expected() { core::panic_with_felt252('boom'); }

    #[test]
    #[should_panic(expected: ('boom',))]
    fn panics_with_another_message() { core::panic_with_felt252('bang'); }

    #[test]
    #[should_panic]
    fn does_not_panic() {}

    #[test]
    #[ignore]
    fn ignored() { assert(false, 'never runs'); }
}
"#,
    );
    let suite = TestSuite::compile(&package).unwrap();
    let outcome = |name: &str| {
        let case = suite.cases().iter().find(|c| c.name.ends_with(name)).unwrap();
        (case.ignored, suite.run(case))
    };
    assert!(matches!(outcome("::passes"), (false, TestOutcome::Passed { .. })));
    assert!(matches!(outcome("::panics_as_expected"), (false, TestOutcome::Passed { .. })));
    let (_, fails) = outcome("::fails");
    assert!(matches!(&fails, TestOutcome::Failed(why) if why.contains("wrong sum")), "{fails:?}");
    let (_, other) = outcome("::panics_with_another_message");
    assert!(matches!(&other, TestOutcome::Failed(why) if why.contains("bang") && why.contains("boom")), "{other:?}");
    let (_, none) = outcome("::does_not_panic");
    assert!(matches!(&none, TestOutcome::Failed(why) if why.contains("expected a panic")), "{none:?}");
    assert!(outcome("::ignored").0);
    assert_eq!(suite.cases().len(), 6);
}

fn sk_cairo(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sk-cairo")).args(args).output().unwrap();
    (output.status.success(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn cli_test_prints_one_line_per_test_and_fails_on_a_failure() {
    let (dir, _) = scratch_package(
        "#[cfg(test)]\nmod tests {\n    #[test]\n    fn good() {}\n    #[test]\n    fn bad() { assert(false, 'nope'); }\n}\n",
    );
    let (ok, stdout, _) = sk_cairo(&["test".as_ref(), dir.path().as_os_str()]);
    assert!(!ok, "{stdout}");
    assert!(stdout.contains("test scratch::tests::good ... ok"), "{stdout}");
    assert!(stdout.contains("test scratch::tests::bad ... FAILED"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "1 passed, 1 failed, 0 skipped"), "{stdout}");
}

#[test]
fn cli_build_of_broken_source_prints_the_diagnostic_not_a_panic() {
    let (dir, _) = scratch_package("fn f() -> felt252 {\n    1 +\n}\n");
    let (ok, _, stderr) = sk_cairo(&["build".as_ref(), dir.path().as_os_str()]);
    assert!(!ok);
    assert!(stderr.contains("lib.cairo:3:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn cli_build_names_a_missing_manifest() {
    let (ok, _, stderr) = sk_cairo(&["build".as_ref(), "/nonexistent/pkg".as_ref()]);
    assert!(!ok);
    assert!(stderr.starts_with("Error: cannot read /nonexistent/pkg/Scarb.toml"), "{stderr}");
}

#[test]
fn cli_build_writes_artifacts_and_prints_hashes() {
    let out = tempfile::tempdir().unwrap();
    let (ok, stdout, stderr) =
        sk_cairo(&["build".as_ref(), contracts_dir().as_os_str(), "--out".as_ref(), out.path().as_os_str()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("session_account::account::SessionKeyAccount"), "{stdout}");
    assert!(stdout.contains("class hash:          0x"), "{stdout}");
    assert!(out.path().join("session_account_SessionKeyAccount.contract_class.json").is_file());
}
