//! Disclosure-controlled aggregates: two-way tables whose cells are split by the firm whose stages make them up,
//! so that the (n, k) dominance rule and complementary suppression of `keel-disclosure` can decide what a
//! contributor may see.
//!
//! - **Value by country**: the amounts of `keel exposure --by country`. For platform `P` with total requirement
//!   `x` (units of every upstream stage per unit of `P`, `keel_see::exposure::requirements`), stage `i` adds
//!   `va_i x_i` per unit of `P`, counted in the country of `i`'s site. Cell (P, c) is `sum_{i in c} va_i x_i`,
//!   and firm f's part of it is the same sum over f's stages; the row total is `keel exposure`'s value added
//!   per unit of `P`.
//! - **Capacity by country** (an item's concentration): cell (item, c) is the summed capacity of the stages
//!   making the item at sites in country c, the shares `keel concentration` computes per item when every
//!   producer's capacity is finite. Stages with unlimited capacity have no amount to publish and are left out.
//!
//! # Complexity
//! Value: one upstream sweep per platform, O(S_P + E_P); capacity: one pass over the stages; then the table's
//! cells x firms, and `protect`'s rounds of linear programs (docs/disclosure.md).

use keel_disclosure::{DisclosureError, Protected, Rule, Status, Table};
use keel_model::Model;
use serde::Serialize;

/// A platforms x countries table of value added, with each cell's firms, and the labels of its grid.
#[derive(Debug)]
pub(crate) struct ByCountry {
    pub(crate) table: Table,
    /// The inner cells' parts: (row, column, firm, amount), sorted.
    pub(crate) parts: Vec<(usize, usize, u32, f64)>,
    /// Row labels of the extended grid: the platforms' stage ids, then "total" when there are two or more.
    pub(crate) rows: Vec<String>,
    /// Column labels: country codes with some value (sorted), then "total" when there are two or more.
    pub(crate) cols: Vec<String>,
}

pub(crate) const TOTAL: &str = "total";

type Parts = std::collections::BTreeMap<(usize, usize, u32), f64>;

fn firm_of(m: &Model, s: keel_model::StageIx) -> u32 {
    u32::try_from(m.stage_firm(s).index()).unwrap_or(u32::MAX)
}

/// The value added upstream of each platform, by country of the stage and firm running it.
pub(crate) fn value_by_country(m: &Model) -> Result<ByCountry, DisclosureError> {
    let platforms: Vec<_> = m.demand_stages().collect();
    let reqs = keel_see::exposure::requirements(m, &platforms);
    // (platform row, country, firm) -> value, in a fixed order so sums come out the same every time.
    let mut cells = Parts::new();
    for (row, r) in reqs.iter().enumerate() {
        for (s, x) in r.stages.iter().zip(&r.x) {
            let v = m.stages()[s.index()].value_added * x;
            if v > 0.0 {
                *cells
                    .entry((row, m.stage_country(*s).index(), firm_of(m, *s)))
                    .or_insert(0.0) += v;
            }
        }
    }
    let rows = platforms
        .iter()
        .map(|p| m.stages()[p.index()].id.clone())
        .collect();
    by_country(m, rows, &cells)
}

/// The finite capacity of the stages making each item, by country of the stage and firm running it; items
/// with no finite-capacity stage have no row.
pub(crate) fn capacity_by_country(m: &Model) -> Result<ByCountry, DisclosureError> {
    let mut items: Vec<usize> = m
        .stages()
        .iter()
        .filter(|s| s.capacity.is_some_and(|c| c > 0.0))
        .map(|s| s.item.index())
        .collect();
    items.sort_by(|a, b| m.items()[*a].id.cmp(&m.items()[*b].id));
    items.dedup();
    let mut cells = Parts::new();
    for (k, st) in m.stages().iter().enumerate() {
        let Some(cap) = st.capacity.filter(|c| *c > 0.0) else {
            continue;
        };
        let s = keel_model::StageIx::new(k);
        let row = items
            .iter()
            .position(|&i| i == st.item.index())
            .unwrap_or(0);
        *cells
            .entry((row, m.stage_country(s).index(), firm_of(m, s)))
            .or_insert(0.0) += cap;
    }
    let rows = items.iter().map(|&i| m.items()[i].id.clone()).collect();
    by_country(m, rows, &cells)
}

