//! A no-loss certificate for one disruption: a feasible point of the per-unit-time stress LP that loses no
//! demand, found by rationing shortfalls downstream, without an LP solve.
//!
//! **What it computes.** Whether the loss LP at `θ = 1/t` (docs/methods/stress-lp.md) has an optimum of 0,
//! proven by exhibiting a feasible point with no lost demand; `false` means "not proven", and the caller solves
//! the LP. A yes at `θ` also holds at every larger `θ` (more stock per time unit), so a yes at `1/horizon`
//! proves both PI = 0 and TTS >= horizon.
//!
//! **Method.** Start from the undisrupted plan `x0` of `plan.rs` (feasible, all demand met, with spare
//! output) and apply the disruption's bounds. Visit stages suppliers first (topological order); at each:
//! 1. Inputs: a multi-sourced input group that receives less than it needs moves the difference to its other
//!    sources, as far as their suppliers' spare output (slack) and lane bounds allow, freeing spare where
//!    needed from those suppliers' other buyers (as in 2); what is still missing, rechecked over every group
//!    once the freeing is done, cuts the stage's production.
//! 2. Output: a balance row in deficit (production plus stock `inventory·θ` below what its buyers draw and its
//!    demand) first takes what its buyers can give up without a deficit of their own (flow beyond their need,
//!    then production down to their slack, freed in turn from their buyers, three tiers down at most), then
//!    rations the rest of its buyers' draws: first those of multi-sourced groups whose other sources have
//!    spare output, as far as that spare goes, then all of them in proportion; each rationed buyer is visited
//!    in turn. A deficit that reaches a platform's own demand is lost demand: no certificate (the pass still
//!    goes on, to record in `cut` how far the disruption reaches).
//!
//! Draws of single-sourced groups are `qty·u` in the LP; a buyer that cuts production keeps the old draw in
//! the books here, so the tracked slack of every row is at most its true slack, and the point is feasible
//! whenever every tracked slack is >= 0. Demand is served first, so no loss is ever accepted.
//!
//! # Complexity
//! O((stages visited + their arcs) · log(stages visited)): only the part of the network the disruption reaches.

use crate::disruption::{bound_of, Bounds};
use crate::plan::Plan;
use keel_model::{SourceIx, StageIx};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Relative tolerance on balances: round-off in the rationing arithmetic, far below the LP's own.
const TOL: f64 = 1e-12;
/// Tiers below a buyer that may give up spare output for it.
const FREE_DEPTH: u32 = 3;
/// Buyers the freeing of spare may visit in one pass: a bound on its work whatever the fan-out (past it, the
/// pass goes on without freeing; only the chance of a certificate drops).
const FREE_BUDGET: u32 = 100_000;

/// Per-thread scratch: the point being repaired, where it differs from `x0`.
#[derive(Debug)]
pub(crate) struct Repair {
    /// Production per stage, NaN where it is still `x0`'s.
    u: Vec<f64>,
    /// Slack of each balance row, NaN where not computed yet.
    slack: Vec<f64>,
    /// Flow per source, NaN where it is still `x0`'s.
    y: Vec<f64>,
    touched_stages: Vec<StageIx>,
    touched_sources: Vec<usize>,
    /// Stages whose production the last pass cut: where a disruption's effects show, to seed LP regions.
    cut: Vec<StageIx>,
    queued: Vec<bool>,
    heap: BinaryHeap<Reverse<(u32, u32)>>,
    /// Buyer visits left to [`Ctx::free_up`] in this pass.
    budget: u32,
}

impl Repair {
    pub(crate) fn new(stages: usize, sources: usize) -> Self {
        Repair {
            u: vec![f64::NAN; stages],
            slack: vec![f64::NAN; stages],
            y: vec![f64::NAN; sources],
            touched_stages: Vec::new(),
            touched_sources: Vec::new(),
            cut: Vec::new(),
            queued: vec![false; stages],
            heap: BinaryHeap::new(),
            budget: 0,
        }
    }

