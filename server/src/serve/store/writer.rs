//! The group-commit writer: one task per process takes every write waiting in its queue (up
//! to [`MAX_BATCH`]) and commits them in one transaction of five statements, then answers each
//! submission (the scheme is in `mod.rs`'s documentation).

use super::*;

/// Largest number of writes committed in one transaction.
pub(crate) const MAX_BATCH: usize = 256;

/// A write waiting for the writer task.
#[derive(Debug)]
pub(super) enum WriteOp {
    Challenge(Challenge, oneshot::Sender<StoreResult<()>>),
    Consume(Box<ConsumeOp>),
}

#[derive(Debug)]
pub(super) struct ConsumeOp {
    pub(super) nonce: String,
    pub(super) now: i64,
    pub(super) record: Option<AccountRecord>,
    pub(super) link: Option<CustomerLink>,
    pub(super) event: AuditEvent,
    pub(super) reply: oneshot::Sender<StoreResult<Consumed>>,
}

pub(super) fn writer_gone() -> StoreError {
    StoreError("the database writer stopped".to_owned())
}

/// The writer task: one batch at a time, each in one transaction.
pub(super) async fn writer_loop(pool: AnyPool, mut rx: mpsc::Receiver<WriteOp>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        write_batch(&pool, &mut batch).await;
    }
}

/// Whether a failed batch may simply be run again (PostgreSQL deadlock / serialization).
pub(super) fn retryable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40P01" | "40001")))
}

pub(super) async fn write_batch(pool: &AnyPool, batch: &mut Vec<WriteOp>) {
    let mut attempt = 0;
    let result = loop {
        match try_batch(pool, batch).await {
            Err(e) if retryable(&e) && attempt < 5 => {
                attempt += 1;
                tracing::debug!(attempt, "write batch retried after {e}");
            }
            other => break other,
        }
    };
    match result {
        Ok(outcomes) => {
            let mut outcomes = outcomes.into_iter();
            for op in batch.drain(..) {
                match op {
                    WriteOp::Challenge(_, reply) => {
                        let _ = reply.send(Ok(()));
                    }
                    WriteOp::Consume(c) => {
                        let _ = c.reply.send(Ok(outcomes.next().unwrap_or(Consumed::AlreadyUsed)));
                    }
                }
            }
        }
        // Review-security L14: one failing write must not fail the unrelated writes it was
        // batched with. Each is tried again on its own; only the one that fails alone fails.
        Err(e) if batch.len() > 1 => {
            tracing::warn!(
                "write batch of {} failed ({e}); writing its members one by one",
                batch.len()
            );
            for op in batch.drain(..) {
                let mut alone = vec![op];
                Box::pin(write_batch(pool, &mut alone)).await;
            }
        }
        Err(e) => {
            let message = e.to_string();
            for op in batch.drain(..) {
                match op {
                    WriteOp::Challenge(_, reply) => {
                        let _ = reply.send(Err(StoreError(message.clone())));
                    }
                    WriteOp::Consume(c) => {
                        let _ = c.reply.send(Err(StoreError(message.clone())));
                    }
                }
            }
        }
    }
}

