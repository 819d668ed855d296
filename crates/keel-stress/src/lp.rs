//! Performance impact (PI) and time to survive (TTS) of a disruption, by linear programming.
//!
//! Source: D. Simchi-Levi, W. Schmidt, Y. Wei, P. Y. Zhang et al., "Identifying risks and mitigating disruptions
//! in the automotive supply chain", *Interfaces* 45(5):375-390, 2015; D. Simchi-Levi, W. Schmidt, Y. Wei, "From
//! superstorms to factory fires", *Harvard Business Review*, Jan-Feb 2014.
//!
//! Over a disruption of length `t`, with `u_j` units made by stage `j`, `y_a` units shipped over supplier
//! option (source) `a = (i -> j, item k)`, and `l_j` units of end demand lost:
//!
//! ```text
//! PI(t) = min  sum_j f_j l_j
//!   qty_jk u_j - sum_{a in group (j,k)} y_a            <= 0             every stage j, input item k
//!   sum_{a: supplier i} y_a + d_i t - l_i - u_i        <= s_i           every stage i
//!   u_j <= cap_j t,  u_j = 0 if fully disrupted,  y_a <= lane_a t,  l_j <= d_j t,  all >= 0
//! TTS = max t  with the same rows, l = 0, t in [0, horizon]  (capacities scale with the variable t)
//! ```
//!
//! The balance row merges the paper's supply row (`sum y - u <= s`) and demand row (`l + u + s >= d t`): a stage
//! that both has end demand and supplies other stages shares one stock between the two, which the paper (where
//! platforms supply nobody) never needs. Lead and transit times do not enter, as in the paper.
//!
//! PI is reported as the loss *above the undisrupted network's own loss over the same `t`*, so a network that
//! already falls short does not charge its shortfall to every scenario.
//!
//! **Decomposition (exact).** Platforms are coupled when their upstream closures share a stage; the coupled
//! classes ("components") split the LP into independent blocks. A disruption changes only the blocks it
//! touches, so only those are solved: PI is the sum over touched blocks, TTS the minimum over touched blocks
//! (the network TTS restricted to platforms coupled to the disruption; untouched blocks keep their baseline).
//! A disruption that reaches no platform costs no LP.
//!
//! # Complexity
//! Setup: O(stages + arcs) for planned rates and components, plus one TTS LP per component. Per disruption:
//! O(stages + arcs of the touched components) to build and one or two LP solves (HiGHS dual simplex, polynomial
//! in practice), plus one LP on a platform's upstream closure per hit platform when per-platform TTS is asked.
//! [`WarmLp`] builds each component's two LPs once per thread; then a disruption costs O(elements it stops) bound
//! changes, O(rows + columns) to restore the undisrupted basis, and the solves.

use crate::basis::Basis;
use crate::local::LocalWork;
use highs::{Col, ColProblem, HighsModelStatus, Row, RowProblem, Sense};
use keel_model::{LaneIx, Model, Scenario, SourceIx, StageIx, Target};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

const NONE: u32 = u32::MAX;
/// Relative tolerance for "TTS reached the horizon" and "loss is zero".
const EPS: f64 = 1e-9;

/// Errors from the stress LP.
#[derive(Debug, thiserror::Error)]
pub enum StressError {
    #[error("the LP solver returned {status} for {what}")]
    Solver { what: String, status: String },
    #[error("invalid stress option: {0}")]
    Option(String),
}

/// What a scenario does: stages and lanes running at a fraction (`capacity_factor`, 0 = closed) of normal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disruption {
    pub stages: Vec<(StageIx, f64)>,
    pub lanes: Vec<(LaneIx, f64)>,
}

impl Disruption {
    /// Every stage and lane that `target` reaches (see `Model::target_stages`, `Model::target_lanes`).
    pub fn from_target(model: &Model, target: Target, capacity_factor: f64) -> Self {
        let mut d = Disruption {
            stages: model
                .target_stages(target)
                .into_iter()
                .map(|s| (s, capacity_factor))
                .collect(),
            lanes: model
                .target_lanes(target)
                .into_iter()
                .map(|l| (l, capacity_factor))
                .collect(),
        };
        d.normalise();
        d
    }

    /// All events of a scenario taken as simultaneous (the LP is static: `start` is ignored).
    pub fn from_scenario(model: &Model, sc: &Scenario) -> Self {
        let mut d = Disruption::default();
        for e in &sc.events {
            let one = Disruption::from_target(model, e.target, e.capacity_factor);
            d.stages.extend(one.stages);
            d.lanes.extend(one.lanes);
        }
        d.normalise();
        d
    }

    /// Sorts, clamps factors to [0, 1] and keeps the lowest factor of an element named twice.
    pub fn normalise(&mut self) {
        fn norm<T: Ord + Copy>(v: &mut Vec<(T, f64)>) {
            for x in v.iter_mut() {
                x.1 = if x.1.is_finite() {
                    x.1.clamp(0.0, 1.0)
                } else {
                    0.0
                };
            }
            v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            v.dedup_by_key(|x| x.0);
            v.retain(|x| x.1 < 1.0);
        }
        norm(&mut self.stages);
        norm(&mut self.lanes);
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty() && self.lanes.is_empty()
    }
}

/// A time to survive. `at_least` means the horizon bound: the network survives at least `value`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Tts {
    pub value: f64,
    pub at_least: bool,
}

impl std::fmt::Display for Tts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at_least {
            write!(f, ">={}", crate::fmt_num(self.value))
        } else {
            write!(f, "{}", crate::fmt_num(self.value))
        }
    }
}

/// The effect of one disruption.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Impact {
    /// Extra loss over the disruption's duration compared with the undisrupted network.
    pub pi: f64,
    /// Longest time all demand of the platforms coupled to the disruption can still be met.
    pub tts: Tts,
    /// Platforms (demand stages) downstream of a disrupted stage or lane, in `demand.csv` order.
    pub platforms_hit: Vec<StageIx>,
    /// Per hit platform: longest time its own demand can be met if it has first call on its whole upstream
    /// network (other platforms' demand dropped). Empty unless asked for.
    pub platform_tts: Vec<(StageIx, Tts)>,
}

