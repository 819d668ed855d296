//! The figures behind the "Spending and partnerships" section, from published data the caller has read:
//! NATO's defence expenditure tables, SIPRI's arms-transfer register and the CSIS records of Canada-US defence
//! trade (USITC) and subawards (FSRS). Each figure is computed by [`keel_policy`] exactly as the
//! `keel policy` commands compute it (same functions, same defaults), so the page and the commands agree.
//!
//! A source that could not be read stays absent with its reason, which the page prints in place of the chart;
//! a question a source cannot answer (a country SIPRI never lists, the Canada-only CSIS records for another
//! country) is absent the same way.
//!
//! # Complexity
//! O(deals) for the arms summary (one pass over the register), O(members x years) for spending, O(rows) for
//! the trade table and the subawards.

use keel_policy::arms::spread::Spread;
use keel_policy::arms::summary::{self as arms, Direction, Summary};
use keel_policy::arms::Register;
use keel_policy::integration::{self as ig, SubawardFile, SubawardOptions, TradeTable};
use keel_policy::spending::path::{self, Path};
use keel_policy::spending::summary::{self, Standing};
use keel_policy::spending::{Member, Spending};

/// Published data for the "Spending and partnerships" section, as the caller read it. Each source is either
/// read or absent with the reason the page shows (typically where Keel looked for it and how to point Keel at
/// it).
#[derive(Debug)]
pub struct PolicyData {
    /// The country the section is about: an ISO 3166-1 alpha-3 code (`CAN`).
    pub country: String,
    /// Its peers in the share-of-GDP chart (ISO codes, or NATO's names); codes NATO does not list are named
    /// on the page and skipped.
    pub peers: Vec<String>,
    /// Real GDP growth to 2035 for the path (a fraction a year); `None`: the country's own 2014-2024e trend,
    /// as `keel policy spending` assumes by default.
    pub gdp_growth: Option<f64>,
    /// Delivery years of the arms-import charts, inclusive.
    pub arms_years: (u16, u16),
    /// NATO's tables.
    pub spending: Result<Spending, String>,
    /// SIPRI's trade register.
    pub arms: Result<Register, String>,
    /// The USITC trade table compiled by CSIS.
    pub trade: Result<TradeTable, String>,
    /// The FSRS subaward extract compiled by CSIS.
    pub subawards: Result<SubawardFile, String>,
}

/// Peers shown by default beside a country: the four largest NATO spenders in money among the Allies Canada
/// is most often compared with, and the one with the highest share of GDP in 2024e (Poland).
pub const DEFAULT_PEERS: [&str; 5] = ["USA", "GBR", "FRA", "DEU", "POL"];

/// The default delivery years of the arms charts: seven whole 5-year periods ending with the last full year
/// of the register shipped in shared/data.
pub const DEFAULT_ARMS_YEARS: (u16, u16) = (1990, 2024);

/// The spending figures: the country (absent when NATO does not list it), its peers, its standing in the last
/// year (gaps to 2, 3.5 and 5%) and its path to 3.5% by 2035.
#[derive(Debug)]
pub(crate) struct SpendingFigures<'a> {
    pub file: &'a str,
    pub country: Option<&'a Member>,
    pub peers: Vec<&'a Member>,
    /// Peers asked for that NATO does not list.
    pub unknown_peers: Vec<&'a str>,
    pub standing: Option<Standing>,
    pub path: Option<Path>,
}

/// Everything the section draws.
#[derive(Debug)]
pub(crate) struct PolicyFigures<'a> {
    /// The country's name: NATO's, else SIPRI's, else its code.
    pub country_name: String,
    pub spending: Result<SpendingFigures<'a>, String>,
    pub arms: Result<Summary, String>,
    pub arms_file: Option<&'a str>,
    pub trade: Result<ig::TradeSummary, String>,
    pub subawards: Result<ig::SubawardSummary, String>,
}

/// The CSIS records describe Canada and the United States only.
const CSIS_COUNTRY: &str = "CAN";

pub(crate) fn gather(d: &PolicyData) -> PolicyFigures<'_> {
    let code = d.country.as_str();
    let spending = d.spending.as_ref().map_err(Clone::clone).map(|s| {
        let country = s.member(code);
        let mut peers = Vec::new();
        let mut unknown_peers = Vec::new();
        for p in &d.peers {
            match s.member(p) {
                Some(m) if country.is_none_or(|c| c.code != m.code) => peers.push(m),
                Some(_) => {}
                None => unknown_peers.push(p.as_str()),
            }
        }
        let standing = country
            .zip(s.last_year())
            .and_then(|(m, y)| summary::standing(m, y, d.gdp_growth));
        SpendingFigures {
            file: &s.file,
            country,
            peers,
            unknown_peers,
            path: country.and_then(|m| path::path(m, d.gdp_growth)),
            standing,
        }
    });
    let arms = d.arms.as_ref().map_err(Clone::clone).and_then(|reg| {
        let name = arms::resolve(reg, code, Direction::Imports).map_err(|e| e.to_string())?;
        arms::summarise(
            reg,
            &name,
            Direction::Imports,
            Some(d.arms_years.0),
            Some(d.arms_years.1),
            Spread::default(),
        )
        .map_err(|e| e.to_string())
    });
    let only_canada = || {
        format!(
            "the CSIS records cover Canada and the United States only, not {code}; run \
             `keel report` on a Canadian model or `keel policy report --country CAN` to see them"
        )
    };
    let trade = if code == CSIS_COUNTRY {
        d.trade
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|t| ig::canada_us_trade(t).map_err(|e| format!("{}: {e}", t.file)))
    } else {
        Err(only_canada())
    };
    let subawards = if code == CSIS_COUNTRY {
        d.subawards.as_ref().map_err(Clone::clone).and_then(|f| {
            ig::subawards_in_canada(f, &SubawardOptions::default())
                .map_err(|e| format!("{}: {e}", f.file))
        })
    } else {
        Err(only_canada())
    };
    let country_name = spending
        .as_ref()
        .ok()
        .and_then(|s| s.country.map(|m| m.name.clone()))
        .or_else(|| {
            keel_policy::countries::Countries::builtin()
                .by_iso3(code)
                .map(|c| c.sipri_name.clone())
        })
        .unwrap_or_else(|| code.to_string());
    PolicyFigures {
        country_name,
        spending,
        arms,
        arms_file: d.arms.as_ref().ok().map(|r| r.file.as_str()),
        trade,
        subawards,
    }
}
