//! The HiGHS backend of the solver boundary: whole problems go through the safe `highs` crate; the calls it does
//! not wrap (save and restore a simplex basis, append rows and columns in batches, change one column's bounds
//! by position) are made here on the C API.
//!
//! Why those calls. A sweep re-solves one LP under many different bound changes; starting each from the
//! *undisrupted* optimal basis (dual feasible for every scenario, since scenarios change only bounds) needs far
//! fewer dual simplex pivots than starting from the previous scenario's basis, which first has to undo that
//! scenario. The region-restricted solver grows its LP by whole batches of rows and columns, keeping the basis
//! (the crate adds one row or column per call). `Highs_getBasis`, `Highs_setBasis`, `Highs_addRows`,
//! `Highs_addCols` and `Highs_changeColBounds` are the only unsafe code in Keel: this file alone allows it (the
//! crate's manifest denies it everywhere else, and every other crate forbids it). Every call checks the lengths
//! it promises the C side with `assert!` and converts sizes with `try_from`.
//!
//! # Complexity
//! O(rows + columns + nonzeros) to load a problem; O(rows + columns) per basis call; O(new rows, columns and
//! nonzeros) per batch, plus HiGHS's own bookkeeping; the solves are HiGHS's dual or primal simplex.
#![allow(unsafe_code)]

use super::{
    Col, Cols, LpModel, MipOptions, MipSolution, MipSolver, Problem, Rows, Sense, Solution, Solver,
    SolverError, SolverOption, Status,
};
use highs::HighsModelStatus;
use highs_sys::HighsInt;

/// HiGHS basis status of a row or column (`kHighsBasisStatus*` in `highs_c_api.h`).
const LOWER: HighsInt = 0;
const BASIC: HighsInt = 1;

/// The HiGHS solver (the `highs` crate and its C API).
#[derive(Clone, Copy, Debug, Default)]
pub struct Highs;

/// A simplex basis of a [`HighsLp`]: the status of every column and row.
#[derive(Clone, Debug)]
pub struct HighsBasis {
    cols: Vec<HighsInt>,
    rows: Vec<HighsInt>,
}

/// An LP loaded in HiGHS. Between a solve and the next change it holds the solved model, whose objective and
/// solution can be read.
#[derive(Debug)]
pub struct HighsLp {
    model: Option<highs::Model>,
    solved: Option<highs::SolvedModel>,
    num_rows: usize,
    num_cols: usize,
}

fn int(n: usize) -> HighsInt {
    HighsInt::try_from(n).expect("LP size fits HiGHS's integer type")
}

impl Solver for Highs {
    type Model = HighsLp;

    fn build(&self, pb: &Problem, sense: Sense) -> Result<HighsLp, SolverError> {
        if !pb.integer.is_empty() {
            return Err(SolverError(
                "an LP model cannot hold integer columns: solve it with MipSolver::solve_mip"
                    .into(),
            ));
        }
        let hp = col_problem(pb);
        let sense = highs_sense(sense);
        let model = hp
            .try_optimise(sense)
            .map_err(|e| SolverError(format!("{e:?}")))?;
        Ok(HighsLp {
            model: Some(model),
            solved: None,
            num_rows: pb.num_rows(),
            num_cols: pb.num_cols(),
        })
    }
}

/// `pb` as the `highs` crate's column-wise problem, integer columns marked.
fn col_problem(pb: &Problem) -> highs::ColProblem {
    assert!(pb.col_lower.len() == pb.num_cols() && pb.col_upper.len() == pb.num_cols());
    assert!(pb.row_upper.len() == pb.num_rows() && pb.start.len() == pb.num_cols() + 1);
    assert!(pb.integer.iter().all(|&j| j < pb.num_cols()));
    let mut hp = highs::ColProblem::new();
    let rows: Vec<highs::Row> = pb
        .row_lower
        .iter()
        .zip(&pb.row_upper)
        .map(|(&lo, &up)| hp.add_row(lo..=up))
        .collect();
    let mut is_int = vec![false; pb.num_cols()];
    for &j in &pb.integer {
        is_int[j] = true;
    }
    let mut entries: Vec<(highs::Row, f64)> = Vec::new();
    for (j, &int) in is_int.iter().enumerate() {
        entries.clear();
        entries.extend(pb.column(j).map(|(r, v)| (rows[r], v)));
        let bounds = pb.col_lower[j]..=pb.col_upper[j];
        if pb.integer.is_empty() {
            hp.add_column(pb.col_cost[j], bounds, &entries);
        } else {
            hp.add_column_with_integrality(pb.col_cost[j], bounds, &entries, int);
        }
    }
    hp
}