/// The stress LP of one model: planned rates, the coupling components and their baselines, ready to solve
/// any number of disruptions (from any number of threads).
#[derive(Debug)]
pub struct StressLp<'m> {
    model: &'m Model,
    horizon: f64,
    /// Share of each source in its group, normalised to sum to 1.
    pub(crate) share: Vec<f64>,
    /// Planned throughput per time unit of each stage (demand pushed down the planned shares).
    pub(crate) rate: Vec<f64>,
    /// Component of each stage; `NONE` for stages that feed no platform.
    pub(crate) comp: Vec<u32>,
    /// Per component: the planned rates fit every capacity, so the undisrupted LP needs no solve and
    /// disruptions are solved on the region they change ([`crate::local`]).
    pub(crate) plan_fits: Vec<bool>,
    /// Per stage: an upper bound on the loss one more unit of its output per time unit can avert (max of its
    /// own loss per unit and, over its buyers, theirs divided by the quantity they use): a shortfall of its
    /// balance row priced above this is never worth it (exact penalty), see [`crate::local`].
    pub(crate) penalty: Vec<f64>,
    /// Starting point of [`crate::local`]: production per stage and shipment per source, a feasible
    /// undisrupted plan that meets all demand and keeps spare output (reserve) at stages that have capacity.
    pub(crate) x0_u: Vec<f64>,
    pub(crate) x0_y: Vec<f64>,
    /// Per stage: what its buyers in its component draw from it at `x0` (summed once: a region's balance
    /// rows and the certificate need it for every stage they touch, and raw-material stages have thousands of
    /// buyers).
    pub(crate) x0_drawn: Vec<f64>,
    /// Per stage: `x0_drawn - x0_u`, the activity of its balance row at `x0` (summed from `-x0_u` in buyer
    /// order, as the restricted LP always has, so its right-hand sides keep every digit).
    pub(crate) x0_net: Vec<f64>,
    comp_stages: Vec<Vec<StageIx>>,
    /// Position of each stage within its component's LP.
    local: Vec<u32>,
    /// Network TTS of each undisrupted component (capped at the horizon).
    baseline_tts: Vec<f64>,
    /// Loss of an undisrupted component over `t`, for `t` beyond its baseline TTS (key: component, t bits).
    baseline_loss: Mutex<BTreeMap<(u32, u64), f64>>,
    /// Sources shipped over each lane.
    lane_sources: Vec<Vec<SourceIx>>,
    /// Undisrupted optimal basis of each component's reusable loss (`true`) and survive LP, shared by every
    /// [`WarmLp`] so that only the first one solves it from scratch, and every one starts from the same basis.
    warm_bases: Mutex<BTreeMap<(u32, bool), Option<Basis>>>,
    /// Tests only: the region solver declines every scenario whose first disrupted stage's index is a multiple
    /// of this, so that the whole-component fallback runs inside region sweeps; and how often it did.
    #[cfg(test)]
    pub(crate) decline_every: Option<usize>,
    #[cfg(test)]
    pub(crate) declined: std::sync::atomic::AtomicUsize,
}

/// Dual feasibility tolerance of every TTS LP. HiGHS's default, 1e-7 (absolute), let reduced costs that small
/// stop the simplex with `τ` above its optimum when flows reach 10^6 a day and stocks 2·10^7 units: on the
/// 17,000-stage network TTS came out up to 1.3e-3 short (docs/methods/stress-lp.md, "Third session of
/// 2026-12-02"). At 1e-9 the values checked against loss LPs at fixed `t` agree to 1e-8.
pub(crate) const TTS_DUAL_TOL: f64 = 1e-9;

/// What the LP optimises.
#[derive(Clone, Copy)]
enum Goal {
    /// Minimise loss over a fixed duration.
    Loss(f64),
    /// Maximise t with demand met: of every platform in scope, or of one platform only.
    Survive(Option<StageIx>),
}

