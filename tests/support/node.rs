//! Node.js for the suites that run JavaScript: the starknet.js cross-check and the TypeScript
//! package. `npm ci` installs a folder's pinned packages when its lock file changed since the last
//! install (a stamp in `node_modules` records which lock was installed), so a fresh clone installs
//! them on first use and later runs start at once. Node.js and npm must be on the PATH.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The stamp `npm_ci` writes in `node_modules`: the lock file it installed.
const STAMP: &str = "node_modules/.sk-installed-lock.json";

/// Installs `dir`'s packages with `npm ci` unless the lock file installed last is the current one.
pub fn npm_ci(dir: &Path) {
    // Tests of one binary run in parallel: one installs, the others then find the stamp.
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let lock = std::fs::read(dir.join("package-lock.json"))
        .unwrap_or_else(|e| panic!("{} has no package-lock.json: {e}", dir.display()));
    if std::fs::read(dir.join(STAMP)).is_ok_and(|installed| installed == lock) {
        return;
    }
    eprintln!("installing the packages of {} (npm ci)", dir.display());
    let output = run(dir, "npm", &["ci", "--no-audit", "--no-fund"], None);
    check(dir, "npm ci", &output);
    std::fs::write(dir.join(STAMP), lock).unwrap_or_else(|e| panic!("writing {STAMP} in {}: {e}", dir.display()));
}

/// Runs `program args` in `dir`, with `stdin` written to it if given, and returns its output.
pub fn run(dir: &Path, program: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_with_env(dir, program, args, stdin, &[])
}

/// [`run`] with environment variables `env` set for the program.
pub fn run_with_env(dir: &Path, program: &str, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}` ({e}): these tests run JavaScript, so Node.js and npm must be on the PATH")
        });
    if let Some(input) = stdin {
        // The scripts read all of stdin before they write, so writing first cannot deadlock.
        child.stdin.take().expect("stdin is piped").write_all(input).expect("the script reads its input");
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("`{program}` did not finish: {e}"))
}

/// Panics with the output of `what` unless it succeeded.
pub fn check(dir: &Path, what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "`{what}` failed ({}) in {}:\n{}\n{}",
        output.status,
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
