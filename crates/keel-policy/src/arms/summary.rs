//! One country's arms imports by supplier (or exports by recipient) in TIV delivered: by year, by 5-year period
//! and over the whole range; each partner's share, the HHI of partners and their effective number
//! ([`super::hhi`]), the United States' share, and the shares of the NATO, EU and Five Eyes blocs.
//!
//! A delivery counts for a bloc when its partner was a member in the delivery year ([`crate::countries`]);
//! defunct states (the Soviet Union, Czechoslovakia, Yugoslavia, East Germany) and non-state or unknown
//! suppliers belong to no bloc, and `unknown supplier(s)` counts as one partner. Periods are SIPRI's 5-year
//! periods, starting in years divisible by 5 (2015-2019, 2020-2024), clipped to the range asked.
//!
//! ```text
//! tiv(p, Y)   = sum over deals with partner p and delivery years y in Y of tiv(deal, y)   (super::spread)
//! share(p, Y) = tiv(p, Y) / sum_q tiv(q, Y)
//! share(bloc, Y) = sum over y in Y, p member of bloc in y of tiv(p, y) / sum_q tiv(q, Y)
//! ```
//!
//! # Complexity
//! O(d + y p log p) for d deals, y years and p partners; every recipient at once groups the deals first,
//! O(D log D) for the whole register.

use super::hhi::{effective_number, hhi};
use super::spread::{spread, Spread};
use super::{Deal, Register};
use crate::countries::{Bloc, Countries, Country};
use crate::PolicyError;
use serde::Serialize;
use std::collections::BTreeMap;

/// The name SIPRI gives the United States.
pub const UNITED_STATES: &str = "United States";

/// Imports (partners are suppliers) or exports (partners are recipients).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Imports,
    Exports,
}

impl Direction {
    /// The deal's country on this side, and its partner.
    fn sides(self, d: &Deal) -> (&str, &str) {
        match self {
            Direction::Imports => (&d.recipient, &d.supplier),
            Direction::Exports => (&d.supplier, &d.recipient),
        }
    }
    /// What a partner is called.
    pub fn partner(self) -> &'static str {
        match self {
            Direction::Imports => "supplier",
            Direction::Exports => "recipient",
        }
    }
}

/// A partner's TIV and share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    pub partner: String,
    pub tiv: f64,
    pub share: f64,
}

/// A bloc's TIV and share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlocShare {
    pub bloc: Bloc,
    pub tiv: f64,
    pub share: f64,
}

/// The figures for one span of years.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Slice {
    pub from: u16,
    pub to: u16,
    /// TIV delivered in the span.
    pub total: f64,
    /// Partners, largest first (ties by name).
    pub partners: Vec<Share>,
    /// HHI of partners (0-10,000); None with no deliveries.
    pub hhi: Option<f64>,
    pub effective_number: Option<f64>,
    /// Share of the United States as partner.
    pub us_share: Option<f64>,
    /// NATO, EU, Five Eyes.
    pub blocs: Vec<BlocShare>,
}

/// One country's transfers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The country, as SIPRI names it.
    pub country: String,
    pub direction: Direction,
    pub spread: Spread,
    /// Deals with deliveries in the range.
    pub deals: usize,
    /// The whole range.
    pub overall: Slice,
    /// One slice per year of the range, empty years included (a continuous series for charts).
    pub by_year: Vec<Slice>,
    /// One slice per 5-year period.
    pub by_period: Vec<Slice>,
}

/// Years and partners of one country's deliveries: year -> partner -> TIV.
type Yearly<'a> = BTreeMap<u16, BTreeMap<&'a str, f64>>;

/// The name SIPRI uses for `query`: an ISO code of the committed table (`CAN`), or a country's name in the
/// register, in any case.
pub fn resolve(reg: &Register, query: &str, direction: Direction) -> Result<String, PolicyError> {
    let q = query.trim();
    if let Some(c) = Countries::builtin().by_iso3(q) {
        return Ok(c.sipri_name.clone());
    }
    let mut names: Vec<&str> = reg.deals.iter().map(|d| direction.sides(d).0).collect();
    names.sort_unstable();
    names.dedup();
    if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(q)) {
        return Ok((*n).to_string());
    }
    let hint = keel_model::diag::did_you_mean(q, names.iter().copied())
        .map(|g| format!("; did you mean `{g}`?"))
        .unwrap_or_default();
    Err(PolicyError::Query(format!(
        "`{q}` is not a {} in the register{hint} (give SIPRI's name, e.g. `Canada`, or an ISO code such as CAN)",
        match direction {
            Direction::Imports => "recipient",
            Direction::Exports => "supplier",
        }
    )))
}

