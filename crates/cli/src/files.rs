//! Key files and JSON files.
//!
//! A **key file** holds one Stark private key as `0x`-prefixed hex on one line (64 hex digits,
//! then a newline), nothing else. `sk` writes key files with mode 0600 and never replaces one.
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context};
use starknet::core::types::Felt;
use starknet::signers::SigningKey;

/// Fails if `path` exists: key files are never overwritten.
pub fn ensure_new_key_file(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        bail!(
            "{} exists already; a key file is never overwritten (choose another path, or move the old key away yourself)",
            path.display()
        );
    }
    Ok(())
}

/// Writes `key` to a new file at `path`, readable by its owner only.
pub fn write_key(path: &Path, key: &SigningKey) -> anyhow::Result<()> {
    ensure_new_key_file(path)?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create the key file {}", path.display()))?;
    file.write_all(format!("{:#066x}\n", key.secret_scalar()).as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the key file {}", path.display()))
}

/// Reads the private key in the key file at `path`. Refuses a key file that users other than its
/// owner may read (any group or other permission bit), naming the `chmod` that fixes it: a key
/// others can read is a key others may hold.
pub fn read_key(path: &Path) -> anyhow::Result<SigningKey> {
    if let Ok(metadata) = std::fs::metadata(path) {
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            bail!(
                "the key file {} can be read or written by other users (mode {mode:o}), so it is not used; \
                 run `chmod 600 {}` if the key is still yours alone, else make a new key",
                path.display(),
                path.display()
            );
        }
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the key file {}", path.display()))?;
    let not_a_key = || {
        anyhow::anyhow!("{} is not a key file: it must hold one private key as hex (0x…) on one line", path.display())
    };
    let hex = text.trim();
    if hex.lines().count() != 1 || !(hex.starts_with("0x") || hex.starts_with("0X")) {
        return Err(not_a_key());
    }
    let secret = Felt::from_hex(hex).map_err(|_| not_a_key())?;
    if secret == Felt::ZERO {
        bail!("{} holds the key 0, which is not a private key", path.display());
    }
    Ok(SigningKey::from_secret_scalar(secret))
}

/// Fails if `path` exists and `force` is not set.
pub fn ensure_writable(path: &Path, force: bool) -> anyhow::Result<()> {
    if !force && path.exists() {
        bail!("{} exists already; pass --force to replace it", path.display());
    }
    Ok(())
}

/// Writes `text` (and a final newline) to `path`, refusing to replace a file unless `force`.
pub fn write_text(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    ensure_writable(path, force)?;
    std::fs::write(path, format!("{}\n", text.trim_end())).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a text file, naming it in the error.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}
