//! Persistent state: challenges, account-opening records, audit events, the pairwise-subject
//! secret. One schema (`server/migrations/`) and one set of queries for SQLite (embedded
//! default: a file in WAL mode) and PostgreSQL (several instances sharing state), through
//! sqlx's `Any` driver.
//!
//! Single use of a challenge rests on one conditional statement,
//! `UPDATE challenges SET consumed_at = $1 WHERE consumed_at IS NULL AND nonce IN (…) RETURNING
//! nonce`, run in the same transaction as the record and audit inserts: a nonce is returned to
//! exactly one transaction, on SQLite (one writer) and on PostgreSQL (row lock, re-evaluated
//! `WHERE` under READ COMMITTED) alike, and within a batch to exactly one submission.
//!
//! **Group commit.** Writes go through one writer task per process (`Writer`): it takes every
//! write waiting in its queue (up to [`MAX_BATCH`]) and commits them in one transaction of five
//! statements whatever the batch size (BEGIN, the consuming UPDATE, one multi-row INSERT for
//! records, one for events, COMMIT), then answers each submission. Under load the batches grow
//! by themselves; idle, a batch is one write and adds no delay. A submission is acknowledged
//! only after the transaction holding its record committed. PostgreSQL deadlocks between
//! instances (two batches locking shared nonces in different orders) are retried.

mod consents;
mod sessions;
mod writer;

pub(crate) use consents::{BasicInformationEntry, Consent};
pub(crate) use sessions::Session;

pub(crate) use writer::MAX_BATCH;
use writer::*;

use std::time::Duration;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Executor, Row};
use tokio::sync::{mpsc, oneshot};

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A storage failure (the API answers 503 `JPKI_UNAVAILABLE`; details are logged, not sent).
#[derive(Debug)]
pub(crate) struct StoreError(pub(crate) String);

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError(e.to_string())
    }
}

type StoreResult<T> = Result<T, StoreError>;

/// A challenge as stored.
#[derive(Clone, Debug)]
pub(crate) struct Challenge {
    pub(crate) nonce: String,
    pub(crate) purpose: String,
    pub(crate) audience: String,
    pub(crate) issued_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) consumed_at: Option<i64>,
}

/// An account-opening record (the columns of `account_records`).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountRecord {
    pub(crate) id: String,
    pub(crate) subject: String,
    pub(crate) auth_subject: Option<String>,
    pub(crate) name: String,
    /// JSON array of booleans.
    pub(crate) name_substituted: String,
    /// JSON object (era, year, month, day, gregorian).
    pub(crate) date_of_birth: String,
    pub(crate) sex: String,
    pub(crate) address: String,
    /// JSON array of booleans.
    pub(crate) address_substituted: String,
    pub(crate) cert_serial: String,
    pub(crate) cert_issuer: String,
    pub(crate) cert_not_after: String,
    /// JSON verdict summary.
    pub(crate) verdict: String,
    pub(crate) evidence_format: String,
    pub(crate) evidence: String,
    pub(crate) challenge_issued_at: i64,
    pub(crate) verified_at: i64,
    pub(crate) created_at: i64,
    /// The customer (stable across renewals; migration 0004).
    pub(crate) customer_id: String,
    /// `account-opening` or `renewal`.
    pub(crate) purpose: String,
    /// JSON: what the claims policy kept (`serve/claims_policy.rs`).
    pub(crate) kept: String,
    /// The certificate model's token (`card`, `smartphone`, `unknown`).
    pub(crate) token: String,
}

/// A linkage decision that joined a new record to an existing customer (`customer_links`).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerLink {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    pub(crate) record_id: String,
    pub(crate) previous_record_id: String,
    /// `operator-linkage` or `basic-information`.
    pub(crate) basis: String,
    /// JSON, no identity.
    pub(crate) evidence: String,
    pub(crate) at: i64,
}

/// An audit event (the columns of `audit_events`).
#[derive(Clone, Debug)]
pub(crate) struct AuditEvent {
    pub(crate) id: String,
    pub(crate) at: i64,
    pub(crate) subject: Option<String>,
    pub(crate) purpose: String,
    pub(crate) outcome: String,
    pub(crate) code: Option<String>,
    pub(crate) audience: String,
    pub(crate) record_id: Option<String>,
    pub(crate) instance: String,
    /// JSON detail of the outcome (no identity), e.g. a renewal's linkage basis.
    pub(crate) detail: Option<String>,
}

