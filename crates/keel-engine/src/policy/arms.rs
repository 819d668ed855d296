//! `keel policy arms`: arms imports by supplier (or exports by recipient) from SIPRI's trade register, in TIV
//! delivered: shares, Herfindahl-Hirschman index and effective number of suppliers (1 / HHI), the United
//! States' share and shares by bloc (keel-policy's `arms::summary`); one country, several side by side, or
//! every recipient.
//!
//! # Complexity
//! Reading the register (linear in its size), then O(deals x delivery years) per country summarised.

use super::{need, on, PolicyData};
use crate::table::{shown, Cell, Table};
use crate::{EngineError, Results};
use keel_policy::arms::spread::Spread;
use keel_policy::arms::summary::{self, Direction, Slice, Summary};
use keel_policy::arms::{self, Register};
use keel_policy::countries::Bloc;
use serde::Deserialize;
use std::path::Path;

/// The options of `keel policy arms`, with its defaults. At most one of `recipient`, `supplier`, `compare`
/// and `all_recipients`; none of them is `recipient: "Canada"`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// The importing country: SIPRI's name or an ISO code (Canada, CAN).
    pub recipient: Option<String>,
    /// Exports of this country, by recipient.
    pub supplier: Option<String>,
    /// Importers side by side (["Canada", "Australia", "Poland"]).
    pub compare: Option<Vec<String>>,
    /// Every recipient in the register, one row each.
    pub all_recipients: bool,
    /// First delivery year (`None`: the first year with deliveries).
    pub from: Option<u16>,
    /// Last delivery year (`None`: the last year with deliveries).
    pub to: Option<u16>,
    /// How a deal's delivered TIV is placed in its delivery years: even, first or last.
    pub spread: Spread,
    /// How many partners (or recipients) to list, largest first (0 = all; all in JSON).
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            recipient: None,
            supplier: None,
            compare: None,
            all_recipients: false,
            from: None,
            to: None,
            spread: Spread::Even,
            top: crate::TOP,
        }
    }
}

/// Reads the register from `data` and summarises it as `o` asks. `json`: build the JSON document (every
/// recipient's full series is a 14 MB tree that the other formats never read; without it the document is
/// `null`).
pub fn run(data: &PolicyData, o: &Options, json: bool) -> Result<Results, EngineError> {
    check(o)?;
    let path = need(data.sipri.as_ref(), super::SIPRI_WHAT)?;
    let reg = arms::register::read(path).map_err(on(path))?;
    results(&reg, path, o, json)
}

/// Refuses options that contradict each other (the command line's argument parser refuses them first).
fn check(o: &Options) -> Result<(), EngineError> {
    let chosen: Vec<&str> = [
        ("recipient", o.recipient.is_some()),
        ("supplier", o.supplier.is_some()),
        ("compare", o.compare.is_some()),
        ("all_recipients", o.all_recipients),
    ]
    .into_iter()
    .filter_map(|(n, on)| on.then_some(n))
    .collect();
    if chosen.len() > 1 {
        return Err(EngineError::Options(format!(
            "{}: give only one of recipient, supplier, compare and all_recipients",
            chosen.join(" and ")
        )));
    }
    if let (Some(a), Some(b)) = (o.from, o.to) {
        if a > b {
            return Err(EngineError::Options(format!("from {a} is after to {b}")));
        }
    }
    Ok(())
}

