//! Results of a simulated disruption: every platform's delivered, short and cumulative-loss series over the
//! horizon, its first shortfall and recovery, and the network's time to survive (whole steps of full service from
//! the disruption's start).
//!
//! # Complexity
//! O(horizon x platforms) time and memory on top of the run itself.

use super::*;
use serde::Serialize;

impl Simulator<'_> {
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
            .scenarios()
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
            short: vec![vec![0.0; h]; m.demands().len()],
            stock: if self.skip {
                Vec::new()
            } else {
                vec![vec![0.0; h]; m.demands().len()]
            },
            progress,
        };
        let mut sc = self.scratch();
        self.run(events, &mut sc, &mut rec);
        let start = events.iter().map(|e| e.first).min().filter(|&s| s < h);
        let platforms: Vec<PlatformSeries> = m
            .demands()
            .iter()
            .zip(rec.short)
            .zip(
                rec.stock
                    .into_iter()
                    .chain(std::iter::repeat_with(Vec::new)),
            )
            .map(|((d, short), stock)| {
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
                    stage: d.stage,
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
                    stock,
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

struct Recorder<'p> {
    short: Vec<Vec<f64>>,
    /// Empty unless the simulator computes every stage (then stocks are exact).
    stock: Vec<Vec<f64>>,
    progress: &'p dyn Fn(usize),
}

impl Sink for Recorder<'_> {
    fn short(&mut self, row: usize, step: usize, units: f64) {
        self.short[row][step] += units;
    }
    fn step_done(&mut self, t: usize) {
        (self.progress)(t + 1);
    }
    fn wants_stock(&self) -> bool {
        !self.stock.is_empty()
    }
    fn stock(&mut self, row: usize, step: usize, units: f64) {
        self.stock[row][step] = units;
    }
}

/// One platform's (demand row's) series over the horizon.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformSeries {
    pub stage: StageIx,
    pub demand: f64,
    pub loss_per_unit: f64,
    pub delivered: Vec<f64>,
    pub shortfall: Vec<f64>,
    pub cum_loss: Vec<f64>,
    /// Finished units on hand at the platform's stage at the end of each step; recorded only by a simulator
    /// that computes every stage ([`Simulator::exhaustive`]), empty otherwise (the fast path does not follow
    /// the stocks of stages it lets rest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stock: Vec<f64>,
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
