//! Consents to the latest 4 basic information and the answers received under them
//! (migration 0006).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Store, StoreResult};

/// A person's consent to queries of their latest 4 basic information.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Consent {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    pub(crate) record_id: String,
    pub(crate) version: String,
    pub(crate) text_sha256: String,
    pub(crate) text: String,
    /// The signed assertion over the text's hash.
    pub(crate) evidence: String,
    pub(crate) given_at: i64,
    pub(crate) withdrawn_at: Option<i64>,
}

/// One answer with the current 4 basic information.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BasicInformationEntry {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    pub(crate) record_id: String,
    pub(crate) consent_id: String,
    pub(crate) answer_id: String,
    pub(crate) name: String,
    pub(crate) date_of_birth: String,
    pub(crate) sex: String,
    pub(crate) address: String,
    pub(crate) as_of: String,
    pub(crate) fetched_at: i64,
}

const CONSENT_COLUMNS: &str =
    "id, customer_id, record_id, version, text_sha256, text, evidence, given_at, withdrawn_at";
const ENTRY_COLUMNS: &str =
    "id, customer_id, record_id, consent_id, answer_id, name, date_of_birth, sex, address, as_of, fetched_at";

fn consent_from(r: &AnyRow) -> StoreResult<Consent> {
    Ok(Consent {
        id: r.try_get(0)?,
        customer_id: r.try_get(1)?,
        record_id: r.try_get(2)?,
        version: r.try_get(3)?,
        text_sha256: r.try_get(4)?,
        text: r.try_get(5)?,
        evidence: r.try_get(6)?,
        given_at: r.try_get(7)?,
        withdrawn_at: r.try_get(8)?,
    })
}

fn entry_from(r: &AnyRow) -> StoreResult<BasicInformationEntry> {
    Ok(BasicInformationEntry {
        id: r.try_get(0)?,
        customer_id: r.try_get(1)?,
        record_id: r.try_get(2)?,
        consent_id: r.try_get(3)?,
        answer_id: r.try_get(4)?,
        name: r.try_get(5)?,
        date_of_birth: r.try_get(6)?,
        sex: r.try_get(7)?,
        address: r.try_get(8)?,
        as_of: r.try_get(9)?,
        fetched_at: r.try_get(10)?,
    })
}

impl Store {
    pub(crate) async fn insert_consent(&self, c: &Consent) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO consents ({CONSENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&c.id)
        .bind(&c.customer_id)
        .bind(&c.record_id)
        .bind(&c.version)
        .bind(&c.text_sha256)
        .bind(&c.text)
        .bind(&c.evidence)
        .bind(c.given_at)
        .bind(c.withdrawn_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The customer's newest consent that is not withdrawn, if any.
    pub(crate) async fn active_consent(&self, customer_id: &str) -> StoreResult<Option<Consent>> {
        let row = sqlx::query(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE customer_id = $1 AND withdrawn_at IS NULL \
             ORDER BY given_at DESC, id DESC LIMIT 1"
        ))
        .bind(customer_id)
        .fetch_optional(&self.writer)
        .await?;
        row.map(|r| consent_from(&r)).transpose()
    }

    /// All of a customer's consents, the oldest first (at most 100).
    pub(crate) async fn consents_of(&self, customer_id: &str) -> StoreResult<Vec<Consent>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE customer_id = $1 ORDER BY given_at, id LIMIT 100"
        ))
        .bind(customer_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(consent_from).collect()
    }

    /// Withdraws every live consent of the customer; how many.
    pub(crate) async fn withdraw_consents(&self, customer_id: &str, now: i64) -> StoreResult<u64> {
        Ok(
            sqlx::query("UPDATE consents SET withdrawn_at = $1 WHERE customer_id = $2 AND withdrawn_at IS NULL")
                .bind(now)
                .bind(customer_id)
                .execute(&self.writer)
                .await?
                .rows_affected(),
        )
    }

    pub(crate) async fn insert_basic_information(&self, e: &BasicInformationEntry) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO basic_information_history ({ENTRY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&e.id)
        .bind(&e.customer_id)
        .bind(&e.record_id)
        .bind(&e.consent_id)
        .bind(&e.answer_id)
        .bind(&e.name)
        .bind(&e.date_of_birth)
        .bind(&e.sex)
        .bind(&e.address)
        .bind(&e.as_of)
        .bind(e.fetched_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The answers received about a customer, the oldest first (at most 100).
    pub(crate) async fn basic_information_history(&self, customer_id: &str) -> StoreResult<Vec<BasicInformationEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM basic_information_history WHERE customer_id = $1 ORDER BY fetched_at, id LIMIT 100"
        ))
        .bind(customer_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(entry_from).collect()
    }
}
