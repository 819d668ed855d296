//! Look-through value exposure: where the value added embodied in one unit of a platform comes from.
//!
//! This is the firm-level form of the Leontief / OECD TiVA "origin of value added" calculation. For a demand
//! stage `P`, the *total requirement* `x` (units of every upstream stage's output needed per unit of `P`) solves
//!
//! ```text
//! x_P = 1
//! x_i = sum over input rows r = (j needs item(i) from supplier i) of  x_j * qty_r * share_r
//! ```
//!
//! i.e. `x = (I - A^T)^-1 e_P` with `A[j][i] = qty * share` (all tiers, all paths). The value added embodied
//! in one unit of `P` is `V = sum_i va_i x_i` (P's own value added included, since `x_P = 1`), and the exposure
//! of `P` to a group `g` of stages (a country, a bloc, a country of ultimate control, a firm) is
//!
//! ```text
//! share_g = sum_{i in g} va_i x_i / V        (0 when V = 0)
//! ```
//!
//! Because the input graph is acyclic, `x` is computed exactly by one sweep over `P`'s upstream closure in
//! reverse topological order (buyers before suppliers); no matrix is formed or inverted. Input rows with a
//! planned share of 0 carry no flow and are skipped.
//!
//! A stage counts toward *every* bloc its country belongs to, so bloc shares can sum to more than 1; stages
//! in countries with no bloc form a `(no bloc)` row.
//!
//! **Tiers.** A stage can be reached from `P` along paths of different lengths, so `x_i` mixes tiers. The tier
//! split assigns value to the tier at which it enters along each path: `x^(0) = e_P` and
//! `x_i^(d) = sum over rows (j, i) of x_j^(d-1) * qty * share`, so `x = sum_d x^(d)` and the value at tier `d`
//! is `sum_i va_i x_i^(d)` (tier 0 is `P`'s own value added, tier 1 its direct suppliers', ...).
//!
//! Three implementations: [`exposure`] takes the value, country, bloc and ultimate-control breakdowns from the
//! forward (cost-push) pass of [`crate::embodied`] (value embodied per unit of every stage, suppliers first;
//! the transpose of this calculation, so its cost does not depend on the number of platforms) and sweeps
//! requirement vectors only for the firm breakdown; [`exposure_backward`] computes every breakdown from the
//! requirement vectors, sweeping the whole graph once per block of 16 platforms; [`requirement`] sweeps one
//! platform's upstream closure (O(S_P + E_P) for the stages and rows upstream of `P`).
//!
//! # Complexity
//! [`exposure`]: O(stages + arcs x (2 x countries + platforms / 64)), plus, only when firms are asked for,
//! O(ceil(platforms / 16) x (stages + arcs + firms)) in parallel blocks (rayon).
//! [`requirements`]: O(S_P + E_P) per platform, in parallel. The tier split ([`crate::tiers`], one forward pass for
//! all platforms) costs O(stages + arcs x L) for the longest input chain L; it is computed only when asked.

use crate::layout::Layout;
use crate::SeeError;
use keel_model::{Model, StageIx};
use rayon::prelude::*;
use serde::Serialize;

/// The breakdowns [`exposure`] can report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// Country of the stage's site.
    Country,
    /// Each bloc the stage's country belongs to.
    Bloc,
    /// The firm running the stage.
    Firm,
    /// Country of ultimate control of that firm (`parent_country`).
    Parent,
    /// Distance in inputs from the platform (0 = the platform itself).
    Tier,
}

/// What to compute besides the always-cheap breakdowns.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExposureOptions {
    /// Also split value by tier (one extra forward pass, O(longest chain x arcs) for all platforms).
    pub tiers: bool,
    /// Keep only the largest this many firms per platform (`None`: all). On a large model every platform can
    /// reach tens of thousands of firms, and listing them all dominates time and memory. `Some(0)` skips the
    /// firm breakdown, and with it the per-platform requirement sweep, entirely.
    pub top_firms: Option<usize>,
}

/// The total requirement of one platform: `x[k]` units of `stages[k]`'s output per unit of the platform.
/// Only stages upstream of the platform through rows with a positive share are listed, sorted by index.
#[derive(Clone, Debug, Serialize)]
pub struct Requirement {
    pub platform: StageIx,
    pub stages: Vec<StageIx>,
    pub x: Vec<f64>,
}