impl<'m> StressLp<'m> {
    /// Prepares the LP of `model`. `horizon` caps TTS (time units, > 0).
    pub fn new(model: &'m Model, horizon: f64) -> Result<Self, StressError> {
        if !(horizon.is_finite() && horizon > 0.0) {
            return Err(StressError::Option(format!(
                "horizon must be a positive number, got {horizon}"
            )));
        }
        let n = model.stages.len();
        // Reverse topological order visits buyers before their suppliers.
        // Shares as fractions of their group's total: the model accepts sums within 1e-6 of 1, and a plan that
        // pushes demand by unnormalised shares would miss its own group rows by that much.
        let mut share: Vec<f64> = model.sources.iter().map(|src| src.share).collect();
        for g in 0..model.groups.len() {
            let g = keel_model::GroupIx::new(g);
            let total: f64 = model.sources_of(g).map(|a| share[a.index()]).sum();
            if total > 0.0 {
                for a in model.sources_of(g) {
                    share[a.index()] /= total;
                }
            }
        }
        let mut rate = vec![0.0; n];
        for d in &model.demands {
            rate[d.stage.index()] += d.demand;
        }
        for &s in model.topo_order().iter().rev() {
            let r = rate[s.index()];
            if r == 0.0 {
                continue;
            }
            for g in model.groups_of(s) {
                let qty = model.groups[g.index()].qty;
                for a in model.sources_of(g) {
                    let src = &model.sources[a.index()];
                    rate[src.supplier.index()] += r * qty * share[a.index()];
                }
            }
        }
        // Union-find over platforms: a stage joins the classes of every platform it feeds.
        let platforms: Vec<StageIx> = model.demand_stages().collect();
        let mut parent: Vec<u32> = (0..platforms.len() as u32).collect();
        fn find(p: &mut [u32], mut x: u32) -> u32 {
            while p[x as usize] != x {
                p[x as usize] = p[p[x as usize] as usize];
                x = p[x as usize];
            }
            x
        }
        let mut cls = vec![NONE; n];
        for (k, &p) in platforms.iter().enumerate() {
            if cls[p.index()] == NONE {
                cls[p.index()] = k as u32;
            } else {
                let (a, b) = (find(&mut parent, cls[p.index()]), k as u32);
                parent[b as usize] = a;
            }
        }
        for &s in model.topo_order().iter().rev() {
            for &a in model.buyers_of(s) {
                let b = model.buyer(a);
                let cb = cls[b.index()];
                if cb == NONE {
                    continue;
                }
                let cs = cls[s.index()];
                if cs == NONE {
                    cls[s.index()] = cb;
                } else {
                    let (x, y) = (find(&mut parent, cs), find(&mut parent, cb));
                    if x != y {
                        parent[x.max(y) as usize] = x.min(y);
                    }
                }
            }
        }
        // Number components by their first platform in demand.csv order, stages in topological order.
        let mut comp_of_root = vec![NONE; platforms.len()];
        let mut comp_stages: Vec<Vec<StageIx>> = Vec::new();
        for k in 0..platforms.len() {
            let r = find(&mut parent, k as u32) as usize;
            if comp_of_root[r] == NONE {
                comp_of_root[r] = comp_stages.len() as u32;
                comp_stages.push(Vec::new());
            }
        }
        let mut comp = vec![NONE; n];
        let mut local = vec![NONE; n];
        for &s in model.topo_order() {
            if cls[s.index()] != NONE {
                let c = comp_of_root[find(&mut parent, cls[s.index()]) as usize];
                comp[s.index()] = c;
                local[s.index()] = comp_stages[c as usize].len() as u32;
                comp_stages[c as usize].push(s);
            }
        }
        let mut lane_sources = vec![Vec::new(); model.lanes.len()];
        for (k, src) in model.sources.iter().enumerate() {
            if let Some(l) = src.lane {
                lane_sources[l.index()].push(SourceIx::new(k));
            }
        }
        let mut lp = StressLp {
            model,
            horizon,
            share,
            rate,
            comp,
            comp_stages,
            local,
            plan_fits: Vec::new(),
            penalty: Vec::new(),
            x0_u: Vec::new(),
            x0_y: Vec::new(),
            x0_drawn: Vec::new(),
            x0_net: Vec::new(),
            baseline_tts: Vec::new(),
            baseline_loss: Mutex::new(BTreeMap::new()),
            lane_sources,
            warm_bases: Mutex::new(BTreeMap::new()),
            #[cfg(test)]
            decline_every: None,
            #[cfg(test)]
            declined: std::sync::atomic::AtomicUsize::new(0),
        };
        // Baseline TTS up to twice the longest duration in the model, so that most scenarios need no
        // baseline loss LP (baseline loss is 0 for t up to the baseline TTS).
        let longest = model
            .stages
            .iter()
            .filter_map(|s| s.ttr)
            .chain(
                model
                    .scenarios
                    .iter()
                    .flat_map(|sc| sc.events.iter().map(|e| e.duration)),
            )
            .fold(horizon, f64::max);
        let mut value = vec![0.0_f64; n];
        for &s in model.topo_order().iter().rev() {
            let own = model.demand_of(s).map_or(0.0, |d| d.loss_per_unit);
            let via = model.buyers_of(s).iter().fold(0.0_f64, |v, &a| {
                let g = &model.groups[model.sources[a.index()].group.index()];
                v.max(value[model.buyer(a).index()] / g.qty)
            });
            value[s.index()] = own.max(via);
        }
        // Twice the bound, plus one, keeps a margin over round-off in the duals.
        lp.penalty = value.iter().map(|v| 2.0 * v + 1.0).collect();
        lp.plan_fits = lp
            .comp_stages
            .iter()
            .map(|stages| {
                stages.iter().all(|&s| {
                    let r = lp.rate[s.index()];
                    r.is_finite() && model.stages[s.index()].capacity.is_none_or(|cap| r <= cap)
                })
            })
            .collect();
        (lp.x0_u, lp.x0_y) = lp.reserve_plan();
        (lp.x0_drawn, lp.x0_net) = (0..n)
            .map(|i| {
                let c = lp.comp[i];
                let (mut drawn, mut net) = (0.0, -lp.x0_u[i]);
                for &a in model.buyers_of(StageIx::new(i)) {
                    if c != NONE && lp.comp[model.buyer(a).index()] == c {
                        drawn += lp.x0_y[a.index()];
                        net += lp.x0_y[a.index()];
                    }
                }
                (drawn, net)
            })
            .unzip();
        let none = Disruption::default();
        let base: Result<Vec<f64>, StressError> = (0..lp.comp_stages.len())
            .map(|c| {
                // The plan meets all demand forever without touching stock: no LP needed.
                if lp.plan_fits[c] {
                    return Ok(f64::INFINITY);
                }
                let ix = |s: StageIx| {
                    (lp.comp[s.index()] == c as u32).then(|| lp.local[s.index()] as usize)
                };
                lp.solve_capped(
                    &lp.comp_stages[c],
                    &ix,
                    &none,
                    Goal::Survive(None),
                    2.0 * longest,
                )
            })
            .collect();
        lp.baseline_tts = base?;
        Ok(lp)
    }

