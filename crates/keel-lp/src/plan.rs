//! The undisrupted plan of a model and its feasible point: what every LP of the engine starts from. No solver.
//!
//! **What it computes.**
//! - Planned rates: end demand pushed down the planned shares (normalised to sum to 1 per input group), the
//!   Leontief requirement `x_s = d_s + sum_{buyers} qty share x_buyer`, in reverse topological order.
//! - Components: platforms are coupled when their upstream closures share a stage; the classes (union-find over
//!   platforms, numbered by their first platform in demand.csv order, stages in topological order) split the
//!   stress LP into independent blocks (docs/methods/stress-lp.md, "Decomposition").
//! - Per component, whether the plan fits every capacity; if so the undisrupted LP needs no solve and the
//!   region solver applies.
//! - `x0`, a feasible undisrupted point that meets all demand and keeps spare output (reserve) wherever there is
//!   capacity, and the activity of every balance row at `x0`.
//! - Per stage, an exact penalty: a bound on the loss one more unit of its output per time unit can avert.
//!
//! # Complexity
//! O(stages + arcs) time and memory (union-find with path halving: near-linear).

use keel_model::{GroupIx, LaneIx, Model, SourceIx, StageIx, NONE};

/// The undisrupted plan of one model.
#[derive(Debug)]
pub(crate) struct Plan<'m> {
    model: &'m Model,
    /// Share of each source in its group, normalised to sum to 1.
    share: Vec<f64>,
    /// Planned throughput per time unit of each stage (demand pushed down the planned shares).
    rate: Vec<f64>,
    /// Component of each stage; `NONE` for stages that feed no platform.
    comp: Vec<u32>,
    comp_stages: Vec<Vec<StageIx>>,
    /// Position of each stage within its component, suppliers first.
    local: Vec<u32>,
    /// Sources shipped over each lane.
    lane_sources: Vec<Vec<SourceIx>>,
    /// Per component: the planned rates fit every capacity.
    plan_fits: Vec<bool>,
    /// Per stage: an upper bound on the loss one more unit of its output per time unit can avert (max of its
    /// own loss per unit and, over its buyers, theirs divided by the quantity they use), doubled plus one: a
    /// shortfall of its balance row priced at this is never worth it (exact penalty).
    penalty: Vec<f64>,
    /// `x0`: production per stage and shipment per source.
    x0_u: Vec<f64>,
    x0_y: Vec<f64>,
    /// Per stage: what its buyers in its component draw from it at `x0` (summed once: a region's balance rows
    /// and the certificate need it for every stage they touch, and raw-material stages have thousands of buyers).
    x0_drawn: Vec<f64>,
    /// Per stage: `x0_drawn - x0_u`, the activity of its balance row at `x0` (summed from `-x0_u` in buyer
    /// order, as the restricted LP always has, so its right-hand sides keep every digit).
    x0_net: Vec<f64>,
}

