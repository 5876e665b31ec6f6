//! OCSP against an implementation we did not write: real `openssl ocsp` responders, started by
//! the test on free ports, answer the requests `build_request` makes (sent by a tiny HTTP/1.0
//! client below — the core does no I/O), and `check_response` verifies the answers.
//!
//! Each test builds its own working directory: the test CA as PEM, an OpenSSL CA `index.txt`
//! (hanako valid, taro revoked affiliationChanged, ichiro revoked keyCompromise, fumi absent →
//! unknown) and responder certificates made with `openssl x509 -req`:
//!
//! | responder | issued by | extendedKeyUsage | expected |
//! |---|---|---|---|
//! | the signature CA itself | — | — | accepted |
//! | `delegated` (P-256 key) | signature CA | OCSPSigning | accepted |
//! | `noeku` | signature CA | clientAuth | `JPKI_REVOCATION_SOURCE_INVALID` |
//! | `authca` | authentication CA | OCSPSigning | `JPKI_REVOCATION_SOURCE_INVALID` |
//! | `impostor` (self-signed, the CA's DN, another key) | itself | — | `JPKI_SIGNATURE_INVALID` |
//!
//! Every `openssl` server is owned by a [`Responder`] whose `Drop` kills and reaps exactly that
//! process, so a failing assertion never leaves one behind.
//!
//! OpenSSL 3.0's `ocsp -port` takes a port number only (no host), so the servers listen on
//! every interface (`-port 0`: the kernel picks a free port, OpenSSL prints `ACCEPT …:PORT`);
//! the client talks to 127.0.0.1 only.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jpki_verify::assertion::RevocationStatus;
use jpki_verify::revocation::ocsp::{build_request, check_response, prepare_response, CertIdHash, MAX_OCSP_RESPONSE};
use jpki_verify::revocation::{Reason, RevocationPolicy, SourceKind};
use jpki_verify::{parse_certificate, Certificate, CryptoProvider, Error, RustCrypto, TrustAnchors};

mod common;
use common::openssl::{ocsp_responder, openssl, OcspResponder as Responder};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/testpki");

/// 2025-06-01T00:00:00Z and 2025-07-01T00:00:00Z, the revocation times in index.txt.
const TARO_REVOKED_AT: i64 = 1_748_736_000;
const ICHIRO_REVOKED_AT: i64 = 1_751_328_000;

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).unwrap()
}

fn cert(name: &str) -> Certificate {
    parse_certificate(&fixture(&format!("{name}.der"))).unwrap()
}

/// A scratch directory with the test CAs as PEM, an OpenSSL CA index and responder certificates.
struct Pki {
    dir: PathBuf,
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const EXTENSIONS: &str = "\
[ocsp]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[noeku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[selfsigned]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
";

impl Pki {
    fn new() -> Pki {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "jpki-ocsp-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let pki = Pki { dir };
        let d = pki.dir.as_path();
        for ca in ["sign-ca", "auth-ca"] {
            let der = format!("{FIXTURES}/{ca}.der");
            let key = format!("{FIXTURES}/{ca}.key.der");
            openssl(
                d,
                &["x509", "-inform", "DER", "-in", &der, "-out", &format!("{ca}.pem")],
            );
            openssl(
                d,
                &["pkey", "-inform", "DER", "-in", &key, "-out", &format!("{ca}.key.pem")],
            );
        }
        std::fs::write(d.join("ext.cnf"), EXTENSIONS).unwrap();
        let serial = |name: &str| cert(name).serial_number;
        let index = format!(
            "V\t301231235959Z\t\t{}\tunknown\t/CN=hanako\n\
             R\t301231235959Z\t250601000000Z,affiliationChanged\t{}\tunknown\t/CN=taro\n\
             R\t301231235959Z\t250701000000Z,keyCompromise\t{}\tunknown\t/CN=ichiro\n",
            serial("hanako-sign"),
            serial("taro-sign"),
            serial("ichiro-sign"),
        );
        std::fs::write(d.join("index.txt"), index).unwrap();
        pki.responder_cert("delegated", "sign-ca", "ocsp", "0x7001");
        pki.responder_cert("noeku", "sign-ca", "noeku", "0x7002");
        pki.responder_cert("authca", "auth-ca", "ocsp", "0x7003");
        // Self-signed impostors with the signature CA's exact DN and keys of their own.
        for (name, alg, opt) in [
            ("impostor", "EC", "ec_paramgen_curve:P-256"),
            ("impostor-rsa", "RSA", "rsa_keygen_bits:2048"),
        ] {
            let key = format!("{name}.key");
            openssl(d, &["genpkey", "-algorithm", alg, "-pkeyopt", opt, "-out", &key]);
            let subj = "/C=JP/O=JPKI-TEST/OU=JPKI for digital signature/OU=jpki-verify TEST PKI - not issued by J-LIS";
            let out = format!("{name}.pem");
            openssl(
                d,
                &[
                    "req",
                    "-new",
                    "-x509",
                    "-key",
                    &key,
                    "-days",
                    "30",
                    "-subj",
                    subj,
                    "-config",
                    "ext.cnf",
                    "-extensions",
                    "selfsigned",
                    "-out",
                    &out,
                ],
            );
        }
        pki
    }

