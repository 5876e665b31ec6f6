//! `jpki-verify testpki DIR`: regenerate the deterministic test PKI.
//! `jpki-verify testpki --current-crls DIR`: the test CAs' CRLs (same entries as the committed
//! fixtures: `moved` affiliationChanged, `lost` keyCompromise, …) issued now, valid for a day —
//! for the demo and manual tests of `serve --crl-dir`. Test keys only: never for production.
//! `jpki-verify testpki --sdk-embedded DIR`: the subset the SDK crate compiles in
//! (`embedded/testpki/`: the test CAs and the virtual card's personas).

use std::path::Path;

use jpki_verify_testpki::{crl_issued_at, CertKind};

use super::Failure;

pub(crate) fn run(dir: &Path, current_crls: bool, sdk_embedded: bool) -> Result<(), Failure> {
    if current_crls {
        return write_current_crls(dir);
    }
    let write = if sdk_embedded {
        jpki_verify_testpki::write_embedded_to
    } else {
        jpki_verify_testpki::write_to
    };
    let files = write(dir).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", dir.display())))?;
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}

fn write_current_crls(dir: &Path) -> Result<(), Failure> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", dir.display())))?;
    for (kind, name) in [(CertKind::Sign, "sign-ca.crl"), (CertKind::Auth, "auth-ca.crl")] {
        let der = crl_issued_at(kind, now).map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?;
        let path = dir.join(name);
        std::fs::write(&path, der).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", path.display())))?;
    }
    eprintln!("wrote the test CAs' current CRLs to {}", dir.display());
    Ok(())
}
