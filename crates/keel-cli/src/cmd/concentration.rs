//! `keel concentration`: Herfindahl-Hirschman concentration of supply, with structural flags.

use crate::output::{self, Cell, OutputArgs};
use keel_model::Model;
use keel_present::route_name;
use keel_see::concentration::{concentration, Measures};
use keel_see::flagged::{flagged_groups, flagged_items};
use std::path::PathBuf;
use std::process::ExitCode;

/// Level reported by `--level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Level {
    /// Each (stage, input item): planned shares of its suppliers.
    Group,
    /// Each item across the model: capacity shares of the stages making it.
    Item,
    /// Both.
    Both,
}

/// Supply concentration (HHI by firm and country) of every stage input and item, with flags.
///
/// How concentrated the supply of every stage input and every item is (HHI by firm and by country, 0-10,000).
/// Flags: sole source, single country, single lane or chokepoint, and supply entirely outside the home country's
/// blocs. A row is "flagged" (--flagged) when it is highly concentrated (firm HHI above 1,800, US DOJ/FTC) and
/// cannot be re-sourced: no other firm in the model makes the item, or every supplier is outside the home
/// country's blocs (docs/methods/concentration.md).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Which level to print.
    #[arg(long, value_enum, default_value = "both")]
    pub level: Level,
    /// Print only flagged rows: highly concentrated, and no alternative producer in the model or every
    /// supplier outside the home blocs.
    #[arg(long)]
    pub flagged: bool,
    /// Only the inputs upstream of this platform (a stage id, or the item id of demand stages).
    #[arg(long)]
    pub platform: Option<String>,
    /// Rows shown per table, flagged first, then most concentrated (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
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

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    // Every group by default; with --platform, the groups upstream of it (the rule the report uses).
    let upstream: Option<Vec<bool>> = match &args.platform {
        None => None,
        Some(p) => {
            let platforms = keel_see::resolve_platforms(&m, Some(p))
                .map_err(|e| crate::BadInput(e.to_string()))?;
            let mut on = vec![false; m.groups().len()];
            for g in keel_see::upstream::upstream_groups(&m, &platforms).concat() {
                on[g.index()] = true;
            }
            Some(on)
        }
    };
    let c = concentration(&m);
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
        .filter(|&k| !args.flagged || gflag[k])
        .collect();
    if args.level != Level::Item {
        let n = output::shown(gs.len(), args.top);
        top_sorted(&mut gs, n, |&a, &b| {
            ranked(
                (&c.groups[a].measures, gflag[a]),
                (&c.groups[b].measures, gflag[b]),
            )
            .then(a.cmp(&b))
        });
        let mut t = output::Table::new(
            "groups",
            title(
                "Stage inputs, by planned share",
                n,
                gs.len(),
                args.flagged,
                c.bands,
            ),
            &header(&["stage", "input item"]),
        );
        for &k in &gs[..n] {
            let g = &c.groups[k];
            json_groups.push(json_row(
                &m,
                serde_json::to_value(g)?,
                &g.measures,
                gflag[k],
            ));
            let mut r = vec![Cell::from(&g.stage), Cell::from(&g.item)];
            r.extend(cells(&m, &g.measures, gflag[k]));
            t.row(r);
        }
        tables.push(t);
    }
    if args.level != Level::Group {
        let mut is: Vec<usize> = (0..c.items.len())
            .filter(|&k| upstream.is_none() || items_bought.contains(c.items[k].item.as_str()))
            .filter(|&k| !args.flagged || iflag[k])
            .collect();
        let n = output::shown(is.len(), args.top);
        top_sorted(&mut is, n, |&a, &b| {
            ranked(
                (&c.items[a].measures, iflag[a]),
                (&c.items[b].measures, iflag[b]),
            )
            .then(a.cmp(&b))
        });
        let mut t = output::Table::new(
            "items",
            title(
                "Items across the model, by capacity (unlimited producers share equally)",
                n,
                is.len(),
                args.flagged,
                c.bands,
            ),
            &header(&["item", "unlimited"]),
        );
        for &k in &is[..n] {
            let i = &c.items[k];
            json_items.push(json_row(
                &m,
                serde_json::to_value(i)?,
                &i.measures,
                iflag[k],
            ));
            let mut r = vec![Cell::from(&i.item), Cell::from(i.unlimited)];
            r.extend(cells(&m, &i.measures, iflag[k]));
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
    output::emit(&args.out, &tables, main, &json)?;
    Ok(ExitCode::SUCCESS)
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