    /// A plan with spare output: every stage makes `rate + e` and keeps part of `e` unshipped, so that a
    /// disruption nearby can draw on it without changing anything upstream. Suppliers before buyers, each stage
    /// offers a fraction of its extra output to its buyers in proportion to their planned draws, and a buyer's
    /// extra output is what its scarcest input group's offers allow (and its capacity).
    ///
    /// # Complexity
    /// O(stages + arcs).
    fn reserve_plan(&self) -> (Vec<f64>, Vec<f64>) {
        let m = self.model;
        // Offering nearly everything upward (measured: 0.95 beat 0.5 and 1.0 on the generated networks) keeps
        // reserves at every tier; what buyers cannot use stays where it is.
        let offer_share = 0.95;
        let mut u = self.rate.clone();
        let mut y: Vec<f64> = (0..m.sources.len())
            .map(|a| self.planned_flow(SourceIx::new(a)))
            .collect();
        // Offer of each source's supplier to it.
        let mut offer = vec![0.0; m.sources.len()];
        for &s in m.topo_order() {
            let k = s.index();
            if self.comp[k] == NONE || !self.plan_fits[self.comp[k] as usize] {
                continue;
            }
            let head = match m.stages[k].capacity {
                Some(cap) => (cap - self.rate[k]).max(0.0),
                None => self.rate[k],
            };
            let mut e = head;
            for g in m.groups_of(s) {
                let avail: f64 = m.sources_of(g).map(|a| offer[a.index()]).sum();
                e = e.min(avail / m.groups[g.index()].qty);
            }
            // NaN (a zero-quantity group) or negative: no extra output.
            if e.is_nan() || e < 0.0 {
                e = 0.0;
            }
            u[k] = self.rate[k] + e;
            for g in m.groups_of(s) {
                let avail: f64 = m.sources_of(g).map(|a| offer[a.index()]).sum();
                if avail > 0.0 && e > 0.0 {
                    let need = m.groups[g.index()].qty * e;
                    for a in m.sources_of(g) {
                        y[a.index()] += need * offer[a.index()] / avail;
                    }
                }
            }
            // Offers to buyers, by planned draw.
            let planned: f64 = m
                .buyers_of(s)
                .iter()
                .filter(|&&a| self.comp[m.buyer(a).index()] != NONE)
                .map(|&a| self.planned_flow(a))
                .sum();
            if planned > 0.0 {
                for &a in m.buyers_of(s) {
                    if self.comp[m.buyer(a).index()] == NONE {
                        continue;
                    }
                    offer[a.index()] = offer_share * e * self.planned_flow(a) / planned;
                }
            }
        }
        (u, y)
    }

    /// Position of stage `s` in its component, suppliers first (topological order).
    pub(crate) fn topo_rank(&self, s: StageIx) -> u32 {
        self.local[s.index()]
    }

    /// What source `a` ships per time unit in the plan (its buyer's planned rate pushed down its share).
    pub(crate) fn planned_flow(&self, a: SourceIx) -> f64 {
        let m = self.model;
        let g = &m.groups[m.sources[a.index()].group.index()];
        self.rate[g.stage.index()] * g.qty * self.share[a.index()]
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn horizon(&self) -> f64 {
        self.horizon
    }

    /// Planned throughput per time unit of a stage (used as the normal rate of unlimited-capacity stages).
    pub fn planned_rate(&self, s: StageIx) -> f64 {
        self.rate[s.index()]
    }

    /// Network TTS of the undisrupted model: the minimum over components (capped at the horizon).
    pub fn baseline_tts(&self) -> Tts {
        let v = self
            .baseline_tts
            .iter()
            .copied()
            .fold(self.horizon, f64::min);
        self.tts_of(v)
    }

    /// Number of components solved on the region a disruption changes (their plan fits every capacity);
    /// the others are re-solved whole.
    pub fn local_components(&self) -> usize {
        self.plan_fits.iter().filter(|&&f| f).count()
    }

    /// Number of independent LP blocks (classes of platforms that share a supplier somewhere upstream).
    pub fn components(&self) -> usize {
        self.comp_stages.len()
    }

    fn tts_of(&self, v: f64) -> Tts {
        let at_least = v >= self.horizon * (1.0 - 1e-9);
        Tts {
            value: if at_least { self.horizon } else { v.max(0.0) },
            at_least,
        }
    }

    /// PI over duration `t` and TTS of a disruption; per-platform TTS too when `platform_tts`. Every LP is
    /// built and solved from scratch; [`WarmLp`] re-solves reusable ones instead (same values).
    pub fn impact(
        &self,
        d: &Disruption,
        t: f64,
        platform_tts: bool,
    ) -> Result<Impact, StressError> {
        self.impact_with(d, t, platform_tts, &mut |_, _| None, &mut |c, goal| {
            self.solve_comp(c, d, goal)
        })
    }

    fn impact_with(
        &self,
        d: &Disruption,
        t: f64,
        platform_tts: bool,
        pair: &mut dyn FnMut(u32, f64) -> Option<(f64, Option<f64>)>,
        solve: &mut dyn FnMut(u32, Goal) -> Result<f64, StressError>,
    ) -> Result<Impact, StressError> {
        if !(t.is_finite() && t >= 0.0) {
            return Err(StressError::Option(format!(
                "disruption duration must be >= 0, got {t}"
            )));
        }
        let m = self.model;
        let comps = self.touched(d);
        let platforms_hit = self.platforms_downstream(d);
        let mut pi = 0.0;
        let mut tts = self.horizon;
        for &c in &comps {
            // `pair` (the region-restricted solver) gives TTS and the loss when there is one, or declines.
            let (tc, loss) = match pair(c, t) {
                Some(x) => x,
                None => {
                    let tc = solve(c, Goal::Survive(None))?;
                    // Demand met over [0, tc] means no loss for any t <= tc: skip the loss LP (exact).
                    let loss = if t > tc {
                        Some(solve(c, Goal::Loss(t))?)
                    } else {
                        None
                    };
                    (tc, loss)
                }
            };
            tts = tts.min(tc);
            if let Some(loss) = loss {
                let base = self.baseline_loss(c, t)?;
                pi += (loss - base).max(0.0);
            }
        }
        // Rounding noise of the simplex should not rank an element above a harmless one.
        let scale: f64 = m
            .demands
            .iter()
            .map(|x| x.demand * x.loss_per_unit * t)
            .sum();
        if pi <= EPS * scale.max(1.0) {
            pi = 0.0;
        }
        let mut ptts = Vec::new();
        if platform_tts {
            for &p in &platforms_hit {
                ptts.push((p, self.tts_of(self.solve_platform(p, d)?)));
            }
        }
        Ok(Impact {
            pi,
            tts: self.tts_of(tts),
            platforms_hit,
            platform_tts: ptts,
        })
    }

    /// Components holding a disrupted stage or the buyer of a disrupted lane's source, sorted.
    fn touched(&self, d: &Disruption) -> Vec<u32> {
        let m = self.model;
        let mut comps: Vec<u32> = d
            .stages
            .iter()
            .map(|&(s, _)| self.comp[s.index()])
            .chain(d.lanes.iter().flat_map(|&(l, _)| {
                self.sources_on_lane(l)
                    .map(|a| self.comp[m.buyer(a).index()])
            }))
            .filter(|&c| c != NONE)
            .collect();
        comps.sort_unstable();
        comps.dedup();
        comps
    }

    pub(crate) fn sources_on_lane(&self, l: LaneIx) -> impl Iterator<Item = SourceIx> + '_ {
        self.lane_sources[l.index()].iter().copied()
    }

