//! `keel criticality`: single points of failure of each platform, and minimal pairs of countries and firms.

use crate::output::{self, Cell, OutputArgs};
use keel_model::{ElementKind, Target};
use keel_present::target_country;
use keel_see::criticality::{
    single_points_of_failure, spof_pairs, PlatformPairs, DEFAULT_PAIR_WORK, KINDS,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// Single points of failure of each platform, ranked by the value they stop.
///
/// A single point of failure (SPOF) is a stage, site, firm, country, bloc, lane or chokepoint whose loss alone
/// leaves a platform impossible to build. Elements are ranked by what is at stake: the sum, over the platforms
/// each one stops, of demand x loss_per_unit (value lost per time unit). A platform can be built when every
/// input item has at least one surviving supplier (over a surviving lane) that can itself be built; suppliers
/// with a planned share of 0 count as alternatives. With --pairs, also the minimal pairs of countries and of
/// firms whose joint loss stops a platform (neither being a SPOF alone).
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Kinds of element to test (repeat or comma-separate; default: all kinds).
    #[arg(long, value_parser = super::kind_parser(&KINDS), value_delimiter = ',')]
    pub kind: Vec<ElementKind>,
    /// Only this platform (a demand stage id, or an item id such as plt-lav).
    #[arg(long)]
    pub platform: Option<String>,
    /// Also list minimal pairs of countries and of firms whose joint loss stops a platform.
    #[arg(long)]
    pub pairs: bool,
    /// Cap on the pair search (candidates x upstream input rows); beyond it the search is refused.
    #[arg(long, default_value_t = DEFAULT_PAIR_WORK)]
    pub max_pair_work: u64,
    /// Elements shown (and SPOFs per platform), highest stake first (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let wanted = keel_see::resolve_platforms(&m, args.platform.as_deref())
        .map_err(|e| crate::BadInput(e.to_string()))?;
    let kinds: Vec<ElementKind> = if args.kind.is_empty() {
        KINDS.to_vec()
    } else {
        let mut k = args.kind.clone();
        k.sort_unstable();
        k.dedup();
        k
    };
    let spofs = single_points_of_failure(&m, &kinds);
    let (country_pairs, firm_pairs) = if args.pairs {
        let keep = |v: Vec<PlatformPairs>| -> Vec<PlatformPairs> {
            v.into_iter()
                .filter(|p| wanted.contains(&p.stage))
                .collect()
        };
        (
            keep(spof_pairs(&m, ElementKind::Country, args.max_pair_work)?),
            keep(spof_pairs(&m, ElementKind::Firm, args.max_pair_work)?),
        )
    } else {
        (Vec::new(), Vec::new())
    };

    // Ranked over every platform, so an element that also stops other platforms ranks higher.
    let ranked = keel_see::rank::rank_spofs(&m, &spofs);
    let (spofs, ranked) = if args.platform.is_none() {
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
    let slots = keel_see::rank::TargetSlots::new(&m);
    let mut rank_of = vec![0usize; slots.size()];
    for (k, r) in ranked.iter().enumerate() {
        rank_of[slots.slot(r.element)] = k + 1;
    }
    let stage_id = |s: keel_model::StageIx| m.stages()[s.index()].id.as_str();
    let id = |t: Target| m.target_id(t);
    let per_time = format!("{} per {}", m.meta().currency, m.meta().time_unit);
    let shown = output::shown(ranked.len(), args.top);
    let mut elements = output::Table::new(
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
            Cell::from(target_country(&m, r.element)),
            Cell::from(r.platforms.len()),
            Cell::Num(r.stake),
        ]);
    }
    let mut summary = output::Table::new(
        "platforms",
        format!(
            "Single points of failure per platform ({})",
            kind_list(&kinds)
        ),
        &["platform", "buildable", "SPOFs", "value at stake"],
    );
    let mut list = output::Table::new(
        "spofs",
        format!(
            "Single points of failure of each platform, highest-ranked first{}",
            if args.top > 0 {
                format!(" (at most {} per platform)", args.top)
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
            let n = output::shown(v.len(), args.top);
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
            Cell::Num(keel_see::rank::platform_stake(&m, p.stage)),
        ]);
        for &(rank, t) in best {
            list.row(vec![
                Cell::from(stage_id(p.stage)),
                Cell::from(rank),
                Cell::from(t.kind().as_str()),
                Cell::from(id(t)),
                Cell::from(target_country(&m, t)),
            ]);
        }
    }
    let mut tables = vec![summary, elements, list];
    if args.pairs {
        let mut pt = output::Table::new(
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
            "country": target_country(&m, r.element),
            "platforms": r.platforms.iter().map(|&p| stage_id(p)).collect::<Vec<_>>(),
            "stake": r.stake,
        })).collect::<Vec<_>>(),
        "ranked_total": ranked.len(),
        "platforms": spofs.iter().zip(&by_rank).map(|(p, best)| {
            let mut o = serde_json::json!({
                "stage": stage_id(p.stage),
                "buildable": p.buildable,
                "stake": keel_see::rank::platform_stake(&m, p.stage),
                "spofs_total": p.spofs.len(),
                "spofs": best.iter().map(|&(rank, t)| serde_json::json!({
                    "rank": rank,
                    "kind": t.kind(),
                    "id": id(t),
                })).collect::<Vec<_>>(),
            });
            if args.pairs {
                o["country_pairs"] = pair_json(&country_pairs, p.stage);
                o["firm_pairs"] = pair_json(&firm_pairs, p.stage);
            }
            o
        }).collect::<Vec<_>>(),
    });
    output::emit(&args.out, &tables, "ranked", &json)?;
    Ok(ExitCode::SUCCESS)
}

fn kind_list(kinds: &[ElementKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
