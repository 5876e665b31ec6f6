//! OCSP (RFC 6960): requests (CertID with SHA-256 or SHA-1, optional nonce) and responses
//! (signed by the CA or a delegated responder, time window, nonce, status).