    /// Stages whose production the last [`no_loss_certificate`] pass cut.
    pub(crate) fn cut(&self) -> &[StageIx] {
        &self.cut
    }

    fn reset(&mut self) {
        for s in self.touched_stages.drain(..) {
            self.u[s.index()] = f64::NAN;
            self.slack[s.index()] = f64::NAN;
            self.queued[s.index()] = false;
        }
        for a in self.touched_sources.drain(..) {
            self.y[a] = f64::NAN;
        }
        self.heap.clear();
    }
}

/// Whether a feasible point of component `c`'s loss LP at `θ` under `bounds` loses no demand (see the
/// module docs). `false` means only that rationing did not find one.
pub(crate) fn no_loss_certificate(
    plan: &Plan<'_>,
    c: u32,
    rp: &mut Repair,
    bounds: &Bounds,
    theta: f64,
) -> bool {
    let ok = ration(plan, c, rp, bounds, theta);
    rp.cut.clear();
    for &s in &rp.touched_stages {
        if rp.u[s.index()] < plan.x0_u(s) {
            rp.cut.push(s);
        }
    }
    rp.reset();
    ok
}

/// The pass's answer and its final point (production per stage, flow per source), for tests.
#[cfg(test)]
fn certificate_point(
    plan: &Plan<'_>,
    c: u32,
    rp: &mut Repair,
    bounds: &Bounds,
    theta: f64,
) -> (bool, Vec<f64>, Vec<f64>) {
    let ok = ration(plan, c, rp, bounds, theta);
    let pick = |v: &[f64], x0: &dyn Fn(usize) -> f64| -> Vec<f64> {
        v.iter()
            .enumerate()
            .map(|(k, &a)| if a.is_nan() { x0(k) } else { a })
            .collect()
    };
    let u = pick(&rp.u, &|k| plan.x0_u(StageIx::new(k)));
    let y = pick(&rp.y, &|a| plan.x0_y(a));
    rp.cut.clear();
    rp.reset();
    (ok, u, y)
}

