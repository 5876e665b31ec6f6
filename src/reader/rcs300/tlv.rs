//! BER-TLV data objects of PC/SC 2.0 part 3 as the RC-S300 carries them (`docs/readers.md` §2.3,
//! addendum §2.3): one- or two-byte tags (a first byte whose low 5 bits are all set takes a
//! second byte: `5F 46`, `FF 6E`, `FF 6D`), lengths `LL` or `81 LL` / `82 HH LL`.
//!
//! ```text
//! request DOs   90 02 mask (u16 BE)   transceive flags (00 1C for Type B: reader adds/strips CRC)
//!               5F 46 04 t (u32 LE)   timeout, µs
//!               95 82 HH LL frame     the bytes to send
//! reply DOs     C0 03 e SW1 SW2       generic status (e = 0: no error)
//!               92 01 · 96 02 …       valid bits, RF status
//!               97 LL bytes           what the card sent
//! ```

use crate::error::{Error, Result};

fn bad(what: &str) -> Error {
    Error::ReaderProtocol {
        reason: format!("RC-S300 data object: {what}"),
    }
}

/// Appends one data object.
pub fn put(out: &mut Vec<u8>, tag: u16, value: &[u8]) -> Result<()> {
    let [hi, lo] = tag.to_be_bytes();
    if hi != 0 {
        out.push(hi);
    }
    out.push(lo);
    match value.len() {
        n @ 0..=0x7F => out.push(n as u8),
        n @ 0x80..=0xFF => out.extend_from_slice(&[0x81, n as u8]),
        n => {
            let n = u16::try_from(n).map_err(|_| bad("value longer than 65535 bytes"))?;
            out.push(0x82);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    out.extend_from_slice(value);
    Ok(())
}

/// Splits `bytes` into data objects `(tag, value)`; every byte must belong to one.
pub fn parse(mut bytes: &[u8]) -> Result<Vec<(u16, &[u8])>> {
    let mut out = Vec::new();
    while let Some((&first, rest)) = bytes.split_first() {
        let (tag, rest) = if first & 0x1F == 0x1F {
            let (&second, rest) = rest.split_first().ok_or_else(|| bad("truncated tag"))?;
            (u16::from_be_bytes([first, second]), rest)
        } else {
            (u16::from(first), rest)
        };
        let (&l, rest) = rest.split_first().ok_or_else(|| bad("no length"))?;
        let (len, rest) = match l {
            0..=0x7F => (usize::from(l), rest),
            0x81 => {
                let (&n, rest) = rest.split_first().ok_or_else(|| bad("truncated length"))?;
                (usize::from(n), rest)
            }
            0x82 => {
                let (n, rest) = rest.split_first_chunk::<2>().ok_or_else(|| bad("truncated length"))?;
                (usize::from(u16::from_be_bytes(*n)), rest)
            }
            _ => return Err(bad("unsupported length form")),
        };
        let (value, rest) = rest
            .split_at_checked(len)
            .ok_or_else(|| bad("value longer than the bytes received"))?;
        out.push((tag, value));
        bytes = rest;
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The addendum's REQB transparent exchange DOs (felica-rs), byte for byte.
    #[test]
    fn request_dos_of_the_addendum() {
        let mut dos = Vec::new();
        put(&mut dos, 0x90, &[0x00, 0x1C]).unwrap();
        put(&mut dos, 0x5F46, &10_000u32.to_le_bytes()).unwrap();
        put(&mut dos, 0x95, &[0x05, 0x00, 0x00]).unwrap();
        // 95 with a 2-byte length is what the readers send: 95 82 00 03.
        assert_eq!(
            dos[..11],
            [0x90, 0x02, 0x00, 0x1C, 0x5F, 0x46, 0x04, 0x10, 0x27, 0x00, 0x00]
        );
        let parsed = parse(&dos).unwrap();
        assert_eq!(parsed[1], (0x5F46, &[0x10, 0x27, 0x00, 0x00][..]));
        assert_eq!(
            parse(&[0x95, 0x82, 0x00, 0x03, 5, 0, 0]).unwrap(),
            [(0x95, &[5, 0, 0][..])]
        );
        let long = vec![0xAB; 300];
        let mut d = Vec::new();
        put(&mut d, 0x97, &long).unwrap();
        assert_eq!(parse(&d).unwrap(), [(0x97, long.as_slice())]);
    }

    #[test]
    fn truncated_dos_are_errors() {
        let mut d = Vec::new();
        put(&mut d, 0x5F46, &[1, 2, 3, 4]).unwrap();
        put(&mut d, 0x97, &[9; 200]).unwrap();
        for n in 1..d.len() {
            let _ = parse(&d[..n]); // never panics
        }
        assert!(parse(&d[..d.len() - 1]).is_err());
        assert!(parse(&[0x97, 0x83, 0, 0, 1]).is_err());
    }
}