/// The results of `o` on a register already read from `path` (which names the file in errors).
pub fn results(
    reg: &Register,
    path: &Path,
    o: &Options,
    want_json: bool,
) -> Result<Results, EngineError> {
    check(o)?;
    let rule = o.spread;
    let q = on(path);
    let source = source_line(reg);
    let json_doc = |f: &dyn Fn() -> serde_json::Value| {
        if want_json {
            f()
        } else {
            serde_json::Value::Null
        }
    };
    let (mut tables, main, json) = if o.all_recipients {
        let all = summary::summarise_all(reg, Direction::Imports, o.from, o.to, rule);
        let mut sorted: Vec<&Summary> = all.iter().collect();
        sorted.sort_by(|a, b| {
            b.overall
                .total
                .total_cmp(&a.overall.total)
                .then_with(|| a.country.cmp(&b.country))
        });
        let t = side_by_side(
            "recipients",
            format!(
                "Arms imports of every recipient, TIV delivered ({}), largest first\nSource: {source}",
                rule.label()
            ),
            sorted.iter().take(shown(sorted.len(), o.top)).copied(),
        );
        let json = json_doc(&|| {
            serde_json::json!({
                "source": arms::SOURCE, "file": reg.file, "generated": reg.generated,
                "spread": rule, "from": o.from, "to": o.to, "recipients": all,
            })
        });
        (vec![t], "recipients", json)
    } else if let Some(list) = &o.compare {
        let mut all = Vec::new();
        for c in list.iter().filter(|c| !c.trim().is_empty()) {
            let name = summary::resolve(reg, c, Direction::Imports).map_err(&q)?;
            all.push(
                summary::summarise(reg, &name, Direction::Imports, o.from, o.to, rule)
                    .map_err(&q)?,
            );
        }
        if all.is_empty() {
            return Err(EngineError::Options(
                "compare: give recipients, e.g. Canada,Australia".into(),
            ));
        }
        // Side by side over one range: without from/to, the span of all of them, so that a country's empty
        // years count as empty rather than out of range.
        if o.from.is_none() || o.to.is_none() {
            let from = o.from.or(all.iter().map(|s| s.overall.from).min());
            let to = o.to.or(all.iter().map(|s| s.overall.to).max());
            for s in &mut all {
                *s = summary::summarise(reg, &s.country, Direction::Imports, from, to, rule)
                    .map_err(&q)?;
            }
        }
        let t = side_by_side(
            "compare",
            format!(
                "Arms imports side by side, TIV delivered ({})\nSource: {source}",
                rule.label()
            ),
            all.iter(),
        );
        let mut p = Table::new("compare_periods", "By 5-year period", &SLICE_COLUMNS);
        for s in &all {
            for sl in &s.by_period {
                p.row(slice_row(&s.country, sl));
            }
        }
        let json = json_doc(&|| {
            serde_json::json!({
                "source": arms::SOURCE, "file": reg.file, "generated": reg.generated,
                "spread": rule, "compare": all,
            })
        });
        (vec![t, p], "compare", json)
    } else {
        let (query, direction) = match &o.supplier {
            Some(s) => (s.as_str(), Direction::Exports),
            None => (
                o.recipient.as_deref().unwrap_or("Canada"),
                Direction::Imports,
            ),
        };
        let name = summary::resolve(reg, query, direction).map_err(&q)?;
        let s = summary::summarise(reg, &name, direction, o.from, o.to, rule).map_err(&q)?;
        let tables = one_country(&s, &source, o.top);
        let json = json_doc(&|| {
            serde_json::json!({
                "source": arms::SOURCE, "file": reg.file, "generated": reg.generated, "summary": s,
            })
        });
        (tables, "partners", json)
    };
    let mut src = Table::new("source", "Source", &["item", "value"]);
    src.row(vec!["source".into(), arms::SOURCE.into()]);
    src.row(vec!["file".into(), Cell::from(&reg.file)]);
    src.row(vec!["generated".into(), reg.generated.clone().into()]);
    src.row(vec!["spread".into(), rule.label().into()]);
    if reg.joined_records > 0 {
        src.row(vec![
            "note".into(),
            format!(
                "{} records split by a line break in their comment were joined back",
                reg.joined_records
            )
            .into(),
        ]);
    }
    tables.push(src);
    Ok(Results { tables, main, json })
}

fn source_line(reg: &Register) -> String {
    match &reg.generated {
        Some(g) => format!(
            "SIPRI Arms Transfers Database, trade register (c) SIPRI, generated {g}; {}",
            reg.file
        ),
        None => format!("{} ({})", arms::SOURCE, reg.file),
    }
}

fn bloc_share(sl: &Slice, b: Bloc) -> Cell {
    if sl.total > 0.0 {
        sl.blocs
            .iter()
            .find(|x| x.bloc == b)
            .map_or(Cell::Empty, |x| Cell::Share(x.share))
    } else {
        Cell::Empty
    }
}

