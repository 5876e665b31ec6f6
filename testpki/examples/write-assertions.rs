//! Writes the signed assertion fixtures into a directory (default
//! `tests/fixtures/assertions`, relative to the current directory):
//!
//! ```sh
//! cargo run -p jpki-verify-testpki --example write-assertions -- tests/fixtures/assertions
//! ```

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("tests/fixtures/assertions"), PathBuf::from);
    let files = jpki_verify_testpki::write_assertions_to(&dir)?;
    println!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}
