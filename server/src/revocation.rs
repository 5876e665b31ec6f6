//! The server's revocation sources: a folder of CRLs and saved CRL indexes (reloaded when it
//! changes, without a restart) and an OCSP responder URL. Shared by `serve`, `recheck` and
//! `crl import`. The core does the parsing, verification and policy; this module does the
//! file and network I/O it must not do.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use jpki_verify::crypto::Ring;
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::trust::TrustAnchors;

/// File extension of a saved CRL index (`jpki-verify crl import` writes it).
pub(crate) const INDEX_EXTENSION: &str = "crlidx";

/// The CRL indexes currently in force, swapped whole when the folder changes.
#[derive(Debug, Default)]
pub(crate) struct CrlSet {
    indexes: RwLock<Arc<Vec<CrlIndex>>>,
}

impl CrlSet {
    pub(crate) fn snapshot(&self) -> Arc<Vec<CrlIndex>> {
        self.indexes.read().map(|g| Arc::clone(&g)).unwrap_or_default()
    }

    fn replace(&self, v: Vec<CrlIndex>) {
        if let Ok(mut g) = self.indexes.write() {
            *g = Arc::new(v);
        }
    }
}

/// Whether an index names one of `anchors` (id and issuer DN): a saved index of another trust
/// setting (a test index under J-LIS trust) is never used.
pub(crate) fn index_matches_anchors(index: &CrlIndex, anchors: &TrustAnchors) -> bool {
    anchors
        .iter()
        .any(|a| a.reference.id == index.anchor_id() && a.subject == index.issuer())
}

/// Loads every CRL (`*.crl`, `*.der`: parsed and its signature verified against `anchors`) in
/// `dir`, and — only when `trust_indexes` — every saved index (`*.crlidx`). A saved index is
/// checked for damage (its SHA-256) and for naming a configured anchor, not for its origin: it
/// is trusted as much as whoever can write the folder, so by default only signed CRLs count.
/// Files that fail are logged and skipped; when two CRLs come from the same issuer, the newest
/// (thisUpdate) wins.
pub(crate) fn load_dir(dir: &Path, anchors: &TrustAnchors, trust_indexes: bool) -> Vec<CrlIndex> {
    let mut out: Vec<CrlIndex> = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        tracing::warn!(dir = %dir.display(), "CRL folder cannot be read");
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let loaded = match ext.as_str() {
            INDEX_EXTENSION if !trust_indexes => {
                tracing::debug!(file = %path.display(), "saved CRL index ignored (no --trust-crl-indexes)");
                continue;
            }
            INDEX_EXTENSION => std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| CrlIndex::from_bytes(&b).map_err(|e| format!("{}: {e}", e.code())))
                .and_then(|i| {
                    if index_matches_anchors(&i, anchors) {
                        Ok(i)
                    } else {
                        Err(format!(
                            "names anchor {} that this trust setting does not have",
                            i.anchor_id()
                        ))
                    }
                }),
            "crl" | "der" => std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| CrlIndex::build(&b, anchors, &Ring).map_err(|e| format!("{}: {e}", e.code()))),
            _ => continue,
        };
        match loaded {
            Ok(index) => {
                tracing::info!(file = %path.display(), anchor = index.anchor_id(), entries = index.len(), "CRL loaded");
                if let Some(existing) = out
                    .iter_mut()
                    .find(|i| i.issuer() == index.issuer() && i.anchor_id() == index.anchor_id())
                {
                    if index.this_update() > existing.this_update() {
                        *existing = index;
                    }
                } else {
                    out.push(index);
                }
            }
            Err(e) => tracing::warn!(file = %path.display(), error = %e, "CRL skipped"),
        }
    }
    out
}

/// What identifies the folder's state: names, sizes and modification times.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.path(), m.len(), m.modified().ok()))
        })
        .collect();
    v.sort();
    v
}

/// Loads `dir` into `set` now, then polls it every `every` and reloads when it changes (a new
/// daily CRL dropped in, an index replaced) — no restart, no inotify dependency.
pub(crate) fn watch(
    dir: PathBuf,
    anchors: TrustAnchors,
    trust_indexes: bool,
    set: Arc<CrlSet>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    set.replace(load_dir(&dir, &anchors, trust_indexes));
    tokio::spawn(async move {
        let mut last = fingerprint(&dir);
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let now = fingerprint(&dir);
            if now != last {
                last = now;
                let (d, a) = (dir.clone(), anchors.clone());
                match tokio::task::spawn_blocking(move || load_dir(&d, &a, trust_indexes)).await {
                    Ok(v) => {
                        tracing::info!(indexes = v.len(), "CRL folder changed: reloaded");
                        set.replace(v);
                    }
                    Err(e) => tracing::warn!(error = %e, "CRL reload failed"),
                }
            }
        }
    })
}

/// POSTs a DER OCSP request to an `http://` responder (RFC 6960 Appendix A.1) and returns the
/// response body ([`crate::http_client::post`]: 10 s, 64 KiB).
pub(crate) async fn ocsp_fetch(url: &str, request: &[u8]) -> Result<Vec<u8>, String> {
    crate::http_client::post(url, "application/ocsp-request", request)
        .await
        .map_err(|e| format!("OCSP responder: {e}"))
}
