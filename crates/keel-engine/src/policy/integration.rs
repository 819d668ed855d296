//! `keel policy integration`: Canada-US defence-industrial integration from the CSIS records: defence trade by
//! year and end use (USITC; keel-policy's `integration::trade`), and US prime contracts' first-tier subawards
//! in Canada by year (FSRS; `integration::subawards`).
//!
//! # Complexity
//! Reading both files (linear in their size), then O(subawards x log subawards) to rank them.

use super::{need, on, PolicyData, CSIS_SUBAWARDS, CSIS_TRADE};
use crate::table::{Cell, Table};
use crate::{EngineError, Results};
use keel_policy::integration::{self as ig, InCanada, SubawardOptions};
use serde::Deserialize;

/// The options of `keel policy integration`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Which subawards count as in Canada: place (performed in Canada), vendor (a Canadian subawardee,
    /// wherever performed) or either.
    pub in_canada: Scope,
    /// Only prime contracts of this US customer (as the file names them: Defense, NASA, DHS, ...).
    pub customer: String,
    /// Count prime contracts of every US agency, not only one customer.
    pub all_agencies: bool,
    /// Keep subaward rows identical in every column to an earlier row.
    pub keep_duplicates: bool,
    /// How many primes and subawardees to rank per year and overall (0 = all).
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            in_canada: Scope::Place,
            customer: "Defense".into(),
            all_agencies: false,
            keep_duplicates: false,
            top: 5,
        }
    }
}

/// `in_canada`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Place,
    Vendor,
    Either,
}

/// Reads the two CSIS files from `data`'s folder and lays out trade and subawards (main table `trade`).
pub fn run(data: &PolicyData, o: &Options) -> Result<Results, EngineError> {
    let dir = need(data.csis.as_ref(), super::CSIS_WHAT)?;
    let trade_path = dir.join(CSIS_TRADE);
    let sub_path = dir.join(CSIS_SUBAWARDS);
    let table = ig::read_usitc(&trade_path).map_err(on(&trade_path))?;
    let trade = ig::canada_us_trade(&table).map_err(on(&trade_path))?;
    let file = ig::read_fsrs(&sub_path).map_err(on(&sub_path))?;
    let opts = SubawardOptions {
        in_canada: match o.in_canada {
            Scope::Place => InCanada::Place,
            Scope::Vendor => InCanada::Vendor,
            Scope::Either => InCanada::Either,
        },
        customer: (!o.all_agencies).then(|| o.customer.clone()),
        keep_duplicates: o.keep_duplicates,
        top: o.top,
    };
    let subs = ig::subawards_in_canada(&file, &opts).map_err(on(&sub_path))?;
    let json = serde_json::json!({
        "source": { "trade": ig::TRADE_SOURCE, "subawards": ig::SUBAWARD_SOURCE },
        "trade": trade,
        "subawards": subs,
    });
    Ok(Results {
        tables: tables(&trade, &subs),
        main: "trade",
        json,
    })
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Num)
}

fn share(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Share)
}

