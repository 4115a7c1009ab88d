//! Fuzz target: `sk_fuzz::session_file` (see `src/lib.rs` for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sk_fuzz::session_file(data));
