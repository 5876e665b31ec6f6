//! Native benchmark of one assertion verification: "parse the leaf (and use the pinned CA),
//! verify the leaf by the CA, verify the JWS (RS256)" with the RustCrypto provider, plus a
//! split of where the time goes. Run by `bench/compare.mjs`; prints one JSON line.
//!
//! ```text
//! cargo run --release --example bench_verify [-- --ms 2000] [--case jws-account-opening-taro]
//! ```
//!
//! Every figure is the median over rounds of the per-operation time in nanoseconds. Before
//! timing, the fixture must verify (`valid: true`) and a tampered copy must not (the signature
//! fixture with one flipped bit, and a leaf issued by a forged CA with the same DN), so nothing
//! is timed doing nothing. Relative numbers only; never assert absolute times.

// The benchmark needs the RustCrypto provider (the default `rustcrypto` feature).
#[cfg(not(feature = "rustcrypto"))]
fn main() {
    eprintln!("bench_verify needs the `rustcrypto` feature (on by default)");
    std::process::exit(2);
}

#[cfg(feature = "rustcrypto")]
fn main() -> bench::BoxResult<()> {
    bench::main()
}

#[cfg(feature = "rustcrypto")]
mod bench {
    use std::error::Error;
    use std::fs;
    use std::hint::black_box;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use jpki_verify::assertion::{self, VerifyOptions};
    use jpki_verify::{parse_certificate, CryptoProvider, RustCrypto};

    pub(crate) type BoxResult<T> = Result<T, Box<dyn Error>>;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn read(path: &Path) -> BoxResult<Vec<u8>> {
        fs::read(path).map_err(|e| format!("{}: {e}", path.display()).into())
    }

    /// Options of a manifest case, through the same JSON shape the JS API and CLI accept.
    fn case_options(manifest: &serde_json::Value, name: &str) -> BoxResult<(String, VerifyOptions)> {
        let cases = manifest["cases"].as_array().ok_or("manifest: no cases")?;
        let case = cases
            .iter()
            .find(|c| c["name"] == name)
            .ok_or_else(|| format!("manifest: no case {name:?}"))?;
        let file = case["file"].as_str().ok_or("manifest: case without file")?.to_owned();
        let options = VerifyOptions::from_json(&case["options"].to_string())?;
        Ok((file, options))
    }

    /// Median per-operation nanoseconds of `f`, over rounds of about `budget / 20` each.
    fn measure<F: FnMut()>(budget: Duration, mut f: F) -> f64 {
        // Warm up and calibrate: how many calls fill one round.
        let round = budget / 20;
        let mut n: u64 = 1;
        loop {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            let e = t.elapsed();
            if e >= round / 4 {
                let per = e.as_secs_f64() / n as f64;
                n = ((round.as_secs_f64() / per).ceil() as u64).max(1);
                break;
            }
            n *= 2;
        }
        let start = Instant::now();
        let mut samples = Vec::new();
        while start.elapsed() < budget || samples.len() < 5 {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            samples.push(t.elapsed().as_nanos() as f64 / n as f64);
        }
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    }

