//! Locates the Cairo corelib that matches the pinned compiler (cairo-lang 2.17.0).
//!
//! The corelib is not published as a crate of its own; the complete copy matching 2.17 ships in the
//! sources of the `cairo-native` package, which this crate declares under `cfg(any())` so cargo
//! locks it but never builds it. Cargo does not unpack a package it will not build, so we ask
//! `cargo metadata` (which unpacks every locked package) where its sources are and hand the
//! `corelib/src` path to the library as `SK_CAIRO_CORELIB_DIR`.
use std::path::PathBuf;
use std::process::Command;

const CORELIB_PACKAGE: &str = "cairo-native";
const CORELIB_VERSION: &str = "0.9.0-rc.5";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.toml");
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest_dir.join("Cargo.toml"))
        .output()
        .unwrap_or_else(|e| panic!("could not run `{cargo} metadata`: {e}"));
    if !output.status.success() {
        panic!(
            "`cargo metadata` failed while locating the Cairo corelib:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("`cargo metadata` prints JSON");
    let manifest = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == CORELIB_PACKAGE && p["version"] == CORELIB_VERSION)
        .and_then(|p| p["manifest_path"].as_str())
        .unwrap_or_else(|| panic!("{CORELIB_PACKAGE} {CORELIB_VERSION} is not in the lockfile"));
    let corelib = PathBuf::from(manifest).parent().expect("a manifest path has a parent").join("corelib").join("src");
    assert!(
        corelib.join("lib.cairo").is_file(),
        "the Cairo corelib was expected at {}, but it is not there",
        corelib.display()
    );
    // Locate it again if cargo's cache loses it (the library would otherwise point nowhere).
    println!("cargo:rerun-if-changed={}", corelib.join("lib.cairo").display());
    println!("cargo:rustc-env=SK_CAIRO_CORELIB_DIR={}", corelib.display());
}
