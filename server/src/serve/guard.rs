//! What a request must be before a handler sees it: from an allowed origin, JSON, and within its
//! client's rate.
//!
//! * **Origin.** A POST whose `Origin` header is present and is not one of the server's
//!   audiences is refused (`403` `JPKI_ORIGIN_REFUSED`): another site's page cannot drive the
//!   API from a visitor's browser. Server-to-server clients send no `Origin` and are unaffected.
//! * **Content type.** A POST body must be `application/json` (`415` `JPKI_BAD_REQUEST`), so a
//!   cross-site HTML form cannot send one without a CORS preflight. (An empty body goes on to
//!   the handler, which refuses it as not the expected JSON.)
//! * **Rate.** Challenge creation and verification are limited per client — per IPv4 address,
//!   per IPv6 /64 (one subscriber's block) — by a token bucket: `per_minute` tokens a minute,
//!   at most `burst` saved up. Past it: `429` `JPKI_RATE_LIMITED` with `Retry-After`. The table
//!   of clients is bounded ([`MAX_TRACKED_CLIENTS`]): when it is full, clients whose bucket has
//!   refilled are forgotten first (they lose nothing), and only if none has, the table starts
//!   over.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::api::{ApiError, AppState};

/// Most clients a rate limiter remembers (about 50 bytes each).
pub(crate) const MAX_TRACKED_CLIENTS: usize = 100_000;

/// One token bucket per client.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// Tokens added per minute; 0 turns the limiter off.
    per_minute: u32,
    /// Most tokens a client can save up (the burst it may send at once).
    burst: u32,
    clients: Mutex<HashMap<ClientKey, Bucket>>,
}

/// An IPv4 address, or the /64 an IPv6 address is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ClientKey {
    V4([u8; 4]),
    V6Prefix([u8; 8]),
}

impl ClientKey {
    pub(crate) fn of(ip: IpAddr) -> ClientKey {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(v4.octets()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(v4.octets()),
                None => {
                    let o = v6.octets();
                    ClientKey::V6Prefix([o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]])
                }
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    pub(crate) fn new(per_minute: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            burst: burst.max(1),
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, b: Bucket, now: Instant) -> f64 {
        let rate = f64::from(self.per_minute) / 60.0;
        (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate).min(f64::from(self.burst))
    }

    /// Takes one token for `client` at `now`, or says how long until one is there.
    pub(crate) fn take(&self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let mut clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !clients.contains_key(&client) && clients.len() >= MAX_TRACKED_CLIENTS {
            let full = f64::from(self.burst);
            clients.retain(|_, b| self.refill(*b, now) < full);
            if clients.len() >= MAX_TRACKED_CLIENTS {
                tracing::warn!("rate limiter: {MAX_TRACKED_CLIENTS} clients at once; starting over");
                clients.clear();
            }
        }
        let bucket = clients.entry(client).or_insert(Bucket {
            tokens: f64::from(self.burst),
            at: now,
        });
        let tokens = self.refill(*bucket, now);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            Ok(())
        } else {
            *bucket = Bucket { tokens, at: now };
            let wait = (1.0 - tokens) * 60.0 / f64::from(self.per_minute);
            Err(Duration::from_secs_f64(wait))
        }
    }

    /// Whether `client` has a token at `now`, without taking it (or how long until it has).
    pub(crate) fn peek(&self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let tokens = clients
            .get(&client)
            .map_or(f64::from(self.burst), |b| self.refill(*b, now));
        if tokens >= 1.0 {
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - tokens) * 60.0 / f64::from(self.per_minute),
            ))
        }
    }

    /// Clients remembered now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.clients.lock().map(|c| c.len()).unwrap_or(0)
    }
}

/// The rate limiters of one server.
#[derive(Debug)]
pub(crate) struct RateLimits {
    /// `POST /v1/challenges` and `POST /v1/handoffs`.
    pub(crate) challenges: RateLimiter,
    /// `POST /v1/assertions`, `POST /v1/audit`, `POST /v1/handoffs/claim`.
    pub(crate) verifications: RateLimiter,
    /// Refused operator tokens ([`OPERATOR_FAILURES_PER_MINUTE`]): a client that keeps
    /// guessing is answered 429 before its next guess is even compared.
    pub(crate) operator_failures: RateLimiter,
}

