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
//! How many controlled items each platform contains comes from one reachability pass over all platforms at once
//! ([`crate::reach`]); the paths need a breadth-first search per platform, which stops as soon as the items to be
//! listed are known ([`ControlOptions::top`]; without it, once every controlled item has been found). The
//! frontier walk is likewise one pass for all platforms ([`crate::reach::Reach::along`] through the blocked
//! groups whose item does not carry the regime); the frontier groups of the whole model are sorted once and each
//! platform lists the first of those its walk reaches.
//!
//! # Complexity
//! O(regimes x (stages + arcs) x ceil(platforms / 64)) for the see-through, buildability, count and frontier
//! passes, O(F log F) to sort the F frontier groups of the model, plus, per controlled platform, O(S_P + E_P) at
//! worst for the breadth-first search over its upstream closure (much less when the listed items are near the
//! platform) and O(F) to pick its frontier groups; platforms run in parallel.

use crate::reach::{for_each_bit, Reach};
use crate::SeeError;
use keel_model::{Model, RegimeIx, StageIx};
use rayon::prelude::*;
use serde::Serialize;

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
    /// How many distinct controlled items it contains.
    pub controlled_items: usize,
    /// The controlled items it contains, by path length then item id (the first [`ControlOptions::top`]).
    pub via: Vec<EmbeddedItem>,
    /// Whether it can be built with no stage whose item carries the regime, using any listed supplier.
    pub regime_free_possible: bool,
    /// The platform's input items with no regime-free supplier, sorted.
    pub blocked_inputs: Vec<String>,
    /// How many groups the regime enters unavoidably at.
    pub frontier_groups: usize,
    /// The groups where the regime enters unavoidably, sorted by stage then item (the first
    /// [`ControlOptions::top`]).
    pub frontier: Vec<FrontierGroup>,
}

fn carries(m: &Model, s: StageIx, r: RegimeIx) -> bool {
    m.items()[m.stages()[s.index()].item.index()]
        .control
        .as_ref()
        .is_some_and(|c| c.regime == r)
}

/// For each stage, whether it can be built free of regime `r` (see the module doc).
pub fn regime_free(m: &Model, r: RegimeIx) -> Vec<bool> {
    let mut free = vec![false; m.stages().len()];
    for &s in m.topo_order() {
        free[s.index()] = !carries(m, s, r)
            && m.groups_of(s).all(|g| {
                m.sources_of(g)
                    .any(|k| free[m.sources()[k.index()].supplier.index()])
            });
    }
    free
}

/// What [`controls`] lists besides the always-computed flags and counts.
#[derive(Clone, Copy, Debug, Default)]
pub struct ControlOptions {
    /// Keep only the first this many controlled items per platform and regime in `via` (shortest paths first,
    /// then item id); `None` lists them all. `controlled_items` always counts them all. On a national-scale
    /// model a platform can contain thousands of controlled items; the search for paths stops as soon as the
    /// kept ones are known.
    pub top: Option<usize>,
}

/// Per-thread working memory of the path search, sized to the model and reset by touching only what was used.
struct Scratch {
    seen: Vec<bool>,
    parent: Vec<Option<StageIx>>,
    item_seen: Vec<bool>,
    order: Vec<StageIx>,
    /// Per regime, the first stage found making each controlled item, in breadth-first order.
    found: Vec<Vec<StageIx>>,
}

impl Scratch {
    fn new(m: &Model, regimes: usize) -> Self {
        Scratch {
            seen: vec![false; m.stages().len()],
            parent: vec![None; m.stages().len()],
            item_seen: vec![false; m.items().len()],
            order: Vec::new(),
            found: vec![Vec::new(); regimes],
        }
    }

    /// Breadth-first search from `p` over planned rows, level by level, recording for every regime the first
    /// stage reached making each item that carries it. Stops after a whole level once every regime has found
    /// `need[ri]` items: all items at that distance are then known, so the kept ones (shortest paths, then item
    /// id) are the same as with a full search.
    fn search(&mut self, m: &Model, p: StageIx, regimes: &[RegimeIx], need: &[usize]) {
        let note = |sc: &mut Scratch, s: StageIx| {
            let it = m.stages()[s.index()].item;
            if let Some(c) = &m.items()[it.index()].control {
                if let Some(ri) = regimes.iter().position(|&r| r == c.regime) {
                    if !sc.item_seen[it.index()] {
                        sc.item_seen[it.index()] = true;
                        sc.found[ri].push(s);
                    }
                }
            }
        };
        self.seen[p.index()] = true;
        self.order.push(p);
        note(self, p);
        let mut head = 0;
        while head < self.order.len() {
            if self.found.iter().zip(need).all(|(f, &n)| f.len() >= n) {
                break;
            }
            let level_end = self.order.len();
            while head < level_end {
                let s = self.order[head];
                head += 1;
                for g in m.groups_of(s) {
                    for k in m.sources_of(g) {
                        let src = &m.sources()[k.index()];
                        let sup = src.supplier;
                        if src.share > 0.0 && !self.seen[sup.index()] {
                            self.seen[sup.index()] = true;
                            self.parent[sup.index()] = Some(s);
                            self.order.push(sup);
                            note(self, sup);
                        }
                    }
                }
            }
        }
    }

