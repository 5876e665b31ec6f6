//! Log redaction: anything that looks like a My Number (12 digits, optionally grouped 4-4-4 by
//! spaces or hyphens) is replaced before a log line leaves the process. The server never
//! collects a My Number; this is the net under that rule (a customer may type one into a free
//! text field, a proxy may log a query string). Over-redaction (any 12-digit run, whatever its
//! check digit) is deliberate.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

/// Replaces every 12-digit run (`DDDDDDDDDDDD`, `DDDD DDDD DDDD`, `DDDD-DDDD-DDDD`) that is not
/// part of a longer digit run with `[REDACTED]`. Longer runs (timestamps in ms are 13 digits)
/// are left alone.
pub(crate) fn redact_my_numbers(input: &str) -> std::borrow::Cow<'_, str> {
    let b = input.as_bytes();
    let mut out: Option<String> = None;
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            if let Some(end) = match_my_number(b, i) {
                let o = out.get_or_insert_with(|| String::with_capacity(input.len()));
                o.push_str(&input[copied..i]);
                o.push_str("[REDACTED]");
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    match out {
        None => std::borrow::Cow::Borrowed(input),
        Some(mut o) => {
            o.push_str(&input[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// End of a My-Number-shaped run starting at `i`, if there is one.
fn match_my_number(b: &[u8], i: usize) -> Option<usize> {
    let digits = |from: usize, n: usize| from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit);
    let boundary = |at: usize| at >= b.len() || !b[at].is_ascii_digit();
    if digits(i, 12) && boundary(i + 12) {
        return Some(i + 12);
    }
    if digits(i, 4) {
        let sep = *b.get(i + 4)?;
        if (sep == b' ' || sep == b'-')
            && digits(i + 5, 4)
            && b.get(i + 9) == Some(&sep)
            && digits(i + 10, 4)
            && boundary(i + 14)
        {
            return Some(i + 14);
        }
    }
    None
}

/// A `MakeWriter` for tracing-subscriber that redacts each formatted log line before writing
/// it to stderr.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RedactingStderr;

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = LineWriter;
    fn make_writer(&'a self) -> Self::Writer {
        LineWriter { buf: Vec::new() }
    }
}

/// Buffers one event's output and writes it redacted when dropped.
#[derive(Debug)]
pub(crate) struct LineWriter {
    buf: Vec<u8>,
}

impl Write for LineWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buf);
        let line = redact_my_numbers(&text);
        // A failed log write must not take the server down.
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::redact_my_numbers as r;

    #[test]
    fn redacts_my_number_shapes_only() {
        assert_eq!(r("id=123456789012 ok"), "id=[REDACTED] ok");
        assert_eq!(r("1234 5678 9012"), "[REDACTED]");
        assert_eq!(r("x1234-5678-9012y"), "x[REDACTED]y");
        assert_eq!(r("\"123456789012\",\"987654321098\""), "\"[REDACTED]\",\"[REDACTED]\"");
        // Not My Numbers: 13-digit millisecond times, 11 digits, mixed separators.
        assert_eq!(r("at=1795740000000"), "at=1795740000000");
        assert_eq!(r("12345678901"), "12345678901");
        assert_eq!(r("1234 5678-9012"), "1234 5678-9012");
        assert_eq!(r("マイナンバー１２３"), "マイナンバー１２３");
    }
}
