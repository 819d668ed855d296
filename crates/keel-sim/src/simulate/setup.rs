//! Set-up of the simulation: the per-model structures every run reads (ranks, delays, planned rates and
//! orders, compressed adjacency, which stages each event hits, how long each stage stays live), the events of a
//! named scenario, and a fresh scratch in the steady state.
//!
//! # Complexity
//! O(stages + arcs) time and memory, once per model; a scratch is O(stages + arcs + max delay x stages / 64).

use super::*;

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
        let n = model.stages().len();
        let mut rank = vec![0u32; n];
        let by_rank: Vec<StageIx> = model.topo_order().to_vec();
        for (r, s) in by_rank.iter().enumerate() {
            rank[s.index()] = r as u32;
        }
        let delay: Vec<u32> = model
            .sources()
            .iter()
            .map(|src| {
                let lt = model.stages()[src.supplier.index()].lead_time;
                let tt = src
                    .lane
                    .map_or(0.0, |l| model.lanes()[l.index()].transit_time);
                steps_of(lt + tt)
            })
            .collect();
        let demand_delay: Vec<u32> = model
            .demands()
            .iter()
            .map(|d| steps_of(model.stages()[d.stage.index()].lead_time))
            .collect();
        let mut demand_row = vec![NONE; n];
        for (i, d) in model.demands().iter().enumerate() {
            demand_row[d.stage.index()] = i as u32;
        }
        let max_d = delay
            .iter()
            .filter(|&&d| (d as usize) < horizon)
            .max()
            .map_or(0, |&d| d as usize);
        let grows: Vec<GroupRow> = (0..model.groups().len())
            .map(|g| {
                let ks = model.sources_of(GroupIx::new(g));
                let k0 = ks.clone().next().map_or(0, |k| k.0);
                GroupRow {
                    k0,
                    k1: k0 + ks.len() as u32,
                    qty: model.groups()[g].qty,
                }
            })
            .collect();
        let mut rows = Vec::with_capacity(n);
        let mut arcs = Vec::with_capacity(model.sources().len());
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
                lane: model.sources()[k.index()].lane.map_or(NONE, |l| l.0),
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
            model.lanes().len(),
            model
                .sources()
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.lane.map(|l| (l.index(), SourceIx::new(k)))),
        );
        let mut ev_off = vec![0u32];
        let mut ev_pairs = Vec::new();
        let mut ev_lane_pairs = Vec::new();
        let mut e_ix = 0usize;
        for sc in model.scenarios() {
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
            model.firms().len(),
            (0..n).map(|s| (model.stage_firm(StageIx::new(s)).index(), StageIx::new(s))),
        );
        let (site_off, site_stages) = csr(
            model.sites().len(),
            model
                .stages()
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
            base_order: vec![0.0; model.sources().len()],
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
        let lfac = vec![1.0; model.lanes().len()];
        let mut order = vec![0.0; model.sources().len()];
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

    pub(super) fn hit_lanes_slice(&self, h: Hit) -> (&[LaneIx], Option<LaneIx>) {
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
        let sc: &Scenario = &self.model.scenarios()[scenario];
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
            st: (0..m.stages().len())
                .map(|s| StageState {
                    inv: m.stages()[s].inventory,
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
            buf: vec![0.0; m.groups().len()],
            dbuf: vec![0.0; m.groups().len()],
            arr: self.base_order.clone(),
            due: vec![Vec::new(); self.slots],
            order: self.base_order.clone(),
            sfac: vec![1.0; m.stages().len()],
            lfac: vec![1.0; m.lanes().len()],
            odirty: vec![0; self.words],
            odirty_list: Vec::new(),
            dirty_count: 0,
            sfac_prev: vec![1.0; m.stages().len()],
            lfac_prev: vec![1.0; m.lanes().len()],
            old_stages: Vec::new(),
            old_lanes: Vec::new(),
            seeds: vec![0; self.words],
            pending: vec![0; self.words * self.slots],
            pending_count: 0,
            awake: vec![0; self.words],
            awake_count: 0,
            last: self.base_order.clone(),
            moved: vec![false; m.sources().len()],
            moved_list: Vec::new(),
            touched_list: Vec::new(),
            fac_stages: Vec::new(),
            fac_lanes: Vec::new(),
            bounds: Vec::new(),
        }
    }
}
