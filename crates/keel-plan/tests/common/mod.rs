//! Shared by the planner's tests: investments built by hand around a model whose candidate stages are
//! written as ordinary stages (what `Investments::full` is), and the brute-force oracle.

#![allow(dead_code, unreachable_pub, clippy::type_complexity)]

use keel_lp::{Disruption, StressLp};
use keel_model::{InvestOption, Investments, Model, OptionKind};
use std::collections::HashMap;

/// One option row: (stage id, kind, amount, cost, probability, group).
pub type Row<'a> = (&'a str, OptionKind, f64, f64, f64, Option<u32>);

pub fn investments(full: Model, rows: &[Row<'_>], groups: usize) -> Investments {
    let options: Vec<InvestOption> = rows
        .iter()
        .enumerate()
        .map(
            |(k, &(stage, kind, amount, cost, probability, group))| InvestOption {
                id: format!("o{}", k + 1),
                name: None,
                kind,
                stage: full.stage_ix(stage).expect("stage of an option"),
                amount,
                cost,
                probability,
                group,
                time_to_effect: 0.0,
            },
        )
        .collect();
    let mut candidates: Vec<_> = options
        .iter()
        .filter(|o| o.kind == OptionKind::Source)
        .map(|o| o.stage)
        .collect();
    candidates.sort_unstable();
    Investments {
        options,
        groups: (0..groups).map(|g| format!("g{g}")).collect(),
        full,
        candidates,
    }
}

/// Every joint outcome of the risky options straight from the definition: each group draws one U, each
/// ungrouped option its own, and an option works iff U < p. U is taken at the midpoint of every interval
/// between consecutive probabilities (and 0, 1), which is where the outcome is constant.
pub fn joint_outcomes(inv: &Investments) -> Vec<(Vec<bool>, f64)> {
    let n = inv.options.len();
    // Draws: one per group, one per ungrouped risky option. Each: list of (U, weight).
    let mut draws: Vec<(Vec<usize>, Vec<(f64, f64)>)> = Vec::new();
    let mut by_group: HashMap<u32, Vec<usize>> = HashMap::new();
    for (o, opt) in inv.options.iter().enumerate() {
        if opt.probability < 1.0 {
            match opt.group {
                Some(g) => by_group.entry(g).or_default().push(o),
                None => draws.push((vec![o], Vec::new())),
            }
        }
    }
    let mut groups: Vec<_> = by_group.into_iter().collect();
    groups.sort();
    draws.extend(groups.into_iter().map(|(_, m)| (m, Vec::new())));
    for (members, pts) in &mut draws {
        let mut cuts: Vec<f64> = vec![0.0, 1.0];
        cuts.extend(members.iter().map(|&o| inv.options[o].probability));
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        for w in cuts.windows(2) {
            pts.push(((w[0] + w[1]) / 2.0, w[1] - w[0]));
        }
    }
    let mut out = vec![(vec![true; n], 1.0)];
    for (members, pts) in &draws {
        let mut next = Vec::new();
        for (works, p) in &out {
            for &(u, w) in pts {
                let mut wk = works.clone();
                for &o in members {
                    wk[o] = u < inv.options[o].probability;
                }
                next.push((wk, p * w));
            }
        }
        out = next;
    }
    out
}

/// The cases of a plan: each scenario (probability, duration, disruption) and the no-disruption rest over
/// the longest scenario duration.
pub fn cases(m: &Model) -> Vec<(f64, f64, Disruption)> {
    let longest = m
        .scenarios()
        .iter()
        .flat_map(|s| s.events.iter().map(|e| e.duration))
        .fold(0.0, f64::max);
    let mut v: Vec<(f64, f64, Disruption)> = m
        .scenarios()
        .iter()
        .map(|s| {
            let t = s.events.iter().map(|e| e.duration).fold(0.0, f64::max);
            (s.probability.unwrap(), t, Disruption::from_scenario(m, s))
        })
        .collect();
    let total: f64 = v.iter().map(|c| c.0).sum();
    if 1.0 - total > 1e-12 {
        v.push((1.0 - total, longest, Disruption::default()));
    }
    v
}

/// Brute force: the loss of every case under every set of options in place, by the stress LP on the model
/// with exactly those options applied (`Investments::applied`), cached by the set.
pub struct Oracle<'a> {
    pub inv: &'a Investments,
    pub cases: Vec<(f64, f64, Disruption)>,
    pub outcomes: Vec<(Vec<bool>, f64)>,
    cache: HashMap<Vec<bool>, Vec<f64>>,
}

impl<'a> Oracle<'a> {
    pub fn new(inv: &'a Investments) -> Self {
        Oracle {
            inv,
            cases: cases(&inv.full),
            outcomes: joint_outcomes(inv),
            cache: HashMap::new(),
        }
    }

    fn losses(&mut self, active: &[bool]) -> Vec<f64> {
        if let Some(v) = self.cache.get(active) {
            return v.clone();
        }
        let m = self.inv.applied(active);
        let lp = StressLp::new(&m, 365.0).unwrap();
        let v: Vec<f64> = self
            .cases
            .iter()
            .map(|(_, t, d)| lp.loss(d, *t).unwrap())
            .collect();
        self.cache.insert(active.to_vec(), v.clone());
        v
    }

    /// Atoms (loss, probability) of the joint distribution when the options of `take` are funded.
    pub fn atoms(&mut self, take: &[bool]) -> Vec<(f64, f64)> {
        let mut atoms = Vec::new();
        for (works, p) in self.outcomes.clone() {
            let active: Vec<bool> = take.iter().zip(&works).map(|(&a, &b)| a && b).collect();
            let l = self.losses(&active);
            for (k, c) in self.cases.iter().enumerate() {
                atoms.push((l[k], p * c.0));
            }
        }
        atoms
    }

    pub fn expected(&mut self, take: &[bool]) -> f64 {
        self.atoms(take).iter().map(|(l, p)| l * p).sum()
    }
}

/// Every subset of `n` options, as flags.
pub fn subsets(n: usize) -> impl Iterator<Item = Vec<bool>> {
    (0u32..1 << n).map(move |mask| (0..n).map(|o| mask >> o & 1 == 1).collect())
}