    pub(crate) fn main() -> BoxResult<()> {
        let mut ms: u64 = 2000;
        let mut case = "jws-account-opening-taro".to_owned();
        let mut only: Option<String> = None;
        let mut args = std::env::args().skip(1);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--ms" => ms = args.next().ok_or("--ms needs a value")?.parse()?,
                "--case" => case = args.next().ok_or("--case needs a value")?,
                "--only" => only = Some(args.next().ok_or("--only needs a value")?),
                other => return Err(format!("unknown argument {other:?}").into()),
            }
        }
        let budget = Duration::from_millis(ms);
        let dir = root().join("tests/fixtures/assertions");
        let manifest: serde_json::Value = serde_json::from_slice(&read(&dir.join("manifest.json"))?)?;
        let (file, options) = case_options(&manifest, &case)?;
        let jws = read(&dir.join(file))?;
        let leaf_der = read(&root().join("tests/fixtures/testpki/taro-sign.der"))?;
        let ca_der = read(&root().join("tests/fixtures/testpki/sign-ca.der"))?;

        // Correctness gates: the fixture is valid, tampered copies are not.
        let verdict = assertion::verify(&jws, &options, None, None, &RustCrypto);
        if !verdict.valid {
            return Err(format!("{case}: expected valid, got {:?}", verdict.code()).into());
        }
        if verdict.certificate.as_ref().map(|c| c.der()) != Some(leaf_der.as_slice()) {
            return Err("the JWS leaf is not tests/fixtures/testpki/taro-sign.der".into());
        }
        for (bad, (bad_file, bad_options)) in ["jws-tampered-signature", "jws-same-dn-forged-ca"]
            .iter()
            .map(|n| Ok::<_, Box<dyn Error>>((*n, case_options(&manifest, n)?)))
            .collect::<BoxResult<Vec<_>>>()?
        {
            let v = assertion::verify(&read(&dir.join(bad_file))?, &bad_options, None, None, &RustCrypto);
            if v.valid {
                return Err(format!("{bad}: a tampered assertion verified").into());
            }
        }

        let prepared = assertion::prepare(&jws, &options, None, None);
        let checks = prepared.checks().to_vec();
        if checks.len() != 2 || checks.iter().any(|c| RustCrypto.verify(c).is_err()) {
            return Err(format!("expected 2 passing signature checks, got {}", checks.len()).into());
        }
        let all_ok: Vec<jpki_verify::Result<()>> = checks.iter().map(|_| Ok(())).collect();

        // (name, share of the budget in quarters, the work). `--only NAME` runs one of them for the
        // whole budget (for `perf record`).
        type Work<'a> = Box<dyn FnMut() + 'a>;
        let steps: Vec<(&str, u32, Work<'_>)> = vec![
            (
                "assertion",
                4,
                Box::new(|| {
                    black_box(assertion::verify(black_box(&jws), &options, None, None, &RustCrypto));
                }),
            ),
            (
                "parse_leaf",
                1,
                Box::new(|| {
                    let _ = black_box(parse_certificate(black_box(&leaf_der)));
                }),
            ),
            (
                "parse_ca",
                1,
                Box::new(|| {
                    let _ = black_box(parse_certificate(black_box(&ca_der)));
                }),
            ),
            (
                "prepare",
                1,
                Box::new(|| {
                    black_box(assertion::prepare(black_box(&jws), &options, None, None));
                }),
            ),
            (
                "prepare_finish_no_crypto",
                1,
                Box::new(|| {
                    black_box(assertion::prepare(black_box(&jws), &options, None, None).finish(&all_ok));
                }),
            ),
            (
                "rsa_verify_ca_over_leaf",
                1,
                Box::new(|| {
                    let _ = black_box(RustCrypto.verify(black_box(&checks[0])));
                }),
            ),
            (
                "rsa_verify_jws",
                1,
                Box::new(|| {
                    let _ = black_box(RustCrypto.verify(black_box(&checks[1])));
                }),
            ),
            (
                "verdict_to_json",
                1,
                Box::new(|| {
                    let _ = black_box(serde_json::to_string(black_box(&verdict)));
                }),
            ),
        ];
        let mut ns = serde_json::Map::new();
        for (name, quarters, mut work) in steps {
            if only.as_deref().is_some_and(|o| o != name) {
                continue;
            }
            let share = if only.is_some() { budget } else { budget * quarters / 4 };
            ns.insert(name.to_owned(), measure(share, &mut *work).into());
        }
        if let (Some(a), Some(b)) = (
            ns.get("prepare_finish_no_crypto").and_then(|v| v.as_f64()),
            ns.get("prepare").and_then(|v| v.as_f64()),
        ) {
            ns.insert("finish".to_owned(), (a - b).into());
        }

        let out = serde_json::json!({
            "bench": "bench_verify",
            "case": case,
            "provider": RustCrypto.name(),
            "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
            "ns": ns,
        });
        println!("{out}");
        Ok(())
    }
}
