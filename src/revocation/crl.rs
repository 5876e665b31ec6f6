//! CRLs: `CertificateList` (RFC 5280 §5) parsing, signature verification against the issuing
//! CA, freshness, reason codes, and a compact index that can be saved and loaded.
