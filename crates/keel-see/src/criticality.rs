//! Single points of failure (SPOFs) of each platform.
//!
//! A stage is *buildable* when it survives and each of its input items (groups, AND) has at least one surviving
//! source (OR) whose lane (if any) survives and whose supplier is itself buildable. Sources with a planned share
//! of 0 count as alternatives: the supplier exists and is qualified, only not planned to be used. An element (a
//! stage, site, firm, country, bloc, lane or chokepoint) is a SPOF of platform `P` when removing it alone makes
//! `P` unbuildable. Removing a site, firm, country or bloc removes every stage located there (the same reach as a
//! scenario target, [`Model::target_stages`]); removing a chokepoint closes every lane through it.
//!
//! # Formula
//!
//! Write `own(s)` for the elements whose removal removes stage `s` itself (`s`, its site, its site's firm and
//! country, that country's blocs) and `via(k)` for the elements that close source `k` (its lane and the lane's
//! chokepoints). In topological order, with every set kept sorted:
//!
//! ```text
//! crit(g) = ⋂_{k ∈ sources(g)} ( crit(supplier_k) ∪ via(k) )
//! crit(s) = own(s) ∪ ⋃_{g ∈ groups(s)} crit(g)
//! ```
//!
//! Exactness for one removal, by induction in topological order: `e` kills `s` iff `e ∈ own(s)` or some group of
//! `s` has every source killed by `e`, and `e` kills source `k` iff `e ∈ via(k)` or `e` kills `supplier_k`. That is
//! exactly membership in the sets above. (It is the AND/OR analogue of dominators: at an OR node only what all
//! alternatives share survives, at an AND node everything any input needs is added.) A stage that is not
//! buildable even before any removal is marked dead; it contributes nothing to the intersections, and a dead
//! platform reports no SPOFs (`buildable == false`).
//!
//! The sets can be restricted to the requested kinds of element before propagating, since restriction commutes
//! with union and intersection. Pairs of elements are in [`spof_pairs`].
//!
//! # Complexity
//!
//! One pass over the stages upstream of some platform: O(Σ_arcs |crit(supplier)| + Σ_stages |crit(s)| log) time.
//! Each set is at most the number of stages upstream of its stage (plus their sites, firms, ... and lanes), so the
//! worst case is O(arcs · U) time with U the largest upstream closure; on models with short supply chains or
//! plenty of alternatives the sets stay small (they hold only what *every* route needs). Memory: a supplier's set
//! is dropped as soon as its last buyer has been computed (platforms keep theirs), sets are shared (`Rc`) when a
//! group has a single lane-less source, so the peak is the sum of the sets on the topological "frontier", at worst
//! O(stages · U). Restricting the kinds (e.g. `--kind country`) shrinks every set accordingly.

#[path = "criticality_pairs.rs"]
mod pairs;

pub use pairs::{spof_pairs, CriticalityError, PlatformPairs, DEFAULT_PAIR_WORK};

use keel_model::{
    BlocIx, ChokeIx, CountryIx, ElementKind, FirmIx, LaneIx, Model, SiteIx, SourceIx, StageIx,
    Target,
};
use serde::Serialize;
use std::rc::Rc;

/// The kinds of element whose loss is tested, in the order of [`ElementKind::ALL`] (of which they are the first
/// seven, so a kind's position here is its discriminant). Regimes and items are not elements one can lose in the
/// buildability sense and are ignored when asked for.
pub const KINDS: [ElementKind; 7] = [
    ElementKind::Stage,
    ElementKind::Site,
    ElementKind::Firm,
    ElementKind::Country,
    ElementKind::Bloc,
    ElementKind::Lane,
    ElementKind::Chokepoint,
];

/// The bit of `k` in [`Space`]'s mask.
fn bit(k: ElementKind) -> u16 {
    1 << (k as u16)
}

/// The SPOFs of one platform (a demand stage).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlatformSpofs {
    pub stage: StageIx,
    /// Whether the platform can be built with nothing removed. If not, `spofs` is empty.
    pub buildable: bool,
    /// Every element of the requested kinds whose loss alone stops the platform, ordered by kind (as in
    /// [`KINDS`]) and then by index.
    pub spofs: Vec<Target>,
}

