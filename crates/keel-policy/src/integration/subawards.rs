//! US prime contracts' first-tier subawards in Canada by year: value, count, the largest primes, sectors and
//! subawardees, from the FSRS extract ([`super::fsrs`]).
//!
//! Choices, each an option with a documented default (docs/methods/policy.md):
//! - **In Canada** ([`InCanada`]): by default a subaward counts when its place of performance is in Canada
//!   (`IsSubPlaceCanada = 1`), the reading closest to "work done by firms in Canada"; `Vendor` counts Canadian
//!   subawardees wherever they work, `Either` both.
//! - **Customer**: by default US Department of Defense prime contracts only (`Customer = Defense`).
//! - **Duplicates**: rows identical in every column are dropped after the first (the file has no subaward
//!   identifier, so an identical row cannot be told from a repeated report of the same subaward); the count and
//!   value dropped are reported, and `keep_duplicates` keeps them.
//!
//! For each year `y`: value `V_y = Σ amount` and count `N_y` over the rows kept; per prime (CSIS's standardised
//! parent, `ParentIDsupplier`), sector and subawardee parent the same sums, ranked by value (ties by name) with
//! their share `V_{y,g} / V_y`.
//!
//! # Complexity
//! O(n log g) for n rows and g groups (ordered maps keep the output deterministic).

use super::fsrs::{Subaward, SubawardFile};
use crate::PolicyError;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which subawards count as "in Canada".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InCanada {
    /// Performed in Canada (`IsSubPlaceCanada = 1`).
    Place,
    /// Awarded to a Canadian vendor (`IsSubVendorCanadian = 1`), wherever performed.
    Vendor,
    /// Either of the two.
    Either,
}

impl InCanada {
    fn admits(self, s: &Subaward) -> bool {
        match self {
            InCanada::Place => s.place_in_canada,
            InCanada::Vendor => s.vendor_canadian,
            InCanada::Either => s.place_in_canada || s.vendor_canadian,
        }
    }
}

/// What to count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubawardOptions {
    pub in_canada: InCanada,
    /// Only prime contracts of this customer (`Defense`); `None` for every agency.
    pub customer: Option<String>,
    /// Keep rows identical to an earlier row.
    pub keep_duplicates: bool,
    /// How many primes and subawardees to rank (per year and overall); sectors are all listed. 0 lists all.
    pub top: usize,
}

impl Default for SubawardOptions {
    fn default() -> Self {
        SubawardOptions {
            in_canada: InCanada::Place,
            customer: Some("Defense".to_string()),
            keep_duplicates: false,
            top: 5,
        }
    }
}

/// The name used for a row without a prime parent (`NULL`).
pub const UNATTRIBUTED: &str = "(not attributed)";
/// The name used for a row without a sector.
pub const NO_SECTOR: &str = "(no sector)";

/// One group (a prime, a sector, a subawardee) in a ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranked {
    pub name: String,
    /// Current US dollars.
    pub value: f64,
    pub count: usize,
    /// Share of the year's (or the period's) value.
    pub share: f64,
}

/// One reporting year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubawardYear {
    pub year: i32,
    pub value: f64,
    pub count: usize,
    pub primes: Vec<Ranked>,
    pub sectors: Vec<Ranked>,
}

/// Subawards in Canada by year, oldest first, and over the whole period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubawardSummary {
    pub source: String,
    pub currency: &'static str,
    pub options: SubawardOptions,
    pub rows_read: usize,
    /// Rows that pass the scope (in Canada, customer), duplicates included.
    pub rows_in_scope: usize,
    pub duplicates_dropped: usize,
    pub duplicate_value_dropped: f64,
    pub years: Vec<SubawardYear>,
    pub value: f64,
    pub count: usize,
    pub primes: Vec<Ranked>,
    pub sectors: Vec<Ranked>,
    pub subawardees: Vec<Ranked>,
}

#[derive(Default)]
struct Groups(BTreeMap<String, (f64, usize)>);

impl Groups {
    fn add(&mut self, name: &str, amount: f64) {
        let e = self.0.entry(name.to_string()).or_default();
        e.0 += amount;
        e.1 += 1;
    }
    /// Largest value first, ties by name; `top = 0` keeps all.
    fn ranked(self, total: f64, top: usize) -> Vec<Ranked> {
        let mut v: Vec<Ranked> = self
            .0
            .into_iter()
            .map(|(name, (value, count))| Ranked {
                name,
                value,
                count,
                share: if total > 0.0 { value / total } else { 0.0 },
            })
            .collect();
        // The map gave names in order; a stable sort by value keeps that order among ties.
        v.sort_by(|a, b| b.value.total_cmp(&a.value));
        if top > 0 {
            v.truncate(top);
        }
        v
    }
}

fn prime_name(s: &Subaward) -> &str {
    s.prime.as_deref().unwrap_or(UNATTRIBUTED)
}

fn sector_name(s: &Subaward) -> &str {
    s.sector.as_deref().unwrap_or(NO_SECTOR)
}

fn subawardee_name(s: &Subaward) -> &str {
    s.subawardee_parent.as_deref().unwrap_or(&s.subawardee)
}