    /// `<name>.pem` / `<name>.key`: a P-256 responder certificate issued by `ca` with the
    /// `section` extensions of ext.cnf, valid from now for 30 days.
    fn responder_cert(&self, name: &str, ca: &str, section: &str, serial: &str) {
        let d = self.dir.as_path();
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &key,
            ],
        );
        let subj = format!("/C=JP/O=JPKI-TEST/CN=jpki-verify test OCSP responder {name}");
        openssl(d, &["req", "-new", "-key", &key, "-subj", &subj, "-out", &csr]);
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key.pem"),
                "-set_serial",
                serial,
                "-days",
                "30",
                "-sha256",
                "-extfile",
                "ext.cnf",
                "-extensions",
                section,
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }

    /// Starts `openssl ocsp` answering for the signature CA, signed by `signer` (`sign-ca` for
    /// the CA itself, or one of the responder certificates), with `extra` arguments.
    fn responder(&self, signer: &str, extra: &[&str]) -> Responder {
        let (cert, key) = if signer == "sign-ca" {
            ("sign-ca.pem".to_owned(), "sign-ca.key.pem".to_owned())
        } else {
            (format!("{signer}.pem"), format!("{signer}.key"))
        };
        let log = std::fs::File::create(self.dir.join(format!("{signer}.log"))).unwrap();
        ocsp_responder(&self.dir, (&cert, &key), "sign-ca.pem", extra, log.into())
    }
}

impl Responder {
    /// POSTs a DER OCSPRequest (RFC 6960 Appendix A.1) over HTTP/1.0; returns the body.
    fn ask(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            stream,
            "POST / HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/ocsp-request\r\nContent-Length: {}\r\n\r\n",
            self.port,
            request.len()
        )
        .unwrap();
        stream.write_all(request).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("HTTP header end");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        assert!(
            head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase().contains("application/ocsp-response"),
            "{head}"
        );
        let body = raw[split + 4..].to_vec();
        if let Some(len) = head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        }) {
            assert_eq!(body.len(), len.parse::<usize>().unwrap(), "Content-Length");
        }
        body
    }

    /// Asks about `leaf` (a signature certificate of the test PKI).
    fn query(&self, leaf: &Certificate, hash: CertIdHash, nonce: Option<&[u8]>) -> Vec<u8> {
        let ca = cert("sign-ca");
        self.ask(&build_request(leaf, &ca, hash, nonce).unwrap())
    }
}

fn anchors() -> TrustAnchors {
    TrustAnchors::test_pki()
}

