//! Log redaction: anything that looks like a My Number (12 digits, optionally grouped 4-4-4 by
//! spaces or hyphens) is replaced before a log line leaves the process. The server never
//! collects a My Number; this is the net under that rule (a customer may type one into a free
//! text field, a proxy may log a query string). Over-redaction (any 12-digit run, whatever its
//! check digit) is deliberate.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

/// A digit as a person may type one: ASCII or full-width (`０`–`９`, common in Japanese input).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(&c)
}

/// A separator of the 4-4-4 grouping: space, hyphen, or their full-width forms.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{3000}' | '\u{FF0D}')
}

/// Replaces every 12-digit run (`DDDDDDDDDDDD`, `DDDD DDDD DDDD`, `DDDD-DDDD-DDDD`, ASCII or
/// full-width digits and separators) that is not part of a longer digit run with
/// `[REDACTED]`. Longer runs (timestamps in ms are 13 digits) are left alone.
pub(crate) fn redact_my_numbers(input: &str) -> std::borrow::Cow<'_, str> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut out: Option<String> = None;
    let mut i = 0;
    let mut copied = 0;
    while i < chars.len() {
        if is_digit(chars[i].1) && (i == 0 || !is_digit(chars[i - 1].1)) {
            if let Some(end) = match_my_number(&chars, i) {
                let o = out.get_or_insert_with(|| String::with_capacity(input.len()));
                o.push_str(&input[copied..chars[i].0]);
                o.push_str("[REDACTED]");
                copied = chars.get(end).map_or(input.len(), |c| c.0);
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

/// End (index into `chars`) of a My-Number-shaped run starting at `i`, if there is one.
fn match_my_number(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let digits = |from: usize, n: usize| from + n <= chars.len() && chars[from..from + n].iter().all(|c| is_digit(c.1));
    let boundary = |at: usize| at >= chars.len() || !is_digit(chars[at].1);
    if digits(i, 12) && boundary(i + 12) {
        return Some(i + 12);
    }
    if digits(i, 4) {
        let sep = chars.get(i + 4)?.1;
        if is_separator(sep)
            && digits(i + 5, 4)
            && chars.get(i + 9).map(|c| c.1) == Some(sep)
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
        // Full-width digits and separators, as Japanese input methods type them.
        assert_eq!(r("番号：１２３４５６７８９０１２です"), "番号：[REDACTED]です");
        assert_eq!(r("１２３４－５６７８－９０１２"), "[REDACTED]");
        assert_eq!(r("１２３４　５６７８　９０１２"), "[REDACTED]");
        assert_eq!(r("1234５６７８9012"), "[REDACTED]");
        assert_eq!(r("１２３４５６７８９０１２３"), "１２３４５６７８９０１２３");
    }
}
