//! Compiles `contracts/` with `sk-cairo` and generates cainome bindings, on every build where the
//! Cairo sources changed. Nothing compiled is committed, so artifacts cannot drift from sources.
//! Also turns `contracts/src/errors.cairo` into Rust constants (`errors.rs`), so the contract's
//! error codes are written once.
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cainome::rs::{Abigen, ExecutionVersion};

// The parser of errors.cairo is a file of `src/` so that the crate's unit tests can feed it bad
// input; the build script includes the same file.
#[path = "src/error_codes.rs"]
mod error_codes;

use error_codes::{parse_errors, ErrorCode};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let package_dir = manifest_dir.join("../../contracts");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    // Relative, so cargo resolves it against whichever checkout it is building (absolute paths
    // would point another checkout sharing the target folder at this one's sources).
    println!("cargo:rerun-if-changed=../../contracts");
    println!("cargo:rerun-if-env-changed=SK_CAIRO_CORELIB");

    let errors_file = package_dir.join("src/errors.cairo");
    let errors_file = std::fs::canonicalize(&errors_file).unwrap_or(errors_file);
    let generated = generate_errors(&errors_file, &out_dir).and_then(|()| generate(&package_dir, &out_dir));
    if let Err(message) = generated {
        // Print the compiler's diagnostics as they are (file:line: message) and fail the build
        // without a Rust panic.
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn generate(package_dir: &Path, out_dir: &Path) -> Result<(), String> {
    let package = sk_cairo::Package::load(package_dir).map_err(|e| e.to_string())?;
    let build = sk_cairo::build(&package).map_err(|e| e.to_string())?;
    for warning in &build.warnings {
        for line in warning.lines() {
            println!("cargo:warning={line}");
        }
    }

    let mut artifacts = String::new();
    let mut constants = Vec::new();
    let mut bindings = String::new();
    for contract in &build.contracts {
        let [sierra, casm] = contract.write_to(out_dir, &package.name).map_err(|e| e.to_string())?;
        let constant = screaming_snake(&contract.name);
        constants.push(constant.clone());
        writeln!(
            artifacts,
            "/// `{path}`, compiled from `contracts/`.\n\
             pub const {constant}: ContractArtifact = ContractArtifact {{\n    \
                 name: {name:?},\n    \
                 sierra_json: include_str!({sierra:?}),\n    \
                 casm_json: include_str!({casm:?}),\n    \
                 class_hash: Felt::from_hex_unchecked(\"{class_hash:#066x}\"),\n    \
                 compiled_class_hash: Felt::from_hex_unchecked(\"{compiled_class_hash:#066x}\"),\n\
             }};",
            path = contract.path,
            name = contract.name,
            class_hash = contract.class_hash,
            compiled_class_hash = contract.compiled_class_hash,
        )
        .expect("writing to a String");

        let abigen = Abigen::new(&contract.name, &sierra.display().to_string())
            .with_execution_version(ExecutionVersion::V3)
            .with_types_aliases(component_event_aliases(&contract.abi_json)?)
            .with_derives(vec![
                "Debug".into(),
                "PartialEq".into(),
                "Clone".into(),
                // cainome writes serde attributes on u128 fields, which need the derives.
                "serde::Serialize".into(),
                "serde::Deserialize".into(),
            ])
            .with_contract_derives(vec!["Debug".into(), "Clone".into()]);
        let generated = abigen.generate().map_err(|e| format!("cainome: {e:#}"))?;
        // One module per contract (`session_key_account`, `tip_jar`): each has its own `Event`.
        let module = constant.to_ascii_lowercase();
        writeln!(bindings, "/// `{}`'s bindings.\npub mod {module} {{ {generated} }}", contract.name)
            .expect("writing to a String");
    }
    writeln!(
        artifacts,
        "/// Every contract of the package.\npub const ALL: &[ContractArtifact] = &[{}];",
        constants.join(", ")
    )
    .expect("writing to a String");
    let write =
        |name: &str, text: &str| std::fs::write(out_dir.join(name), text).map_err(|e| format!("writing {name}: {e}"));
    write("artifacts.rs", &artifacts)?;
    write("bindings.rs", &bindings)
}

/// Writes `errors.rs`: a `&str` constant per error code of errors.cairo, and `ALL`, every code in
/// file order.
fn generate_errors(errors_file: &Path, out_dir: &Path) -> Result<(), String> {
    let file = errors_file.display().to_string();
    let source = std::fs::read_to_string(errors_file)
        .map_err(|e| format!("{file}: cannot read the contract's error codes: {e}"))?;
    let codes = parse_errors(&file, &source)?;
    let mut out =
        String::from("// Generated by crates/contracts/build.rs from contracts/src/errors.cairo. Do not edit.\n\n");
    for ErrorCode { name, code, doc, .. } in &codes {
        for line in doc {
            writeln!(out, "///{line}").expect("writing to a String");
        }
        if !doc.is_empty() {
            out.push_str("///\n");
        }
        writeln!(out, "/// The contract error `'{code}'`.\npub const {name}: &str = {code:?};")
            .expect("writing to a String");
    }
    let names: Vec<&str> = codes.iter().map(|c| c.name.as_str()).collect();
    writeln!(
        out,
        "\n/// Every error code of the contract, in the order of contracts/src/errors.cairo.\n\
         pub const ALL: &[&str] = &[{}];",
        names.join(", ")
    )
    .expect("writing to a String");
    std::fs::write(out_dir.join("errors.rs"), out).map_err(|e| format!("writing errors.rs: {e}"))
}

/// cainome names each type after the last segment of its Cairo path, so the `Event` enums of the
/// contract and of every embedded component would all become `Event`. Component events are
/// renamed after their component: `…::SessionComponent::Event` becomes `SessionComponentEvent`.
fn component_event_aliases(abi_json: &str) -> Result<HashMap<String, String>, String> {
    let abi: Vec<serde_json::Value> = serde_json::from_str(abi_json).map_err(|e| format!("reading the ABI: {e}"))?;
    Ok(abi
        .iter()
        .filter(|item| item["type"] == "event" && item["kind"] == "enum")
        .filter_map(|item| item["name"].as_str())
        .filter_map(|path| {
            let owner = path.strip_suffix("::Event")?.rsplit("::").next()?;
            owner.ends_with("Component").then(|| (path.to_string(), format!("{owner}Event")))
        })
        .collect())
}

fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