/// The summary of `country`'s transfers in `direction`, delivery years `from..=to` (default: the country's
/// first and last delivery years).
pub fn summarise(
    reg: &Register,
    country: &str,
    direction: Direction,
    from: Option<u16>,
    to: Option<u16>,
    rule: Spread,
) -> Result<Summary, PolicyError> {
    let deals: Vec<&Deal> = reg
        .deals
        .iter()
        .filter(|d| direction.sides(d).0 == country)
        .collect();
    summary_of(country, &deals, direction, from, to, rule).ok_or_else(|| {
        PolicyError::Query(format!(
            "{country} has no {} deliveries in {}",
            match direction {
                Direction::Imports => "import",
                Direction::Exports => "export",
            },
            range_text(from, to)
        ))
    })
}

/// The summary of every country with deliveries in the range, in name order.
pub fn summarise_all(
    reg: &Register,
    direction: Direction,
    from: Option<u16>,
    to: Option<u16>,
    rule: Spread,
) -> Vec<Summary> {
    let mut groups: BTreeMap<&str, Vec<&Deal>> = BTreeMap::new();
    for d in &reg.deals {
        groups.entry(direction.sides(d).0).or_default().push(d);
    }
    groups
        .into_iter()
        .filter_map(|(c, deals)| summary_of(c, &deals, direction, from, to, rule))
        .collect()
}

fn range_text(from: Option<u16>, to: Option<u16>) -> String {
    match (from, to) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        (Some(a), None) => format!("{a} or later"),
        (None, Some(b)) => format!("{b} or earlier"),
        (None, None) => "the register".into(),
    }
}

fn summary_of(
    country: &str,
    deals: &[&Deal],
    direction: Direction,
    from: Option<u16>,
    to: Option<u16>,
    rule: Spread,
) -> Option<Summary> {
    let lo = from.unwrap_or(0);
    let hi = to.unwrap_or(u16::MAX);
    let mut yearly: Yearly = BTreeMap::new();
    let mut n = 0usize;
    for d in deals {
        let partner = direction.sides(d).1;
        let mut counted = false;
        spread(d, rule, |y, tiv| {
            if (lo..=hi).contains(&y) {
                *yearly.entry(y).or_default().entry(partner).or_insert(0.0) += tiv;
                counted = true;
            }
        });
        n += usize::from(counted);
    }
    let first = from.or_else(|| yearly.keys().next().copied())?;
    let last = to.or_else(|| yearly.keys().next_back().copied())?;
    if n == 0 || first > last {
        return None;
    }
    let mut members: BTreeMap<&str, Option<&Country>> = BTreeMap::new();
    for p in yearly.values().flat_map(BTreeMap::keys) {
        members
            .entry(p)
            .or_insert_with(|| Countries::builtin().by_sipri_name(p));
    }
    let slice = |a: u16, b: u16| slice(&yearly, &members, a, b);
    let by_year = (first..=last).map(|y| slice(y, y)).collect();
    let mut by_period = Vec::new();
    let mut a = first;
    while a <= last {
        let b = (a - a % 5 + 4).min(last);
        by_period.push(slice(a, b));
        match b.checked_add(1) {
            Some(next) => a = next,
            None => break,
        }
    }
    Some(Summary {
        country: country.to_string(),
        direction,
        spread: rule,
        deals: n,
        overall: slice(first, last),
        by_year,
        by_period,
    })
}

