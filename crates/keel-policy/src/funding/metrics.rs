//! Funding metrics per programme and overall: does the money announced arrive, does the money allocated get
//! spent, and how much do allocations swing from year to year.
//!
//! For a programme with years `t` (amounts as in the file; a year enters a ratio only when both of its figures
//! are known, so an unknown is never read as zero):
//!
//! - **follow-through** `F = Σ spent_t / Σ announced_t`: a ratio of sums, weighting each year by its money (a
//!   mean of yearly ratios would let a small year swing it). 1 means everything announced was spent.
//! - **lapse** `L = (Σ allocated_t - Σ spent_t) / Σ allocated_t`: the share of the allocated money left unspent
//!   (Canada's "lapsed" authorities). Negative when more is spent than allocated.
//! - **volatility** `V = σ / μ` of the allocations `a_t` (coefficient of variation), with the **population**
//!   standard deviation `σ = sqrt(Σ (a_t - μ)² / n)`: the years in the file are the programme's whole record, not
//!   a sample from which to estimate a wider spread, and the population form keeps a two-year series from
//!   doubling its variance by the `n - 1` correction. Needs at least two years with an allocation.
//! - **stability score** `S = 100 · (w_F·p_F + w_L·p_L + w_V·p_V) / (w_F + w_L + w_V)` over the parts that can be
//!   computed, with each part bounded in [0, 1]:
//!   `p_F = min(max(F, 0), 1)` (spending beyond the announcement earns nothing extra),
//!   `p_L = 1 - min(max(L, 0), 1)` (overspending counts as no lapse),
//!   `p_V = 1 - min(V, 1)` (a spread as large as the mean scores 0).
//!   Default weights are equal (1/3 each): no published weighting exists, and each part answers a distinct
//!   question industry asks (is it funded, is it spent, is it steady). S is in [0, 100].
//!
//! Overall: `F` and `L` are the same ratios of sums over every programme's years; `V` is the mean of the
//! programmes' `V` weighted by their total allocation (a CV of the summed allocations would mix programmes
//! starting and ending with real volatility); `S` is computed from these three by the same formula.
//!
//! # Complexity
//! O(rows).

use super::format::{Basis, FundingFile, Programme};
use crate::PolicyError;
use serde::Serialize;

/// The weights of the stability score's parts. Only their ratios matter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Weights {
    pub follow_through: f64,
    pub lapse: f64,
    pub volatility: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            follow_through: 1.0,
            lapse: 1.0,
            volatility: 1.0,
        }
    }
}

impl Weights {
    /// Checks that the weights are finite, non-negative and not all zero.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let w = [self.follow_through, self.lapse, self.volatility];
        if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
            return Err(PolicyError::Query(
                "stability weights must be non-negative numbers, not all zero (e.g. 1,1,1)".into(),
            ));
        }
        Ok(())
    }
}

/// The three parts of the stability score, each in [0, 1]; `None` where the data cannot give it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Parts {
    pub follow_through: Option<f64>,
    pub lapse: Option<f64>,
    pub volatility: Option<f64>,
}

/// The per-year figures of a programme, ready to chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearMetrics {
    pub fiscal_year: String,
    pub start: i32,
    pub announced: Option<f64>,
    pub allocated: Option<f64>,
    pub spent: Option<f64>,
    /// `spent / announced` for the year.
    pub follow_through: Option<f64>,
    /// `(allocated - spent) / allocated` for the year.
    pub lapse: Option<f64>,
    /// `(a_t - a_{t-1}) / a_{t-1}` when the previous row is the previous fiscal year.
    pub allocation_change: Option<f64>,
    pub basis: Basis,
    pub source: String,
}

/// Where a programme's (or the file's) figures come from, as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BasisSummary {
    Published,
    Illustrative,
    Unstated,
    /// Some rows of one basis, some of another.
    Mixed,
}