    /// Demand stages reachable downstream from the disrupted stages and the buyers on closed lanes.
    fn platforms_downstream(&self, d: &Disruption) -> Vec<StageIx> {
        let m = self.model;
        let mut seen = vec![false; m.stages.len()];
        let mut stack: Vec<StageIx> = d.stages.iter().map(|x| x.0).collect();
        for &(l, _) in &d.lanes {
            stack.extend(self.sources_on_lane(l).map(|a| m.buyer(a)));
        }
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut seen[s.index()], true) {
                continue;
            }
            stack.extend(m.buyers_of(s).iter().map(|&a| m.buyer(a)));
        }
        m.demand_stages().filter(|p| seen[p.index()]).collect()
    }

    fn baseline_loss(&self, c: u32, t: f64) -> Result<f64, StressError> {
        if t <= self.baseline_tts[c as usize] {
            return Ok(0.0);
        }
        let key = (c, t.to_bits());
        if let Some(&v) = self.baseline_loss.lock().expect("poisoned").get(&key) {
            return Ok(v);
        }
        let v = self.solve_comp(c, &Disruption::default(), Goal::Loss(t))?;
        self.baseline_loss.lock().expect("poisoned").insert(key, v);
        Ok(v)
    }

    fn solve_comp(&self, c: u32, d: &Disruption, goal: Goal) -> Result<f64, StressError> {
        let stages = &self.comp_stages[c as usize];
        let ix = |s: StageIx| (self.comp[s.index()] == c).then(|| self.local[s.index()] as usize);
        self.solve(stages, &ix, d, goal)
    }

    /// TTS of platform `p` alone on its upstream closure.
    fn solve_platform(&self, p: StageIx, d: &Disruption) -> Result<f64, StressError> {
        let m = self.model;
        let mut local = vec![NONE; m.stages.len()];
        let mut stack = vec![p];
        local[p.index()] = 0;
        while let Some(s) = stack.pop() {
            for g in m.groups_of(s) {
                for a in m.sources_of(g) {
                    let sup = m.sources[a.index()].supplier;
                    if local[sup.index()] == NONE {
                        local[sup.index()] = 0;
                        stack.push(sup);
                    }
                }
            }
        }
        let mut stages = Vec::new();
        for &s in m.topo_order() {
            if local[s.index()] != NONE {
                local[s.index()] = stages.len() as u32;
                stages.push(s);
            }
        }
        let ix = |s: StageIx| (local[s.index()] != NONE).then(|| local[s.index()] as usize);
        self.solve(&stages, &ix, d, Goal::Survive(Some(p)))
    }

    fn solve(
        &self,
        stages: &[StageIx],
        ix: &dyn Fn(StageIx) -> Option<usize>,
        d: &Disruption,
        goal: Goal,
    ) -> Result<f64, StressError> {
        self.solve_capped(stages, ix, d, goal, self.horizon)
    }

    /// Builds and solves the LP over `stages` (`ix` maps a stage to its position, `None` outside the scope);
    /// TTS is capped at `cap`.
    fn solve_capped(
        &self,
        stages: &[StageIx],
        ix: &dyn Fn(StageIx) -> Option<usize>,
        d: &Disruption,
        goal: Goal,
        cap: f64,
    ) -> Result<f64, StressError> {
        let m = self.model;
        let n = stages.len();
        let mut stage_factor = vec![1.0; n];
        for &(s, f) in &d.stages {
            if let Some(k) = ix(s) {
                stage_factor[k] = f;
            }
        }
        let mut lane_factor: BTreeMap<LaneIx, f64> = BTreeMap::new();
        for &(l, f) in &d.lanes {
            lane_factor.insert(l, f);
        }
        let demand_in_scope = |s: StageIx| -> f64 {
            match (goal, m.demand_of(s)) {
                (_, None) => 0.0,
                (Goal::Survive(Some(p)), Some(_)) if p != s => 0.0,
                (_, Some(dm)) => dm.demand,
            }
        };
        let fixed_t = match goal {
            Goal::Loss(t) => Some(t),
            Goal::Survive(_) => None,
        };

        let mut pb = ColProblem::new();
        // Balance rows: one per stage (out-shipments + delivered demand <= made + stock).
        let mut balance: Vec<Row> = Vec::with_capacity(n);
        for &s in stages {
            let st = &m.stages[s.index()];
            let rhs = st.inventory - fixed_t.map_or(0.0, |t| demand_in_scope(s) * t);
            balance.push(pb.add_row(..=rhs));
        }
        // Group rows: qty u_j <= sum of the group's shipments.
        let mut group_row_start = Vec::with_capacity(n + 1);
        let mut group_rows: Vec<Row> = Vec::new();
        for &s in stages {
            group_row_start.push(group_rows.len());
            for _ in m.groups_of(s) {
                group_rows.push(pb.add_row(..=0.0));
            }
        }
        group_row_start.push(group_rows.len());
        // Capacity rows (only when t is a variable): u_j - cap_j t <= 0.
        let mut cap_rows: Vec<(Row, f64)> = Vec::new();
        let mut cap_row_of: Vec<Option<usize>> = vec![None; n];
        let mut u_upper = vec![f64::INFINITY; n];
        for (k, &s) in stages.iter().enumerate() {
            let f = stage_factor[k];
            let cap = match m.stages[s.index()].capacity {
                Some(c) => Some(c * f),
                None if f < 1.0 => Some(self.rate[s.index()] * f),
                None => None,
            };
            match (cap, fixed_t) {
                (None, _) => {}
                (Some(c), _) if c <= 0.0 => u_upper[k] = 0.0,
                (Some(c), Some(t)) => u_upper[k] = c * t,
                (Some(c), None) => {
                    cap_row_of[k] = Some(cap_rows.len());
                    cap_rows.push((pb.add_row(..=0.0), c));
                }
            }
        }
        // u columns.
        for k in 0..n {
            let mut fac: Vec<(Row, f64)> = vec![(balance[k], -1.0)];
            let s = stages[k];
            for (g, gi) in m
                .groups_of(s)
                .zip(group_row_start[k]..group_row_start[k + 1])
            {
                fac.push((group_rows[gi], m.groups[g.index()].qty));
            }
            if let Some(r) = cap_row_of[k] {
                fac.push((cap_rows[r].0, 1.0));
            }
            pb.add_column(0.0, 0.0..=u_upper[k], fac);
        }
        // y columns, and lane rows when t is a variable.
        let mut lane_rows: Vec<(Row, f64)> = Vec::new();
        let mut y_lane_row: Vec<(usize, usize)> = Vec::new();
        let mut ys: Vec<(usize, usize, f64)> = Vec::new(); // (supplier pos, group row, upper)
        for (k, &s) in stages.iter().enumerate() {
            for (g, gi) in m
                .groups_of(s)
                .zip(group_row_start[k]..group_row_start[k + 1])
            {
                for a in m.sources_of(g) {
                    let src = &m.sources[a.index()];
                    let Some(sp) = ix(src.supplier) else { continue };
                    let f = src.lane.and_then(|l| lane_factor.get(&l).copied());
                    let mut upper = f64::INFINITY;
                    if let Some(f) = f {
                        // A lane at factor f carries f times its planned flow.
                        let cap = self.planned_flow(a) * f;
                        match fixed_t {
                            _ if cap <= 0.0 => upper = 0.0,
                            Some(t) => upper = cap * t,
                            None => {
                                y_lane_row.push((ys.len(), lane_rows.len()));
                                lane_rows.push((pb.add_row(..=0.0), cap));
                            }
                        }
                    }
                    ys.push((sp, gi, upper));
                }
            }
        }
        let mut next_lane = 0;
        for (yk, &(sp, gi, upper)) in ys.iter().enumerate() {
            let mut fac = vec![(balance[sp], 1.0), (group_rows[gi], -1.0)];
            if next_lane < y_lane_row.len() && y_lane_row[next_lane].0 == yk {
                fac.push((lane_rows[y_lane_row[next_lane].1].0, 1.0));
                next_lane += 1;
            }
            pb.add_column(0.0, 0.0..=upper, fac);
        }
        let sense = match fixed_t {
            Some(t) => {
                // l columns: lost demand, weighted by loss per unit, at most the demand itself (more would be
                // output a platform that also supplies others ships without making it).
                for (k, &s) in stages.iter().enumerate() {
                    let dm = demand_in_scope(s);
                    if dm > 0.0 {
                        let f = m.demand_of(s).map_or(0.0, |x| x.loss_per_unit);
                        pb.add_column(f, 0.0..=dm * t, [(balance[k], -1.0)]);
                    }
                }
                Sense::Minimise
            }
            None => {
                let mut fac: Vec<(Row, f64)> = Vec::new();
                for (k, &s) in stages.iter().enumerate() {
                    let dm = demand_in_scope(s);
                    if dm > 0.0 {
                        fac.push((balance[k], dm));
                    }
                }
                fac.extend(cap_rows.iter().map(|&(r, c)| (r, -c)));
                fac.extend(lane_rows.iter().map(|&(r, c)| (r, -c)));
                pb.add_column(1.0, 0.0..=cap, fac);
                Sense::Maximise
            }
        };
        let what = || match goal {
            Goal::Loss(t) => format!("the loss LP over t = {t}"),
            Goal::Survive(None) => "the time-to-survive LP".to_string(),
            Goal::Survive(Some(p)) => {
                format!("the time-to-survive LP of {}", m.stages[p.index()].id)
            }
        };
        let mut model = pb.try_optimise(sense).map_err(|e| StressError::Solver {
            what: what(),
            status: format!("{e:?}"),
        })?;
        if matches!(goal, Goal::Survive(_)) {
            model.set_option("dual_feasibility_tolerance", TTS_DUAL_TOL);
        }
        let solved = model.try_solve().map_err(|e| StressError::Solver {
            what: what(),
            status: format!("{e:?}"),
        })?;
        match solved.status() {
            HighsModelStatus::Optimal => Ok(solved.objective_value()),
            HighsModelStatus::ModelEmpty => Ok(0.0),
            s => Err(StressError::Solver {
                what: what(),
                status: format!("{s:?}"),
            }),
        }
    }
}