fn slice(yearly: &Yearly, members: &BTreeMap<&str, Option<&Country>>, from: u16, to: u16) -> Slice {
    let mut by_partner: BTreeMap<&str, f64> = BTreeMap::new();
    let mut blocs = [0.0f64; 3];
    for (&y, partners) in yearly.range(from..=to) {
        for (&p, &tiv) in partners {
            *by_partner.entry(p).or_insert(0.0) += tiv;
            if let Some(Some(c)) = members.get(p) {
                for (k, b) in Bloc::ALL.iter().enumerate() {
                    if c.in_bloc(*b, y) {
                        blocs[k] += tiv;
                    }
                }
            }
        }
    }
    let total: f64 = by_partner.values().sum();
    let share = |v: f64| if total > 0.0 { v / total } else { 0.0 };
    let h = hhi(by_partner.values().copied());
    let mut partners: Vec<Share> = by_partner
        .iter()
        .map(|(p, &v)| Share {
            partner: (*p).to_string(),
            tiv: v,
            share: share(v),
        })
        .collect();
    partners.sort_by(|a, b| {
        b.tiv
            .total_cmp(&a.tiv)
            .then_with(|| a.partner.cmp(&b.partner))
    });
    Slice {
        from,
        to,
        total,
        us_share: (total > 0.0)
            .then(|| share(by_partner.get(UNITED_STATES).copied().unwrap_or(0.0))),
        partners,
        hhi: h,
        effective_number: h.map(effective_number),
        blocs: Bloc::ALL
            .iter()
            .zip(blocs)
            .map(|(&bloc, tiv)| BlocShare {
                bloc,
                tiv,
                share: share(tiv),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(recipient: &str, supplier: &str, tiv: f64, years: &[u16]) -> Deal {
        Deal {
            recipient: recipient.into(),
            supplier: supplier.into(),
            order_year: years[0],
            order_year_uncertain: false,
            number_ordered: None,
            number_ordered_uncertain: false,
            designation: String::new(),
            description: String::new(),
            number_delivered: None,
            number_delivered_uncertain: false,
            delivery_years: years.to_vec(),
            status: String::new(),
            tiv_per_unit: None,
            tiv_order: None,
            tiv_delivered: Some(tiv),
            line: 1,
        }
    }

    fn register() -> Register {
        Register {
            file: "t".into(),
            generated: None,
            joined_records: 0,
            deals: vec![
                deal("Canada", "United States", 60.0, &[2019, 2020]),
                deal("Canada", "Sweden", 30.0, &[2022]),
                deal("Canada", "Soviet Union", 10.0, &[2020]),
                deal("Chile", "Canada", 5.0, &[2021]),
            ],
        }
    }

    #[test]
    fn shares_hhi_and_blocs_on_a_hand_case() {
        let r = register();
        let s = summarise(&r, "Canada", Direction::Imports, None, None, Spread::Even).unwrap();
        // 2019-2022: USA 60, Sweden 30, Soviet Union 10 -> shares 60/30/10, HHI 4,600.
        assert_eq!((s.overall.from, s.overall.to, s.deals), (2019, 2022, 3));
        assert!((s.overall.total - 100.0).abs() < 1e-12);
        assert!((s.overall.hhi.unwrap() - 4_600.0).abs() < 1e-9);
        assert_eq!(s.overall.partners[0].partner, "United States");
        assert!((s.overall.us_share.unwrap() - 0.6).abs() < 1e-12);
        // NATO: the USA (60); Sweden joined in 2024, so its 2022 delivery is not NATO's.
        let nato = &s.overall.blocs[0];
        assert_eq!(nato.bloc, Bloc::Nato);
        assert!((nato.share - 0.6).abs() < 1e-12);
        // EU: Sweden (30). Five Eyes: the USA (60).
        assert!((s.overall.blocs[1].share - 0.3).abs() < 1e-12);
        assert!((s.overall.blocs[2].share - 0.6).abs() < 1e-12);
        // By year: 2019 only the USA's half (30); 2021 nothing.
        assert_eq!(s.by_year.len(), 4);
        assert!((s.by_year[0].total - 30.0).abs() < 1e-12);
        assert_eq!(s.by_year[2].hhi, None);
        // Periods 2015-2019 (clipped to 2019) and 2020-2022.
        let spans: Vec<(u16, u16)> = s.by_period.iter().map(|p| (p.from, p.to)).collect();
        assert_eq!(spans, vec![(2019, 2019), (2020, 2022)]);
        // 2020-2022: USA 30, Sweden 30, Soviet Union 10 of 70.
        let p = &s.by_period[1];
        let expect = (30.0f64 / 70.0).powi(2) * 2.0 + (10.0f64 / 70.0).powi(2);
        assert!((p.hhi.unwrap() - 10_000.0 * expect).abs() < 1e-9);
    }

    #[test]
    fn exports_ranges_and_names() {
        let r = register();
        let e = summarise(&r, "Canada", Direction::Exports, None, None, Spread::Even).unwrap();
        assert_eq!(e.overall.partners[0].partner, "Chile");
        assert_eq!(resolve(&r, "can", Direction::Imports).unwrap(), "Canada");
        assert_eq!(resolve(&r, "CHILE", Direction::Imports).unwrap(), "Chile");
        assert!(resolve(&r, "Canda", Direction::Imports)
            .unwrap_err()
            .to_string()
            .contains("Canada"));
        let s = summarise(
            &r,
            "Canada",
            Direction::Imports,
            Some(2021),
            Some(2024),
            Spread::Even,
        )
        .unwrap();
        assert!((s.overall.total - 30.0).abs() < 1e-12);
        assert!(summarise(
            &r,
            "Canada",
            Direction::Imports,
            Some(1990),
            Some(1995),
            Spread::Even
        )
        .is_err());
        let all = summarise_all(&r, Direction::Imports, None, None, Spread::Even);
        let names: Vec<&str> = all.iter().map(|s| s.country.as_str()).collect();
        assert_eq!(names, vec!["Canada", "Chile"]);
    }
}