    fn reset(&mut self, m: &Model) {
        for &s in &self.order {
            self.seen[s.index()] = false;
            self.parent[s.index()] = None;
        }
        for f in &mut self.found {
            for &s in f.iter() {
                self.item_seen[m.stages()[s.index()].item.index()] = false;
            }
            f.clear();
        }
        self.order.clear();
    }
}

/// Per platform (bit), how many distinct items carrying `r` it contains through planned rows.
fn item_counts(m: &Model, r: RegimeIx, reach: &Reach, platforms: usize) -> Vec<usize> {
    let w = reach.words();
    let mut items: Vec<u64> = vec![0; m.items().len() * w];
    for (s, st) in m.stages().iter().enumerate() {
        if m.items()[st.item.index()]
            .control
            .as_ref()
            .is_some_and(|c| c.regime == r)
        {
            let i = st.item.index();
            for (d, &b) in items[i * w..(i + 1) * w]
                .iter_mut()
                .zip(reach.of(StageIx::new(s)))
            {
                *d |= b;
            }
        }
    }
    let mut count = vec![0usize; platforms];
    for bits in items.chunks_exact(w) {
        for_each_bit(bits, |b| count[b] += 1);
    }
    count
}

/// The see-through of every platform in `platforms` for every regime in `regimes`, platform-major.
///
/// The controlled-item counts of every platform come from one reachability pass ([`crate::reach`]); the
/// shortest paths need one breadth-first search per controlled platform, run in parallel, which stops once the
/// items kept by `opts.top` (or, without a limit, all the platform's controlled items) have been found.
pub fn controls(
    m: &Model,
    platforms: &[StageIx],
    regimes: &[RegimeIx],
    opts: ControlOptions,
) -> Vec<PlatformControl> {
    let reach = Reach::new(m, platforms);
    let per_regime: Vec<PerRegime> = regimes
        .iter()
        .map(|&r| {
            let free = regime_free(m, r);
            PerRegime {
                r,
                hit: m.see_through(r),
                frontiers: Frontiers::new(m, r, &free, platforms),
                free,
                items: item_counts(m, r, &reach, platforms.len()),
            }
        })
        .collect();
    let idx: Vec<usize> = (0..platforms.len()).collect();
    // A few chunks per thread balance uneven closures while keeping the number of O(stages) buffers small.
    let chunk = idx.len().div_ceil(4 * rayon::current_num_threads()).max(1);
    idx.par_chunks(chunk)
        .flat_map_iter(|bs| {
            let mut sc = Scratch::new(m, regimes.len());
            let mut out = Vec::with_capacity(bs.len() * regimes.len());
            for &b in bs {
                let p = platforms[b];
                let need: Vec<usize> = per_regime
                    .iter()
                    .map(|reg| opts.top.map_or(reg.items[b], |t| t.min(reg.items[b])))
                    .collect();
                if need.iter().any(|&k| k > 0) {
                    sc.search(m, p, regimes, &need);
                }
                for (ri, reg) in per_regime.iter().enumerate() {
                    let mut c = platform_control(m, p, b, ri, reg, &sc, opts.top);
                    if let Some(t) = opts.top {
                        c.via.truncate(t);
                    }
                    out.push(c);
                }
                sc.reset(m);
            }
            out
        })
        .collect()
}

/// The frontier of every platform for one regime, from one walk for all platforms (see the module doc).
struct Frontiers {
    /// The platforms (bits) whose walk reaches each stage.
    walk: Reach,
    /// Every (stage, group) where the regime enters unavoidably for some platform, by stage id then item id.
    groups: Vec<(StageIx, keel_model::GroupIx)>,
    /// Per platform (bit), how many of `groups` it reaches.
    count: Vec<usize>,
}

