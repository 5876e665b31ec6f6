//! Hex and base64url for the tests, written independently of the SDK's own `encoding` module so
//! that a test never checks the SDK's decoder with itself. Included by the SDK's integration
//! tests (`mod common;`) and by the server's (`#[path]`).

#![allow(dead_code)] // each test binary uses part of it

/// Upper-case hex, bytes separated by spaces (`"00 A4 04 0C"`, as APDU traces are written).
pub(crate) fn hex_spaced(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

/// Lower-case hex without separators.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex, with or without whitespace between them; panics on anything else (test
/// data is written by hand).
pub(crate) fn from_hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd-length hex string {s:?}");
    digits
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).expect("ASCII hex");
            u8::from_str_radix(text, 16).unwrap_or_else(|_| panic!("not hex: {text:?}"))
        })
        .collect()
}

/// Strict base64url without padding (RFC 7515 §2): the URL-safe alphabet only, length not
/// ≡ 1 (mod 4), unused trailing bits zero. `None` for anything else.
pub(crate) fn base64url(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if s.len() % 4 == 1 {
        return None;
    }
    let sextets = s
        .bytes()
        .map(|c| ALPHABET.iter().position(|&a| a == c).map(|v| v as u32))
        .collect::<Option<Vec<u32>>>()?;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in sextets {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0).then_some(out)
}

/// Standard base64 with padding (RFC 4648 §4), as `x5c` carries certificates: written here,
/// not taken from the SDK under test.
pub(crate) fn base64_standard(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, &b)| a | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            s.push(if i <= c.len() {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}