fn check(
    der: &[u8],
    leaf: &Certificate,
    nonce: Option<&[u8]>,
    time: i64,
) -> Result<jpki_verify::revocation::RevocationAnswer, Error> {
    check_response(
        der,
        leaf,
        &anchors(),
        nonce,
        time,
        &RevocationPolicy::default(),
        &RustCrypto,
    )
}

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e.code(),
    }
}

/// good / revoked (with reason and time) / unknown from one responder, for both CertID hashes.
fn statuses(responder: &Responder, source_contains: &str, checks: usize) {
    let t = now();
    for hash in [CertIdHash::Sha256, CertIdHash::Sha1] {
        let hanako = cert("hanako-sign");
        let der = responder.query(&hanako, hash, None);
        let prepared = prepare_response(&der, &hanako, &anchors(), None, t, &RevocationPolicy::default()).unwrap();
        assert_eq!(prepared.checks().len(), checks, "{hash:?}");
        let a = check(&der, &hanako, None, t).unwrap();
        assert_eq!(a.status, RevocationStatus::Good, "{hash:?}");
        assert_eq!((a.reason, a.revoked_at), (None, None));
        assert_eq!(a.kind, SourceKind::Ocsp);
        assert!(
            a.source.starts_with("ocsp:") && a.source.contains(source_contains),
            "{}",
            a.source
        );
        assert!(
            (a.produced_at - t).abs() <= 60,
            "thisUpdate {} vs now {t}",
            a.produced_at
        );
        assert_eq!(a.next_update, Some(a.produced_at + 300), "-nmin 5");

        let taro = cert("taro-sign");
        let a = check(&responder.query(&taro, hash, None), &taro, None, t).unwrap();
        assert_eq!(a.status, RevocationStatus::Revoked);
        assert_eq!(a.reason, Some(Reason::AffiliationChanged));
        assert_eq!(a.revoked_at, Some(TARO_REVOKED_AT));

        let ichiro = cert("ichiro-sign");
        let a = check(&responder.query(&ichiro, hash, None), &ichiro, None, t).unwrap();
        assert_eq!(a.status, RevocationStatus::Revoked);
        assert_eq!(a.reason, Some(Reason::KeyCompromise));
        assert_eq!(a.revoked_at, Some(ICHIRO_REVOKED_AT));

        let fumi = cert("fumi-sign");
        let a = check(&responder.query(&fumi, hash, None), &fumi, None, t).unwrap();
        assert_eq!(a.status, RevocationStatus::Unknown);
        assert_eq!(a.reason, None);
    }
}

#[test]
fn ca_as_responder_good_revoked_unknown_sha256_and_sha1() {
    let pki = Pki::new();
    let responder = pki.responder("sign-ca", &[]);
    statuses(&responder, "OU=JPKI for digital signature", 1);
    // ResponderID byKey (SHA-1 of the CA's key) instead of byName.
    let by_key = pki.responder("sign-ca", &["-resp_key_id"]);
    statuses(&by_key, "OU=JPKI for digital signature", 1);
}

#[test]
fn delegated_responder_good_revoked_unknown_sha256_and_sha1() {
    let pki = Pki::new();
    let responder = pki.responder("delegated", &[]);
    statuses(&responder, "CN=jpki-verify test OCSP responder delegated", 2);
    let by_key = pki.responder("delegated", &["-resp_key_id"]);
    statuses(&by_key, "CN=jpki-verify test OCSP responder delegated", 2);

    // The CA's signature over the responder certificate is one of the checks: if it fails,
    // the responder is not authorised.
    let hanako = cert("hanako-sign");
    let der = responder.query(&hanako, CertIdHash::Sha256, None);
    let prepared = prepare_response(&der, &hanako, &anchors(), None, now(), &RevocationPolicy::default()).unwrap();
    let mut results: Vec<_> = prepared.checks().iter().map(|c| RustCrypto.verify(c)).collect();
    assert!(results.iter().all(Result::is_ok));
    results[1] = Err(Error::SignatureInvalid { what: "certificate" });
    assert_eq!(
        code(prepared.clone().finish(&results)),
        "JPKI_REVOCATION_SOURCE_INVALID"
    );
    assert_eq!(code(prepared.finish(&results[..1])), "JPKI_INVALID_OPTIONS");
}