/// Subawards in Canada by year (see the module docs for the choices and formulas).
pub fn subawards_in_canada(
    f: &SubawardFile,
    opts: &SubawardOptions,
) -> Result<SubawardSummary, PolicyError> {
    let in_scope: Vec<&Subaward> = f
        .rows
        .iter()
        .filter(|s| opts.in_canada.admits(s))
        .filter(|s| opts.customer.as_deref().is_none_or(|c| s.customer == c))
        .collect();
    if in_scope.is_empty() {
        let mut customers: Vec<&str> = f.rows.iter().map(|s| s.customer.as_str()).collect();
        customers.sort_unstable();
        customers.dedup();
        return Err(PolicyError::Query(format!(
            "{}: no subawards in scope (customer {}); the file's customers are: {}",
            f.file,
            opts.customer.as_deref().unwrap_or("any"),
            customers.join(", ")
        )));
    }
    let (kept, dropped): (Vec<&Subaward>, Vec<&Subaward>) = in_scope
        .iter()
        .partition(|s| opts.keep_duplicates || s.duplicate_of.is_none());
    let mut by_year: BTreeMap<i32, (f64, usize, Groups, Groups)> = BTreeMap::new();
    let (mut primes, mut sectors, mut subawardees) =
        (Groups::default(), Groups::default(), Groups::default());
    let mut value = 0.0;
    for s in &kept {
        let y = by_year.entry(s.year).or_default();
        y.0 += s.amount;
        y.1 += 1;
        y.2.add(prime_name(s), s.amount);
        y.3.add(sector_name(s), s.amount);
        primes.add(prime_name(s), s.amount);
        sectors.add(sector_name(s), s.amount);
        subawardees.add(subawardee_name(s), s.amount);
        value += s.amount;
    }
    let years = by_year
        .into_iter()
        .map(|(year, (v, n, p, sec))| SubawardYear {
            year,
            value: v,
            count: n,
            primes: p.ranked(v, opts.top),
            sectors: sec.ranked(v, 0),
        })
        .collect();
    Ok(SubawardSummary {
        source: f.file.clone(),
        currency: "current US dollars",
        options: opts.clone(),
        rows_read: f.rows.len(),
        rows_in_scope: in_scope.len(),
        duplicates_dropped: dropped.len(),
        duplicate_value_dropped: dropped.iter().map(|s| s.amount).sum(),
        years,
        value,
        count: kept.len(),
        primes: primes.ranked(value, opts.top),
        sectors: sectors.ranked(value, 0),
        subawardees: subawardees.ranked(value, opts.top),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integration::fsrs::{parse_fsrs, tests::SMALL};

    #[test]
    fn defaults_count_defence_work_in_canada_once() {
        let f = parse_fsrs(SMALL.as_bytes(), "s.csv").unwrap();
        let s = subawards_in_canada(&f, &SubawardOptions::default()).unwrap();
        assert_eq!(
            (s.rows_read, s.rows_in_scope, s.duplicates_dropped),
            (3, 2, 1)
        );
        assert_eq!(s.duplicate_value_dropped, 100.0);
        assert_eq!((s.value, s.count), (100.0, 1));
        assert_eq!(s.years.len(), 1);
        assert_eq!(s.primes[0].name, "GENERAL DYNAMICS");
        assert_eq!(s.subawardees[0].name, "ACME");
    }

    #[test]
    fn options_widen_the_scope() {
        let f = parse_fsrs(SMALL.as_bytes(), "s.csv").unwrap();
        let opts = SubawardOptions {
            in_canada: InCanada::Either,
            customer: None,
            keep_duplicates: true,
            top: 0,
        };
        let s = subawards_in_canada(&f, &opts).unwrap();
        assert_eq!((s.value, s.count, s.duplicates_dropped), (240.5, 3, 0));
        // Ranked by value: GENERAL DYNAMICS 200 (2 rows), then the unattributed 40.5.
        let p: Vec<(&str, f64, usize)> = s
            .primes
            .iter()
            .map(|r| (r.name.as_str(), r.value, r.count))
            .collect();
        assert_eq!(
            p,
            vec![("GENERAL DYNAMICS", 200.0, 2), (UNATTRIBUTED, 40.5, 1)]
        );
        assert_eq!(s.sectors[1].name, NO_SECTOR);
        assert!((s.sectors[0].share - 200.0 / 240.5).abs() < 1e-15);
        // The NASA row's subawardee has no parent: its reported name stands in.
        assert_eq!(s.subawardees[1].name, "MAPLE INC");
    }

    #[test]
    fn ties_are_ranked_by_name() {
        let mut g = Groups::default();
        g.add("b", 1.0);
        g.add("a", 1.0);
        g.add("c", 2.0);
        let names: Vec<String> = g.ranked(4.0, 0).into_iter().map(|r| r.name).collect();
        assert_eq!(names, vec!["c", "a", "b"]);
    }

    #[test]
    fn an_empty_scope_names_the_customers() {
        let f = parse_fsrs(SMALL.as_bytes(), "s.csv").unwrap();
        let opts = SubawardOptions {
            customer: Some("Energy".into()),
            ..SubawardOptions::default()
        };
        let Err(PolicyError::Query(m)) = subawards_in_canada(&f, &opts) else {
            panic!("an empty scope is a query error")
        };
        assert!(m.contains("Defense, NASA"));
    }
}
