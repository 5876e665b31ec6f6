-- The bank's own login sessions (issue 15): a login assertion with the authentication
-- certificate linked to a customer opens one. Only the SHA-256 of the session token is kept,
-- like a hand-off's; a session ends at `expires_at` (absolute, never extended) or at logout.
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    -- The pairwise subject of the authentication certificate that logged in.
    subject TEXT NOT NULL,
    -- The audit event of the login.
    event_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX IF NOT EXISTS sessions_customer ON sessions (customer_id, created_at);
