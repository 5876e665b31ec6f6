//! My Number (個人番号) and Corporate Number (法人番号): check digits, the forms people type,
//! and a redactor for text that may contain a My Number.
//!
//! The SDK never collects a My Number (JPKI certificates do not contain it, and the card client
//! refuses the text-input AP's My Number file). This module exists for the other side of that
//! rule: a bank's forms and logs receive free text, and a customer may type their number into
//! it. Nothing here stores, logs or returns the digits it looks at — the checks answer `bool`
//! and the redactor only removes.
//!
//! ```text
//! 個人番号 (12 digits) — 平成26年総務省令第85号 第5条 (施行令 第8条):
//!   P1…P11 = the 11-digit base counted from its rightmost digit
//!   Qn = n + 1 (1 ≤ n ≤ 6), n − 5 (7 ≤ n ≤ 11)          weights from the right 2,3,4,5,6,7,2,3,4,5,6
//!   r = Σ Pn·Qn mod 11;  check digit = 0 if r ≤ 1, else 11 − r;  it is the 12th (rightmost) digit
//!
//! 法人番号 (13 digits) — 平成26年財務省令第70号 第2条 (施行令 第35条第1項):
//!   P1…P12 = the 12-digit base counted from its rightmost digit
//!   Qn = 1 (n odd), 2 (n even)
//!   check digit = 9 − (Σ Pn·Qn mod 9);  it is the 1st (leftmost) digit
//! ```
//!
//! (docs: `../shared/docs/jpki-facts.md` §6, with the secondary sources that quote the
//! ordinances.) A valid check digit only says the number is well formed; it catches typos, not
//! forgeries; a My Number typo that moves the sum between remainders 0 and 1, and a Corporate
//! Number's single 0↔9 substitution, are not detected by the published schemes.
//!
//! **Forms people type.** Japanese input methods produce full-width digits (`０`–`９`) and
//! a variety of separators; [`is_valid_my_number`], [`is_valid_corporate_number`] and
//! [`redact_my_numbers`] accept digits written in either width, separated by spaces (ASCII,
//! NBSP, the ideographic space U+3000, any Unicode space) and by the hyphen-likes
//! `-` `‐` `‑` `‒` `–` `—` `―` `−` `－` `ー` `ｰ`, as well as `・` `･` `.` `/` `_`.

use std::borrow::Cow;

/// What [`redact_my_numbers`] writes in place of a number.
pub const REDACTED: &str = "[REDACTED]";

/// The most separator characters the redactor accepts between two digit groups
/// (`1234 - 5678 - 9012` has three).
const MAX_SEPARATOR_RUN: usize = 3;

/// The value of a digit as a person may type it: ASCII `0`–`9` or full-width `０`–`９`.
fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => Some((u32::from(c) - 0xFF10) as u8),
        _ => None,
    }
}

/// A character people and Japanese input methods put between digit groups: any Unicode space
/// (ASCII, NBSP, ideographic U+3000 …), the hyphen-likes `-` `‐` `‑` `‒` `–` `—` `―` `−` `－`
/// `ー` (the long-vowel mark a Japanese-mode hyphen key types) `ｰ`, the middle dots `・` `･`,
/// and `.` `/` `_`.
fn is_separator(c: char) -> bool {
    is_space(c)
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

/// Unicode White_Space (what `char::is_whitespace` answers), spelled out: the standard
/// library's table lookup costs more wasm than the list.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The digits of `s` when it is one number of `n` ≤ 13 digits as people write it: digits of
/// either width, runs of up to three separators only *between* digits, surrounding spaces
/// ignored. `None` for anything else.
fn typed_digits(s: &str, n: usize) -> Option<[u8; 13]> {
    let mut out = [0u8; 13];
    let mut count = 0;
    // Separators since the last digit, and whether they were all spaces (trailing spaces are
    // allowed, like leading ones; between digits, at most three separators of any kind).
    let mut gap = 0;
    let mut gap_spaces = true;
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            if gap > MAX_SEPARATOR_RUN {
                return None;
            }
            *out.get_mut(count)? = d;
            count += 1;
            gap = 0;
            gap_spaces = true;
        } else if is_space(c) && count == 0 {
            continue;
        } else if is_separator(c) && count > 0 {
            gap += 1;
            gap_spaces &= is_space(c);
        } else {
            return None;
        }
    }
    (count == n && (gap == 0 || gap_spaces)).then_some(out)
}

