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

/// A character people (and Japanese input methods) put between digit groups: any Unicode
/// space (ASCII, NBSP, ideographic U+3000 …), the hyphen-likes `-` `‐` `‑` `‒` `–` `—` `―`
/// `−` `－` `ー` `ｰ`, the middle dots `・` `･`, and `.` `/` `_`. Review-security M4 (b): the
/// Japanese-mode hyphen `ー` and the minus sign had slipped through.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '\u{FF0D}'
                    | '\u{30FC}'
                    | '\u{FF70}'
                    | '\u{30FB}'
                    | '\u{FF65}'
                    | '.'
                    | '/'
                    | '_'
        )
}

/// Replaces every My-Number-shaped stretch with `[REDACTED]`: 12 digits (ASCII or full-width)
/// made of whole digit groups, where a group is a maximal run of digits and groups are split
/// by single separators ([`is_separator`]) — `DDDDDDDDDDDD`, `DDDD DDDD DDDD`,
/// `DDDD－DDDD－DDDD`, `DDDDーDDDDーDDDD`, `D D D …`, and such a stretch beside other numbers
/// (`tel 03 123456789012`). A single group of more than 12 digits (a 13-digit millisecond
/// time) is left alone; over-redacting a date or a card number next to it is accepted.
pub(crate) fn redact_my_numbers(input: &str) -> std::borrow::Cow<'_, str> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i].1) || continues_digits_before(&chars, i) {
            i += 1;
            continue;
        }
        let groups = digit_groups(&chars, i);
        let end = groups.last().map_or(i + 1, |g| g.1);
        // Whole groups, from each group on, adding up to exactly 12 digits.
        let mut g = 0;
        while g < groups.len() {
            let mut digits = 0;
            let mut last = g;
            while last < groups.len() && digits < 12 {
                digits += groups[last].1 - groups[last].0;
                last += 1;
            }
            if digits == 12 {
                let (from, to) = (groups[g].0, groups[last - 1].1);
                let o = out.get_or_insert_with(|| String::with_capacity(input.len()));
                o.push_str(&input[copied..chars[from].0]);
                o.push_str("[REDACTED]");
                copied = chars.get(to).map_or(input.len(), |c| c.0);
                g = last;
            } else {
                g += 1;
            }
        }
        i = end;
    }
    match out {
        None => std::borrow::Cow::Borrowed(input),
        Some(mut o) => {
            o.push_str(&input[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// Whether the digit at `i` continues a run: a digit, or one separator after a digit, before it.
fn continues_digits_before(chars: &[(usize, char)], i: usize) -> bool {
    match i.checked_sub(1).map(|p| chars[p].1) {
        Some(c) if is_digit(c) => true,
        Some(c) if is_separator(c) => i >= 2 && is_digit(chars[i - 2].1),
        _ => false,
    }
}

/// The digit groups of the run starting at `i`: `(first, end)` indexes into `chars` of each
/// maximal run of digits, consecutive groups split by one separator.
fn digit_groups(chars: &[(usize, char)], i: usize) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut j = i;
    loop {
        let start = j;
        while j < chars.len() && is_digit(chars[j].1) {
            j += 1;
        }
        groups.push((start, j));
        if j + 1 < chars.len() && is_separator(chars[j].1) && is_digit(chars[j + 1].1) {
            j += 1;
        } else {
            return groups;
        }
    }
}

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
        // Any single separator between digits, as people and input methods write them.
        for form in [
            "1234 5678-9012",
            "1234ー5678ー9012",
            "1234‐5678‐9012",
            "1234−5678−9012",
            "1234ｰ5678ｰ9012",
            "1234\u{a0}5678\u{a0}9012",
            "1234.5678.9012",
            "1234/5678/9012",
            "1 2 3 4 5 6 7 8 9 0 1 2",
            "１２３４　５６７８ー９０１２",
        ] {
            assert_eq!(r(&format!("no:{form}!")), "no:[REDACTED]!", "{form}");
        }
        // Beside other numbers, a My Number is still found (12 digits in whole groups).
        assert_eq!(r("ids 1 123456789012"), "ids 1 [REDACTED]");
        assert_eq!(r("tel 03 1234 5678 9012 ok"), "tel 03 [REDACTED] ok");
        assert_eq!(r("1234 5678 9012 3456"), "[REDACTED] 3456");
        // Not 12 digits in whole groups: dates, phone numbers, 13-digit times.
        for other in ["2026-12-07 00:39:03", "03-1234-5678", "at 1795740000000 42"] {
            assert_eq!(r(other), other);
        }
        assert_eq!(super::shown("a\u{3000}b\n"), "\"a\u{3000}b?\"");
        assert_eq!(r("マイナンバー１２３"), "マイナンバー１２３");
        // Full-width digits and separators, as Japanese input methods type them.
        assert_eq!(r("番号：１２３４５６７８９０１２です"), "番号：[REDACTED]です");
        assert_eq!(r("１２３４－５６７８－９０１２"), "[REDACTED]");
        assert_eq!(r("１２３４　５６７８　９０１２"), "[REDACTED]");
        assert_eq!(r("1234５６７８9012"), "[REDACTED]");
        assert_eq!(r("１２３４５６７８９０１２３"), "１２３４５６７８９０１２３");
    }
}
