-- Customers across card renewals, kept claims, and the audit detail of linkage decisions
-- (issue 15). Existing records become one customer each.

-- The customer a record belongs to: stable across renewals, unlike the pairwise subject of a
-- certificate (a renewed card has a new serial, so a new subject).
ALTER TABLE account_records ADD COLUMN customer_id TEXT;
UPDATE account_records SET customer_id = 'cus_' || id WHERE customer_id IS NULL;
CREATE INDEX IF NOT EXISTS account_records_customer ON account_records (customer_id, created_at);
-- account-opening | renewal
ALTER TABLE account_records ADD COLUMN purpose TEXT NOT NULL DEFAULT 'account-opening';
-- What the relying party's claims policy kept (JSON: the claim names, derived values such as
-- ageOver18 and the prefecture); a claim not listed is stored as '' (and '[]' for its flags).
ALTER TABLE account_records ADD COLUMN kept TEXT NOT NULL DEFAULT '{"claims":["name","dateOfBirth","sex","address","evidence"]}';
-- card | smartphone | unknown, with the basis (the certificate model's token, tokenBasis).
ALTER TABLE account_records ADD COLUMN token TEXT NOT NULL DEFAULT 'card';

-- One row per linkage decision that joined a new record to an existing customer.
CREATE TABLE IF NOT EXISTS customer_links (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    -- The record the renewal created, and the customer's record it was linked from.
    record_id TEXT NOT NULL,
    previous_record_id TEXT NOT NULL,
    -- operator-linkage | basic-information | same-certificate (the same renewal sent again)
    basis TEXT NOT NULL,
    -- JSON: what the decision rested on (no identity: fields compared, reasons, answer ids).
    evidence TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS customer_links_customer ON customer_links (customer_id, at);

-- Why an audit event ended as it did, beyond its code (JSON, no identity): the linkage basis
-- and evidence of a renewal, the evidence a refusal lacked.
ALTER TABLE audit_events ADD COLUMN detail TEXT;
CREATE INDEX IF NOT EXISTS audit_events_record ON audit_events (record_id);
