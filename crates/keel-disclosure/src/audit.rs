//! The audit of a suppression pattern: for each suppressed cell, the smallest and largest value it can take
//! given every published cell, the table's additivity (each row and column sums to its total) and
//! non-negativity. This is what an intruder who knows everything published can deduce; a contributor knows
//! its own amounts too, which shifts the interval of the rest but does not narrow it.
//!
//! For suppressed cell `s`: minimise and maximise `x_s` subject to, for every additivity constraint
//! `sum_i a_i x_i = 0`, `sum_{i suppressed} a_i x_i = -sum_{i published} a_i v_i`, and `x_i >= 0` for the
//! suppressed cells. Two LPs per audited cell, solved with HiGHS. An unbounded maximum is an infinite upper
//! bound.
//!
//! # Complexity
//! Two LPs of (suppressed cells) columns and (constraints touching a suppressed cell) rows per audited cell.

use crate::{CellIx, DisclosureError, Table};
use keel_lp::solver::{Col, Highs, LpModel, RowBuilder, Sense, Solver, Status};
use serde::Serialize;

/// The values a suppressed cell can take.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    /// `f64::INFINITY` when nothing bounds it.
    pub high: f64,
}

impl Interval {
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// Tolerance under which an interval counts as a single value.
const TOL: f64 = 1e-7;

/// The interval of each cell of `cells` (which must be suppressed) given that the cells marked in
/// `suppressed` are hidden and the others published with `values` (row-major over the extended grid).
pub(crate) fn intervals(
    t: &Table,
    values: &[f64],
    suppressed: &[bool],
    cells: &[usize],
) -> Result<Vec<Interval>, DisclosureError> {
    let (_, gc) = t.grid_shape();
    let ix = |c: CellIx| c.row * gc + c.col;
    // One LP column per suppressed cell.
    let mut col_of = vec![usize::MAX; suppressed.len()];
    let mut n = 0;
    for (i, &s) in suppressed.iter().enumerate() {
        if s {
            col_of[i] = n;
            n += 1;
        }
    }
    let rows: Vec<(Vec<(usize, f64)>, f64)> = t
        .constraints()
        .iter()
        .filter_map(|e| {
            let mut terms = Vec::new();
            let mut rhs = 0.0;
            for &(c, a) in e {
                let i = ix(c);
                if suppressed[i] {
                    terms.push((col_of[i], a));
                } else {
                    rhs -= a * values[i];
                }
            }
            (!terms.is_empty()).then_some((terms, rhs))
        })
        .collect();
    let solve = |target: usize, sense: Sense| -> Result<Option<f64>, DisclosureError> {
        let mut rb = RowBuilder::new();
        let cols: Vec<Col> = (0..n)
            .map(|j| rb.add_col(if j == target { 1.0 } else { 0.0 }, 0.0, f64::INFINITY))
            .collect();
        for (terms, rhs) in &rows {
            let e: Vec<(Col, f64)> = terms.iter().map(|&(j, a)| (cols[j], a)).collect();
            rb.add_row(*rhs, *rhs, &e);
        }
        let mut lp = Highs
            .build(&rb.build(), sense)
            .map_err(|e| DisclosureError::Solver(e.0))?;
        match lp.solve().map_err(|e| DisclosureError::Solver(e.0))? {
            Status::Optimal => Ok(Some(lp.objective())),
            Status::Infeasible => Err(DisclosureError::Solver(
                "the published cells contradict the totals".into(),
            )),
            // Every column is bounded below by 0, so a minimum exists; only a maximum can run away.
            _ => Ok(None),
        }
    };
    cells
        .iter()
        .map(|&i| {
            assert!(suppressed[i], "audited cell {i} is not suppressed");
            let low = solve(col_of[i], Sense::Minimise)?.unwrap_or(0.0);
            let high = solve(col_of[i], Sense::Maximise)?.unwrap_or(f64::INFINITY);
            Ok(Interval {
                low: if low.abs() < TOL { 0.0 } else { low },
                high,
            })
        })
        .collect()
}

/// The interval of every suppressed cell of a pattern: `suppressed` marks the hidden cells of `t`'s extended
/// grid (row-major, see [`Table::grid_shape`]); the others are published at their true totals.
pub fn audit(t: &Table, suppressed: &[bool]) -> Result<Vec<(CellIx, Interval)>, DisclosureError> {
    let (gr, gc) = t.grid_shape();
    if suppressed.len() != gr * gc {
        return Err(DisclosureError::OutOfRange {
            row: suppressed.len() / gc.max(1),
            col: 0,
            rows: gr,
            cols: gc,
        });
    }
    let values: Vec<f64> = t.grid().iter().map(|c| c.values().sum()).collect();
    let cells: Vec<usize> = (0..suppressed.len()).filter(|&i| suppressed[i]).collect();
    let iv = intervals(t, &values, suppressed, &cells)?;
    Ok(cells
        .iter()
        .zip(iv)
        .map(|(&i, v)| {
            (
                CellIx {
                    row: i / gc,
                    col: i % gc,
                },
                v,
            )
        })
        .collect())
}

/// Whether a cell of value `v` with interval `iv` is protected at level `p`: its interval spans at least
/// `p * v`, and never shrinks to a point.
pub(crate) fn protected(v: f64, iv: Interval, p: f64) -> bool {
    let w = iv.width();
    w > TOL && w + TOL >= p * v
}
