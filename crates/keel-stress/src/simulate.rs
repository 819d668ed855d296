//! Time-phased simulation of a disruption: discrete time, one step per model time unit.
//!
//! Every step, in topological order (suppliers first), each stage receives what its suppliers shipped
//! `ceil(lead_time(supplier) + transit_time(lane))` steps earlier, produces
//! `P = min(target, min_g buffer_g / qty_g)` (AND over input items), and allocates `P + stock` *pro rata* to the
//! orders it holds (its buyers' orders plus its own end demand). Orders follow the plan, re-routed away from
//! stopped suppliers and closed lanes, with one tier of expediting:
//!
//! ```text
//! R_s = d_s + sum_{k in buyers(s)} o_k                 orders held by s
//! T_s = min(R_s, f_s * capacity_s)                     target (f_s * R_s for unlimited capacity)
//! E_s = sum_{k in buyers(s), k re-routed} max(0, o_k - plan_k)     re-routed extra
//! Q_s = min(x_s + E_s, f_s * capacity_s)               procurement (f_s * (x_s + E_s) for unlimited capacity)
//! o_k = qty_g * Q_s * share_k / sum_{j in g, available} share_j   for each available source k of group g
//! ```
//!
//! `x_s` is the planned rate (the Leontief requirement `x_s = d_s + sum share qty x_buyer`, capped by capacity).
//! A source is *available* when its supplier is not fully stopped (`f > 0`) and its lane is not closed; an order
//! is *re-routed* when its group has both an unavailable and an available source. So a buyer of a stopped
//! supplier re-orders from the others by planned share (equally if they all have share 0), the alternative
//! raises its own procurement by that extra (within capacity), and its suppliers serve it from stock and output
//! without re-ordering further; no other change of orders travels upstream. A lane at factor `0 < f < 1`
//! carries `f` of each shipment (the rest stays in the supplier's stock). Demand not served in a step is lost (no
//! backlog) and stock is not rebuilt. The full rules, and why, are in `docs/methods/simulation.md`.
//!
//! The model starts in its steady state: pipelines hold the planned flows, input buffers are empty, every stage
//! holds its `inventory`. Only stages that can deviate from it are computed: stages whose orders were
//! re-planned while events are active (incrementally, when the set of active events changes) and stages an
//! arrival of which changes, until they coast (below), and only while they can still reach a delivery to end
//! demand inside the horizon (`t < H - shortest delay to a delivery`). A stage with planned orders and planned arrivals
//! ships exactly its plan whatever its stock, so skipping it is exact. If the undisrupted model cannot meet its
//! own plan (some stage's capacity is below its requirement), every stage is computed every step.
//!
//! Shipments persist: what lands on a source stays its arrival at every later step until another shipment
//! lands, and a stage sends a shipment only when it differs from its last one on that source. A stage whose
//! arrivals and output are the same as at the step before *coasts*: every later step repeats that one except
//! that its stock and the buffers of inputs it does not use up change by the same amount each step. It is not
//! computed again until an arrival or its orders change, or until two steps before a falling stock or buffer
//! could change its output (a wake-up is scheduled then, at most `slots - 1` steps ahead, the span of the
//! arrival ring; none past the stage's `live`); it then first adds the skipped steps' changes. A stage with
//! more than 16 input groups never coasts. Most
//! of a long outage is spent in such steady states (on the generated 10,000-stage network with 1% firm
//! failures, coasting skips 43% of the stage-steps).
//!
//! # Complexity
//! Setup O(stages + arcs). A run: at each change of the active event set, O(arcs) over the stages whose orders
//! change (local: disrupted stages, their buyers and suppliers, the alternatives and theirs); per step, O(arcs)
//! over the stages that differ from plan, can still matter and do not coast, plus O(stages / 64) for the scan;
//! memory O(stages + arcs + max delay x stages / 64 + shipments in transit) per scratch.

use keel_model::{GroupIx, LaneIx, Model, Scenario, SourceIx, StageIx};
use serde::Serialize;

const NONE: u32 = u32::MAX;
/// Relative tolerance for "equal to plan" and "shortfall is zero".
pub const EPS: f64 = 1e-9;

/// Errors from the simulation and Monte Carlo.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("no scenario named `{0}`")]
    UnknownScenario(String),
    #[error("invalid simulation option: {0}")]
    Option(String),
}

/// Steps of an event: `[floor(start), floor(start) + max(1, ceil(duration)))`.
pub fn event_steps(start: f64, duration: f64) -> (usize, usize) {
    let first = (start.max(0.0) + EPS).floor();
    let len = (duration - EPS).ceil().max(1.0);
    let first = if first.is_finite() {
        first as usize
    } else {
        usize::MAX / 2
    };
    let len = if len.is_finite() {
        len as usize
    } else {
        usize::MAX / 4
    };
    (first, first.saturating_add(len))
}

/// What an event in a run hits; resolved to stages and lanes by the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// Event `event` of scenario `scenario` (indices into `Model::scenarios`).
    Scenario {
        scenario: u32,
        event: u32,
    },
    Firm(u32),
    Site(u32),
    Lane(u32),
    Stage(u32),
}

/// One disruption in a run: the hit elements run at `factor` during steps `first..end`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunEvent {
    pub hit: Hit,
    pub factor: f64,
    pub first: usize,
    pub end: usize,
}

/// Receives each shortfall: demand row, step, units short (only when above tolerance).
pub trait Sink {
    fn short(&mut self, demand_row: usize, step: usize, units: f64);
    /// Step `t` is done (a progress hook; a run may end before the horizon once nothing changes).
    fn step_done(&mut self, _t: usize) {}
}

