//! `keel policy spending`: NATO defence expenditure by member and year, the gaps to 2%, 3.5% and 5% of GDP
//! (keel-policy's `spending::gaps`), and the steady path to 3.5% by 2035 (`spending::path`), from NATO's
//! published tables (Defence Expenditure of NATO Countries (2014-2024), 17 June 2024).
//!
//! # Complexity
//! Reading the tables (linear in their cells), then O(members x years) for the ranking and the tables.

use super::{need, on, PolicyData};
use crate::table::{shown, Cell, Table};
use crate::{EngineError, Results};
use keel_policy::spending::gaps::TARGETS;
use keel_policy::spending::path::{Path as Path35, TARGET, TARGET_YEAR};
use keel_policy::spending::summary::{self, Standing};
use keel_policy::spending::{self as sp, Member, Spending};
use serde::Deserialize;

/// The options of `keel policy spending`, with its defaults.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// A member's ISO code or NATO name (CAN, Poland, NATO for the total); `None`: every member ranked.
    pub country: Option<String>,
    /// Real GDP growth assumed to 2035, percent a year (e.g. 1.5); `None`: each member's own compound real GDP
    /// growth 2014-2024e from NATO Table 5.
    pub gdp_growth: Option<f64>,
    /// How many members to list in the ranking (0 = all).
    pub top: usize,
}

/// Reads NATO's tables from `data` and lays out the ranking (main table `ranking`), or, with a country, its
/// years, gaps and path (main table `years`).
pub fn run(data: &PolicyData, o: &Options) -> Result<Results, EngineError> {
    let path = need(data.nato.as_ref(), super::NATO_WHAT)?;
    let s = sp::read(path).map_err(on(path))?;
    results(&s, o)
}

/// The results of `o` on tables already read.
pub fn results(s: &Spending, o: &Options) -> Result<Results, EngineError> {
    if let Some(g) = o.gdp_growth {
        if !g.is_finite() || g <= -100.0 {
            return Err(EngineError::Options(format!(
                "gdp_growth {g}: a percentage above -100"
            )));
        }
    }
    let g = o.gdp_growth.map(|p| p / 100.0);
    let ranking = summary::ranking(s, g);
    let mut tables = Vec::new();
    let json = match &o.country {
        None => {
            tables.push(ranking_table(&ranking, o.top));
            serde_json::json!({
                "source": sp::SOURCE,
                "file": s.file,
                "notes": s.notes,
                "gdp_growth": g,
                "ranking": ranking,
            })
        }
        Some(q) => {
            let Some(m) = s.member(q) else {
                let names = s
                    .members
                    .iter()
                    .flat_map(|m| [m.code.as_str(), m.name.as_str()]);
                let hint = keel_model::diag::did_you_mean(q, names)
                    .map(|n| format!("; did you mean {n}?"))
                    .unwrap_or_default();
                return Err(EngineError::Options(format!(
                    "country {q}: not in NATO's tables{hint} (give an ISO code such as CAN, or a name)"
                )));
            };
            let st = ranking
                .iter()
                .find(|r| r.code == m.code)
                .cloned()
                .or_else(|| summary::standing(m, s.last_year().unwrap_or(0), g));
            let ranked = ranking.iter().filter(|r| r.rank.is_some()).count();
            tables.push(years_table(m, st.as_ref(), ranked));
            if let Some(st) = &st {
                tables.push(gaps_table(st));
                if let Some(p) = &st.path {
                    tables.push(path_table(&m.name, p));
                }
            }
            serde_json::json!({
                "source": sp::SOURCE,
                "file": s.file,
                "notes": s.notes,
                "member": m,
                "standing": st,
            })
        }
    };
    tables.push(source_table(s));
    Ok(Results {
        tables,
        main: if o.country.is_some() {
            "years"
        } else {
            "ranking"
        },
        json,
    })
}

fn year_label(year: u16, estimate: bool) -> String {
    format!("{year}{}", if estimate { "e" } else { "" })
}
fn ranking_table(ranking: &[Standing], top: usize) -> Table {
    let year = ranking
        .first()
        .map_or(String::new(), |r| year_label(r.year, r.estimate));
    let mut t = Table::new(
        "ranking",
        format!(
            "NATO members ranked by defence expenditure as a share of GDP, {year}; gaps in million USD (current) a \
             year; path: real growth a year to reach {:.1}% by {TARGET_YEAR}\nSource: {}",
            TARGET * 100.0,
            sp::SOURCE
        ),
        &[
            "rank",
            "code",
            "member",
            "year",
            "estimate",
            "share of GDP",
            "USD m",
            "equipment share",
            "per capita USD 2015",
            "gap to 2% USD m",
            "gap to 3.5% USD m",
            "gap to 5% USD m",
            "GDP growth",
            "required real growth",
            "recent real growth",
            "standing",
        ],
    );
    for r in ranking.iter().take(shown(ranking.len(), top)) {
        let gap = |t: f64| -> Cell {
            r.gaps
                .iter()
                .find(|g| (g.target - t).abs() < 1e-12)
                .and_then(|g| g.usd_current)
                .into()
        };
        let p = r.path.as_ref();
        t.row(vec![
            r.rank.into(),
            Cell::from(&r.code),
            Cell::from(&r.name),
            Cell::from(usize::from(r.year)),
            r.estimate.into(),
            r.share_gdp.map_or(Cell::Empty, Cell::Share2),
            r.usd_current.into(),
            r.equipment_share.map_or(Cell::Empty, Cell::Share),
            r.per_capita_usd_2015.into(),
            gap(TARGETS[0]),
            gap(TARGETS[1]),
            gap(TARGETS[2]),
            p.map_or(Cell::Empty, |p| Cell::Share(p.gdp_growth)),
            p.map_or(Cell::Empty, |p| Cell::Share(p.required_real_growth)),
            p.and_then(|p| p.recent_real_growth)
                .map_or(Cell::Empty, Cell::Share),
            p.map_or(Cell::Empty, |p| Cell::from(p.standing.label())),
        ]);
    }
    t
}

