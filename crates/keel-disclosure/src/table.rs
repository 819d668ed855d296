//! A two-way table of amounts made of named contributors' amounts, and its margins.
//!
//! A table of `R x C` inner cells is held with its margins as an extended grid: a total column (index `C`)
//! when `C > 1` and a total row (index `R`) when `R > 1`, their crossing being the grand total. (With one
//! column the row "totals" are the cells themselves, so no margin is added, and likewise for one row.) The
//! additivity constraints tie them: each row of the grid sums to its total-column cell, each column to its
//! total-row cell. Each grid cell keeps its contributors' amounts, summed per contributor, so the rule can
//! be applied to a margin as to any cell.
//!
//! # Complexity
//! [`Table::add`] O(log k) for k contributors of the cell; [`Table::finish`] O(cells x contributors per cell).

use crate::DisclosureError;
use std::collections::BTreeMap;

/// A cell of the extended grid: row and column, margins included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct CellIx {
    pub row: usize,
    pub col: usize,
}

/// A two-way table of contributed amounts with its margins.
#[derive(Debug, Clone)]
pub struct Table {
    rows: usize,
    cols: usize,
    /// Per inner cell, row-major: contributor -> amount.
    inner: Vec<BTreeMap<u32, f64>>,
}

impl Table {
    /// An empty `rows x cols` table (at least 1 x 1).
    pub fn new(rows: usize, cols: usize) -> Self {
        let (rows, cols) = (rows.max(1), cols.max(1));
        Table {
            rows,
            cols,
            inner: vec![BTreeMap::new(); rows * cols],
        }
    }

    /// Adds `amount` from `contributor` to inner cell (`row`, `col`).
    pub fn add(
        &mut self,
        row: usize,
        col: usize,
        contributor: u32,
        amount: f64,
    ) -> Result<(), DisclosureError> {
        if row >= self.rows || col >= self.cols {
            return Err(DisclosureError::OutOfRange {
                row,
                col,
                rows: self.rows,
                cols: self.cols,
            });
        }
        if !amount.is_finite() || amount < 0.0 {
            return Err(DisclosureError::BadAmount {
                row,
                col,
                contributor,
                amount,
            });
        }
        *self.inner[row * self.cols + col]
            .entry(contributor)
            .or_insert(0.0) += amount;
        Ok(())
    }

    /// Inner rows and columns.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Rows and columns of the extended grid (margins included).
    pub fn grid_shape(&self) -> (usize, usize) {
        (
            self.rows + usize::from(self.rows > 1),
            self.cols + usize::from(self.cols > 1),
        )
    }

    /// Whether the grid has a total column / a total row.
    pub(crate) fn margins(&self) -> (bool, bool) {
        (self.cols > 1, self.rows > 1)
    }

    /// Every grid cell's contributors (summed per contributor), row-major over the extended grid.
    pub(crate) fn grid(&self) -> Vec<BTreeMap<u32, f64>> {
        let (gr, gc) = self.grid_shape();
        let mut g = vec![BTreeMap::new(); gr * gc];
        for r in 0..self.rows {
            for c in 0..self.cols {
                for (&k, &v) in &self.inner[r * self.cols + c] {
                    let mut put = |rr: usize, cc: usize| {
                        *g[rr * gc + cc].entry(k).or_insert(0.0) += v;
                    };
                    put(r, c);
                    let (tc, tr) = self.margins();
                    if tc {
                        put(r, self.cols);
                    }
                    if tr {
                        put(self.rows, c);
                    }
                    if tc && tr {
                        put(self.rows, self.cols);
                    }
                }
            }
        }
        g
    }

    /// The additivity constraints of the grid, each as `(cell, coefficient)` terms summing to 0: parts with
    /// +1, the total with -1.
    pub(crate) fn constraints(&self) -> Vec<Vec<(CellIx, f64)>> {
        let (gr, gc) = self.grid_shape();
        let (tc, tr) = self.margins();
        let mut out = Vec::new();
        if tc {
            for r in 0..gr {
                let mut e: Vec<(CellIx, f64)> = (0..self.cols)
                    .map(|c| (CellIx { row: r, col: c }, 1.0))
                    .collect();
                e.push((
                    CellIx {
                        row: r,
                        col: self.cols,
                    },
                    -1.0,
                ));
                out.push(e);
            }
        }
        if tr {
            for c in 0..gc {
                let mut e: Vec<(CellIx, f64)> = (0..self.rows)
                    .map(|r| (CellIx { row: r, col: c }, 1.0))
                    .collect();
                e.push((
                    CellIx {
                        row: self.rows,
                        col: c,
                    },
                    -1.0,
                ));
                out.push(e);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_and_constraints() {
        // 2 x 2 with margins: a 3 x 3 grid, 3 row constraints and 3 column constraints.
        let mut t = Table::new(2, 2);
        t.add(0, 0, 1, 5.0).unwrap();
        t.add(0, 1, 2, 3.0).unwrap();
        t.add(1, 1, 1, 2.0).unwrap();
        assert_eq!(t.grid_shape(), (3, 3));
        let g = t.grid();
        let total = |r: usize, c: usize| g[r * 3 + c].values().sum::<f64>();
        assert_eq!(total(0, 2), 8.0);
        assert_eq!(total(2, 1), 5.0);
        assert_eq!(total(2, 2), 10.0);
        // Contributor 1 appears in the grand total once, with 5 + 2.
        assert_eq!(g[8][&1], 7.0);
        assert_eq!(t.constraints().len(), 6);
        // One row: no total row; the row constraint alone.
        let t = Table::new(1, 3);
        assert_eq!(t.grid_shape(), (1, 4));
        assert_eq!(t.constraints().len(), 1);
        assert!(Table::new(2, 2).add(2, 0, 1, 1.0).is_err());
        assert!(Table::new(2, 2).add(0, 0, 1, -1.0).is_err());
    }
}