/// One row of a breakdown: the value added per unit of the platform from a group, and its share of the total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    pub key: String,
    pub value: f64,
    pub share: f64,
}

/// Value entering at one tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierShare {
    pub tier: u32,
    pub value: f64,
    pub share: f64,
}

/// Where the value added embodied in one unit of a platform comes from.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformExposure {
    /// Stage id of the platform.
    pub platform: String,
    #[serde(skip)]
    pub stage: StageIx,
    /// Item id of the platform.
    pub item: String,
    /// Total value added embodied in one unit, `V = sum_i va_i x_i` (currency per unit).
    pub value_added: f64,
    /// Number of stages upstream of the platform (itself included) that carry flow.
    pub upstream_stages: usize,
    pub home_country: String,
    /// Sovereign share: value added in stages located in the home country.
    pub home_share: f64,
    /// Share of value added under home ultimate control (firms whose parent country is home).
    pub home_controlled_share: f64,
    /// By country of the stage's site, largest first.
    pub by_country: Vec<Share>,
    /// By bloc, largest first, then `(no bloc)`. A stage counts toward every bloc of its country, so these
    /// shares can sum to more than 1.
    pub by_bloc: Vec<Share>,
    /// By country of ultimate control (the firm's `parent_country`), largest first.
    pub by_parent: Vec<Share>,
    /// By firm, largest first (only the largest `top_firms` when that option is set).
    pub by_firm: Vec<Share>,
    /// By tier (0 = the platform), when asked for.
    pub by_tier: Option<Vec<TierShare>>,
}

/// The label of stages whose country belongs to no bloc.
pub const NO_BLOC: &str = "(no bloc)";

/// Per-chunk working memory, sized to the model, reset after each platform by touching only what was used.
struct Scratch {
    x: Vec<f64>,
    pending: Vec<u32>,
    seen: Vec<bool>,
    closure: Vec<StageIx>,
    stack: Vec<StageIx>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            x: vec![0.0; n],
            pending: vec![0; n],
            seen: vec![false; n],
            closure: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Fills `closure` with the stages upstream of `p` and `x` with their total requirement.
    fn sweep(&mut self, m: &Model, p: StageIx) {
        self.closure.clear();
        // Pass 1: the upstream closure, counting for each stage how many in-closure rows buy from it, so the
        // second pass can release a stage only once every buyer has pushed its requirement (Kahn's order
        // restricted to the closure; no global topological sweep, no sort).
        self.seen[p.index()] = true;
        self.stack.push(p);
        while let Some(s) = self.stack.pop() {
            self.closure.push(s);
            for g in m.groups_of(s) {
                for k in m.sources_of(g) {
                    let src = &m.sources()[k.index()];
                    if src.share <= 0.0 {
                        continue;
                    }
                    let sup = src.supplier.index();
                    self.pending[sup] += 1;
                    if !self.seen[sup] {
                        self.seen[sup] = true;
                        self.stack.push(src.supplier);
                    }
                }
            }
        }
        // Pass 2: push requirements from buyers to suppliers.
        self.x[p.index()] = 1.0;
        self.stack.push(p);
        while let Some(s) = self.stack.pop() {
            let xs = self.x[s.index()];
            for g in m.groups_of(s) {
                let f = xs * m.groups()[g.index()].qty;
                for k in m.sources_of(g) {
                    let src = &m.sources()[k.index()];
                    if src.share <= 0.0 {
                        continue;
                    }
                    let sup = src.supplier.index();
                    self.x[sup] += f * src.share;
                    self.pending[sup] -= 1;
                    if self.pending[sup] == 0 {
                        self.stack.push(src.supplier);
                    }
                }
            }
        }
    }

    fn reset(&mut self) {
        for &s in &self.closure {
            self.x[s.index()] = 0.0;
            self.seen[s.index()] = false;
            self.pending[s.index()] = 0;
        }
    }
}

