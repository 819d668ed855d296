//! `network`: one platform's upstream supply network as the dashboard draws it: every stage the platform
//! depends on, with its tier (the fewest supply steps from the platform: 0 is the platform, 1 its direct
//! suppliers), item, site, firm and country, and whether its loss alone stops the platform (a stage single
//! point of failure, as `keel criticality` finds them); and every supply link, grouped the way the model means
//! them: a stage needs all of its input groups (AND), and any one supplier of a group will do (OR, in the
//! planned shares).
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
    let mut nodes = Vec::with_capacity(order.len());
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
        nodes.push(json!({
            "id": st.id, "tier": tier[s.index()], "item": item, "site": site.id, "firm": firm.id,
            "country": country, "spof": spof,
        }));
    }

    let mut links = Table::new(
        "links",
        "Supply links: the buying stage needs every input item (AND); any supplier of one item will do (OR), \
         in the planned shares",
        &["buyer", "input item", "supplier", "share", "suppliers of this input", "lane"],
    );
    let mut groups = Vec::new();
    let mut edges = Vec::new();
    for &s in &order {
        for g in m.groups_of(s) {
            let group = &m.groups()[g.index()];
            let sources: Vec<_> = m.sources_of(g).map(|x| &m.sources()[x.index()]).collect();
            let gi = groups.len();
            let item = &m.items()[group.item.index()].id;
            groups.push(
                json!({ "buyer": local[s.index()], "item": item, "suppliers": sources.len() }),
            );
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
                edges.push(json!({
                    "supplier": local[src.supplier.index()], "buyer": local[s.index()], "group": gi,
                    "share": src.share, "lane": lane,
                }));
            }
        }
    }
    let json = json!({
        "platform": m.stages()[p.index()].id,
        "tiers": order.last().map_or(0, |s| tier[s.index()]) + 1,
        "stages": nodes,
        "groups": groups,
        "links": edges,
    });
    Ok(Results {
        tables: vec![stages, links],
        main: "stages",
        json,
    })
}
