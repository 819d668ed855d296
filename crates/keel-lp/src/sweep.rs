//! A stress sweep: PI and TTS of every element of one kind (or of every named scenario), ranked by REI.
//!
//! REI (risk exposure index, Simchi-Levi et al. 2015) = PI / max PI over the scenarios compared: the worst is 1,
//! and all are 0 when no scenario causes any loss.
//!
//! Duration of each scenario: a fixed `t` if given; otherwise, for an element, the longest `ttr` among the stages
//! it stops (the paper's time to recover), falling back to a default for elements with no `ttr` (lanes,
//! chokepoints, stages without `ttr`); for a named scenario, its longest event `duration`.
//!
//! # Complexity
//! One impact per scenario, run in parallel (rayon): scenarios solved on regions (`local`) are taken one at a
//! time by each thread from a shared counter, since each is independent of the others; sweeps on warm
//! whole-component LPs ([`WarmLp`]) run in a fixed number of chunks, each re-solving its models warm. Results
//! keep the input order before ranking, so output is deterministic. Ranking is O(k log k).

use crate::disruption::Disruption;
use crate::engine::{Impact, StressLp, Tts, WarmLp};
use crate::error::StressError;
use crate::solver::Solver;
use keel_model::{
    BlocIx, ChokeIx, CountryIx, Disrupted, ElementKind, FirmIx, ItemIx, LaneIx, Model, Progress,
    RegimeIx, SiteIx, StageIx, Target,
};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How long each scenario lasts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Duration {
    /// The element's own time to recover (scenario duration for named scenarios), else `fallback`.
    Ttr { fallback: f64 },
    /// The same `t` for every scenario.
    Fixed(f64),
}

/// One scenario of a sweep.
#[derive(Clone, Debug)]
pub struct Case {
    /// The element or named scenario the disruption comes from.
    pub subject: Disrupted,
    pub disruption: Disruption,
    /// Duration `t` for PI.
    pub t: f64,
}

/// One ranked result.
#[derive(Clone, Debug, Serialize)]
pub struct SweepRow {
    /// Position of its case in the cases swept.
    pub case: usize,
    pub subject: Disrupted,
    pub t: f64,
    pub rei: f64,
    #[serde(flatten)]
    pub impact: Impact,
}

/// Every target of a kind, in index order.
pub fn targets_of_kind(model: &Model, kind: ElementKind) -> Vec<Target> {
    let n = |len: usize| 0..len;
    match kind {
        ElementKind::Stage => n(model.stages().len())
            .map(|i| Target::Stage(StageIx::new(i)))
            .collect(),
        ElementKind::Site => n(model.sites().len())
            .map(|i| Target::Site(SiteIx::new(i)))
            .collect(),
        ElementKind::Firm => n(model.firms().len())
            .map(|i| Target::Firm(FirmIx::new(i)))
            .collect(),
        ElementKind::Country => n(model.countries().len())
            .map(|i| Target::Country(CountryIx::new(i)))
            .collect(),
        ElementKind::Bloc => n(model.blocs().len())
            .map(|i| Target::Bloc(BlocIx::new(i)))
            .collect(),
        ElementKind::Lane => n(model.lanes().len())
            .map(|i| Target::Lane(LaneIx::new(i)))
            .collect(),
        ElementKind::Chokepoint => n(model.chokepoints().len())
            .map(|i| Target::Chokepoint(ChokeIx::new(i)))
            .collect(),
        ElementKind::Regime => n(model.regimes().len())
            .map(|i| Target::Regime(RegimeIx::new(i)))
            .collect(),
        ElementKind::Item => n(model.items().len())
            .map(|i| Target::Item(ItemIx::new(i)))
            .collect(),
    }
}

fn check_t(t: f64, what: &str) -> Result<f64, StressError> {
    if t.is_finite() && t >= 0.0 {
        Ok(t)
    } else {
        Err(StressError::Option(format!("{what} must be >= 0, got {t}")))
    }
}

