//! `@argent/x-sessions` 9.0.4 with starknet.js 8.5.2, run by Node.js: the JavaScript side of the
//! off-chain benchmark, and Argent's published session vector as x-sessions computes it.
//!
//! The package (`crates/bench/js/`: `package.json` with exact pins, a lockfile naming no registry
//! host, the scripts) is compiled into the binary and written to a cache folder named after its
//! content, where `npm ci` installs it once. So `sk bench` runs from any folder, and a binary
//! built by another checkout never reads this checkout's files.
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::error::Error;
use crate::Progress;

/// The package's files, by name.
const FILES: [(&str, &str); 5] = [
    ("package.json", include_str!("../js/package.json")),
    ("package-lock.json", include_str!("../js/package-lock.json")),
    (".npmrc", include_str!("../js/.npmrc")),
    ("offchain.mjs", include_str!("../js/offchain.mjs")),
    ("vector.mjs", include_str!("../js/vector.mjs")),
];

/// Written once `npm ci` has succeeded.
const INSTALLED_MARKER: &str = ".sk-installed";

/// An installed copy of the x-sessions package.
#[derive(Debug, Clone)]
pub struct XSessions {
    dir: PathBuf,
}

impl XSessions {
    /// Writes the package to its cache folder (`$SK_BENCH_JS_DIR`, else
    /// `$XDG_CACHE_HOME/sk/x-sessions-<content hash>`, else under `~/.cache`) and runs `npm ci`
    /// there unless a previous run did.
    pub fn install(progress: Progress<'_>) -> Result<Self, Error> {
        let dir = match std::env::var_os("SK_BENCH_JS_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => cache_root().join(format!("x-sessions-{:016x}", content_hash())),
        };
        std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let mut changed = false;
        for (name, content) in FILES {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(content) {
                std::fs::write(&path, content).map_err(Error::io(&path))?;
                changed = true;
            }
        }
        let marker = dir.join(INSTALLED_MARKER);
        if changed || !marker.exists() {
            progress(&format!(
                "installing @argent/x-sessions 9.0.4 and starknet.js 8.5.2 in {} (npm ci)",
                dir.display()
            ));
            npm(&dir, &["ci", "--no-audit", "--no-fund"])?;
            std::fs::write(&marker, "").map_err(Error::io(&marker))?;
        }
        Ok(Self { dir })
    }

    /// Where the package is installed.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs `offchain.mjs` on `input` (see the script for the fields) and returns its JSON; the
    /// script's `progress: …` lines go to `progress` as they come.
    pub fn offchain(&self, input: &Value, progress: Progress<'_>) -> Result<Value, Error> {
        let path = self.dir.join("input.json");
        std::fs::write(&path, input.to_string()).map_err(Error::io(&path))?;
        self.node(&["offchain.mjs", "input.json"], progress)
    }

    /// Runs `vector.mjs`: x-sessions' results on Argent's published session vector.
    pub fn vector(&self) -> Result<Value, Error> {
        self.node(&["vector.mjs"], &|_| {})
    }

    fn node(&self, args: &[&str], progress: Progress<'_>) -> Result<Value, Error> {
        let what = format!("`node {}`", args.join(" "));
        let mut child = Command::new("node")
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| missing_tool("node", &e))?;
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        // stdout is read on a thread of its own while stderr is read here, so neither pipe fills.
        let (stdout, errors) = std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut text = Vec::new();
                if let Some(mut stdout) = stdout {
                    let _ = stdout.read_to_end(&mut text);
                }
                text
            });
            let mut errors = Vec::new();
            // Read to the end whatever the bytes, so node never writes into a closed pipe.
            for line in stderr.map(BufReader::new).into_iter().flat_map(|r| r.split(b'\n').map_while(Result::ok)) {
                let line = String::from_utf8_lossy(&line);
                match line.strip_prefix("progress: ") {
                    Some(step) => progress(&format!("x-sessions: {step}")),
                    None if !line.trim().is_empty() => errors.push(line.into_owned()),
                    None => {}
                }
            }
            (reader.join(), errors)
        });
        let stdout = stdout.map_err(|_| Error::Js(format!("reading the output of {what} failed")))?;
        let status = child.wait().map_err(|e| Error::Js(format!("{what}: {e}")))?;
        if !status.success() {
            let last = errors[errors.len().saturating_sub(8)..].join("\n");
            return Err(Error::Js(format!("{what} failed ({status}): {last}")));
        }
        serde_json::from_slice(&stdout)
            .map_err(|e| Error::Js(format!("{what} printed something that is not JSON: {e}")))
    }
}

fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("sk");
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".cache").join("sk"),
        None => std::env::temp_dir().join("sk-cache"),
    }
}

/// FNV-1a over the package's files: a new folder whenever they change.
fn content_hash() -> u64 {
    FILES
        .iter()
        .flat_map(|(name, content)| name.bytes().chain(content.bytes()))
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Our TypeScript package (`packages/session-keys` of the checkout this binary was built from,
/// or `$SK_SESSION_KEYS_DIR`), installed (`npm ci`, once per lock file) and built (`npm run
/// build`): the path of its `dist/index.js`, which `offchain.mjs` loads beside x-sessions.
pub fn session_keys_module(progress: Progress<'_>) -> Result<PathBuf, Error> {
    let dir = match std::env::var_os("SK_SESSION_KEYS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packages/session-keys"),
    };
    let lock = std::fs::read(dir.join("package-lock.json")).map_err(|e| {
        Error::Js(format!(
            "our TypeScript package is not at {} ({e}): `sk bench` runs it from the checkout it was built from; \
             set SK_SESSION_KEYS_DIR to a packages/session-keys folder",
            dir.display()
        ))
    })?;
    let stamp = dir.join("node_modules/.sk-installed-lock.json");
    if std::fs::read(&stamp).ok().as_deref() != Some(lock.as_slice()) {
        progress(&format!("installing our TypeScript package's dependencies in {} (npm ci)", dir.display()));
        npm(&dir, &["ci", "--no-audit", "--no-fund"])?;
        std::fs::write(&stamp, &lock).map_err(Error::io(&stamp))?;
    }
    progress("building our TypeScript package (npm run build)");
    npm(&dir, &["run", "build"])?;
    Ok(dir.join("dist/index.js"))
}

/// Runs `npm args` in `dir`; its failure names the command, the folder and npm's last lines.
fn npm(dir: &Path, args: &[&str]) -> Result<(), Error> {
    let output = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing_tool("npm", &e))?;
    if !output.status.success() {
        return Err(Error::Js(format!(
            "`npm {}` failed in {} ({}): {}",
            args.join(" "),
            dir.display(),
            output.status,
            last_lines(&output.stderr)
        )));
    }
    Ok(())
}

fn missing_tool(tool: &str, error: &std::io::Error) -> Error {
    Error::Js(format!(
        "cannot run `{tool}` ({error}): the x-sessions side of the benchmark needs Node.js and npm on the PATH"
    ))
}

fn last_lines(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}
