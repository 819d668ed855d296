//! Monte Carlo of disruption losses: sample disruptions per horizon, simulate each run, summarise the losses.
//!
//! A run draws, in a fixed order: each scenario of `scenarios.csv` with a probability `p` occurs with probability
//! `p` per horizon, starting at `U[0, H)` (its events keep their offsets and durations); then, for each base rate
//! (`kind`, `q`), every element of that kind (firm, site or lane, in file order) fails with probability `q` per
//! horizon, starting at `U[0, H)`, for a duration drawn from an exponential or a lognormal distribution, at the
//! rate's capacity factor. The run is simulated by [`crate::simulate`].
//!
//! Per platform (demand row), over runs: mean (with Monte Carlo standard error `sd / sqrt(N)`), median, 95th
//! percentile and CVaR(95%) of the loss and of the steps short. Quantiles are the empirical inverse CDF
//! (`x_(ceil(pN))`, 1-based order statistics); CVaR(95%) is the mean of the `N - floor(0.95 N)` largest values, so
//! `CVaR >= p95 >= median`. The *drivers* are the sampled elements counted over the worst 5% of runs by total
//! loss (the same `N - floor(0.95 N)` runs, keeping only runs with a positive loss).
//!
//! Each run has its own generator, ChaCha8 seeded from `seed` on stream `run`, and results are reduced in run
//! order, so the output depends on the seed only, never on the thread count.
//!
//! # Complexity
//! O(N x (E + cost of one simulated run)) time for N runs and E sampled elements per run, over the rayon pool;
//! memory O(N x platforms) for the per-run losses plus one simulation scratch per rayon job.

use crate::simulate::{event_steps, Hit, RunEvent, SimError, Simulator, Sink};
use keel_model::{Disrupted, FirmIx, LaneIx, Progress, SiteIx, StageIx, Target};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The kind of element a base rate applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RateKind {
    Firm,
    Site,
    Lane,
}

/// Every element of `kind` fails with `probability` per horizon, running at `capacity_factor` while down.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BaseRate {
    pub kind: RateKind,
    pub probability: f64,
    pub capacity_factor: f64,
}

/// Duration of a sampled failure, in time units (rounded up to whole steps, at least one).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum DurationDist {
    /// Exponential with this mean.
    Exponential { mean: f64 },
    /// Lognormal with this mean and log-standard-deviation `sigma` (`mu = ln(mean) - sigma^2 / 2`).
    LogNormal { mean: f64, sigma: f64 },
}

#[derive(Clone, Debug)]
pub struct McOptions {
    pub runs: usize,
    pub seed: u64,
    /// Sample the scenarios of `scenarios.csv` that have a probability.
    pub scenarios: bool,
    pub base_rates: Vec<BaseRate>,
    pub duration: DurationDist,
}

/// Summary statistics of one quantity over the runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub mean: f64,
    /// Monte Carlo standard error of the mean.
    pub se: f64,
    pub median: f64,
    pub p95: f64,
    pub cvar95: f64,
    pub max: f64,
}

/// Loss and steps short of one platform (demand row) over the runs.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformMc {
    pub stage: StageIx,
    pub loss: Stats,
    pub steps_short: Stats,
    /// Runs in which this platform was short at least once.
    pub runs_short: usize,
}

/// A sampled element and how often it appears in the worst runs.
#[derive(Clone, Debug, Serialize)]
pub struct Driver {
    /// A named scenario, or a firm, site or lane sampled from a base rate.
    pub element: Disrupted,
    /// Worst runs it appears in.
    pub in_worst: usize,
    /// `in_worst` / number of worst runs.
    pub worst_share: f64,
    /// Share of all runs it appears in (compare with `worst_share`: a driver is over-represented).
    pub run_share: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct McResult {
    pub runs: usize,
    pub seed: u64,
    pub horizon: usize,
    pub steady_baseline: bool,
    /// Loss summed over platforms.
    pub total_loss: Stats,
    /// Each run's loss summed over platforms, by run index (the distribution `total_loss` summarises; for
    /// histograms). Not in the JSON document, which stays a summary: the `runs` table holds them.
    #[serde(skip)]
    pub run_losses: Vec<f64>,
    pub runs_with_loss: usize,
    pub platforms: Vec<PlatformMc>,
    /// Worst runs considered for drivers (positive loss, at most `N - floor(0.95 N)`).
    pub worst_runs: usize,
    /// Sorted by `in_worst` descending, then `run_share` ascending, then as the elements' names read
    /// ([`Disrupted::key`]).
    pub drivers: Vec<Driver>,
}

/// What one run left: each platform's loss and steps short (sparse: only the platforms short in the run, by
/// demand row, ascending) and the sampled elements that occurred (scenarios first, then firms, sites, lanes; see
/// [`McResult::drivers`]). Runs of one Monte Carlo split into parts ([`simulate_runs`]) are put back together
/// with [`summarise`], which gives exactly the single run's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunOut {
    /// `(demand row, loss)` of the platforms with a positive loss or a short step.
    pub loss: Vec<(u32, f64)>,
    /// `(demand row, steps short)`, same rows as `loss`.
    pub short: Vec<(u32, u32)>,
    pub elements: Vec<u32>,
}