/// HiGHS's model status in the boundary's words.
fn status_of(s: HighsModelStatus) -> Status {
    match s {
        HighsModelStatus::Optimal => Status::Optimal,
        HighsModelStatus::Infeasible => Status::Infeasible,
        HighsModelStatus::UnboundedOrInfeasible => Status::UnboundedOrInfeasible,
        HighsModelStatus::ModelEmpty => Status::Empty,
        s => Status::Other(format!("{s:?}")),
    }
}

fn highs_sense(sense: Sense) -> highs::Sense {
    match sense {
        Sense::Minimise => highs::Sense::Minimise,
        Sense::Maximise => highs::Sense::Maximise,
    }
}

impl MipSolver for Highs {
    fn solve_mip(
        &self,
        pb: &Problem,
        sense: Sense,
        options: &MipOptions,
    ) -> Result<MipSolution, SolverError> {
        let mut model = col_problem(pb)
            .try_optimise(highs_sense(sense))
            .map_err(|e| SolverError(format!("{e:?}")))?;
        model.set_option("mip_rel_gap", options.rel_gap);
        // An absolute gap of HiGHS's default (1e-6) would stop early on losses of a few dollars.
        model.set_option("mip_abs_gap", 0.0);
        if let Some(t) = options.time_limit {
            model.set_option("time_limit", t);
        }
        if !options.presolve {
            model.set_option("presolve", "off");
        }
        let solved = model
            .try_solve()
            .map_err(|e| SolverError(format!("{e:?}")))?;
        let status = status_of(solved.status());
        let feasible = matches!(
            solved.primal_solution_status(),
            highs::HighsSolutionStatus::Feasible
        ) || status == Status::Empty;
        let cols = if feasible {
            solved.get_solution().columns().to_vec()
        } else {
            Vec::new()
        };
        let objective = solved.objective_value();
        let bound = solved
            .double_info_value(c"mip_dual_bound")
            .unwrap_or(f64::NAN);
        let gap = if status == Status::Empty {
            0.0
        } else {
            solved.mip_gap()
        };
        Ok(MipSolution {
            status,
            feasible,
            objective,
            bound,
            gap,
            cols,
        })
    }
}

impl HighsLp {
    /// The model, ready to change or solve (a solved one is taken back first).
    fn ready(&mut self) -> &mut highs::Model {
        if let Some(solved) = self.solved.take() {
            self.model = Some(highs::Model::from(solved));
        }
        self.model
            .as_mut()
            .expect("a HiGHS model that failed to solve is not used again")
    }

    fn solved(&self) -> &highs::SolvedModel {
        self.solved.as_ref().expect("read after a successful solve")
    }

    fn ptr(&mut self) -> *mut std::ffi::c_void {
        self.ready().as_mut_ptr()
    }
}

impl LpModel for HighsLp {
    type Basis = HighsBasis;

    fn num_rows(&self) -> usize {
        self.num_rows
    }

    fn num_cols(&self) -> usize {
        self.num_cols
    }

    fn set_option(&mut self, option: SolverOption) {
        let m = self.ready();
        match option {
            SolverOption::Presolve(on) => m.set_option("presolve", if on { "on" } else { "off" }),
            SolverOption::DualFeasibilityTolerance(tol) => {
                m.set_option("dual_feasibility_tolerance", tol);
            }
            SolverOption::DevexDualPricing => m.set_option("simplex_dual_edge_weight_strategy", 1),
            SolverOption::PrimalSimplex => m.set_option("simplex_strategy", 4),
        }
    }

    fn set_col_bounds(&mut self, col: Col, lower: f64, upper: f64) {
        assert!(
            col.0 < self.num_cols,
            "column {} of {}",
            col.0,
            self.num_cols
        );
        let j = int(col.0);
        let ptr = self.ptr();
        // SAFETY: a live Highs instance owned by this model; the column index is checked above.
        let status = unsafe { highs_sys::Highs_changeColBounds(ptr, j, lower, upper) };
        assert_eq!(
            status,
            highs_sys::STATUS_OK,
            "HiGHS rejected bounds [{lower}, {upper}]"
        );
    }