/// Runs `f` on the swept requirement of every platform, in parallel, keeping the input order.
fn for_each_platform<T: Send>(
    m: &Model,
    platforms: &[StageIx],
    f: impl Fn(&Scratch, StageIx) -> T + Sync,
) -> Vec<T> {
    let n = m.stages().len();
    // A few chunks per thread balance uneven closures while keeping the number of O(stages) buffers small.
    let chunk = platforms
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(1);
    platforms
        .par_chunks(chunk)
        .flat_map_iter(|ps| {
            let mut sc = Scratch::new(n);
            ps.iter()
                .map(|&p| {
                    sc.sweep(m, p);
                    let out = f(&sc, p);
                    sc.reset();
                    out
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The total requirement of one stage: units of every upstream stage per unit of `p`.
pub fn requirement(m: &Model, p: StageIx) -> Requirement {
    requirements(m, &[p])
        .pop()
        .expect("one platform in, one out")
}

/// The total requirement of each of `platforms`, in parallel.
pub fn requirements(m: &Model, platforms: &[StageIx]) -> Vec<Requirement> {
    for_each_platform(m, platforms, |sc, p| {
        let mut stages = sc.closure.clone();
        stages.sort_unstable();
        let x = stages.iter().map(|s| sc.x[s.index()]).collect();
        Requirement {
            platform: p,
            stages,
            x,
        }
    })
}

/// Value added by tier for one platform: `out[d] = sum_i va_i x_i^(d)`, see the module doc.
pub fn tier_values(m: &Model, p: StageIx) -> Vec<f64> {
    let n = m.stages().len();
    let mut cur = vec![0.0f64; n];
    let mut next = vec![0.0f64; n];
    let mut cur_list = vec![p];
    let mut next_list: Vec<StageIx> = Vec::new();
    cur[p.index()] = 1.0;
    let mut out = Vec::new();
    // The graph is acyclic, so the frontier empties after at most (longest chain) layers.
    while !cur_list.is_empty() {
        let mut v = 0.0;
        for &s in &cur_list {
            let xs = cur[s.index()];
            v += m.stages()[s.index()].value_added * xs;
            for g in m.groups_of(s) {
                let f = xs * m.groups()[g.index()].qty;
                for k in m.sources_of(g) {
                    let src = &m.sources()[k.index()];
                    if src.share <= 0.0 {
                        continue;
                    }
                    let sup = src.supplier.index();
                    if next[sup] == 0.0 {
                        next_list.push(src.supplier);
                    }
                    next[sup] += f * src.share;
                }
            }
        }
        out.push(v);
        for &s in &cur_list {
            cur[s.index()] = 0.0;
        }
        // A supplier whose mass underflowed to exactly 0 could be listed twice; dedupe keeps sums exact.
        next_list.sort_unstable();
        next_list.dedup();
        next_list.retain(|s| next[s.index()] != 0.0);
        std::mem::swap(&mut cur, &mut next);
        std::mem::swap(&mut cur_list, &mut next_list);
        next_list.clear();
    }
    out
}

fn frac(v: f64, total: f64) -> f64 {
    if total == 0.0 {
        0.0
    } else {
        v / total
    }
}

/// Rows with non-zero value, largest share first, ties by key.
fn rows(pairs: impl Iterator<Item = (String, f64)>, total: f64) -> Vec<Share> {
    let mut out: Vec<Share> = pairs
        .filter(|(_, v)| *v != 0.0)
        .map(|(key, value)| Share {
            key,
            value,
            share: frac(value, total),
        })
        .collect();
    out.sort_by(|a, b| b.value.total_cmp(&a.value).then_with(|| a.key.cmp(&b.key)));
    out
}

/// Platforms swept together: one `[f64; LANES]` per stage is two 64-byte cache lines, and the inner update is a
/// fixed-width loop the compiler vectorises.
const LANES: usize = 16;

/// Look-through exposure of each platform (see the module doc). `platforms` usually comes from
/// [`crate::resolve_platforms`].
///
/// The value added, home shares and the country, bloc and ultimate-control breakdowns come from the forward
/// (cost-push) pass of [`crate::embodied`], whose cost does not depend on the number of platforms. Only the
/// firm breakdown needs each platform's requirement vector, so the backward block sweep of
/// [`exposure_backward`] runs only when firms are asked for: `top_firms: Some(0)` skips it and leaves
/// `by_firm` empty. The graph is laid out once by topological position and shared by both passes.
///
/// # Complexity
/// O(stages + arcs x (2 x countries + platforms / 64)) for the forward pass; with firms, plus
/// O(ceil(platforms / 16) x (stages + arcs + firms)) for the backward sweep (blocks in parallel).
pub fn exposure(m: &Model, platforms: &[StageIx], opts: ExposureOptions) -> Vec<PlatformExposure> {
    if platforms.is_empty() {
        return Vec::new();
    }
    let lay = Layout::new(m);
    let fwd = crate::embodied::embodied_in(m, &lay, platforms);
    let firms: Option<Vec<Vec<(usize, f64)>>> = (opts.top_firms != Some(0)).then(|| {
        platforms
            .par_chunks(LANES)
            .flat_map_iter(|block| {
                let sw = sweep_block(m, &lay, block, false);
                (0..block.len())
                    .map(|b| firm_values(m, &sw.firm, b, opts.top_firms))
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    let one = |(i, e): (usize, &crate::embodied::Embodied)| {
        let by_firm = firms
            .as_ref()
            .map_or_else(Vec::new, |f| firm_rows(m, f[i].iter().copied(), e.total));
        assemble(
            m,
            e.platform,
            e.total,
            e.upstream_stages,
            &e.by_country,
            &e.by_parent,
            by_firm,
        )
    };
    // Building the rows (strings, sorting) is independent per platform; worth threads only on a large graph.
    let mut out: Vec<PlatformExposure> = if lay.parallel {
        fwd.par_iter().enumerate().map(one).collect()
    } else {
        fwd.iter().enumerate().map(one).collect()
    };
    add_tiers(m, &mut out, opts);
    out
}

/// The same result as [`exposure`], every breakdown from the backward formulation: platforms in blocks of
/// `LANES`, one sweep over the whole input graph in reverse topological order carrying the block's requirement
/// vectors at once (`x[s]` is an array with one lane per platform), then one pass over the stages summing the
/// breakdowns. Blocks run in parallel. Kept as the independent reference the tests check [`exposure`] against.
///
/// # Complexity
/// O(stages + arcs) to lay out the graph, then O(ceil(platforms / 16) x (stages + arcs + firms)) time and
/// O(16 x (stages + firms)) memory per block in flight, plus O(F log F) per platform to rank its F firms.
pub fn exposure_backward(
    m: &Model,
    platforms: &[StageIx],
    opts: ExposureOptions,
) -> Vec<PlatformExposure> {
    let lay = Layout::new(m);
    let mut out: Vec<PlatformExposure> = platforms
        .par_chunks(LANES)
        .flat_map_iter(|block| {
            let sw = sweep_block(m, &lay, block, true);
            block
                .iter()
                .enumerate()
                .map(|(b, &p)| {
                    let country: Vec<f64> = sw.country.iter().map(|v| v[b]).collect();
                    let parent: Vec<f64> = sw.parent.iter().map(|v| v[b]).collect();
                    let fv = firm_values(m, &sw.firm, b, opts.top_firms);
                    let by_firm = firm_rows(m, fv.into_iter(), sw.total[b]);
                    assemble(
                        m,
                        p,
                        sw.total[b],
                        sw.upstream[b],
                        &country,
                        &parent,
                        by_firm,
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    add_tiers(m, &mut out, opts);
    out
}

fn add_tiers(m: &Model, out: &mut [PlatformExposure], opts: ExposureOptions) {
    if opts.tiers {
        let tiers = crate::tiers::Tiers::new(m);
        for e in out.iter_mut() {
            e.by_tier = Some(
                tiers
                    .of(e.stage)
                    .iter()
                    .enumerate()
                    .map(|(d, &value)| TierShare {
                        tier: d as u32,
                        value,
                        share: frac(value, e.value_added),
                    })
                    .collect(),
            );
        }
    }
}

/// One platform's result from its value by country and by country of ultimate control (indexed by country).
fn assemble(
    m: &Model,
    p: StageIx,
    total: f64,
    upstream: usize,
    country: &[f64],
    parent: &[f64],
    by_firm: Vec<Share>,
) -> PlatformExposure {
    // Blocs follow from countries: a country's value counts toward each of its blocs.
    let mut bloc = vec![0.0; m.blocs().len()];
    let mut no_bloc = 0.0;
    for (c, v) in country.iter().enumerate() {
        let blocs = &m.countries()[c].blocs;
        if blocs.is_empty() {
            no_bloc += v;
        }
        for bl in blocs {
            bloc[bl.index()] += v;
        }
    }
    let home = m.meta().home_country.index();
    let code = |i: usize| m.countries()[i].code.clone();
    let mut by_bloc = rows(
        bloc.iter()
            .enumerate()
            .map(|(i, &v)| (m.blocs()[i].clone(), v)),
        total,
    );
    by_bloc.extend(rows(std::iter::once((NO_BLOC.to_string(), no_bloc)), total));
    PlatformExposure {
        platform: m.stages()[p.index()].id.clone(),
        stage: p,
        item: m.items()[m.stages()[p.index()].item.index()].id.clone(),
        value_added: total,
        upstream_stages: upstream,
        home_country: code(home),
        home_share: frac(country[home], total),
        home_controlled_share: frac(parent[home], total),
        by_country: rows(
            country.iter().enumerate().map(|(i, &v)| (code(i), v)),
            total,
        ),
        by_bloc,
        by_parent: rows(parent.iter().enumerate().map(|(i, &v)| (code(i), v)), total),
        by_firm,
        by_tier: None,
    }
}

type Lanes = [f64; LANES];
const ZERO: Lanes = [0.0; LANES];

#[inline]
fn add(acc: &mut Lanes, v: &Lanes) {
    for b in 0..LANES {
        acc[b] += v[b];
    }
}

/// The per-lane sums of one block's backward sweep.
struct BlockSums {
    total: Lanes,
    upstream: [usize; LANES],
    country: Vec<Lanes>,
    parent: Vec<Lanes>,
    firm: Vec<Lanes>,
}

/// Sweeps one block of platforms backward and sums value by firm (and, if `groups`, by country and parent).
fn sweep_block(m: &Model, lay: &Layout, block: &[StageIx], groups: bool) -> BlockSums {
    let n = lay.len();
    let mut x: Vec<Lanes> = vec![ZERO; n];
    for (b, p) in block.iter().enumerate() {
        x[lay.pos_of[p.index()] as usize][b] = 1.0;
    }
    // Positions in decreasing order are buyers before suppliers: when a position is reached every buyer has
    // pushed into it.
    for t in (0..n).rev() {
        let xs = x[t];
        if xs == ZERO {
            continue;
        }
        let rows = lay.rows(t);
        for (&to, &w) in lay.row_to[rows.clone()].iter().zip(&lay.row_w[rows]) {
            let acc = &mut x[to as usize];
            for b in 0..LANES {
                acc[b] += xs[b] * w;
            }
        }
    }
    let nc = if groups { m.countries().len() } else { 0 };
    let mut s = BlockSums {
        total: ZERO,
        upstream: [0; LANES],
        country: vec![ZERO; nc],
        parent: vec![ZERO; nc],
        firm: vec![ZERO; m.firms().len()],
    };
    for (t, xs) in x.iter().enumerate().rev() {
        if *xs == ZERO {
            continue;
        }
        let va = lay.va[t];
        let mut v = ZERO;
        for b in 0..LANES {
            v[b] = va * xs[b];
            s.upstream[b] += usize::from(xs[b] > 0.0);
        }
        add(&mut s.firm[lay.firm[t] as usize], &v);
        if groups {
            add(&mut s.total, &v);
            add(&mut s.country[lay.country[t] as usize], &v);
            add(&mut s.parent[lay.parent[t] as usize], &v);
        }
    }
    s
}

/// The firms of lane `b` with non-zero value, the largest `limit` of them (any order).
fn firm_values(m: &Model, firm: &[Lanes], b: usize, limit: Option<usize>) -> Vec<(usize, f64)> {
    let mut fv: Vec<(usize, f64)> = firm
        .iter()
        .enumerate()
        .filter(|(_, v)| v[b] != 0.0)
        .map(|(f, v)| (f, v[b]))
        .collect();
    let by_value = |a: &(usize, f64), c: &(usize, f64)| {
        c.1.total_cmp(&a.1)
            .then_with(|| m.firms()[a.0].id.cmp(&m.firms()[c.0].id))
    };
    if let Some(k) = limit {
        if k < fv.len() {
            if k > 0 {
                fv.select_nth_unstable_by(k - 1, by_value);
            }
            fv.truncate(k);
        }
    }
    fv
}

/// Firm rows, largest first; ids are cloned only for the firms kept.
fn firm_rows(m: &Model, fv: impl Iterator<Item = (usize, f64)>, total: f64) -> Vec<Share> {
    rows(fv.map(|(f, v)| (m.firms()[f].id.clone(), v)), total)
}

/// Convenience: exposure of the platforms named like [`crate::resolve_platforms`] does.
pub fn exposure_of(
    m: &Model,
    platform: Option<&str>,
    opts: ExposureOptions,
) -> Result<Vec<PlatformExposure>, SeeError> {
    let ps = crate::resolve_platforms(m, platform)?;
    Ok(exposure(m, &ps, opts))
}
