//! `jpki-verify inspect FILE`: print the certificate model as pretty JSON.

use std::io::Read;
use std::path::Path;

use jpki_verify::cert::MAX_CERTIFICATE_INPUT;

use super::Failure;

pub(crate) fn run(path: &Path) -> Result<(), Failure> {
    let bytes = read_limited(path, MAX_CERTIFICATE_INPUT)?;
    let cert = jpki_verify::parse_certificate(&bytes)?;
    let json = serde_json::to_string_pretty(&cert).map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?;
    print_stdout(&json)
}

/// Writes `text` and a newline to stdout. A closed pipe (`inspect … | head`) is not an error;
/// any other write failure is reported instead of panicking as `println!` would.
pub(crate) fn print_stdout(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::input("JPKI_IO", format!("stdout: {e}"))),
    }
}

/// Reads at most `limit + 1` bytes, so a huge file is refused without reading it whole.
pub(crate) fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(path).map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", path.display())))?;
    if bytes.len() > limit {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        return Err(jpki_verify::Error::InputTooLarge {
            len: usize::try_from(len).unwrap_or(usize::MAX),
            limit,
        }
        .into());
    }
    Ok(bytes)
}
