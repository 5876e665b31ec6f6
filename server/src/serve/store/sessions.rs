//! The bank's login sessions (migration 0005): opened by a login with a customer's
//! authentication certificate, found by the SHA-256 of their token, ended by expiry or logout.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Store, StoreResult};

/// A login session (the token itself is never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    /// Pairwise subject of the authentication certificate that logged in.
    pub(crate) subject: String,
    /// The login's audit event.
    pub(crate) event_id: String,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) ended_at: Option<i64>,
}

const SESSION_COLUMNS: &str = "id, customer_id, subject, event_id, created_at, expires_at, ended_at";

fn session_from(r: &AnyRow) -> StoreResult<Session> {
    Ok(Session {
        id: r.try_get(0)?,
        customer_id: r.try_get(1)?,
        subject: r.try_get(2)?,
        event_id: r.try_get(3)?,
        created_at: r.try_get(4)?,
        expires_at: r.try_get(5)?,
        ended_at: r.try_get(6)?,
    })
}

impl Store {
    /// Stores a new session under the hash of its token.
    pub(crate) async fn insert_session(&self, s: &Session, token_hash: &str) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO sessions (token_hash, {SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(token_hash)
        .bind(&s.id)
        .bind(&s.customer_id)
        .bind(&s.subject)
        .bind(&s.event_id)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.ended_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The session whose token hashes to `token_hash`, if it is live at `now` (not expired,
    /// not ended).
    pub(crate) async fn live_session(&self, token_hash: &str, now: i64) -> StoreResult<Option<Session>> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND ended_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.writer)
        .await?;
        row.map(|r| session_from(&r)).transpose()
    }

    /// Ends the live session whose token hashes to `token_hash` (logout); whether one ended.
    pub(crate) async fn end_session(&self, token_hash: &str, now: i64) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(n == 1)
    }
}
