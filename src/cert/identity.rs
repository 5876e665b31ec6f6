//! The 4 basic information (基本4情報) in a JPKI signature certificate.
//!
//! J-LIS puts the holder's name, sex, date of birth and address in the signature
//! certificate's subjectAltName as `otherName` entries (the authentication certificate
//! carries none of them):
//!
//! ```text
//! GeneralName ::= CHOICE { otherName [0] OtherName, ... }           -- RFC 5280 §4.2.1.6
//! OtherName   ::= SEQUENCE { type-id OBJECT IDENTIFIER,
//!                            value   [0] EXPLICIT ANY DEFINED BY type-id }
//!
//! 1.2.392.200149.8.5.5.1  氏名 (name; family and given name separated by U+3000)
//! 1.2.392.200149.8.5.5.2  氏名代替文字使用位置情報 (one '0'/'1' per character of the name)
//! 1.2.392.200149.8.5.5.3  性別 (sex: '1' male, '2' female, '3' unknown)
//! 1.2.392.200149.8.5.5.4  生年月日 (date of birth, "EYYYYMMDD": era digit + Gregorian date)
//! 1.2.392.200149.8.5.5.5  住所 (address)
//! 1.2.392.200149.8.5.5.6  住所代替文字使用位置情報 (one '0'/'1' per character of the address)
//! ```
//!
//! (docs/jpki-facts.md §2.3; sources: jpki/myna, kjur/jsrsasign-oid-jpki, real-certificate
//! dumps.) The string type of every value except the date of birth is unconfirmed, so any
//! DirectoryString alternative is accepted. Characters that J-LIS could not represent (outside
//! JIS levels 1–2 and the supplementary kanji) are replaced by a substitute character and flagged
//! in the position-information strings: a bank must not treat such a name as a byte-exact match.

use serde::Serialize;

use crate::der::{decode_string, tag, Reader};
use crate::error::{Error, Result};
use crate::time::days_in_month;

/// OID arc of the JPKI personal-data attributes, `1.2.392.200149.8.5.5`.
pub const PERSONAL_DATA_ARC: &str = "1.2.392.200149.8.5.5";
/// 氏名 (name).
pub const OID_NAME: &str = "1.2.392.200149.8.5.5.1";
/// 氏名代替文字使用位置情報 (name substitution flags).
pub const OID_NAME_SUBSTITUTED: &str = "1.2.392.200149.8.5.5.2";
/// 性別 (sex code).
pub const OID_SEX: &str = "1.2.392.200149.8.5.5.3";
/// 生年月日 (date of birth, `EYYYYMMDD`).
pub const OID_DATE_OF_BIRTH: &str = "1.2.392.200149.8.5.5.4";
/// 住所 (address).
pub const OID_ADDRESS: &str = "1.2.392.200149.8.5.5.5";
/// 住所代替文字使用位置情報 (address substitution flags).
pub const OID_ADDRESS_SUBSTITUTED: &str = "1.2.392.200149.8.5.5.6";

/// The 4 basic information of the holder of a signature certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Identity {
    /// 氏名, as written in the certificate (family name, U+3000, given name).
    pub name: String,
    /// One flag per character of `name`: `true` where J-LIS wrote a substitute character.
    pub name_substituted: Vec<bool>,
    /// 性別.
    pub sex: Sex,
    /// The raw sex code (`"1"`, `"2"` or `"3"`).
    pub sex_code: String,
    /// 生年月日.
    pub date_of_birth: DateOfBirth,
    /// 住所 (prefecture first, no postcode).
    pub address: String,
    /// One flag per character of `address`: `true` where a substitute character was written.
    pub address_substituted: Vec<bool>,
    /// Other attributes under the personal-data arc `1.2.392.200149.8.5.5` that this version
    /// does not interpret (J-LIS has announced more fields, e.g. a kana name), OID → text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_attributes: Vec<OtherAttribute>,
}

impl Identity {
    /// Whether any character of the name or the address is a substitute character.
    pub fn has_substitutions(&self) -> bool {
        self.name_substituted
            .iter()
            .chain(&self.address_substituted)
            .any(|&f| f)
    }
}

