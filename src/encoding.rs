//! Strict base64 (RFC 4648 §4) and hex, with byte offsets in errors.
//!
//! Hand-written rather than taken from a crate so that every rejected character can be
//! reported at its offset in the caller's input (PEM bodies are decoded line by line).

use crate::error::{Error, Result};

fn value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Decodes standard, padded base64 (one string, no line breaks), strictly (see
/// `decode_base64_chunks`).
pub fn decode_base64(text: &[u8]) -> Result<Vec<u8>> {
    decode_base64_chunks(&[(text, 0)])
}

/// Decodes standard, padded base64 from `chunks`, each `(bytes, offset of those bytes in the
/// caller's input)`; the chunks are concatenated (PEM lines). Padding may appear only at the
/// very end, non-zero trailing bits are rejected (RFC 4648 §3.5 canonical encoding).
pub(crate) fn decode_base64_chunks(chunks: &[(&[u8], usize)]) -> Result<Vec<u8>> {
    // One chunk (x5c, every JWS verification): table-driven into a pre-sized buffer. Any input
    // it does not accept as canonical goes through the exact decoder below for the error.
    if let [(text, _)] = chunks {
        if let Some(out) = decode_std_fast(text) {
            return Ok(out);
        }
    }
    let total: usize = chunks.iter().map(|(c, _)| c.len()).sum();
    let mut out = Vec::with_capacity(total / 4 * 3);
    let mut acc: u32 = 0;
    let mut n = 0usize; // characters in the current quantum
    let mut pad = 0usize;
    let mut last_at = 0usize;
    for (chunk, base) in chunks {
        for (i, &c) in chunk.iter().enumerate() {
            let at = base + i;
            last_at = at;
            if c == b'=' {
                if n < 2 {
                    return Err(Error::malformed("base64: misplaced padding", Some(at)));
                }
                pad += 1;
                n += 1;
                if n == 4 {
                    finish_quantum(&mut out, acc, pad, at)?;
                    acc = 0;
                    n = 0;
                }
                continue;
            }
            if pad > 0 {
                return Err(Error::malformed("base64: data after padding", Some(at)));
            }
            let v =
                value(c).ok_or_else(|| Error::malformed(format!("base64: invalid character 0x{c:02X}"), Some(at)))?;
            acc = (acc << 6) | v;
            n += 1;
            if n == 4 {
                out.extend_from_slice(&acc.to_be_bytes()[1..]);
                acc = 0;
                n = 0;
            }
        }
    }
    if n != 0 {
        return Err(Error::malformed("base64: length is not a multiple of 4", Some(last_at)));
    }
    Ok(out)
}

fn finish_quantum(out: &mut Vec<u8>, acc: u32, pad: usize, at: usize) -> Result<()> {
    // acc holds 4 - pad sextets.
    match pad {
        1 => {
            let v = acc << 6;
            if v & 0xFF != 0 {
                return Err(Error::malformed("base64: non-zero padding bits", Some(at)));
            }
            out.extend_from_slice(&v.to_be_bytes()[1..3]);
        }
        2 => {
            let v = acc << 12;
            if v & 0xFFFF != 0 {
                return Err(Error::malformed("base64: non-zero padding bits", Some(at)));
            }
            out.push(v.to_be_bytes()[1]);
        }
        _ => return Err(Error::malformed("base64: too much padding", Some(at))),
    }
    Ok(())
}

/// An alphabet → sextet table, 0xFF for anything else.
const fn table(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
}

/// base64url alphabet (RFC 4648 §5).
const URL_TABLE: [u8; 256] = table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
/// Standard alphabet (RFC 4648 §4); `=` is not in it.
const STD_TABLE: [u8; 256] = table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

/// Canonical padded standard base64 (the rules of [`decode_base64_chunks`]), or `None` for
/// anything else (the caller then reports the error exactly).
fn decode_std_fast(text: &[u8]) -> Option<Vec<u8>> {
    let pad = text.iter().rev().take_while(|&&c| c == b'=').count();
    if !text.len().is_multiple_of(4) || pad > 2 {
        return None;
    }
    decode_unpadded(&text[..text.len() - pad], &STD_TABLE, 0).ok()
}

/// Strict unpadded base64url (RFC 7515 §2 "Base64url Encoding"): only the URL alphabet, no
/// `=`, length ≢ 1 (mod 4), and zero trailing bits (canonical). `offset` locates errors in the
/// caller's input. Table-driven: this runs on every JWS part.
pub fn decode_base64url_nopad(part: &[u8], offset: usize) -> Result<Vec<u8>> {
    decode_unpadded(part, &URL_TABLE, offset)
}

/// Unpadded base64 over `table`, canonical trailing bits, into a pre-sized buffer.
fn decode_unpadded(part: &[u8], table: &[u8; 256], offset: usize) -> Result<Vec<u8>> {
    let bad = |what: &str, i: usize| Error::malformed(format!("base64url: {what}"), Some(offset + i));
    let at = part.len() / 4 * 4;
    let (body, rest) = part.split_at(at);
    let mut out = vec![0u8; body.len() / 4 * 3];
    out.reserve(2);
    for (c, o) in body.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        // Slice patterns rather than indexing: no bounds-check calls in the size-optimised build.
        let (&[a, b, cc, d], [x, y, z]) = (c, o) else { break };
        let (a, b, cc, d) = (
            table[usize::from(a)],
            table[usize::from(b)],
            table[usize::from(cc)],
            table[usize::from(d)],
        );
        if (a | b | cc | d) & 0x80 != 0 {
            let i = body.iter().position(|&x| table[usize::from(x)] == 0xFF).unwrap_or(0);
            return Err(bad(&format!("invalid character 0x{:02X}", body[i]), i));
        }
        let n = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(cc) << 6) | u32::from(d);
        (*x, *y, *z) = ((n >> 16) as u8, (n >> 8) as u8, n as u8);
    }
    let v: Vec<u8> = rest.iter().map(|&x| table[usize::from(x)]).collect();
    if let Some(i) = v.iter().position(|&x| x == 0xFF) {
        return Err(bad(&format!("invalid character 0x{:02X}", rest[i]), at + i));
    }
    match v.as_slice() {
        [] => {}
        [_] => return Err(bad("impossible length", at)),
        [a, b] => {
            if b & 0x0F != 0 {
                return Err(bad("non-zero trailing bits", at + 1));
            }
            out.push((a << 2) | (b >> 4));
        }
        [a, b, c] => {
            if c & 0x03 != 0 {
                return Err(bad("non-zero trailing bits", at + 2));
            }
            out.push((a << 2) | (b >> 4));
            out.push((b << 4) | (c >> 2));
        }
        _ => return Err(bad("impossible length", at)),
    }
    Ok(out)
}