/// `($1, $2, …), (…)` for `rows` rows of `cols` parameters starting after `offset`.
pub(super) fn placeholders(rows: usize, cols: usize, offset: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(offset + r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// One transaction for the whole batch; the consume outcomes in batch order.
pub(super) async fn try_batch(pool: &AnyPool, batch: &[WriteOp]) -> Result<Vec<Consumed>, sqlx::Error> {
    let challenges: Vec<&Challenge> = batch
        .iter()
        .filter_map(|op| match op {
            WriteOp::Challenge(c, _) => Some(c),
            WriteOp::Consume(_) => None,
        })
        .collect();
    let consumes: Vec<&ConsumeOp> = batch
        .iter()
        .filter_map(|op| match op {
            WriteOp::Consume(c) => Some(&**c),
            WriteOp::Challenge(..) => None,
        })
        .collect();
    let mut tx = pool.begin().await?;
    if !challenges.is_empty() {
        let sql = format!(
            "INSERT INTO challenges (nonce, purpose, audience, issued_at, expires_at) VALUES {}",
            placeholders(challenges.len(), 5, 0)
        );
        let mut q = sqlx::query(&sql);
        for c in &challenges {
            q = q
                .bind(&c.nonce)
                .bind(&c.purpose)
                .bind(&c.audience)
                .bind(c.issued_at)
                .bind(c.expires_at);
        }
        q.execute(&mut *tx).await?;
    }
    let mut outcomes = Vec::with_capacity(consumes.len());
    if !consumes.is_empty() {
        let mut nonces: Vec<&str> = consumes.iter().map(|c| c.nonce.as_str()).collect();
        nonces.sort_unstable();
        nonces.dedup();
        let now = consumes.iter().map(|c| c.now).max().unwrap_or(0);
        let list: Vec<String> = (0..nonces.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "UPDATE challenges SET consumed_at = $1 WHERE consumed_at IS NULL AND nonce IN ({}) RETURNING nonce",
            list.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(now);
        for n in &nonces {
            q = q.bind(*n);
        }
        let mut won: HashSet<String> = q
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        // Within the batch the first submission of a nonce wins, the others lose.
        let winners: Vec<&ConsumeOp> = consumes
            .iter()
            .copied()
            .filter(|c| {
                let w = won.remove(&c.nonce);
                outcomes.push(if w { Consumed::Won } else { Consumed::AlreadyUsed });
                w
            })
            .collect();
        let records: Vec<&AccountRecord> = winners.iter().filter_map(|c| c.record.as_ref()).collect();
        if !records.is_empty() {
            let sql = format!(
                "INSERT INTO account_records ({RECORD_COLUMNS}) VALUES {}",
                placeholders(records.len(), RECORD_COLUMN_COUNT, 0)
            );
            let mut q = sqlx::query(&sql);
            for r in &records {
                q = bind_record(q, r);
            }
            q.execute(&mut *tx).await?;
        }
        let links: Vec<&CustomerLink> = winners.iter().filter_map(|c| c.link.as_ref()).collect();
        if !links.is_empty() {
            let sql = format!(
                "INSERT INTO customer_links ({LINK_COLUMNS}) VALUES {}",
                placeholders(links.len(), LINK_COLUMN_COUNT, 0)
            );
            let mut q = sqlx::query(&sql);
            for l in &links {
                q = q
                    .bind(&l.id)
                    .bind(&l.customer_id)
                    .bind(&l.record_id)
                    .bind(&l.previous_record_id)
                    .bind(&l.basis)
                    .bind(&l.evidence)
                    .bind(l.at);
            }
            q.execute(&mut *tx).await?;
        }
        if !winners.is_empty() {
            let sql = format!(
                "INSERT INTO audit_events ({EVENT_COLUMNS}) VALUES {}",
                placeholders(winners.len(), EVENT_COLUMN_COUNT, 0)
            );
            let mut q = sqlx::query(&sql);
            for c in &winners {
                q = bind_event(q, &c.event);
            }
            q.execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    Ok(outcomes)
}

pub(super) fn bind_record<'q>(
    q: Query<'q, Any, AnyArguments<'q>>,
    r: &'q AccountRecord,
) -> Query<'q, Any, AnyArguments<'q>> {
    q.bind(&r.id)
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
        .bind(&r.customer_id)
        .bind(&r.purpose)
        .bind(&r.kept)
        .bind(&r.token)
}

/// Binds the [`EVENT_COLUMNS`] of `e` (the one binding of an event, for the group-commit
/// writer and for `Store::insert_event`).
pub(super) fn bind_event<'q>(
    q: Query<'q, Any, AnyArguments<'q>>,
    e: &'q AuditEvent,
) -> Query<'q, Any, AnyArguments<'q>> {
    q.bind(&e.id)
        .bind(e.at)
        .bind(&e.subject)
        .bind(&e.purpose)
        .bind(&e.outcome)
        .bind(&e.code)
        .bind(&e.audience)
        .bind(&e.record_id)
        .bind(&e.instance)
        .bind(&e.detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_rows() {
        assert_eq!(placeholders(2, 3, 0), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(1, 2, 1), "($2, $3)");
    }

    fn challenge(nonce: &str) -> Challenge {
        Challenge {
            nonce: nonce.to_owned(),
            purpose: "login".to_owned(),
            audience: "http://localhost".to_owned(),
            issued_at: 1,
            expires_at: 2,
            consumed_at: None,
        }
    }

    /// Review-security L14: a batch with one write that cannot succeed (a challenge whose nonce
    /// exists) commits the others; only that one is answered with an error.
    #[tokio::test]
    async fn one_failing_write_fails_alone() {
        let dir = std::env::temp_dir().join(format!("jpki-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/w.db", dir.display());
        let store = Store::open(&url, 2).await.unwrap();
        store.insert_challenge(&challenge("taken")).await.unwrap();
        let mut batch = Vec::new();
        let mut answers = Vec::new();
        for nonce in ["fresh-1", "taken", "fresh-2"] {
            let (reply, answer) = oneshot::channel();
            batch.push(WriteOp::Challenge(challenge(nonce), reply));
            answers.push(answer);
        }
        write_batch(&store.writer, &mut batch).await;
        let results: Vec<bool> = futures_results(answers).await;
        assert_eq!(results, [true, false, true]);
        assert!(store.challenge("fresh-2").await.unwrap().is_some());
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    async fn futures_results(answers: Vec<oneshot::Receiver<StoreResult<()>>>) -> Vec<bool> {
        let mut out = Vec::new();
        for a in answers {
            out.push(matches!(a.await, Ok(Ok(()))));
        }
        out
    }
}
