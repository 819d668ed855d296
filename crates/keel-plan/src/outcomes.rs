//! Outcomes of the risky options: which options work, and how likely that is.
//!
//! Options that share a group share one uniform draw `U` and each works iff `U < p` (its probability); an
//! option without a group draws on its own. For a group whose options in scope have the distinct probabilities
//! `q_1 < ... < q_m`, `U` falls in one of `m + 1` intervals `[0, q_1), [q_1, q_2), ..., [q_m, 1)`; in the
//! interval ending at `h`, exactly the options with `p >= h` work. An ungrouped option works (probability
//! `p`) or fails (`1 - p`). The joint outcomes are the product of these, `prod (m_g + 1) * 2^k`.
//!
//! Only the risky options in a case's scope (the components its LP covers) can change that case's loss, so the
//! classes are enumerated over those alone: the distribution of the case's loss is exact, with far fewer atoms
//! than the joint outcomes of every option (merging atoms whose loss is equal for every plan changes no
//! expectation and no CVaR).
//!
//! Beyond `max_exact` classes, outcomes are sampled (sample average approximation): `N` joint draws from one
//! seeded stream, restricted to each case's scope and counted.
//!
//! # Complexity
//! Exact: O(classes x options in scope). Sampled: O(N x (groups + options)) to draw, O(N x options in scope x
//! log classes) per case.

use keel_model::InvestOption;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// One class of outcomes: its probability and, for every option, whether it works (certain options and risky
/// options outside the scope always read `true`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Class {
    pub(crate) prob: f64,
    pub(crate) works: Vec<bool>,
}

/// The independent draws of the scope's risky options: per group, its members; then each ungrouped option.
fn factors(options: &[InvestOption], scope: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let mut own = Vec::new();
    for &o in scope {
        let opt = &options[o];
        if !opt.is_risky() {
            continue;
        }
        match opt.group {
            Some(g) => groups.entry(g).or_default().push(o),
            None => own.push(vec![o]),
        }
    }
    groups.into_values().chain(own).collect()
}

/// Number of classes the exact enumeration over `scope` has (as a float: it can overflow any integer).
pub(crate) fn count(options: &[InvestOption], scope: &[usize]) -> f64 {
    factors(options, scope)
        .iter()
        .map(|f| (distinct(options, f).len() + 1) as f64)
        .product()
}

/// Distinct probabilities of a factor's options, ascending.
fn distinct(options: &[InvestOption], f: &[usize]) -> Vec<f64> {
    let mut q: Vec<f64> = f.iter().map(|&o| options[o].probability).collect();
    q.sort_by(f64::total_cmp);
    q.dedup();
    q
}

/// Every class of outcomes over the risky options of `scope`, in a fixed order.
pub(crate) fn exact(options: &[InvestOption], scope: &[usize]) -> Vec<Class> {
    // Per factor: its members and states as (probability, threshold h: options with p >= h work).
    type Factor = (Vec<usize>, Vec<(f64, f64)>);
    let states: Vec<Factor> = factors(options, scope)
        .into_iter()
        .map(|f| {
            let q = distinct(options, &f);
            let mut st = Vec::with_capacity(q.len() + 1);
            let mut lo = 0.0;
            for &h in &q {
                st.push((h - lo, h));
                lo = h;
            }
            st.push((1.0 - lo, f64::INFINITY));
            (f, st)
        })
        .collect();
    let mut out = Vec::new();
    let mut digit = vec![0usize; states.len()];
    loop {
        let mut works = vec![true; options.len()];
        let mut prob = 1.0;
        for (k, (members, st)) in states.iter().enumerate() {
            let (p, h) = st[digit[k]];
            prob *= p;
            for &o in members {
                works[o] = options[o].probability >= h;
            }
        }
        if prob > 0.0 {
            out.push(Class { prob, works });
        }
        // Next state, last factor fastest.
        let mut k = states.len();
        loop {
            if k == 0 {
                return out;
            }
            k -= 1;
            digit[k] += 1;
            if digit[k] < states[k].1.len() {
                break;
            }
            digit[k] = 0;
        }
    }
}

/// `n` joint draws of every option's outcome from one seeded stream: sample `i` is `works[i][o]`.
#[derive(Clone, Debug)]
pub(crate) struct Draws {
    works: Vec<Vec<bool>>,
}