fn tables(trade: &ig::TradeSummary, subs: &ig::SubawardSummary) -> Vec<Table> {
    let src = format!("USITC data compiled by CSIS, {}", trade.source);
    let mut t = Table::new(
        "trade",
        format!(
            "Canada-US defence trade, {} {}-{} ({src}): exports {}, imports {}, balance {}",
            trade.currency,
            trade.totals.first_year,
            trade.totals.last_year,
            trade.totals.exports.map_or("-".into(), keel_present::num),
            trade.totals.imports.map_or("-".into(), keel_present::num),
            trade.totals.balance.map_or("-".into(), keel_present::num),
        ),
        &[
            "year",
            "exports to US",
            "imports from US",
            "balance",
            "share of US defence imports",
            "defence share of exports",
            "defence share of imports",
        ],
    );
    let mut e = Table::new(
        "exports_by_end_use",
        format!(
            "Canada's defence exports to the US by US end use, {} ({src})",
            trade.currency
        ),
        &["year", "end use code", "end use", "value"],
    );
    for y in &trade.years {
        t.row(vec![
            Cell::Int(i64::from(y.year)),
            opt(y.exports),
            opt(y.imports),
            opt(y.balance),
            share(y.share_of_us_defence_imports),
            share(y.defence_share_of_exports),
            share(y.defence_share_of_imports),
        ]);
        for u in &y.exports_by_end_use {
            e.row(vec![
                Cell::Int(i64::from(y.year)),
                Cell::from(&u.code),
                Cell::from(&u.end_use),
                opt(u.value),
            ]);
        }
    }
    let o = &subs.options;
    let scope = format!(
        "{} prime contracts, subawards {}; {} of {} rows in scope, {}",
        o.customer.as_deref().unwrap_or("all US agencies'"),
        match o.in_canada {
            InCanada::Place => "performed in Canada",
            InCanada::Vendor => "to Canadian vendors",
            InCanada::Either => "performed in Canada or to Canadian vendors",
        },
        subs.rows_in_scope,
        subs.rows_read,
        if o.keep_duplicates {
            "repeated rows kept".to_string()
        } else {
            format!(
                "{} repeated rows dropped ({} {})",
                subs.duplicates_dropped,
                keel_present::num(subs.duplicate_value_dropped),
                subs.currency
            )
        }
    );
    let ssrc = format!("FSRS data compiled by CSIS, {}", subs.source);
    let mut s = Table::new(
        "subawards",
        format!(
            "US first-tier subawards in Canada by report year, {} ({ssrc}): {} in {} subawards; {scope}",
            subs.currency,
            keel_present::num(subs.value),
            subs.count
        ),
        &["year", "value", "subawards", "largest prime", "its share"],
    );
    let mut py = Table::new(
        "primes_by_year",
        format!("Largest primes by subaward value in Canada, by year ({ssrc})"),
        &["year", "rank", "prime", "value", "subawards", "share"],
    );
    let mut sy = Table::new(
        "sectors_by_year",
        format!("Subawards in Canada by CSIS sector and year ({ssrc})"),
        &["year", "sector", "value", "subawards", "share"],
    );
    for y in &subs.years {
        let top = y.primes.first();
        s.row(vec![
            Cell::Int(i64::from(y.year)),
            Cell::Num(y.value),
            Cell::from(y.count),
            top.map_or(Cell::Empty, |p| Cell::from(&p.name)),
            top.map_or(Cell::Empty, |p| Cell::Share(p.share)),
        ]);
        for (k, p) in y.primes.iter().enumerate() {
            py.row(vec![
                Cell::Int(i64::from(y.year)),
                Cell::from(k + 1),
                Cell::from(&p.name),
                Cell::Num(p.value),
                Cell::from(p.count),
                Cell::Share(p.share),
            ]);
        }
        for g in &y.sectors {
            sy.row(vec![
                Cell::Int(i64::from(y.year)),
                Cell::from(&g.name),
                Cell::Num(g.value),
                Cell::from(g.count),
                Cell::Share(g.share),
            ]);
        }
    }
    let ranked = |name: &'static str, what: &str, list: &[ig::Ranked]| {
        let mut t = Table::new(
            name,
            format!("{what} by subaward value in Canada, all years ({ssrc})"),
            &["rank", "name", "value", "subawards", "share"],
        );
        for (k, r) in list.iter().enumerate() {
            t.row(vec![
                Cell::from(k + 1),
                Cell::from(&r.name),
                Cell::Num(r.value),
                Cell::from(r.count),
                Cell::Share(r.share),
            ]);
        }
        t
    };
    let mut src = Table::new("source", "Sources", &["item", "value"]);
    src.row(vec!["trade source".into(), ig::TRADE_SOURCE.into()]);
    src.row(vec!["trade file".into(), Cell::from(&trade.source)]);
    src.row(vec!["subaward source".into(), ig::SUBAWARD_SOURCE.into()]);
    src.row(vec!["subaward file".into(), Cell::from(&subs.source)]);
    src.row(vec!["subaward scope".into(), scope.into()]);
    if trade.civilian_rounded {
        src.row(vec![
            "note".into(),
            "some civilian trade cells carry six significant figures (scientific notation in the file); only the \
             defence shares of goods trade use them"
                .into(),
        ]);
    }
    vec![
        t,
        e,
        s,
        ranked("primes", "Largest primes (CSIS parent)", &subs.primes),
        ranked("sectors", "Sectors (CSIS)", &subs.sectors),
        ranked(
            "subawardees",
            "Largest subawardees (CSIS parent)",
            &subs.subawardees,
        ),
        py,
        sy,
        src,
    ]
}
