//! Suppression: which cells of a table to hide so that no sensitive cell can be recovered.
//!
//! 1. **Primary**: every cell the (n, k) rule marks sensitive ([`crate::primary`]), margins included.
//! 2. **Complementary, by line**: a row or column (with its total) holding exactly one hidden cell gives it
//!    away by subtraction, so one more cell of that line is hidden: the published one with the smallest
//!    value (cells with a value before empty ones, then grid order), to lose as little as possible. Repeated
//!    until no line holds exactly one hidden cell.
//! 3. **Audit**: lines are not enough in two dimensions (a hidden cell joining two otherwise separate groups of
//!    hidden cells is fixed by the totals around one group), and a narrow range can be as bad as a value. So
//!    each sensitive cell's range is computed exactly ([`crate::audit`]); while one spans less than
//!    `protection` times its value, the smallest published cell sharing a line with it is hidden too, and
//!    steps 2 and 3 repeat.
//!
//! Hiding a cell only widens every range (its value becomes one more unknown), so a cell found protected stays
//! protected and is not audited again; each round hides at least one more cell, so the loop ends. The result
//! is not the fewest cells possible (that is an NP-hard integer program, Fischetti and Salazar-González 1999),
//! but every sensitive cell is proven protected.
//!
//! # Complexity
//! At most (cells) rounds; each runs the line pass, O(constraints x line length), and two LPs per sensitive
//! cell not yet proven protected.

use crate::audit::{intervals, protected, Interval};
use crate::rule::{primary, Rule, Sensitivity};
use crate::{CellIx, DisclosureError, Table};
use serde::Serialize;

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Too few contributors (primary).
    TooFew,
    /// One contributor dominates it (primary).
    Dominated,
    /// Hidden so that a sensitive cell cannot be worked out (complementary).
    Complementary,
}

/// A cell as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Published { value: f64 },
    Suppressed { reason: Reason },
}

impl Status {
    pub fn value(&self) -> Option<f64> {
        match self {
            Status::Published { value } => Some(*value),
            Status::Suppressed { .. } => None,
        }
    }
}

/// A table as it may be shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Protected {
    /// Rows and columns of the extended grid (margins last; see [`Table::grid_shape`]).
    pub rows: usize,
    pub cols: usize,
    /// Row-major over the extended grid.
    pub cells: Vec<Status>,
    /// The final range of every sensitive cell, as an intruder could deduce it (for the analyst's record;
    /// never shown to contributors).
    pub ranges: Vec<(CellIx, Interval)>,
}

impl Protected {
    pub fn get(&self, row: usize, col: usize) -> Status {
        self.cells[row * self.cols + col]
    }

    /// How many cells are hidden, primary and complementary.
    pub fn suppressed(&self) -> (usize, usize) {
        let mut p = 0;
        let mut c = 0;
        for s in &self.cells {
            match s {
                Status::Suppressed {
                    reason: Reason::Complementary,
                } => c += 1,
                Status::Suppressed { .. } => p += 1,
                Status::Published { .. } => {}
            }
        }
        (p, c)
    }
}

/// The cheapest published cell among `candidates`: a non-zero value first, then the smallest, then grid order.
fn cheapest(
    candidates: impl Iterator<Item = usize>,
    values: &[f64],
    hidden: &[bool],
) -> Option<usize> {
    candidates.filter(|&i| !hidden[i]).min_by(|&a, &b| {
        (values[a] == 0.0)
            .cmp(&(values[b] == 0.0))
            .then(values[a].total_cmp(&values[b]))
            .then(a.cmp(&b))
    })
}

/// Applies `rule` to `t`: primary suppression, then complementary suppression until every sensitive cell is
/// protected (see the module docs).
pub fn protect(t: &Table, rule: &Rule) -> Result<Protected, DisclosureError> {
    let sens = primary(t, rule)?;
    let grid = t.grid();
    let values: Vec<f64> = grid.iter().map(|c| c.values().sum()).collect();
    let (gr, gc) = t.grid_shape();
    let ix = |c: CellIx| c.row * gc + c.col;
    let lines: Vec<Vec<usize>> = t
        .constraints()
        .iter()
        .map(|e| e.iter().map(|&(c, _)| ix(c)).collect())
        .collect();
    let mut hidden: Vec<bool> = sens.iter().map(|s| s.is_sensitive()).collect();
    let sensitive: Vec<usize> = (0..hidden.len()).filter(|&i| hidden[i]).collect();
    let mut safe = vec![false; hidden.len()];
    let mut ranges: Vec<Option<Interval>> = vec![None; hidden.len()];
    loop {
        // Lines: no line may hold exactly one hidden cell.
        loop {
            let mut changed = false;
            for line in &lines {
                if line.iter().filter(|&&i| hidden[i]).count() == 1 {
                    if let Some(i) = cheapest(line.iter().copied(), &values, &hidden) {
                        hidden[i] = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        // Audit the sensitive cells not yet proven protected.
        let todo: Vec<usize> = sensitive.iter().copied().filter(|&i| !safe[i]).collect();
        let iv = intervals(t, &values, &hidden, &todo)?;
        let mut exposed = None;
        for (&i, v) in todo.iter().zip(iv) {
            ranges[i] = Some(v);
            if protected(values[i], v, rule.protection) {
                safe[i] = true;
            } else if exposed.is_none() {
                exposed = Some(i);
            }
        }
        let Some(i) = exposed else { break };
        // Hide the cheapest published cell sharing a line with it; failing that, any published cell on a line
        // with a hidden one; failing that everything is hidden and nothing more can be done.
        let near = cheapest(
            lines.iter().filter(|l| l.contains(&i)).flatten().copied(),
            &values,
            &hidden,
        )
        .or_else(|| {
            cheapest(
                lines
                    .iter()
                    .filter(|l| l.iter().any(|&j| hidden[j]))
                    .flatten()
                    .copied(),
                &values,
                &hidden,
            )
        });
        match near {
            Some(j) => hidden[j] = true,
            None => break,
        }
    }
    let cells = (0..hidden.len())
        .map(|i| match (hidden[i], sens[i]) {
            (false, _) => Status::Published { value: values[i] },
            (true, Sensitivity::TooFew { .. }) => Status::Suppressed {
                reason: Reason::TooFew,
            },
            (true, Sensitivity::Dominated { .. }) => Status::Suppressed {
                reason: Reason::Dominated,
            },
            (true, Sensitivity::Safe) => Status::Suppressed {
                reason: Reason::Complementary,
            },
        })
        .collect();
    Ok(Protected {
        rows: gr,
        cols: gc,
        cells,
        ranges: sensitive
            .iter()
            .filter_map(|&i| {
                ranges[i].map(|v| {
                    (
                        CellIx {
                            row: i / gc,
                            col: i % gc,
                        },
                        v,
                    )
                })
            })
            .collect(),
    })
}
