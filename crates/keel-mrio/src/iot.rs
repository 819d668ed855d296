//! The input-output table as plain data: a sparse intermediate-use matrix `Z`
//! (CSR), gross output `x` and total final use per row, with labels of the form
//! `ECONOMY_SECTOR` (e.g. `CAN_c15`).
//!
//! Nothing here reads files (see [`crate::read`]) or runs an analysis (see
//! [`crate::origin`]); this module only holds and validates the numbers and
//! derives the coefficient forms `A = Z diag(x)^-1` and `v = 1 - 1'A`.

use std::collections::HashMap;

use thiserror::Error;

/// Errors from building an [`Iot`] / [`Csr`] or from the analyses on it.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum MrioError {
    /// A vector or matrix does not have the size the table needs.
    #[error("{what}: expected length {expected}, found {found}")]
    Shape {
        /// Which input is wrong.
        what: &'static str,
        /// The length implied by the labels.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// The CSR arrays are inconsistent (row pointers, column indices).
    #[error("invalid sparse matrix: {0}")]
    InvalidCsr(String),
    /// A value is NaN or infinite.
    #[error("{what}: value at index {index} is not finite ({value})")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Position (row-major for matrices: the stored-entry index).
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Gross output must not be negative.
    #[error("gross output of {label} is negative ({value})")]
    NegativeOutput {
        /// Row label.
        label: String,
        /// The value.
        value: f64,
    },
    /// A row label is not `ECONOMY_SECTOR`.
    #[error("row {index}: label {label:?} is not of the form ECONOMY_SECTOR (e.g. CAN_c15)")]
    BadLabel {
        /// Zero-based row.
        index: usize,
        /// The label.
        label: String,
    },
    /// Two rows carry the same label.
    #[error("label {label:?} occurs twice (rows {first} and {second})")]
    DuplicateLabel {
        /// The label.
        label: String,
        /// First zero-based row.
        first: usize,
        /// Second zero-based row.
        second: usize,
    },
    /// The requested economy does not occur in the table.
    #[error("unknown economy {economy:?}; the table has: {available}")]
    UnknownEconomy {
        /// What was asked for.
        economy: String,
        /// The economies of the table, comma-separated.
        available: String,
    },
    /// The requested sector does not occur for that economy.
    #[error("no row {economy}_{sector}; sectors of {economy}: {available}")]
    UnknownSector {
        /// Economy asked for.
        economy: String,
        /// Sector asked for.
        sector: String,
        /// The sectors of that economy, comma-separated.
        available: String,
    },
    /// The chosen row has no final use, so there is nothing to decompose.
    #[error("{label} has zero total final use: nothing to decompose")]
    ZeroFinalDemand {
        /// Row label.
        label: String,
    },
    /// The chosen row has no gross output (its final use, if any, is a data
    /// artefact), so no value added can be attributed to it.
    #[error("{label} has zero gross output: nothing to decompose")]
    ZeroOutput {
        /// Row label.
        label: String,
    },
    /// A diagonal coefficient `A_ii >= 1`: the table is not productive.
    #[error("{label}: own-input coefficient A_ii = {value} >= 1, the table is not productive")]
    NotProductive {
        /// Zero-based row.
        row: usize,
        /// Row label (`row N` when only the matrix is known).
        label: String,
        /// The coefficient.
        value: f64,
    },
    /// The iterative Leontief solve did not reach the tolerance.
    #[error(
        "Leontief solve did not converge in {iterations} iterations \
         (last relative change {relative_change:e}, tolerance {tolerance:e})"
    )]
    NotConverged {
        /// Iterations done.
        iterations: usize,
        /// Relative change of the last iteration.
        relative_change: f64,
        /// The tolerance asked for.
        tolerance: f64,
    },
    /// The iteration produced NaN/inf (spectral radius of `A` >= 1).
    #[error("Leontief solve diverged at iteration {iterations} (table not productive?)")]
    Diverged {
        /// Iteration at which a non-finite value appeared.
        iterations: usize,
    },
}

/// A sparse matrix in compressed sparse row form. Exact zeros are never stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr {
    n_rows: usize,
    n_cols: usize,
    row_ptr: Vec<usize>,
    col_idx: Vec<usize>,
    values: Vec<f64>,
}

