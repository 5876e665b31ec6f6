//! `jpki-verify testpki DIR`: regenerate the deterministic test PKI.
//! `jpki-verify testpki --current-crls DIR`: the test CAs' CRLs (same entries as the committed
//! fixtures: `moved` affiliationChanged, `lost` keyCompromise, …) issued now, valid for a day —
//! for the demo and manual tests of `serve --crl-dir`. Test keys only: never for production.

use std::path::Path;

use jpki_verify_testpki::{crl, current_crl_spec, CertKind, DateTime};

use super::Failure;

pub(crate) fn run(dir: &Path, current_crls: bool) -> Result<(), Failure> {
    if current_crls {
        return write_current_crls(dir);
    }
    let files =
        jpki_verify_testpki::write_to(dir).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", dir.display())))?;
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}

/// `DateTime` of a Unix time (UTC).
fn datetime(unix: i64) -> Result<DateTime, Failure> {
    let s = jpki_verify::time::to_rfc3339(unix); // YYYY-MM-DDTHH:MM:SSZ
    let n = |a: usize, b: usize| s.get(a..b).and_then(|t| t.parse::<u16>().ok());
    let bad = || Failure::input("JPKI_INTERNAL", format!("time {s}"));
    let small = |v: Option<u16>| v.and_then(|v| u8::try_from(v).ok()).ok_or_else(bad);
    Ok(DateTime::new(
        n(0, 4).ok_or_else(bad)?,
        small(n(5, 7))?,
        small(n(8, 10))?,
        small(n(11, 13))?,
        small(n(14, 16))?,
        small(n(17, 19))?,
    ))
}

fn write_current_crls(dir: &Path) -> Result<(), Failure> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", dir.display())))?;
    for (kind, name) in [(CertKind::Sign, "sign-ca.crl"), (CertKind::Auth, "auth-ca.crl")] {
        let mut spec = current_crl_spec(kind);
        spec.this_update = datetime(now - 3600)?;
        spec.next_update = Some(datetime(now + 23 * 3600)?);
        let der = crl(&spec).map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?;
        let path = dir.join(name);
        std::fs::write(&path, der).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", path.display())))?;
    }
    eprintln!("wrote the test CAs' current CRLs to {}", dir.display());
    Ok(())
}
