//! Export-control see-through per platform, and whether a regime-free build exists.
//!
//! **Controlled.** A stage is controlled by regime `r` if its item carries `r`, or if any supplier it plans to
//! use (share > 0) is controlled (`Model::see_through`). Equivalently, a controlled item is reachable from the
//! platform along input rows with a positive share. For every controlled item reached, the report gives the
//! shortest such input path (fewest rows; breadth-first, ties broken by the order of the input rows), listed
//! as stage ids from the platform to the first stage making that item, so the user sees *why*.
//!
//! **Regime-free build.** Remove every stage whose item carries `r`. A stage is *buildable* if it was not
//! removed and every one of its input items (AND) has at least one buildable supplier (OR) among all the
//! suppliers listed, planned share 0 included (they are the alternatives that exist):
//!
//! ```text
//! free(s) = not carries(s, r)  and  for all groups g of s: exists source k of g with free(supplier(k))
//! ```
//!
//! computed once per regime in topological order. If the platform is not buildable, the report explains it:
//! `blocked_inputs` are the platform's own input items with no buildable supplier, and the `frontier` is found
//! by walking down from the platform through blocked groups to the groups whose input item itself carries the
//! regime (every supplier removed while the stage needing it is not): the controlled items that would need a
//! new, regime-free source for the platform to become buildable.
//!
//! # Complexity
//! O(regimes x (stages + arcs)) for the see-through and buildability passes, plus, per platform,
//! O(S_P + E_P) for the breadth-first search and the frontier walk over its upstream closure.

use crate::SeeError;
use keel_model::{Model, RegimeIx, StageIx};
use serde::Serialize;
use std::collections::VecDeque;

/// A controlled item embedded in a platform, and the shortest input path that brings it in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EmbeddedItem {
    pub item: String,
    /// The category after `:` in `export_control`, e.g. `XI` for `ITAR:XI`.
    pub category: Option<String>,
    /// Stage ids from the platform (first) to the first stage producing `item` (last).
    pub path: Vec<String>,
}

/// A (stage, input item) pair at the frontier: the stage is not controlled itself, but every source of this
/// input item is, because the item carries the regime.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FrontierGroup {
    pub stage: String,
    pub item: String,
}

/// The see-through of one platform for one regime.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformControl {
    pub platform: String,
    #[serde(skip)]
    pub stage: StageIx,
    pub item: String,
    pub regime: String,
    /// Controlled under the see-through rule.
    pub controlled: bool,
    /// Whether the platform's own item carries the regime (then no regime-free build can exist).
    pub item_controlled: bool,
    /// The controlled items it contains, by path length then item id.
    pub via: Vec<EmbeddedItem>,
    /// Whether it can be built with no stage whose item carries the regime, using any listed supplier.
    pub regime_free_possible: bool,
    /// The platform's input items with no regime-free supplier, sorted.
    pub blocked_inputs: Vec<String>,
    /// The groups where the regime enters unavoidably, sorted by stage then item.
    pub frontier: Vec<FrontierGroup>,
}

fn carries(m: &Model, s: StageIx, r: RegimeIx) -> bool {
    m.items[m.stages[s.index()].item.index()]
        .control
        .as_ref()
        .is_some_and(|c| c.regime == r)
}

/// For each stage, whether it can be built free of regime `r` (see the module doc).
pub fn regime_free(m: &Model, r: RegimeIx) -> Vec<bool> {
    let mut free = vec![false; m.stages.len()];
    for &s in m.topo_order() {
        free[s.index()] = !carries(m, s, r)
            && m.groups_of(s).all(|g| {
                m.sources_of(g)
                    .any(|k| free[m.sources[k.index()].supplier.index()])
            });
    }
    free
}

/// Breadth-first search from `p` over planned rows: the stages in order of distance, and each one's parent.
fn bfs(m: &Model, p: StageIx, parent: &mut [Option<StageIx>], seen: &mut [bool]) -> Vec<StageIx> {
    let mut order = vec![p];
    let mut q = VecDeque::from([p]);
    seen[p.index()] = true;
    while let Some(s) = q.pop_front() {
        for g in m.groups_of(s) {
            for k in m.sources_of(g) {
                let src = &m.sources[k.index()];
                let sup = src.supplier;
                if src.share > 0.0 && !seen[sup.index()] {
                    seen[sup.index()] = true;
                    parent[sup.index()] = Some(s);
                    order.push(sup);
                    q.push_back(sup);
                }
            }
        }
    }
    order
}