impl Csr {
    /// Builds from raw CSR arrays, checking them. Column indices within a row
    /// must be strictly increasing. Stored exact zeros are dropped.
    pub fn from_parts(
        n_rows: usize,
        n_cols: usize,
        row_ptr: Vec<usize>,
        col_idx: Vec<usize>,
        values: Vec<f64>,
    ) -> Result<Self, MrioError> {
        if row_ptr.len() != n_rows + 1 {
            return Err(MrioError::InvalidCsr(format!(
                "row_ptr has {} entries, expected n_rows + 1 = {}",
                row_ptr.len(),
                n_rows + 1
            )));
        }
        if col_idx.len() != values.len() {
            return Err(MrioError::InvalidCsr(format!(
                "{} column indices but {} values",
                col_idx.len(),
                values.len()
            )));
        }
        if row_ptr[0] != 0 || row_ptr[n_rows] != values.len() {
            return Err(MrioError::InvalidCsr(format!(
                "row_ptr must run from 0 to {} (found {}..{})",
                values.len(),
                row_ptr[0],
                row_ptr[n_rows]
            )));
        }
        for r in 0..n_rows {
            let (lo, hi) = (row_ptr[r], row_ptr[r + 1]);
            if lo > hi {
                return Err(MrioError::InvalidCsr(format!(
                    "row_ptr decreases at row {r}"
                )));
            }
            for k in lo..hi {
                if col_idx[k] >= n_cols {
                    return Err(MrioError::InvalidCsr(format!(
                        "row {r}: column {} out of range (n_cols = {n_cols})",
                        col_idx[k]
                    )));
                }
                if k > lo && col_idx[k] <= col_idx[k - 1] {
                    return Err(MrioError::InvalidCsr(format!(
                        "row {r}: column indices not strictly increasing"
                    )));
                }
            }
        }
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(MrioError::NonFinite {
                what: "sparse matrix",
                index,
                value,
            });
        }
        let mut m = Csr {
            n_rows,
            n_cols,
            row_ptr,
            col_idx,
            values,
        };
        m.drop_zeros();
        Ok(m)
    }

    /// Builds from `(row, col, value)` triplets in any order; duplicates are
    /// summed and exact zeros dropped.
    pub fn from_triplets(
        n_rows: usize,
        n_cols: usize,
        triplets: impl IntoIterator<Item = (usize, usize, f64)>,
    ) -> Result<Self, MrioError> {
        let mut t: Vec<(usize, usize, f64)> = triplets.into_iter().collect();
        for (index, &(r, c, v)) in t.iter().enumerate() {
            if r >= n_rows || c >= n_cols {
                return Err(MrioError::InvalidCsr(format!(
                    "triplet ({r}, {c}) outside a {n_rows} x {n_cols} matrix"
                )));
            }
            if !v.is_finite() {
                return Err(MrioError::NonFinite {
                    what: "sparse matrix",
                    index,
                    value: v,
                });
            }
        }
        t.sort_by_key(|&(r, c, _)| (r, c));
        let mut row_ptr = vec![0usize; n_rows + 1];
        let mut col_idx = Vec::with_capacity(t.len());
        let mut values: Vec<f64> = Vec::with_capacity(t.len());
        let mut last: Option<(usize, usize)> = None;
        for (r, c, v) in t {
            if last == Some((r, c)) {
                *values.last_mut().expect("a previous entry exists") += v;
            } else {
                col_idx.push(c);
                values.push(v);
                row_ptr[r + 1] += 1;
                last = Some((r, c));
            }
        }
        for r in 0..n_rows {
            row_ptr[r + 1] += row_ptr[r];
        }
        let mut m = Csr {
            n_rows,
            n_cols,
            row_ptr,
            col_idx,
            values,
        };
        m.drop_zeros();
        Ok(m)
    }

    fn drop_zeros(&mut self) {
        if !self.values.contains(&0.0) {
            return;
        }
        let mut w = 0;
        let mut new_ptr = Vec::with_capacity(self.n_rows + 1);
        new_ptr.push(0);
        for r in 0..self.n_rows {
            for k in self.row_ptr[r]..self.row_ptr[r + 1] {
                if self.values[k] != 0.0 {
                    self.col_idx[w] = self.col_idx[k];
                    self.values[w] = self.values[k];
                    w += 1;
                }
            }
            new_ptr.push(w);
        }
        self.col_idx.truncate(w);
        self.values.truncate(w);
        self.row_ptr = new_ptr;
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of stored (non-zero) entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// The stored entries of row `r` as `(column, value)`.
    pub fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.row_ptr[r]..self.row_ptr[r + 1];
        self.col_idx[range.clone()]
            .iter()
            .copied()
            .zip(self.values[range].iter().copied())
    }

    /// Entry `(r, c)`, zero if not stored.
    pub fn get(&self, r: usize, c: usize) -> f64 {
        let range = self.row_ptr[r]..self.row_ptr[r + 1];
        match self.col_idx[range.clone()].binary_search(&c) {
            Ok(k) => self.values[range.start + k],
            Err(_) => 0.0,
        }
    }

    /// `M v`.
    ///
    /// # Panics
    /// If `v.len() != n_cols`.
    pub fn mul_vec(&self, v: &[f64]) -> Vec<f64> {
        assert_eq!(v.len(), self.n_cols, "mul_vec: vector length");
        (0..self.n_rows)
            .map(|r| self.row(r).map(|(c, a)| a * v[c]).sum())
            .collect()
    }

    /// Column sums `1' M`.
    pub fn col_sums(&self) -> Vec<f64> {
        let mut s = vec![0.0; self.n_cols];
        for (&c, &v) in self.col_idx.iter().zip(&self.values) {
            s[c] += v;
        }
        s
    }

    /// `M diag(f)`: every stored entry of column `c` multiplied by `f[c]`;
    /// entries that become exactly zero are dropped.
    ///
    /// # Panics
    /// If `f.len() != n_cols`.
    pub fn scale_columns(&self, f: &[f64]) -> Csr {
        assert_eq!(f.len(), self.n_cols, "scale_columns: factor length");
        let mut m = self.clone();
        for (v, &c) in m.values.iter_mut().zip(&m.col_idx) {
            *v *= f[c];
        }
        m.drop_zeros();
        m
    }
}