/// The single points of failure of every platform (in `demand.csv` order), for the elements of `kinds` (kinds
/// outside [`KINDS`] are ignored).
///
/// See the module documentation for the definition and the formula.
pub fn single_points_of_failure(model: &Model, kinds: &[ElementKind]) -> Vec<PlatformSpofs> {
    let space = Space::new(model, kinds);
    let upstream = upstream_of_platforms(model);
    let crit = propagate(model, &space, &upstream, true);
    model
        .demand_stages()
        .map(|p| {
            let set = crit.sets[p.index()].as_ref();
            PlatformSpofs {
                stage: p,
                buildable: set.is_some(),
                spofs: set
                    .map(|s| s.iter().map(|&e| space.target(e)).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// For each stage, whether it is buildable when the stages marked in `dead_stages` and the lanes marked in
/// `dead_lanes` are removed. This is the plain feasibility pass of the definition, O(stages + arcs).
pub fn buildable(model: &Model, dead_stages: &[bool], dead_lanes: &[bool]) -> Vec<bool> {
    let mut ok = vec![false; model.stages().len()];
    for &s in model.topo_order() {
        ok[s.index()] = !dead_stages[s.index()]
            && model.groups_of(s).all(|g| {
                model.sources_of(g).any(|k| {
                    let src = &model.sources()[k.index()];
                    ok[src.supplier.index()] && src.lane.is_none_or(|l| !dead_lanes[l.index()])
                })
            });
    }
    ok
}

/// One index space for all kinds of element: stages first, then sites, firms, countries, blocs, lanes,
/// chokepoints, so that sorting ids sorts by kind and then by index.
#[derive(Debug)]
pub(crate) struct Space {
    off: [u32; 8],
    mask: u16,
}

impl Space {
    pub(crate) fn new(model: &Model, kinds: &[ElementKind]) -> Self {
        let lens = [
            model.stages().len(),
            model.sites().len(),
            model.firms().len(),
            model.countries().len(),
            model.blocs().len(),
            model.lanes().len(),
            model.chokepoints().len(),
        ];
        let mut off = [0u32; 8];
        for (i, n) in lens.iter().enumerate() {
            // The loader keeps every table within u32 indices; the sum of seven of them may not, so saturate
            // rather than wrap (ids past u32::MAX cannot occur for any element that exists).
            off[i + 1] = off[i].saturating_add(u32::try_from(*n).unwrap_or(u32::MAX));
        }
        Space {
            off,
            mask: kinds
                .iter()
                .filter(|k| KINDS.contains(k))
                .fold(0, |m, &k| m | bit(k)),
        }
    }

    #[inline]
    pub(crate) fn wants(&self, k: ElementKind) -> bool {
        self.mask & bit(k) != 0
    }

    #[inline]
    pub(crate) fn id(&self, k: ElementKind, ix: u32) -> u32 {
        self.off[k as usize] + ix
    }

    pub(crate) fn target(&self, id: u32) -> Target {
        // One constructor per kind, in the order of KINDS (and of the offsets).
        const MAKE: [fn(u32) -> Target; 7] = [
            |i| Target::Stage(StageIx(i)),
            |i| Target::Site(SiteIx(i)),
            |i| Target::Firm(FirmIx(i)),
            |i| Target::Country(CountryIx(i)),
            |i| Target::Bloc(BlocIx(i)),
            |i| Target::Lane(LaneIx(i)),
            |i| Target::Chokepoint(ChokeIx(i)),
        ];
        let k = self.off[1..].iter().position(|&o| id < o).unwrap_or(6);
        MAKE[k](id - self.off[k])
    }

    /// `own(s)` restricted to the requested kinds, sorted (appended to `out`).
    pub(crate) fn own(&self, model: &Model, s: StageIx, out: &mut Vec<u32>) {
        let site = model.stages()[s.index()].site;
        let country = model.stage_country(s);
        if self.wants(ElementKind::Stage) {
            out.push(self.id(ElementKind::Stage, s.0));
        }
        if self.wants(ElementKind::Site) {
            out.push(self.id(ElementKind::Site, site.0));
        }
        if self.wants(ElementKind::Firm) {
            out.push(self.id(ElementKind::Firm, model.stage_firm(s).0));
        }
        if self.wants(ElementKind::Country) {
            out.push(self.id(ElementKind::Country, country.0));
        }
        if self.wants(ElementKind::Bloc) {
            let start = out.len();
            out.extend(
                model.countries()[country.index()]
                    .blocs
                    .iter()
                    .map(|b| self.id(ElementKind::Bloc, b.0)),
            );
            out[start..].sort_unstable();
        }
    }

    /// `via(k)` restricted to the requested kinds, sorted and deduplicated (appended to `out`).
    pub(crate) fn via(&self, model: &Model, k: SourceIx, out: &mut Vec<u32>) {
        let Some(l) = model.sources()[k.index()].lane else {
            return;
        };
        if self.wants(ElementKind::Lane) {
            out.push(self.id(ElementKind::Lane, l.0));
        }
        if self.wants(ElementKind::Chokepoint) {
            let start = out.len();
            out.extend(
                model.lanes()[l.index()]
                    .chokepoints
                    .iter()
                    .map(|c| self.id(ElementKind::Chokepoint, c.0)),
            );
            out[start..].sort_unstable();
            let mut w = start;
            for r in start..out.len() {
                if w == start || out[r] != out[w - 1] {
                    out[w] = out[r];
                    w += 1;
                }
            }
            out.truncate(w);
        }
    }
}

/// For each stage, whether some platform (transitively) uses it, the platforms included.
pub(crate) fn upstream_of_platforms(model: &Model) -> Vec<bool> {
    let mut up = vec![false; model.stages().len()];
    let mut stack: Vec<StageIx> = Vec::new();
    for p in model.demand_stages() {
        if !up[p.index()] {
            up[p.index()] = true;
            stack.push(p);
        }
    }
    while let Some(s) = stack.pop() {
        for g in model.groups_of(s) {
            for k in model.sources_of(g) {
                let sup = model.sources()[k.index()].supplier;
                if !up[sup.index()] {
                    up[sup.index()] = true;
                    stack.push(sup);
                }
            }
        }
    }
    up
}

/// A critical set; `None` marks a stage that is not buildable.
pub(crate) type Set = Option<Rc<[u32]>>;

pub(crate) struct Crit {
    pub(crate) sets: Vec<Set>,
}

/// The base pass: `crit(s)` for every stage flagged in `relevant`. With `drop_spent`, a non-platform stage's set
/// is released once its last relevant buyer has been computed (its entry is then `None`, which callers must not
/// read: only platforms are read afterwards).
pub(crate) fn propagate(model: &Model, space: &Space, relevant: &[bool], drop_spent: bool) -> Crit {
    let n = model.stages().len();
    let mut sets: Vec<Set> = vec![None; n];
    let mut pending: Vec<u32> = Vec::new();
    let mut keep = vec![false; n];
    if drop_spent {
        pending = (0..n)
            .map(|s| {
                model
                    .buyers_of(StageIx::new(s))
                    .iter()
                    .filter(|&&k| relevant[model.buyer(k).index()])
                    .count() as u32
            })
            .collect();
        for p in model.demand_stages() {
            keep[p.index()] = true;
        }
    }
    let mut scratch = Scratch::default();
    for &s in model.topo_order() {
        if !relevant[s.index()] {
            continue;
        }
        let set = stage_set(model, space, s, None, &mut scratch, |sup| {
            sets[sup.index()].clone()
        });
        sets[s.index()] = set;
        if drop_spent {
            for g in model.groups_of(s) {
                for k in model.sources_of(g) {
                    let sup = model.sources()[k.index()].supplier.index();
                    pending[sup] -= 1;
                    if pending[sup] == 0 && !keep[sup] {
                        sets[sup] = None;
                    }
                }
            }
        }
    }
    Crit { sets }
}

#[derive(Default)]
pub(crate) struct Scratch {
    acc: Vec<u32>,
    via: Vec<u32>,
    group: Vec<u32>,
    tmp: Vec<u32>,
}

/// `crit(s)` from its suppliers' sets (`get` returns `None` for a dead supplier). `removed` is an element that
/// is taken out of the model (for pair search): a stage owning it is dead, a source it closes is dead.
pub(crate) fn stage_set(
    model: &Model,
    space: &Space,
    s: StageIx,
    removed: Option<u32>,
    sc: &mut Scratch,
    get: impl Fn(StageIx) -> Set,
) -> Set {
    sc.acc.clear();
    space.own(model, s, &mut sc.acc);
    if removed.is_some_and(|r| sc.acc.contains(&r)) {
        return None;
    }
    let mut single: Option<Rc<[u32]>> = None;
    for g in model.groups_of(s) {
        // `None` until the first live source: the intersection over no sources is everything.
        let mut cur: Option<Rc<[u32]>> = None;
        for k in model.sources_of(g) {
            sc.via.clear();
            space.via(model, k, &mut sc.via);
            if removed.is_some_and(|r| sc.via.contains(&r)) {
                continue;
            }
            let Some(sup) = get(model.sources()[k.index()].supplier) else {
                continue;
            };
            match &cur {
                None => {
                    if sc.via.is_empty() {
                        cur = Some(sup);
                    } else {
                        union_into(&sup, &sc.via, &mut sc.group);
                        cur = Some(Rc::from(&sc.group[..]));
                    }
                }
                Some(c) => {
                    if c.is_empty() || Rc::ptr_eq(c, &sup) && sc.via.is_empty() {
                        continue;
                    }
                    // c ∩ (sup ∪ via) = (c ∩ sup) ∪ (c ∩ via)
                    intersect_into(c, &sup, &mut sc.tmp);
                    intersect_into(c, &sc.via, &mut sc.group);
                    if !sc.group.is_empty() {
                        let a = std::mem::take(&mut sc.tmp);
                        union_into(&a, &sc.group, &mut sc.tmp);
                        sc.group = a;
                    }
                    if sc.tmp.len() != c.len() {
                        cur = Some(Rc::from(&sc.tmp[..]));
                    }
                }
            }
        }
        // No live source: the group, and so the stage, cannot be built.
        let c = cur?;
        if !c.is_empty() {
            sc.acc.extend_from_slice(&c);
            single = Some(c);
        }
    }
    sc.acc.sort_unstable();
    sc.acc.dedup();
    // Reuse a group's set when it already is the whole union (saves memory on long single-source chains of
    // kinds that stages do not own, e.g. chokepoints).
    if let Some(c) = single {
        if c.len() == sc.acc.len() {
            return Some(c);
        }
    }
    Some(Rc::from(&sc.acc[..]))
}

fn intersect_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.len() * 16 < large.len() {
        // Much smaller side: binary search each element instead of a linear merge.
        let mut rest = large;
        for &x in small {
            match rest.binary_search(&x) {
                Ok(i) => {
                    out.push(x);
                    rest = &rest[i + 1..];
                }
                Err(i) => rest = &rest[i..],
            }
        }
        return;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
}

fn union_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}