/// An attribute under the personal-data arc that this version does not interpret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OtherAttribute {
    /// Dotted OID.
    pub oid: String,
    /// The value as text.
    pub value: String,
}

/// 性別 from the sex code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Sex {
    /// Code `1`.
    Male,
    /// Code `2`.
    Female,
    /// Code `3` (不明).
    Unknown,
}

/// Japanese era (元号) of the era digit in `EYYYYMMDD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Era {
    /// `0`: era unknown (不明).
    Unknown,
    /// `1`: 明治 (1868–1912).
    Meiji,
    /// `2`: 大正 (1912–1926).
    Taisho,
    /// `3`: 昭和 (1926–1989).
    Showa,
    /// `4`: 平成 (1989–2019).
    Heisei,
    /// `5`: 令和 (2019–).
    Reiwa,
}

impl Era {
    fn from_digit(d: u8) -> Option<Era> {
        Some(match d {
            0 => Era::Unknown,
            1 => Era::Meiji,
            2 => Era::Taisho,
            3 => Era::Showa,
            4 => Era::Heisei,
            5 => Era::Reiwa,
            _ => return None,
        })
    }

    /// The era's name in Japanese, `None` for [`Era::Unknown`].
    pub fn name_ja(self) -> Option<&'static str> {
        Some(match self {
            Era::Unknown => return None,
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        })
    }

    /// First and last Gregorian day of the era as `(year, month, day)`, the end `None` for
    /// the current era. Meiji is counted from 1868-01-01 (the era was applied retroactively
    /// to the whole year of the proclamation).
    pub(crate) fn range(self) -> Option<(Ymd, Option<Ymd>)> {
        Some(match self {
            Era::Unknown => return None,
            Era::Meiji => ((1868, 1, 1), Some((1912, 7, 29))),
            Era::Taisho => ((1912, 7, 30), Some((1926, 12, 24))),
            Era::Showa => ((1926, 12, 25), Some((1989, 1, 7))),
            Era::Heisei => ((1989, 1, 8), Some((2019, 4, 30))),
            Era::Reiwa => ((2019, 5, 1), None),
        })
    }
}

/// A Gregorian `(year, month, day)`.
type Ymd = (i64, u32, u32);

/// 生年月日 decoded from `EYYYYMMDD`, where unknown parts are zeros.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DateOfBirth {
    /// The value as written, e.g. `"319850412"`.
    pub raw: String,
    /// The era.
    pub era: Era,
    /// The era digit (0–5).
    pub era_code: u8,
    /// The era's name in Japanese (`"昭和"`), absent when the era is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub era_name: Option<&'static str>,
    /// Year within the era (和暦年, 1 = 元年), when both era and year are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub era_year: Option<u32>,
    /// Gregorian year, `None` if unknown (`0000`).
    pub year: Option<u32>,
    /// Month 1–12, `None` if unknown (`00`).
    pub month: Option<u32>,
    /// Day of month, `None` if unknown (`00`).
    pub day: Option<u32>,
    /// The known part as ISO 8601: `"1985-04-12"`, `"1945-08"`, `"1910"`, or `None` when the
    /// year is unknown.
    pub gregorian: Option<String>,
    /// Whether year, month and day are all known.
    pub complete: bool,
}