impl Frontiers {
    fn new(m: &Model, r: RegimeIx, free: &[bool], platforms: &[StageIx]) -> Self {
        let item_carries = |g: keel_model::GroupIx| {
            m.items()[m.groups()[g.index()].item.index()]
                .control
                .as_ref()
                .is_some_and(|c| c.regime == r)
        };
        let blocked: Vec<bool> = (0..m.groups().len())
            .map(|g| {
                !m.sources_of(keel_model::GroupIx::new(g))
                    .any(|k| free[m.sources()[k.index()].supplier.index()])
            })
            .collect();
        let seeds = platforms
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, p)| !free[p.index()] && !carries(m, p, r));
        let walk = Reach::along(m, platforms.len(), seeds, |g, _| {
            blocked[g.index()] && !item_carries(g)
        });
        let mut groups: Vec<(StageIx, keel_model::GroupIx)> = (0..m.stages().len())
            .map(StageIx::new)
            .filter(|&s| walk.of(s).iter().any(|&w| w != 0))
            .flat_map(|s| m.groups_of(s).map(move |g| (s, g)))
            .filter(|&(_, g)| blocked[g.index()] && item_carries(g))
            .collect();
        let key = |&(s, g): &(StageIx, keel_model::GroupIx)| {
            (
                m.stages()[s.index()].id.as_str(),
                m.items()[m.groups()[g.index()].item.index()].id.as_str(),
            )
        };
        groups.sort_by(|a, b| key(a).cmp(&key(b)));
        let mut count = vec![0usize; platforms.len()];
        for &(s, _) in &groups {
            for_each_bit(walk.of(s), |b| count[b] += 1);
        }
        Frontiers {
            walk,
            groups,
            count,
        }
    }

    /// The first `top` frontier groups of platform `b` (all when `None`).
    fn of(&self, m: &Model, b: usize, top: Option<usize>) -> Vec<FrontierGroup> {
        self.groups
            .iter()
            .filter(|&&(s, _)| self.walk.has(s, b))
            .take(top.unwrap_or(usize::MAX))
            .map(|&(s, g)| FrontierGroup {
                stage: m.stages()[s.index()].id.clone(),
                item: m.items()[m.groups()[g.index()].item.index()].id.clone(),
            })
            .collect()
    }
}

/// What [`controls`] computes once per regime for all platforms.
struct PerRegime {
    r: RegimeIx,
    /// Controlled under the see-through rule, per stage.
    hit: Vec<bool>,
    /// Buildable free of the regime, per stage.
    free: Vec<bool>,
    frontiers: Frontiers,
    /// Distinct controlled items per platform (bit).
    items: Vec<usize>,
}

/// The see-through of platform `p` (bit `b`) for regime number `ri`, its paths from the search in `sc`.
fn platform_control(
    m: &Model,
    p: StageIx,
    b: usize,
    ri: usize,
    reg: &PerRegime,
    sc: &Scratch,
    top: Option<usize>,
) -> PlatformControl {
    let (r, hit, free, frontiers) = (reg.r, &reg.hit, &reg.free, &reg.frontiers);
    let id = |s: StageIx| m.stages()[s.index()].id.clone();
    let mut via: Vec<EmbeddedItem> = Vec::new();
    if hit[p.index()] {
        for &s in &sc.found[ri] {
            let it = m.stages()[s.index()].item;
            let mut path = vec![id(s)];
            let mut cur = s;
            while let Some(b) = sc.parent[cur.index()] {
                path.push(id(b));
                cur = b;
            }
            path.reverse();
            let item = &m.items()[it.index()];
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
                .any(|k| free[m.sources()[k.index()].supplier.index()])
        };
        blocked_inputs = m
            .groups_of(p)
            .filter(|&g| blocked(g))
            .map(|g| m.items()[m.groups()[g.index()].item.index()].id.clone())
            .collect();
        blocked_inputs.sort();
        frontier = frontiers.of(m, b, top);
    }
    PlatformControl {
        platform: id(p),
        stage: p,
        item: m.items()[m.stages()[p.index()].item.index()].id.clone(),
        regime: m.regimes()[r.index()].code.clone(),
        controlled: hit[p.index()],
        item_controlled,
        via,
        regime_free_possible: free[p.index()],
        blocked_inputs,
        frontier_groups: frontiers.count[b],
        controlled_items: reg.items[b],
        frontier,
    }
}

/// Convenience: the see-through of the platforms and regimes named like [`crate::resolve_platforms`] and
/// [`crate::resolve_regimes`] do (`None` = all).
pub fn controls_of(
    m: &Model,
    platform: Option<&str>,
    regime: Option<&str>,
    opts: ControlOptions,
) -> Result<Vec<PlatformControl>, SeeError> {
    let ps = crate::resolve_platforms(m, platform)?;
    let rs = crate::resolve_regimes(m, regime)?;
    Ok(controls(m, &ps, &rs, opts))
}