    fn add_rows(&mut self, rows: &Rows) -> Result<(), SolverError> {
        if rows.is_empty() {
            return Ok(());
        }
        let n = rows.len();
        assert!(
            rows.lower.len() == n && rows.start.len() == n,
            "one bound pair and start per row"
        );
        assert_eq!(rows.index.len(), rows.value.len(), "one value per entry");
        assert!(
            rows.index.iter().all(|&j| j < self.num_cols),
            "entries in existing columns"
        );
        let starts: Vec<HighsInt> = rows.start.iter().map(|&s| int(s)).collect();
        let index: Vec<HighsInt> = rows.index.iter().map(|&j| int(j)).collect();
        let (num_new, nnz) = (int(n), int(index.len()));
        let ptr = self.ptr();
        // SAFETY: a live Highs instance; `lower`/`upper`/`starts` have num_new_row entries and `index`/`value`
        // num_new_nz (asserted above), as Highs_addRows reads.
        let status = unsafe {
            highs_sys::Highs_addRows(
                ptr,
                num_new,
                rows.lower.as_ptr(),
                rows.upper.as_ptr(),
                nnz,
                starts.as_ptr(),
                index.as_ptr(),
                rows.value.as_ptr(),
            )
        };
        if status != highs_sys::STATUS_OK {
            return Err(SolverError("HiGHS rejected added rows".into()));
        }
        self.num_rows += n;
        Ok(())
    }

    fn add_cols(&mut self, cols: &Cols) -> Result<(), SolverError> {
        if cols.is_empty() {
            return Ok(());
        }
        let n = cols.len();
        assert!(
            cols.lower.len() == n && cols.upper.len() == n && cols.start.len() == n,
            "one cost, bound pair and start per column"
        );
        assert_eq!(cols.index.len(), cols.value.len(), "one value per entry");
        assert!(
            cols.index.iter().all(|&r| r < self.num_rows),
            "entries in existing rows"
        );
        let starts: Vec<HighsInt> = cols.start.iter().map(|&s| int(s)).collect();
        let index: Vec<HighsInt> = cols.index.iter().map(|&r| int(r)).collect();
        let (num_new, nnz) = (int(n), int(index.len()));
        let ptr = self.ptr();
        // SAFETY: a live Highs instance; the per-column arrays have num_new_col entries and `index`/`value`
        // num_new_nz (asserted above), as Highs_addCols reads.
        let status = unsafe {
            highs_sys::Highs_addCols(
                ptr,
                num_new,
                cols.cost.as_ptr(),
                cols.lower.as_ptr(),
                cols.upper.as_ptr(),
                nnz,
                starts.as_ptr(),
                index.as_ptr(),
                cols.value.as_ptr(),
            )
        };
        if status != highs_sys::STATUS_OK {
            return Err(SolverError("HiGHS rejected added columns".into()));
        }
        self.num_cols += n;
        Ok(())
    }

    fn solve(&mut self) -> Result<Status, SolverError> {
        self.ready();
        let model = self.model.take().expect("ready");
        let solved = model
            .try_solve()
            .map_err(|e| SolverError(format!("{e:?}")))?;
        let status = status_of(solved.status());
        self.solved = Some(solved);
        Ok(status)
    }

    fn objective(&self) -> f64 {
        self.solved().objective_value()
    }

    fn solution(&self) -> Solution {
        let s = self.solved().get_solution();
        Solution {
            cols: s.columns().to_vec(),
            rows: s.rows().to_vec(),
            row_duals: s.dual_rows().to_vec(),
            col_duals: s.dual_columns().to_vec(),
        }
    }

    fn basis(&mut self) -> Option<HighsBasis> {
        let (nc, nr) = (self.num_cols, self.num_rows);
        let mut b = HighsBasis {
            cols: vec![0; nc],
            rows: vec![0; nr],
        };
        let ptr = self.ptr();
        // SAFETY: a live Highs instance; the buffers hold exactly num_col and num_row entries (the counts this
        // model tracks through every build and batch), which is what Highs_getBasis writes.
        let status =
            unsafe { highs_sys::Highs_getBasis(ptr, b.cols.as_mut_ptr(), b.rows.as_mut_ptr()) };
        (status == highs_sys::STATUS_OK).then_some(b)
    }

    fn set_basis(&mut self, basis: &HighsBasis) -> bool {
        let (nc, nr) = (self.num_cols, self.num_rows);
        if nc < basis.cols.len() || nr < basis.rows.len() {
            return false;
        }
        let mut cols = basis.cols.clone();
        cols.resize(nc, LOWER);
        let mut rows = basis.rows.clone();
        rows.resize(nr, BASIC);
        assert!(cols.len() == nc && rows.len() == nr);
        let ptr = self.ptr();
        // SAFETY: a live Highs instance; the arrays have exactly num_col and num_row entries (asserted above),
        // as Highs_setBasis reads.
        let status = unsafe { highs_sys::Highs_setBasis(ptr, cols.as_ptr(), rows.as_ptr()) };
        status == highs_sys::STATUS_OK
    }
}