#[test]
fn nonce_is_echoed_and_checked() {
    let pki = Pki::new();
    for signer in ["sign-ca", "delegated"] {
        let responder = pki.responder(signer, &[]);
        let hanako = cert("hanako-sign");
        let t = now();
        let nonce: [u8; 16] = *b"jpki-verify-0001";
        let der = responder.query(&hanako, CertIdHash::Sha256, Some(&nonce));
        assert_eq!(
            check(&der, &hanako, Some(&nonce), t).unwrap().status,
            RevocationStatus::Good
        );
        // A caller that did not send a nonce may ignore the echoed one.
        assert_eq!(check(&der, &hanako, None, t).unwrap().status, RevocationStatus::Good);
        // Wrong expected nonce (a replayed answer to someone else's request).
        let e = check(&der, &hanako, Some(b"jpki-verify-0002"), t).unwrap_err();
        assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID", "{e}");
        assert!(e.to_string().contains("nonce"), "{e}");
        // Expected a nonce, the response has none.
        let plain = responder.query(&hanako, CertIdHash::Sha256, None);
        assert_eq!(
            code(check(&plain, &hanako, Some(&nonce), t)),
            "JPKI_REVOCATION_SOURCE_INVALID"
        );
        // Revoked with a nonce, SHA-1 CertID.
        let taro = cert("taro-sign");
        let der = responder.query(&taro, CertIdHash::Sha1, Some(b"n"));
        let a = check(&der, &taro, Some(b"n"), t).unwrap();
        assert_eq!(
            (a.status, a.reason),
            (RevocationStatus::Revoked, Some(Reason::AffiliationChanged))
        );
    }
}

#[test]
fn unauthorised_signers_are_rejected() {
    let pki = Pki::new();
    let hanako = cert("hanako-sign");
    let t = now();
    // Issued by the signature CA but without id-kp-OCSPSigning.
    let noeku = pki.responder("noeku", &[]);
    let e = check(&noeku.query(&hanako, CertIdHash::Sha256, None), &hanako, None, t).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID");
    assert!(e.to_string().contains("OCSPSigning"), "{e}");
    // OCSPSigning, but issued by the authentication CA.
    let authca = pki.responder("authca", &[]);
    let e = check(&authca.query(&hanako, CertIdHash::Sha256, None), &hanako, None, t).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID");
    assert!(e.to_string().contains("not issued by"), "{e}");
    // Names itself exactly as the CA (byName), signs with another key: RSA, and P-256 (a
    // signature of the wrong family for the CA's key).
    for name in ["impostor-rsa", "impostor"] {
        let impostor = pki.responder(name, &[]);
        let der = impostor.query(&hanako, CertIdHash::Sha256, None);
        assert_eq!(code(check(&der, &hanako, None, t)), "JPKI_SIGNATURE_INVALID", "{name}");
    }
    // The same with byKey: the key hash is neither the CA's nor a carried certificate's that
    // the CA issued.
    let impostor = pki.responder("impostor", &["-resp_key_id"]);
    let der = impostor.query(&hanako, CertIdHash::Sha256, None);
    assert_eq!(code(check(&der, &hanako, None, t)), "JPKI_REVOCATION_SOURCE_INVALID");
    // The same impostor without the certificate in the response.
    let impostor = pki.responder("impostor", &["-resp_key_id", "-resp_no_certs"]);
    let der = impostor.query(&hanako, CertIdHash::Sha256, None);
    assert_eq!(code(check(&der, &hanako, None, t)), "JPKI_REVOCATION_SOURCE_INVALID");
    // A delegated responder whose certificate is not valid at the verification time.
    let delegated = pki.responder("delegated", &[]);
    let der = delegated.query(&hanako, CertIdHash::Sha256, None);
    // (made now, valid 30 days: an hour earlier it was not yet valid).
    let e = check(&der, &hanako, None, t - 3600).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID", "{e}");
    assert!(e.to_string().contains("not valid at the verification time"), "{e}");
}

