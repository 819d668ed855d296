//! Minimal pairs of elements of one kind (e.g. two countries) whose joint loss stops a platform.
//!
//! A pair `{a, b}` is reported for platform `P` when removing both makes `P` unbuildable while neither is a
//! single point of failure of `P` on its own. For each candidate `a` (an element of the kind that touches some
//! stage or lane upstream of a platform, and is not a SPOF of every platform) the model is taken without `a`
//! and the single-SPOF sets of [`super`] are recomputed; then `{a, b}` stops `P` iff `b ∈ crit_{G−a}(P)`, by the
//! exactness of the single-removal formula applied to the model `G − a`. Each pair is recorded once, from its
//! smaller member.
//!
//! Only the stages downstream of what `a` touches are recomputed, in topological order, and propagation stops at
//! a stage whose set did not change, so most candidates touch a small part of the model.
//!
//! # Complexity
//!
//! Worst case O(C · Σ_arcs |crit|) time for C candidates (every candidate's removal reaching every arc), with the
//! sets restricted to the one kind (so `|crit|` is at most the number of elements of that kind). The caller gives
//! a cap on `C · (upstream arcs + stages)`; beyond it [`CriticalityError::TooLarge`] is returned instead of
//! running for hours. Memory: the base sets of every upstream stage, O(stages · |kind|) at worst, plus one
//! overlay of the same size.

use super::{propagate, stage_set, upstream_of_platforms, Scratch, Set, Space};
use keel_model::{ElementKind, Model, StageIx, Target};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Why a pair search was not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CriticalityError {
    /// The pair search would exceed the caller's work cap.
    #[error(
        "pair search over {candidates} candidates of kind {kind} x {arcs} upstream input rows ({work} steps) \
         exceeds the limit of {limit} steps; search a smaller model or a coarser kind (country instead of firm)"
    )]
    TooLarge {
        kind: &'static str,
        candidates: usize,
        arcs: usize,
        work: u64,
        limit: u64,
    },
}

/// The minimal pairs of one platform.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlatformPairs {
    pub stage: StageIx,
    /// Whether the platform can be built with nothing removed. If not, `pairs` is empty.
    pub buildable: bool,
    /// Each pair ordered (smaller index first); pairs sorted.
    pub pairs: Vec<(Target, Target)>,
}

/// Default cap on `candidates × (upstream arcs + stages)` for [`spof_pairs`]. Measured on generated models, a
/// unit costs about 60-80 ns (more on larger models, whose sets are larger), so the cap is about ten seconds.
pub const DEFAULT_PAIR_WORK: u64 = 100_000_000;

/// The minimal pairs of elements of `kind` that stop each platform (in `demand.csv` order).
///
/// Returns [`CriticalityError::TooLarge`] when `candidates × (upstream arcs + stages)` exceeds `max_work`.
pub fn spof_pairs(
    model: &Model,
    kind: ElementKind,
    max_work: u64,
) -> Result<Vec<PlatformPairs>, CriticalityError> {
    let space = Space::new(model, &[kind]);
    let relevant = upstream_of_platforms(model);
    let base = propagate(model, &space, &relevant, false).sets;
    let platforms: Vec<StageIx> = model.demand_stages().collect();

    // What each element touches directly: the stages it owns or whose sources it closes.
    let n = model.stages().len();
    let mut touch: Vec<(u32, u32)> = Vec::new();
    let mut buf = Vec::new();
    let mut arcs = 0usize;
    let mut stages = 0usize;
    for s in (0..n).map(StageIx::new).filter(|s| relevant[s.index()]) {
        stages += 1;
        buf.clear();
        space.own(model, s, &mut buf);
        touch.extend(buf.iter().map(|&e| (e, s.0)));
        for g in model.groups_of(s) {
            for k in model.sources_of(g) {
                arcs += 1;
                buf.clear();
                space.via(model, k, &mut buf);
                touch.extend(buf.iter().map(|&e| (e, s.0)));
            }
        }
    }
    touch.sort_unstable();
    touch.dedup();

    let spof_of_all = |a: u32| {
        platforms.iter().all(|p| {
            base[p.index()]
                .as_ref()
                .is_none_or(|c| c.binary_search(&a).is_ok())
        })
    };
    let mut candidates: Vec<(u32, Vec<u32>)> = Vec::new();
    for run in touch.chunk_by(|x, y| x.0 == y.0) {
        let a = run[0].0;
        if !spof_of_all(a) {
            candidates.push((a, run.iter().map(|x| x.1).collect()));
        }
    }
    let work = (candidates.len() as u64).saturating_mul((arcs + stages) as u64);
    if work > max_work {
        return Err(CriticalityError::TooLarge {
            kind: kind.as_str(),
            candidates: candidates.len(),
            arcs,
            work,
            limit: max_work,
        });
    }

    let mut pos = vec![0u32; n];
    for (i, s) in model.topo_order().iter().enumerate() {
        pos[s.index()] = i as u32;
    }
    let mut overlay: Vec<Option<Set>> = vec![None; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut queued = vec![false; n];
    let mut heap: BinaryHeap<Reverse<(u32, u32)>> = BinaryHeap::new();
    let mut sc = Scratch::default();
    let mut pairs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); platforms.len()];

    for (a, seeds) in &candidates {
        let a = *a;
        for &s in seeds {
            queued[s as usize] = true;
            heap.push(Reverse((pos[s as usize], s)));
        }
        while let Some(Reverse((_, s))) = heap.pop() {
            let si = s as usize;
            queued[si] = false;
            let new = stage_set(
                model,
                &space,
                StageIx(s),
                Some(a),
                &mut sc,
                |sup| match &overlay[sup.index()] {
                    Some(o) => o.clone(),
                    None => base[sup.index()].clone(),
                },
            );
            let unchanged = match (&new, &base[si]) {
                (None, None) => true,
                (Some(x), Some(y)) => x[..] == y[..],
                _ => false,
            };
            if unchanged {
                continue;
            }
            overlay[si] = Some(new);
            touched.push(si);
            for &k in model.buyers_of(StageIx(s)) {
                let b = model.buyer(k);
                if relevant[b.index()] && !queued[b.index()] {
                    queued[b.index()] = true;
                    heap.push(Reverse((pos[b.index()], b.0)));
                }
            }
        }
        for (i, p) in platforms.iter().enumerate() {
            let Some(single) = &base[p.index()] else {
                continue;
            };
            if single.binary_search(&a).is_ok() {
                continue;
            }
            let after = match &overlay[p.index()] {
                Some(o) => o.clone(),
                None => base[p.index()].clone(),
            };
            // By exactness, `P` survives the loss of `a` (which is not one of its SPOFs).
            let Some(after) = after else {
                continue;
            };
            pairs[i].extend(
                after
                    .iter()
                    .filter(|&&b| b > a && single.binary_search(&b).is_err())
                    .map(|&b| (a, b)),
            );
        }
        for &t in &touched {
            overlay[t] = None;
        }
        touched.clear();
    }

    Ok(platforms
        .iter()
        .zip(pairs)
        .map(|(p, mut ps)| {
            ps.sort_unstable();
            PlatformPairs {
                stage: *p,
                buildable: base[p.index()].is_some(),
                pairs: ps
                    .into_iter()
                    .map(|(a, b)| (space.target(a), space.target(b)))
                    .collect(),
            }
        })
        .collect())
}
