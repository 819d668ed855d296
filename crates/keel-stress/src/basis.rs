//! HiGHS C calls that the safe `highs` crate does not wrap: save and restore a simplex basis, and append rows and
//! columns in batches.
//!
//! The safe `highs` crate keeps the basis of the last solve inside the solver but cannot read or write it. A
//! sweep re-solves one LP under many different bound changes; starting each from the *undisrupted* optimal
//! basis (dual feasible for every scenario, since scenarios change only bounds) needs far fewer dual simplex
//! pivots than starting from the previous scenario's basis, which first has to undo that scenario. The
//! region-restricted solver (`local.rs`) grows its LP by whole batches of rows and columns, keeping the basis
//! (the crate adds one row or column per call). These C calls (`Highs_getBasis`, `Highs_setBasis`,
//! `Highs_addRows`, `Highs_addCols`) are the only unsafe code in Keel.
//!
//! # Complexity
//! O(rows + columns) per basis call; O(new rows, columns and nonzeros) per batch, plus HiGHS's own bookkeeping.
#![allow(unsafe_code)]

use highs_sys::HighsInt;

/// HiGHS basis status of a row or column (`kHighsBasisStatus*` in `highs_c_api.h`).
const LOWER: HighsInt = 0;
const BASIC: HighsInt = 1;

/// A simplex basis: the status of every column and row.
#[derive(Clone, Debug)]
pub(crate) struct Basis {
    cols: Vec<HighsInt>,
    rows: Vec<HighsInt>,
}

impl Basis {
    /// The basis of `model`'s last solve, or `None` if HiGHS holds no valid basis.
    pub(crate) fn get(model: &mut highs::Model) -> Option<Basis> {
        let (nc, nr) = (model.num_cols(), model.num_rows());
        let mut b = Basis {
            cols: vec![0; nc],
            rows: vec![0; nr],
        };
        // SAFETY: the pointer is a live Highs instance owned by `model`; the buffers hold exactly num_col and
        // num_row entries, which is what Highs_getBasis writes.
        let status = unsafe {
            highs_sys::Highs_getBasis(model.as_mut_ptr(), b.cols.as_mut_ptr(), b.rows.as_mut_ptr())
        };
        (status == highs_sys::STATUS_OK).then_some(b)
    }

    /// Makes this basis the starting point of `model`'s next solve. Columns and rows added since it was taken
    /// start nonbasic at their lower bound (columns) or basic (rows: their slack), which keeps the basis
    /// square. Returns false if HiGHS rejects it (the next solve then starts from whatever basis it holds).
    pub(crate) fn set(&self, model: &mut highs::Model) -> bool {
        let (nc, nr) = (model.num_cols(), model.num_rows());
        if nc < self.cols.len() || nr < self.rows.len() {
            return false;
        }
        let mut cols = self.cols.clone();
        cols.resize(nc, LOWER);
        let mut rows = self.rows.clone();
        rows.resize(nr, BASIC);
        // SAFETY: live Highs instance; the arrays have exactly num_col and num_row entries, as Highs_setBasis
        // reads.
        let status =
            unsafe { highs_sys::Highs_setBasis(model.as_mut_ptr(), cols.as_ptr(), rows.as_ptr()) };
        status == highs_sys::STATUS_OK
    }
}

/// Appends rows `lower <= A x <= upper` to `model` in one call (`A` row-wise: `starts`, `index`, `value`),
/// keeping its basis: the new rows start basic. Returns false if HiGHS rejects them.
pub(crate) fn add_rows(
    model: &mut highs::Model,
    upper: &[f64],
    starts: &[HighsInt],
    index: &[HighsInt],
    value: &[f64],
) -> bool {
    if upper.is_empty() {
        return true;
    }
    let lower = vec![f64::NEG_INFINITY; upper.len()];
    debug_assert_eq!(starts.len(), upper.len());
    debug_assert_eq!(index.len(), value.len());
    // SAFETY: live Highs instance; `lower`/`upper`/`starts` have num_new_row entries and `index`/`value`
    // num_new_nz, as Highs_addRows reads; HiGHS checks the indices against the column count.
    let status = unsafe {
        highs_sys::Highs_addRows(
            model.as_mut_ptr(),
            upper.len() as HighsInt,
            lower.as_ptr(),
            upper.as_ptr(),
            index.len() as HighsInt,
            starts.as_ptr(),
            index.as_ptr(),
            value.as_ptr(),
        )
    };
    status == highs_sys::STATUS_OK
}

/// Appends columns to `model` in one call (`A` column-wise), keeping its basis: the new columns start
/// nonbasic at their lower bound. Returns false if HiGHS rejects them.
pub(crate) fn add_cols(
    model: &mut highs::Model,
    cost: &[f64],
    lower: &[f64],
    upper: &[f64],
    starts: &[HighsInt],
    index: &[HighsInt],
    value: &[f64],
) -> bool {
    if cost.is_empty() {
        return true;
    }
    debug_assert!(
        lower.len() == cost.len() && upper.len() == cost.len() && starts.len() == cost.len()
    );
    debug_assert_eq!(index.len(), value.len());
    // SAFETY: live Highs instance; the per-column arrays have num_new_col entries and `index`/`value`
    // num_new_nz, as Highs_addCols reads; HiGHS checks the indices against the row count.
    let status = unsafe {
        highs_sys::Highs_addCols(
            model.as_mut_ptr(),
            cost.len() as HighsInt,
            cost.as_ptr(),
            lower.as_ptr(),
            upper.as_ptr(),
            index.len() as HighsInt,
            starts.as_ptr(),
            index.as_ptr(),
            value.as_ptr(),
        )
    };
    status == highs_sys::STATUS_OK
}
