//! `jpki-verify testpki DIR`: regenerate the deterministic test PKI.

use std::path::Path;

use super::Failure;

pub(crate) fn run(dir: &Path) -> Result<(), Failure> {
    let files =
        jpki_verify_testpki::write_to(dir).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", dir.display())))?;
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}
