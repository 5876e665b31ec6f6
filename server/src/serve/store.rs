//! Persistent state: challenges, account-opening records, audit events, the pairwise-subject
//! secret. One schema (`server/migrations/`) and one set of queries for SQLite (embedded
//! default: a file in WAL mode) and PostgreSQL (several instances sharing state), through
//! sqlx's `Any` driver.
//!
//! Single use of a challenge rests on one conditional statement,
//! `UPDATE challenges SET consumed_at = $1 WHERE nonce = $2 AND consumed_at IS NULL`, run in
//! the same transaction as the record and audit inserts: exactly one submission sees one row
//! affected, on SQLite (one writer) and on PostgreSQL (row lock, re-evaluated `WHERE` under
//! READ COMMITTED) alike. A record is acknowledged only after its transaction committed.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

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
}

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
                Store {
                    backend,
                    writer,
                    reader,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                Store {
                    backend,
                    writer: pool.clone(),
                    reader: pool,
                }
            }
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

    pub(crate) async fn insert_challenge(&self, c: &Challenge) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO challenges (nonce, purpose, audience, issued_at, expires_at, consumed_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(&c.nonce)
        .bind(&c.purpose)
        .bind(&c.audience)
        .bind(c.issued_at)
        .bind(c.expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn challenge(&self, nonce: &str) -> StoreResult<Option<Challenge>> {
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

    /// Consumes the challenge and writes the record (if any) and the event, atomically.
    pub(crate) async fn consume(
        &self,
        nonce: &str,
        now: i64,
        record: Option<&AccountRecord>,
        event: &AuditEvent,
    ) -> StoreResult<Consumed> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query("UPDATE challenges SET consumed_at = $1 WHERE nonce = $2 AND consumed_at IS NULL")
            .bind(now)
            .bind(nonce)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Consumed::AlreadyUsed);
        }
        if let Some(r) = record {
            insert_record(&mut tx, r).await?;
        }
        insert_event(&mut *tx, event).await?;
        tx.commit().await?;
        Ok(Consumed::Won)
    }

    pub(crate) async fn record(&self, id: &str) -> StoreResult<Option<AccountRecord>> {
        let row = sqlx::query(&format!("SELECT {RECORD_COLUMNS} FROM account_records WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| record_from_row(&r)).transpose()
    }

    /// Records whose signature or linked authentication subject is `subject`.
    pub(crate) async fn records_linked_to(&self, auth_subject: &str) -> StoreResult<Vec<AccountRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM account_records WHERE auth_subject = $1 OR subject = $1 ORDER BY created_at"
        ))
        .bind(auth_subject)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Events about any of `subjects`, oldest first (at most `limit`).
    pub(crate) async fn events_about(&self, subjects: &[String], limit: i64) -> StoreResult<Vec<AuditEvent>> {
        let mut out = Vec::new();
        for s in subjects {
            let rows = sqlx::query(
                "SELECT id, at, subject, purpose, outcome, code, audience, record_id, instance \
                 FROM audit_events WHERE subject = $1 ORDER BY at LIMIT $2",
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
                });
            }
        }
        out.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        out.dedup_by(|a, b| a.id == b.id);
        Ok(out)
    }

    /// Deletes challenges that expired more than `grace_ms` ago (consumed or not).
    pub(crate) async fn purge_challenges(&self, now: i64, grace_ms: i64) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM challenges WHERE expires_at < $1")
            .bind(now - grace_ms)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

async fn sqlite_pool(url: &str, max: u32) -> StoreResult<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(max)
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
     challenge_issued_at, verified_at, created_at";

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
    })
}

async fn insert_record(tx: &mut sqlx::Transaction<'_, sqlx::Any>, r: &AccountRecord) -> StoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO account_records ({RECORD_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    ))
    .bind(&r.id)
    .bind(&r.subject)
    .bind(&r.auth_subject)
    .bind(&r.name)
    .bind(&r.name_substituted)
    .bind(&r.date_of_birth)
    .bind(&r.sex)
    .bind(&r.address)
    .bind(&r.address_substituted)
    .bind(&r.cert_serial)
    .bind(&r.cert_issuer)
    .bind(&r.cert_not_after)
    .bind(&r.verdict)
    .bind(&r.evidence_format)
    .bind(&r.evidence)
    .bind(r.challenge_issued_at)
    .bind(r.verified_at)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_event<'e, E>(executor: E, e: &AuditEvent) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (id, at, subject, purpose, outcome, code, audience, record_id, instance) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&e.id)
    .bind(e.at)
    .bind(&e.subject)
    .bind(&e.purpose)
    .bind(&e.outcome)
    .bind(&e.code)
    .bind(&e.audience)
    .bind(&e.record_id)
    .bind(&e.instance)
    .execute(executor)
    .await?;
    Ok(())
}