/// The LPs of each component built once and re-solved warm (HiGHS dual simplex) for a sequence of
/// disruptions. One per thread: HiGHS models are not shared.
///
/// **Per-unit-time form.** Dividing every quantity of the LP above by `t` (`ū = u/t`, `ȳ = y/t`, `l̄ = l/t`,
/// `τ = 1/t`) turns every `t`-scaled bound into a constant and leaves `t` in one column:
///
/// ```text
/// balance  sum_{a: supplier i} ȳ_a - ū_i - s_i τ - l̄_i <= -d_i     every stage i
/// group    qty_jk ū_j - sum_{a in (j,k)} ȳ_a             <= 0       every stage j, input item k
/// bounds   ū_j <= f_j cap_j,  ȳ_a <= f_a lane_a,  l̄_j <= d_j,  all >= 0
/// PI(t) = t * min sum_j f_j l̄_j   with τ = 1/t fixed
/// TTS   = 1 / min τ               with τ >= 1/horizon and l̄ = 0 (infeasible: TTS = 0); objective horizon·τ
/// ```
///
/// So a disruption, full or partial, is only column bounds, the two LPs share one matrix, and no
/// capacity row is needed (the `t`-as-a-variable form needs one per capacitated stage). Each solve starts
/// from the undisrupted optimal basis, which stays dual feasible under any bound change, instead of from the
/// previous scenario's basis (that would first have to undo the previous scenario). Values equal
/// [`StressLp::impact`]'s (built from scratch in the original form) up to solver tolerance; the tests check it.
#[derive(Debug)]
pub struct WarmLp<'a, 'm> {
    lp: &'a StressLp<'m>,
    comps: Vec<Option<WarmComp>>,
    /// Components whose slot in `comps` has been filled (so that forgetting them is O(those)).
    built: Vec<u32>,
    local: LocalWork,
}