/// Base64 encoding (RFC 4648): the standard alphabet with `=` padding (`x5c`, RFC 7515
/// §4.1.6), or the URL alphabet without padding (JWS parts, RFC 7515 §2).
pub fn encode_base64(bytes: &[u8], url: bool) -> String {
    let alphabet: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize]);
            } else if !url {
                out.push(b'=');
            }
        }
    }
    // Only alphabet bytes and '=' were written: always ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// Lower-case hex with a separator-free layout.
pub fn hex_lower(bytes: &[u8]) -> String {
    crate::der::hex(bytes, b"0123456789abcdef")
}

/// Parses hex (either case, optional `:` separators) into bytes.
pub(crate) fn parse_hex(s: &str) -> Result<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|&b| b != b':').collect();
    if !digits.len().is_multiple_of(2) {
        return Err(Error::malformed("hex: odd number of digits", None));
    }
    digits
        .chunks_exact(2)
        .map(|p| {
            let h = (p[0] as char).to_digit(16);
            let l = (p[1] as char).to_digit(16);
            match (h, l) {
                (Some(h), Some(l)) => u8::try_from(h * 16 + l).map_err(|_| Error::malformed("hex", None)),
                _ => Err(Error::malformed("hex: invalid digit", None)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<Vec<u8>> {
        decode_base64_chunks(&[(s.as_bytes(), 0)])
    }

    #[test]
    fn rfc4648_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(dec(enc).unwrap(), plain.as_bytes(), "{enc}");
        }
    }

    #[test]
    fn chunks_join_and_errors_locate() {
        assert_eq!(
            decode_base64_chunks(&[(b"Zm9v", 10), (b"YmFy", 20)]).unwrap(),
            b"foobar"
        );
        let e = decode_base64_chunks(&[(b"Zm9v", 10), (b"Ym*y", 20)]).unwrap_err();
        assert_eq!(e.offset(), Some(22));
        assert!(dec("Zm9").is_err());
        assert!(dec("Zg==Zg==").is_err());
        assert!(dec("Zh==").is_err(), "non-zero padding bits");
        assert!(dec("Z===").is_err());
    }

    #[test]
    fn base64url_table_decoder_matches_the_reference() {
        for (enc, plain) in [
            ("", ""),
            ("Zg", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYmE", "fooba"),
            ("_-8", "\u{ffef}"),
        ] {
            let _ = plain;
            let std: String = enc.replace('-', "+").replace('_', "/");
            let padded = format!("{std}{}", "=".repeat((4 - std.len() % 4) % 4));
            assert_eq!(
                decode_base64url_nopad(enc.as_bytes(), 0).unwrap(),
                dec(&padded).unwrap(),
                "{enc}"
            );
        }
        assert!(decode_base64url_nopad(b"Zg=", 0).is_err());
        assert!(decode_base64url_nopad(b"Zh", 0).is_err(), "non-canonical");
        assert!(decode_base64url_nopad(b"Z", 0).is_err());
        assert_eq!(decode_base64url_nopad(b"Zm9v+", 7).unwrap_err().offset(), Some(11));
    }

    #[test]
    fn hex() {
        assert_eq!(parse_hex("0a:FF").unwrap(), [0x0A, 0xFF]);
        assert!(parse_hex("0g").is_err());
        assert!(parse_hex("abc").is_err());
        assert_eq!(hex_lower(&[0xAB, 0x01]), "ab01");
    }
}
