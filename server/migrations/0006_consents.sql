-- The latest 4 basic information (最新の基本4情報) with the person's consent (issue 15).

-- A consent: the text the person agreed to and their signature over it (the signed assertion,
-- kept as evidence). Withdrawn consents stay, with the time of withdrawal; no query is made
-- under them after that.
CREATE TABLE IF NOT EXISTS consents (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    -- The record of the signature certificate that signed it.
    record_id TEXT NOT NULL,
    -- The consent text's version and SHA-256 (base64url), and the text itself.
    version TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    -- The signed assertion (JWS) whose txn binds the text's hash.
    evidence TEXT NOT NULL,
    given_at BIGINT NOT NULL,
    withdrawn_at BIGINT
);
CREATE INDEX IF NOT EXISTS consents_customer ON consents (customer_id, given_at);

-- Each answer of the platform operator with the current 4 basic information, under a consent.
CREATE TABLE IF NOT EXISTS basic_information_history (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    consent_id TEXT NOT NULL,
    -- The operator's id of the answer.
    answer_id TEXT NOT NULL,
    name TEXT NOT NULL,
    -- EYYYYMMDD and 1|2|3 as in the certificate.
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL,
    address TEXT NOT NULL,
    -- The date the register says it is current as of (RFC 3339, as answered).
    as_of TEXT NOT NULL,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS basic_information_history_record ON basic_information_history (record_id, fetched_at);
CREATE INDEX IF NOT EXISTS basic_information_history_customer ON basic_information_history (customer_id, fetched_at);
