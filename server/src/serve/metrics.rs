//! `/metrics`: Prometheus text exposition of a few counters and a latency histogram for
//! assertion verification. Lock-free atomics; no external metrics crate.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// Histogram bucket upper bounds, in microseconds.
const BUCKETS_US: [u64; 12] = [
    100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000,
];

/// The server's counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub(crate) challenges_issued: AtomicU64,
    pub(crate) assertions_valid: AtomicU64,
    pub(crate) assertions_invalid: AtomicU64,
    pub(crate) nonce_reused: AtomicU64,
    pub(crate) nonce_unknown: AtomicU64,
    pub(crate) records_created: AtomicU64,
    pub(crate) audit_views: AtomicU64,
    pub(crate) store_errors: AtomicU64,
    pub(crate) bad_requests: AtomicU64,
    /// Connections closed on accept because `--max-connections` were open.
    pub(crate) connections_refused: AtomicU64,
    /// Requests answered `429` by a per-client rate limit.
    pub(crate) rate_limited: AtomicU64,
    verify_buckets: [AtomicU64; BUCKETS_US.len()],
    verify_count: AtomicU64,
    verify_sum_us: AtomicU64,
}

impl Metrics {
    /// Adds one assertion-handling duration.
    pub(crate) fn observe_verify(&self, micros: u64) {
        for (bound, bucket) in BUCKETS_US.iter().zip(&self.verify_buckets) {
            if micros <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.verify_count.fetch_add(1, Ordering::Relaxed);
        self.verify_sum_us.fetch_add(micros, Ordering::Relaxed);
    }

    /// Prometheus text format 0.0.4.
    pub(crate) fn render(&self, backend: &str) -> String {
        let mut s = String::new();
        let counters: [(&str, &str, &AtomicU64); 11] = [
            (
                "jpki_challenges_issued_total",
                "Challenges issued.",
                &self.challenges_issued,
            ),
            (
                "jpki_assertions_valid_total",
                "Assertions verified valid.",
                &self.assertions_valid,
            ),
            (
                "jpki_assertions_invalid_total",
                "Assertions rejected by verification.",
                &self.assertions_invalid,
            ),
            (
                "jpki_nonce_reused_total",
                "Submissions of an already used challenge.",
                &self.nonce_reused,
            ),
            (
                "jpki_nonce_unknown_total",
                "Submissions of an unknown or expired challenge.",
                &self.nonce_unknown,
            ),
            (
                "jpki_records_created_total",
                "Account-opening records committed.",
                &self.records_created,
            ),
            (
                "jpki_audit_views_total",
                "Audit trails shown to their subject.",
                &self.audit_views,
            ),
            ("jpki_store_errors_total", "Database failures.", &self.store_errors),
            (
                "jpki_bad_requests_total",
                "Requests refused as malformed.",
                &self.bad_requests,
            ),
            (
                "jpki_connections_refused_total",
                "Connections closed on accept: the connection limit was reached.",
                &self.connections_refused,
            ),
            (
                "jpki_rate_limited_total",
                "Requests answered 429 by a per-client rate limit.",
                &self.rate_limited,
            ),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(
                s,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name}{{db=\"{backend}\"}} {}",
                v.load(Ordering::Relaxed)
            );
        }
        let name = "jpki_assertion_seconds";
        let _ = writeln!(
            s,
            "# HELP {name} Time to handle one assertion submission.\n# TYPE {name} histogram"
        );
        for (bound, bucket) in BUCKETS_US.iter().zip(&self.verify_buckets) {
            let le = *bound as f64 / 1e6;
            let _ = writeln!(s, "{name}_bucket{{le=\"{le}\"}} {}", bucket.load(Ordering::Relaxed));
        }
        let count = self.verify_count.load(Ordering::Relaxed);
        let _ = writeln!(s, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            s,
            "{name}_sum {}",
            self.verify_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(s, "{name}_count {count}");
        s
    }
}