/// One account's result in a revocation re-check run (the columns of `recheck_results`).
#[derive(Clone, Debug)]
pub(crate) struct RecheckRow {
    pub(crate) id: String,
    pub(crate) run_id: String,
    pub(crate) record_id: String,
    pub(crate) checked_at: i64,
    pub(crate) status: String,
    pub(crate) reason: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) previous_status: String,
    pub(crate) changed: bool,
}

/// A hand-off to a phone (migration 0003).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Handoff {
    pub(crate) id: String,
    pub(crate) nonce: String,
    pub(crate) code: String,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) claimed_at: Option<i64>,
    pub(crate) finished_at: Option<i64>,
    pub(crate) outcome: Option<String>,
    pub(crate) record_id: Option<String>,
}

const HANDOFF_COLUMNS: &str = "id, nonce, code, created_at, expires_at, claimed_at, finished_at, outcome, record_id";

fn handoff_from(r: &AnyRow) -> StoreResult<Handoff> {
    Ok(Handoff {
        id: r.try_get(0)?,
        nonce: r.try_get(1)?,
        code: r.try_get(2)?,
        created_at: r.try_get(3)?,
        expires_at: r.try_get(4)?,
        claimed_at: r.try_get(5)?,
        finished_at: r.try_get(6)?,
        outcome: r.try_get(7)?,
        record_id: r.try_get(8)?,
    })
}

/// How a consuming transaction ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Consumed {
    /// This submission consumed the challenge; the record/event are committed.
    Won,
    /// Another submission consumed it first; nothing was written.
    AlreadyUsed,
}

/// The database, with a separate single-connection writer for SQLite (one writer at a time is
/// SQLite's model; queuing in the pool beats `SQLITE_BUSY` retries) and a reader pool.
#[derive(Clone, Debug)]
pub(crate) struct Store {
    backend: Backend,
    writer: AnyPool,
    reader: AnyPool,
    queue: mpsc::Sender<WriteOp>,
    /// Challenges this instance issued, so that most submissions need no read: the database
    /// stays the authority (the consuming UPDATE decides single use); an entry only saves the
    /// lookup of purpose, audience and expiry, and marks local use for early replay refusal.
    cache: Arc<Mutex<HashMap<String, Challenge>>>,
}

/// Most challenges kept in the local cache (beyond it, lookups go to the database).
const CACHE_CAPACITY: usize = 200_000;

const MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Names `url`'s database, or says why it is not one we support.
pub(crate) fn backend_of(url: &str) -> Result<Backend, String> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err("--db must be sqlite://FILE or postgres://…".to_owned())
    }
}

