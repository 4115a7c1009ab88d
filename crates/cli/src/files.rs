//! Key files and JSON files.
//!
//! A **key file** holds one Stark private key as `0x`-prefixed hex on one line (64 hex digits,
//! then a newline), nothing else. `sk` writes key files with mode 0600 and never replaces one.
//! Other files are written to a temporary file beside their path and then moved into place, so a
//! failed write leaves nothing half-written, and a symbolic link at the path (even one to nowhere)
//! counts as a file there: it is replaced only with `--force`, and never written through.
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use starknet::signers::SigningKey;

/// Whether anything is at `path`: a file, a directory, or a symbolic link, even a dangling one
/// (`Path::exists` follows links, and says no for a link to nowhere).
fn occupied(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Fails if `path` exists: key files are never overwritten.
pub fn ensure_new_key_file(path: &Path) -> anyhow::Result<()> {
    if occupied(path) {
        bail!(
            "{} exists already (a file or a link); a key file is never overwritten (choose another path, or move \
             the old key away yourself)",
            path.display()
        );
    }
    Ok(())
}

/// Writes `key` to a new file at `path`, readable by its owner only.
pub fn write_key(path: &Path, key: &SigningKey) -> anyhow::Result<()> {
    ensure_new_key_file(path)?;
    // `create_new` (O_EXCL) follows no link: a link put at `path` meanwhile makes it fail.
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
/// others can read is a key others may hold. The key must be a number from 1 to n - 1, n the
/// curve's order (`sk_session::signing_key`).
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
    let not_a_key = |why: String| {
        anyhow::anyhow!(
            "{} is not a key file: it must hold one private key as hex (0x…) on one line; {why}",
            path.display()
        )
    };
    let hex = text.trim();
    if hex.lines().count() > 1 {
        return Err(not_a_key("it has more than one line".into()));
    }
    let secret = sk_session::parse_felt_hex(hex).map_err(|why| not_a_key(format!("its line is not a felt: {why}")))?;
    sk_session::signing_key(secret).map_err(|err| anyhow::anyhow!("{} holds no usable key: {err}", path.display()))
}

/// Fails if something is at `path` (a dangling link included) and `force` is not set.
pub fn ensure_writable(path: &Path, force: bool) -> anyhow::Result<()> {
    if !force && occupied(path) {
        bail!("{} exists already; pass --force to replace it", path.display());
    }
    Ok(())
}

/// A file written to a temporary file beside its path, to be moved there by [`Staged::commit`]
/// (or deleted, if dropped first).
pub struct Staged {
    file: tempfile::NamedTempFile,
    path: PathBuf,
    force: bool,
}

/// Writes `text` (and a final newline) to a temporary file beside `path`, refusing now if
/// something is at `path` and `force` is not set.
pub fn stage(path: &Path, text: &str, force: bool) -> anyhow::Result<Staged> {
    ensure_writable(path, force)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(format!("{}\n", text.trim_end()).as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Staged { file, path: path.to_path_buf(), force })
}

impl Staged {
    /// Moves the file to its path: without `force`, only if nothing is there (a link to nowhere
    /// included); with it, replacing whatever is there (a link itself, not its target).
    pub fn commit(self) -> anyhow::Result<PathBuf> {
        let Staged { file, path, force } = self;
        let result = if force { file.persist(&path).map(drop) } else { file.persist_noclobber(&path).map(drop) };
        result.map_err(|err| match err.error.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} exists already; pass --force to replace it", path.display())
            }
            _ => anyhow::Error::new(err.error).context(format!("cannot write {}", path.display())),
        })?;
        Ok(path)
    }
}

/// Writes `text` (and a final newline) to `path`, refusing to replace a file unless `force`.
pub fn write_text(path: &Path, text: &str, force: bool) -> anyhow::Result<()> {
    stage(path, text, force)?.commit().map(drop)
}

/// Reads a text file, naming it in the error.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #23, item 11: `--out` onto a dangling symbolic link wrote through it.
    #[test]
    fn a_dangling_link_is_not_written_through_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.json");
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = write_text(&link, "{}", false).unwrap_err().to_string();
        assert!(err.contains("exists already; pass --force"), "{err}");
        assert!(!target.exists(), "nothing was written through the link");
        write_text(&link, "{}", true).unwrap();
        assert!(!target.exists(), "--force replaces the link itself");
        assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "{}\n");
        let key = dir.path().join("key");
        std::os::unix::fs::symlink(&target, &key).unwrap();
        let err = write_key(&key, &SigningKey::from_random()).unwrap_err().to_string();
        assert!(err.contains("is never overwritten"), "{err}");
        assert!(!target.exists());
    }

    /// Issue #23, item 8: a key file holding the curve order panicked `sk session sign`.
    #[test]
    fn keys_outside_1_to_n_minus_1_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            path
        };
        let order = format!("{:#066x}\n", sk_session::CURVE_ORDER);
        for (name, text, says) in [
            ("order", order.as_str(), "holds no usable key"),
            ("zero", "0x0\n", "holds no usable key"),
            (
                "prime",
                "0x800000000000011000000000000000000000000000000000000000000000001\n",
                "not below the field prime",
            ),
            ("decimal", "12345\n", "not 0x-prefixed hex"),
            ("two", "0x1\n0x2\n", "more than one line"),
            ("empty", "\n", "is empty"),
        ] {
            let err = read_key(&write(name, text)).unwrap_err().to_string();
            assert!(err.contains(says), "{name}: {err}");
        }
        let last = format!("{:#066x}\n", sk_session::CURVE_ORDER - starknet::core::types::Felt::ONE);
        read_key(&write("last", &last)).unwrap();
    }
}
