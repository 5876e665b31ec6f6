//! Claims derived from the 4 basic information, for relying parties that should keep less than
//! the certificate says (data minimisation): "over 18 at the verification time" instead of the
//! date of birth, the prefecture instead of the address.
//!
//! **Age.** 年齢計算ニ関スル法律 (明治35年法律第50号) counts age from the day of birth, and
//! 民法 第143条 ends a period given in years at the end of the day before the anniversary (the
//! last day of the month when there is no such day: a person born on 29 February reaches an age
//! at the end of 28 February in a common year). So a person is N years old from 00:00 on the
//! anniversary — from 1 March in a common year for a 29 February birth — in Japan Standard Time
//! (UTC+9, no daylight saving), the time zone of the register the certificate copies.
//!
//! **Partial dates.** J-LIS writes unknown parts of a date of birth as zeros (`EYYYY0000`,
//! `E00000000`, see [`super::DateOfBirth`]). The answer is computed for the earliest and the
//! latest day the date can stand for (the era, when known, narrows an unknown year to the era's
//! days): both over → `Some(true)`, both under → `Some(false)`, otherwise `None` — never a
//! guess.

use super::identity::{DateOfBirth, Identity};
use crate::time::{civil_from_days, days_from_civil, days_in_month};

/// Japan Standard Time, seconds east of UTC.
const JST_OFFSET: i64 = 9 * 3600;

/// A Gregorian `(year, month, day)`.
type Ymd = (i64, u32, u32);

/// The 47 prefectures (都道府県) as the 住所 of a JPKI signature certificate begins with them.
pub const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// The prefecture an address begins with, `None` when it begins with none of the 47 (an
/// address abroad, or a substitute character in the prefecture's name).
pub fn prefecture(address: &str) -> Option<&'static str> {
    PREFECTURES.iter().copied().find(|p| address.starts_with(p))
}

impl DateOfBirth {
    /// The earliest and the latest day this date of birth can stand for, or `None` when nothing
    /// bounds it (year and era unknown) or the era and the year contradict each other.
    pub fn possible_days(&self) -> Option<(Ymd, Ymd)> {
        let era = self.era_bounds();
        let by_year = self.year.map(|y| {
            let y = i64::from(y);
            let (m0, m1) = self.month.map_or((1, 12), |m| (m, m));
            let first = (y, m0, self.day.unwrap_or(1));
            let last = (y, m1, self.day.unwrap_or_else(|| days_in_month(y, m1)));
            (first, last)
        });
        let (first, last) = match (by_year, era) {
            (Some((a, b)), Some((c, d))) => (a.max(c), b.min(d)),
            (Some(bounds), None) | (None, Some(bounds)) => bounds,
            (None, None) => return None,
        };
        (first <= last).then_some((first, last))
    }

    /// The era's first and last day (today's era open-ended), `None` when the era is unknown.
    fn era_bounds(&self) -> Option<(Ymd, Ymd)> {
        let (first, last) = self.era.range()?;
        Some((first, last.unwrap_or((9999, 12, 31))))
    }

    /// Whether the person is at least `years` old at Unix time `at` (JST), from the date of
    /// birth: `Some(true)` / `Some(false)` when every day the (possibly partial) date can stand
    /// for gives the same answer, `None` when they disagree or nothing is known.
    pub fn age_over(&self, years: u32, at: i64) -> Option<bool> {
        let (first, last) = self.possible_days()?;
        let today = civil_from_days((at + JST_OFFSET).div_euclid(86_400));
        let reached = |born: Ymd| today >= anniversary(born, years);
        match (reached(first), reached(last)) {
            (true, true) => Some(true),
            (false, false) => Some(false),
            _ => None,
        }
    }
}

/// The first day on which someone born on `born` is `years` old: the anniversary, or 1 March
/// when the anniversary would be 29 February in a common year (民法 第143条: the period ends with
/// the last day of February).
fn anniversary((y, m, d): Ymd, years: u32) -> Ymd {
    let y = y + i64::from(years);
    if d > days_in_month(y, m) {
        civil_from_days(days_from_civil(y, m, days_in_month(y, m)) + 1)
    } else {
        (y, m, d)
    }
}

impl Identity {
    /// [`DateOfBirth::age_over`] of this person.
    pub fn age_over(&self, years: u32, at: i64) -> Option<bool> {
        self.date_of_birth.age_over(years, at)
    }

