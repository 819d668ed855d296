//! `keel policy funding`: does the money follow the policy? Follow-through (Σ spent / Σ announced), lapse
//! ((Σ allocated - Σ spent) / Σ allocated), volatility (coefficient of variation of the yearly allocations) and
//! a stability score per programme and overall (keel-policy's `funding::metrics`; docs/methods/policy.md),
//! from a programme funding file (format: docs/policy-funding-format.md).
//!
//! # Complexity
//! Reading the file (linear in its size), then linear in its rows.

use super::on;
use crate::table::{Cell, Table};
use crate::{EngineError, Results};
use keel_policy::funding::{self as fu, Basis, FundingFile, Weights};
use serde::Deserialize;
use std::path::Path;

/// The shipped example funding file (examples/funding/programmes.csv), analysed when no file is given.
pub const EXAMPLE: &str = include_str!("../../../../examples/funding/programmes.csv");

/// The name a funding file given as text goes by in diagnostics and in the results.
pub const FILE_NAME: &str = "programmes.csv";

/// The options of `keel policy funding`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// The funding file's CSV text (the command line reads it from the file it is given); `None`: the shipped
    /// example, [`EXAMPLE`].
    pub programmes: Option<String>,
    /// Weights of the stability score's parts, `F,L,V`: follow-through, lapse, volatility (only their ratios
    /// matter).
    pub weights: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            programmes: None,
            weights: "1,1,1".into(),
        }
    }
}

/// Parses `F,L,V` (three non-negative numbers, not all zero).
pub fn parse_weights(s: &str) -> Result<Weights, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let nums: Result<Vec<f64>, _> = parts.iter().map(|p| p.parse::<f64>()).collect();
    match nums.as_deref() {
        Ok([f, l, v]) => {
            let w = Weights {
                follow_through: *f,
                lapse: *l,
                volatility: *v,
            };
            w.validate().map_err(|e| e.to_string())?;
            Ok(w)
        }
        _ => Err("three numbers: follow-through, lapse, volatility, e.g. 1,1,1".into()),
    }
}

/// Parses the options' funding text (named [`FILE_NAME`] in its diagnostics) and lays out the metrics (main
/// table `programmes`).
pub fn run(o: &Options) -> Result<Results, EngineError> {
    let w = parse_weights(&o.weights).map_err(|e| EngineError::Options(format!("weights: {e}")))?;
    let text = o.programmes.as_deref().unwrap_or(EXAMPLE);
    let path = Path::new(FILE_NAME);
    let file = fu::parse_funding(text, FILE_NAME).map_err(on(path))?;
    results(&file, path, w)
}

/// The metrics of a funding file already read from `path` (which names it in errors).
pub fn results(file: &FundingFile, path: &Path, weights: Weights) -> Result<Results, EngineError> {
    let s = fu::funding_metrics(file, weights).map_err(on(path))?;
    let rows: Vec<&fu::YearMetrics> = s.programmes.iter().flat_map(|p| &p.series).collect();
    let illustrative = rows
        .iter()
        .filter(|y| y.basis == Basis::Illustrative)
        .count();
    let unstated = rows.iter().filter(|y| y.basis == Basis::Unstated).count();
    let mut caveat = String::new();
    if illustrative > 0 {
        caveat += &format!(
            "; {illustrative} of {} rows are ILLUSTRATIVE (not published figures)",
            rows.len()
        );
    }
    if unstated > 0 {
        caveat += &format!("; {unstated} of {} rows state no basis", rows.len());
    }
    let w = s.weights;
    let formula = format!(
        "stability = 100 x ({} min(F,1) + {} (1 - lapse) + {} (1 - min(CV,1))) / {}",
        keel_present::num(w.follow_through),
        keel_present::num(w.lapse),
        keel_present::num(w.volatility),
        keel_present::num(w.follow_through + w.lapse + w.volatility)
    );
    let headers = [
        "programme",
        "basis",
        "first year",
        "last year",
        "years",
        "announced",
        "allocated",
        "spent",
        "follow-through",
        "lapse",
        "volatility (CV)",
        "stability",
    ];
    let mut p = Table::new(
        "programmes",
        format!("Programme funding, from {}{caveat}; {formula}", s.source),
        &headers,
    );
    for m in &s.programmes {
        p.row(vec![
            Cell::from(&m.programme),
            Cell::from(m.basis.as_str()),
            Cell::from(&m.first_year),
            Cell::from(&m.last_year),
            Cell::from(m.years),
            opt(m.announced),
            opt(m.allocated),
            opt(m.spent),
            share(m.follow_through),
            share(m.lapse),
            opt(m.volatility),
            opt(m.stability),
        ]);
    }
    let mut o = Table::new(
        "overall",
        format!(
            "All programmes together, from {}{caveat} (volatility: allocation-weighted mean of the programmes' CV)",
            s.source
        ),
        &["basis", "programmes", "follow-through", "lapse", "volatility (CV)", "stability"],
    );
    o.row(vec![
        Cell::from(s.basis.as_str()),
        Cell::from(s.programmes.len()),
        share(s.follow_through),
        share(s.lapse),
        opt(s.volatility),
        opt(s.stability),
    ]);
    let mut y = Table::new(
        "years",
        format!(
            "Programme funding by fiscal year, from {}{caveat}",
            s.source
        ),
        &[
            "programme",
            "fiscal year",
            "basis",
            "announced",
            "allocated",
            "spent",
            "follow-through",
            "lapse",
            "allocation change",
            "source",
        ],
    );
    for m in &s.programmes {
        for r in &m.series {
            y.row(vec![
                Cell::from(&m.programme),
                Cell::from(&r.fiscal_year),
                Cell::from(r.basis.as_str()),
                opt(r.announced),
                opt(r.allocated),
                opt(r.spent),
                share(r.follow_through),
                share(r.lapse),
                share(r.allocation_change),
                Cell::from(&r.source),
            ]);
        }
    }
    let mut src = Table::new("source", "Source", &["item", "value"]);
    src.row(vec!["file".into(), Cell::from(&s.source)]);
    src.row(vec![
        "sources".into(),
        "cited row by row in the source column of the years table".into(),
    ]);
    src.row(vec![
        "rows".into(),
        format!(
            "{} published, {illustrative} illustrative, {unstated} with no basis",
            rows.len() - illustrative - unstated
        )
        .into(),
    ]);
    src.row(vec!["stability".into(), formula.into()]);
    Ok(Results {
        tables: vec![p, o, y, src],
        main: "programmes",
        json: crate::to_json(&s)?,
    })
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

fn share(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Share)
}