/// Reads the six personal-data otherNames. `entries` are `(OID, raw [0] EXPLICIT value,
/// offset of the value in the input)` for every otherName under [`PERSONAL_DATA_ARC`].
///
/// Returns `Ok(None)` when none of the six is present, an error when some are present but
/// not all, when one is duplicated, or when a value breaks the profile.
pub(crate) fn from_other_names(
    entries: &[(String, &[u8], Option<usize>)],
    warnings: &mut Vec<String>,
) -> Result<Option<Identity>> {
    let mut values: [Option<(String, Option<usize>)>; 6] = Default::default();
    let mut other_attributes = Vec::new();
    for (oid, raw, offset) in entries {
        let text = decode_other_name_value(raw, *offset)?;
        let slot = match oid.as_str() {
            OID_NAME => 0,
            OID_NAME_SUBSTITUTED => 1,
            OID_SEX => 2,
            OID_DATE_OF_BIRTH => 3,
            OID_ADDRESS => 4,
            OID_ADDRESS_SUBSTITUTED => 5,
            _ => {
                other_attributes.push(OtherAttribute {
                    oid: oid.clone(),
                    value: text,
                });
                continue;
            }
        };
        if values[slot].is_some() {
            return Err(Error::malformed(
                format!("subjectAltName: duplicate otherName {oid}"),
                *offset,
            ));
        }
        values[slot] = Some((text, *offset));
    }
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let take = |i: usize, oid: &str| {
        values[i].clone().ok_or_else(|| {
            Error::malformed(
                format!("subjectAltName: JPKI identity attribute {oid} is missing"),
                None,
            )
        })
    };
    let (name, _) = take(0, OID_NAME)?;
    let (name_flags, name_flags_at) = take(1, OID_NAME_SUBSTITUTED)?;
    let (sex_code, sex_at) = take(2, OID_SEX)?;
    let (dob, dob_at) = take(3, OID_DATE_OF_BIRTH)?;
    let (address, _) = take(4, OID_ADDRESS)?;
    let (address_flags, address_flags_at) = take(5, OID_ADDRESS_SUBSTITUTED)?;

    let name_substituted = parse_flags(&name_flags, "name substitution flags", name_flags_at)?;
    check_flag_count(&name, &name_substituted, "name", warnings);
    let address_substituted = parse_flags(&address_flags, "address substitution flags", address_flags_at)?;
    check_flag_count(&address, &address_substituted, "address", warnings);
    let sex = match sex_code.as_str() {
        "1" => Sex::Male,
        "2" => Sex::Female,
        "3" => Sex::Unknown,
        other => {
            return Err(Error::malformed(
                format!("sex code {} is not 1, 2 or 3", crate::error::Quoted(other)),
                sex_at,
            ));
        }
    };
    let date_of_birth = parse_date_of_birth(&dob, dob_at, warnings)?;
    Ok(Some(Identity {
        name,
        name_substituted,
        sex,
        sex_code,
        date_of_birth,
        address,
        address_substituted,
        other_attributes,
    }))
}

/// `[0] EXPLICIT DirectoryString` → text.
fn decode_other_name_value(raw: &[u8], offset: Option<usize>) -> Result<String> {
    let base = offset.unwrap_or(0);
    let locate = |o: usize| offset.map(|_| o);
    let mut outer = Reader::new(raw, base);
    let wrapper = outer.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "otherName value")?;
    outer.finish("otherName value")?;
    let mut inner = Reader::new(wrapper.value, wrapper.value_offset);
    let value = inner.read()?;
    inner.finish("otherName value")?;
    match decode_string(&value) {
        Some(Ok(s)) => Ok(s),
        Some(Err(Error::Malformed { what, .. })) => Err(Error::malformed(
            format!("otherName value: {what}"),
            locate(value.value_offset),
        )),
        Some(Err(e)) => Err(e),
        None => Err(Error::malformed(
            format!("otherName value: tag 0x{:02X} is not a string type", value.tag),
            locate(value.offset),
        )),
    }
}

fn parse_flags(s: &str, what: &str, offset: Option<usize>) -> Result<Vec<bool>> {
    s.chars()
        .map(|c| match c {
            '0' => Ok(false),
            '1' => Ok(true),
            _ => Err(Error::malformed(
                format!(
                    "{what}: {} is not '0' or '1'",
                    crate::error::Quoted(c.encode_utf8(&mut [0; 4]))
                ),
                offset,
            )),
        })
        .collect()
}

fn check_flag_count(text: &str, flags: &[bool], what: &str, warnings: &mut Vec<String>) {
    // Characters are the bytes that do not continue a UTF-8 sequence (`chars().count()` would
    // bring core's vectorised counter into the wasm: +0.4 KB gzip).
    let chars = text.bytes().filter(|b| b & 0xC0 != 0x80).count();
    if chars != flags.len() {
        warnings.push(format!(
            "{what} has {chars} characters but {} substitution flags; flags may not line up with characters",
            flags.len()
        ));
    }
}