/// The per-model structures of the simulation, built once and shared (read-only) by every run.
#[derive(Debug)]
pub struct Simulator<'m> {
    model: &'m Model,
    horizon: usize,
    /// Topological rank of each stage, and the stage at each rank.
    rank: Vec<u32>,
    by_rank: Vec<StageIx>,
    words: usize,
    /// Shipping delay of each source, and of each demand row.
    delay: Vec<u32>,
    demand_delay: Vec<u32>,
    /// Number of arrival slots (pending marks, due lists): max delay below the horizon, plus one.
    slots: usize,
    /// What the goods flow reads of each stage, group and shipping arc, packed (one cache line or less each).
    rows: Vec<StageRow>,
    grows: Vec<GroupRow>,
    arcs: Vec<Arc>,
    base_req: Vec<f64>,
    base_target: Vec<f64>,
    base_order: Vec<f64>,
    /// Whether the undisrupted model meets its plan (then unaffected stages can be skipped).
    steady: bool,
    /// Whether unaffected stages are skipped (`steady`, unless [`Simulator::exhaustive`]).
    skip: bool,
    /// Per rank: the stage is computed only at steps `t < live`, `live = H - (shortest delay from it to a
    /// delivery to end demand)`: from then on nothing it does can reach a delivery inside the horizon. `H` for
    /// every stage in [`Simulator::exhaustive`] mode.
    live: Vec<u32>,
    lane_src_off: Vec<u32>,
    lane_src: Vec<SourceIx>,
    /// Resolved targets: scenario events, firms, sites (CSR over stages) and scenario events (CSR over lanes).
    ev_off: Vec<u32>,
    ev_stage_off: Vec<u32>,
    ev_stages: Vec<StageIx>,
    ev_lane_off: Vec<u32>,
    ev_lanes: Vec<LaneIx>,
    firm_off: Vec<u32>,
    firm_stages: Vec<StageIx>,
    site_off: Vec<u32>,
    site_stages: Vec<StageIx>,
}