impl Draws {
    pub(crate) fn new(options: &[InvestOption], groups: usize, n: usize, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let works = (0..n)
            .map(|_| {
                let u_group: Vec<f64> = (0..groups).map(|_| rng.random::<f64>()).collect();
                options
                    .iter()
                    .map(|o| {
                        // One draw per option whatever its kind, so that the stream never depends on which
                        // options are risky.
                        let own = rng.random::<f64>();
                        let u = o.group.map_or(own, |g| u_group[g as usize]);
                        !o.is_risky() || u < o.probability
                    })
                    .collect()
            })
            .collect();
        Draws { works }
    }

    pub(crate) fn len(&self) -> usize {
        self.works.len()
    }

    /// The sampled classes over the risky options of `scope`: each distinct restriction, with its frequency;
    /// and the class of each sample.
    pub(crate) fn classes(
        &self,
        options: &[InvestOption],
        scope: &[usize],
    ) -> (Vec<Class>, Vec<usize>) {
        let risky: Vec<usize> = scope
            .iter()
            .copied()
            .filter(|&o| options[o].is_risky())
            .collect();
        let mut counts: BTreeMap<Vec<bool>, usize> = BTreeMap::new();
        for w in &self.works {
            *counts
                .entry(risky.iter().map(|&o| w[o]).collect())
                .or_default() += 1;
        }
        let n = self.works.len() as f64;
        let order: BTreeMap<&Vec<bool>, usize> =
            counts.keys().enumerate().map(|(i, k)| (k, i)).collect();
        let of_sample = self
            .works
            .iter()
            .map(|w| order[&risky.iter().map(|&o| w[o]).collect::<Vec<bool>>()])
            .collect();
        let classes = counts
            .iter()
            .map(|(key, &c)| {
                let mut works = vec![true; options.len()];
                for (&o, &w) in risky.iter().zip(key) {
                    works[o] = w;
                }
                Class {
                    prob: c as f64 / n,
                    works,
                }
            })
            .collect();
        (classes, of_sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_model::{OptionKind, StageIx};

    fn opt(p: f64, group: Option<u32>) -> InvestOption {
        InvestOption {
            id: String::new(),
            name: None,
            kind: OptionKind::Stockpile,
            stage: StageIx::new(0),
            amount: 1.0,
            cost: 1.0,
            probability: p,
            group,
            time_to_effect: 0.0,
        }
    }

    /// A group {0.3, 0.6, 0.6} and an ungrouped 0.5, plus a certain option: U in [0, 0.3) all three work
    /// (0.3), [0.3, 0.6) the two 0.6 work (0.3), [0.6, 1) none (0.4); times 0.5 / 0.5 for the other: 6 classes.
    #[test]
    fn grouped_options_share_one_draw() {
        let o = [
            opt(0.3, Some(0)),
            opt(0.6, Some(0)),
            opt(0.6, Some(0)),
            opt(0.5, None),
            opt(1.0, None),
        ];
        let all: Vec<usize> = (0..5).collect();
        assert_eq!(count(&o, &all), 6.0);
        let c = exact(&o, &all);
        assert_eq!(c.len(), 6);
        let total: f64 = c.iter().map(|c| c.prob).sum();
        assert!((total - 1.0).abs() < 1e-12);
        let p_all = c
            .iter()
            .filter(|c| c.works[..4].iter().all(|&w| w))
            .map(|c| c.prob)
            .sum::<f64>();
        assert!((p_all - 0.15).abs() < 1e-12);
        // Within the group, whenever the 0.3 option works both 0.6 options work too.
        assert!(c.iter().all(|c| !c.works[0] || (c.works[1] && c.works[2])));
        assert!(c.iter().all(|c| c.works[4]));
        // Out of scope, nothing is enumerated.
        assert_eq!(exact(&o, &[4]).len(), 1);
    }

    /// The sampled frequencies approach the exact probabilities (10^5 draws: within 0.01).
    #[test]
    fn samples_approach_the_exact_classes() {
        let o = [opt(0.3, Some(0)), opt(0.6, Some(0)), opt(0.5, None)];
        let all = [0, 1, 2];
        let d = Draws::new(&o, 1, 100_000, 7);
        let (s, of) = d.classes(&o, &all);
        assert_eq!(of.len(), 100_000);
        for e in exact(&o, &all) {
            let f = s
                .iter()
                .find(|c| c.works == e.works)
                .map_or(0.0, |c| c.prob);
            assert!(
                (f - e.prob).abs() < 0.01,
                "{:?}: {f} vs {}",
                e.works,
                e.prob
            );
        }
    }
}
