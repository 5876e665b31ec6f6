//! The accept loop, for the open internet: hostile clients are the normal case.
//!
//! | limit | default | what a client that exceeds it gets |
//! |---|---|---|
//! | connections at once (`--max-connections`) | 1024 | the connection is closed at once (the listen backlog stays free) |
//! | request headers, from connect or from the previous response (`--header-read-timeout`) | 10 s | the connection is closed |
//! | one request, body and handler included (`--request-timeout`) | 30 s | `503` `JPKI_UNAVAILABLE` |
//! | request body | 256 KiB ([`super::api::MAX_BODY`]) | `413` `JPKI_INPUT_TOO_LARGE` |
//!
//! A slow-header client ("slowloris") therefore holds a connection for at most the header
//! timeout, and all of them together at most `--max-connections` sockets; honest clients keep
//! being served. HTTP/1.1 only (with keep-alive), as the flow and server-to-server clients use.
//! Each request carries the peer address (`ConnectInfo<SocketAddr>`) for the per-client rate
//! limits. On shutdown the loop stops accepting, lets every connection finish its request in
//! flight (idle keep-alive connections close), and waits for them at most 30 s.

use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt as _;

use super::api::{ApiError, AppState};

/// What one client connection may cost.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnectionLimits {
    /// Connections served at once; one more is closed on accept.
    pub(crate) max_connections: usize,
    /// Time to send a request's headers, from connect or from the previous response.
    pub(crate) header_read_timeout: Duration,
    /// Time for one request (body and handler).
    pub(crate) request_timeout: Duration,
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            state.metrics.connections_refused.fetch_add(1, Ordering::Relaxed);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let app = app.clone();
                async move {
                    let timed = tokio::time::timeout(limits.request_timeout, app.oneshot(req.map(Body::new))).await;
                    Ok::<_, Infallible>(match timed {
                        Ok(Ok(response)) => response,
                        Ok(Err(never)) => match never {},
                        Err(_) => ApiError::new(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "JPKI_UNAVAILABLE",
                            format!(
                                "the request took longer than {} s and was abandoned",
                                limits.request_timeout.as_secs()
                            ),
                        )
                        .into_response(),
                    })
                }
            });
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let mut stopping = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, %peer, "connection ended");
                        }
                        break;
                    }
                    changed = stop.changed(), if !stopping => {
                        stopping = true;
                        if changed.is_ok() {
                            conn.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
            drop(permit);
        });
    }
    let _ = stop_tx.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(Duration::from_secs(30), permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("connections still open 30 s after shutdown began; closing them");
    }
}
