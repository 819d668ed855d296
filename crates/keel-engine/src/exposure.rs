//! `exposure`: the look-through origin of the value added embodied in each platform (keel-see's firm-level
//! Leontief / TiVA look-through over every tier; docs/methods/exposure.md), by country, bloc, firm, country of
//! control or tier, and the home country's (sovereign) share.
//!
//! # Complexity
//! That of keel-see's exposure (one pass over each platform's upstream), then O(rows) to lay out the tables.

use crate::table::{shown, Cell, Table};
use crate::{EngineError, Results};
use keel_model::Model;
use keel_see::exposure::{self, ExposureOptions, GroupBy};
use serde::Deserialize;

/// The options of `keel exposure`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// One platform: a stage id, or the item id of demand stages (`None`: every demand stage).
    pub platform: Option<String>,
    /// The breakdown: country, bloc, firm, parent (country of ultimate control) or tier.
    pub by: GroupBy,
    /// Rows kept per platform, largest first (0 = all).
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            platform: None,
            by: GroupBy::Country,
            top: crate::TOP,
        }
    }
}

/// Runs the look-through and lays out its results (main table `shares`).
pub fn run(m: &Model, o: &Options) -> Result<Results, EngineError> {
    let platforms = keel_see::resolve_platforms(m, o.platform.as_deref())
        .map_err(|e| EngineError::Options(e.to_string()))?;
    let group_by = o.by;
    let res = exposure::exposure(
        m,
        &platforms,
        ExposureOptions {
            tiers: group_by == GroupBy::Tier,
            // Firms only when asked for, and then the 20 largest per platform: every platform of a national
            // model reaches tens of thousands of firms.
            top_firms: Some(if group_by == GroupBy::Firm { 20 } else { 0 }),
        },
    );

    let mut summary = Table::new(
        "platforms",
        format!(
            "Value added embodied per unit of platform ({}), home country {}",
            m.meta().currency,
            res.first().map_or("", |e| e.home_country.as_str())
        ),
        &[
            "platform",
            "item",
            "value added",
            "upstream stages",
            "home share",
            "home-controlled share",
        ],
    );
    for e in &res {
        summary.row(vec![
            Cell::from(&e.platform),
            Cell::from(&e.item),
            Cell::Num(e.value_added),
            Cell::from(e.upstream_stages),
            Cell::Share(e.home_share),
            Cell::Share(e.home_controlled_share),
        ]);
    }
    let (what, key) = match group_by {
        GroupBy::Country => ("country", "country"),
        GroupBy::Bloc => ("bloc (a stage counts toward every bloc of its country: shares can sum to more than 100%)", "bloc"),
        GroupBy::Firm => ("firm", "firm"),
        GroupBy::Parent => ("country of ultimate control", "parent country"),
        GroupBy::Tier => ("tier (0 = the platform's own value added)", "tier"),
    };
    let mut detail = Table::new(
        "shares",
        format!(
            "Share of value added by {what}{}",
            if o.top == 0 {
                String::new()
            } else {
                format!(" (largest {} per platform; --top 0 for all)", o.top)
            }
        ),
        &["platform", key, "value added", "share"],
    );
    for e in &res {
        let rows: Vec<(Cell, f64, f64)> = match group_by {
            GroupBy::Country => shares(&e.by_country),
            GroupBy::Bloc => shares(&e.by_bloc),
            GroupBy::Firm => shares(&e.by_firm),
            GroupBy::Parent => shares(&e.by_parent),
            GroupBy::Tier => e
                .by_tier
                .iter()
                .flatten()
                .map(|t| (Cell::from(t.tier as usize), t.value, t.share))
                .collect(),
        };
        let n = shown(rows.len(), o.top);
        for (k, v, s) in rows.into_iter().take(n) {
            detail.row(vec![
                Cell::from(&e.platform),
                k,
                Cell::Num(v),
                Cell::Share(s),
            ]);
        }
    }
    let json = serde_json::json!({
        "currency": m.meta().currency,
        "note": "shares of the value added embodied in one unit of each platform; bloc shares can sum to more than 1",
        "platforms": res,
    });
    Ok(Results {
        tables: vec![summary, detail],
        main: "shares",
        json,
    })
}

fn shares(v: &[exposure::Share]) -> Vec<(Cell, f64, f64)> {
    v.iter()
        .map(|s| (Cell::from(&s.key), s.value, s.share))
        .collect()
}
