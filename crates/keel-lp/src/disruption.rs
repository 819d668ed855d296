//! Disruptions and the bounds they set on the LP: which stages and lanes run at what fraction of normal, which
//! components and platforms that reaches, and the upper bounds on production and shipment that every solver of
//! the engine (certificate, region, whole component) applies.
//!
//! One normaliser ([`keep_lowest`]) serves both the disruption and its bounds: an element named twice keeps
//! its lowest factor or bound.
//!
//! # Complexity
//! Normalising: O(k log k) for k elements. Bounds of one component: O(disrupted stages + sources on disrupted
//! lanes), log factors for sorting. Platforms reached: O(stages + arcs downstream of the disruption).

use crate::plan::Plan;
use keel_model::{LaneIx, Model, Scenario, StageIx, Target, NONE};

/// What a scenario does: stages and lanes running at a fraction (`capacity_factor`, 0 = closed) of normal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disruption {
    pub stages: Vec<(StageIx, f64)>,
    pub lanes: Vec<(LaneIx, f64)>,
}

/// Sorts by key and keeps one entry per key, the lowest value.
pub(crate) fn keep_lowest<T: Ord + Copy>(v: &mut Vec<(T, f64)>) {
    v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    v.dedup_by(|later, first| later.0 == first.0);
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

    /// Sorts, clamps factors to [0, 1] (NaN and infinities to 0), keeps the lowest factor of an element named
    /// twice and drops elements at full capacity.
    pub fn normalise(&mut self) {
        fn norm<T: Ord + Copy>(v: &mut Vec<(T, f64)>) {
            for x in v.iter_mut() {
                x.1 = if x.1.is_finite() {
                    x.1.clamp(0.0, 1.0)
                } else {
                    0.0
                };
            }
            keep_lowest(v);
            v.retain(|x| x.1 < 1.0);
        }
        norm(&mut self.stages);
        norm(&mut self.lanes);
    }

    pub fn is_empty(&self) -> bool {
        self.stages.is_empty() && self.lanes.is_empty()
    }
}

/// Upper bounds a disruption sets on one component, in the per-unit-time LP: on `ū` of stages (capacity cuts,
/// and single sources on closed lanes) and on `ȳ` of multi-sourced rows on closed lanes (by source index).
/// Both sorted by stage or source, one entry each (the lowest bound wins).
#[derive(Debug)]
pub(crate) struct Bounds {
    pub(crate) u: Vec<(StageIx, f64)>,
    pub(crate) y: Vec<(usize, f64)>,
}

/// The bound on key `k` in a sorted bound list; infinite if none.
pub(crate) fn bound_of<T: Ord + Copy>(v: &[(T, f64)], k: T) -> f64 {
    v.binary_search_by(|x| x.0.cmp(&k))
        .map_or(f64::INFINITY, |i| v[i].1)
}

impl Bounds {
    /// The bounds `d` sets on component `c` of `plan`.
    pub(crate) fn new(plan: &Plan<'_>, c: u32, d: &Disruption) -> Self {
        let m = plan.model();
        let mut u = Vec::new();
        let mut y = Vec::new();
        for &(s, f) in &d.stages {
            if plan.comp(s) == c {
                u.push((s, plan.rate_bound(s, f).max(0.0)));
            }
        }
        for &(l, f) in &d.lanes {
            for a in plan.sources_on_lane(l) {
                let src = &m.sources()[a.index()];
                let g = &m.groups()[src.group.index()];
                if plan.comp(g.stage) != c {
                    continue;
                }
                let planned = plan.planned_flow(a);
                if m.sources_of(src.group).len() > 1 {
                    y.push((a.index(), (f * planned).max(0.0)));
                } else {
                    u.push((g.stage, (f * planned / g.qty).max(0.0)));
                }
            }
        }
        keep_lowest(&mut u);
        keep_lowest(&mut y);
        Bounds { u, y }
    }

    /// Upper bound on `ū` of stage `s`: its capacity, cut by the disruption.
    pub(crate) fn u_upper(&self, plan: &Plan<'_>, s: StageIx) -> f64 {
        let cap = plan.model().stages()[s.index()]
            .capacity
            .unwrap_or(f64::INFINITY);
        cap.min(bound_of(&self.u, s))
    }
}

/// Components holding a disrupted stage or the buyer of a disrupted lane's source, sorted.
pub(crate) fn touched(plan: &Plan<'_>, d: &Disruption) -> Vec<u32> {
    let m = plan.model();
    let mut comps: Vec<u32> = d
        .stages
        .iter()
        .map(|&(s, _)| plan.comp(s))
        .chain(
            d.lanes
                .iter()
                .flat_map(|&(l, _)| plan.sources_on_lane(l).map(|a| plan.comp(m.buyer(a)))),
        )
        .filter(|&c| c != NONE)
        .collect();
    comps.sort_unstable();
    comps.dedup();
    comps
}

/// Demand stages reachable downstream from the disrupted stages and the buyers on closed lanes, in
/// demand.csv order.
pub(crate) fn platforms_downstream(plan: &Plan<'_>, d: &Disruption) -> Vec<StageIx> {
    let m = plan.model();
    let mut seen = vec![false; m.stages().len()];
    let mut stack: Vec<StageIx> = d.stages.iter().map(|x| x.0).collect();
    for &(l, _) in &d.lanes {
        stack.extend(plan.sources_on_lane(l).map(|a| m.buyer(a)));
    }
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut seen[s.index()], true) {
            continue;
        }
        stack.extend(m.buyers_of(s).iter().map(|&a| m.buyer(a)));
    }
    m.demand_stages().filter(|p| seen[p.index()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Factors clamp to [0, 1] (NaN to 0), an element named twice keeps its lowest factor, and elements at
    /// full capacity drop out.
    #[test]
    fn normalise_keeps_the_lowest_factor_of_each_element() {
        let s = StageIx::new;
        let mut d = Disruption {
            stages: vec![
                (s(3), 0.5),
                (s(1), 2.0),
                (s(3), 0.2),
                (s(0), f64::NAN),
                (s(2), -1.0),
            ],
            lanes: vec![(LaneIx::new(0), 1.0)],
        };
        d.normalise();
        assert_eq!(d.stages, [(s(0), 0.0), (s(2), 0.0), (s(3), 0.2)]);
        assert!(d.lanes.is_empty());
        let mut b = vec![(4usize, 3.0), (1, 2.0), (4, 1.0)];
        keep_lowest(&mut b);
        assert_eq!(b, [(1, 2.0), (4, 1.0)]);
        assert_eq!(bound_of(&b, 4), 1.0);
        assert_eq!(bound_of(&b, 2), f64::INFINITY);
    }
}
