//! `sk account new-key`: a random owner (or any) key in a new key file.
use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use starknet::signers::SigningKey;

use crate::files;
use crate::output::{hex, print_json};

/// Generate a random Stark private key and write it to a new key file (hex on one line, mode
/// 0600); print its public key.
#[derive(Args)]
pub struct NewKey {
    /// The key file to create; an existing file is never overwritten.
    #[arg(long)]
    out: PathBuf,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
}

impl NewKey {
    pub fn run(self) -> anyhow::Result<()> {
        let key = SigningKey::from_random();
        files::write_key(&self.out, &key)?;
        let public_key = hex(key.verifying_key().scalar());
        if self.json {
            print_json(&json!({ "key_file": self.out, "public_key": public_key }))
        } else {
            eprintln!("wrote a new private key to {} (mode 0600); its public key:", self.out.display());
            println!("{public_key}");
            Ok(())
        }
    }
}
