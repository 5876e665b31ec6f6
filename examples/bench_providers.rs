//! Native crypto providers compared on the same assertion (jws-account-opening-taro): RustCrypto
//! (default) against ring (feature `ring`). Prints `BENCH` lines with the ratio from one run.
//!
//! `cargo run --release --features ring --example bench_providers`

#[cfg(not(feature = "ring"))]
fn main() {
    eprintln!("bench_providers needs `--features ring`");
    std::process::exit(2);
}

#[cfg(feature = "ring")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use std::hint::black_box;
    use std::time::Instant;

    use jpki_verify::crypto::Ring;
    use jpki_verify::{assertion, CryptoProvider, RustCrypto, VerifyOptions};

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/assertions");
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json"))?)?;
    let case = manifest["cases"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "jws-account-opening-taro"))
        .ok_or("fixture case missing")?;
    let jws = std::fs::read(dir.join(case["file"].as_str().ok_or("file")?))?;
    let options = VerifyOptions::from_json(&case["options"].to_string())?;
    let providers: [(&str, &dyn CryptoProvider); 2] = [("rustcrypto", &RustCrypto), ("ring", &Ring)];
    for (name, p) in providers {
        let v = assertion::verify(&jws, &options, None, None, p);
        if !v.valid {
            return Err(format!("{name} did not accept the fixture: {:?}", v.errors).into());
        }
        let mut bad = jws.clone();
        let n = bad.len();
        bad[n - 10] ^= 1;
        if assertion::verify(&bad, &options, None, None, p).valid {
            return Err(format!("{name} accepted a tampered signature").into());
        }
    }
    // Alternate 50 ms batches of each provider; report the median per-assertion time.
    let mut samples: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let deadline = Instant::now() + std::time::Duration::from_secs(4);
    while Instant::now() < deadline {
        for (i, (_, p)) in providers.iter().enumerate() {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed().as_millis() < 50 {
                black_box(assertion::verify(black_box(&jws), &options, None, None, *p));
                n += 1;
            }
            samples[i].push(start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let rc = median(&mut samples[0]);
    let ring = median(&mut samples[1]);
    println!("BENCH native_rustcrypto_assertion_us {rc:.1} us");
    println!("BENCH native_ring_assertion_us {ring:.1} us");
    println!("BENCH native_ring_vs_rustcrypto {:.3} x", ring / rc);
    Ok(())
}
