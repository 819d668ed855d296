//! `keel policy funding`: does the money follow the policy? Follow-through, lapse, volatility and a stability
//! score per programme and overall, from a PROGRAMMES.csv file (format: docs/policy-funding-format.md).

use crate::output::{self, Cell, OutputArgs, Table};
use keel_policy::funding::{self as fu, Basis, Weights};
use std::path::PathBuf;
use std::process::ExitCode;

/// Programme funding metrics: follow-through, lapse, volatility, stability score.
///
/// Reads a funding file (programme, fiscal_year, announced, allocated, spent, source, basis) and reports per
/// programme and overall: follow-through = Σ spent / Σ announced; lapse = (Σ allocated - Σ spent) / Σ allocated;
/// volatility = coefficient of variation of the yearly allocations (population standard deviation); stability
/// = 100 x the weighted mean of min(follow-through, 1), 1 - lapse and 1 - min(volatility, 1). Rows marked
/// illustrative are labelled so in every output. Method: docs/methods/policy.md.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The funding file (CSV), e.g. examples/funding/programmes.csv.
    pub file: PathBuf,
    /// Weights of the stability score's parts: follow-through, lapse, volatility (only their ratios matter).
    #[arg(long, value_name = "F,L,V", default_value = "1,1,1", value_parser = parse_weights)]
    pub weights: Weights,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn parse_weights(s: &str) -> Result<Weights, String> {
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

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

fn share(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Share)
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let file = fu::read_funding(&args.file).map_err(|e| super::bad_input(&args.file, e))?;
    let s =
        fu::funding_metrics(&file, args.weights).map_err(|e| super::bad_input(&args.file, e))?;
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
    output::emit(
        &args.out,
        &[p, o, y, src],
        "programmes",
        &serde_json::to_value(&s)?,
    )?;
    Ok(ExitCode::SUCCESS)
}
