//! `criticality`: single points of failure (keel-see; docs/methods/criticality.md): each stage, site, firm,
//! country, bloc, lane or chokepoint whose loss alone leaves a platform impossible to build, ranked by the
//! value it stops (demand x loss per unit of the platforms it stops); optionally the minimal pairs of
//! countries and of firms whose joint loss stops a platform.
//!
//! # Complexity
//! That of keel-see's single points of failure (and pair search, capped by `max_pair_work`), then
//! O(rows + shown log shown) to rank and lay out the tables.

use crate::table::{shown, Cell, Table};
use crate::{EngineError, Results};
use keel_model::{ElementKind, Model, Target};
use keel_present::target_country;
use keel_see::criticality::{
    single_points_of_failure, spof_pairs, PlatformPairs, DEFAULT_PAIR_WORK, KINDS,
};
use serde::Deserialize;

/// The options of `keel criticality`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Kinds of element to test (empty: every kind criticality tests).
    pub kind: Vec<ElementKind>,
    /// Only this platform (a demand stage id, or an item id such as plt-lav).
    pub platform: Option<String>,
    /// Also the minimal pairs of countries and of firms whose joint loss stops a platform.
    pub pairs: bool,
    /// Cap on the pair search (candidates x upstream input rows); beyond it the search is refused.
    pub max_pair_work: u64,
    /// Elements kept (and SPOFs per platform), highest stake first (0 = all).
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kind: Vec::new(),
            platform: None,
            pairs: false,
            max_pair_work: DEFAULT_PAIR_WORK,
            top: crate::TOP,
        }
    }
}