fn years_table(m: &Member, st: Option<&Standing>, ranked: usize) -> Table {
    let rank = st
        .and_then(|s| s.rank.map(|r| (r, s)))
        .map_or(String::new(), |(r, s)| {
            format!(
                "; rank {r} of {ranked} in {}",
                year_label(s.year, s.estimate)
            )
        });
    let currency = m.currency.as_deref().unwrap_or("national currency");
    let mut t = Table::new(
        "years",
        format!(
            "{} ({}): defence expenditure by year, millions ({currency} and US dollars){rank}{}\nSource: {}",
            m.name,
            m.code,
            if m.two_percent_law {
                "; has a national law or political agreement to spend 2% or more (NATO's *)"
            } else {
                ""
            },
            sp::SOURCE
        ),
        &[
            "year",
            "estimate",
            "national currency m",
            "national currency m 2015 prices",
            "USD m",
            "USD m 2015 prices",
            "share of GDP",
            "real change",
            "equipment share",
            "per capita USD 2015",
        ],
    );
    for y in &m.years {
        t.row(vec![
            Cell::from(usize::from(y.year)),
            y.estimate.into(),
            y.nc_current.into(),
            y.nc_constant_2015.into(),
            y.usd_current.into(),
            y.usd_constant_2015.into(),
            y.share_gdp.map_or(Cell::Empty, Cell::Share2),
            y.real_change.map_or(Cell::Empty, Cell::Share),
            y.equipment_share.map_or(Cell::Empty, Cell::Share),
            y.per_capita_usd_2015.into(),
        ]);
    }
    t
}

fn gaps_table(st: &Standing) -> Table {
    let currency = st.currency.as_deref().unwrap_or("national currency");
    let mut t = Table::new(
        "gaps",
        format!(
            "{}: gap to each target in {} (share of GDP {}), millions a year; negative = above the target",
            st.name,
            year_label(st.year, st.estimate),
            st.share_gdp.map_or("-".into(), keel_present::pct2)
        ),
        &[
            "target",
            "year",
            "estimate",
            &format!("gap {currency} m"),
            "gap USD m",
            "gap USD m 2015 prices",
        ],
    );
    for g in &st.gaps {
        t.row(vec![
            Cell::Share2(g.target),
            Cell::from(usize::from(g.year)),
            g.estimate.into(),
            g.national_currency.into(),
            g.usd_current.into(),
            g.usd_constant_2015.into(),
        ]);
    }
    t
}

fn path_table(name: &str, p: &Path35) -> Table {
    let reached = match (p.standing, p.year_reached_at_recent_pace) {
        (keel_policy::spending::path::Standing::Reached, _) => String::new(),
        (_, Some(y)) => format!(", reached in {y} at the recent pace"),
        (_, None) => ", never reached at the recent pace".to_string(),
    };
    let mut t = Table::new(
        "path",
        format!(
            "{name}: steady path from {} to {:.1}% of GDP by {}: real growth of defence expenditure {} a year with \
             real GDP growth {} ({}); recent pace {} a year ({} to {}): {}{reached}",
            year_label(p.from_year, p.from_estimate),
            p.target * 100.0,
            p.to_year,
            keel_present::pct(p.required_real_growth),
            keel_present::pct(p.gdp_growth),
            p.gdp_growth_source,
            p.recent_real_growth.map_or("-".into(), keel_present::pct),
            p.from_year - keel_policy::spending::path::RECENT_YEARS,
            year_label(p.from_year, p.from_estimate),
            p.standing.label(),
        ),
        &["year", "share of GDP", "USD m 2015 prices"],
    );
    for q in &p.points {
        t.row(vec![
            Cell::from(usize::from(q.year)),
            Cell::Share2(q.share_gdp),
            Cell::Num(q.usd_constant_2015),
        ]);
    }
    t
}

fn source_table(s: &Spending) -> Table {
    let mut t = Table::new("source", "Source", &["item", "value"]);
    t.row(vec!["source".into(), sp::SOURCE.into()]);
    t.row(vec!["file".into(), Cell::from(&s.file)]);
    for n in &s.notes {
        t.row(vec!["note".into(), Cell::from(n)]);
    }
    t
}