/// Qn for the My Number base written left to right (P11 … P1): from the right 2,3,4,5,6,7,2,3,4,5,6.
const MY_NUMBER_WEIGHTS: [u32; 11] = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
/// Qn for the Corporate Number base written left to right (P12 … P1): 2 for even n, 1 for odd.
const CORPORATE_NUMBER_WEIGHTS: [u32; 12] = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];

/// Σ Pn·Qn of `digits` (left to right) against `weights` (left to right).
fn weighted_sum(digits: &[u8], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(&p, &q)| u32::from(p) * q).sum()
}

/// The My Number check digit from Σ Pn·Qn.
fn my_number_check(sum: u32) -> u8 {
    match sum % 11 {
        0 | 1 => 0,
        r => (11 - r) as u8,
    }
}

/// The Corporate Number check digit from Σ Pn·Qn.
fn corporate_number_check(sum: u32) -> u8 {
    (9 - sum % 9) as u8
}

/// The check digit of an 11-digit My Number base (digits 1–11 from the left, values 0–9).
pub fn my_number_check_digit(base: &[u8; 11]) -> u8 {
    my_number_check(weighted_sum(base, &MY_NUMBER_WEIGHTS))
}

/// The check digit of a 12-digit Corporate Number base (digits 2–13 from the left).
pub fn corporate_number_check_digit(base: &[u8; 12]) -> u8 {
    corporate_number_check(weighted_sum(base, &CORPORATE_NUMBER_WEIGHTS))
}

/// Whether `s` is a My Number with a valid check digit, in any form people type
/// (`123456789018`, `1234 5678 9018`, `１２３４ー５６７８ー９０１８` …). Anything else in `s`
/// (letters, a 13th digit, a leading separator) makes it `false`.
pub fn is_valid_my_number(s: &str) -> bool {
    typed_digits(s, 12).is_some_and(|d| my_number_check(weighted_sum(&d, &MY_NUMBER_WEIGHTS)) == d[11])
}

/// Whether `s` is a Corporate Number with a valid check digit (the leftmost digit), in any form
/// people type (`7000012050002`, `7-0000-1205-0002`, full-width …).
pub fn is_valid_corporate_number(s: &str) -> bool {
    typed_digits(s, 13)
        .is_some_and(|d| corporate_number_check(weighted_sum(&d[1..], &CORPORATE_NUMBER_WEIGHTS)) == d[0])
}