struct McSink<'a> {
    lpu: &'a [f64],
    loss: Vec<f64>,
    short: Vec<u32>,
}

impl Sink for McSink<'_> {
    fn short(&mut self, row: usize, _step: usize, units: f64) {
        self.loss[row] += units * self.lpu[row];
        self.short[row] += 1;
    }
}

fn check(opts: &McOptions) -> Result<(), SimError> {
    let bad = |m: String| Err(SimError::Option(m));
    if opts.runs == 0 {
        return bad("runs must be at least 1".into());
    }
    for r in &opts.base_rates {
        if !(0.0..=1.0).contains(&r.probability) {
            return bad(format!(
                "failure probability must be in [0, 1], got {}",
                r.probability
            ));
        }
        if !(0.0..=1.0).contains(&r.capacity_factor) {
            return bad(format!(
                "capacity factor must be in [0, 1], got {}",
                r.capacity_factor
            ));
        }
    }
    match opts.duration {
        DurationDist::Exponential { mean } if !(mean.is_finite() && mean > 0.0) => {
            bad(format!("duration mean must be > 0, got {mean}"))
        }
        DurationDist::LogNormal { mean, sigma }
            if !(mean.is_finite() && mean > 0.0 && sigma.is_finite() && sigma >= 0.0) =>
        {
            bad(format!(
                "lognormal duration needs mean > 0 and sigma >= 0, got {mean}, {sigma}"
            ))
        }
        _ => Ok(()),
    }
}

enum Dur {
    Exp(Exp<f64>),
    LogN(LogNormal<f64>),
}

impl Dur {
    fn new(d: DurationDist) -> Result<Self, SimError> {
        let err = |e: String| SimError::Option(format!("duration distribution: {e}"));
        Ok(match d {
            DurationDist::Exponential { mean } => {
                Dur::Exp(Exp::new(1.0 / mean).map_err(|e| err(e.to_string()))?)
            }
            DurationDist::LogNormal { mean, sigma } => Dur::LogN(
                LogNormal::new(mean.ln() - sigma * sigma / 2.0, sigma)
                    .map_err(|e| err(e.to_string()))?,
            ),
        })
    }
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Dur::Exp(d) => d.sample(rng),
            Dur::LogN(d) => d.sample(rng),
        }
    }
}

/// What a sampled element number stands for: scenarios first, then firms, sites, lanes.
fn sampled(sim: &Simulator, id: u32) -> Disrupted {
    let m = sim.model();
    let mut i = id as usize;
    if i < m.scenarios().len() {
        return Disrupted::Scenario(i);
    }
    i -= m.scenarios().len();
    if i < m.firms().len() {
        return Disrupted::Element(Target::Firm(FirmIx::new(i)));
    }
    i -= m.firms().len();
    if i < m.sites().len() {
        return Disrupted::Element(Target::Site(SiteIx::new(i)));
    }
    i -= m.sites().len();
    Disrupted::Element(Target::Lane(LaneIx::new(i)))
}

/// The generator of run `run`: ChaCha8 from `seed`, on stream `run`.
pub fn run_rng(seed: u64, run: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run as u64);
    rng
}

