//! PEM (RFC 7468 §5, "strict" textual encoding of certificates).
//!
//! ```text
//! -----BEGIN CERTIFICATE-----
//! base64 lines
//! -----END CERTIFICATE-----
//! ```
//!
//! Explanatory text before the first block and after the last is ignored, as RFC 7468 §2
//! allows (OpenSSL's `-text` output puts the dump first). Exactly one `CERTIFICATE` block is
//! accepted; anything inside the block that is not base64 is an error with its byte offset.

use crate::encoding::decode_base64_chunks;
use crate::error::{Error, Result};

const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
const END: &[u8] = b"-----END CERTIFICATE-----";

/// Whether `input` looks like PEM rather than DER (it contains a BEGIN line of any label).
pub(crate) fn looks_like_pem(input: &[u8]) -> bool {
    input.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Extracts and decodes the single `CERTIFICATE` block into DER.
pub(crate) fn decode_certificate(input: &[u8]) -> Result<Vec<u8>> {
    let begin =
        find(input, BEGIN, 0).ok_or_else(|| Error::malformed("PEM: no '-----BEGIN CERTIFICATE-----' line", None))?;
    let body_start = begin + BEGIN.len();
    let end = find(input, END, body_start)
        .ok_or_else(|| Error::malformed("PEM: no '-----END CERTIFICATE-----' line", Some(begin)))?;
    if let Some(second) = find(input, BEGIN, end) {
        return Err(Error::malformed(
            "PEM: more than one certificate; pass one at a time",
            Some(second),
        ));
    }
    let mut chunks = Vec::new();
    let mut line_start = body_start;
    for (i, &b) in input[body_start..end].iter().enumerate() {
        let at = body_start + i;
        if b == b'\n' {
            push_line(input, line_start, at, &mut chunks);
            line_start = at + 1;
        }
    }
    push_line(input, line_start, end, &mut chunks);
    let der = decode_base64_chunks(&chunks).map_err(|e| match e {
        Error::Malformed { what, offset } => Error::malformed(format!("PEM body: {what}"), offset),
        other => other,
    })?;
    if der.is_empty() {
        return Err(Error::malformed("PEM: empty certificate block", Some(body_start)));
    }
    Ok(der)
}

/// Adds the line `input[start..end]` without surrounding whitespace (CR, spaces, tabs).
fn push_line<'a>(input: &'a [u8], start: usize, end: usize, chunks: &mut Vec<(&'a [u8], usize)>) {
    let line = &input[start..end];
    let lead = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = line.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
    if lead < line.len() {
        chunks.push((&line[lead..line.len() - trail], start + lead));
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_with_surrounding_text_and_crlf() {
        let pem =
            b"Certificate:\n  dump\r\n-----BEGIN CERTIFICATE-----\r\nMAMC\r\nAQU=\r\n-----END CERTIFICATE-----\r\n";
        let der = decode_certificate(pem).unwrap();
        assert_eq!(der, [0x30, 0x03, 0x02, 0x01, 0x05]);
    }

    #[test]
    fn garbage_is_located() {
        let pem = b"-----BEGIN CERTIFICATE-----\nMAMC\nA!U=\n-----END CERTIFICATE-----\n";
        let e = decode_certificate(pem).unwrap_err();
        assert_eq!(e.offset(), Some(34));
        assert!(e.to_string().contains("PEM body"));
    }

    #[test]
    fn structure_errors() {
        assert!(decode_certificate(b"-----BEGIN CERTIFICATE-----\nMAMC\n").is_err());
        assert!(decode_certificate(b"-----BEGIN PUBLIC KEY-----\n").is_err());
        let two = b"-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n";
        assert!(decode_certificate(two)
            .unwrap_err()
            .to_string()
            .contains("more than one"));
        assert!(decode_certificate(b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----").is_err());
        assert!(looks_like_pem(b"xx-----BEGIN X"));
    }
}
