//! The gap between a member's defence expenditure and a share-of-GDP target, in money per year.
//!
//! With expenditure `D` and its share of GDP `s = D / GDP`, the expenditure at target share `t` is
//! `t * GDP = D * t / s`, so the gap is
//!
//! ```text
//! gap(t) = t * GDP - D = D * (t / s - 1)        > 0: short of the target; < 0: above it
//! ```
//!
//! The ratio form holds in every unit NATO prints (national currency, US dollars at current or 2015 prices)
//! because NATO deflates expenditure and GDP with the same GDP deflator and converts both at the same rate, so
//! `s` is the same in all of them; it needs no GDP in national currency, which NATO does not print. The
//! targets: 2% (Wales summit, 2014), 3.5% core defence and 5% in all (3.5% + 1.5% defence-related, The Hague
//! summit, 2025).
//!
//! # Complexity
//! O(1) per member and target.

use super::YearFigures;
use serde::Serialize;

/// NATO's share-of-GDP targets: 2% (Wales 2014), 3.5% core and 5% in all by 2035 (The Hague 2025).
pub const TARGETS: [f64; 3] = [0.02, 0.035, 0.05];

/// NATO's guideline for equipment: 20% of defence expenditure (Wales 2014).
pub const EQUIPMENT_GUIDELINE: f64 = 0.20;

/// The gap to one target in one year, in millions (positive: short of the target).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gap {
    pub year: u16,
    pub estimate: bool,
    /// The target share of GDP (0.035 for 3.5%).
    pub target: f64,
    pub share_gdp: f64,
    /// Million national currency, current prices.
    pub national_currency: Option<f64>,
    /// Million US dollars, current prices and exchange rates.
    pub usd_current: Option<f64>,
    /// Million US dollars, 2015 prices and exchange rates.
    pub usd_constant_2015: Option<f64>,
}

/// `D * (t / s - 1)`.
pub fn gap_amount(spending: f64, share: f64, target: f64) -> f64 {
    spending * (target / share - 1.0)
}

/// The gap of `y` to `target`; `None` when NATO prints no share of GDP (Iceland, which has no armed forces).
pub fn gap(y: &YearFigures, target: f64) -> Option<Gap> {
    let s = y.share_gdp.filter(|s| *s > 0.0)?;
    Some(Gap {
        year: y.year,
        estimate: y.estimate,
        target,
        share_gdp: s,
        national_currency: y.nc_current.map(|d| gap_amount(d, s, target)),
        usd_current: y.usd_current.map(|d| gap_amount(d, s, target)),
        usd_constant_2015: y.usd_constant_2015.map(|d| gap_amount(d, s, target)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_case() {
        // 10 spent at 1% of GDP: GDP is 1,000, 2% is 20, so 10 short; 5% is 50, 40 short.
        assert!((gap_amount(10.0, 0.01, 0.02) - 10.0).abs() < 1e-12);
        assert!((gap_amount(10.0, 0.01, 0.05) - 40.0).abs() < 1e-12);
        // Above the target: 30 at 3% of GDP is 10 above 2%.
        assert!((gap_amount(30.0, 0.03, 0.02) + 10.0).abs() < 1e-12);
    }
}