fn csr<T: Copy>(n: usize, pairs: impl Iterator<Item = (usize, T)>) -> (Vec<u32>, Vec<T>) {
    let pairs: Vec<(usize, T)> = pairs.collect();
    let mut off = vec![0u32; n + 1];
    for &(i, _) in &pairs {
        off[i + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let mut fill = off.clone();
    let mut out: Vec<Option<T>> = vec![None; pairs.len()];
    for (i, v) in pairs {
        out[fill[i] as usize] = Some(v);
        fill[i] += 1;
    }
    (off, out.into_iter().flatten().collect())
}

/// Whole steps for a time: rounded up, with a small tolerance for decimal noise.
fn steps_of(t: f64) -> u32 {
    let s = (t.max(0.0) - EPS).ceil().max(0.0);
    if s >= u32::MAX as f64 {
        u32::MAX
    } else {
        s as u32
    }
}

impl<'m> Simulator<'m> {
    /// Prepares the simulation of `model` over `horizon` steps.
    pub fn new(model: &'m Model, horizon: usize) -> Result<Self, SimError> {
        if horizon == 0 || horizon > 100_000_000 {
            return Err(SimError::Option(format!(
                "horizon must be between 1 and 1e8 steps, got {horizon}"
            )));
        }
        let n = model.stages.len();
        let mut rank = vec![0u32; n];
        let by_rank: Vec<StageIx> = model.topo_order().to_vec();
        for (r, s) in by_rank.iter().enumerate() {
            rank[s.index()] = r as u32;
        }
        let delay: Vec<u32> = model
            .sources
            .iter()
            .map(|src| {
                let lt = model.stages[src.supplier.index()].lead_time;
                let tt = src
                    .lane
                    .map_or(0.0, |l| model.lanes[l.index()].transit_time);
                steps_of(lt + tt)
            })
            .collect();
        let demand_delay: Vec<u32> = model
            .demands
            .iter()
            .map(|d| steps_of(model.stages[d.stage.index()].lead_time))
            .collect();
        let mut demand_row = vec![NONE; n];
        for (i, d) in model.demands.iter().enumerate() {
            demand_row[d.stage.index()] = i as u32;
        }
        let max_d = delay
            .iter()
            .filter(|&&d| (d as usize) < horizon)
            .max()
            .map_or(0, |&d| d as usize);
        let grows: Vec<GroupRow> = (0..model.groups.len())
            .map(|g| {
                let ks = model.sources_of(GroupIx::new(g));
                let k0 = ks.clone().next().map_or(0, |k| k.0);
                GroupRow {
                    k0,
                    k1: k0 + ks.len() as u32,
                    qty: model.groups[g].qty,
                }
            })
            .collect();
        let mut rows = Vec::with_capacity(n);
        let mut arcs = Vec::with_capacity(model.sources.len());
        let mut g_next = 0u32;
        for (s, &drow) in demand_row.iter().enumerate() {
            let st = StageIx::new(s);
            let gs = model.groups_of(st);
            let g0 = gs.clone().next().map_or(g_next, |g| g.0);
            g_next = g0 + gs.len() as u32;
            let s0 = arcs.len() as u32;
            arcs.extend(model.buyers_of(st).iter().map(|&k| Arc {
                k: k.0,
                delay: delay[k.index()],
                lane: model.sources[k.index()].lane.map_or(NONE, |l| l.0),
                rank: rank[model.buyer(k).index()],
                base: 0.0,
                stop: 0,
            }));
            rows.push(StageRow {
                g0,
                g1: g_next,
                s0,
                s1: arcs.len() as u32,
                demand_row: drow,
                base_ship: 0.0,
            });
        }
        let (lane_src_off, lane_src) = csr(
            model.lanes.len(),
            model
                .sources
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.lane.map(|l| (l.index(), SourceIx::new(k)))),
        );
        let mut ev_off = vec![0u32];
        let mut ev_pairs = Vec::new();
        let mut ev_lane_pairs = Vec::new();
        let mut e_ix = 0usize;
        for sc in &model.scenarios {
            for e in &sc.events {
                ev_pairs.extend(model.target_stages(e.target).into_iter().map(|s| (e_ix, s)));
                ev_lane_pairs.extend(model.target_lanes(e.target).into_iter().map(|l| (e_ix, l)));
                e_ix += 1;
            }
            ev_off.push(e_ix as u32);
        }
        let (ev_stage_off, ev_stages) = csr(e_ix, ev_pairs.into_iter());
        let (ev_lane_off, ev_lanes) = csr(e_ix, ev_lane_pairs.into_iter());
        let (firm_off, firm_stages) = csr(
            model.firms.len(),
            (0..n).map(|s| (model.stage_firm(StageIx::new(s)).index(), StageIx::new(s))),
        );
        let (site_off, site_stages) = csr(
            model.sites.len(),
            model
                .stages
                .iter()
                .enumerate()
                .map(|(s, st)| (st.site.index(), StageIx::new(s))),
        );
        let mut sim = Simulator {
            model,
            horizon,
            rank,
            by_rank,
            words: n.div_ceil(64),
            delay,
            demand_delay,
            slots: max_d + 1,
            rows,
            grows,
            arcs,
            base_req: vec![0.0; n],
            base_target: vec![0.0; n],
            base_order: vec![0.0; model.sources.len()],
            steady: true,
            skip: true,
            live: Vec::new(),
            lane_src_off,
            lane_src,
            ev_off,
            ev_stage_off,
            ev_stages,
            ev_lane_off,
            ev_lanes,
            firm_off,
            firm_stages,
            site_off,
            site_stages,
        };
        let sfac = vec![1.0; n];
        let lfac = vec![1.0; model.lanes.len()];
        let mut order = vec![0.0; model.sources.len()];
        for r in (0..n).rev() {
            let s = sim.by_rank[r];
            let (req, target, _, _) = sim.plan(s, &sfac, &lfac, &mut order, true, |_| {});
            sim.base_req[s.index()] = req;
            sim.base_target[s.index()] = target;
        }
        sim.base_order = order;
        for a in &mut sim.arcs {
            a.base = sim.base_order[a.k as usize];
        }
        for (s, row) in sim.rows.iter_mut().enumerate() {
            // The same sum, in the same order, as `ship` makes on plan.
            let mut shipped = 0.0;
            for a in &sim.arcs[row.s0 as usize..row.s1 as usize] {
                shipped += a.base * 1.0 * 1.0;
            }
            if let Some(d) = model.demand_of(StageIx::new(s)) {
                shipped += d.demand * 1.0;
            }
            row.base_ship = shipped;
        }
        sim.steady = (0..n).all(|s| sim.base_target[s] >= sim.base_req[s] * (1.0 - EPS));
        // Shortest delay to a delivery, buyers (higher ranks) first.
        let mut reach = vec![u64::MAX; n];
        for r in (0..n).rev() {
            let s = sim.by_rank[r].index();
            let row = &sim.rows[s];
            let mut best = if row.demand_row == NONE {
                u64::MAX
            } else {
                u64::from(sim.demand_delay[row.demand_row as usize])
            };
            for a in &sim.arcs[row.s0 as usize..row.s1 as usize] {
                best = best.min(reach[a.rank as usize].saturating_add(u64::from(a.delay)));
            }
            reach[r] = best;
        }
        sim.live = reach
            .iter()
            .map(|&d| (horizon as u64).saturating_sub(d) as u32)
            .collect();
        sim.set_stops();
        sim.skip = sim.steady;
        Ok(sim)
    }

    fn set_stops(&mut self) {
        for a in &mut self.arcs {
            a.stop = self.live[a.rank as usize].saturating_sub(a.delay);
        }
    }

    /// Computes every stage at every step from step 0 and re-plans every stage at each change of the event set
    /// (no skipping, no horizon cut): slow, for cross-checking the fast path.
    pub fn exhaustive(mut self) -> Self {
        self.skip = false;
        self.live.fill(self.horizon as u32);
        self.set_stops();
        self
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Whether the undisrupted model meets its plan every step (no baseline shortfall).
    pub fn is_steady(&self) -> bool {
        self.steady
    }

    /// Planned (undisrupted) output per step of a stage: its Leontief requirement, capped by capacity.
    pub fn planned_rate(&self, s: StageIx) -> f64 {
        self.base_target[s.index()]
    }

    /// Planned flow per step over a source.
    pub fn planned_flow(&self, k: SourceIx) -> f64 {
        self.base_order[k.index()]
    }

    /// Steps from shipment to arrival over a source: `ceil(lead_time(supplier) + transit_time(lane))`.
    pub fn delay(&self, k: SourceIx) -> u32 {
        self.delay[k.index()]
    }

    /// The stages an event hits.
    pub fn hit_stages(&self, h: Hit) -> &[StageIx] {
        match h {
            Hit::Scenario { scenario, event } => {
                let e = self.ev_off[scenario as usize] as usize + event as usize;
                &self.ev_stages[self.ev_stage_off[e] as usize..self.ev_stage_off[e + 1] as usize]
            }
            Hit::Firm(f) => {
                &self.firm_stages
                    [self.firm_off[f as usize] as usize..self.firm_off[f as usize + 1] as usize]
            }
            Hit::Site(x) => {
                &self.site_stages
                    [self.site_off[x as usize] as usize..self.site_off[x as usize + 1] as usize]
            }
            Hit::Stage(s) => std::slice::from_ref(&self.by_rank[self.rank[s as usize] as usize]),
            Hit::Lane(_) => &[],
        }
    }

    /// The lanes an event closes (or slows).
    pub fn hit_lanes(&self, h: Hit) -> Vec<LaneIx> {
        match h {
            Hit::Scenario { scenario, event } => {
                let e = self.ev_off[scenario as usize] as usize + event as usize;
                self.ev_lanes[self.ev_lane_off[e] as usize..self.ev_lane_off[e + 1] as usize]
                    .to_vec()
            }
            Hit::Lane(l) => vec![LaneIx(l)],
            _ => Vec::new(),
        }
    }

    fn hit_lanes_slice(&self, h: Hit) -> (&[LaneIx], Option<LaneIx>) {
        match h {
            Hit::Scenario { scenario, event } => {
                let e = self.ev_off[scenario as usize] as usize + event as usize;
                (
                    &self.ev_lanes[self.ev_lane_off[e] as usize..self.ev_lane_off[e + 1] as usize],
                    None,
                )
            }
            Hit::Lane(l) => (&[], Some(LaneIx(l))),
            _ => (&[], None),
        }
    }

    /// The events of a scenario as written in `scenarios.csv`, shifted so the scenario starts at `at`
    /// (`None`: keep the file's starts).
    pub fn scenario_events(&self, scenario: usize, at: Option<f64>) -> Vec<RunEvent> {
        let sc: &Scenario = &self.model.scenarios[scenario];
        let first = sc
            .events
            .iter()
            .map(|e| e.start)
            .fold(f64::INFINITY, f64::min);
        sc.events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let start = match at {
                    Some(a) => a + (e.start - first),
                    None => e.start,
                };
                let (first, end) = event_steps(start, e.duration);
                RunEvent {
                    hit: Hit::Scenario {
                        scenario: scenario as u32,
                        event: i as u32,
                    },
                    factor: e.capacity_factor,
                    first,
                    end,
                }
            })
            .collect()
    }

    /// A fresh scratch (state of one run) in the undisrupted steady state.
    pub fn scratch(&self) -> Scratch {
        let m = self.model;
        Scratch {
            st: (0..m.stages.len())
                .map(|s| StageState {
                    inv: m.stages[s].inventory,
                    req: self.base_req[s],
                    target: self.base_target[s],
                    ship_plan: true,
                    last_step: u32::MAX,
                    replanned: false,
                    coasting: false,
                    made: 0.0,
                    dinv: 0.0,
                    off_out: false,
                })
                .collect(),
            buf: vec![0.0; m.groups.len()],
            dbuf: vec![0.0; m.groups.len()],
            arr: self.base_order.clone(),
            due: vec![Vec::new(); self.slots],
            order: self.base_order.clone(),
            sfac: vec![1.0; m.stages.len()],
            lfac: vec![1.0; m.lanes.len()],
            odirty: vec![0; self.words],
            odirty_list: Vec::new(),
            dirty_count: 0,
            sfac_prev: vec![1.0; m.stages.len()],
            lfac_prev: vec![1.0; m.lanes.len()],
            old_stages: Vec::new(),
            old_lanes: Vec::new(),
            seeds: vec![0; self.words],
            pending: vec![0; self.words * self.slots],
            pending_count: 0,
            awake: vec![0; self.words],
            awake_count: 0,
            last: self.base_order.clone(),
            moved: vec![false; m.sources.len()],
            moved_list: Vec::new(),
            touched_list: Vec::new(),
            fac_stages: Vec::new(),
            fac_lanes: Vec::new(),
            bounds: Vec::new(),
        }
    }

    /// Held orders, target and procurement of stage `s`; writes its orders and calls `changed(supplier)` for
    /// each source whose order changed or differs from plan (a supplier's re-routed extra depends on both).
    /// `pull`: procure for the target (the plan itself); otherwise procurement is frozen at plan plus the
    /// re-routed extra, within capacity. Returns (R, T, whether s deviates from plan, whether s ships its plan
    /// when it can fill its orders: every order it holds at plan and no lane from it slowed).
    fn plan(
        &self,
        s: StageIx,
        sfac: &[f64],
        lfac: &[f64],
        order: &mut [f64],
        pull: bool,
        mut changed: impl FnMut(StageIx),
    ) -> (f64, f64, bool, bool) {
        let m = self.model;
        let st = &m.stages[s.index()];
        let mut req = m.demand_of(s).map_or(0.0, |d| d.demand);
        let mut extra = 0.0;
        let mut partial_lane = false;
        let mut held_plan = true;
        for &k in m.buyers_of(s) {
            let o = order[k.index()];
            req += o;
            if let Some(l) = m.sources[k.index()].lane {
                partial_lane |= lfac[l.index()] < 1.0;
            }
            let base = self.base_order[k.index()];
            held_plan &= o == base;
            if !pull && o > base && self.rerouted(m.sources[k.index()].group, sfac, lfac) {
                extra += o - base;
            }
        }
        let f = sfac[s.index()];
        let cap = match st.capacity {
            Some(c) => c * f,
            None => req * f,
        };
        let target = req.min(cap).max(0.0);
        let buy = if pull {
            target
        } else {
            let want = self.base_target[s.index()] + extra;
            match st.capacity {
                Some(c) => want.min(c * f),
                None => want * f,
            }
            .max(0.0)
        };
        let mut dirty = f < 1.0 || partial_lane;
        for g in m.groups_of(s) {
            let grp = &m.groups[g.index()];
            let need = grp.qty * buy;
            let mut share = 0.0;
            let mut count = 0usize;
            for k in m.sources_of(g) {
                if self.available(k, sfac, lfac) {
                    share += m.sources[k.index()].share;
                    count += 1;
                }
            }
            for k in m.sources_of(g) {
                let o = if !self.available(k, sfac, lfac) {
                    0.0
                } else if share > 0.0 {
                    need * m.sources[k.index()].share / share
                } else {
                    need / count as f64
                };
                let base = self.base_order[k.index()];
                if o != order[k.index()] || o != base {
                    order[k.index()] = o;
                    changed(m.sources[k.index()].supplier);
                }
                dirty |= o != base;
            }
        }
        if !pull {
            dirty |= req != self.base_req[s.index()] || target != self.base_target[s.index()];
        }
        (req, target, dirty, held_plan && !partial_lane)
    }

    /// Whether some but not all sources of group `g` are unavailable: its buyer has re-routed orders.
    fn rerouted(&self, g: GroupIx, sfac: &[f64], lfac: &[f64]) -> bool {
        let mut up = 0usize;
        let mut down = 0usize;
        for k in self.model.sources_of(g) {
            if self.available(k, sfac, lfac) {
                up += 1;
            } else {
                down += 1;
            }
        }
        up > 0 && down > 0
    }

    #[inline]
    fn available(&self, k: SourceIx, sfac: &[f64], lfac: &[f64]) -> bool {
        let src = &self.model.sources[k.index()];
        sfac[src.supplier.index()] > 0.0 && src.lane.is_none_or(|l| lfac[l.index()] > 0.0)
    }

    /// Runs one disruption (a set of events) through the horizon, reporting shortfalls to `sink`, and leaves
    /// `scratch` back in the steady state.
    pub fn run(&self, events: &[RunEvent], scratch: &mut Scratch, sink: &mut dyn Sink) {
        let h = self.horizon;
        let sc = scratch;
        sc.bounds.clear();
        for e in events {
            if e.first < h && e.end > e.first {
                sc.bounds.push(e.first);
                if e.end < h {
                    sc.bounds.push(e.end);
                }
            }
        }
        if !self.skip {
            sc.bounds.push(0);
        }
        sc.bounds.sort_unstable();
        sc.bounds.dedup();
        if sc.bounds.is_empty() {
            return;
        }
        let bounds = std::mem::take(&mut sc.bounds);
        let mut bi = 0;
        for t in bounds[0]..h {
            if bi < bounds.len() && bounds[bi] == t {
                self.epoch(t, events, sc);
                bi += 1;
            }
            if bi == bounds.len() && sc.awake_count == 0 && sc.pending_count == 0 {
                break;
            }
            self.step(t, sc, sink);
            sink.step_done(t);
        }
        sc.bounds = bounds;
        self.reset(sc);
    }

    /// Applies the events active at step `t` and re-plans the stages whose orders may have changed.
    fn epoch(&self, t: usize, events: &[RunEvent], sc: &mut Scratch) {
        let m = self.model;
        for &s in &sc.fac_stages {
            sc.sfac[s as usize] = 1.0;
        }
        for &l in &sc.fac_lanes {
            sc.lfac[l as usize] = 1.0;
        }
        std::mem::swap(&mut sc.fac_stages, &mut sc.old_stages);
        std::mem::swap(&mut sc.fac_lanes, &mut sc.old_lanes);
        sc.fac_stages.clear();
        sc.fac_lanes.clear();
        for e in events.iter().filter(|e| e.first <= t && t < e.end) {
            let f = if e.factor.is_finite() {
                e.factor.clamp(0.0, 1.0)
            } else {
                0.0
            };
            if f >= 1.0 {
                continue;
            }
            for &s in self.hit_stages(e.hit) {
                if sc.sfac[s.index()] >= 1.0 {
                    sc.fac_stages.push(s.0);
                }
                sc.sfac[s.index()] = sc.sfac[s.index()].min(f);
            }
            let (ls, l1) = self.hit_lanes_slice(e.hit);
            for &l in ls.iter().chain(l1.iter()) {
                if sc.lfac[l.index()] >= 1.0 {
                    sc.fac_lanes.push(l.0);
                }
                sc.lfac[l.index()] = sc.lfac[l.index()].min(f);
            }
        }
        // Seeds: the stages whose factor changed (and, if they stopped or restarted, their buyers, which
        // re-route), and the suppliers over lanes whose factor changed (and, if closed or reopened, the buyers).
        // Everything else that changes is reached through changed orders, as `plan` is a function of the
        // factors and of the orders the stage holds.
        let set = |bits: &mut [u64], r: u32| bits[r as usize / 64] |= 1u64 << (r % 64);
        if !self.skip {
            for r in 0..m.stages.len() {
                set(&mut sc.seeds, r as u32);
            }
        }
        for &s in sc.old_stages.iter().chain(&sc.fac_stages) {
            let (old, new) = (sc.sfac_prev[s as usize], sc.sfac[s as usize]);
            if old == new {
                continue;
            }
            sc.sfac_prev[s as usize] = new;
            set(&mut sc.seeds, self.rank[s as usize]);
            if (old <= 0.0) != (new <= 0.0) {
                for &k in m.buyers_of(StageIx(s)) {
                    set(&mut sc.seeds, self.rank[m.buyer(k).index()]);
                }
            }
        }
        for &l in sc.old_lanes.iter().chain(&sc.fac_lanes) {
            let (old, new) = (sc.lfac_prev[l as usize], sc.lfac[l as usize]);
            if old == new {
                continue;
            }
            sc.lfac_prev[l as usize] = new;
            let flip = (old <= 0.0) != (new <= 0.0);
            for &k in &self.lane_src
                [self.lane_src_off[l as usize] as usize..self.lane_src_off[l as usize + 1] as usize]
            {
                set(
                    &mut sc.seeds,
                    self.rank[m.sources[k.index()].supplier.index()],
                );
                if flip {
                    set(&mut sc.seeds, self.rank[m.buyer(k).index()]);
                }
            }
        }
        // Buyers before suppliers: scan ranks downwards; a stage only marks its suppliers (lower ranks).
        for w in (0..self.words).rev() {
            while sc.seeds[w] != 0 {
                let b = 63 - sc.seeds[w].leading_zeros();
                sc.seeds[w] &= !(1u64 << b);
                let r = w * 64 + b as usize;
                let s = self.by_rank[r];
                let seeds = &mut sc.seeds;
                let rank = &self.rank;
                let (req, target, dirty, ship_plan) =
                    self.plan(s, &sc.sfac, &sc.lfac, &mut sc.order, false, |sup| {
                        let q = rank[sup.index()];
                        seeds[q as usize / 64] |= 1u64 << (q % 64);
                    });
                let x = &mut sc.st[s.index()];
                x.req = req;
                x.target = target;
                x.ship_plan = ship_plan;
                // Computed at least once more: its shipments (which persist) must follow the new orders.
                x.replanned = true;
                if sc.awake[w] >> b & 1 == 0 {
                    sc.awake[w] |= 1u64 << b;
                    sc.awake_count += 1;
                }
                let was = sc.odirty[w] >> b & 1 == 1;
                if dirty || !self.skip {
                    if !was {
                        sc.odirty[w] |= 1u64 << b;
                        sc.odirty_list.push(s.0);
                        sc.dirty_count += 1;
                    }
                } else if was {
                    // Left in `odirty_list` (restoring a stage on plan is harmless).
                    sc.odirty[w] &= !(1u64 << b);
                    sc.dirty_count -= 1;
                }
            }
        }
    }

    /// One step of the goods flow over the stages that may deviate from plan, in topological order.
    fn step(&self, t: usize, sc: &mut Scratch, sink: &mut dyn Sink) {
        let slot = t % self.slots;
        for &(k, x) in &sc.due[slot] {
            sc.arr[k as usize] = x;
        }
        let cur = slot * self.words;
        for w in 0..self.words {
            let mut bits = sc.awake[w] | sc.pending[cur + w];
            while bits != 0 {
                let b = bits.trailing_zeros();
                let r = w * 64 + b as usize;
                let fresh = sc.pending[cur + w] >> b & 1 == 1;
                let fixed =
                    t >= self.live[r] as usize || self.flow(self.by_rank[r], t, fresh, sc, sink);
                let bit = 1u64 << b;
                if fixed {
                    if sc.awake[w] & bit != 0 {
                        sc.awake[w] &= !bit;
                        sc.awake_count -= 1;
                    }
                } else if sc.awake[w] & bit == 0 {
                    sc.awake[w] |= bit;
                    sc.awake_count += 1;
                }
                bits &= bits - 1;
                // Same-step shipments (delay 0) mark later ranks of this word.
                let above = if b == 63 { 0 } else { !0u64 << (b + 1) };
                bits |= sc.pending[cur + w] & above;
            }
        }
        for w in 0..self.words {
            sc.pending_count -= sc.pending[cur + w].count_ones() as usize;
            sc.pending[cur + w] = 0;
        }
        sc.due[slot].clear();
    }

    /// Receives, produces and ships for one stage at step `t` (`fresh`: an arrival changed, or a wake-up).
    /// Returns whether the stage now coasts (see the module docs): same arrivals and output as at the step
    /// before, its stock and buffers changing by the same amount each step, none falling far enough to change
    /// its output before the wake-up it schedules.
    fn flow(
        &self,
        s: StageIx,
        t: usize,
        fresh: bool,
        sc: &mut Scratch,
        sink: &mut dyn Sink,
    ) -> bool {
        let si = s.index();
        let row = &self.rows[si];
        let x = &mut sc.st[si];
        if x.last_step == u32::MAX {
            sc.touched_list.push(s.0);
        }
        let groups = &self.grows[row.g0 as usize..row.g1 as usize];
        let bufs = &mut sc.buf[row.g0 as usize..row.g1 as usize];
        if x.coasting {
            // The steps it rested through, each adding the same to its buffers and stock (its output was the
            // same).
            let rested = (t - x.last_step as usize - 1) as f64;
            for (b, d) in bufs
                .iter_mut()
                .zip(&sc.dbuf[row.g0 as usize..row.g1 as usize])
            {
                *b += d * rested;
            }
            x.inv = (x.inv + x.dinv * rested).max(0.0);
            x.coasting = false;
        }
        let (target, req, inv, ship_plan, off_out) =
            (x.target, x.req, x.inv, x.ship_plan, x.off_out);
        let mut fixed =
            self.skip && !fresh && !x.replanned && x.last_step.wrapping_add(1) as usize == t;
        let made_before = x.made;
        x.last_step = t as u32;
        x.replanned = false;
        let mut old = [0.0f64; 16];
        if bufs.len() <= old.len() {
            old[..bufs.len()].copy_from_slice(bufs);
        } else {
            fixed = false;
        }
        let mut made = target;
        let mut gots = [0.0f64; 16];
        for (k, (g, b)) in groups.iter().zip(bufs.iter_mut()).enumerate() {
            let mut got = 0.0;
            for &a in &sc.arr[g.k0 as usize..g.k1 as usize] {
                got += a;
            }
            if k < gots.len() {
                gots[k] = got;
            }
            *b += got;
            // A plain comparison, not `f64::min` (whose NaN handling costs three more instructions in the
            // hottest loop of a Monte Carlo run); buffers and quantities are finite.
            if g.qty > 0.0 && *b < made * g.qty {
                made = *b / g.qty;
            }
        }
        // Arrivals are sums of shares, so a planned buffer can miss `qty x target` by rounding.
        if made > target * (1.0 - EPS) {
            made = target;
        }
        let made = made.max(0.0);
        // Steps it may rest before a buffer it draws down could cut its output (two short of the exact count).
        let mut rest = f64::INFINITY;
        for (k, (g, b)) in groups.iter().zip(bufs.iter_mut()).enumerate() {
            let left = *b - g.qty * made;
            *b = if left > 0.0 { left } else { 0.0 };
            if k < old.len() && *b < old[k] {
                rest = rest.min(((*b + gots[k] - g.qty * made) / (old[k] - *b)).floor());
            }
        }
        fixed &= made == made_before;
        let avail = made + inv;
        let ratio = if req > avail && req > 0.0 {
            avail / req
        } else {
            1.0
        };
        let (shipped, off) = if ratio == 1.0 && ship_plan && !off_out {
            // Every flow at plan (the sum `ship` would make), as the last shipments were: nothing to send.
            (row.base_ship, false)
        } else {
            // A platform short this step records it every step: it does not rest.
            fixed &= row.demand_row == NONE || ratio == 1.0;
            self.ship(row, t, ratio, sc, sink)
        };
        let inv_after = (avail - shipped).max(0.0);
        let x = &mut sc.st[si];
        x.inv = inv_after;
        x.off_out = off;
        x.made = made;
        // Same arrivals and output as the step before: every later step repeats this one, except that the
        // buffers of inputs it does not use up grow by the same amount each step, and so does its stock (or it
        // falls) while it fills every order. It rests (coasts) until an arrival or its orders change, or until
        // two steps before its stock could no longer fill its orders, and catches up its buffers and stock then.
        let dinv = inv_after - inv;
        let mut fixed = fixed && (dinv == 0.0 || ratio == 1.0);
        if dinv < 0.0 {
            // ... and before its stock could no longer fill every order.
            rest = rest.min(((inv_after + made - req) / -dinv).floor());
        }
        // Anything but +inf (no limit) bounds the rest; NaN or too short a rest means no rest.
        if fixed && rest != f64::INFINITY {
            let k = if rest.is_nan() {
                0.0
            } else {
                rest.min(self.slots as f64 - 1.0)
            };
            if k >= 2.0 {
                let at = t + k as usize;
                let r = self.rank[si];
                // Past the stage's `live` nothing it does matters: no wake-up (it would only delay the end).
                if at < self.live[r as usize] as usize {
                    let p = (at % self.slots) * self.words + r as usize / 64;
                    let bit = 1u64 << (r % 64);
                    if sc.pending[p] & bit == 0 {
                        sc.pending[p] |= bit;
                        sc.pending_count += 1;
                    }
                }
            } else {
                fixed = false;
            }
        }
        let x = &mut sc.st[si];
        if fixed {
            x.coasting = true;
            x.dinv = dinv;
            let bufs = &sc.buf[row.g0 as usize..row.g1 as usize];
            for ((d, b), o) in sc.dbuf[row.g0 as usize..row.g1 as usize]
                .iter_mut()
                .zip(bufs)
                .zip(old)
            {
                *d = b - o;
            }
        }
        fixed
    }

    /// Ships a fraction `ratio` of every order a stage holds (and of its demand); returns the total, and
    /// whether a shipment on an arc that still matters is off plan.
    fn ship(
        &self,
        row: &StageRow,
        t: usize,
        ratio: f64,
        sc: &mut Scratch,
        sink: &mut dyn Sink,
    ) -> (f64, bool) {
        let h = self.horizon;
        let mut shipped = 0.0;
        let mut off = false;
        for a in &self.arcs[row.s0 as usize..row.s1 as usize] {
            let k = a.k as usize;
            let lf = if a.lane == NONE {
                1.0
            } else {
                sc.lfac[a.lane as usize]
            };
            let x = sc.order[k] * ratio * lf;
            shipped += x;
            // Nobody reads an arrival after the buyer stops mattering (and `live <= H`). A shipment equal to
            // the last one changes nothing: arrivals persist until the next shipment lands.
            if t >= a.stop as usize {
                continue;
            }
            if x != sc.last[k] {
                if !sc.moved[k] {
                    sc.moved[k] = true;
                    sc.moved_list.push(a.k);
                }
                sc.last[k] = x;
                let at = t + a.delay as usize;
                let slot = at % self.slots;
                if a.delay == 0 {
                    sc.arr[k] = x;
                } else {
                    sc.due[slot].push((a.k, x));
                }
                // The buyer is computed when it lands, whatever it is asleep on.
                let p = slot * self.words + a.rank as usize / 64;
                let bit = 1u64 << (a.rank % 64);
                if sc.pending[p] & bit == 0 {
                    sc.pending[p] |= bit;
                    sc.pending_count += 1;
                }
            }
            off |= x != a.base;
        }
        if row.demand_row != NONE {
            let r = row.demand_row as usize;
            let d = self.model.demands[r].demand;
            let served = d * ratio;
            shipped += served;
            let at = t + self.demand_delay[r] as usize;
            let short = d - served;
            if at < h && short > EPS * d.max(1e-300) {
                sink.short(r, at, short);
            }
        }
        (shipped, off)
    }

    /// Puts every touched piece of state back to the steady state.
    fn reset(&self, sc: &mut Scratch) {
        let m = self.model;
        for &s in &sc.touched_list {
            let st = StageIx(s);
            sc.st[s as usize].last_step = u32::MAX;
            sc.st[s as usize].replanned = false;
            sc.st[s as usize].coasting = false;
            sc.st[s as usize].made = 0.0;
            sc.st[s as usize].off_out = false;
            sc.st[s as usize].inv = m.stages[s as usize].inventory;
            for g in m.groups_of(st) {
                sc.buf[g.index()] = 0.0;
            }
        }
        sc.touched_list.clear();
        for due in &mut sc.due {
            due.clear();
        }
        for &k in &sc.moved_list {
            let k = k as usize;
            sc.arr[k] = self.base_order[k];
            sc.last[k] = self.base_order[k];
            sc.moved[k] = false;
        }
        sc.moved_list.clear();
        if sc.awake_count != 0 {
            sc.awake.fill(0);
            sc.awake_count = 0;
        }
        for &s in &sc.odirty_list {
            let st = StageIx(s);
            sc.odirty[self.rank[s as usize] as usize / 64] = 0;
            let x = &mut sc.st[s as usize];
            x.req = self.base_req[s as usize];
            x.target = self.base_target[s as usize];
            x.ship_plan = true;
            // Re-planned, perhaps never computed.
            x.replanned = false;
            for g in m.groups_of(st) {
                for k in m.sources_of(g) {
                    sc.order[k.index()] = self.base_order[k.index()];
                }
            }
        }
        sc.odirty_list.clear();
        sc.dirty_count = 0;
        for &s in &sc.fac_stages {
            sc.sfac[s as usize] = 1.0;
            sc.sfac_prev[s as usize] = 1.0;
        }
        for &l in &sc.fac_lanes {
            sc.lfac[l as usize] = 1.0;
            sc.lfac_prev[l as usize] = 1.0;
        }
        sc.fac_stages.clear();
        sc.fac_lanes.clear();
        if sc.pending_count != 0 {
            sc.pending.fill(0);
            sc.pending_count = 0;
        }
    }

    /// Simulates scenario `name` as written in `scenarios.csv`, recording every platform's series.
    pub fn simulate_scenario(&self, name: &str) -> Result<SimResult, SimError> {
        self.simulate_scenario_with_progress(name, &|_| {})
    }

    /// [`Self::simulate_scenario`], calling `progress(t)` after each step `t` (for a progress bar).
    pub fn simulate_scenario_with_progress(
        &self,
        name: &str,
        progress: &dyn Fn(usize),
    ) -> Result<SimResult, SimError> {
        let ix = self
            .model
            .scenarios
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| SimError::UnknownScenario(name.to_string()))?;
        Ok(self.simulate_with_progress(&self.scenario_events(ix, None), progress))
    }

    /// Simulates a set of events, recording every platform's series.
    pub fn simulate(&self, events: &[RunEvent]) -> SimResult {
        self.simulate_with_progress(events, &|_| {})
    }

    /// [`Self::simulate`], calling `progress(t)` after each step `t`.
    pub fn simulate_with_progress(
        &self,
        events: &[RunEvent],
        progress: &dyn Fn(usize),
    ) -> SimResult {
        let m = self.model;
        let h = self.horizon;
        let mut rec = Recorder {
            short: vec![vec![0.0; h]; m.demands.len()],
            progress,
        };
        let mut sc = self.scratch();
        self.run(events, &mut sc, &mut rec);
        let start = events.iter().map(|e| e.first).min().filter(|&s| s < h);
        let platforms: Vec<PlatformSeries> = m
            .demands
            .iter()
            .zip(rec.short)
            .map(|(d, short)| {
                let delivered: Vec<f64> = short.iter().map(|x| d.demand - x).collect();
                let mut cum = 0.0;
                let cum_loss: Vec<f64> = short
                    .iter()
                    .map(|x| {
                        cum += x * d.loss_per_unit;
                        cum
                    })
                    .collect();
                let first = short.iter().position(|&x| x > 0.0);
                let last = short.iter().rposition(|&x| x > 0.0);
                PlatformSeries {
                    stage: m.stages[d.stage.index()].id.clone(),
                    demand: d.demand,
                    loss_per_unit: d.loss_per_unit,
                    first_shortfall: first,
                    recovery: last.and_then(|l| (l + 1 < h).then_some(l + 1)),
                    steps_short: short.iter().filter(|&&x| x > 0.0).count(),
                    total_shortfall: short.iter().sum(),
                    loss: cum,
                    delivered,
                    shortfall: short,
                    cum_loss,
                }
            })
            .collect();
        let first = platforms.iter().filter_map(|p| p.first_shortfall).min();
        let any_unrecovered = platforms
            .iter()
            .any(|p| p.first_shortfall.is_some() && p.recovery.is_none());
        SimResult {
            horizon: h,
            steady_baseline: self.steady,
            disruption_start: start,
            first_shortfall: first,
            time_to_survive: match (first, start) {
                (Some(f), Some(s)) => Some(f.saturating_sub(s)),
                (Some(f), None) => Some(f),
                _ => None,
            },
            recovery: if any_unrecovered {
                None
            } else {
                platforms.iter().filter_map(|p| p.recovery).max()
            },
            total_loss: platforms.iter().map(|p| p.loss).sum(),
            platforms,
        }
    }
}