/// A (multi-regional) input-output table with `n` rows/columns labelled
/// `ECONOMY_SECTOR`, in one currency unit (WIOD: millions of USD).
///
/// * `z` — intermediate use, `z[i][j]` = deliveries of row `i` to industry `j`;
/// * `x` — gross output per industry;
/// * `y_total` — total final use of each row's products (summed over all
///   final-demand categories and destination economies).
#[derive(Debug, Clone)]
pub struct Iot {
    labels: Vec<String>,
    economies: Vec<String>,
    sectors: Vec<String>,
    economy_of: Vec<usize>,
    sector_of: Vec<usize>,
    index: HashMap<String, usize>,
    z: Csr,
    x: Vec<f64>,
    y_total: Vec<f64>,
}

impl Iot {
    /// Checks and assembles a table. Labels must be unique and of the form
    /// `ECONOMY_SECTOR` (split at the first `_`); `z` must be `n x n`, `x`
    /// and `y_total` of length `n`, all finite, `x >= 0`.
    pub fn new(
        labels: Vec<String>,
        z: Csr,
        x: Vec<f64>,
        y_total: Vec<f64>,
    ) -> Result<Self, MrioError> {
        let n = labels.len();
        for (what, found) in [
            ("Z rows", z.n_rows()),
            ("Z columns", z.n_cols()),
            ("gross output x", x.len()),
            ("final use y", y_total.len()),
        ] {
            if found != n {
                return Err(MrioError::Shape {
                    what,
                    expected: n,
                    found,
                });
            }
        }
        for (what, v) in [("gross output x", &x), ("final use y", &y_total)] {
            if let Some((index, &value)) = v.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(MrioError::NonFinite { what, index, value });
            }
        }
        if let Some((i, &value)) = x.iter().enumerate().find(|(_, &v)| v < 0.0) {
            return Err(MrioError::NegativeOutput {
                label: labels[i].clone(),
                value,
            });
        }
        let mut economies: Vec<String> = Vec::new();
        let mut sectors: Vec<String> = Vec::new();
        let mut eco_idx: HashMap<String, usize> = HashMap::new();
        let mut sec_idx: HashMap<String, usize> = HashMap::new();
        let mut economy_of = Vec::with_capacity(n);
        let mut sector_of = Vec::with_capacity(n);
        let mut index: HashMap<String, usize> = HashMap::with_capacity(n);
        for (i, label) in labels.iter().enumerate() {
            let (e, s) = match label.split_once('_') {
                Some((e, s)) if !e.is_empty() && !s.is_empty() => (e, s),
                _ => {
                    return Err(MrioError::BadLabel {
                        index: i,
                        label: label.clone(),
                    })
                }
            };
            if let Some(&first) = index.get(label) {
                return Err(MrioError::DuplicateLabel {
                    label: label.clone(),
                    first,
                    second: i,
                });
            }
            index.insert(label.clone(), i);
            let ei = *eco_idx.entry(e.to_string()).or_insert_with(|| {
                economies.push(e.to_string());
                economies.len() - 1
            });
            let si = *sec_idx.entry(s.to_string()).or_insert_with(|| {
                sectors.push(s.to_string());
                sectors.len() - 1
            });
            economy_of.push(ei);
            sector_of.push(si);
        }
        Ok(Iot {
            labels,
            economies,
            sectors,
            economy_of,
            sector_of,
            index,
            z,
            x,
            y_total,
        })
    }

    /// Number of rows (= columns).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Row labels, `ECONOMY_SECTOR`.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Distinct economies in order of first appearance.
    pub fn economies(&self) -> &[String] {
        &self.economies
    }

    /// Distinct sector codes in order of first appearance.
    pub fn sectors(&self) -> &[String] {
        &self.sectors
    }

    /// Economy of row `i`.
    pub fn economy_of(&self, i: usize) -> &str {
        &self.economies[self.economy_of[i]]
    }

    /// Sector code of row `i`.
    pub fn sector_of(&self, i: usize) -> &str {
        &self.sectors[self.sector_of[i]]
    }

    pub(crate) fn economy_index_of(&self, i: usize) -> usize {
        self.economy_of[i]
    }

    pub(crate) fn sector_index_of(&self, i: usize) -> usize {
        self.sector_of[i]
    }

    /// Intermediate use `Z`.
    pub fn z(&self) -> &Csr {
        &self.z
    }

    /// Gross output `x`.
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// Total final use per row.
    pub fn y_total(&self) -> &[f64] {
        &self.y_total
    }

    /// The row of `(economy, sector)`, e.g. `("CAN", "c15")`.
    pub fn row_index(&self, economy: &str, sector: &str) -> Result<usize, MrioError> {
        if let Some(&i) = self.index.get(&format!("{economy}_{sector}")) {
            return Ok(i);
        }
        match self.economies.iter().position(|e| e == economy) {
            None => Err(MrioError::UnknownEconomy {
                economy: economy.to_string(),
                available: self.economies.join(", "),
            }),
            Some(e) => Err(MrioError::UnknownSector {
                economy: economy.to_string(),
                sector: sector.to_string(),
                available: (0..self.len())
                    .filter(|&i| self.economy_of[i] == e)
                    .map(|i| self.sector_of(i))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Technical coefficients `A = Z diag(x)^-1`; columns with `x_j = 0` are zero.
    pub fn technical_coefficients(&self) -> Csr {
        let inv: Vec<f64> = self
            .x
            .iter()
            .map(|&x| if x == 0.0 { 0.0 } else { 1.0 / x })
            .collect();
        self.z.scale_columns(&inv)
    }

    /// Value-added coefficients `v_j = (x_j - sum_i Z_ij) / x_j`
    /// (= `1 - sum_i A_ij`), zero where `x_j = 0`.
    pub fn value_added_coefficients(&self) -> Vec<f64> {
        let cs = self.z.col_sums();
        self.x
            .iter()
            .zip(cs)
            .map(|(&x, c)| if x == 0.0 { 0.0 } else { (x - c) / x })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_from_triplets_sums_duplicates_and_drops_zeros() {
        let m = Csr::from_triplets(
            2,
            3,
            [
                (1, 2, 4.0),
                (0, 1, 1.0),
                (0, 1, 2.0),
                (1, 0, 0.0),
                (0, 0, 5.0),
            ],
        )
        .unwrap();
        assert_eq!(m.nnz(), 3);
        assert_eq!(m.get(0, 1), 3.0);
        assert_eq!(m.get(1, 0), 0.0);
        assert_eq!(m.mul_vec(&[1.0, 1.0, 1.0]), vec![8.0, 4.0]);
        assert_eq!(m.col_sums(), vec![5.0, 3.0, 4.0]);
    }

    #[test]
    fn csr_from_parts_rejects_bad_input() {
        assert!(Csr::from_parts(1, 2, vec![0, 1], vec![2], vec![1.0]).is_err());
        assert!(Csr::from_parts(1, 2, vec![0, 2], vec![1, 0], vec![1.0, 1.0]).is_err());
        assert!(Csr::from_parts(1, 2, vec![0, 1], vec![0], vec![f64::NAN]).is_err());
        let m = Csr::from_parts(1, 2, vec![0, 2], vec![0, 1], vec![0.0, 1.0]).unwrap();
        assert_eq!(m.nnz(), 1);
    }

    #[test]
    fn iot_validates_labels_and_shapes() {
        let z = Csr::from_triplets(2, 2, []).unwrap();
        let ok = Iot::new(
            vec!["A_s".into(), "B_s".into()],
            z.clone(),
            vec![1.0, 1.0],
            vec![1.0, 1.0],
        );
        assert!(ok.is_ok());
        let bad = Iot::new(
            vec!["As".into(), "B_s".into()],
            z.clone(),
            vec![1.0, 1.0],
            vec![1.0, 1.0],
        );
        assert!(matches!(bad, Err(MrioError::BadLabel { index: 0, .. })));
        let dup = Iot::new(
            vec!["A_s".into(), "A_s".into()],
            z.clone(),
            vec![1.0, 1.0],
            vec![1.0, 1.0],
        );
        assert!(matches!(dup, Err(MrioError::DuplicateLabel { .. })));
        let shape = Iot::new(
            vec!["A_s".into(), "B_s".into()],
            z,
            vec![1.0],
            vec![1.0, 1.0],
        );
        assert!(matches!(shape, Err(MrioError::Shape { .. })));
    }
}
