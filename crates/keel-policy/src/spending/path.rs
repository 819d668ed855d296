//! The steady path to a share-of-GDP target by a target year (NATO's 3.5% core defence by 2035), and where a
//! member stands on it.
//!
//! Starting from share `s0` in year `y0`, with real GDP growing at `g` a year and real defence expenditure at
//! `r`, the share after `n` years is `s0 * ((1 + r) / (1 + g))^n`. Reaching `t` in year `y1` (`T = y1 - y0`)
//! takes the constant real growth
//!
//! ```text
//! r = (1 + g) * (t / s0)^(1 / T) - 1
//! ```
//!
//! A member's recent pace `p` is the compound annual real growth of its expenditure (US dollars at 2015 prices,
//! NATO Table 2) over the last `RECENT_YEARS` years of the tables (2021 to 2024e). It stands:
//! `Reached` when `s0 >= t`; `OnPace` when `p >= r`; else `Behind`. At pace `p > g` the target is reached
//! after `ln(t / s0) / ln((1 + p) / (1 + g))` years (rounded up); at `p <= g` the share never rises.
//!
//! The default real GDP growth is the member's own compound annual real GDP growth over the tables' years
//! (2014 to 2024e, NATO Table 5 at 2015 prices), so that the default has a source for every member; a
//! stated `--gdp-growth` replaces it.
//!
//! # Complexity
//! O(T) per member for the path's points.

use super::Member;
use serde::Serialize;

/// NATO's core-defence target (The Hague, 2025).
pub const TARGET: f64 = 0.035;
/// The year it is to be reached.
pub const TARGET_YEAR: u16 = 2035;
/// Years over which a member's recent pace is measured.
pub const RECENT_YEARS: u16 = 3;

/// The constant real growth of expenditure that takes share `s0` to `target` in `years` years with real GDP
/// growth `g`.
pub fn required_growth(s0: f64, target: f64, g: f64, years: u16) -> f64 {
    (1.0 + g) * (target / s0).powf(1.0 / f64::from(years)) - 1.0
}

/// Whole years until `s0` reaches `target` growing at `p` against GDP at `g`; `None` if it never does.
pub fn years_to_reach(s0: f64, target: f64, p: f64, g: f64) -> Option<u16> {
    if s0 >= target {
        return Some(0);
    }
    if p <= g {
        return None;
    }
    let n = ((target / s0).ln() / ((1.0 + p) / (1.0 + g)).ln()).ceil();
    // Beyond a century the answer is "not on any horizon that matters".
    (n <= 100.0).then_some(n as u16)
}

/// Compound annual growth from `a` to `b` over `years` years.
pub fn cagr(a: f64, b: f64, years: u16) -> Option<f64> {
    (a > 0.0 && b > 0.0 && years > 0).then(|| (b / a).powf(1.0 / f64::from(years)) - 1.0)
}

/// Where a member stands on the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Already at or above the target.
    Reached,
    /// Recent real growth at or above the required growth.
    OnPace,
    /// Recent real growth below it.
    Behind,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Reached => "reached",
            Standing::OnPace => "on pace",
            Standing::Behind => "behind",
        }
    }
}

/// One year of the path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathPoint {
    pub year: u16,
    /// Share of GDP on the path.
    pub share_gdp: f64,
    /// Expenditure on the path, million US dollars at 2015 prices.
    pub usd_constant_2015: f64,
}

/// A member's path to the target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Path {
    pub from_year: u16,
    /// The start year is an estimate (2024e).
    pub from_estimate: bool,
    pub to_year: u16,
    pub target: f64,
    pub start_share: f64,
    /// Real GDP growth assumed, a year.
    pub gdp_growth: f64,
    /// Where it comes from: `stated` (`--gdp-growth`) or `member trend 2014-2024e, NATO Table 5 at 2015 prices`.
    pub gdp_growth_source: String,
    /// The constant real growth of expenditure that reaches the target in the target year.
    pub required_real_growth: f64,
    /// Compound annual real growth of expenditure over the last [`RECENT_YEARS`] years.
    pub recent_real_growth: Option<f64>,
    pub standing: Standing,
    /// The year the target is reached at the recent pace (None: never at that pace).
    pub year_reached_at_recent_pace: Option<u16>,
    /// The path, one point a year from `from_year` to `to_year`.
    pub points: Vec<PathPoint>,
}