/// The mutable state of one run, reused across runs (one per thread).
#[derive(Debug, Clone)]
pub struct Scratch {
    st: Vec<StageState>,
    buf: Vec<f64>,
    /// Per group: what a coasting stage's buffer gains per step.
    dbuf: Vec<f64>,
    /// What arrives each step on each source: the last shipment that landed on it (plan until one does).
    arr: Vec<f64>,
    /// Per arrival slot (`step % slots`): the shipments landing then (each differs from the one before it).
    due: Vec<Vec<(u32, f64)>>,
    order: Vec<f64>,
    sfac: Vec<f64>,
    lfac: Vec<f64>,
    odirty: Vec<u64>,
    /// Stages that were order-dirty at some point of the run (for the reset), and how many are now.
    odirty_list: Vec<u32>,
    dirty_count: usize,
    /// The factors the current orders were planned with, and the previous epoch's slowed stages and lanes.
    sfac_prev: Vec<f64>,
    lfac_prev: Vec<f64>,
    old_stages: Vec<u32>,
    old_lanes: Vec<u32>,
    seeds: Vec<u64>,
    pending: Vec<u64>,
    pending_count: usize,
    /// By rank: stages computed at the next step whatever arrives (not coasting), and how many.
    awake: Vec<u64>,
    awake_count: usize,
    /// Per source: the last shipment sent (what arrives once it lands, and after, until the next one);
    /// sources whose last shipment left the plan at some point (for the reset).
    last: Vec<f64>,
    moved: Vec<bool>,
    moved_list: Vec<u32>,
    touched_list: Vec<u32>,
    fac_stages: Vec<u32>,
    fac_lanes: Vec<u32>,
    bounds: Vec<usize>,
}

