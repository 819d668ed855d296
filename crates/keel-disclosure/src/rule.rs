//! The (n, k) dominance rule: which cells are sensitive on their own (primary suppression).
//!
//! A cell with total `x > 0` made of contributions `x_1 >= x_2 >= ... >= x_m > 0` is sensitive when
//!
//! - `m < n` (too few contributors: with two, each can subtract its own amount and learn the other's), or
//! - `x_1 > k x` (one contributor dominates: publishing `x` says roughly what it is).
//!
//! Defaults `n = 3`, `k = 0.70`, as the issue asks; statistical agencies use rules of this family for business
//! statistics (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, section 4.2), with parameters
//! they keep confidential. A cell with no contributor (total 0) is not sensitive: it reveals no one's figure.
//! Margins are judged like any cell, on the union of their parts' contributors.
//!
//! # Complexity
//! O(contributors) per cell.

use crate::{DisclosureError, Table};
use serde::Serialize;

/// The rule's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rule {
    /// A cell needs at least this many contributors.
    pub min_contributors: usize,
    /// No contributor may make up more than this share of a cell.
    pub dominance: f64,
    /// A suppressed sensitive cell is protected when the values it could take, given every published cell
    /// and the totals, span at least this share of its value (see [`crate::audit`]).
    pub protection: f64,
}

impl Default for Rule {
    /// 3 contributors, 70% dominance, an uncertainty of at least 10% of the cell's value.
    fn default() -> Self {
        Rule {
            min_contributors: 3,
            dominance: 0.70,
            protection: 0.10,
        }
    }
}

impl Rule {
    /// Checks the parameters: at least one contributor, a dominance share in (0, 1], a protection >= 0.
    pub fn check(&self) -> Result<(), DisclosureError> {
        if self.min_contributors == 0 {
            return Err(DisclosureError::BadRule(
                "min_contributors must be at least 1".into(),
            ));
        }
        if !(self.dominance > 0.0 && self.dominance <= 1.0) {
            return Err(DisclosureError::BadRule(format!(
                "dominance {} must be a share in (0, 1]",
                self.dominance
            )));
        }
        if !(self.protection >= 0.0 && self.protection.is_finite()) {
            return Err(DisclosureError::BadRule(format!(
                "protection {} must be a finite share >= 0",
                self.protection
            )));
        }
        Ok(())
    }
}

/// Why a cell is, or is not, sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sensitivity {
    Safe,
    /// Fewer contributors than the rule asks.
    TooFew {
        contributors: usize,
    },
    /// The largest contributor's share exceeds the rule's.
    Dominated {
        share: f64,
    },
}

impl Sensitivity {
    pub fn is_sensitive(self) -> bool {
        self != Sensitivity::Safe
    }
}

/// The sensitivity of every cell of `t`'s extended grid, row-major (see [`Table::grid_shape`]).
pub fn primary(t: &Table, rule: &Rule) -> Result<Vec<Sensitivity>, DisclosureError> {
    rule.check()?;
    Ok(t.grid()
        .iter()
        .map(|cell| {
            let amounts = cell.values().copied().filter(|v| *v > 0.0);
            let m = amounts.clone().count();
            let total: f64 = amounts.clone().sum();
            let largest = amounts.fold(0.0, f64::max);
            if m == 0 {
                Sensitivity::Safe
            } else if m < rule.min_contributors {
                Sensitivity::TooFew { contributors: m }
            } else if largest > rule.dominance * total {
                Sensitivity::Dominated {
                    share: largest / total,
                }
            } else {
                Sensitivity::Safe
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_cases() {
        // One row of four cells: 2 firms; 3 firms with one at 80%; 3 firms at 50/30/20; no firm.
        let mut t = Table::new(1, 4);
        t.add(0, 0, 1, 10.0).unwrap();
        t.add(0, 0, 2, 10.0).unwrap();
        for (k, v) in [(1, 80.0), (2, 10.0), (3, 10.0)] {
            t.add(0, 1, k, v).unwrap();
        }
        for (k, v) in [(4, 50.0), (5, 30.0), (6, 20.0)] {
            t.add(0, 2, k, v).unwrap();
        }
        let s = primary(&t, &Rule::default()).unwrap();
        assert_eq!(s[0], Sensitivity::TooFew { contributors: 2 });
        assert_eq!(s[1], Sensitivity::Dominated { share: 0.8 });
        assert_eq!(s[2], Sensitivity::Safe);
        assert_eq!(s[3], Sensitivity::Safe);
        // The row total: six firms, firm 1 has 90 of 230 (39%): safe.
        assert_eq!(s[4], Sensitivity::Safe);
        // Exactly 70% is allowed; more is not.
        let mut t = Table::new(1, 1);
        for (k, v) in [(1, 70.0), (2, 20.0), (3, 10.0)] {
            t.add(0, 0, k, v).unwrap();
        }
        assert_eq!(primary(&t, &Rule::default()).unwrap()[0], Sensitivity::Safe);
        let bad = Rule {
            dominance: 0.0,
            ..Rule::default()
        };
        assert!(primary(&t, &bad).is_err());
    }
}