/// Samples the events of run `run` (and the ids of the elements that occur) into `events`/`elements`.
fn sample(
    sim: &Simulator,
    opts: &McOptions,
    dur: &Dur,
    run: usize,
    events: &mut Vec<RunEvent>,
    elements: &mut Vec<u32>,
) {
    let m = sim.model();
    let h = sim.horizon() as f64;
    let mut rng = run_rng(opts.seed, run);
    events.clear();
    elements.clear();
    if opts.scenarios {
        for (i, sc) in m.scenarios().iter().enumerate() {
            let Some(p) = sc.probability else { continue };
            if rng.random::<f64>() < p {
                let at = rng.random::<f64>() * h;
                events.extend(sim.scenario_events(i, Some(at)));
                elements.push(i as u32);
            }
        }
    }
    for r in &opts.base_rates {
        let (count, offset) = match r.kind {
            RateKind::Firm => (m.firms().len(), m.scenarios().len()),
            RateKind::Site => (m.sites().len(), m.scenarios().len() + m.firms().len()),
            RateKind::Lane => (
                m.lanes().len(),
                m.scenarios().len() + m.firms().len() + m.sites().len(),
            ),
        };
        if r.probability <= 0.0 {
            continue;
        }
        for e in 0..count {
            if rng.random::<f64>() < r.probability {
                let at = rng.random::<f64>() * h;
                let (first, end) = event_steps(at, dur.sample(&mut rng));
                let hit = match r.kind {
                    RateKind::Firm => Hit::Firm(e as u32),
                    RateKind::Site => Hit::Site(e as u32),
                    RateKind::Lane => Hit::Lane(e as u32),
                };
                events.push(RunEvent {
                    hit,
                    factor: r.capacity_factor,
                    first,
                    end,
                });
                elements.push((offset + e) as u32);
            }
        }
    }
    elements.sort_unstable();
    elements.dedup();
}

/// The events sampled for run `run` (the same ones [`monte_carlo`] simulates).
pub fn sample_run(
    sim: &Simulator,
    opts: &McOptions,
    run: usize,
) -> Result<Vec<RunEvent>, SimError> {
    check(opts)?;
    let dur = Dur::new(opts.duration)?;
    let (mut ev, mut el) = (Vec::new(), Vec::new());
    sample(sim, opts, &dur, run, &mut ev, &mut el);
    Ok(ev)
}