impl BasisSummary {
    fn of(bases: impl Iterator<Item = Basis>) -> BasisSummary {
        let mut seen: Option<Basis> = None;
        for b in bases {
            match seen {
                None => seen = Some(b),
                Some(s) if s != b => return BasisSummary::Mixed,
                Some(_) => {}
            }
        }
        match seen {
            Some(Basis::Published) => BasisSummary::Published,
            Some(Basis::Illustrative) => BasisSummary::Illustrative,
            _ => BasisSummary::Unstated,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            BasisSummary::Published => "published",
            BasisSummary::Illustrative => "illustrative",
            BasisSummary::Unstated => "unstated",
            BasisSummary::Mixed => "mixed",
        }
    }
}

/// The metrics of one programme.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProgrammeMetrics {
    pub programme: String,
    pub basis: BasisSummary,
    pub first_year: String,
    pub last_year: String,
    pub years: usize,
    /// Sums over the years where the figure is known.
    pub announced: Option<f64>,
    pub allocated: Option<f64>,
    pub spent: Option<f64>,
    pub follow_through: Option<f64>,
    pub lapse: Option<f64>,
    pub volatility: Option<f64>,
    pub parts: Parts,
    pub stability: Option<f64>,
    pub series: Vec<YearMetrics>,
}

/// The metrics of every programme (in file order) and of all of them together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FundingSummary {
    pub source: String,
    pub weights: Weights,
    pub programmes: Vec<ProgrammeMetrics>,
    pub basis: BasisSummary,
    pub follow_through: Option<f64>,
    pub lapse: Option<f64>,
    pub volatility: Option<f64>,
    pub parts: Parts,
    pub stability: Option<f64>,
}

/// `(Σ num, Σ den)` over the years where both are known; `None` if there are none.
fn paired_sums(
    years: &[super::format::FundingYear],
    num: fn(&super::format::FundingYear) -> Option<f64>,
    den: fn(&super::format::FundingYear) -> Option<f64>,
) -> Option<(f64, f64)> {
    let mut any = false;
    let (mut n, mut d) = (0.0, 0.0);
    for y in years {
        if let (Some(a), Some(b)) = (num(y), den(y)) {
            any = true;
            n += a;
            d += b;
        }
    }
    any.then_some((n, d))
}

/// Follow-through from `(Σ spent, Σ announced)`.
fn follow_through(sums: Option<(f64, f64)>) -> Option<f64> {
    sums.and_then(|(s, a)| (a > 0.0).then(|| s / a))
}

/// Lapse from `(Σ spent, Σ allocated)`.
fn lapse(sums: Option<(f64, f64)>) -> Option<f64> {
    sums.and_then(|(s, a)| (a > 0.0).then(|| (a - s) / a))
}

/// Coefficient of variation with the population standard deviation; `None` for fewer than two values or a
/// zero mean.
pub fn coefficient_of_variation(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return None;
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    Some(var.sqrt() / mean)
}

/// The parts of the stability score from the three metrics.
pub fn parts(f: Option<f64>, l: Option<f64>, v: Option<f64>) -> Parts {
    Parts {
        follow_through: f.map(|x| x.clamp(0.0, 1.0)),
        lapse: l.map(|x| 1.0 - x.clamp(0.0, 1.0)),
        volatility: v.map(|x| 1.0 - x.min(1.0)),
    }
}

/// The stability score in [0, 100] from its parts: the weighted mean of the parts present.
pub fn stability(p: Parts, w: Weights) -> Option<f64> {
    let pairs = [
        (p.follow_through, w.follow_through),
        (p.lapse, w.lapse),
        (p.volatility, w.volatility),
    ];
    let (mut num, mut den) = (0.0, 0.0);
    for (part, weight) in pairs {
        if let Some(x) = part {
            num += weight * x;
            den += weight;
        }
    }
    (den > 0.0).then(|| 100.0 * num / den)
}

