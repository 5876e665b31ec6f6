-- Hand-offs to a phone (readers-webusb.md §4.1, readers.md §5.3): a desktop or kiosk without a
-- reader shows a QR code / NFC URL carrying a single-use, short-lived token bound to its
-- session's challenge; the phone claims it and finishes there; the first page sees the result.
CREATE TABLE IF NOT EXISTS handoffs (
    -- Public id the first page polls with (together with its challenge nonce).
    id TEXT PRIMARY KEY,
    -- SHA-256 of the token (base64url): a leaked database gives no usable token.
    token_hash TEXT NOT NULL UNIQUE,
    -- The session's challenge the phone will answer.
    nonce TEXT NOT NULL,
    -- Confirmation code shown on both screens (defeats relays).
    code TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    claimed_at BIGINT,
    -- Filled when the phone's assertion for the nonce was verified (or refused).
    finished_at BIGINT,
    outcome TEXT,
    record_id TEXT
);

