//! The citizen ID (căn cước công dân, CCCD): 12 digits that encode the province of birth
//! registration, sex and century of birth, and the birth year.
//!
//! Rules (Decree 137/2015/NĐ-CP art. 13, Circular 07/2016/TT-BCA): digits 1–3 are a
//! province code; digit 4 is sex and century (even = male; 0/1 → 1900s, 2/3 → 2000s,
//! …); digits 5–6 are the last two digits of the birth year; digits 7–12 are random.
//! There is no check digit.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The province list is data: `content/reference/cccd-province-codes.txt`.
static PROVINCE_CODES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../content/reference/cccd-province-codes.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_whitespace().next())
        .collect()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn parse(value: &str) -> Option<Sex> {
        match value {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Each broken rule has its own error (and its own problem `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CccdError {
    #[error("a citizen ID has exactly 12 digits")]
    Format,
    #[error("unknown province code")]
    Province,
    #[error("the sex digit does not match the stated sex")]
    SexMismatch,
    #[error("the century and birth-year digits do not match the date of birth")]
    BirthYearMismatch,
    #[error("the birth year encoded in the citizen ID is in the future")]
    BirthYearInFuture,
}

impl CccdError {
    pub fn code(self) -> &'static str {
        match self {
            CccdError::Format => "cccd_format",
            CccdError::Province => "cccd_province",
            CccdError::SexMismatch => "cccd_sex_mismatch",
            CccdError::BirthYearMismatch => "cccd_birth_year_mismatch",
            CccdError::BirthYearInFuture => "cccd_birth_year_in_future",
        }
    }

    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            CccdError::Format => (
                "Số CCCD phải gồm đúng 12 chữ số.",
                "A citizen ID number has exactly 12 digits.",
            ),
            CccdError::Province => (
                "Ba chữ số đầu của số CCCD không phải mã tỉnh, thành phố hợp lệ.",
                "The first three digits are not a known province code.",
            ),
            CccdError::SexMismatch => (
                "Chữ số thứ tư của số CCCD không khớp với giới tính đã khai.",
                "The fourth digit does not match the stated sex.",
            ),
            CccdError::BirthYearMismatch => (
                "Số CCCD không khớp với năm sinh đã khai.",
                "The citizen ID does not match the stated year of birth.",
            ),
            CccdError::BirthYearInFuture => (
                "Năm sinh ghi trong số CCCD nằm ở tương lai.",
                "The birth year encoded in the citizen ID is in the future.",
            ),
        }
    }
}

/// A syntactically valid citizen ID with a known province code. Never logged, never
/// displayed whole except to its owner and administrators in scope: see [`Cccd::masked`].
#[derive(Clone, PartialEq, Eq)]
pub struct Cccd(String);

impl std::fmt::Debug for Cccd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cccd({})", self.masked())
    }
}

impl Cccd {
    pub fn parse(value: &str) -> Result<Self, CccdError> {
        let value = value.trim();
        if value.len() != 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CccdError::Format);
        }
        if !PROVINCE_CODES.contains(&value[..3]) {
            return Err(CccdError::Province);
        }
        Ok(Cccd(value.to_owned()))
    }

    fn digit(&self, index: usize) -> u32 {
        u32::from(self.0.as_bytes()[index] - b'0')
    }

    pub fn sex(&self) -> Sex {
        if self.digit(3).is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// 1900 + 100·⌊d4/2⌋ + YY.
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * (self.digit(3) / 2);
        (century + self.digit(4) * 10 + self.digit(5)) as i32
    }

    /// Checks the number against what the person stated, and against `today`.
    pub fn check(
        &self,
        birth_date: Option<NaiveDate>,
        sex: Option<Sex>,
        today: NaiveDate,
    ) -> Result<(), CccdError> {
        if self.birth_year() > today.year() {
            return Err(CccdError::BirthYearInFuture);
        }
        if birth_date.is_some_and(|d| d.year() != self.birth_year()) {
            return Err(CccdError::BirthYearMismatch);
        }
        if sex.is_some_and(|s| s != self.sex()) {
            return Err(CccdError::SexMismatch);
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `**********78`: the last two digits only.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

/// The one masking of a citizen ID number, for a `Cccd` and for text that should hold
/// one (an audit snapshot): `**********78`. The first six digits are the province,
/// century, sex and birth year — often known or guessed from a profile — and the last
/// six are the only secret part; two of them shown leave 10 000 candidates even to
/// someone who knows all the rest. Anything that is not twelve ASCII characters is
/// masked whole, since it cannot be told apart from a mistyped ID.
pub fn mask_id_number(text: &str) -> String {
    match text.get(10..) {
        Some(last) if text.len() == 12 && text.is_ascii() => format!("**********{last}"),
        _ => "*".repeat(text.chars().count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 28);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn reads_sex_and_birth_year() {
        let man_1990 = Cccd::parse("001090012345").expect("valid");
        assert_eq!((man_1990.sex(), man_1990.birth_year()), (Sex::Male, 1990));
        let woman_2001 = Cccd::parse("079301004567").expect("valid");
        assert_eq!(
            (woman_2001.sex(), woman_2001.birth_year()),
            (Sex::Female, 2001)
        );
        assert_eq!(
            Cccd::parse("091499000001").expect("valid").birth_year(),
            2199
        );
    }

    #[test]
    fn each_broken_rule_has_its_own_error() {
        assert_eq!(Cccd::parse("00109001234"), Err(CccdError::Format));
        assert_eq!(Cccd::parse("00109001234a"), Err(CccdError::Format));
        assert_eq!(Cccd::parse("0010900123456"), Err(CccdError::Format));
        assert_eq!(Cccd::parse("003090012345"), Err(CccdError::Province));
        assert_eq!(Cccd::parse("099090012345"), Err(CccdError::Province));

        let cccd = Cccd::parse("001090012345").expect("valid");
        assert_eq!(
            cccd.check(Some(date(1990, 5, 17)), Some(Sex::Male), today()),
            Ok(())
        );
        assert_eq!(
            cccd.check(Some(date(1991, 5, 17)), Some(Sex::Male), today()),
            Err(CccdError::BirthYearMismatch)
        );
        assert_eq!(
            cccd.check(Some(date(1990, 5, 17)), Some(Sex::Female), today()),
            Err(CccdError::SexMismatch)
        );
        // 2090s are in the future in 2026.
        let future = Cccd::parse("001290012345").expect("syntactically valid");
        assert_eq!(
            future.check(None, None, today()),
            Err(CccdError::BirthYearInFuture)
        );
        let codes: HashSet<_> = [
            CccdError::Format,
            CccdError::Province,
            CccdError::SexMismatch,
            CccdError::BirthYearMismatch,
            CccdError::BirthYearInFuture,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(codes.len(), 5);
    }

    #[test]
    fn masks_all_but_the_last_two_digits() {
        let cccd = Cccd::parse("001090012678").expect("valid");
        assert_eq!(cccd.masked(), "**********78");
        assert_eq!(format!("{cccd:?}"), "Cccd(**********78)");
    }

    #[test]
    fn the_province_list_has_the_63_codes() {
        assert_eq!(PROVINCE_CODES.len(), 63);
        assert!(PROVINCE_CODES.contains("079") && PROVINCE_CODES.contains("096"));
    }
}