/// Parses `EYYYYMMDD`.
fn parse_date_of_birth(raw: &str, offset: Option<usize>, warnings: &mut Vec<String>) -> Result<DateOfBirth> {
    let bad = |why: &str| Error::malformed(format!("date of birth {}: {why}", crate::error::Quoted(raw)), offset);
    if raw.len() != 9 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("expected 9 digits EYYYYMMDD"));
    }
    let digits: Vec<u32> = raw.bytes().map(|b| u32::from(b - b'0')).collect();
    let era_code = raw.as_bytes()[0] - b'0';
    let era = Era::from_digit(era_code).ok_or_else(|| bad("era digit is not 0-5"))?;
    let year = digits[1] * 1000 + digits[2] * 100 + digits[3] * 10 + digits[4];
    let month = digits[5] * 10 + digits[6];
    let day = digits[7] * 10 + digits[8];
    let year = (year != 0).then_some(year);
    let month = (month != 0).then_some(month);
    let day = (day != 0).then_some(day);
    if month.is_some_and(|m| m > 12) {
        return Err(bad("month is not 01-12"));
    }
    if let (Some(y), Some(m), Some(d)) = (year, month, day) {
        if d > days_in_month(i64::from(y), m) {
            return Err(bad("day does not exist in that month"));
        }
    } else if day.is_some_and(|d| d > 31) {
        return Err(bad("day is not 01-31"));
    }
    if month.is_none() && day.is_some() {
        warnings.push(format!(
            "date of birth {} has a day but no month",
            crate::error::Quoted(raw)
        ));
    }
    let gregorian = year.map(|y| match (month, day) {
        (Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{y:04}-{m:02}"),
        _ => format!("{y:04}"),
    });
    let mut era_year = None;
    if let (Some(((sy, sm, sd), end)), Some(y)) = (era.range(), year) {
        let y = i64::from(y);
        // Compare as far as the date is known: a partial date is consistent if some day
        // it could stand for falls in the era.
        let first = (y, month.unwrap_or(1), day.unwrap_or(1));
        let last = (y, month.unwrap_or(12), day.unwrap_or(31));
        let inside = last >= (sy, sm, sd) && end.is_none_or(|e| first <= e);
        if inside {
            era_year = u32::try_from(y - sy + 1).ok();
        } else {
            warnings.push(format!(
                "date of birth {}: {} does not fall within the era {}",
                crate::error::Quoted(raw),
                gregorian.as_deref().unwrap_or("?"),
                era.name_ja().unwrap_or("?")
            ));
        }
    }
    Ok(DateOfBirth {
        raw: raw.to_owned(),
        era,
        era_code,
        era_name: era.name_ja(),
        era_year,
        year,
        month,
        day,
        gregorian,
        complete: year.is_some() && month.is_some() && day.is_some(),
    })
}

