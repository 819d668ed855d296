//! `concentration`: Herfindahl-Hirschman concentration of supply (keel-see; docs/methods/concentration.md) of
//! every stage input (planned shares of its suppliers) and every item (capacity shares of its makers), by firm
//! and by country, with structural flags: sole source, single country, single lane or chokepoint, supply
//! entirely outside the home country's blocs, and "flagged" (highly concentrated and not re-sourceable).
//!
//! # Complexity
//! That of keel-see's concentration, then O(rows + shown log shown) to rank and lay out the tables.

use crate::table::{shown, Cell, Table};
use crate::{EngineError, Results};
use keel_model::Model;
use keel_present::route_name;
use keel_see::concentration::{concentration, Measures};
use keel_see::flagged::{flagged_groups, flagged_items};
use serde::Deserialize;

/// Which level to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Each (stage, input item): planned shares of its suppliers.
    Group,
    /// Each item across the model: capacity shares of the stages making it.
    Item,
    /// Both.
    Both,
}

/// The options of `keel concentration`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub level: Level,
    /// Only flagged rows.
    pub flagged: bool,
    /// Only the inputs upstream of this platform (a stage id, or the item id of demand stages).
    pub platform: Option<String>,
    /// Rows kept per table, flagged first, then most concentrated (0 = all).
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            level: Level::Both,
            flagged: false,
            platform: None,
            top: crate::TOP,
        }
    }
}

fn header(first: &[&'static str]) -> Vec<&'static str> {
    let mut h = first.to_vec();
    h.extend([
        "suppliers",
        "firms",
        "countries",
        "HHI firm",
        "band firm",
        "HHI country",
        "band country",
        "sole source",
        "single country",
        "single lane",
        "common lane",
        "outside home blocs",
        "flagged",
    ]);
    h
}

fn cells(m: &Model, x: &Measures, flagged: bool) -> Vec<Cell> {
    vec![
        Cell::from(x.suppliers),
        Cell::from(x.firms),
        Cell::from(x.countries),
        Cell::Num(x.hhi_firm),
        Cell::from(x.band_firm.as_str()),
        Cell::Num(x.hhi_country),
        Cell::from(x.band_country.as_str()),
        Cell::Bool(x.sole_source),
        Cell::Bool(x.single_country),
        Cell::Bool(x.single_lane),
        Cell::from(x.common_lane.map(|t| route_name(m, t))),
        Cell::Bool(x.outside_home_blocs),
        Cell::Bool(flagged),
    ]
}

/// Flagged rows first, then the highest firm HHI.
fn ranked(a: (&Measures, bool), b: (&Measures, bool)) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then(b.0.hhi_firm.total_cmp(&a.0.hhi_firm))
}

/// Puts the `n` first rows under `order` (a total order) first, sorted; the rest stay unsorted.
fn top_sorted(v: &mut [usize], n: usize, order: impl Fn(&usize, &usize) -> std::cmp::Ordering) {
    if n < v.len() {
        v.select_nth_unstable_by(n, &order);
    }
    v[..n].sort_unstable_by(order);
}

fn title(what: &str, shown: usize, total: usize, flagged: bool, bands: &str) -> String {
    format!(
        "{what}: {}{} rows{}. {bands}",
        if shown < total {
            format!("{shown} of ")
        } else {
            String::new()
        },
        total,
        if flagged { " flagged" } else { "" },
    )
}

/// Computes the measures and lays out the results (main table: the first level reported).
pub fn run(m: &Model, o: &Options) -> Result<Results, EngineError> {
    // Every group by default; with --platform, the groups upstream of it (the rule the report uses).
    let upstream: Option<Vec<bool>> = match &o.platform {
        None => None,
        Some(p) => {
            let platforms = keel_see::resolve_platforms(m, Some(p))
                .map_err(|e| EngineError::Options(e.to_string()))?;
            let mut on = vec![false; m.groups().len()];
            for g in keel_see::upstream::upstream_groups(m, &platforms).concat() {
                on[g.index()] = true;
            }
            Some(on)
        }
    };
    let c = concentration(m);
    let (gflag, iflag) = (flagged_groups(&c), flagged_items(&c));
    let mut tables = Vec::new();
    let (mut json_groups, mut json_items) = (Vec::new(), Vec::new());
    // The items bought upstream of --platform (not needed, and not hashed a million times, without it).
    let mut items_bought = std::collections::HashSet::new();
    let mut gs: Vec<usize> = (0..c.groups.len())
        .filter(|&k| upstream.as_ref().is_none_or(|on| on[k]))
        .inspect(|&k| {
            if upstream.is_some() {
                items_bought.insert(c.groups[k].item.as_str());
            }
        })
        .filter(|&k| !o.flagged || gflag[k])
        .collect();
    if o.level != Level::Item {
        let n = shown(gs.len(), o.top);
        top_sorted(&mut gs, n, |&a, &b| {
            ranked(
                (&c.groups[a].measures, gflag[a]),
                (&c.groups[b].measures, gflag[b]),
            )
            .then(a.cmp(&b))
        });
        let mut t = Table::new(
            "groups",
            title(
                "Stage inputs, by planned share",
                n,
                gs.len(),
                o.flagged,
                c.bands,
            ),
            &header(&["stage", "input item"]),
        );
        for &k in &gs[..n] {
            let g = &c.groups[k];
            json_groups.push(json_row(m, crate::to_json(g)?, &g.measures, gflag[k]));
            let mut r = vec![Cell::from(&g.stage), Cell::from(&g.item)];
            r.extend(cells(m, &g.measures, gflag[k]));
            t.row(r);
        }
        tables.push(t);
    }
    if o.level != Level::Group {
        let mut is: Vec<usize> = (0..c.items.len())
            .filter(|&k| upstream.is_none() || items_bought.contains(c.items[k].item.as_str()))
            .filter(|&k| !o.flagged || iflag[k])
            .collect();
        let n = shown(is.len(), o.top);
        top_sorted(&mut is, n, |&a, &b| {
            ranked(
                (&c.items[a].measures, iflag[a]),
                (&c.items[b].measures, iflag[b]),
            )
            .then(a.cmp(&b))
        });
        let mut t = Table::new(
            "items",
            title(
                "Items across the model, by capacity (unlimited producers share equally)",
                n,
                is.len(),
                o.flagged,
                c.bands,
            ),
            &header(&["item", "unlimited"]),
        );
        for &k in &is[..n] {
            let i = &c.items[k];
            json_items.push(json_row(m, crate::to_json(i)?, &i.measures, iflag[k]));
            let mut r = vec![Cell::from(&i.item), Cell::from(i.unlimited)];
            r.extend(cells(m, &i.measures, iflag[k]));
            t.row(r);
        }
        tables.push(t);
    }
    let main = tables[0].name;
    let json = serde_json::json!({
        "bands": c.bands,
        "home_country": c.home_country,
        "groups": json_groups,
        "items": json_items,
    });
    Ok(Results { tables, main, json })
}

/// A row's JSON with its flag, and the lane or chokepoint it rides by name.
fn json_row(
    m: &Model,
    mut row: serde_json::Value,
    x: &Measures,
    flagged: bool,
) -> serde_json::Value {
    row["common_lane"] = x.common_lane.map(|t| route_name(m, t)).into();
    row["flagged"] = flagged.into();
    row
}