/// Statistics of `v` (in run order for the mean, so the result does not depend on threads).
pub fn stats(v: &[f64]) -> Stats {
    let n = v.len();
    if n == 0 {
        return Stats {
            mean: 0.0,
            se: 0.0,
            median: 0.0,
            p95: 0.0,
            cvar95: 0.0,
            max: 0.0,
        };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let se = if n > 1 {
        (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64 / n as f64).sqrt()
    } else {
        0.0
    };
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let q = |pct: usize| s[(pct * n).div_ceil(100).max(1) - 1];
    let k = (n - 95 * n / 100).max(1);
    Stats {
        mean,
        se,
        median: q(50),
        p95: q(95),
        cvar95: s[n - k..].iter().sum::<f64>() / k as f64,
        max: s[n - 1],
    }
}

/// Runs the Monte Carlo; `progress(done)` is called after each run (from any thread).
pub fn monte_carlo(
    sim: &Simulator,
    opts: &McOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<McResult, SimError> {
    monte_carlo_with(sim, opts, &progress)
}

/// [`monte_carlo`] reporting to a [`Progress`], which may cancel it: no run starts once
/// [`Progress::cancelled`] is true, and the Monte Carlo then returns [`SimError::Cancelled`].
pub fn monte_carlo_with(
    sim: &Simulator,
    opts: &McOptions,
    progress: &dyn Progress,
) -> Result<McResult, SimError> {
    let outs = simulate_runs(sim, opts, 0..opts.runs, progress)?;
    summarise(sim, opts, &outs)
}

/// Runs `range` of the Monte Carlo (run indices; each run's generator depends on the seed and its index only,
/// so a run is the same whatever part it is simulated in), in run order.
///
/// # Complexity
/// O(R x (E + cost of one simulated run)) for R runs, over the rayon pool.
pub fn simulate_runs(
    sim: &Simulator,
    opts: &McOptions,
    range: std::ops::Range<usize>,
    progress: &dyn Progress,
) -> Result<Vec<RunOut>, SimError> {
    check(opts)?;
    let n = range.len();
    progress.start(n);
    let skipped = AtomicBool::new(false);
    let dur = Dur::new(opts.duration)?;
    let m = sim.model();
    let np = m.demands().len();
    let lpu: Vec<f64> = m.demands().iter().map(|d| d.loss_per_unit).collect();
    let done = AtomicUsize::new(0);
    let min_len = (n / (rayon::current_num_threads() * 16)).max(1);
    let outs: Vec<RunOut> = range
        .into_par_iter()
        .with_min_len(min_len)
        .map_init(
            || {
                (
                    sim.scratch(),
                    Vec::new(),
                    Vec::new(),
                    McSink {
                        lpu: &lpu,
                        loss: vec![0.0; np],
                        short: vec![0; np],
                    },
                )
            },
            |(scratch, events, elements, sink), run| {
                if progress.cancelled() {
                    skipped.store(true, Ordering::Relaxed);
                    return RunOut {
                        loss: Vec::new(),
                        short: Vec::new(),
                        elements: Vec::new(),
                    };
                }
                sample(sim, opts, &dur, run, events, elements);
                sim.run(events, scratch, sink);
                progress.set(done.fetch_add(1, Ordering::Relaxed) + 1);
                let mut out = RunOut {
                    loss: Vec::new(),
                    short: Vec::new(),
                    elements: elements.clone(),
                };
                for p in 0..np {
                    if sink.short[p] > 0 || sink.loss[p] != 0.0 {
                        out.loss.push((p as u32, sink.loss[p]));
                        out.short.push((p as u32, sink.short[p]));
                        sink.loss[p] = 0.0;
                        sink.short[p] = 0;
                    }
                }
                out
            },
        )
        .collect();
    if skipped.load(Ordering::Relaxed) {
        return Err(SimError::Cancelled);
    }
    Ok(outs)
}

/// The Monte Carlo's results from every run's output, in run order (`outs[k]` is run `k`).
///
/// # Complexity
/// O(N x platforms + N log N) for N runs.
pub fn summarise(sim: &Simulator, opts: &McOptions, outs: &[RunOut]) -> Result<McResult, SimError> {
    check(opts)?;
    let m = sim.model();
    let np = m.demands().len();
    let n = outs.len();
    let mut loss = vec![vec![0.0; n]; np];
    let mut short = vec![vec![0.0; n]; np];
    for (r, o) in outs.iter().enumerate() {
        for &(p, x) in &o.loss {
            let row = loss.get_mut(p as usize).ok_or_else(|| {
                SimError::Option(format!(
                    "run {r} names platform row {p}; the model has {np}"
                ))
            })?;
            row[r] = x;
        }
        for &(p, x) in &o.short {
            let row = short.get_mut(p as usize).ok_or_else(|| {
                SimError::Option(format!(
                    "run {r} names platform row {p}; the model has {np}"
                ))
            })?;
            row[r] = f64::from(x);
        }
    }
    // Summed in row order, as the dense vector of each run would be (zeros add nothing but keep the order).
    let total: Vec<f64> = (0..n).map(|r| (0..np).map(|p| loss[p][r]).sum()).collect();
    let platforms = (0..np)
        .map(|p| PlatformMc {
            stage: m.demands()[p].stage,
            loss: stats(&loss[p]),
            steps_short: stats(&short[p]),
            runs_short: short[p].iter().filter(|&&x| x > 0.0).count(),
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| total[b].total_cmp(&total[a]).then(a.cmp(&b)));
    let k = (n - 95 * n / 100).max(1);
    let worst: Vec<usize> = order
        .into_iter()
        .take(k)
        .filter(|&r| total[r] > 0.0)
        .collect();
    let n_el = m.scenarios().len() + m.firms().len() + m.sites().len() + m.lanes().len();
    let mut in_worst = vec![0usize; n_el];
    let mut in_all = vec![0usize; n_el];
    for (r, o) in outs.iter().enumerate() {
        for &e in &o.elements {
            *in_all.get_mut(e as usize).ok_or_else(|| {
                SimError::Option(format!("run {r} names element {e}; the model has {n_el}"))
            })? += 1;
        }
    }
    for &r in &worst {
        for &e in &outs[r].elements {
            in_worst[e as usize] += 1;
        }
    }
    let mut drivers: Vec<Driver> = (0..n_el)
        .filter(|&e| in_worst[e] > 0)
        .map(|e| Driver {
            element: sampled(sim, e as u32),
            in_worst: in_worst[e],
            worst_share: in_worst[e] as f64 / worst.len() as f64,
            run_share: in_all[e] as f64 / n as f64,
        })
        .collect();
    drivers.sort_by(|a, b| {
        b.in_worst
            .cmp(&a.in_worst)
            .then(a.run_share.total_cmp(&b.run_share))
            .then_with(|| a.element.key(m).cmp(&b.element.key(m)))
    });
    Ok(McResult {
        runs: n,
        seed: opts.seed,
        horizon: sim.horizon(),
        steady_baseline: sim.is_steady(),
        total_loss: stats(&total),
        runs_with_loss: total.iter().filter(|&&x| x > 0.0).count(),
        run_losses: total,
        platforms,
        worst_runs: worst.len(),
        drivers,
    })
}
