//! The one outbound HTTP client of the server: `POST` over plain `http://` to a revocation or
//! platform-operator source, bounded in time and size. Plain HTTP on purpose: OCSP answers are
//! signed (RFC 6960 Appendix A.1), and a platform operator's API is reached through a local
//! adapter that holds its credentials and TLS (docs/platform-operator.md) — this process opens
//! no TLS connection and keeps no operator credential.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Largest response body accepted.
pub(crate) const MAX_RESPONSE: usize = 64 * 1024;

/// POSTs `body` (`content_type`) to `url` (`http://host[:port]/path`) and returns the body of
/// a `200` answer. Bounded: 10 s, [`MAX_RESPONSE`] bytes.
pub(crate) async fn post(url: &str, content_type: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("URL must be http://…: {url}"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host_port = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let work = async {
        let mut stream = tokio::net::TcpStream::connect(&host_port)
            .await
            .map_err(|e| e.to_string())?;
        let head = format!(
            "POST {path} HTTP/1.0\r\nHost: {authority}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.map_err(|e| e.to_string())?;
        stream.write_all(body).await.map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        stream
            .take((MAX_RESPONSE + 4096) as u64)
            .read_to_end(&mut buf)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), work)
        .await
        .map_err(|_| format!("{authority} did not answer within 10 s"))??;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{authority} sent no HTTP header"))?;
    let status_line = String::from_utf8_lossy(&buf[..buf.iter().position(|&b| b == b'\r').unwrap_or(0)]).into_owned();
    if status_line.split(' ').nth(1).is_none_or(|s| s != "200") {
        return Err(format!("{authority} answered {status_line:?}"));
    }
    let body = &buf[split + 4..];
    if body.len() > MAX_RESPONSE {
        return Err(format!("{authority} answered more than {MAX_RESPONSE} bytes"));
    }
    Ok(body.to_vec())
}
