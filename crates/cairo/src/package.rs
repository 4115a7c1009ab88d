use std::path::{Path, PathBuf};

use cairo_lang_filesystem::db::Edition;
use serde::Deserialize;

use crate::Error;

/// A Cairo package described by a `Scarb.toml`: the subset of scarb's manifest this tool honours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package (and crate) name, as in `[package] name`.
    pub name: String,
    /// The package version.
    pub version: semver::Version,
    /// The Cairo edition, as in `[package] edition` (scarb's default when absent).
    pub edition: Edition,
    /// The folder holding `Scarb.toml`.
    pub root: PathBuf,
}

#[derive(Deserialize)]
struct Manifest {
    package: ManifestPackage,
}

#[derive(Deserialize)]
struct ManifestPackage {
    name: String,
    version: String,
    #[serde(default)]
    edition: Option<Edition>,
}

impl Package {
    /// Reads the package whose `Scarb.toml` is in `dir`.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let root = dir.as_ref().to_path_buf();
        let path = root.join("Scarb.toml");
        let text =
            std::fs::read_to_string(&path).map_err(|source| Error::ReadManifest { path: path.clone(), source })?;
        let manifest: Manifest =
            toml::from_str(&text).map_err(|e| Error::InvalidManifest { path: path.clone(), message: e.to_string() })?;
        let ManifestPackage { name, version, edition } = manifest.package;
        let version = semver::Version::parse(&version).map_err(|e| Error::InvalidManifest {
            path: path.clone(),
            message: format!("version `{version}` is not a semantic version: {e}"),
        })?;
        // The compiler resolves crate roots against this folder: make it absolute.
        let root = root.canonicalize().map_err(|source| Error::ReadManifest { path, source })?;
        Ok(Self {
            name,
            version,
            // Scarb's default edition for a package that names none.
            edition: edition.unwrap_or(Edition::V2023_01),
            root,
        })
    }

    /// The crate root folder (`src/`, holding `lib.cairo`).
    pub fn src_dir(&self) -> PathBuf {
        self.root.join("src")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(tag: &str, text: &str) -> Result<Package, Error> {
        let dir = std::env::temp_dir().join(format!("sk-cairo-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Scarb.toml"), text).unwrap();
        let result = Package::load(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    #[test]
    fn reads_name_version_and_edition() {
        let package =
            manifest("ok", "[package]\nname = \"demo\"\nversion = \"0.2.0\"\nedition = \"2024_07\"\n").unwrap();
        assert_eq!(package.name, "demo");
        assert_eq!(package.version, semver::Version::new(0, 2, 0));
        assert_eq!(package.edition, Edition::V2024_07);
    }

    #[test]
    fn rejects_unknown_edition() {
        let err = manifest("bad-edition", "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"1999\"\n")
            .unwrap_err();
        assert!(matches!(err, Error::InvalidManifest { .. }), "{err}");
        assert!(err.to_string().contains("1999"), "{err}");
    }

    #[test]
    fn rejects_a_version_that_is_not_semver() {
        let err = manifest("bad-version", "[package]\nname = \"demo\"\nversion = \"one\"\n").unwrap_err();
        assert!(err.to_string().contains("version `one` is not a semantic version"), "{err}");
    }

    #[test]
    fn rejects_a_manifest_without_package() {
        let err = manifest("no-package", "[workspace]\nmembers = [\"contracts\"]\n").unwrap_err();
        assert!(matches!(err, Error::InvalidManifest { .. }), "{err}");
        assert!(err.to_string().contains("package"), "{err}");
    }

    #[test]
    fn missing_manifest_names_the_path() {
        let err = Package::load("/nonexistent/sk-cairo").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/sk-cairo/Scarb.toml"), "{err}");
    }
}
