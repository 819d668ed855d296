//! How a deal's delivered TIV is placed in its delivery years.
//!
//! The register gives, per deal, the TIV of all weapons delivered and the list of years with deliveries
//! (`2010; 2012`), but not the number or TIV delivered each year (SIPRI's own yearly TIV tables use those, which
//! the register export does not carry). Keel's default, [`Spread::Even`], gives each listed year an equal part:
//!
//! ```text
//! tiv(deal, y) = tiv_delivered / n      for each of the n listed delivery years y
//! ```
//!
//! It keeps every deal's total, so totals over all years (and any period that holds all of a deal's
//! deliveries) are exact; it blurs a deal whose deliveries were uneven across years, and moves value across
//! a period boundary when the deliveries straddle it. [`Spread::First`] and [`Spread::Last`] put everything in
//! the first or last listed year, the bounds of that choice; docs/methods/policy.md measures the difference on
//! Canada's imports.
//!
//! # Complexity
//! O(n) per deal for n delivery years.

use super::Deal;
use serde::{Deserialize, Serialize};

/// Where a deal's delivered TIV goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    /// Equal parts in each listed delivery year.
    #[default]
    Even,
    /// All in the first listed delivery year.
    First,
    /// All in the last listed delivery year.
    Last,
}

impl Spread {
    pub fn label(self) -> &'static str {
        match self {
            Spread::Even => "even over delivery years",
            Spread::First => "all in the first delivery year",
            Spread::Last => "all in the last delivery year",
        }
    }
}

/// Calls `f(year, tiv)` for each year a part of `deal`'s delivered TIV falls in. A deal with no deliveries
/// (no TIV delivered, or no delivery year) places nothing.
pub fn spread(deal: &Deal, rule: Spread, mut f: impl FnMut(u16, f64)) {
    let Some(tiv) = deal.tiv_delivered else {
        return;
    };
    let years = &deal.delivery_years;
    if years.is_empty() {
        return;
    }
    match rule {
        Spread::Even => {
            #[allow(clippy::cast_precision_loss)]
            let part = tiv / years.len() as f64;
            for &y in years {
                f(y, part);
            }
        }
        Spread::First => f(*years.iter().min().unwrap_or(&years[0]), tiv),
        Spread::Last => f(*years.iter().max().unwrap_or(&years[0]), tiv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deal(tiv: Option<f64>, years: &[u16]) -> Deal {
        Deal {
            recipient: "A".into(),
            supplier: "B".into(),
            order_year: 2000,
            order_year_uncertain: false,
            number_ordered: None,
            number_ordered_uncertain: false,
            designation: String::new(),
            description: String::new(),
            number_delivered: None,
            number_delivered_uncertain: false,
            delivery_years: years.to_vec(),
            status: String::new(),
            tiv_per_unit: None,
            tiv_order: None,
            tiv_delivered: tiv,
            line: 1,
        }
    }

    fn placed(d: &Deal, rule: Spread) -> Vec<(u16, f64)> {
        let mut v = Vec::new();
        spread(d, rule, |y, t| v.push((y, t)));
        v
    }

    #[test]
    fn even_first_and_last() {
        let d = deal(Some(90.0), &[2010, 2012, 2013]);
        assert_eq!(
            placed(&d, Spread::Even),
            vec![(2010, 30.0), (2012, 30.0), (2013, 30.0)]
        );
        assert_eq!(placed(&d, Spread::First), vec![(2010, 90.0)]);
        assert_eq!(placed(&d, Spread::Last), vec![(2013, 90.0)]);
        assert!(placed(&deal(None, &[2010]), Spread::Even).is_empty());
        assert!(placed(&deal(Some(5.0), &[]), Spread::Even).is_empty());
    }
}