/// Replaces with [`REDACTED`] every stretch of `text` that could be a My Number: 12 digits
/// (either width) made of whole digit groups, where a group is a maximal run of digits and
/// groups are split by at most three separators — `DDDDDDDDDDDD`, `DDDD DDDD DDDD`,
/// `DDDD－DDDD－DDDD`, `DDDDーDDDDーDDDD`, `DDDD - DDDD - DDDD`, `D D D …`, and such a stretch
/// beside other numbers (`tel 03 1234 5678 9012`).
///
/// Every such stretch goes, **whatever its check digit**: a mistyped My Number is still the
/// person's number, so this leaves no check-digit-valid My Number in any of those forms and
/// over-redacts on purpose (a 12-digit IPv4 address `100.100.100.100`, a date and time written
/// as digits only). A single run of more than 12 digits (a 13-digit millisecond time, a
/// Corporate Number) is not a My Number and is left alone. Borrowed when nothing was replaced.
pub fn redact_my_numbers(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    // The window: the digit groups of the current run from the first that may still begin a
    // My Number, as (first byte, digits); at most 12 (each group has a digit), summing to
    // `digits` ≤ 12. `end` is where the last group ends, `gap` the separators since.
    let mut window = [(0usize, 0usize); 12];
    let (mut len, mut digits, mut end, mut gap) = (0, 0, 0, 0);
    // A NUL after the end closes the last run.
    for (at, c) in text.char_indices().chain(std::iter::once((text.len(), '\0'))) {
        if digit_value(c).is_some() {
            if len > 0 && gap == 0 {
                window[len - 1].1 += 1; // the same group goes on
            } else {
                // A new group; the window has room, as the loop below keeps `digits` ≤ 12.
                window[len] = (at, 1);
                len += 1;
            }
            digits += 1;
            end = at + c.len_utf8();
            gap = 0;
            // Whole groups from the first: drop groups from the front while over 12.
            while digits > 12 {
                digits -= window[0].1;
                window.copy_within(1..len, 0);
                len -= 1;
            }
            continue;
        }
        if digits == 12 && gap == 0 {
            // The last group has just ended and the window holds 12 digits in whole groups.
            // (`get`, not indexing: the bounds are char boundaries by construction, and str
            // indexing's panic path would bring Unicode tables into the wasm, +4 KB.)
            out.push_str(text.get(copied..window[0].0).unwrap_or_default());
            out.push_str(REDACTED);
            copied = end;
            (len, digits) = (0, 0);
        }
        if is_separator(c) && len > 0 && gap < MAX_SEPARATOR_RUN {
            gap += 1;
        } else {
            (len, digits, gap) = (0, 0, 0);
        }
    }
    if out.is_empty() {
        return Cow::Borrowed(text);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published worked examples (`../shared/docs/jpki-facts.md` §6.1): base `12345678901`
    /// → check digit 8 (Σ = 212, 212 mod 11 = 3, 11 − 3 = 8); base `00000000000` → 0.
    #[test]
    fn my_number_worked_examples() {
        assert_eq!(my_number_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]), 8);
        assert_eq!(my_number_check_digit(&[0; 11]), 0);
        assert!(is_valid_my_number("123456789018"));
        assert!(!is_valid_my_number("123456789019"));
        assert!(is_valid_my_number("000000000000"));
        // Remainders 0 and 1 both give check digit 0, so a one-digit change in the base that
        // moves the sum between them is not detected: 00000000006 (Σ = 12, r = 1) is as valid
        // as 00000000000. A check digit catches most typos, not all.
        assert!(is_valid_my_number("000000000060"));
    }

    /// Every remainder, including both that give 0 (r = 0 and r = 1): r = 1 must not give 10.
    #[test]
    fn my_number_remainder_one_gives_zero() {
        // Base 00000000005: Σ = 5·2 = 10, r = 10 → 1. Base 00000000006: Σ = 12, r = 1 → 0.
        assert_eq!(my_number_check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]), 1);
        assert_eq!(my_number_check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6]), 0);
        for base in 0..100_000u32 {
            let mut b = [0u8; 11];
            let mut v = base;
            for d in b.iter_mut().rev() {
                *d = (v % 10) as u8;
                v /= 10;
            }
            assert!(my_number_check_digit(&b) <= 9);
        }
    }

    /// Real Corporate Numbers — public by law (番号法 第39条 第4項) and listed in the National Tax
    /// Agency's 法人番号公表サイト https://www.houjin-bangou.nta.go.jp/ — and the worked example:
    /// * `7000012050002` 国税庁 (the NTA itself): https://itc.jipdec.or.jp/event/1_ono.html
    ///   (an NTA officer's talk, "国税庁 (法人番号:7000012050002)"); Σ = 11, 11 mod 9 = 2, 9 − 2 = 7.
    /// * `7010705000725` 日本税理士会連合会: Wikipedia 「法人番号」 (the table comparing 会社法人等番号
    ///   `010705000725`, 法人番号 and 登録番号 T7010705000725), copy at
    ///   https://www.weblio.jp/content/数字の意味.
    /// * `4011001098993`: Qiita mziyut, quoted in `../shared/docs/jpki-facts.md` §6.2.
    /// * `7123456789012`: the worked example (base `123456789012` → 7) in jpki-facts §6.2.
    #[test]
    fn corporate_number_published_and_real() {
        assert_eq!(corporate_number_check_digit(&[0, 0, 0, 0, 1, 2, 0, 5, 0, 0, 0, 2]), 7);
        for real in ["7000012050002", "7010705000725", "4011001098993", "7123456789012"] {
            assert!(is_valid_corporate_number(real), "{real}");
        }
        assert!(!is_valid_corporate_number("7000012050003"));
        assert!(!is_valid_corporate_number("7010705000726"));
        // 0 ↔ 9 in the base is not detected (both are 0 mod 9): documented, not a bug.
        assert!(is_valid_corporate_number("7910705000725"));
        assert!(!is_valid_corporate_number("123456789018"));
    }

    #[test]
    fn typed_forms() {
        for form in [
            "1234 5678 9018",
            "1234-5678-9018",
            "1234ー5678ー9018",
            "1234‐5678‐9018",
            "1234−5678−9018",
            "1234－5678－9018",
            "１２３４５６７８９０１８",
            "１２３４　５６７８　９０１８",
            "1234 - 5678 - 9018",
            "  123456789018\n",
        ] {
            assert!(is_valid_my_number(form), "{form}");
        }
        for bad in [
            "",
            "-123456789018",
            "123456789018-",
            "1234    5678 9018",
            "12345678901８x",
            "1234567890180",
            "12345678901",
            "١٢٣٤٥٦٧٨٩٠١٨", // Arabic-Indic digits are not a form people type here
        ] {
            assert!(!is_valid_my_number(bad), "{bad}");
        }
        assert!(is_valid_corporate_number("７０００　０１２０　５０００２"));
        assert!(is_valid_corporate_number("7-0000-1205-0002"));
    }

    #[test]
    fn redaction_shapes() {
        let r = |s: &str| redact_my_numbers(s).into_owned();
        assert_eq!(r("id=123456789012 ok"), "id=[REDACTED] ok");
        assert_eq!(r("1234 5678 9012"), "[REDACTED]");
        assert_eq!(r("x1234-5678-9012y"), "x[REDACTED]y");
        assert_eq!(r("\"123456789012\",\"987654321098\""), "\"[REDACTED]\",\"[REDACTED]\"");
        assert_eq!(r("at=1795740000000"), "at=1795740000000");
        assert_eq!(r("12345678901"), "12345678901");
        for form in [
            "1234 5678-9012",
            "1234ー5678ー9012",
            "1234‐5678‐9012",
            "1234−5678−9012",
            "1234ｰ5678ｰ9012",
            "1234\u{a0}5678\u{a0}9012",
            "1234.5678.9012",
            "1234/5678/9012",
            "1234 - 5678 - 9012",
            "1234　ー　5678　ー　9012",
            "1 2 3 4 5 6 7 8 9 0 1 2",
            "１２３４　５６７８ー９０１２",
        ] {
            assert_eq!(r(&format!("no:{form}!")), "no:[REDACTED]!", "{form}");
        }
        assert_eq!(r("ids 1 123456789012"), "ids 1 [REDACTED]");
        assert_eq!(r("tel 03 1234 5678 9012 ok"), "tel 03 [REDACTED] ok");
        assert_eq!(r("1234 5678 9012 3456"), "[REDACTED] 3456");
        for other in [
            "2026-12-07 00:39:03",
            "03-1234-5678",
            "at 1795740000000 42",
            "7000012050002",
        ] {
            assert_eq!(r(other), other);
        }
        assert_eq!(r("マイナンバー１２３"), "マイナンバー１２３");
        assert_eq!(r("番号：１２３４５６７８９０１２です"), "番号：[REDACTED]です");
        assert_eq!(r("1234５６７８9012"), "[REDACTED]");
        assert_eq!(r("１２３４５６７８９０１２３"), "１２３４５６７８９０１２３");
        assert!(matches!(redact_my_numbers("nothing here"), Cow::Borrowed(_)));
    }

    /// Not quadratic: a long text of digit groups is scanned once.
    #[test]
    fn long_inputs_stay_linear() {
        let text = "1 ".repeat(200_000);
        let out = redact_my_numbers(&text);
        assert!(out.contains(REDACTED));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A valid My Number from an 11-digit base.
    fn my_number(base: [u8; 11]) -> [u8; 12] {
        let mut d = [0u8; 12];
        d[..11].copy_from_slice(&base);
        d[11] = my_number_check_digit(&base);
        d
    }

    const SEPARATORS: &[&str] = &[
        " ",
        "-",
        "‐",
        "−",
        "－",
        "ー",
        "ｰ",
        "\u{3000}",
        "\u{a0}",
        " - ",
        "　ー　",
        ".",
        "/",
    ];

    /// `digits` as a person may type them: each digit in either width, a separator (or none)
    /// after each group of `group` digits.
    fn typed(digits: &[u8], full_width: &[bool], group: usize, sep: &str) -> String {
        let mut s = String::new();
        for (i, (&d, &fw)) in digits.iter().zip(full_width).enumerate() {
            if i > 0 && group > 0 && i % group == 0 {
                s.push_str(sep);
            }
            let c = if fw {
                char::from_u32(0xFF10 + u32::from(d)).unwrap_or('0')
            } else {
                char::from(b'0' + d)
            };
            s.push(c);
        }
        s
    }

    /// The digits left in `text`, separators removed and full width folded: what someone reading
    /// the log could reassemble.
    fn digits_only(text: &str) -> Vec<u8> {
        text.chars().filter_map(digit_value).collect()
    }

    proptest! {
        #[test]
        fn every_typed_valid_my_number_is_valid_and_redacted(
            base in proptest::array::uniform11(0u8..10),
            fw in proptest::collection::vec(any::<bool>(), 12),
            group in prop_oneof![Just(0usize), Just(1), Just(3), Just(4), Just(6)],
            sep in proptest::sample::select(SEPARATORS),
            prefix in "[a-z:=\", ]{0,8}",
            suffix in "[a-z:=\"!, ]{0,8}",
            other in proptest::option::of(0u32..100_000),
        ) {
            let number = my_number(base);
            let form = typed(&number, &fw, group, sep);
            prop_assert!(is_valid_my_number(&form), "{form}");
            // Another number before it, separated the way logs are.
            let lead = other.map(|n| format!("{n} ")).unwrap_or_default();
            let text = format!("{lead}{prefix}{form}{suffix}");
            let out = redact_my_numbers(&text);
            let left = digits_only(&out);
            prop_assert!(
                !left.windows(12).any(|w| w == number),
                "{text:?} → {out:?}"
            );
        }

        #[test]
        fn a_wrong_check_digit_is_invalid(
            base in proptest::array::uniform11(0u8..10),
            delta in 1u8..10,
        ) {
            let mut number = my_number(base);
            number[11] = (number[11] + delta) % 10;
            let form = typed(&number, &[false; 12], 0, "");
            prop_assert!(!is_valid_my_number(&form));
        }

        #[test]
        fn corporate_numbers_round_trip(base in proptest::array::uniform12(0u8..10)) {
            let check = corporate_number_check_digit(&base);
            prop_assert!((1..=9).contains(&check));
            let mut d = vec![check];
            d.extend_from_slice(&base);
            prop_assert!(is_valid_corporate_number(&typed(&d, &[false; 13], 4, "-")));
        }

        #[test]
        fn redaction_never_panics_and_only_removes(text in "\\PC{0,64}") {
            let out = redact_my_numbers(&text);
            prop_assert!(out.len() <= text.len() + REDACTED.len() * (text.len() / 12 + 1));
        }
    }
}
