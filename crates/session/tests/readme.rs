//! The README's Rust code is this crate's examples, word for word: cargo builds the examples
//! (`cargo test` compiles them, clippy lints them) and the end-to-end tests run them on a devnet
//! (tests/e2e/examples.rs), so what a newcomer copies from the README compiles and works. Its
//! `Cargo.toml` lines are checked here against the workspace and what the examples use.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn readme() -> String {
    read(&manifest_dir().join("../../README.md"))
}

/// The fenced blocks of `markdown` whose info string is `language`, each without its fences.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) if info.trim() == language => current = Some(String::new()),
            (Some(block), Some("")) => {
                found.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "a ```{language} block of the README is not closed");
    found
}

/// The examples, by file name.
fn examples() -> Vec<(String, String)> {
    let dir = manifest_dir().join("examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), read(&path)))
        .collect();
    files.sort();
    files
}

#[test]
fn every_rust_block_of_the_readme_is_an_example_and_every_example_is_in_the_readme() {
    let readme = readme();
    let rust = blocks(&readme, "rust");
    assert!(!rust.is_empty(), "the README has no Rust code: did the fence change?");
    let examples = examples();
    for (index, block) in rust.iter().enumerate() {
        assert!(
            examples.iter().any(|(_, text)| text == block),
            "Rust block #{} of the README (starting `{}`) is not one of crates/session/examples/*.rs word for word: \
             change the example and copy it into the README",
            index + 1,
            block.lines().next().unwrap_or_default()
        );
    }
    for (name, text) in &examples {
        assert!(rust.contains(text), "crates/session/examples/{name} is not in the README word for word");
    }
}

#[test]
fn the_readme_s_dependencies_are_the_workspace_s_and_cover_what_the_examples_use() {
    let readme = readme();
    let manifests = blocks(&readme, "toml");
    assert_eq!(manifests.len(), 1, "the README should show one Cargo.toml excerpt, the SDK's dependencies");
    let manifest: toml::Table = manifests[0].parse().expect("the README's Cargo.toml lines parse");
    let dependencies = manifest["dependencies"].as_table().expect("a [dependencies] table");

    let workspace: toml::Table = read(&manifest_dir().join("../../Cargo.toml")).parse().unwrap();
    let pinned = &workspace["workspace"]["dependencies"];
    assert_eq!(
        dependencies["starknet"].as_str(),
        pinned["starknet"].as_str(),
        "the README's starknet version is not the one the SDK is built with"
    );
    let path = dependencies["sk-session"]["path"].as_str().expect("sk-session by path");
    assert!(path.ends_with("crates/session"), "sk-session's path should lead to crates/session: {path}");
    let features: BTreeSet<_> =
        dependencies["tokio"]["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for needed in ["macros", "rt-multi-thread"] {
        assert!(features.contains(needed), "the examples' #[tokio::main] needs tokio's `{needed}` feature");
    }

    // Every crate an example names is std or one of the README's dependencies.
    let named: BTreeSet<String> = dependencies.keys().map(|name| name.replace('-', "_")).collect();
    for (name, text) in examples() {
        for line in text.lines().filter_map(|line| line.trim_start().strip_prefix("use ")) {
            let root = line.split("::").next().unwrap().trim();
            assert!(
                root == "std" || named.contains(root),
                "examples/{name} uses `{root}`, which the README's dependencies do not list"
            );
        }
        for line in text.lines().filter(|line| line.contains("#[tokio::main]")) {
            assert!(named.contains("tokio"), "examples/{name}: {line} needs tokio");
        }
    }
}
