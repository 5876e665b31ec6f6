//! CRL benchmark (native): a 1,000,000-entry CRL of the test signature CA — parse + verify +
//! index, lookups, index size, saving and loading the index — and `openssl crl -noout` on the
//! same file. `make bench-crl` runs it in release mode together with `bench/crl.mjs` (wasm).
//!
//! ```sh
//! cargo run --release --example bench_crl [-- target/crl/crl1m.der]
//! ```
//!
//! Prints `BENCH <name> <value> <unit>` lines and `#` notes; the targets (issue 6: ≤ 1 s,
//! ≤ 1 µs, ≤ 16 bytes per entry, ≤ 100 ms) are reported as PASS/MISS, never asserted.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a panic is the report

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::{CryptoProvider, RustCrypto, TrustAnchors};

const ENTRIES: u64 = 1_000_000;
const RUNS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn out(name: &str, value: f64, unit: &str) {
    let v = if value >= 100.0 {
        format!("{value:.1}")
    } else if value >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    };
    println!("BENCH {name} {v} {unit}");
}

fn target(ok: bool, what: &str) {
    println!("# {} {what}", if ok { "PASS" } else { "MISS" });
}

/// A small deterministic generator (xorshift64*), so lookups hit and miss at random places.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn time_build(der: &[u8], anchors: &TrustAnchors, provider: &dyn CryptoProvider) -> (f64, CrlIndex) {
    let mut times = Vec::new();
    let mut index = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let built = CrlIndex::build(der, anchors, provider).unwrap();
        times.push(start.elapsed().as_secs_f64());
        index = Some(built);
    }
    (median(times), index.unwrap())
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/crl/crl1m.der"), PathBuf::from);
    if !path.exists() {
        let der = jpki_verify_testpki::large_crl(ENTRIES).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, der).unwrap();
    }
    let der = std::fs::read(&path).unwrap();
    let anchors = TrustAnchors::test_pki();
    println!(
        "# {}: {} bytes; {} cores; median of {RUNS} runs",
        path.display(),
        der.len(),
        std::thread::available_parallelism().map_or(0, usize::from)
    );

    // Parse + verify + index, the RustCrypto provider (the one the wasm "sync" build uses).
    let (native_s, index) = time_build(&der, &anchors, &RustCrypto);
    let n = index.len();
    println!(
        "# {n} entries, issuer {}, cRLNumber {:?}",
        index.issuer(),
        index.crl_number()
    );
    out("crl1m_index_native_s", native_s, "s");
    target(native_s <= 1.0, "parse + verify + index <= 1 s (RustCrypto provider)");
    #[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
    {
        let (ring_s, _) = time_build(&der, &anchors, &jpki_verify::crypto::Ring);
        out("crl1m_index_native_ring_s", ring_s, "s");
    }
    // The parts: parse/sort without the signature, and the SHA-256 + RSA check alone.
    let mut parse = Vec::new();
    let mut verify = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let prepared = CrlIndex::prepare(&der, &anchors).unwrap();
        parse.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        RustCrypto.verify(&prepared.checks()[0]).unwrap();
        verify.push(start.elapsed().as_secs_f64());
    }
    println!(
        "# of which: parse + SHA-256 of the file + sort {:.3} s, signature check (SHA-256 of the TBS + RSA) {:.3} s",
        median(parse),
        median(verify)
    );

    // Lookups: half present (serials of the generator), half absent, random order.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let serials: Vec<[u8; 8]> = (0..1_000_000)
        .map(|_| {
            let r = rng.next();
            let i = r % ENTRIES;
            let s = jpki_verify_testpki::large_crl_serial(i) + (r >> 63); // +1 is never listed
            s.to_be_bytes()
        })
        .collect();
    let start = Instant::now();
    let mut hits = 0usize;
    for s in &serials {
        hits += usize::from(index.lookup(std::hint::black_box(s)).is_some());
    }
    let lookup_us = start.elapsed().as_secs_f64() * 1e6 / serials.len() as f64;
    println!("# {hits} of {} lookups found", serials.len());
    out("crl1m_lookup_us", lookup_us, "us");
    target(lookup_us <= 1.0, "lookup <= 1 us");

    let per_entry = index.memory_bytes() as f64 / n as f64;
    out("crl1m_index_bytes_per_entry", per_entry, "bytes");
    target(per_entry <= 16.0, "index <= 16 bytes per entry");

    let saved_path = path.with_extension("idx");
    std::fs::write(&saved_path, index.to_bytes()).unwrap();
    let mut loads = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let bytes = std::fs::read(&saved_path).unwrap();
        let loaded = CrlIndex::from_bytes(&bytes).unwrap();
        loads.push(start.elapsed().as_secs_f64());
        assert_eq!(loaded.len(), n);
    }
    let load_ms = median(loads) * 1e3;
    println!(
        "# saved index {}: {} bytes",
        saved_path.display(),
        std::fs::metadata(&saved_path).unwrap().len()
    );
    out("crl_index_load_ms", load_ms, "ms");
    target(
        load_ms <= 100.0,
        "loading a saved index <= 100 ms (read + SHA-256 check + decode)",
    );

    // OpenSSL on the same file: parse only (`-noout`, no signature check).
    let mut ossl = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let status = Command::new("openssl")
            .args(["crl", "-inform", "DER", "-noout", "-in"])
            .arg(&path)
            .status()
            .expect("openssl runs");
        assert!(status.success());
        ossl.push(start.elapsed().as_secs_f64());
    }
    let ossl_s = median(ossl);
    println!("# openssl crl -inform DER -noout: {ossl_s:.3} s (parse only, process start included)");
    out("crl1m_native_vs_openssl", ossl_s / native_s, "x");
    println!("# (openssl time / our parse + verify + index time: above 1 means we are faster)");
}
