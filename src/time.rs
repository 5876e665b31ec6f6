//! Calendar arithmetic for UTC instants, without a clock.
//!
//! The core never reads the system time: validation times come in as Unix seconds (or an
//! RFC 3339 string the caller parsed with [`parse_rfc3339`]). These helpers convert between the
//! two using the proleptic Gregorian calendar (H. Hinnant's `days_from_civil` algorithm).

/// Days since 1970-01-01 of the civil date `y-m-d`.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // d is in 1..=31 and m in 1..=12 by construction.
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

/// Number of days in month `m` of year `y` (Gregorian).
pub(crate) fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Unix seconds of a UTC civil date and time, or `None` when a field is out of range. A leap
/// second (`:60`) counts as `:59`.
pub(crate) fn unix_from_civil(y: i64, mo: u32, d: u32, h: u32, mi: u32, se: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + se.min(59)))
}

/// The value of a run of ASCII decimal digits (at most 9), or `None` if a byte is not a digit
/// or the run is empty. Works on bytes: no `str` slicing, so no char-boundary panic path.
pub(crate) fn ascii_digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Appends `v` in decimal, left-padded with zeros to `width` digits.
fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let (mut v, mut n) = (v, 0);
    while v > 0 || n == 0 {
        digits[19 - n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
    }
    for _ in n..width {
        out.push('0');
    }
    for &d in &digits[20 - n..] {
        out.push(char::from(d));
    }
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (a year before 1 is written as `-YYYY`).
pub fn to_rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400).unsigned_abs();
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(20);
    if y < 0 {
        out.push('-');
    }
    push_padded(&mut out, y.unsigned_abs(), 4);
    for (sep, v) in [
        ('-', u64::from(m)),
        ('-', u64::from(d)),
        ('T', secs / 3600),
        (':', (secs / 60) % 60),
        (':', secs % 60),
    ] {
        out.push(sep);
        push_padded(&mut out, v, 2);
    }
    out.push('Z');
    out
}

/// A text that is not an RFC 3339 timestamp (from [`parse_rfc3339`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidTime {
    /// The text as given.
    pub text: String,
}

/// Parses an RFC 3339 timestamp (`2026-06-01T00:00:00Z`, `…+09:00`, optional fraction, which
/// is truncated) into Unix seconds.
///
/// The error is [`InvalidTime`] (this module stands below [`crate::error`]); `?` turns it into
/// [`crate::Error::Malformed`].
pub fn parse_rfc3339(s: &str) -> Result<i64, InvalidTime> {
    let bad = || InvalidTime { text: s.to_owned() };
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |at: usize, len: usize| b.get(at..at + len).and_then(ascii_digits).ok_or_else(bad);
    let (y, mo, d, h, mi, se) = (
        num(0, 4)?,
        num(5, 2)?,
        num(8, 2)?,
        num(11, 2)?,
        num(14, 2)?,
        num(17, 2)?,
    );
    let mut rest = b.get(19..).unwrap_or_default();
    if let [b'.', frac @ ..] = rest {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = frac.get(digits..).unwrap_or_default();
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), hours @ .., b':', _, _] if hours.len() == 2 => {
            let (oh, om) = (num(s.len() - 5, 2)?, num(s.len() - 2, 2)?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let o = i64::from(oh * 3600 + om * 60);
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return Err(bad()),
    };
    let t = unix_from_civil(i64::from(y), mo, d, h, mi, se).ok_or_else(bad)?;
    Ok(t - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (t, s) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_780_272_000, "2026-06-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (-86_400, "1969-12-31T00:00:00Z"),
            (2_524_607_999, "2049-12-31T23:59:59Z"),
        ] {
            assert_eq!(to_rfc3339(t), s);
            assert_eq!(parse_rfc3339(s).unwrap(), t);
        }
    }

    #[test]
    fn offsets_and_fractions() {
        assert_eq!(parse_rfc3339("2026-06-01T09:00:00+09:00").unwrap(), 1_780_272_000);
        assert_eq!(parse_rfc3339("2026-06-01T00:00:00.999Z").unwrap(), 1_780_272_000);
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-06-01 00:00:00Z",
            "2026-06-01T00:00:00",
            "x",
            "2026-06-01T00:00:00+9:00",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(1992, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2026, 13), 0);
    }
}