fn ration(plan: &Plan<'_>, c: u32, rp: &mut Repair, bounds: &Bounds, theta: f64) -> bool {
    let m = plan.model();
    let mut ok = true;
    rp.budget = FREE_BUDGET;
    let cx = Ctx { plan, c, theta };
    for &(s, ub) in &bounds.u {
        cx.touch(rp, s);
        let k = s.index();
        if rp.u[k] > ub {
            rp.slack[k] -= rp.u[k] - ub;
            rp.u[k] = ub;
        }
        cx.push(rp, s);
    }
    for &(a, ub) in &bounds.y {
        if cx.flow(rp, a) > ub {
            let sup = m.sources()[a].supplier;
            cx.touch(rp, sup);
            rp.slack[sup.index()] += rp.y[a] - ub;
            rp.y[a] = ub;
            cx.push(rp, m.groups()[m.sources()[a].group.index()].stage);
        }
    }
    while let Some(Reverse((_, k))) = rp.heap.pop() {
        let k = k as usize;
        let s = StageIx::new(k);
        cx.touch(rp, s);
        // Inputs: what each group receives caps production; multi-sourced groups first move a shortfall to
        // their other sources' spare output, freeing it where needed from those sources' other buyers.
        let mut cap = rp.u[k];
        for g in m.groups_of(s) {
            let qty = m.groups()[g.index()].qty;
            let need = qty * cap;
            let mut have: f64 = m.sources_of(g).map(|a| cx.flow(rp, a.index())).sum();
            if m.sources_of(g).len() > 1 && have < need * (1.0 - TOL) {
                for a in m.sources_of(g) {
                    let short = need - have;
                    if short <= 0.0 {
                        break;
                    }
                    let sup = m.sources()[a.index()].supplier;
                    if plan.comp(sup) != c {
                        continue;
                    }
                    cx.touch(rp, sup);
                    let room = bound_of(&bounds.y, a.index()) - rp.y[a.index()];
                    let want = short.min(room);
                    if rp.slack[sup.index()] < want {
                        cx.free_up(
                            rp,
                            sup,
                            want - rp.slack[sup.index()].max(0.0),
                            a.index(),
                            FREE_DEPTH,
                        );
                    }
                    let more = want.min(rp.slack[sup.index()]);
                    if more > 0.0 {
                        rp.y[a.index()] += more;
                        rp.slack[sup.index()] -= more;
                        have += more;
                    }
                }
            }
            if have < need {
                cap = cap.min(have / qty);
            }
        }
        // Freeing spare above may have cut this stage's own inputs (through a supplier's buyers, a few tiers
        // down) while `cap` was still local: recheck every group against the flows as they are now.
        for g in m.groups_of(s) {
            let qty = m.groups()[g.index()].qty;
            let have: f64 = m.sources_of(g).map(|a| cx.flow(rp, a.index())).sum();
            if have < qty * cap {
                cap = cap.min(have / qty);
            }
        }
        let cap = cap.max(0.0);
        if cap < rp.u[k] {
            rp.slack[k] -= rp.u[k] - cap;
            rp.u[k] = cap;
        }
        // Output: a deficit takes what buyers can give up from their own spare, then rations the rest of
        // their draws in proportion; it may never reach the stage's own demand.
        // Round-off on the scale of the row's own flows (not of the stage's output, which may be mostly
        // reserve far above them).
        let tol = TOL * cx.owed_at_x0(s).max(1.0);
        if -rp.slack[k] <= tol {
            continue;
        }
        cx.free_up(rp, s, -rp.slack[k], usize::MAX, FREE_DEPTH);
        let mut deficit = -rp.slack[k];
        // Buyers that can take the cut elsewhere go first: a multi-sourced group whose other sources have
        // spare output and lane room moves the cut to them when its stage is visited, whereas a cut in
        // proportion also falls on single-sourced buyers, whose production then drops and carries the
        // deficit on towards the platforms (measured: 511 certificates over the horizon instead of 468 on
        // a sample of the 17,000-stage sweep, and about 2% less CPU).
        for &a in m.buyers_of(s) {
            if deficit <= tol {
                break;
            }
            let b = m.buyer(a);
            if plan.comp(b) != c || m.sources_of(m.sources()[a.index()].group).len() < 2 {
                continue;
            }
            let take = cx
                .room_elsewhere(rp, bounds, a)
                .min(cx.flow(rp, a.index()))
                .min(deficit);
            if take > 0.0 {
                rp.y[a.index()] -= take;
                rp.slack[k] += take;
                deficit -= take;
                cx.push(rp, b);
            }
        }
        if deficit <= tol {
            continue;
        }
        let mut drawn = 0.0;
        for &a in m.buyers_of(s) {
            if plan.comp(m.buyer(a)) == c {
                drawn += cx.flow(rp, a.index());
            }
        }
        // Demand would be lost: no certificate, but the pass goes on (as if that demand were written off)
        // so that `cut` shows how far the disruption reaches.
        if drawn < deficit {
            ok = false;
        }
        let keep = (1.0 - deficit / drawn).max(0.0);
        for &a in m.buyers_of(s) {
            let b = m.buyer(a);
            if plan.comp(b) == c && rp.y[a.index()] > 0.0 {
                rp.y[a.index()] *= keep;
                cx.push(rp, b);
            }
        }
        rp.slack[k] = 0.0;
    }
    ok
}

/// The rationing pass of one disruption: component `c` at `θ`.
struct Ctx<'a, 'm> {
    plan: &'a Plan<'m>,
    c: u32,
    theta: f64,
}