#[test]
fn sha1_signed_responses_are_refused() {
    let pki = Pki::new();
    let responder = pki.responder("sign-ca", &["-rmd", "sha1"]);
    let hanako = cert("hanako-sign");
    let der = responder.query(&hanako, CertIdHash::Sha1, None);
    assert_eq!(code(check(&der, &hanako, None, now())), "JPKI_ALGORITHM_NOT_ALLOWED");
}

#[test]
fn response_about_another_certificate_is_rejected() {
    let pki = Pki::new();
    let responder = pki.responder("sign-ca", &[]);
    let t = now();
    let der = responder.query(&cert("hanako-sign"), CertIdHash::Sha256, None);
    let e = check(&der, &cert("taro-sign"), None, t).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID");
    assert!(e.to_string().contains("not about this certificate"), "{e}");
    // Same serial space, other CA: hanako's authentication certificate.
    assert_eq!(
        code(check(&der, &cert("hanako-auth"), None, t)),
        "JPKI_REVOCATION_SOURCE_INVALID"
    );
    // A leaf whose issuer is not among the anchors.
    let e = check_response(
        &der,
        &cert("hanako-sign"),
        &TrustAnchors::jlis(),
        None,
        t,
        &RevocationPolicy::default(),
        &RustCrypto,
    );
    assert_eq!(code(e), "JPKI_CHAIN_UNTRUSTED");
}

#[test]
fn stale_and_future_answers_are_rejected() {
    let pki = Pki::new();
    let responder = pki.responder("sign-ca", &[]);
    let hanako = cert("hanako-sign");
    let der = responder.query(&hanako, CertIdHash::Sha256, None);
    let this_update = check(&der, &hanako, None, now()).unwrap().produced_at;
    // Past nextUpdate (thisUpdate + 5 min).
    let e = check(&der, &hanako, None, this_update + 301).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_STALE");
    assert!(e.to_string().contains("nextUpdate"), "{e}");
    // Within nextUpdate but older than the policy allows.
    let mut strict = RevocationPolicy::default();
    strict.ocsp_max_age_seconds = 60;
    let e = check_response(&der, &hanako, &anchors(), None, this_update + 120, &strict, &RustCrypto).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_STALE");
    assert!(e.to_string().contains("older than the policy"), "{e}");
    check_response(&der, &hanako, &anchors(), None, this_update + 60, &strict, &RustCrypto).unwrap();
    // From the future beyond the allowed skew; within it is fine.
    assert_eq!(
        code(check(&der, &hanako, None, this_update - 301)),
        "JPKI_REVOCATION_STALE"
    );
    check(&der, &hanako, None, this_update - 299).unwrap();
}

#[test]
fn tampered_signatures_are_rejected() {
    let pki = Pki::new();
    let hanako = cert("hanako-sign");
    let t = now();
    for signer in ["sign-ca", "delegated"] {
        let responder = pki.responder(signer, &[]);
        let der = responder.query(&hanako, CertIdHash::Sha256, None);
        check(&der, &hanako, None, t).unwrap();
        let prepared = prepare_response(&der, &hanako, &anchors(), None, t, &RevocationPolicy::default()).unwrap();
        let sig = &prepared.checks()[0].signature;
        let at = der.windows(sig.len()).position(|w| w == sig.as_slice()).unwrap();
        let mut bad = der.clone();
        bad[at + sig.len() / 2] ^= 0x01;
        assert_eq!(
            code(check(&bad, &hanako, None, t)),
            "JPKI_SIGNATURE_INVALID",
            "{signer}"
        );
        // A changed byte in the signed data (the serial number of the CertID).
        let serial = [0x02, 0x04, 0x10, 0x00, 0x00, 0x02];
        let at = der.windows(6).position(|w| w == serial).unwrap();
        let mut bad = der.clone();
        bad[at + 5] = 0x00; // now about taro (0x10000000)
        assert_eq!(
            code(check(&bad, &cert("taro-sign"), None, t)),
            "JPKI_SIGNATURE_INVALID",
            "{signer}"
        );
    }
}

