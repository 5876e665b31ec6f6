//! Writes an N-entry CRL of the test signature CA (default 1,000,000 entries) for benchmarks:
//!
//! ```sh
//! cargo run --release -p jpki-verify-testpki --example large-crl -- 1000000 target/crl/crl1m.der
//! ```
//!
//! Not committed (about 37 MB); `make bench-crl` writes it into `target/`.

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(Ok(1_000_000), |s| s.parse())?;
    let out = args
        .next()
        .map_or_else(|| PathBuf::from("target/crl/crl1m.der"), PathBuf::from);
    let start = Instant::now();
    let der = jpki_verify_testpki::large_crl(n)?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &der)?;
    println!(
        "wrote {} ({} entries, {} bytes) in {:.2} s",
        out.display(),
        n + 2,
        der.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
