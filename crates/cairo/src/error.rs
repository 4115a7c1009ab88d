use std::path::PathBuf;

/// Everything that can go wrong while building or testing a Cairo package.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The package manifest could not be read.
    #[error("cannot read {path}: {source}")]
    ReadManifest {
        /// The manifest's path.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The package manifest is not valid TOML or lacks a required field.
    #[error("invalid manifest {path}: {message}")]
    InvalidManifest {
        /// The manifest's path.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The Cairo corelib is not where it was expected.
    #[error("the Cairo corelib is missing at {0} (set SK_CAIRO_CORELIB to a corelib `src` folder)")]
    CorelibMissing(PathBuf),
    /// The sources do not compile; the text is the compiler's diagnostics.
    #[error("{0}\nerror: could not compile the Cairo package due to the diagnostics above")]
    Diagnostics(String),
    /// The package compiled but holds no `#[starknet::contract]`.
    #[error("no #[starknet::contract] found in package `{0}`")]
    NoContracts(String),
    /// A later compilation stage (Sierra to CASM, ABI, test runner set-up) failed.
    #[error("{stage}: {message}")]
    Compile {
        /// The stage that failed.
        stage: &'static str,
        /// The compiler's message.
        message: String,
    },
    /// A function of a compiled program could not be run (not found, or the VM failed).
    #[error("cannot run `{function}`: {message}")]
    Run {
        /// The function.
        function: String,
        /// The runner's message.
        message: String,
    },
    /// Writing an artifact failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The artifact's path.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn compile(stage: &'static str, err: impl std::fmt::Display) -> Self {
        Self::Compile { stage, message: err.to_string() }
    }
}