#[test]
fn malformed_responses_give_typed_errors() {
    let pki = Pki::new();
    let hanako = cert("hanako-sign");
    let t = now();
    let policy = RevocationPolicy::default();
    for signer in ["sign-ca", "delegated"] {
        let responder = pki.responder(signer, &[]);
        let der = responder.query(&hanako, CertIdHash::Sha256, Some(b"0123456789abcdef"));
        // Every truncation.
        for len in 0..der.len() {
            let e = prepare_response(&der[..len], &hanako, &anchors(), None, t, &policy).unwrap_err();
            assert_eq!(e.code(), "JPKI_MALFORMED", "truncated to {len}: {e}");
        }
        // Trailing data.
        let mut long = der.clone();
        long.push(0);
        assert_eq!(
            code(prepare_response(&long, &hanako, &anchors(), None, t, &policy)),
            "JPKI_MALFORMED"
        );
        // Every single-bit flip in every byte: a typed answer, never a panic (the
        // prepare step is pure parsing and policy; no crypto is done here).
        for i in 0..der.len() {
            let mut bad = der.clone();
            bad[i] ^= 0x80;
            let _ = prepare_response(&bad, &hanako, &anchors(), Some(b"0123456789abcdef"), t, &policy);
            bad[i] ^= 0x81;
            let _ = prepare_response(&bad, &hanako, &anchors(), Some(b"0123456789abcdef"), t, &policy);
        }
    }
    let wrong = |bytes: &[u8]| code(prepare_response(bytes, &hanako, &anchors(), None, t, &policy));
    // Wrong outer tag, huge and indefinite lengths, BER-isms, empty input.
    assert_eq!(wrong(&[0x31, 0x03, 0x0A, 0x01, 0x00]), "JPKI_MALFORMED");
    assert_eq!(wrong(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x0A]), "JPKI_MALFORMED");
    assert_eq!(wrong(&[0x30, 0x80, 0x0A, 0x01, 0x00, 0x00, 0x00]), "JPKI_MALFORMED");
    assert_eq!(wrong(&[0x30, 0x81, 0x03, 0x0A, 0x01, 0x00]), "JPKI_MALFORMED");
    assert_eq!(wrong(&[]), "JPKI_MALFORMED");
    // Successful status without responseBytes; status as INTEGER instead of ENUMERATED.
    assert_eq!(wrong(&[0x30, 0x03, 0x0A, 0x01, 0x00]), "JPKI_MALFORMED");
    assert_eq!(wrong(&[0x30, 0x03, 0x02, 0x01, 0x00]), "JPKI_MALFORMED");
    // A responder saying tryLater (3) or unauthorized (6): no answer, typed.
    assert_eq!(wrong(&[0x30, 0x03, 0x0A, 0x01, 0x03]), "JPKI_REVOCATION_SOURCE_INVALID");
    assert_eq!(wrong(&[0x30, 0x03, 0x0A, 0x01, 0x06]), "JPKI_REVOCATION_SOURCE_INVALID");
    // Deep nesting is bounded by the DER reader.
    let mut deep = vec![0x05, 0x00];
    for _ in 0..200 {
        let mut outer = vec![0x30];
        let len = deep.len();
        if len < 128 {
            outer.push(len as u8);
        } else if len < 256 {
            outer.extend([0x81, len as u8]);
        } else {
            outer.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        outer.extend(deep);
        deep = outer;
    }
    assert_eq!(wrong(&deep), "JPKI_MALFORMED");
    assert_eq!(wrong(&vec![0u8; MAX_OCSP_RESPONSE + 1]), "JPKI_INPUT_TOO_LARGE");
}