impl Ctx<'_, '_> {
    /// Materialises stage `s`'s production and balance slack at `x0`, once.
    fn touch(&self, rp: &mut Repair, s: StageIx) {
        let k = s.index();
        if !rp.slack[k].is_nan() {
            return;
        }
        let (plan, m) = (self.plan, self.plan.model());
        rp.touched_stages.push(s);
        rp.u[k] = plan.x0_u(s);
        rp.slack[k] = plan.x0_u(s) + m.stages()[k].inventory * self.theta - self.owed_at_x0(s);
    }

    /// What stage `s`'s balance row owes at `x0`: its demand and its buyers' draws in the component.
    fn owed_at_x0(&self, s: StageIx) -> f64 {
        let m = self.plan.model();
        m.demand_of(s).map_or(0.0, |d| d.demand) + self.plan.x0_drawn(s)
    }

    /// Flow of source `a`, materialised at `x0` once.
    fn flow(&self, rp: &mut Repair, a: usize) -> f64 {
        if rp.y[a].is_nan() {
            rp.touched_sources.push(a);
            rp.y[a] = self.plan.x0_y(a);
        }
        rp.y[a]
    }

    /// What the other sources of source `a`'s group could ship on top of their current flows: their
    /// suppliers' slack, capped by lane bounds. An estimate for choosing whom to ration first (sources sharing
    /// a supplier count its slack twice); the buyer's visit moves only what is really there.
    fn room_elsewhere(&self, rp: &mut Repair, bounds: &Bounds, a: SourceIx) -> f64 {
        let m = self.plan.model();
        let mut room = 0.0;
        for other in m.sources_of(m.sources()[a.index()].group) {
            let sup = m.sources()[other.index()].supplier;
            if other == a || self.plan.comp(sup) != self.c {
                continue;
            }
            self.touch(rp, sup);
            let lane = bound_of(&bounds.y, other.index()) - self.flow(rp, other.index());
            room += lane.min(rp.slack[sup.index()]).max(0.0);
        }
        room
    }

    /// Queues `s` (suppliers first). Queued stages are touched, so that `reset` clears their flags even
    /// after an early `false`.
    fn push(&self, rp: &mut Repair, s: StageIx) {
        self.touch(rp, s);
        if !rp.queued[s.index()] {
            rp.queued[s.index()] = true;
            rp.heap
                .push(Reverse((self.plan.topo_rank(s), s.index() as u32)));
        }
    }