/// Wrong operator tokens a client may send per minute (burst as many) before the operator
/// routes answer it 429 (review-security M7).
pub(crate) const OPERATOR_FAILURES_PER_MINUTE: u32 = 10;

fn too_many(state: &AppState, wait: Duration) -> Response {
    state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
    let seconds = wait.as_secs().max(1);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "JPKI_RATE_LIMITED",
        format!("too many requests from this client; try again in {seconds} s"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Middleware of the operator routes (records, re-checks, metrics): a client whose recent
/// tokens were wrong is refused before its token is compared; each 401 costs it a token.
pub(crate) async fn limit_operator_failures(
    State(state): State<Arc<AppState>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let Some(peer) = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0) else {
        return next.run(req).await;
    };
    let client = ClientKey::of(peer.ip());
    let limiter = &state.limits.operator_failures;
    if let Err(wait) = limiter.peek(client, Instant::now()) {
        return too_many(&state, wait);
    }
    let response = next.run(req).await;
    if response.status() == StatusCode::UNAUTHORIZED {
        let _ = limiter.take(client, Instant::now());
    }
    response
}

fn limited(state: &AppState, limiter: &RateLimiter, req: &Request<Body>) -> Option<Response> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>()?.0;
    let wait = limiter.take(ClientKey::of(peer.ip()), Instant::now()).err()?;
    Some(too_many(state, wait))
}

/// Middleware of the challenge-creating routes.
pub(crate) async fn limit_challenges(State(state): State<Arc<AppState>>, req: Request<Body>, next: Next) -> Response {
    match limited(&state, &state.limits.challenges, &req) {
        Some(refusal) => refusal,
        None => next.run(req).await,
    }
}

/// Middleware of the verifying routes.
pub(crate) async fn limit_verifications(
    State(state): State<Arc<AppState>>,
    req: Request<Body>,
    next: Next,
) -> Response {
    match limited(&state, &state.limits.verifications, &req) {
        Some(refusal) => refusal,
        None => next.run(req).await,
    }
}

/// Middleware of every route: the `Origin` and `Content-Type` rules for POSTs.
pub(crate) async fn post_rules(State(state): State<Arc<AppState>>, req: Request<Body>, next: Next) -> Response {
    if req.method() == Method::POST {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let allowed = origin
                .to_str()
                .is_ok_and(|o| state.config.audiences.iter().any(|a| a == o));
            if !allowed {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "JPKI_ORIGIN_REFUSED",
                    "requests from this origin are not accepted (it is not one of the server's audiences)",
                )
                .into_response();
            }
        }
        let has_body = req.headers().get(header::TRANSFER_ENCODING).is_some()
            || req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim() != "0");
        let json = !has_body
            || req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "JPKI_BAD_REQUEST",
                "a request body must be Content-Type: application/json",
            )
            .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_its_rate() {
        let l = RateLimiter::new(60, 3);
        let c = ClientKey::of("192.0.2.1".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.take(c, t0).is_ok());
        }
        let wait = l.take(c, t0).unwrap_err();
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(l.take(c, t0 + Duration::from_secs(1)).is_ok());
        assert!(l.take(c, t0 + Duration::from_secs(1)).is_err());
        // Another client is not affected.
        assert!(l.take(ClientKey::of("192.0.2.2".parse().unwrap()), t0).is_ok());
        // Off.
        let off = RateLimiter::new(0, 1);
        for _ in 0..100 {
            assert!(off.take(c, t0).is_ok());
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a = ClientKey::of("2001:db8:1:2::1".parse().unwrap());
        let b = ClientKey::of("2001:db8:1:2:ffff::9".parse().unwrap());
        let other = ClientKey::of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, other);
        assert_eq!(
            ClientKey::of("::ffff:192.0.2.1".parse().unwrap()),
            ClientKey::of("192.0.2.1".parse().unwrap())
        );
    }

    #[test]
    fn the_table_of_clients_is_bounded() {
        let l = RateLimiter::new(60, 2);
        let t0 = Instant::now();
        for i in 0..(MAX_TRACKED_CLIENTS as u32 + 10) {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0A00_0000 + i));
            let _ = l.take(ClientKey::of(ip), t0);
        }
        assert!(l.len() <= MAX_TRACKED_CLIENTS, "{}", l.len());
    }
}