/// Finds the single points of failure and lays out the results (main table `ranked`).
pub fn run(m: &Model, o: &Options) -> Result<Results, EngineError> {
    let wanted = keel_see::resolve_platforms(m, o.platform.as_deref())
        .map_err(|e| EngineError::Options(e.to_string()))?;
    if let Some(k) = o.kind.iter().find(|k| !KINDS.contains(k)) {
        return Err(EngineError::Options(format!(
            "criticality does not test {}; its kinds are {}",
            k.plural(),
            kind_list(&KINDS)
        )));
    }
    let kinds: Vec<ElementKind> = if o.kind.is_empty() {
        KINDS.to_vec()
    } else {
        let mut k = o.kind.clone();
        k.sort_unstable();
        k.dedup();
        k
    };
    let spofs = single_points_of_failure(m, &kinds);
    let (country_pairs, firm_pairs) = if o.pairs {
        let keep = |v: Vec<PlatformPairs>| -> Vec<PlatformPairs> {
            v.into_iter()
                .filter(|p| wanted.contains(&p.stage))
                .collect()
        };
        (
            keep(
                spof_pairs(m, ElementKind::Country, o.max_pair_work)
                    .map_err(|e| EngineError::Options(e.to_string()))?,
            ),
            keep(
                spof_pairs(m, ElementKind::Firm, o.max_pair_work)
                    .map_err(|e| EngineError::Options(e.to_string()))?,
            ),
        )
    } else {
        (Vec::new(), Vec::new())
    };

    // Ranked over every platform, so an element that also stops other platforms ranks higher.
    let ranked = keel_see::rank::rank_spofs(m, &spofs);
    let (spofs, ranked) = if o.platform.is_none() {
        (spofs, ranked)
    } else {
        let mut on = vec![false; m.stages().len()];
        for p in &wanted {
            on[p.index()] = true;
        }
        (
            spofs.into_iter().filter(|p| on[p.stage.index()]).collect(),
            ranked
                .into_iter()
                .filter(|r| r.platforms.iter().any(|p| on[p.index()]))
                .collect::<Vec<_>>(),
        )
    };
    // A dense table, not a hash map: there are millions of (platform, SPOF) pairs at 10^6 input rows.
    let slots = keel_see::rank::TargetSlots::new(m);
    let mut rank_of = vec![0usize; slots.size()];
    for (k, r) in ranked.iter().enumerate() {
        rank_of[slots.slot(r.element)] = k + 1;
    }
    let stage_id = |s: keel_model::StageIx| m.stages()[s.index()].id.as_str();
    let id = |t: Target| m.target_id(t);
    let per_time = format!("{} per {}", m.meta().currency, m.meta().time_unit);
    let shown = shown(ranked.len(), o.top);
    let mut elements = Table::new(
        "ranked",
        format!(
            "Single points of failure ({}), ranked by value at stake: demand x loss per unit of the platforms \
             each stops, in {per_time}{}",
            kind_list(&kinds),
            if shown < ranked.len() {
                format!("; top {shown} of {} (--top 0 for all)", ranked.len())
            } else {
                String::new()
            }
        ),
        &[
            "rank",
            "kind",
            "element",
            "country",
            "platforms stopped",
            "value at stake",
        ],
    );
    for (k, r) in ranked[..shown].iter().enumerate() {
        elements.row(vec![
            Cell::from(k + 1),
            Cell::from(r.element.kind().as_str()),
            Cell::from(id(r.element)),
            Cell::from(target_country(m, r.element)),
            Cell::from(r.platforms.len()),
            Cell::Num(r.stake),
        ]);
    }
    let mut summary = Table::new(
        "platforms",
        format!(
            "Single points of failure per platform ({})",
            kind_list(&kinds)
        ),
        &["platform", "buildable", "SPOFs", "value at stake"],
    );
    let mut list = Table::new(
        "spofs",
        format!(
            "Single points of failure of each platform, highest-ranked first{}",
            if o.top > 0 {
                format!(" (at most {} per platform)", o.top)
            } else {
                String::new()
            }
        ),
        &["platform", "rank", "kind", "element", "country"],
    );
    // Each platform's SPOFs in rank order.
    let by_rank: Vec<Vec<(usize, Target)>> = spofs
        .iter()
        .map(|p| {
            let mut v: Vec<(usize, Target)> = p
                .spofs
                .iter()
                .map(|&t| (rank_of[slots.slot(t)], t))
                .collect();
            let n = crate::table::shown(v.len(), o.top);
            if n < v.len() {
                // Ranks are distinct: the n smallest, then only those sorted.
                v.select_nth_unstable_by_key(n, |x| x.0);
                v.truncate(n);
            }
            v.sort_unstable_by_key(|x| x.0);
            v
        })
        .collect();
    for (p, best) in spofs.iter().zip(&by_rank) {
        summary.row(vec![
            Cell::from(stage_id(p.stage)),
            Cell::Bool(p.buildable),
            Cell::from(p.spofs.len()),
            Cell::Num(keel_see::rank::platform_stake(m, p.stage)),
        ]);
        for &(rank, t) in best {
            list.row(vec![
                Cell::from(stage_id(p.stage)),
                Cell::from(rank),
                Cell::from(t.kind().as_str()),
                Cell::from(id(t)),
                Cell::from(target_country(m, t)),
            ]);
        }
    }
    let mut tables = vec![summary, elements, list];
    if o.pairs {
        let mut pt = Table::new(
            "pairs",
            "Minimal pairs of countries and of firms whose joint loss stops a platform",
            &["platform", "kind", "first", "second"],
        );
        for (c, f) in country_pairs.iter().zip(&firm_pairs) {
            for &(a, b) in c.pairs.iter().chain(&f.pairs) {
                pt.row(vec![
                    Cell::from(stage_id(c.stage)),
                    Cell::from(a.kind().as_str()),
                    Cell::from(id(a)),
                    Cell::from(id(b)),
                ]);
            }
        }
        tables.push(pt);
    }

    let pair_json = |v: &[PlatformPairs], s: keel_model::StageIx| -> serde_json::Value {
        v.iter()
            .find(|p| p.stage == s)
            .map(|p| {
                p.pairs
                    .iter()
                    .map(|&(a, b)| serde_json::json!([id(a), id(b)]))
                    .collect::<Vec<_>>()
            })
            .into()
    };
    let json = serde_json::json!({
        "model": m.meta().name,
        "kinds": kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "stake_unit": per_time,
        "ranked": ranked[..shown].iter().enumerate().map(|(k, r)| serde_json::json!({
            "rank": k + 1,
            "kind": r.element.kind(),
            "id": id(r.element),
            "country": target_country(m, r.element),
            "platforms": r.platforms.iter().map(|&p| stage_id(p)).collect::<Vec<_>>(),
            "stake": r.stake,
        })).collect::<Vec<_>>(),
        "ranked_total": ranked.len(),
        "platforms": spofs.iter().zip(&by_rank).map(|(p, best)| {
            let mut row = serde_json::json!({
                "stage": stage_id(p.stage),
                "buildable": p.buildable,
                "stake": keel_see::rank::platform_stake(m, p.stage),
                "spofs_total": p.spofs.len(),
                "spofs": best.iter().map(|&(rank, t)| serde_json::json!({
                    "rank": rank,
                    "kind": t.kind(),
                    "id": id(t),
                })).collect::<Vec<_>>(),
            });
            if o.pairs {
                row["country_pairs"] = pair_json(&country_pairs, p.stage);
                row["firm_pairs"] = pair_json(&firm_pairs, p.stage);
            }
            row
        }).collect::<Vec<_>>(),
    });
    Ok(Results {
        tables,
        main: "ranked",
        json,
    })
}

fn kind_list(kinds: &[ElementKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