impl<'m> Plan<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        let n = model.stages().len();
        // Shares as fractions of their group's total: the model accepts sums within 1e-6 of 1, and a plan that
        // pushes demand by unnormalised shares would miss its own group rows by that much.
        let mut share: Vec<f64> = model.sources().iter().map(|src| src.share).collect();
        for g in 0..model.groups().len() {
            let g = GroupIx::new(g);
            let total: f64 = model.sources_of(g).map(|a| share[a.index()]).sum();
            if total > 0.0 {
                for a in model.sources_of(g) {
                    share[a.index()] /= total;
                }
            }
        }
        // Reverse topological order visits buyers before their suppliers.
        let mut rate = vec![0.0; n];
        for d in model.demands() {
            rate[d.stage.index()] += d.demand;
        }
        for &s in model.topo_order().iter().rev() {
            let r = rate[s.index()];
            if r == 0.0 {
                continue;
            }
            for g in model.groups_of(s) {
                let qty = model.groups()[g.index()].qty;
                for a in model.sources_of(g) {
                    let src = &model.sources()[a.index()];
                    rate[src.supplier.index()] += r * qty * share[a.index()];
                }
            }
        }
        let (comp, comp_stages, local) = components(model);
        let mut lane_sources = vec![Vec::new(); model.lanes().len()];
        for (k, src) in model.sources().iter().enumerate() {
            if let Some(l) = src.lane {
                lane_sources[l.index()].push(SourceIx::new(k));
            }
        }
        let mut value = vec![0.0_f64; n];
        for &s in model.topo_order().iter().rev() {
            let own = model.demand_of(s).map_or(0.0, |d| d.loss_per_unit);
            let via = model.buyers_of(s).iter().fold(0.0_f64, |v, &a| {
                let g = &model.groups()[model.sources()[a.index()].group.index()];
                v.max(value[model.buyer(a).index()] / g.qty)
            });
            value[s.index()] = own.max(via);
        }
        // Twice the bound, plus one, keeps a margin over round-off in the duals.
        let penalty = value.iter().map(|v| 2.0 * v + 1.0).collect();
        let plan_fits = comp_stages
            .iter()
            .map(|stages| {
                stages.iter().all(|&s| {
                    let r = rate[s.index()];
                    r.is_finite()
                        && model.stages()[s.index()]
                            .capacity
                            .is_none_or(|cap| r <= cap)
                })
            })
            .collect();
        let mut plan = Plan {
            model,
            share,
            rate,
            comp,
            comp_stages,
            local,
            lane_sources,
            plan_fits,
            penalty,
            x0_u: Vec::new(),
            x0_y: Vec::new(),
            x0_drawn: Vec::new(),
            x0_net: Vec::new(),
        };
        (plan.x0_u, plan.x0_y) = plan.reserve_plan();
        (plan.x0_drawn, plan.x0_net) = (0..n)
            .map(|i| {
                let c = plan.comp[i];
                let (mut drawn, mut net) = (0.0, -plan.x0_u[i]);
                for &a in model.buyers_of(StageIx::new(i)) {
                    if c != NONE && plan.comp[model.buyer(a).index()] == c {
                        drawn += plan.x0_y[a.index()];
                        net += plan.x0_y[a.index()];
                    }
                }
                (drawn, net)
            })
            .unzip();
        plan
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
        let mut y: Vec<f64> = (0..m.sources().len())
            .map(|a| self.planned_flow(SourceIx::new(a)))
            .collect();
        // Offer of each source's supplier to it.
        let mut offer = vec![0.0; m.sources().len()];
        for &s in m.topo_order() {
            let k = s.index();
            if self.comp[k] == NONE || !self.plan_fits[self.comp[k] as usize] {
                continue;
            }
            let head = match m.stages()[k].capacity {
                Some(cap) => (cap - self.rate[k]).max(0.0),
                None => self.rate[k],
            };
            let mut e = head;
            for g in m.groups_of(s) {
                let avail: f64 = m.sources_of(g).map(|a| offer[a.index()]).sum();
                e = e.min(avail / m.groups()[g.index()].qty);
            }
            // NaN (a zero-quantity group) or negative: no extra output.
            if e.is_nan() || e < 0.0 {
                e = 0.0;
            }
            u[k] = self.rate[k] + e;
            for g in m.groups_of(s) {
                let avail: f64 = m.sources_of(g).map(|a| offer[a.index()]).sum();
                if avail > 0.0 && e > 0.0 {
                    let need = m.groups()[g.index()].qty * e;
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

    pub(crate) fn model(&self) -> &'m Model {
        self.model
    }

    /// Planned throughput per time unit of a stage.
    pub(crate) fn rate(&self, s: StageIx) -> f64 {
        self.rate[s.index()]
    }

    /// What source `a` ships per time unit in the plan (its buyer's planned rate pushed down its share).
    pub(crate) fn planned_flow(&self, a: SourceIx) -> f64 {
        let m = self.model;
        let g = &m.groups()[m.sources()[a.index()].group.index()];
        self.rate[g.stage.index()] * g.qty * self.share[a.index()]
    }

    /// Normal output rate bound of a stage per time unit, scaled by `f`: its capacity, or for a stage without
    /// one its planned rate (an outage of such a stage limits it to `f` times what it normally makes).
    pub(crate) fn rate_bound(&self, s: StageIx, f: f64) -> f64 {
        match self.model.stages()[s.index()].capacity {
            Some(cap) => cap * f,
            None => self.rate[s.index()] * f,
        }
    }

    /// Component of stage `s`, `NONE` if it feeds no platform.
    pub(crate) fn comp(&self, s: StageIx) -> u32 {
        self.comp[s.index()]
    }

    /// Number of components.
    pub(crate) fn components(&self) -> usize {
        self.comp_stages.len()
    }

    /// Stages of component `c`, suppliers first.
    pub(crate) fn stages(&self, c: u32) -> &[StageIx] {
        &self.comp_stages[c as usize]
    }

    /// Position of stage `s` in its component, suppliers first (topological order).
    pub(crate) fn topo_rank(&self, s: StageIx) -> u32 {
        self.local[s.index()]
    }

    /// Whether the planned rates of component `c` fit every capacity.
    pub(crate) fn plan_fits(&self, c: u32) -> bool {
        self.plan_fits[c as usize]
    }

    /// Number of components whose plan fits every capacity.
    pub(crate) fn fitting_components(&self) -> usize {
        self.plan_fits.iter().filter(|&&f| f).count()
    }

    pub(crate) fn sources_on_lane(&self, l: LaneIx) -> impl Iterator<Item = SourceIx> + '_ {
        self.lane_sources[l.index()].iter().copied()
    }

    /// Exact penalty of a shortfall on stage `s`'s balance row.
    pub(crate) fn penalty(&self, s: StageIx) -> f64 {
        self.penalty[s.index()]
    }

    /// Production of stage `s` at `x0`.
    pub(crate) fn x0_u(&self, s: StageIx) -> f64 {
        self.x0_u[s.index()]
    }

    /// Shipment of source `a` at `x0`.
    pub(crate) fn x0_y(&self, a: usize) -> f64 {
        self.x0_y[a]
    }

    /// What stage `s`'s buyers in its component draw from it at `x0`.
    pub(crate) fn x0_drawn(&self, s: StageIx) -> f64 {
        self.x0_drawn[s.index()]
    }

    /// Activity of stage `s`'s balance row at `x0`.
    pub(crate) fn x0_net(&self, s: StageIx) -> f64 {
        self.x0_net[s.index()]
    }
}

/// Union-find over platforms: a stage joins the classes of every platform it feeds. Returns the component of
/// every stage, the stages of every component (topological order) and each stage's position in its component.
fn components(model: &Model) -> (Vec<u32>, Vec<Vec<StageIx>>, Vec<u32>) {
    let n = model.stages().len();
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
    (comp, comp_stages, local)
}