    /// Raises the slack of stage `i` by up to `want` by cutting what its buyers (other than source `skip`)
    /// draw beyond their needs, then their production by at most their own slack: no buyer goes into deficit.
    fn free_up(&self, rp: &mut Repair, i: StageIx, want: f64, skip: usize, depth: u32) {
        let m = self.plan.model();
        let mut got = 0.0;
        for &a in m.buyers_of(i) {
            if got >= want || rp.budget == 0 {
                break;
            }
            rp.budget -= 1;
            let b = m.buyer(a);
            if a.index() == skip || self.plan.comp(b) != self.c {
                continue;
            }
            self.touch(rp, b);
            let y = self.flow(rp, a.index());
            if y <= 0.0 {
                continue;
            }
            let g = m.sources()[a.index()].group;
            let qty = m.groups()[g.index()].qty;
            let have: f64 = m.sources_of(g).map(|x| self.flow(rp, x.index())).sum();
            let excess = (have - qty * rp.u[b.index()]).clamp(0.0, y);
            // A buyer short of spare frees some from its own buyers first (a few tiers down).
            let short = (want - got - excess) / qty - rp.slack[b.index()];
            if depth > 0 && qty > 0.0 && short > 0.0 {
                self.free_up(rp, b, short, usize::MAX, depth - 1);
            }
            let by_cut = (qty * rp.slack[b.index()]).clamp(0.0, y - excess);
            let take = (want - got).min(excess + by_cut);
            if take <= 0.0 {
                continue;
            }
            if take > excess {
                let du = (take - excess) / qty;
                rp.u[b.index()] -= du;
                rp.slack[b.index()] -= du;
            }
            rp.y[a.index()] -= take;
            rp.slack[i.index()] += take;
            got += take;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disruption::Disruption;
    use crate::engine::StressLp;
    use crate::sweep::{element_cases, Duration};
    use keel_model::{ElementKind, Model, TextModel};

    /// Platform P (demand 50 per period, no stock) takes one part from S1 or S2 (half each in the plan); S1
    /// makes at most 100 per period, S2 at most `s2_cap`.
    fn two_sources(s2_cap: f64) -> Model {
        TextModel::new("CAN", &[])
            .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
            .table("firms", "id,name,country,parent_country\nF,F,CAN,\n")
            .table("sites", "id,firm,country,lat,lon,name\nX,F,CAN,,,\n")
            .table(
                "items",
                "id,name,kind,export_control,capability\npart,Part,component,,\np,P,platform,,\n",
            )
            .table(
                "stages",
                &format!(
                    "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                     S1,part,X,1,100,0,0,2\nS2,part,X,1,{s2_cap},0,0,2\nP,p,X,1,,0,0,\n"
                ),
            )
            .table(
                "inputs",
                "stage,input_item,qty,supplier,share,lane\nP,part,1,S1,0.5,\nP,part,1,S2,0.5,\n",
            )
            .table("demand", "stage,demand,loss_per_unit\nP,50,10\n")
            .build()
            .expect("valid model")
            .model
    }

    /// Every row of component 0's folded per-unit-time LP (docs/methods/stress-lp.md) at point `(u, y)` with no
    /// lost demand, within `1e-9` of the row's scale: bounds, group rows, balance rows. Single-sourced groups
    /// draw `qty·u` from their supplier (the LP has no flow variable for them).
    fn assert_feasible(plan: &Plan<'_>, d: &Disruption, theta: f64, u: &[f64], y: &[f64]) {
        let m = plan.model();
        let b = Bounds::new(plan, 0, d);
        let tol = |scale: f64| 1e-9 * scale.abs().max(1.0);
        for (j, st) in m.stages().iter().enumerate() {
            let s = StageIx::new(j);
            if plan.comp(s) != 0 {
                continue;
            }
            let ub = st.capacity.unwrap_or(f64::INFINITY).min(bound_of(&b.u, s));
            assert!(
                u[j] >= -tol(0.0) && u[j] <= ub + tol(ub),
                "{}: u {} not in [0, {ub}]",
                st.id,
                u[j]
            );
            for g in m.groups_of(s) {
                let qty = m.groups()[g.index()].qty;
                if m.sources_of(g).len() > 1 {
                    let have: f64 = m.sources_of(g).map(|a| y[a.index()]).sum();
                    assert!(
                        qty * u[j] <= have + tol(have),
                        "{}: group short {} > {have}",
                        st.id,
                        qty * u[j]
                    );
                    for a in m.sources_of(g) {
                        let yb = bound_of(&b.y, a.index());
                        assert!(
                            y[a.index()] >= 0.0 && y[a.index()] <= yb + tol(yb),
                            "{}: flow",
                            st.id
                        );
                    }
                }
            }
            let mut out = m.demand_of(s).map_or(0.0, |x| x.demand);
            for &a in m.buyers_of(s) {
                let buyer = m.buyer(a);
                if plan.comp(buyer) != 0 {
                    continue;
                }
                let g = m.sources()[a.index()].group;
                out += if m.sources_of(g).len() > 1 {
                    y[a.index()]
                } else {
                    m.groups()[g.index()].qty * u[buyer.index()]
                };
            }
            let inn = u[j] + st.inventory * theta;
            assert!(out <= inn + tol(out), "{}: balance {out} > {inn}", st.id);
        }
    }

    fn certify(lp: &StressLp<'_>, d: &Disruption, theta: f64) -> bool {
        let plan = lp.plan();
        let m = plan.model();
        let mut rp = Repair::new(m.stages().len(), m.sources().len());
        let bounds = Bounds::new(plan, 0, d);
        let (yes, u, y) = certificate_point(plan, 0, &mut rp, &bounds, theta);
        if yes {
            assert_feasible(plan, d, theta, &u, &y);
        }
        assert_eq!(yes, no_loss_certificate(plan, 0, &mut rp, &bounds, theta));
        // The scratch is back to x0 whatever the answer.
        assert!(rp
            .u
            .iter()
            .chain(&rp.slack)
            .chain(&rp.y)
            .all(|x| x.is_nan()));
        assert!(!rp.queued.iter().any(|&q| q));
        yes
    }

    #[test]
    fn a_second_source_with_room_is_a_certificate_and_one_without_is_not() {
        let s1 = |m: &Model| Disruption {
            stages: vec![(m.stage_ix("S1").unwrap(), 0.0)],
            lanes: vec![],
        };
        // S2 can make 100 >= 50: P moves its whole need to S2, which frees it from its own spare.
        let roomy = two_sources(100.0);
        let lp = StressLp::new(&roomy, 365.0).unwrap();
        assert!(lp.plan().plan_fits(0));
        assert!(certify(&lp, &s1(&roomy), 1.0 / 365.0));
        assert_eq!(lp.impact(&s1(&roomy), 2.0, false).unwrap().pi, 0.0);
        // S2 can make 40 < 50: 10 per period is lost whatever the plan; no certificate, and the LP agrees.
        let tight = two_sources(40.0);
        let lp = StressLp::new(&tight, 365.0).unwrap();
        assert!(lp.plan().plan_fits(0));
        assert!(!certify(&lp, &s1(&tight), 1.0 / 365.0));
        assert!((lp.impact(&s1(&tight), 2.0, false).unwrap().pi - 10.0 * 10.0 * 2.0).abs() < 1e-6);
    }

    /// S (capacity 60, cut to 50) supplies B1 alone and B2 with S2 (capacity 40); P needs B1's and B2's output,
    /// 40 each, with no stock. Cutting both of S's buyers in proportion would leave B1 short and lose demand;
    /// B2 can move 10 to S2, so the pass rations B2 first, and the LP agrees that nothing is lost.
    #[test]
    fn a_buyer_with_another_source_is_rationed_first() {
        let model = TextModel::new("CAN", &[])
            .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
            .table("firms", "id,name,country,parent_country\nF,F,CAN,\n")
            .table("sites", "id,firm,country,lat,lon,name\nX,F,CAN,,,\n")
            .table(
                "items",
                "id,name,kind,export_control,capability\npart,Part,component,,\n\
                 a1,A1,component,,\na2,A2,component,,\np,P,platform,,\n",
            )
            .table(
                "stages",
                "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                 S,part,X,1,60,0,0,2\nS2,part,X,1,40,0,0,2\nB1,a1,X,1,40,0,0,2\nB2,a2,X,1,40,0,0,2\n\
                 P,p,X,1,,0,0,\n",
            )
            .table(
                "inputs",
                "stage,input_item,qty,supplier,share,lane\nB1,part,1,S,,\nB2,part,1,S,0.5,\n\
                 B2,part,1,S2,0.5,\nP,a1,1,B1,,\nP,a2,1,B2,,\n",
            )
            .table("demand", "stage,demand,loss_per_unit\nP,40,10\n")
            .build()
            .expect("valid model")
            .model;
        let lp = StressLp::new(&model, 365.0).unwrap();
        assert!(lp.plan().plan_fits(0));
        let d = Disruption {
            stages: vec![(model.stage_ix("S").unwrap(), 50.0 / 60.0)],
            lanes: vec![],
        };
        assert!(certify(&lp, &d, 1.0 / 365.0));
        let cold = lp.impact(&d, 365.0, false).unwrap();
        assert_eq!(cold.pi, 0.0);
        assert!(cold.tts.value >= 365.0 * (1.0 - 1e-12));
    }

    /// P (demand 10, stock 5.5 per time unit at the horizon) takes asm from B or B2 (lane L) and part from S1 (lane
    /// L) or S2; B takes part from S2; capacities equal planned rates. Closing L leaves P at most 4 per time unit
    /// (u_B + y_S2P <= 8), so 0.5 per time unit is lost; before the recheck of P's groups the pass certified it.
    #[test]
    fn freeing_spare_through_a_suppliers_buyer_does_not_overdraw_an_earlier_group() {
        let h = 365.0;
        let model = TextModel::new("CAN", &[])
            .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
            .table("firms", "id,name,country,parent_country\nF,F,CAN,\n")
            .table("sites", "id,firm,country,lat,lon,name\nX,F,CAN,,,\nY,F,CAN,,,\n")
            .table("items", "id,name,kind,export_control,capability\nasm,Asm,component,,\npart,Part,component,,\np,P,platform,,\n")
            .table("stages", &format!(
                "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                 S1,part,Y,1,7,0,0,2\nS2,part,X,1,8,0,0,2\nB,asm,X,1,5,0,0,2\nB2,asm,Y,1,5,0,0,2\nP,p,X,1,,0,{},\n", 5.5 * h))
            .table("lanes", "id,from_site,to_site,mode,transit_time,chokepoints\nL,Y,X,road,1,\n")
            .table("inputs", "stage,input_item,qty,supplier,share,lane\n\
                B,part,1,S2,,\nP,asm,1,B,0.5,\nP,asm,1,B2,0.5,L\nP,part,1,S1,0.7,L\nP,part,1,S2,0.3,\n")
            .table("demand", "stage,demand,loss_per_unit\nP,10,1\n")
            .build().expect("valid model").model;
        let lp = StressLp::new(&model, h).unwrap();
        assert!(lp.plan().plan_fits(0));
        let d = Disruption {
            stages: vec![],
            lanes: vec![(keel_model::LaneIx::new(0), 0.0)],
        };
        assert!((lp.impact(&d, h, false).unwrap().pi - 0.5 * h).abs() < 1e-6);
        assert!(!certify(&lp, &d, 1.0 / h));
    }

    /// Every certificate on generated networks (each stage, lane, chokepoint and site disrupted) is checked
    /// twice: its point satisfies every row of the LP (`certify`), and the whole LP built and solved from
    /// scratch loses nothing over `1/θ` and has TTS at least `1/θ`.
    #[test]
    fn certificates_agree_with_the_cold_whole_lp() {
        let (mut yes, mut no) = (0, 0);
        for seed in [3, 8] {
            let model = keel_io::generate::generate(&keel_io::generate::GenOptions {
                stages: 200,
                seed,
                ..Default::default()
            })
            .build()
            .unwrap()
            .model;
            let lp = StressLp::new(&model, 365.0).unwrap();
            assert_eq!(lp.components(), 1);
            assert!(lp.plan().plan_fits(0));
            let cases = [
                ElementKind::Stage,
                ElementKind::Lane,
                ElementKind::Chokepoint,
                ElementKind::Site,
            ]
            .into_iter()
            .flat_map(|k| element_cases(&model, k, Duration::Ttr { fallback: 30.0 }).unwrap());
            for case in cases {
                for t in [20.0, 365.0] {
                    if !certify(&lp, &case.disruption, 1.0 / t) {
                        no += 1;
                        continue;
                    }
                    yes += 1;
                    let cold = lp.impact(&case.disruption, t, false).unwrap();
                    assert_eq!(
                        cold.pi, 0.0,
                        "{:?} over {t}: certified, but the LP loses",
                        case.subject
                    );
                    assert!(
                        cold.tts.value >= t * (1.0 - 1e-9),
                        "{:?} over {t}: certified, but TTS {:?}",
                        case.subject,
                        cold.tts
                    );
                }
            }
        }
        // Not vacuous either way.
        assert!(yes > 50 && no > 50, "{yes} certified, {no} not");
    }
}
