//! The saved form of a [`CrlIndex`]: written by [`CrlIndex::to_bytes`], loaded by
//! [`CrlIndex::from_bytes`] without re-parsing the CRL (a million-entry index loads in
//! milliseconds). The layout is in `to_bytes`'s documentation.

use sha2::{Digest, Sha256};

use super::{cmp_long, unusable, CrlIndex, LongEntry, NO_REASON};
use crate::error::Result;
use crate::revocation::Reason;

/// Saved-index magic and format version.
const MAGIC: &[u8; 8] = b"JPKICRLX";
/// Version 2 added the CRL's scope (issuingDistributionPoint names). A version-1 index is
/// refused: it was made by a release that ignored a partitioned CRL's scope.
const FORMAT_VERSION: u16 = 2;

impl CrlIndex {
    /// The saved form: magic `JPKICRLX`, format version, the CRL's SHA-256, issuer DN and its
    /// DER, issuer key id, anchor id, thisUpdate, nextUpdate, cRLNumber, entry counts, the
    /// body (serials, dates, reasons, long serials), then the SHA-256 of everything before it.
    /// Integers are little-endian; strings and byte strings are `u32` length + bytes.
    ///
    /// The trailing hash detects damage, not forgery: keep saved indexes where only the
    /// importer can write (anyone who can write the file can also recompute the hash).
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = self.serials.len() * 13 + self.long.iter().map(|e| 6 + e.serial.len()).sum::<usize>();
        let mut out = Vec::with_capacity(256 + self.issuer.len() + self.issuer_der.len() + body);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.crl_sha256);
        put_bytes(&mut out, self.issuer.as_bytes());
        put_bytes(&mut out, &self.issuer_der);
        out.push(u8::from(self.key_id.is_some()));
        put_bytes(&mut out, self.key_id.as_deref().unwrap_or_default());
        put_bytes(&mut out, self.anchor_id.as_bytes());
        out.extend_from_slice(&self.this_update.to_le_bytes());
        out.push(u8::from(self.next_update.is_some()));
        out.extend_from_slice(&self.next_update.unwrap_or(0).to_le_bytes());
        out.push(u8::from(self.crl_number.is_some()));
        put_bytes(&mut out, self.crl_number.as_deref().unwrap_or_default().as_bytes());
        out.push(u8::from(self.scope.is_some()));
        let scope = self.scope.as_deref().unwrap_or_default();
        out.extend_from_slice(&(scope.len() as u32).to_le_bytes());
        for name in scope {
            put_bytes(&mut out, name);
        }
        out.extend_from_slice(&(self.serials.len() as u64).to_le_bytes());
        out.extend_from_slice(&(self.long.len() as u64).to_le_bytes());
        for s in &self.serials {
            out.extend_from_slice(&s.to_le_bytes());
        }
        for d in &self.dates {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out.extend_from_slice(&self.reasons);
        for e in &self.long {
            out.push(e.serial.len() as u8);
            out.extend_from_slice(&e.serial);
            out.extend_from_slice(&e.date.to_le_bytes());
            out.push(e.reason);
        }
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// Loads a saved index ([`CrlIndex::to_bytes`]) without re-parsing the CRL: checks the
    /// trailing SHA-256, the format, that serials are strictly increasing and reasons valid.
    /// Any failure is `JPKI_REVOCATION_SOURCE_INVALID`.
    pub fn from_bytes(bytes: &[u8]) -> Result<CrlIndex> {
        let damaged = |what: &str| unusable(format!("saved CRL index: {what}"));
        let split = bytes.len().checked_sub(32).ok_or_else(|| damaged("too short"))?;
        let (content, digest) = bytes.split_at(split);
        if Sha256::digest(content).as_slice() != digest {
            return Err(damaged("SHA-256 does not match (file damaged or truncated)"));
        }
        let mut c = Cursor { data: content, pos: 0 };
        if c.take(8)? != MAGIC {
            return Err(damaged("not a jpki-verify CRL index"));
        }
        match c.u16()? {
            FORMAT_VERSION => {}
            1 => {
                return Err(damaged(
                    "format version 1 does not record the CRL's scope: import the CRL again",
                ))
            }
            _ => return Err(damaged("unsupported format version")),
        }
        let mut crl_sha256 = [0u8; 32];
        crl_sha256.copy_from_slice(c.take(32)?);
        let issuer = c.string()?;
        let issuer_der = c.bytes()?.to_vec();
        let has_key_id = c.flag()?;
        let key_id = c.bytes()?;
        let key_id = has_key_id.then(|| key_id.to_vec());
        let anchor_id = c.string()?;
        let this_update = c.i64()?;
        let has_next = c.flag()?;
        let next = c.i64()?;
        let next_update = has_next.then_some(next);
        let has_number = c.flag()?;
        let number = c.string()?;
        let crl_number = has_number.then_some(number);
        let has_scope = c.flag()?;
        let names = c.u32()?;
        if names as usize > crate::pkix::MAX_DISTRIBUTION_NAMES || (!has_scope && names != 0) {
            return Err(damaged("invalid scope"));
        }
        let mut scope = Vec::new();
        for _ in 0..names {
            scope.push(c.bytes()?.to_vec());
        }
        let scope = has_scope.then_some(scope);
        let n = usize::try_from(c.u64()?).map_err(|_| damaged("count"))?;
        let n_long = usize::try_from(c.u64()?).map_err(|_| damaged("count"))?;
        if n.checked_mul(13).is_none_or(|b| b > c.remaining()) || n_long > c.remaining() / 6 {
            return Err(damaged("counts exceed the file"));
        }
        let serials: Vec<u64> = c
            .take(n * 8)?
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            .collect();
        let dates: Vec<u32> = c
            .take(n * 4)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let reasons = c.take(n)?.to_vec();
        if !serials.windows(2).all(|w| w[0] < w[1]) {
            return Err(damaged("serials are not strictly increasing"));
        }
        if !reasons
            .iter()
            .all(|&r| r == NO_REASON || Reason::from_code(r).is_some())
        {
            return Err(damaged("invalid reason code"));
        }
        let mut long = Vec::with_capacity(n_long);
        for _ in 0..n_long {
            let len = usize::from(c.take(1)?[0]);
            let serial: Box<[u8]> = c.take(len)?.into();
            let d = c.take(4)?;
            let date = u32::from_le_bytes([d[0], d[1], d[2], d[3]]);
            let reason = c.take(1)?[0];
            if serial.len() <= 8 || serial[0] == 0 || (reason != NO_REASON && Reason::from_code(reason).is_none()) {
                return Err(damaged("invalid long serial entry"));
            }
            if long
                .last()
                .is_some_and(|p: &LongEntry| cmp_long(&p.serial, &serial) != core::cmp::Ordering::Less)
            {
                return Err(damaged("long serials are not strictly increasing"));
            }
            long.push(LongEntry { serial, date, reason });
        }
        if c.remaining() != 0 {
            return Err(damaged("trailing data"));
        }
        Ok(CrlIndex {
            crl_sha256,
            issuer,
            issuer_der,
            key_id,
            anchor_id,
            this_update,
            next_update,
            crl_number,
            scope,
            from_saved: true,
            serials,
            dates,
            reasons,
            long,
        })
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// A bounds-checked reader over a saved index.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(unusable("saved CRL index: truncated"));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }

    fn i64(&mut self) -> Result<i64> {
        Ok(self.u64()? as i64)
    }

    fn flag(&mut self) -> Result<bool> {
        match self.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(unusable("saved CRL index: bad flag")),
        }
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = usize::try_from(self.u32()?).map_err(|_| unusable("saved CRL index: length"))?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| unusable("saved CRL index: text is not UTF-8"))
    }
}