/// What the goods flow reads of a stage: its groups `g0..g1`, its shipping arcs `s0..s1`, its demand row
/// (`NONE`: none), and what it ships per step on plan.
#[derive(Debug, Clone, Copy)]
struct StageRow {
    g0: u32,
    g1: u32,
    s0: u32,
    s1: u32,
    demand_row: u32,
    base_ship: f64,
}

/// A group's sources `k0..k1` and quantity per unit of output.
#[derive(Debug, Clone, Copy)]
struct GroupRow {
    k0: u32,
    k1: u32,
    qty: f64,
}

/// A source seen from its supplier: the source, its delay, its lane (`NONE`: none), the buyer's rank and the
/// planned flow.
#[derive(Debug, Clone, Copy)]
struct Arc {
    k: u32,
    delay: u32,
    lane: u32,
    rank: u32,
    base: f64,
    /// First step whose shipment arrives too late to matter (`live` of the buyer minus the delay), kept here
    /// to spare `ship` a random read of `live`.
    stop: u32,
}

/// The per-stage state of a run: stock, held orders, target, whether it ships its plan when it can fill its
/// orders, and what coasting needs (when it was last computed, its output, how its stock moves).
#[derive(Debug, Clone, Copy)]
struct StageState {
    inv: f64,
    req: f64,
    target: f64,
    ship_plan: bool,
    /// Step the stage was last computed at in this run (`u32::MAX`: never, so not yet in `touched_list`).
    last_step: u32,
    /// Re-planned since it was last computed.
    replanned: bool,
    /// Resting since `last_step`: every skipped step adds `dbuf` to its buffers and `dinv` to its stock.
    coasting: bool,
    /// Output of the last computed step.
    made: f64,
    /// While coasting: what its stock gains per step.
    dinv: f64,
    /// Some shipment it sent last, on an arc that still matters, is off plan.
    off_out: bool,
}