#[derive(Debug)]
struct WarmModel {
    model: Option<highs::Model>,
    /// `ū` column of each stage of the component (local order) and its undisrupted upper bound.
    u: Vec<(Col, f64)>,
    /// `ȳ` column of each multi-sourced row of the component, by global source index (`None` for a group's
    /// only source: its flow is `qty * ū` of the buyer).
    y: Vec<Option<Col>>,
    tau: Col,
    /// Optimal basis of the undisrupted LP: every scenario's solve starts from it.
    base: Option<Basis>,
}

#[derive(Debug)]
struct WarmComp {
    loss: WarmModel,
    survive: WarmModel,
}

impl<'a, 'm> WarmLp<'a, 'm> {
    pub fn new(lp: &'a StressLp<'m>) -> Self {
        WarmLp {
            lp,
            comps: (0..lp.comp_stages.len()).map(|_| None).collect(),
            built: Vec::new(),
            local: LocalWork::new(lp.model.stages.len(), lp.model.sources.len()),
        }
    }

    /// Drops the whole-component models built so far (rebuilt on next use, from the shared undisrupted basis).
    /// HiGHS keeps state beyond the basis from one solve to the next, so a sweep that hands scenarios to
    /// threads in an order set by timing calls this after each scenario: a rare fallback to a whole-component
    /// model then gives the same digits whichever scenarios came before it.
    pub fn forget_whole_models(&mut self) {
        for c in self.built.drain(..) {
            self.comps[c as usize] = None;
        }
    }

    /// Same as [`StressLp::impact`], re-using this object's models.
    pub fn impact(
        &mut self,
        d: &Disruption,
        t: f64,
        platform_tts: bool,
    ) -> Result<Impact, StressError> {
        let lp = self.lp;
        let comps = &mut self.comps;
        let built = &mut self.built;
        let local = &mut self.local;
        // Components whose plan fits are solved on regions; on numerical trouble there, or for the others,
        // the warm whole-component LPs decide.
        let mut pair = |c: u32, t: f64| {
            #[cfg(test)]
            if let (Some(k), Some(&(s, _))) = (lp.decline_every, d.stages.first()) {
                if s.index() % k == 0 {
                    lp.declined
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return None;
                }
            }
            lp.plan_fits(c)
                .then(|| lp.local_pair(c, local, d, t).ok())
                .flatten()
        };
        lp.impact_with(d, t, platform_tts, &mut pair, &mut |c, goal| {
            let slot = &mut comps[c as usize];
            if slot.is_none() {
                built.push(c);
                *slot = Some(WarmComp {
                    loss: lp.warm_model(c, true)?,
                    survive: lp.warm_model(c, false)?,
                });
            }
            let wc = slot.as_mut().expect("just built");
            let warm = match goal {
                Goal::Loss(t) => lp.warm_solve(c, &mut wc.loss, d, Some(t)),
                Goal::Survive(_) => lp.warm_solve(c, &mut wc.survive, d, None),
            };
            match warm {
                Ok(v) => Ok(v),
                // HiGHS can stop a hot start with status Unknown on numerical trouble: drop the models (rebuilt
                // on next use) and solve this one from scratch.
                Err(_) => {
                    *slot = None;
                    lp.solve_comp(c, d, goal)
                }
            }
        })
    }
}

impl<'m> StressLp<'m> {
    /// Normal output rate bound of a stage per time unit, scaled by `f`: its capacity, or for a stage without
    /// one its planned rate (an outage of such a stage limits it to `f` times what it normally makes).
    pub(crate) fn rate_bound(&self, s: StageIx, f: f64) -> f64 {
        match self.model.stages[s.index()].capacity {
            Some(cap) => cap * f,
            None => self.rate[s.index()] * f,
        }
    }