/// The table of `cells` ((row, country index, firm) -> amount) with `rows` labelled, countries as columns.
fn by_country(m: &Model, rows: Vec<String>, cells: &Parts) -> Result<ByCountry, DisclosureError> {
    let mut used: Vec<usize> = cells.keys().map(|k| k.1).collect();
    used.sort_unstable();
    used.dedup();
    let mut countries: Vec<(String, usize)> = used
        .iter()
        .map(|&c| (m.countries()[c].code.clone(), c))
        .collect();
    countries.sort();
    let col_of = |c: usize| countries.iter().position(|x| x.1 == c).unwrap_or(0);
    let mut table = Table::new(rows.len(), countries.len());
    let mut parts = Vec::with_capacity(cells.len());
    for (&(row, c, firm), &v) in cells {
        table.add(row, col_of(c), firm, v)?;
        parts.push((row, col_of(c), firm, v));
    }
    let mut rows = rows;
    let mut cols: Vec<String> = countries.into_iter().map(|c| c.0).collect();
    let (gr, gc) = table.grid_shape();
    // An empty model still has one (empty) cell.
    rows.resize(rows.len().max(1), String::new());
    cols.resize(cols.len().max(1), String::new());
    if gr > rows.len() {
        rows.push(TOTAL.into());
    }
    if gc > cols.len() {
        cols.push(TOTAL.into());
    }
    Ok(ByCountry {
        table,
        parts,
        rows,
        cols,
    })
}

/// One cell as served.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub(crate) struct Cell {
    /// The amount; null when suppressed.
    pub(crate) value: Option<f64>,
    /// "published" or "suppressed" (which rule fired, and for whom, is never said).
    pub(crate) status: String,
    /// Analysts only: how many firms make up the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) firms: Option<usize>,
    /// Analysts only: what a contributor sees of this cell, "published" or "suppressed".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contributor_view: Option<String>,
}

/// The cells a contributor sees, row-major over the extended grid.
pub(crate) fn contributor_cells(p: &Protected) -> Vec<Vec<Cell>> {
    (0..p.rows)
        .map(|r| {
            (0..p.cols)
                .map(|c| match p.get(r, c) {
                    Status::Published { value } => Cell {
                        value: Some(value),
                        status: "published".into(),
                        firms: None,
                        contributor_view: None,
                    },
                    Status::Suppressed { .. } => Cell {
                        value: None,
                        status: "suppressed".into(),
                        firms: None,
                        contributor_view: None,
                    },
                })
                .collect()
        })
        .collect()
}

/// The cells an analyst sees: every value, how many firms make it up, and what contributors see of it.
pub(crate) fn analyst_cells(b: &ByCountry, p: &Protected) -> Vec<Vec<Cell>> {
    // Every grid cell's value and firm count, from the inner cells (the margins being their sums).
    let (gr, gc) = b.table.grid_shape();
    let (ir, ic) = b.table.shape();
    let mut value = vec![0.0; gr * gc];
    let mut firms = vec![std::collections::BTreeSet::new(); gr * gc];
    for &(r, c, k, v) in &b.parts {
        let mut put = |rr: usize, cc: usize| {
            value[rr * gc + cc] += v;
            firms[rr * gc + cc].insert(k);
        };
        put(r, c);
        if gc > ic {
            put(r, ic);
        }
        if gr > ir {
            put(ir, c);
        }
        if gc > ic && gr > ir {
            put(ir, ic);
        }
    }
    (0..gr)
        .map(|r| {
            (0..gc)
                .map(|c| Cell {
                    value: Some(value[r * gc + c]),
                    status: "published".into(),
                    firms: Some(firms[r * gc + c].len()),
                    contributor_view: Some(
                        match p.get(r, c) {
                            Status::Published { .. } => "published",
                            Status::Suppressed { .. } => "suppressed",
                        }
                        .into(),
                    ),
                })
                .collect()
        })
        .collect()
}

/// The server's rule, with keel-disclosure's default protection interval.
pub(crate) fn rule(min_firms: usize, dominance: f64) -> Rule {
    Rule {
        min_contributors: min_firms,
        dominance,
        ..Rule::default()
    }
}