/// The see-through of every platform in `platforms` for every regime in `regimes`, platform-major.
pub fn controls(m: &Model, platforms: &[StageIx], regimes: &[RegimeIx]) -> Vec<PlatformControl> {
    let n = m.stages.len();
    let per_regime: Vec<(Vec<bool>, Vec<bool>)> = regimes
        .iter()
        .map(|&r| (m.see_through(r), regime_free(m, r)))
        .collect();
    let mut parent = vec![None; n];
    let mut seen = vec![false; n];
    let mut out = Vec::new();
    for &p in platforms {
        let order = bfs(m, p, &mut parent, &mut seen);
        for (ri, &r) in regimes.iter().enumerate() {
            let (hit, free) = &per_regime[ri];
            out.push(platform_control(m, p, r, hit, free, &order, &parent));
        }
        for &s in &order {
            seen[s.index()] = false;
            parent[s.index()] = None;
        }
    }
    out
}

fn platform_control(
    m: &Model,
    p: StageIx,
    r: RegimeIx,
    hit: &[bool],
    free: &[bool],
    order: &[StageIx],
    parent: &[Option<StageIx>],
) -> PlatformControl {
    let id = |s: StageIx| m.stages[s.index()].id.clone();
    let mut via: Vec<EmbeddedItem> = Vec::new();
    if hit[p.index()] {
        let mut items_done = std::collections::BTreeSet::new();
        for &s in order {
            let it = m.stages[s.index()].item;
            if !carries(m, s, r) || !items_done.insert(it) {
                continue;
            }
            let mut path = vec![id(s)];
            let mut cur = s;
            while let Some(b) = parent[cur.index()] {
                path.push(id(b));
                cur = b;
            }
            path.reverse();
            let item = &m.items[it.index()];
            via.push(EmbeddedItem {
                item: item.id.clone(),
                category: item.control.as_ref().and_then(|c| c.category.clone()),
                path,
            });
        }
        via.sort_by(|a, b| {
            a.path
                .len()
                .cmp(&b.path.len())
                .then_with(|| a.item.cmp(&b.item))
        });
    }
    let item_controlled = carries(m, p, r);
    let mut blocked_inputs = Vec::new();
    let mut frontier = Vec::new();
    if !free[p.index()] {
        let blocked = |g: keel_model::GroupIx| {
            !m.sources_of(g)
                .any(|k| free[m.sources[k.index()].supplier.index()])
        };
        blocked_inputs = m
            .groups_of(p)
            .filter(|&g| blocked(g))
            .map(|g| m.items[m.groups[g.index()].item.index()].id.clone())
            .collect();
        blocked_inputs.sort();
        if !item_controlled {
            let mut seen = std::collections::BTreeSet::from([p]);
            let mut stack = vec![p];
            while let Some(s) = stack.pop() {
                for g in m.groups_of(s).filter(|&g| blocked(g)) {
                    let gi = m.groups[g.index()].item;
                    let item_carries = m.items[gi.index()]
                        .control
                        .as_ref()
                        .is_some_and(|c| c.regime == r);
                    if item_carries {
                        frontier.push(FrontierGroup {
                            stage: id(s),
                            item: m.items[gi.index()].id.clone(),
                        });
                    } else {
                        for k in m.sources_of(g) {
                            let sup = m.sources[k.index()].supplier;
                            if seen.insert(sup) {
                                stack.push(sup);
                            }
                        }
                    }
                }
            }
            frontier.sort();
        }
    }
    PlatformControl {
        platform: id(p),
        stage: p,
        item: m.items[m.stages[p.index()].item.index()].id.clone(),
        regime: m.regimes[r.index()].code.clone(),
        controlled: hit[p.index()],
        item_controlled,
        via,
        regime_free_possible: free[p.index()],
        blocked_inputs,
        frontier,
    }
}

/// Convenience: the see-through of the platforms and regimes named like [`crate::resolve_platforms`] and
/// [`crate::resolve_regimes`] do (`None` = all).
pub fn controls_of(
    m: &Model,
    platform: Option<&str>,
    regime: Option<&str>,
) -> Result<Vec<PlatformControl>, SeeError> {
    let ps = crate::resolve_platforms(m, platform)?;
    let rs = crate::resolve_regimes(m, regime)?;
    Ok(controls(m, &ps, &rs))
}