fn ttr_of(model: &Model, d: &Disruption) -> Option<f64> {
    d.stages
        .iter()
        .filter_map(|&(s, _)| model.stages()[s.index()].ttr)
        .fold(None, |a, x| Some(a.map_or(x, |a: f64| a.max(x))))
}

/// A full outage of each target of `kind`.
pub fn element_cases(
    model: &Model,
    kind: ElementKind,
    duration: Duration,
) -> Result<Vec<Case>, StressError> {
    targets_of_kind(model, kind)
        .into_iter()
        .map(|tg| {
            let disruption = Disruption::from_target(model, tg, 0.0);
            let t = match duration {
                Duration::Fixed(t) => check_t(t, "--ttr")?,
                Duration::Ttr { fallback } => match ttr_of(model, &disruption) {
                    Some(t) => check_t(t, "ttr")?,
                    None => check_t(fallback, "fallback ttr")?,
                },
            };
            Ok(Case {
                subject: Disrupted::Element(tg),
                disruption,
                t,
            })
        })
        .collect()
}

/// Each named scenario of `scenarios.csv`, events taken as simultaneous.
pub fn scenario_cases(model: &Model, duration: Duration) -> Result<Vec<Case>, StressError> {
    model
        .scenarios()
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            let disruption = Disruption::from_scenario(model, sc);
            let longest = sc.events.iter().map(|e| e.duration).fold(0.0, f64::max);
            let t = match duration {
                Duration::Fixed(t) => check_t(t, "--ttr")?,
                Duration::Ttr { .. } if longest > 0.0 => check_t(longest, "scenario duration")?,
                Duration::Ttr { fallback } => {
                    check_t(ttr_of(model, &disruption).unwrap_or(fallback), "ttr")?
                }
            };
            Ok(Case {
                subject: Disrupted::Scenario(i),
                disruption,
                t,
            })
        })
        .collect()
}

/// Chunks of a sweep on warm whole-component LPs; each builds its own (the cold solve of each component is
/// shared by all chunks).
const CHUNKS: usize = 8;
const MIN_CHUNK: usize = 16;