/// The path of `m` from its last year with a share of GDP, or `None` without one. `gdp_growth` is the stated
/// real GDP growth, or `None` for the member's own trend.
pub fn path(m: &Member, gdp_growth: Option<f64>) -> Option<Path> {
    let last = m
        .years
        .iter()
        .rev()
        .find(|y| y.share_gdp.is_some_and(|s| s > 0.0))?;
    let first = m.years.first()?;
    let s0 = last.share_gdp?;
    let (g, source) = match gdp_growth {
        Some(g) => (g, "stated".to_string()),
        None => {
            let g = cagr(
                first.gdp_usd_constant_2015?,
                last.gdp_usd_constant_2015?,
                last.year - first.year,
            )?;
            (
                g,
                format!(
                    "member trend {}-{}{}, NATO Table 5 at 2015 prices",
                    first.year,
                    last.year,
                    if last.estimate { "e" } else { "" }
                ),
            )
        }
    };
    let years = TARGET_YEAR.checked_sub(last.year).filter(|n| *n > 0)?;
    let r = required_growth(s0, TARGET, g, years);
    let recent = m
        .year(last.year - RECENT_YEARS)
        .and_then(|y0| cagr(y0.usd_constant_2015?, last.usd_constant_2015?, RECENT_YEARS));
    let standing = if s0 >= TARGET {
        Standing::Reached
    } else if recent.is_some_and(|p| p >= r) {
        Standing::OnPace
    } else {
        Standing::Behind
    };
    let reached = recent.and_then(|p| years_to_reach(s0, TARGET, p, g).map(|n| last.year + n));
    let d0 = last.usd_constant_2015.unwrap_or(f64::NAN);
    let points = (0..=years)
        .map(|n| {
            let n_f = f64::from(n);
            PathPoint {
                year: last.year + n,
                share_gdp: s0 * ((1.0 + r) / (1.0 + g)).powf(n_f),
                usd_constant_2015: d0 * (1.0 + r).powf(n_f),
            }
        })
        .collect();
    Some(Path {
        from_year: last.year,
        from_estimate: last.estimate,
        to_year: TARGET_YEAR,
        target: TARGET,
        start_share: s0,
        gdp_growth: g,
        gdp_growth_source: source,
        required_real_growth: r,
        recent_real_growth: recent,
        standing,
        year_reached_at_recent_pace: reached,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_required_growth_on_a_hand_case() {
        // 1% of GDP in 2024 to 3.5% in 2035 (11 years) with 2% real GDP growth:
        // r = 1.02 * 3.5^(1/11) - 1 = 0.1430386... (3.5^(1/11) = e^(ln 3.5 / 11) = 1.1206261).
        let r = required_growth(0.01, 0.035, 0.02, 11);
        assert!((r - 0.143_038_616_991_910_45).abs() < 1e-12, "{r}");
        // Growing at r for 11 years against GDP at 2% lands exactly on 3.5%.
        let s = 0.01 * ((1.0 + r) / 1.02_f64).powi(11);
        assert!((s - 0.035).abs() < 1e-12);
        // With no GDP growth and a doubling target over one year, spending doubles.
        assert!((required_growth(0.02, 0.04, 0.0, 1) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn years_to_reach_a_target_at_a_pace() {
        // 1.5% to 3.5% at 10% a year against 2% GDP growth: ln(3.5/1.5)/ln(1.10/1.02) = 11.22 -> 12 years.
        assert_eq!(years_to_reach(0.015, 0.035, 0.10, 0.02), Some(12));
        assert_eq!(years_to_reach(0.015, 0.035, 0.02, 0.02), None);
        assert_eq!(years_to_reach(0.04, 0.035, 0.0, 0.02), Some(0));
        assert!((cagr(100.0, 121.0, 2).unwrap() - 0.1).abs() < 1e-12);
    }
}
