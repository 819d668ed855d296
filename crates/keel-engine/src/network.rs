//! `network`: one platform's upstream supply network as the dashboard draws it: every stage the platform
//! depends on, with its tier (the fewest supply steps from the platform: 0 is the platform, 1 its direct
//! suppliers), item, site, firm and country, and whether its loss alone stops the platform (a stage single
//! point of failure, as `keel criticality` finds them); and every supply link, grouped the way the model means
//! them: a stage needs all of its input groups (AND), and any one supplier of a group will do (OR, in the
//! planned shares). The JSON holds each as columns (`stages.id[k]`, `stages.tier[k]`...; links refer to stages
//! and groups by their position in those columns).
//!
//! Tiers are breadth-first distances, so a stage reached by a short and a long path sits at the short one's
//! tier: the tier says how close a weakness is to the platform, not how long the longest chain is.
//!
//! # Complexity
//! O(upstream stages + upstream links) for the breadth-first search and the layout of the result, plus one
//! criticality propagation over the model for the single points of failure (see keel-see).

use crate::table::{Cell, Table};
use crate::{EngineError, Results};
use keel_model::{ElementKind, Model, StageIx, Target};
use keel_see::criticality::single_points_of_failure;
use serde_json::json;
use std::collections::VecDeque;

/// The upstream network of `platform` (a demand stage id, or the item id of exactly one demand stage).
pub fn run(m: &Model, platform: &str) -> Result<Results, EngineError> {
    let found = keel_see::resolve_platforms(m, Some(platform))
        .map_err(|e| EngineError::Options(e.to_string()))?;
    let p = match found.as_slice() {
        [p] => *p,
        many => {
            let ids: Vec<&str> = many
                .iter()
                .map(|s| m.stages()[s.index()].id.as_str())
                .collect();
            return Err(EngineError::Options(format!(
                "`{platform}` is the item of {} platforms; give one of their stage ids: {}",
                ids.len(),
                ids.join(", ")
            )));
        }
    };

    // Breadth-first from the platform up through its suppliers.
    let n = m.stages().len();
    let mut tier = vec![u32::MAX; n];
    let mut order: Vec<StageIx> = vec![p];
    tier[p.index()] = 0;
    let mut queue = VecDeque::from([p]);
    while let Some(s) = queue.pop_front() {
        for g in m.groups_of(s) {
            for src in m.sources_of(g) {
                let sup = m.sources()[src.index()].supplier;
                if tier[sup.index()] == u32::MAX {
                    tier[sup.index()] = tier[s.index()] + 1;
                    order.push(sup);
                    queue.push_back(sup);
                }
            }
        }
    }
    let mut local = vec![usize::MAX; n];
    for (k, s) in order.iter().enumerate() {
        local[s.index()] = k;
    }

    let spof_stages: std::collections::HashSet<usize> =
        single_points_of_failure(m, &[ElementKind::Stage])
            .into_iter()
            .find(|r| r.stage == p)
            .map(|r| {
                r.spofs
                    .into_iter()
                    .filter_map(|t| match t {
                        Target::Stage(s) => Some(s.index()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();

    let mut stages = Table::new(
        "stages",
        format!(
            "Stages upstream of {} by tier (0 = the platform), and whether each alone stops it",
            m.stages()[p.index()].id
        ),
        &[
            "stage",
            "tier",
            "item",
            "site",
            "firm",
            "country",
            "single point of failure",
        ],
    );
    // Columns rather than one object per stage and link: a national model's platform reaches 15,000 stages and
    // 45,000 links, and repeating every key in every row would triple what the dashboard downloads.
    let mut col_id = Vec::with_capacity(order.len());
    let mut col_tier = Vec::with_capacity(order.len());
    let mut col_item = Vec::with_capacity(order.len());
    let mut col_site = Vec::with_capacity(order.len());
    let mut col_firm = Vec::with_capacity(order.len());
    let mut col_country = Vec::with_capacity(order.len());
    let mut col_spof = Vec::with_capacity(order.len());
    for &s in &order {
        let st = &m.stages()[s.index()];
        let site = &m.sites()[st.site.index()];
        let firm = &m.firms()[site.firm.index()];
        let country = &m.countries()[site.country.index()].code;
        let item = &m.items()[st.item.index()].id;
        let spof = spof_stages.contains(&s.index());
        stages.row(vec![
            Cell::from(&st.id),
            Cell::from(tier[s.index()] as usize),
            Cell::from(item),
            Cell::from(&site.id),
            Cell::from(&firm.id),
            Cell::from(country),
            Cell::from(spof),
        ]);
        col_id.push(st.id.as_str());
        col_tier.push(tier[s.index()]);
        col_item.push(item.as_str());
        col_site.push(site.id.as_str());
        col_firm.push(firm.id.as_str());
        col_country.push(country.as_str());
        col_spof.push(spof);
    }

    let mut links = Table::new(
        "links",
        "Supply links: the buying stage needs every input item (AND); any supplier of one item will do (OR), \
         in the planned shares",
        &["buyer", "input item", "supplier", "share", "suppliers of this input", "lane"],
    );
    let (mut g_buyer, mut g_item, mut g_suppliers) = (Vec::new(), Vec::new(), Vec::new());
    let (mut l_supplier, mut l_buyer, mut l_group, mut l_share, mut l_lane) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &s in &order {
        for g in m.groups_of(s) {
            let group = &m.groups()[g.index()];
            let sources: Vec<_> = m.sources_of(g).map(|x| &m.sources()[x.index()]).collect();
            let gi = g_buyer.len();
            let item = &m.items()[group.item.index()].id;
            g_buyer.push(local[s.index()]);
            g_item.push(item.as_str());
            g_suppliers.push(sources.len());
            for src in sources {
                let lane = src.lane.map(|l| m.lanes()[l.index()].id.as_str());
                links.row(vec![
                    Cell::from(&m.stages()[s.index()].id),
                    Cell::from(item),
                    Cell::from(&m.stages()[src.supplier.index()].id),
                    Cell::Share(src.share),
                    Cell::from(m.sources_of(g).len()),
                    Cell::from(lane),
                ]);
                l_supplier.push(local[src.supplier.index()]);
                l_buyer.push(local[s.index()]);
                l_group.push(gi);
                l_share.push(src.share);
                l_lane.push(lane);
            }
        }
    }
    let json = json!({
        "platform": m.stages()[p.index()].id,
        "tiers": order.last().map_or(0, |s| tier[s.index()]) + 1,
        "stages": {
            "id": col_id, "tier": col_tier, "item": col_item, "site": col_site, "firm": col_firm,
            "country": col_country, "spof": col_spof,
        },
        "groups": { "buyer": g_buyer, "item": g_item, "suppliers": g_suppliers },
        "links": {
            "supplier": l_supplier, "buyer": l_buyer, "group": l_group, "share": l_share, "lane": l_lane,
        },
    });
    Ok(Results {
        tables: vec![stages, links],
        main: "stages",
        json,
    })
}