/// Solves every case in parallel and ranks them as [`rank`] does.
/// `progress` is called with the number of cases finished so far (from worker threads).
pub fn sweep<S: Solver>(
    lp: &StressLp<'_, S>,
    cases: &[Case],
    platform_tts: bool,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<SweepRow>, StressError> {
    sweep_with(lp, cases, platform_tts, &progress)
}

/// [`sweep`] reporting to a [`Progress`], which may cancel it: no case starts once
/// [`Progress::cancelled`] is true, and the sweep then returns [`StressError::Cancelled`].
pub fn sweep_with<S: Solver>(
    lp: &StressLp<'_, S>,
    cases: &[Case],
    platform_tts: bool,
    progress: &dyn Progress,
) -> Result<Vec<SweepRow>, StressError> {
    let impacts = sweep_part(lp, cases, 0..cases.len(), platform_tts, progress)?;
    Ok(ranked(lp.model(), cases, impacts))
}

/// Cases per chunk of a sweep of `n` cases on warm whole-component LPs (see [`sweep_part`]).
fn warm_chunk(n: usize) -> usize {
    n.div_ceil(CHUNKS).max(MIN_CHUNK)
}

/// The cases of shard `index` of `count` (0-based) of a sweep of `cases` on `lp`: a contiguous range, such that
/// [`sweep_part`] on each range gives exactly the impacts the whole sweep gives. Solves on regions are
/// independent, so the cases are split evenly; warm whole-component solves depend on the solves before them in
/// their chunk, so shards take whole chunks (at most 8 shards then hold any cases; the others are empty).
///
/// # Complexity
/// O(1).
pub fn shard_range<S: Solver>(
    lp: &StressLp<'_, S>,
    cases: usize,
    index: usize,
    count: usize,
) -> std::ops::Range<usize> {
    let count = count.max(1);
    let index = index.min(count);
    if lp.local_components() == lp.components() {
        (index * cases / count)..((index + 1) * cases / count)
    } else {
        let chunk = warm_chunk(cases);
        let chunks = cases.div_ceil(chunk);
        let at = |k: usize| (k * chunks / count * chunk).min(cases);
        at(index)..at(index + 1)
    }
}

/// The impacts of `cases[range]`, in case order, solved in parallel: exactly what the whole sweep computes for
/// these cases when `range` is one of [`shard_range`]'s (or all the cases). Ranking needs every case: see
/// [`ranked`].
pub fn sweep_part<S: Solver>(
    lp: &StressLp<'_, S>,
    cases: &[Case],
    range: std::ops::Range<usize>,
    platform_tts: bool,
    progress: &dyn Progress,
) -> Result<Vec<Impact>, StressError> {
    let all = cases.len();
    let offset = range.start;
    let cases = &cases[range];
    progress.start(cases.len());
    let done = AtomicUsize::new(0);
    let solve = |warm: &mut WarmLp<'_, '_, S>, c: &Case| {
        if progress.cancelled() {
            return Err(StressError::Cancelled);
        }
        let r = warm.impact(&c.disruption, c.t, platform_tts);
        progress.set(done.fetch_add(1, Ordering::Relaxed) + 1);
        r
    };
    if lp.local_components() == lp.components() {
        // Region-restricted solves share nothing between scenarios (each builds its own LP from the same plan),
        // so a scenario's result does not depend on which thread solves it or after what. Each thread of the
        // pool takes the next unsolved scenario from a shared counter, with one scratch space per thread: a few
        // scenarios take seconds where most take milliseconds, and with fixed parts of the list (rayon does not
        // split a part once it has started) one core sat idle while the other finished its part.
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let mut solved: Vec<(usize, Result<Impact, StressError>)> = rayon::broadcast(|_| {
            let mut warm = WarmLp::new(lp);
            let mut out = Vec::new();
            while !failed.load(Ordering::Relaxed) {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(c) = cases.get(k) else { break };
                let r = solve(&mut warm, c);
                failed.fetch_or(r.is_err(), Ordering::Relaxed);
                warm.forget_whole_models();
                out.push((k, r));
            }
            out
        })
        .into_iter()
        .flatten()
        .collect();
        // The counter hands out 0, 1, 2, ... and every index handed out is solved, so in input order the results
        // are all the cases or, once a failure stops the threads, a prefix whose first error is returned.
        solved.sort_unstable_by_key(|&(k, _)| k);
        solved.into_iter().map(|(_, r)| r).collect()
    } else {
        // Warm whole-component LPs carry a basis from one solve to the next; a fixed number of chunks of the
        // whole sweep (not one per thread, nor of this part) keeps each chunk's sequence of solves, hence every
        // last digit, independent of the machine and of how the sweep is split into shards.
        let chunk = warm_chunk(all);
        if offset % chunk != 0 {
            return Err(StressError::Option(format!(
                "a part of a warm sweep must start on a chunk of {chunk} cases, not at case {offset}"
            )));
        }
        let impacts: Vec<Vec<Impact>> = cases
            .par_chunks(chunk)
            .map(|part| {
                let mut warm = WarmLp::new(lp);
                part.iter()
                    .map(|c| solve(&mut warm, c))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<_, _>>()?;
        Ok(impacts.into_iter().flatten().collect())
    }
}

/// The rows of a whole sweep from every case's impact (in case order): REI against the largest PI, then
/// [`rank`]ed.
///
/// # Complexity
/// O(k log k) for k cases.
pub fn ranked(model: &Model, cases: &[Case], impacts: Vec<Impact>) -> Vec<SweepRow> {
    let max_pi = impacts.iter().map(|i| i.pi).fold(0.0, f64::max);
    let mut rows: Vec<SweepRow> = cases
        .iter()
        .zip(impacts)
        .enumerate()
        .map(|(case, (c, impact))| SweepRow {
            case,
            subject: c.subject,
            t: c.t,
            rei: if max_pi > 0.0 {
                impact.pi / max_pi
            } else {
                0.0
            },
            impact,
        })
        .collect();
    rank(model, &mut rows);
    rows
}

fn tts_key(t: &Tts) -> (bool, f64) {
    (t.at_least, t.value)
}

/// `x` rounded to 10 significant digits, so that values equal up to solver round-off (2805.6000000000004 and
/// 2805.6) compare equal and ties fall through to the next key, as they would for a reader.
fn sig10(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(9 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Sorts by PI descending, then TTS ascending (finite before "at least"), then by what was disrupted as its
/// name reads ([`Disrupted::key`]: kind, then id or scenario name), then by case; PI and TTS compared to 10
/// significant digits.
pub fn rank(model: &Model, rows: &mut [SweepRow]) {
    rows.sort_by(|a, b| {
        sig10(b.impact.pi)
            .total_cmp(&sig10(a.impact.pi))
            .then_with(|| {
                let (x, y) = (tts_key(&a.impact.tts), tts_key(&b.impact.tts));
                x.0.cmp(&y.0).then(sig10(x.1).total_cmp(&sig10(y.1)))
            })
            .then_with(|| a.subject.key(model).cmp(&b.subject.key(model)))
            .then(a.case.cmp(&b.case))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::solver::{
        Col, Cols, Highs, HighsBasis, HighsLp, LpModel, Problem, Rows, Sense, Solution,
        SolverError, SolverOption, Status,
    };
    use std::sync::Arc;

    /// A fault wrapper around HiGHS: every solve of a model grown by batches (the region solver's: built
    /// empty) whose column count is a multiple of `every` fails, and is counted. Which solves fail depends only
    /// on the LP, hence only on the scenario, never on the thread or on what it solved before.
    #[derive(Debug)]
    struct DeclineGrown {
        every: usize,
        declined: Arc<AtomicUsize>,
    }

    #[derive(Debug)]
    struct Grown {
        inner: HighsLp,
        grown: bool,
        every: usize,
        declined: Arc<AtomicUsize>,
    }

    impl Solver for DeclineGrown {
        type Model = Grown;

        fn build(&self, problem: &Problem, sense: Sense) -> Result<Grown, SolverError> {
            Ok(Grown {
                inner: Highs.build(problem, sense)?,
                grown: problem.num_cols() == 0,
                every: self.every,
                declined: Arc::clone(&self.declined),
            })
        }
    }

    impl LpModel for Grown {
        type Basis = HighsBasis;

        fn num_rows(&self) -> usize {
            self.inner.num_rows()
        }
        fn num_cols(&self) -> usize {
            self.inner.num_cols()
        }
        fn set_option(&mut self, option: SolverOption) {
            self.inner.set_option(option);
        }
        fn set_col_bounds(&mut self, col: Col, lower: f64, upper: f64) {
            self.inner.set_col_bounds(col, lower, upper);
        }
        fn add_rows(&mut self, rows: &Rows) -> Result<(), SolverError> {
            self.inner.add_rows(rows)
        }
        fn add_cols(&mut self, cols: &Cols) -> Result<(), SolverError> {
            self.inner.add_cols(cols)
        }
        fn solve(&mut self) -> Result<Status, SolverError> {
            if self.grown && self.inner.num_cols() % self.every == 0 {
                self.declined.fetch_add(1, Ordering::Relaxed);
                return Err(SolverError("declined by the test".into()));
            }
            self.inner.solve()
        }
        fn objective(&self) -> f64 {
            self.inner.objective()
        }
        fn solution(&self) -> Solution {
            self.inner.solution()
        }
        fn basis(&mut self) -> Option<HighsBasis> {
            self.inner.basis()
        }
        fn set_basis(&mut self, basis: &HighsBasis) -> bool {
            self.inner.set_basis(basis)
        }
    }

    /// Region sweeps hand scenarios to threads in an order set by timing. A scenario the region solver declines
    /// goes to a whole-component model, which carries HiGHS state from solve to solve, so the sweep drops those
    /// models after each scenario: with region solves failing through the solver boundary, the sweep must give
    /// the same bits whatever the threads, and agree with the region solver to 1e-6.
    #[test]
    fn whole_component_fallbacks_in_a_region_sweep_keep_every_bit() {
        let model = keel_io::generate::generate(&keel_io::generate::GenOptions {
            stages: 200,
            seed: 11,
            ..Default::default()
        })
        .build()
        .unwrap()
        .model;
        fn bits<S: Solver>(
            lp: &StressLp<'_, S>,
            cases: &[Case],
            threads: usize,
        ) -> Vec<(usize, u64, u64)> {
            assert_eq!(lp.local_components(), lp.components(), "a region sweep");
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let rows = pool.install(|| sweep(lp, cases, false, &|_| {})).unwrap();
            let mut v: Vec<_> = rows
                .into_iter()
                .map(|r| (r.case, r.impact.pi.to_bits(), r.impact.tts.value.to_bits()))
                .collect();
            v.sort();
            v
        }
        let cases =
            element_cases(&model, ElementKind::Stage, Duration::Ttr { fallback: 30.0 }).unwrap();
        let faulty = |threads: usize| {
            let declined = Arc::new(AtomicUsize::new(0));
            let solver = DeclineGrown {
                every: 3,
                declined: Arc::clone(&declined),
            };
            let lp = StressLp::with_solver(&model, 365.0, solver).unwrap();
            let rows = bits(&lp, &cases, threads);
            (rows, declined.load(Ordering::Relaxed))
        };
        let (one, declined) = faulty(1);
        assert!(declined > 20, "only {declined} fallbacks");
        for threads in [2, 3] {
            assert_eq!(faulty(threads).0, one, "{threads} threads");
        }
        let region = bits(&StressLp::new(&model, 365.0).unwrap(), &cases, 2);
        let mut lossy = 0;
        for (a, b) in one.iter().zip(&region) {
            assert_eq!(a.0, b.0);
            for (x, y) in [(a.1, b.1), (a.2, b.2)] {
                let (x, y) = (f64::from_bits(x), f64::from_bits(y));
                assert!(
                    (x - y).abs() <= 1e-6 * x.abs().max(1.0),
                    "case {}: {x} vs {y}",
                    a.0
                );
            }
            lossy += usize::from(f64::from_bits(a.1) > 0.0);
        }
        assert!(lossy > 10, "only {lossy} scenarios with a loss");
    }

    fn row(case: usize, stage: StageIx, pi: f64, tts: f64) -> SweepRow {
        SweepRow {
            case,
            subject: Disrupted::Element(Target::Stage(stage)),
            t: 30.0,
            rei: 0.0,
            impact: Impact {
                pi,
                tts: Tts {
                    value: tts,
                    at_least: false,
                },
                platforms_hit: Vec::new(),
                platform_tts: Vec::new(),
            },
        }
    }

    #[test]
    fn round_off_ties_fall_through_to_the_name() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
        let model = keel_io::load(&dir).unwrap().model;
        // Five stages a < b < c < d < e by id, hence by the name a reader sees.
        let mut by_id: Vec<StageIx> = (0..model.stages().len()).map(StageIx::new).collect();
        by_id.sort_by(|&x, &y| model.stages()[x].id.cmp(&model.stages()[y].id));
        let [a, b, c, d, e] = [by_id[0], by_id[1], by_id[2], by_id[3], by_id[4]];
        // Willems chain 26: 198 stages lose 2,806 units each, some computed as 2805.6000000000004.
        let mut rows = vec![
            row(0, b, 2805.6000000000004, 0.0),
            row(1, c, 2805.6, 1.0 + 1e-13),
            row(2, a, 2805.6, 0.0),
            row(3, d, 3000.0, 5.0),
            row(4, e, 2805.5, 0.0),
            // The same element twice (cases a caller made itself): the case order decides.
            row(6, a, 1.0, 0.0),
            row(5, a, 1.0, 0.0),
        ];
        rank(&model, &mut rows);
        let cases: Vec<usize> = rows.iter().map(|r| r.case).collect();
        assert_eq!(cases, [3, 2, 0, 1, 4, 5, 6]);
        assert_eq!(sig10(2805.6000000000004), 2805.6);
        assert_eq!(sig10(0.0), 0.0);
        assert_eq!(sig10(-1.23456789012e-7), -1.234567890e-7);
    }
}