fn sum_known(
    years: &[super::format::FundingYear],
    f: fn(&super::format::FundingYear) -> Option<f64>,
) -> Option<f64> {
    years
        .iter()
        .filter_map(f)
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

fn programme_metrics(p: &Programme, w: Weights) -> ProgrammeMetrics {
    let ft = follow_through(paired_sums(&p.years, |y| y.spent, |y| y.announced));
    let lp = lapse(paired_sums(&p.years, |y| y.spent, |y| y.allocated));
    let allocations: Vec<f64> = p.years.iter().filter_map(|y| y.allocated).collect();
    let vol = coefficient_of_variation(&allocations);
    let pr = parts(ft, lp, vol);
    let mut series = Vec::with_capacity(p.years.len());
    let mut prev: Option<(i32, Option<f64>)> = None;
    for y in &p.years {
        let change = match (prev, y.allocated) {
            (Some((py, Some(pa))), Some(a)) if py + 1 == y.fiscal_year.start && pa > 0.0 => {
                Some((a - pa) / pa)
            }
            _ => None,
        };
        prev = Some((y.fiscal_year.start, y.allocated));
        series.push(YearMetrics {
            fiscal_year: y.fiscal_year.label.clone(),
            start: y.fiscal_year.start,
            announced: y.announced,
            allocated: y.allocated,
            spent: y.spent,
            follow_through: follow_through(y.spent.zip(y.announced)),
            lapse: lapse(y.spent.zip(y.allocated)),
            allocation_change: change,
            basis: y.basis,
            source: y.source.clone(),
        });
    }
    ProgrammeMetrics {
        programme: p.name.clone(),
        basis: BasisSummary::of(p.years.iter().map(|y| y.basis)),
        first_year: p
            .years
            .first()
            .map(|y| y.fiscal_year.label.clone())
            .unwrap_or_default(),
        last_year: p
            .years
            .last()
            .map(|y| y.fiscal_year.label.clone())
            .unwrap_or_default(),
        years: p.years.len(),
        announced: sum_known(&p.years, |y| y.announced),
        allocated: sum_known(&p.years, |y| y.allocated),
        spent: sum_known(&p.years, |y| y.spent),
        follow_through: ft,
        lapse: lp,
        volatility: vol,
        parts: pr,
        stability: stability(pr, w),
        series,
    }
}

/// The metrics of every programme and overall (see the module docs for the formulas).
pub fn funding_metrics(f: &FundingFile, w: Weights) -> Result<FundingSummary, PolicyError> {
    w.validate()?;
    let programmes: Vec<ProgrammeMetrics> = f
        .programmes
        .iter()
        .map(|p| programme_metrics(p, w))
        .collect();
    let all: Vec<super::format::FundingYear> = f
        .programmes
        .iter()
        .flat_map(|p| p.years.iter().cloned())
        .collect();
    let ft = follow_through(paired_sums(&all, |y| y.spent, |y| y.announced));
    let lp = lapse(paired_sums(&all, |y| y.spent, |y| y.allocated));
    let (mut vn, mut vd) = (0.0, 0.0);
    for p in &programmes {
        if let (Some(v), Some(a)) = (p.volatility, p.allocated) {
            vn += v * a;
            vd += a;
        }
    }
    let vol = (vd > 0.0).then(|| vn / vd);
    let pr = parts(ft, lp, vol);
    Ok(FundingSummary {
        source: f.file.clone(),
        weights: w,
        basis: BasisSummary::of(all.iter().map(|y| y.basis)),
        programmes,
        follow_through: ft,
        lapse: lp,
        volatility: vol,
        parts: pr,
        stability: stability(pr, w),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::format::parse_funding;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    /// Programme A, by hand:
    /// announced 100 + 100 + 100 = 300, allocated 80 + 100 + 120 = 300, spent 60 + 90 + 120 = 270.
    /// F = 270 / 300 = 0.9; L = (300 - 270) / 300 = 0.1;
    /// allocations 80, 100, 120: mean 100, population variance (400 + 0 + 400) / 3 = 800/3,
    /// V = sqrt(800/3) / 100 = 0.163299...;
    /// parts 0.9, 0.9, 1 - V; S = 100 (0.9 + 0.9 + 1 - V) / 3 = 100 (2.8 - V) / 3.
    /// Programme B: announced unknown; allocated 50 (one year), spent 60.
    /// F none; L = (50 - 60) / 50 = -0.2 -> part 1; V none (one year); S = 100.
    const FILE: &str = "programme,fiscal_year,announced,allocated,spent,source,basis
A,2020-21,100,80,60,s,published
A,2021-22,100,100,90,s,published
A,2022-23,100,120,120,s,illustrative
B,2021-22,,50,60,s,illustrative
";

    #[test]
    fn hand_computed_programmes() {
        let s =
            funding_metrics(&parse_funding(FILE, "f.csv").unwrap(), Weights::default()).unwrap();
        let a = &s.programmes[0];
        close(a.follow_through, 0.9);
        close(a.lapse, 0.1);
        let v = (800.0f64 / 3.0).sqrt() / 100.0;
        close(a.volatility, v);
        close(a.stability, 100.0 * (2.8 - v) / 3.0);
        assert_eq!(a.basis, BasisSummary::Mixed);
        assert_eq!(
            (a.first_year.as_str(), a.last_year.as_str(), a.years),
            ("2020-21", "2022-23", 3)
        );
        close(a.series[0].follow_through, 0.6);
        close(a.series[0].lapse, 0.25);
        assert_eq!(a.series[0].allocation_change, None);
        close(a.series[1].allocation_change, 0.25);
        close(a.series[2].allocation_change, 0.2);
        let b = &s.programmes[1];
        assert_eq!(b.follow_through, None);
        close(b.lapse, -0.2);
        assert_eq!(b.volatility, None);
        close(b.parts.lapse, 1.0);
        close(b.stability, 100.0);
        assert_eq!(b.announced, None);
        assert_eq!(b.basis, BasisSummary::Illustrative);
    }

    /// Overall, by hand: F over years with both announced and spent: 270 / 300 = 0.9 (B has no announcement);
    /// L = (350 - 330) / 350 = 2/35; V = A's V (B has none, so the weights are A's 300 alone);
    /// S = 100 (0.9 + (1 - 2/35) + (1 - V)) / 3.
    #[test]
    fn hand_computed_overall() {
        let s =
            funding_metrics(&parse_funding(FILE, "f.csv").unwrap(), Weights::default()).unwrap();
        let v = (800.0f64 / 3.0).sqrt() / 100.0;
        close(s.follow_through, 0.9);
        close(s.lapse, 2.0 / 35.0);
        close(s.volatility, v);
        close(
            s.stability,
            100.0 * (0.9 + (1.0 - 2.0 / 35.0) + (1.0 - v)) / 3.0,
        );
        assert_eq!(s.basis, BasisSummary::Mixed);
    }

    #[test]
    fn weights_and_bounds() {
        let p = parts(Some(1.4), Some(1.3), Some(2.5));
        assert_eq!(
            p,
            Parts {
                follow_through: Some(1.0),
                lapse: Some(0.0),
                volatility: Some(0.0)
            }
        );
        let w = Weights {
            follow_through: 2.0,
            lapse: 1.0,
            volatility: 1.0,
        };
        close(stability(p, w), 50.0); // (2·1 + 0 + 0) / 4
        close(
            stability(
                Parts {
                    follow_through: None,
                    lapse: Some(0.5),
                    volatility: Some(1.0),
                },
                w,
            ),
            75.0,
        );
        assert_eq!(
            stability(
                Parts {
                    follow_through: None,
                    lapse: None,
                    volatility: None
                },
                w
            ),
            None
        );
        assert!(Weights {
            follow_through: 0.0,
            lapse: 0.0,
            volatility: 0.0
        }
        .validate()
        .is_err());
        assert!(Weights {
            follow_through: -1.0,
            lapse: 1.0,
            volatility: 1.0
        }
        .validate()
        .is_err());
    }

    #[test]
    fn coefficient_of_variation_cases() {
        assert_eq!(coefficient_of_variation(&[5.0]), None);
        assert_eq!(coefficient_of_variation(&[0.0, 0.0]), None);
        close(coefficient_of_variation(&[4.0, 4.0, 4.0]), 0.0);
        // 1 and 3: mean 2, population sd 1, CV 0.5 (the sample sd would be sqrt 2).
        close(coefficient_of_variation(&[1.0, 3.0]), 0.5);
    }
}
