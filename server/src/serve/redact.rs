//! Log redaction: anything that looks like a My Number is replaced before a log line or a panic
//! message leaves the process. The server never collects a My Number; this is the net under
//! that rule (a customer may type one into a free-text field, a proxy may log a query string).
//! The one implementation is the core's [`jpki_verify::numbers::redact_my_numbers`] (the forms
//! people type, over-redaction on purpose, its tests); this module wires it into tracing and the
//! panic hook.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;

use jpki_verify::numbers::redact_my_numbers;

/// `text` as an error message may echo it: quoted, control characters as `?`, at most 64
/// characters. Not Rust's Debug form: that escapes U+3000 as `\u{3000}`, and a My Number
/// written with ideographic spaces would then reach the log past the redactor (review M4 (a)).
pub(crate) fn shown(text: &str) -> String {
    let mut out = String::from("\"");
    for (n, c) in text.chars().enumerate() {
        if n == 64 {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { '?' } else { c });
    }
    out.push('"');
    out
}

/// Sends panic messages through the redactor too (review M4 (c)): the default hook writes
/// straight to stderr, past the log writer.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = format!("panic: {info}\n");
        let _ = io::stderr().lock().write_all(redact_my_numbers(&text).as_bytes());
    }));
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
    /// The wiring, not the redactor (tested in the core): a line the writer gets is the line
    /// the core's redactor returns.
    #[test]
    fn shown_keeps_ideographic_spaces_for_the_redactor() {
        assert_eq!(super::shown("a\u{3000}b\n"), "\"a\u{3000}b?\"");
        let echoed = super::shown("１２３４\u{3000}５６７８\u{3000}９０１８");
        assert_eq!(super::redact_my_numbers(&echoed), "\"[REDACTED]\"");
    }
}