    /// The prefecture of this person's address ([`prefecture`]).
    pub fn prefecture(&self) -> Option<&'static str> {
        prefecture(&self.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::identity::parse_date_of_birth_for_tests as dob;
    use crate::time::unix_from_civil;

    /// Unix time of `y-m-d hh:mm` JST.
    fn jst(y: i64, m: u32, d: u32, hh: u32, mm: u32) -> i64 {
        unix_from_civil(y, m, d, hh, mm, 0).unwrap() - JST_OFFSET
    }

    #[test]
    fn full_date_turns_at_jst_midnight_of_the_anniversary() {
        let d = dob("420080412"); // 平成20年4月12日
        assert_eq!(d.age_over(18, jst(2026, 4, 11, 23, 59)), Some(false));
        assert_eq!(d.age_over(18, jst(2026, 4, 12, 0, 0)), Some(true));
        // 00:00 JST is 15:00 UTC the day before: the UTC date would have said "not yet".
        assert_eq!(d.age_over(18, jst(2026, 4, 12, 0, 0)), Some(true));
        assert_eq!(d.age_over(19, jst(2026, 4, 12, 0, 0)), Some(false));
        assert_eq!(d.age_over(0, jst(2008, 4, 12, 0, 0)), Some(true));
    }

    #[test]
    fn born_on_29_february_turns_on_1_march_in_a_common_year() {
        let d = dob("420080229");
        assert_eq!(d.age_over(18, jst(2026, 2, 28, 23, 59)), Some(false));
        assert_eq!(d.age_over(18, jst(2026, 3, 1, 0, 0)), Some(true));
        // In a leap year, on 29 February itself.
        assert_eq!(d.age_over(16, jst(2024, 2, 28, 23, 59)), Some(false));
        assert_eq!(d.age_over(16, jst(2024, 2, 29, 0, 0)), Some(true));
    }

    #[test]
    fn partial_dates_answer_only_when_every_possible_day_agrees() {
        // Month and day unknown: born some day of 2008.
        let d = dob("420080000");
        assert_eq!(d.age_over(18, jst(2025, 12, 31, 12, 0)), Some(false));
        assert_eq!(d.age_over(18, jst(2026, 1, 1, 0, 0)), None);
        assert_eq!(d.age_over(18, jst(2026, 12, 30, 12, 0)), None);
        assert_eq!(d.age_over(18, jst(2026, 12, 31, 0, 0)), Some(true));
        // Day unknown: some day of February 2008 (29 days that year).
        let d = dob("420080200");
        assert_eq!(d.age_over(18, jst(2026, 2, 28, 12, 0)), None);
        assert_eq!(d.age_over(18, jst(2026, 3, 1, 0, 0)), Some(true));
        assert_eq!(d.age_over(18, jst(2026, 1, 31, 12, 0)), Some(false));
        // Year unknown, era known: 昭和 (1926-12-25 … 1989-01-07) bounds it.
        let d = dob("300000000");
        assert_eq!(d.possible_days(), Some(((1926, 12, 25), (1989, 1, 7))));
        assert_eq!(d.age_over(18, jst(2026, 12, 7, 0, 0)), Some(true));
        assert_eq!(d.age_over(60, jst(2026, 12, 7, 0, 0)), None);
        assert_eq!(d.age_over(101, jst(2026, 12, 7, 0, 0)), Some(false));
        // 令和, year unknown: open-ended era, so "over N" cannot be said, "under" can.
        let d = dob("500000000");
        assert_eq!(d.age_over(18, jst(2026, 12, 7, 0, 0)), Some(false));
        assert_eq!(d.age_over(0, jst(2026, 12, 7, 0, 0)), None);
        // Nothing known at all.
        assert_eq!(dob("000000000").age_over(18, jst(2026, 12, 7, 0, 0)), None);
        // Era and year contradict (平成 digit, 1950): no answer rather than a guess.
        let d = dob("419500101");
        assert_eq!(d.possible_days(), None);
        assert_eq!(d.age_over(18, jst(2026, 12, 7, 0, 0)), None);
    }

    #[test]
    fn the_era_narrows_a_partial_year() {
        // 平成元年 began on 1989-01-08: "平成, 1989, month unknown" is 1989-01-08 … 1989-12-31.
        let d = dob("419890000");
        assert_eq!(d.possible_days(), Some(((1989, 1, 8), (1989, 12, 31))));
        // 昭和64年 ended on 1989-01-07.
        let d = dob("319890100");
        assert_eq!(d.possible_days(), Some(((1989, 1, 1), (1989, 1, 7))));
    }

    #[test]
    fn prefectures() {
        assert_eq!(prefecture("東京都千代田区千代田１－１"), Some("東京都"));
        assert_eq!(prefecture("京都府京都市上京区"), Some("京都府"));
        assert_eq!(prefecture("神奈川県横浜市"), Some("神奈川県"));
        assert_eq!(prefecture("北海道札幌市"), Some("北海道"));
        assert_eq!(prefecture("鹿児島県鹿児島市"), Some("鹿児島県"));
        assert_eq!(prefecture("千代田区"), None);
        assert_eq!(prefecture(""), None);
        let unique: std::collections::HashSet<_> = PREFECTURES.iter().collect();
        assert_eq!(unique.len(), 47);
    }
}