/// The columns of a country's figures over one span of years, as [`slice_row`] fills them.
const SLICE_COLUMNS: [&str; 12] = [
    "country",
    "from",
    "to",
    "TIV",
    "HHI",
    "effective suppliers",
    "US share",
    "NATO share",
    "EU share",
    "Five Eyes share",
    "top supplier",
    "top share",
];

/// country, from, to, TIV, HHI, effective, US, NATO, EU, Five Eyes, top partner, top share.
fn slice_row(country: &str, sl: &Slice) -> Vec<Cell> {
    let top = sl.partners.first();
    vec![
        country.into(),
        Cell::from(usize::from(sl.from)),
        Cell::from(usize::from(sl.to)),
        Cell::Num(sl.total),
        sl.hhi.into(),
        sl.effective_number.into(),
        sl.us_share.map_or(Cell::Empty, Cell::Share),
        bloc_share(sl, Bloc::Nato),
        bloc_share(sl, Bloc::Eu),
        bloc_share(sl, Bloc::FiveEyes),
        top.map_or(Cell::Empty, |p| Cell::from(&p.partner)),
        top.map_or(Cell::Empty, |p| Cell::Share(p.share)),
    ]
}

fn side_by_side<'a>(
    name: &'static str,
    title: String,
    all: impl Iterator<Item = &'a Summary>,
) -> Table {
    let mut t = Table::new(name, title, &SLICE_COLUMNS);
    for s in all {
        t.row(slice_row(&s.country, &s.overall));
    }
    t
}

fn one_country(s: &Summary, source: &str, top: usize) -> Vec<Table> {
    let o = &s.overall;
    let (verb, partner) = match s.direction {
        Direction::Imports => ("imports", "supplier"),
        Direction::Exports => ("exports", "recipient"),
    };
    let blocs: Vec<String> = o
        .blocs
        .iter()
        .map(|b| format!("{} {}", b.bloc.label(), keel_present::pct(b.share)))
        .collect();
    let mut partners = Table::new(
        "partners",
        format!(
            "{}: arms {verb} {}-{} by {partner}, TIV delivered ({}): total {} in {} deals; HHI {} ({} effective \
             {partner}s); United States {}; {}\nSource: {source}",
            s.country,
            o.from,
            o.to,
            s.spread.label(),
            keel_present::num(o.total),
            s.deals,
            o.hhi.map_or("-".into(), keel_present::num),
            o.effective_number.map_or("-".into(), keel_present::num),
            o.us_share.map_or("-".into(), keel_present::pct),
            blocs.join(", ")
        ),
        &[partner, "TIV", "share"],
    );
    for p in o.partners.iter().take(shown(o.partners.len(), top)) {
        partners.row(vec![
            Cell::from(&p.partner),
            Cell::Num(p.tiv),
            Cell::Share(p.share),
        ]);
    }
    let head = [
        "from",
        "to",
        "TIV",
        "HHI",
        &format!("effective {partner}s"),
        "US share",
        "NATO share",
        "EU share",
        "Five Eyes share",
        &format!("top {partner}"),
        "top share",
    ];
    let mut periods = Table::new("periods", format!("{}: by 5-year period", s.country), &head);
    for sl in &s.by_period {
        periods.row(slice_row(&s.country, sl).split_off(1));
    }
    let mut years = Table::new("years", format!("{}: by delivery year", s.country), &head);
    for sl in &s.by_year {
        years.row(slice_row(&s.country, sl).split_off(1));
    }
    let mut long = Table::new(
        "period_partners",
        format!(
            "{}: {partner}s by 5-year period (for stacked bars)",
            s.country
        ),
        &["from", "to", partner, "TIV", "share"],
    );
    for sl in &s.by_period {
        for p in sl.partners.iter().take(shown(sl.partners.len(), top)) {
            long.row(vec![
                Cell::from(usize::from(sl.from)),
                Cell::from(usize::from(sl.to)),
                Cell::from(&p.partner),
                Cell::Num(p.tiv),
                Cell::Share(p.share),
            ]);
        }
    }
    vec![partners, periods, years, long]
}