    /// The undisrupted per-unit-time LP of component `c`, minimising loss (`loss`) or `τ`, solved once.
    fn warm_model(&self, c: u32, loss: bool) -> Result<WarmModel, StressError> {
        let m = self.model;
        let stages = &self.comp_stages[c as usize];
        let inside = |s: StageIx| self.comp[s.index()] == c;
        let mut pb = RowProblem::new();
        let u: Vec<(Col, f64)> = stages
            .iter()
            .map(|&s| {
                let upper = m.stages[s.index()].capacity.unwrap_or(f64::INFINITY);
                (pb.add_column(0.0, 0.0..=upper), upper)
            })
            .collect();
        let tau = if loss {
            pb.add_column(0.0, 1.0 / self.horizon..=1.0 / self.horizon)
        } else {
            // Objective horizon·τ (>= 1), not τ (~1/t): HiGHS's tolerances are absolute, and with reduced costs
            // of the size of τ's the dual simplex stopped up to 1% short of the optimum.
            pb.add_column(self.horizon, 1.0 / self.horizon..)
        };
        // A group with one supplier ships exactly what its stage uses (shipping more helps nothing), so its
        // shipment column and group row are replaced by `qty * ū_j` in the supplier's balance row: on generated
        // networks two thirds of the groups are single-sourced and the LP shrinks by about half.
        let mut y: Vec<Option<Col>> = vec![None; m.sources.len()];
        for &s in stages {
            for g in m.groups_of(s) {
                if m.sources_of(g).len() > 1 {
                    for a in m.sources_of(g) {
                        y[a.index()] = Some(pb.add_column(0.0, 0.0..));
                    }
                }
            }
        }
        for (k, &s) in stages.iter().enumerate() {
            let st = &m.stages[s.index()];
            let mut row: Vec<(Col, f64)> = vec![(u[k].0, -1.0)];
            for &a in m.buyers_of(s) {
                let b = m.buyer(a);
                if !inside(b) {
                    continue;
                }
                match y[a.index()] {
                    Some(col) => row.push((col, 1.0)),
                    None => {
                        let qty = m.groups[m.sources[a.index()].group.index()].qty;
                        row.push((u[self.local[b.index()] as usize].0, qty));
                    }
                }
            }
            if st.inventory > 0.0 {
                row.push((tau, -st.inventory));
            }
            let demand = m.demand_of(s).map_or(0.0, |dm| {
                if loss {
                    // At most the demand: more would be output shipped to buyers without being made.
                    row.push((pb.add_column(dm.loss_per_unit, 0.0..=dm.demand), -1.0));
                }
                dm.demand
            });
            pb.add_row(..=-demand, row);
            for g in m.groups_of(s) {
                if m.sources_of(g).len() > 1 {
                    let mut row = vec![(u[k].0, m.groups[g.index()].qty)];
                    row.extend(
                        m.sources_of(g)
                            .map(|a| (y[a.index()].expect("multi-sourced"), -1.0)),
                    );
                    pb.add_row(..=0.0, row);
                }
            }
        }
        let mut model = highs::Model::try_new(pb).map_err(|e| StressError::Solver {
            what: "building a reusable LP".into(),
            status: format!("{e:?}"),
        })?;
        model.set_sense(Sense::Minimise);
        if !loss {
            // As in the region solver's TTS LP (local.rs): HiGHS's default 1e-7 leaves TTS short on large
            // networks.
            model.set_option("dual_feasibility_tolerance", TTS_DUAL_TOL);
        }
        let mut wm = WarmModel {
            model: Some(model),
            u,
            y,
            tau,
            base: None,
        };
        // The undisrupted LP of a component is solved from scratch (presolve on) once; its basis is every
        // later solve's start in every thread. The lock is held over that solve so that the others wait for
        // it rather than repeat it.
        let mut bases = self.warm_bases.lock().expect("poisoned");
        if let Some(b) = bases.get(&(c, loss)) {
            wm.base = b.clone();
            return Ok(wm);
        }
        let t = loss.then_some(self.horizon);
        self.warm_solve(c, &mut wm, &Disruption::default(), t)?;
        bases.insert((c, loss), wm.base.clone());
        drop(bases);
        // HiGHS keeps state beyond the basis from a solve; a fresh instance makes every thread's model start
        // alike whichever thread solved the basis, so results do not depend on thread timing.
        self.warm_model(c, loss)
    }

    /// Loss over `t` (`fixed_t`) or TTS (`None`) of disruption `d` on a component's reusable model.
    fn warm_solve(
        &self,
        c: u32,
        wm: &mut WarmModel,
        d: &Disruption,
        fixed_t: Option<f64>,
    ) -> Result<f64, StressError> {
        if fixed_t.is_some_and(|t| t <= 0.0) {
            return Ok(0.0);
        }
        let err = |e: highs::HighsStatus| StressError::Solver {
            what: "a reusable stress LP".into(),
            status: format!("{e:?}"),
        };
        // New upper bounds (lowest wins), by column of this model.
        let bounds = self.disruption_bounds(c, d);
        let u_new: Vec<(usize, f64)> = bounds
            .u
            .iter()
            .map(|&(s, b)| (self.local[s.index()] as usize, b))
            .collect();
        let y_new: Vec<(Col, f64)> = bounds
            .y
            .iter()
            .map(|&(a, b)| (wm.y[a].expect("a multi-sourced row has a column"), b))
            .collect();
        let mut model = wm.model.take().expect("model present between solves");
        for &(k, b) in &u_new {
            model.change_column_bounds(wm.u[k].0, 0.0..=b.min(wm.u[k].1));
        }
        for &(col, b) in &y_new {
            model.change_column_bounds(col, 0.0..=b);
        }
        if let Some(t) = fixed_t {
            model.change_column_bounds(wm.tau, 1.0 / t..=1.0 / t);
        }
        if let Some(b) = &wm.base {
            b.set(&mut model);
        }
        let solved = model.try_solve().map_err(err)?;
        let status = solved.status();
        let value = solved.objective_value();
        let mut model = highs::Model::from(solved);
        if d.is_empty() && wm.base.is_none() && status == HighsModelStatus::Optimal {
            wm.base = Basis::get(&mut model);
        }
        for &(k, _) in &u_new {
            model.change_column_bounds(wm.u[k].0, 0.0..=wm.u[k].1);
        }
        for &(col, _) in &y_new {
            model.change_column_bounds(col, 0.0..);
        }
        wm.model = Some(model);
        match (status, fixed_t) {
            (HighsModelStatus::Optimal, Some(t)) => Ok(value * t),
            (HighsModelStatus::Optimal, None) => Ok((self.horizon / value).min(self.horizon)),
            // No τ meets demand: some platform is short from the start.
            (HighsModelStatus::Infeasible, None) => Ok(0.0),
            (s, _) => Err(StressError::Solver {
                what: "a reusable stress LP".into(),
                status: format!("{s:?}"),
            }),
        }
    }
}