#[test]
fn requests_are_well_formed_and_checked() {
    let pki = Pki::new();
    let hanako = cert("hanako-sign");
    let ca = cert("sign-ca");
    let req = build_request(&hanako, &ca, CertIdHash::Sha256, Some(b"0123456789abcdef")).unwrap();
    std::fs::write(pki.dir.join("req.der"), &req).unwrap();
    let out = Command::new("openssl")
        .args(["ocsp", "-reqin", "req.der", "-req_text"])
        .current_dir(&pki.dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Hash Algorithm: sha256"), "{text}");
    assert!(text.contains("Serial Number: 10000002"), "{text}");
    assert!(text.contains("OCSP Nonce"), "{text}");
    assert!(
        text.contains("0123456789ABCDEF") || text.contains("30313233343536373839616263646566"),
        "{text}"
    );
    // The issuer must be the leaf's issuer; nonces are 1–32 bytes (RFC 8954).
    assert_eq!(
        code(build_request(&hanako, &cert("auth-ca"), CertIdHash::Sha256, None)),
        "JPKI_INVALID_OPTIONS"
    );
    assert_eq!(
        code(build_request(&hanako, &ca, CertIdHash::Sha256, Some(&[]))),
        "JPKI_INVALID_OPTIONS"
    );
    assert_eq!(
        code(build_request(&hanako, &ca, CertIdHash::Sha256, Some(&[0; 33]))),
        "JPKI_INVALID_OPTIONS"
    );
    build_request(&hanako, &ca, CertIdHash::Sha1, Some(&[0; 32])).unwrap();
}

/// The seeds of the `ocsp_response` fuzz target (`fuzz/seeds/ocsp_response/`): `openssl ocsp`'s
/// answers about taro (the target's certificate), signed by the CA and by a delegated
/// responder, with and without the target's nonce. Written only with `JPKI_REGENERATE_SEEDS=1`
/// (they carry the time they were made, which the target's `SEEDS_MADE_AT` must then be set
/// to); otherwise this checks that each committed seed still parses as an OCSP response.
#[test]
fn fuzz_seeds_of_the_ocsp_response_target() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/ocsp_response");
    if std::env::var_os("JPKI_REGENERATE_SEEDS").is_some() {
        let pki = Pki::new();
        let taro = cert("taro-sign");
        std::fs::create_dir_all(&dir).unwrap();
        for signer in ["sign-ca", "delegated"] {
            let responder = pki.responder(signer, &[]);
            for (name, nonce) in [("no-nonce", None), ("nonce", Some(&[7u8; 16][..]))] {
                for (hash, h) in [(CertIdHash::Sha256, "sha256"), (CertIdHash::Sha1, "sha1")] {
                    let der = responder.query(&taro, hash, nonce);
                    std::fs::write(dir.join(format!("{signer}-{name}-{h}.der")), der).unwrap();
                }
            }
        }
        eprintln!(
            "seeds made at {}: set SEEDS_MADE_AT in fuzz/fuzz_targets/ocsp_response.rs",
            now()
        );
    }
    let mut seeds = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let der = std::fs::read(entry.unwrap().path()).unwrap();
        // Only the envelope: the answers are minutes-fresh when made, stale by now.
        assert_eq!(der.first(), Some(&0x30));
        let err = check(&der, &cert("taro-sign"), None, 0).map(|a| a.status);
        assert_ne!(code(err), "JPKI_MALFORMED");
        seeds += 1;
    }
    assert_eq!(seeds, 8);
}