/// [`parse_date_of_birth`] for other modules' tests.
#[cfg(test)]
pub(crate) fn parse_date_of_birth_for_tests(raw: &str) -> DateOfBirth {
    parse_date_of_birth(raw, None, &mut Vec::new()).expect("a valid date of birth")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dob(raw: &str) -> (DateOfBirth, Vec<String>) {
        let mut w = Vec::new();
        (parse_date_of_birth(raw, None, &mut w).unwrap(), w)
    }

    #[test]
    fn full_dates_with_era_year() {
        let (d, w) = dob("319850412");
        assert_eq!(
            (d.era, d.era_year, d.gregorian.as_deref(), d.complete),
            (Era::Showa, Some(60), Some("1985-04-12"), true)
        );
        assert!(w.is_empty());
        let (d, _) = dob("419920229");
        assert_eq!(
            (d.era, d.era_year, d.gregorian.as_deref()),
            (Era::Heisei, Some(4), Some("1992-02-29"))
        );
        let (d, _) = dob("520190501");
        assert_eq!((d.era_name, d.era_year), (Some("令和"), Some(1)));
        // Showa 64 = 1989-01-07, last day of Showa.
        let (d, w) = dob("319890107");
        assert_eq!(d.era_year, Some(64));
        assert!(w.is_empty());
    }

    #[test]
    fn partial_dates() {
        let (d, w) = dob("119100000");
        assert_eq!(
            (d.era, d.year, d.month, d.day, d.gregorian.as_deref(), d.complete),
            (Era::Meiji, Some(1910), None, None, Some("1910"), false)
        );
        assert_eq!(d.era_year, Some(43));
        assert!(w.is_empty());
        let (d, _) = dob("019450800");
        assert_eq!(
            (d.era, d.era_name, d.era_year, d.gregorian.as_deref()),
            (Era::Unknown, None, None, Some("1945-08"))
        );
        let (d, _) = dob("000000000");
        assert_eq!((d.year, d.gregorian), (None, None));
        // 1912 with unknown month is consistent with both Meiji and Taisho.
        assert!(dob("119120000").1.is_empty());
        assert!(dob("219120000").1.is_empty());
    }

    #[test]
    fn inconsistent_era_is_a_warning_not_an_error() {
        let (d, w) = dob("519850412");
        assert_eq!(d.era_year, None);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("令和"));
    }

    #[test]
    fn rejects_impossible_dates() {
        for raw in [
            "31985041",
            "3198504120",
            "619850412",
            "319851312",
            "319930229",
            "31985041a",
            "319850432",
        ] {
            assert!(parse_date_of_birth(raw, Some(5), &mut Vec::new()).is_err(), "{raw}");
        }
    }

    fn utf8(s: &str) -> Vec<u8> {
        let mut inner = vec![0x0C, s.len() as u8];
        inner.extend(s.as_bytes());
        let mut v = vec![0xA0, inner.len() as u8];
        v.extend(inner);
        v
    }

    #[test]
    fn reads_all_six_and_keeps_unknown_attributes() {
        let vals = [
            (OID_NAME, utf8("山田　太郎")),
            (OID_NAME_SUBSTITUTED, utf8("00100")),
            (OID_SEX, utf8("1")),
            (OID_DATE_OF_BIRTH, utf8("319850412")),
            (OID_ADDRESS, utf8("東京都")),
            (OID_ADDRESS_SUBSTITUTED, utf8("000")),
            ("1.2.392.200149.8.5.5.7", utf8("ヤマダ　タロウ")),
        ];
        let entries: Vec<_> = vals.iter().map(|(o, v)| (o.to_string(), v.as_slice(), None)).collect();
        let mut w = Vec::new();
        let id = from_other_names(&entries, &mut w).unwrap().unwrap();
        assert_eq!(id.name_substituted, [false, false, true, false, false]);
        assert!(id.has_substitutions());
        assert_eq!(id.sex, Sex::Male);
        assert_eq!(id.other_attributes[0].value, "ヤマダ　タロウ");
        assert!(w.is_empty());

        // Missing one of the six is malformed; none at all is "no identity".
        assert!(from_other_names(&entries[..5], &mut w).is_err());
        assert_eq!(from_other_names(&[], &mut w).unwrap(), None);
        // A duplicate is malformed.
        let mut dup = entries.clone();
        dup.push(entries[0].clone());
        assert!(from_other_names(&dup, &mut w).is_err());
    }

    #[test]
    fn rejects_bad_codes_and_flags() {
        let mk = |sex: &str, flags: &str| {
            let vals = [
                (OID_NAME, utf8("AB")),
                (OID_NAME_SUBSTITUTED, utf8(flags)),
                (OID_SEX, utf8(sex)),
                (OID_DATE_OF_BIRTH, utf8("319850412")),
                (OID_ADDRESS, utf8("X")),
                (OID_ADDRESS_SUBSTITUTED, utf8("0")),
            ];
            let entries: Vec<_> = vals
                .iter()
                .map(|(o, v)| (o.to_string(), v.clone(), Some(100)))
                .collect();
            let refs: Vec<_> = entries
                .iter()
                .map(|(o, v, at)| (o.clone(), v.as_slice(), *at))
                .collect();
            let mut w = Vec::new();
            from_other_names(&refs, &mut w).map(|_| w)
        };
        assert!(mk("9", "00").is_err());
        assert!(mk("1", "0x").is_err());
        assert_eq!(mk("1", "000").unwrap().len(), 1, "flag count mismatch warns");
        // A non-string value inside [0] is malformed.
        let entries = [(OID_NAME.to_string(), &[0xA0, 0x03, 0x02, 0x01, 0x05][..], Some(10))];
        let e = from_other_names(&entries, &mut Vec::new()).unwrap_err();
        assert_eq!(e.offset(), Some(12));
    }
}