struct Recorder<'p> {
    short: Vec<Vec<f64>>,
    progress: &'p dyn Fn(usize),
}

impl Sink for Recorder<'_> {
    fn short(&mut self, row: usize, step: usize, units: f64) {
        self.short[row][step] += units;
    }
    fn step_done(&mut self, t: usize) {
        (self.progress)(t + 1);
    }
}

/// One platform's (demand row's) series over the horizon.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformSeries {
    pub stage: String,
    pub demand: f64,
    pub loss_per_unit: f64,
    pub delivered: Vec<f64>,
    pub shortfall: Vec<f64>,
    pub cum_loss: Vec<f64>,
    /// First step with a shortfall.
    pub first_shortfall: Option<usize>,
    /// First step after the last shortfall (`None`: no shortfall, or still short at the horizon's last step).
    pub recovery: Option<usize>,
    pub steps_short: usize,
    pub total_shortfall: f64,
    pub loss: f64,
}

/// The result of simulating one disruption.
#[derive(Clone, Debug, Serialize)]
pub struct SimResult {
    pub horizon: usize,
    /// False when the undisrupted model already falls short (its shortfall is then included).
    pub steady_baseline: bool,
    /// First step of the earliest event.
    pub disruption_start: Option<usize>,
    /// First step any platform is short.
    pub first_shortfall: Option<usize>,
    /// Whole steps of full service from the disruption's start: `first_shortfall - disruption_start`.
    pub time_to_survive: Option<usize>,
    /// First step from which no platform is short again until the horizon (`None`: no shortfall, or some
    /// platform still short at the last step).
    pub recovery: Option<usize>,
    pub total_loss: f64,
    pub platforms: Vec<PlatformSeries>,
}