impl Store {
    /// Connects (creating a SQLite file if needed), applies the migrations.
    pub(crate) async fn open(url: &str, max_connections: u32) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url).map_err(StoreError)?;
        let store = match backend {
            Backend::Sqlite => {
                let url = if url.contains("mode=") {
                    url.to_owned()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                };
                let writer = sqlite_pool(&url, 1).await?;
                let reader = sqlite_pool(&url, max_connections.max(1)).await?;
                (writer, reader)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections.max(2))
                    // A dead connection fails its query (→ 503, retry); no ping per acquire.
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                (pool.clone(), pool)
            }
        };
        let (writer, reader) = store;
        let (queue, rx) = mpsc::channel(MAX_BATCH * 16);
        tokio::spawn(writer_loop(writer.clone(), rx));
        let store = Store {
            backend,
            writer,
            reader,
            queue,
            cache: Arc::new(Mutex::new(HashMap::new())),
        };
        // Concurrent instances: the migrator takes an advisory lock on PostgreSQL.
        MIGRATOR.run(&store.writer).await?;
        Ok(store)
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// Cheap liveness query for `/healthz`.
    pub(crate) async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    /// The named secret, created with `fresh` by the first instance that asks (all instances
    /// on one database then agree on it).
    pub(crate) async fn secret(&self, name: &str, fresh: &str, now: i64) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .bind(now)
        .execute(&self.writer)
        .await?;
        let row = sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.writer)
            .await?;
        Ok(row.try_get::<String, _>(0)?)
    }

    /// Stores a new challenge (through the writer: committed before this returns).
    pub(crate) async fn insert_challenge(&self, c: &Challenge) -> StoreResult<()> {
        let (reply, answer) = oneshot::channel();
        self.send(WriteOp::Challenge(c.clone(), reply)).await?;
        answer.await.map_err(|_| writer_gone())??;
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() < CACHE_CAPACITY {
                cache.insert(c.nonce.clone(), c.clone());
            }
        }
        Ok(())
    }

    async fn send(&self, op: WriteOp) -> StoreResult<()> {
        self.queue.send(op).await.map_err(|_| writer_gone())
    }

    pub(crate) async fn challenge(&self, nonce: &str) -> StoreResult<Option<Challenge>> {
        if let Some(c) = self.cache.lock().ok().and_then(|cache| cache.get(nonce).cloned()) {
            return Ok(Some(c));
        }
        let row = sqlx::query(
            "SELECT nonce, purpose, audience, issued_at, expires_at, consumed_at FROM challenges WHERE nonce = $1",
        )
        .bind(nonce)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| {
            Ok(Challenge {
                nonce: r.try_get(0)?,
                purpose: r.try_get(1)?,
                audience: r.try_get(2)?,
                issued_at: r.try_get(3)?,
                expires_at: r.try_get(4)?,
                consumed_at: r.try_get(5)?,
            })
        })
        .transpose()
    }

    /// Consumes the challenge and writes the record (if any) and the event, atomically
    /// (group-committed with other writes; returns after the commit).
    pub(crate) async fn consume(
        &self,
        nonce: &str,
        now: i64,
        record: Option<&AccountRecord>,
        link: Option<&CustomerLink>,
        event: &AuditEvent,
    ) -> StoreResult<Consumed> {
        let (reply, answer) = oneshot::channel();
        self.send(WriteOp::Consume(Box::new(ConsumeOp {
            nonce: nonce.to_owned(),
            now,
            record: record.cloned(),
            link: link.cloned(),
            event: event.clone(),
            reply,
        })))
        .await?;
        let outcome = answer.await.map_err(|_| writer_gone())??;
        if let Ok(mut cache) = self.cache.lock() {
            if let Some(c) = cache.get_mut(nonce) {
                c.consumed_at = Some(now);
            }
        }
        Ok(outcome)
    }

    /// Writes one audit event on its own (direct write: an operator's read of a record is
    /// recorded before the record is answered).
    pub(crate) async fn insert_event(&self, e: &AuditEvent) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO audit_events ({EVENT_COLUMNS}) VALUES {}",
            placeholders(1, 10, 0)
        );
        bind_event(sqlx::query(&sql), e).execute(&self.writer).await?;
        Ok(())
    }

    /// Stores a new hand-off (direct write: it must exist before its QR code is shown).
    pub(crate) async fn insert_handoff(&self, h: &Handoff, token_hash: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO handoffs (id, token_hash, nonce, code, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&h.id)
        .bind(token_hash)
        .bind(&h.nonce)
        .bind(&h.code)
        .bind(h.created_at)
        .bind(h.expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Claims the hand-off whose token hashes to `token_hash`: exactly one caller wins (one
    /// atomic UPDATE), and only before it expires. The hand-off as it is after the attempt,
    /// and whether this call claimed it.
    pub(crate) async fn claim_handoff(&self, token_hash: &str, now: i64) -> StoreResult<Option<(Handoff, bool)>> {
        let won = sqlx::query(
            "UPDATE handoffs SET claimed_at = $1 WHERE token_hash = $2 AND claimed_at IS NULL AND expires_at >= $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.writer)
        .await?
        .rows_affected()
            == 1;
        let row = sqlx::query(&format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&self.writer)
            .await?;
        row.map(|r| Ok((handoff_from(&r)?, won))).transpose()
    }

    /// The hand-off with public id `id`.
    pub(crate) async fn handoff(&self, id: &str) -> StoreResult<Option<Handoff>> {
        let row = sqlx::query(&format!("SELECT {HANDOFF_COLUMNS} FROM handoffs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.writer)
            .await?;
        row.map(|r| handoff_from(&r)).transpose()
    }

    /// Records the outcome of the assertion that finished the claimed hand-off `id`.
    pub(crate) async fn finish_handoff(
        &self,
        id: &str,
        now: i64,
        outcome: &str,
        record_id: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE handoffs SET finished_at = $1, outcome = $2, record_id = $3 WHERE id = $4 AND claimed_at IS NOT NULL AND finished_at IS NULL",
        )
        .bind(now)
        .bind(outcome)
        .bind(record_id)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn record(&self, id: &str) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(&format!("SELECT {RECORD_COLUMNS} FROM account_records WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| record_from_row(&r)).transpose()
    }

    /// The newest record whose signature-certificate subject is `subject` (the record a renewal
    /// may continue), if any.
    pub(crate) async fn record_of_subject(&self, subject: &str) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM account_records WHERE subject = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(subject)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|r| record_from_row(&r)).transpose()
    }

    /// The records whose date of birth and sex are as given (JSON and code, as stored), the
    /// newest first: the candidates of a renewal matched by the 4 basic information. At most
    /// `limit`.
    pub(crate) async fn records_born(
        &self,
        date_of_birth: &str,
        sex: &str,
        limit: i64,
    ) -> StoreResult<Vec<AccountRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM account_records WHERE date_of_birth = $1 AND sex = $2 \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(date_of_birth)
        .bind(sex)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// `(id, subject, created_at, purpose, kept)` of a customer's records, the oldest first.
    pub(crate) async fn customer_records(
        &self,
        customer_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(String, String, i64, String, String)>> {
        let rows = sqlx::query(
            "SELECT id, subject, created_at, purpose, kept FROM account_records WHERE customer_id = $1 \
             ORDER BY created_at, id LIMIT $2",
        )
        .bind(customer_id)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                ))
            })
            .collect()
    }

    /// The linkage decisions of a customer, the oldest first.
    pub(crate) async fn customer_links(&self, customer_id: &str) -> StoreResult<Vec<CustomerLink>> {
        let rows = sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM customer_links WHERE customer_id = $1 ORDER BY at, id LIMIT 100"
        ))
        .bind(customer_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CustomerLink {
                    id: r.try_get(0)?,
                    customer_id: r.try_get(1)?,
                    record_id: r.try_get(2)?,
                    previous_record_id: r.try_get(3)?,
                    basis: r.try_get(4)?,
                    evidence: r.try_get(5)?,
                    at: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// `(id, subject, created_at, customer_id)` of the records whose signature or linked
    /// authentication subject is `subject`, the oldest first, at most `limit`: only the columns
    /// the audit view shows, not the identity or the evidence (review-security L12).
    pub(crate) async fn records_linked_to(
        &self,
        auth_subject: &str,
        limit: i64,
    ) -> StoreResult<Vec<(String, String, i64, String)>> {
        let rows = sqlx::query(
            "SELECT id, subject, created_at, customer_id FROM account_records WHERE auth_subject = $1 OR subject = $1 \
             ORDER BY created_at LIMIT $2",
        )
        .bind(auth_subject)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// Events about any of `subjects`, oldest first (at most `limit`).
    pub(crate) async fn events_about(&self, subjects: &[String], limit: i64) -> StoreResult<Vec<AuditEvent>> {
        let mut out = Vec::new();
        for s in subjects {
            let rows = sqlx::query(
                // The newest `limit` events (a person must see recent use first of all).
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM audit_events WHERE subject = $1 ORDER BY at DESC, id DESC LIMIT $2"
                ),
            )
            .bind(s)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
            for r in rows {
                out.push(AuditEvent {
                    id: r.try_get(0)?,
                    at: r.try_get(1)?,
                    subject: r.try_get(2)?,
                    purpose: r.try_get(3)?,
                    outcome: r.try_get(4)?,
                    code: r.try_get(5)?,
                    audience: r.try_get(6)?,
                    record_id: r.try_get(7)?,
                    instance: r.try_get(8)?,
                    detail: r.try_get(9)?,
                });
            }
        }
        out.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        out.dedup_by(|a, b| a.id == b.id);
        // Across subjects too: the newest `limit`, oldest first.
        let excess = out.len().saturating_sub(usize::try_from(limit).unwrap_or(usize::MAX));
        out.drain(..excess);
        Ok(out)
    }

    /// Deletes challenges that expired more than `grace_ms` ago (consumed or not).
    pub(crate) async fn purge_challenges(&self, now: i64, grace_ms: i64) -> StoreResult<u64> {
        if let Ok(mut cache) = self.cache.lock() {
            cache.retain(|_, c| c.expires_at >= now - grace_ms);
        }
        let done = sqlx::query("DELETE FROM challenges WHERE expires_at < $1")
            .bind(now - grace_ms)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    /// One page of account records for a re-check: `(id, evidence format, evidence)` with
    /// `id > after`, in id order.
    pub(crate) async fn evidence_page(&self, after: &str, limit: i64) -> StoreResult<Vec<(String, String, String)>> {
        let rows =
            sqlx::query("SELECT id, evidence_format, evidence FROM account_records WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(&self.reader)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// The status the last conclusive re-check recorded for `record_id` (`good` — verified at
    /// account opening — when it was never re-checked conclusively).
    pub(crate) async fn last_recheck_status(&self, record_id: &str) -> StoreResult<String> {
        let row = sqlx::query(
            // An `unchecked` run (no fresh source that day) says nothing about a change.
            "SELECT status FROM recheck_results WHERE record_id = $1 AND status <> 'unchecked' \
             ORDER BY checked_at DESC, id DESC LIMIT 1",
        )
        .bind(record_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(match row {
            Some(r) => r.try_get(0)?,
            None => "good".to_owned(),
        })
    }

    /// Stores one re-check run's results in one transaction.
    pub(crate) async fn insert_rechecks(&self, rows: &[RecheckRow]) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO recheck_results (id, run_id, record_id, checked_at, status, reason, source, previous_status, changed) VALUES {}",
                placeholders(chunk.len(), 9, 0)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(&r.id)
                    .bind(&r.run_id)
                    .bind(&r.record_id)
                    .bind(r.checked_at)
                    .bind(&r.status)
                    .bind(&r.reason)
                    .bind(&r.source)
                    .bind(&r.previous_status)
                    .bind(i64::from(r.changed));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Results of the run `run_id` (the latest run when `None`), only changes when `changed_only`.
    pub(crate) async fn rechecks(&self, run_id: Option<&str>, changed_only: bool) -> StoreResult<Vec<RecheckRow>> {
        let run = match run_id {
            Some(r) => r.to_owned(),
            None => {
                let row = sqlx::query("SELECT run_id FROM recheck_results ORDER BY checked_at DESC, id DESC LIMIT 1")
                    .fetch_optional(&self.reader)
                    .await?;
                match row {
                    Some(r) => r.try_get(0)?,
                    None => return Ok(Vec::new()),
                }
            }
        };
        let rows = sqlx::query(
            "SELECT id, run_id, record_id, checked_at, status, reason, source, previous_status, changed \
             FROM recheck_results WHERE run_id = $1 AND changed >= $2 ORDER BY record_id",
        )
        .bind(&run)
        .bind(i64::from(changed_only))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RecheckRow {
                    id: r.try_get(0)?,
                    run_id: r.try_get(1)?,
                    record_id: r.try_get(2)?,
                    checked_at: r.try_get(3)?,
                    status: r.try_get(4)?,
                    reason: r.try_get(5)?,
                    source: r.try_get(6)?,
                    previous_status: r.try_get(7)?,
                    changed: r.try_get::<i64, _>(8)? != 0,
                })
            })
            .collect()
    }

    pub(crate) async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

async fn sqlite_pool(url: &str, max: u32) -> StoreResult<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(max)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // WAL: readers do not block the writer; NORMAL: a committed transaction
                // survives a process crash (SIGKILL), the WAL is synced at checkpoints.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                conn.execute("PRAGMA busy_timeout = 10000").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

const RECORD_COLUMNS: &str = "id, subject, auth_subject, name, name_substituted, date_of_birth, sex, address, \
     address_substituted, cert_serial, cert_issuer, cert_not_after, verdict, evidence_format, evidence, \
     challenge_issued_at, verified_at, created_at, customer_id, purpose, kept, token";
/// How many columns [`RECORD_COLUMNS`] names.
const RECORD_COLUMN_COUNT: usize = 22;

const EVENT_COLUMNS: &str = "id, at, subject, purpose, outcome, code, audience, record_id, instance, detail";
const EVENT_COLUMN_COUNT: usize = 10;

const LINK_COLUMNS: &str = "id, customer_id, record_id, previous_record_id, basis, evidence, at";
const LINK_COLUMN_COUNT: usize = 7;

fn record_from_row(r: &AnyRow) -> StoreResult<AccountRecord> {
    Ok(AccountRecord {
        id: r.try_get(0)?,
        subject: r.try_get(1)?,
        auth_subject: r.try_get(2)?,
        name: r.try_get(3)?,
        name_substituted: r.try_get(4)?,
        date_of_birth: r.try_get(5)?,
        sex: r.try_get(6)?,
        address: r.try_get(7)?,
        address_substituted: r.try_get(8)?,
        cert_serial: r.try_get(9)?,
        cert_issuer: r.try_get(10)?,
        cert_not_after: r.try_get(11)?,
        verdict: r.try_get(12)?,
        evidence_format: r.try_get(13)?,
        evidence: r.try_get(14)?,
        challenge_issued_at: r.try_get(15)?,
        verified_at: r.try_get(16)?,
        created_at: r.try_get(17)?,
        // Rows written before migration 0004 got their customer there; NULL cannot remain.
        customer_id: r.try_get::<Option<String>, _>(18)?.unwrap_or_default(),
        purpose: r.try_get(19)?,
        kept: r.try_get(20)?,
        token: r.try_get(21)?,
    })
}
