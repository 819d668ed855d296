//! The committed table of countries (`data/countries.csv`): ISO code, the names NATO and SIPRI print, and the
//! years each joined or left the blocs Keel reports shares for (NATO, the EU and the EEC before it, the Five
//! Eyes). Sources for every date: `data/README.md` and docs/methods/policy.md.
//!
//! Membership is by calendar year: a country counts for a bloc in every year from its accession year to its
//! last year, inclusive.
//!
//! # Complexity
//! Building the table is linear in its 38 rows, once per process; a lookup is a scan of them.

use serde::Serialize;
use std::sync::OnceLock;

/// A group of countries whose combined share of arms transfers is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bloc {
    Nato,
    Eu,
    FiveEyes,
}

impl Bloc {
    pub const ALL: [Bloc; 3] = [Bloc::Nato, Bloc::Eu, Bloc::FiveEyes];

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Bloc::Nato => "NATO",
            Bloc::Eu => "EU",
            Bloc::FiveEyes => "Five Eyes",
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Country {
    pub iso3: String,
    /// The name in SIPRI's trade register.
    pub sipri_name: String,
    /// The name in NATO's expenditure tables (Allies only).
    pub nato_name: Option<String>,
    pub nato_since: Option<u16>,
    pub eu_since: Option<u16>,
    pub eu_until: Option<u16>,
    pub five_eyes_since: Option<u16>,
}

impl Country {
    /// Whether the country was a member of `bloc` in `year`.
    pub fn in_bloc(&self, bloc: Bloc, year: u16) -> bool {
        let (since, until) = match bloc {
            Bloc::Nato => (self.nato_since, None),
            Bloc::Eu => (self.eu_since, self.eu_until),
            Bloc::FiveEyes => (self.five_eyes_since, None),
        };
        since.is_some_and(|s| s <= year) && until.is_none_or(|u| year <= u)
    }
}

/// The table, in file order.
#[derive(Debug)]
pub struct Countries {
    pub rows: Vec<Country>,
}

const TABLE: &str = include_str!("../data/countries.csv");

impl Countries {
    /// The committed table (parsed once).
    pub fn builtin() -> &'static Countries {
        static C: OnceLock<Countries> = OnceLock::new();
        C.get_or_init(|| parse(TABLE))
    }

    /// The country with ISO code `code` (any case).
    pub fn by_iso3(&self, code: &str) -> Option<&Country> {
        self.rows.iter().find(|c| c.iso3.eq_ignore_ascii_case(code))
    }

    /// The country SIPRI names `name` (any case).
    pub fn by_sipri_name(&self, name: &str) -> Option<&Country> {
        self.rows
            .iter()
            .find(|c| c.sipri_name.eq_ignore_ascii_case(name))
    }

    /// The Ally NATO names `name` (any case).
    pub fn by_nato_name(&self, name: &str) -> Option<&Country> {
        self.rows.iter().find(|c| {
            c.nato_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    }
}

/// Parses the committed table; it is part of the build, so a malformed row is a bug caught by the tests.
fn parse(text: &str) -> Countries {
    let year = |s: &str| -> Option<u16> {
        if s.is_empty() {
            None
        } else {
            Some(s.parse().expect("data/countries.csv: a year is a number"))
        }
    };
    let rows = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 7, "data/countries.csv: 7 fields in {l}");
            Country {
                iso3: f[0].to_string(),
                sipri_name: f[1].to_string(),
                nato_name: (!f[2].is_empty()).then(|| f[2].to_string()),
                nato_since: year(f[3]),
                eu_since: year(f[4]),
                eu_until: year(f[5]),
                five_eyes_since: year(f[6]),
            }
        })
        .collect();
    Countries { rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_names_every_ally_once() {
        let c = Countries::builtin();
        // 32 Allies in 2024 (Sweden the 32nd).
        let allies = c
            .rows
            .iter()
            .filter(|r| r.in_bloc(Bloc::Nato, 2024))
            .count();
        assert_eq!(allies, 32);
        assert_eq!(c.rows.iter().filter(|r| r.nato_name.is_some()).count(), 32);
        // 27 EU members after the UK left; 28 in 2019.
        assert_eq!(
            c.rows.iter().filter(|r| r.in_bloc(Bloc::Eu, 2020)).count(),
            27
        );
        assert_eq!(
            c.rows.iter().filter(|r| r.in_bloc(Bloc::Eu, 2019)).count(),
            28
        );
        assert_eq!(
            c.rows
                .iter()
                .filter(|r| r.in_bloc(Bloc::FiveEyes, 2024))
                .count(),
            5
        );
    }

    #[test]
    fn membership_follows_accession_years() {
        let c = Countries::builtin();
        let swe = c.by_iso3("swe").unwrap();
        assert!(!swe.in_bloc(Bloc::Nato, 2023) && swe.in_bloc(Bloc::Nato, 2024));
        let gbr = c.by_sipri_name("United Kingdom").unwrap();
        assert!(
            gbr.in_bloc(Bloc::Eu, 1973)
                && gbr.in_bloc(Bloc::Eu, 2019)
                && !gbr.in_bloc(Bloc::Eu, 2020)
        );
        assert!(!gbr.in_bloc(Bloc::Eu, 1972));
        assert_eq!(c.by_nato_name("Türkiye").unwrap().sipri_name, "Turkiye");
        assert_eq!(c.by_nato_name("Slovak Republic").unwrap().iso3, "SVK");
    }
}
