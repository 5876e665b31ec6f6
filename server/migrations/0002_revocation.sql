-- Revocation re-checks of stored accounts (現況確認): one row per account per run, so a bank can
-- see who moved (affiliationChanged), lost a card, or whose status changed since the last run.
CREATE TABLE IF NOT EXISTS recheck_results (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    -- good | revoked | unknown | unchecked
    status TEXT NOT NULL,
    reason TEXT,
    source TEXT,
    -- The status of the previous run for this record (or 'good' at account opening).
    previous_status TEXT NOT NULL,
    -- 1 when status differs from previous_status.
    changed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS recheck_results_run ON recheck_results (run_id, changed);
CREATE INDEX IF NOT EXISTS recheck_results_record ON recheck_results (record_id, checked_at);
