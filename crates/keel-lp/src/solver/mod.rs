//! The solver boundary: what Keel's LPs need from an LP solver, and nothing of any one solver's API.
//!
//! An LP is written once as a [`Problem`] (minimise or maximise `cᵀx` subject to `row_lower <= A x <= row_upper`
//! and `col_lower <= x <= col_upper`, `A` stored column by column) with one of two builders: [`ColBuilder`]
//! (rows first, then each column with its entries) or [`RowBuilder`] (columns first, then each row with its
//! entries). A [`Solver`] turns it into an [`LpModel`], which can be re-solved after bound changes, grown by
//! batches of rows ([`Rows`]) and columns ([`Cols`]), and warm-started from a saved basis. The engine and its
//! tests see only these traits: [`Highs`] is the production backend (it owns the HiGHS library and the only
//! unsafe code of Keel, in `highs.rs`); a test backend or a fault-injecting wrapper plugs in without touching
//! any formulation, and the planner's LPs (issue 15) are built on the same boundary.
//!
//! # Complexity
//! Building a problem is O(rows + columns + nonzeros); the solves are the backend's.

mod highs;

pub use self::highs::{Highs, HighsBasis, HighsLp};

use std::fmt;

/// Dual feasibility tolerance of every time-to-survive LP. HiGHS's default, 1e-7 (absolute), let reduced costs
/// that small stop the simplex with `τ` above its optimum when flows reach 10^6 a day and stocks 2·10^7 units:
/// on the 17,000-stage network TTS came out up to 1.3e-3 short (bench/RESULTS.md, "Lab journal of the LP
/// engine", third session of 2026-12-02). At 1e-9 the values checked against loss LPs at fixed `t` agree to
/// 1e-8.
pub const TTS_DUAL_TOL: f64 = 1e-9;

/// A solver call that failed: the backend's own words for it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SolverError(pub String);

/// Direction of the objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sense {
    Minimise,
    Maximise,
}

/// What a solve ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Optimal,
    Infeasible,
    /// Infeasible or unbounded, not told apart (a presolve may answer so).
    UnboundedOrInfeasible,
    /// No columns and no rows: the objective is 0.
    Empty,
    /// Anything else (numerical trouble, limits), in the backend's words.
    Other(String),
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Optimal => "Optimal",
            Status::Infeasible => "Infeasible",
            Status::UnboundedOrInfeasible => "UnboundedOrInfeasible",
            Status::Empty => "ModelEmpty",
            Status::Other(s) => s,
        })
    }
}

/// Solver settings the engine tunes, by meaning rather than by any backend's option names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SolverOption {
    /// Presolve on or off (on by default).
    Presolve(bool),
    /// Dual feasibility tolerance (absolute).
    DualFeasibilityTolerance(f64),
    /// Devex pricing in the dual simplex instead of the backend's default (dual steepest edge).
    DevexDualPricing,
    /// Primal simplex for the next solves (after growing a model whose current point stays primal feasible).
    PrimalSimplex,
}

/// A row of a [`Problem`] or of an [`LpModel`], by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Row(pub usize);

/// A column of a [`Problem`] or of an [`LpModel`], by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Col(pub usize);

/// A whole LP, its matrix stored column by column (what every solver accepts).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub col_cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    /// Column `j`'s entries are `index[start[j]..start[j + 1]]` (rows) and `value[..]` (coefficients).
    pub start: Vec<usize>,
    pub index: Vec<usize>,
    pub value: Vec<f64>,
    /// Columns restricted to integer values, ascending (empty: an LP).
    pub integer: Vec<usize>,
}

impl Default for Problem {
    /// No rows, no columns.
    fn default() -> Self {
        Problem {
            col_cost: Vec::new(),
            col_lower: Vec::new(),
            col_upper: Vec::new(),
            row_lower: Vec::new(),
            row_upper: Vec::new(),
            start: vec![0],
            index: Vec::new(),
            value: Vec::new(),
            integer: Vec::new(),
        }
    }
}

impl Problem {
    pub fn num_cols(&self) -> usize {
        self.col_cost.len()
    }

    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Appends a row `lower <= sum entries <= upper` (one entry per column at most). O(nonzeros): the
    /// column-wise arrays are rebuilt, so add rows in bulk with a builder instead.
    pub fn push_row(&mut self, lower: f64, upper: f64, entries: &[(Col, f64)]) -> Row {
        let r = self.num_rows();
        let mut extra = vec![None; self.num_cols()];
        for &(c, v) in entries {
            extra[c.0] = Some(v);
        }
        let (mut index, mut value) = (Vec::new(), Vec::new());
        let mut start = Vec::with_capacity(self.start.len());
        start.push(0);
        for (j, e) in extra.iter().enumerate() {
            for (i, v) in self.column(j) {
                index.push(i);
                value.push(v);
            }
            if let Some(v) = e {
                index.push(r);
                value.push(*v);
            }
            start.push(index.len());
        }
        (self.start, self.index, self.value) = (start, index, value);
        self.row_lower.push(lower);
        self.row_upper.push(upper);
        Row(r)
    }

    /// Entries of column `j`: (row, coefficient).
    pub fn column(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (a, b) = (self.start[j], self.start[j + 1]);
        self.index[a..b]
            .iter()
            .copied()
            .zip(self.value[a..b].iter().copied())
    }
}

/// Builds a [`Problem`] rows first, then column by column with each column's entries.
#[derive(Clone, Debug, Default)]
pub struct ColBuilder {
    pb: Problem,
}

impl ColBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A row `lower <= a x <= upper` whose entries come with the columns.
    pub fn add_row(&mut self, lower: f64, upper: f64) -> Row {
        self.pb.row_lower.push(lower);
        self.pb.row_upper.push(upper);
        Row(self.pb.row_lower.len() - 1)
    }

    /// A column with objective coefficient `cost`, bounds `[lower, upper]` and its entries in rows added before.
    pub fn add_col(&mut self, cost: f64, lower: f64, upper: f64, entries: &[(Row, f64)]) -> Col {
        let pb = &mut self.pb;
        pb.col_cost.push(cost);
        pb.col_lower.push(lower);
        pb.col_upper.push(upper);
        for &(r, v) in entries {
            pb.index.push(r.0);
            pb.value.push(v);
        }
        pb.start.push(pb.index.len());
        Col(pb.col_cost.len() - 1)
    }

    /// Like [`ColBuilder::add_col`], for a column restricted to integer values.
    pub fn add_int_col(
        &mut self,
        cost: f64,
        lower: f64,
        upper: f64,
        entries: &[(Row, f64)],
    ) -> Col {
        let c = self.add_col(cost, lower, upper, entries);
        self.pb.integer.push(c.0);
        c
    }

    pub fn build(self) -> Problem {
        self.pb
    }
}

/// Builds a [`Problem`] columns first, then row by row with each row's entries. A column's entries end up in
/// the order of their rows.
#[derive(Clone, Debug, Default)]
pub struct RowBuilder {
    col_cost: Vec<f64>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    /// Per column: (row, coefficient), in row order.
    entries: Vec<Vec<(usize, f64)>>,
    integer: Vec<usize>,
}

impl RowBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A column with objective coefficient `cost` and bounds `[lower, upper]`; its entries come with the rows.
    pub fn add_col(&mut self, cost: f64, lower: f64, upper: f64) -> Col {
        self.col_cost.push(cost);
        self.col_lower.push(lower);
        self.col_upper.push(upper);
        self.entries.push(Vec::new());
        Col(self.col_cost.len() - 1)
    }

    /// Like [`RowBuilder::add_col`], for a column restricted to integer values.
    pub fn add_int_col(&mut self, cost: f64, lower: f64, upper: f64) -> Col {
        let c = self.add_col(cost, lower, upper);
        self.integer.push(c.0);
        c
    }

    /// Adds `cost` to the objective coefficient of column `c`.
    pub fn add_cost(&mut self, c: Col, cost: f64) {
        self.col_cost[c.0] += cost;
    }

    pub fn num_cols(&self) -> usize {
        self.col_cost.len()
    }

    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// A row `lower <= sum entries <= upper` over columns added before.
    pub fn add_row(&mut self, lower: f64, upper: f64, entries: &[(Col, f64)]) -> Row {
        let r = self.row_lower.len();
        for &(c, v) in entries {
            self.entries[c.0].push((r, v));
        }
        self.row_lower.push(lower);
        self.row_upper.push(upper);
        Row(r)
    }

    pub fn build(self) -> Problem {
        let nnz = self.entries.iter().map(Vec::len).sum();
        let mut start = Vec::with_capacity(self.entries.len() + 1);
        let mut index = Vec::with_capacity(nnz);
        let mut value = Vec::with_capacity(nnz);
        start.push(0);
        for col in self.entries {
            for (r, v) in col {
                index.push(r);
                value.push(v);
            }
            start.push(index.len());
        }
        Problem {
            col_cost: self.col_cost,
            col_lower: self.col_lower,
            col_upper: self.col_upper,
            row_lower: self.row_lower,
            row_upper: self.row_upper,
            start,
            index,
            value,
            integer: self.integer,
        }
    }
}

/// New rows for [`LpModel::add_rows`], row by row: `lower <= a x <= upper` over existing columns.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Row `k`'s entries start at `start[k]` in `index` (columns) and `value`.
    pub start: Vec<usize>,
    pub index: Vec<usize>,
    pub value: Vec<f64>,
}

impl Rows {
    /// Opens a row; its entries follow with [`Rows::entry`].
    pub fn push(&mut self, lower: f64, upper: f64) {
        self.lower.push(lower);
        self.upper.push(upper);
        self.start.push(self.index.len());
    }

    /// An entry of the last row opened.
    pub fn entry(&mut self, col: Col, v: f64) {
        self.index.push(col.0);
        self.value.push(v);
    }

    pub fn len(&self) -> usize {
        self.upper.len()
    }

    pub fn is_empty(&self) -> bool {
        self.upper.is_empty()
    }
}

/// New columns for [`LpModel::add_cols`], column by column, with their entries in existing rows.
#[derive(Clone, Debug, Default)]
pub struct Cols {
    pub cost: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Column `k`'s entries start at `start[k]` in `index` (rows) and `value`.
    pub start: Vec<usize>,
    pub index: Vec<usize>,
    pub value: Vec<f64>,
}

impl Cols {
    pub fn push(&mut self, cost: f64, lower: f64, upper: f64, entries: &[(Row, f64)]) {
        self.cost.push(cost);
        self.lower.push(lower);
        self.upper.push(upper);
        self.start.push(self.index.len());
        for &(r, v) in entries {
            self.index.push(r.0);
            self.value.push(v);
        }
    }

    pub fn len(&self) -> usize {
        self.cost.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cost.is_empty()
    }
}

/// Primal values of the columns and rows, the row duals and the columns' reduced costs, of the last solve.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Solution {
    pub cols: Vec<f64>,
    pub rows: Vec<f64>,
    pub row_duals: Vec<f64>,
    /// Reduced cost of each column: for a column held at a bound, the rate at which the optimum changes
    /// as that bound moves (the planner's Benders cuts read them off fixed decision columns).
    pub col_duals: Vec<f64>,
}

/// An LP held by a solver, ready to be solved, changed and solved again.
pub trait LpModel {
    /// A saved simplex basis of this kind of model.
    type Basis: Clone + Send + fmt::Debug;

    fn num_rows(&self) -> usize;
    fn num_cols(&self) -> usize;
    fn set_option(&mut self, option: SolverOption);
    /// Changes the bounds of one column.
    fn set_col_bounds(&mut self, col: Col, lower: f64, upper: f64);
    /// Appends rows, keeping the basis: the new rows start basic.
    fn add_rows(&mut self, rows: &Rows) -> Result<(), SolverError>;
    /// Appends columns, keeping the basis: the new columns start nonbasic at their lower bound.
    fn add_cols(&mut self, cols: &Cols) -> Result<(), SolverError>;
    /// Solves from the current basis. `Err` means the solver itself failed; the model is then unusable.
    fn solve(&mut self) -> Result<Status, SolverError>;
    /// Objective value of the last solve.
    fn objective(&self) -> f64;
    /// Solution of the last solve.
    fn solution(&self) -> Solution;
    /// The basis of the last solve, or `None` if the solver holds no valid one.
    fn basis(&mut self) -> Option<Self::Basis>;
    /// Makes `basis` the start of the next solve; rows and columns added since it was taken start basic
    /// (rows) and nonbasic at their lower bound (columns). `false` if the solver rejects it.
    fn set_basis(&mut self, basis: &Self::Basis) -> bool;
}

/// What a mixed-integer solve may spend and when it may stop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MipOptions {
    /// Stop once the relative gap between the best solution and the best bound is at most this.
    pub rel_gap: f64,
    /// Stop after this many seconds of wall time (the best solution found so far is returned).
    pub time_limit: Option<f64>,
    /// Let the solver simplify the problem before branching. HiGHS's presolve has answered the planner's
    /// tie-break MILPs wrongly (infeasible, or a dearer plan called optimal), so those run with it off.
    pub presolve: bool,
}

impl Default for MipOptions {
    /// Proven optimal up to 1e-9 (relative), no time limit, presolve on.
    fn default() -> Self {
        MipOptions {
            rel_gap: 1e-9,
            time_limit: None,
            presolve: true,
        }
    }
}

/// The result of a mixed-integer solve.
#[derive(Clone, Debug, PartialEq)]
pub struct MipSolution {
    pub status: Status,
    /// Whether `cols` holds a feasible solution (also when a limit stopped the search).
    pub feasible: bool,
    /// Objective of the best solution found (meaningful when `feasible`).
    pub objective: f64,
    /// Best proven bound on the optimum (a lower bound when minimising).
    pub bound: f64,
    /// Relative gap `|objective - bound| / max(|objective|, tiny)` as the backend reports it.
    pub gap: f64,
    pub cols: Vec<f64>,
}

/// Solves problems with integer columns ([`Problem::integer`]) to proven optimality or to a gap.
pub trait MipSolver: Sync + fmt::Debug {
    fn solve_mip(
        &self,
        problem: &Problem,
        sense: Sense,
        options: &MipOptions,
    ) -> Result<MipSolution, SolverError>;
}

/// Makes [`LpModel`]s. Shared by every thread of a sweep; each thread builds its own models.
pub trait Solver: Sync + fmt::Debug {
    type Model: LpModel;

    /// Loads `problem` (not solved yet).
    fn build(&self, problem: &Problem, sense: Sense) -> Result<Self::Model, SolverError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both builders give the same column-wise matrix for the same LP: entries of a column in row order.
    #[test]
    fn row_and_column_builders_agree() {
        let mut cb = ColBuilder::new();
        let r0 = cb.add_row(f64::NEG_INFINITY, 4.0);
        let r1 = cb.add_row(1.0, f64::INFINITY);
        cb.add_col(1.0, 0.0, 2.0, &[(r0, 1.0), (r1, 3.0)]);
        cb.add_col(-1.0, 0.0, f64::INFINITY, &[(r1, 2.0)]);
        let mut rb = RowBuilder::new();
        let x = rb.add_col(1.0, 0.0, 2.0);
        let y = rb.add_col(-1.0, 0.0, f64::INFINITY);
        rb.add_row(f64::NEG_INFINITY, 4.0, &[(x, 1.0)]);
        rb.add_row(1.0, f64::INFINITY, &[(x, 3.0), (y, 2.0)]);
        let (a, b) = (cb.build(), rb.build());
        assert_eq!(a, b);
        assert_eq!(a.start, [0, 2, 3]);
        assert_eq!(a.index, [0, 1, 1]);
        assert_eq!(a.column(0).collect::<Vec<_>>(), [(0, 1.0), (1, 3.0)]);
    }

    /// max x + y with x + 2y <= 4, 3x + y <= 6, x, y >= 0: optimum at (1.6, 1.2), objective 2.8, duals 0.4 and
    /// 0.2 (solving the 2x2 system by hand); then with y <= 1 the optimum moves to (5/3, 1), objective 8/3.
    #[test]
    fn highs_solves_a_hand_lp_and_resolves_after_a_bound_change() {
        let mut cb = ColBuilder::new();
        let r0 = cb.add_row(f64::NEG_INFINITY, 4.0);
        let r1 = cb.add_row(f64::NEG_INFINITY, 6.0);
        cb.add_col(1.0, 0.0, f64::INFINITY, &[(r0, 1.0), (r1, 3.0)]);
        let y = cb.add_col(1.0, 0.0, f64::INFINITY, &[(r0, 2.0), (r1, 1.0)]);
        let mut m = Highs.build(&cb.build(), Sense::Maximise).unwrap();
        assert_eq!(m.solve().unwrap(), Status::Optimal);
        assert!((m.objective() - 2.8).abs() < 1e-9);
        let s = m.solution();
        assert!((s.cols[0] - 1.6).abs() < 1e-9 && (s.cols[1] - 1.2).abs() < 1e-9);
        assert!(
            (s.row_duals[0].abs() - 0.4).abs() < 1e-9 && (s.row_duals[1].abs() - 0.2).abs() < 1e-9
        );
        let basis = m.basis().expect("an optimal basis");
        m.set_col_bounds(y, 0.0, 1.0);
        assert!(m.set_basis(&basis));
        assert_eq!(m.solve().unwrap(), Status::Optimal);
        assert!((m.objective() - 8.0 / 3.0).abs() < 1e-9);
    }

    /// A model grown by batches: min -x - y over an empty model, then a row x + y <= 3 with x <= 2, y <= 2.
    #[test]
    fn highs_grows_a_model_by_batches() {
        let mut m = Highs.build(&Problem::default(), Sense::Minimise).unwrap();
        let mut cols = Cols::default();
        cols.push(-1.0, 0.0, 2.0, &[]);
        cols.push(-1.0, 0.0, 2.0, &[]);
        m.add_cols(&cols).unwrap();
        let mut rows = Rows::default();
        rows.push(f64::NEG_INFINITY, 3.0);
        rows.entry(Col(0), 1.0);
        rows.entry(Col(1), 1.0);
        m.add_rows(&rows).unwrap();
        assert_eq!((m.num_rows(), m.num_cols()), (1, 2));
        assert_eq!(m.solve().unwrap(), Status::Optimal);
        assert!((m.objective() + 3.0).abs() < 1e-9);
    }

    /// Knapsack by hand: max 5a + 4b + 3c with 2a + 3b + c <= 5, binary. Subsets that fit: {a, b} (weight 5,
    /// value 9), {a, c} (3, 8), {b, c} (4, 7), {a, b, c} weighs 6. So 9 at (1, 1, 0); the LP relaxation would
    /// reach 10 (a = 1, c = 1, b = 2/3), so integrality is what HiGHS enforced.
    #[test]
    fn highs_solves_a_hand_knapsack_to_proven_optimality() {
        let mut rb = RowBuilder::new();
        let a = rb.add_int_col(5.0, 0.0, 1.0);
        let b = rb.add_int_col(4.0, 0.0, 1.0);
        let c = rb.add_int_col(3.0, 0.0, 1.0);
        rb.add_row(f64::NEG_INFINITY, 5.0, &[(a, 2.0), (b, 3.0), (c, 1.0)]);
        let pb = rb.build();
        assert_eq!(pb.integer, [0, 1, 2]);
        let sol = Highs
            .solve_mip(&pb, Sense::Maximise, &MipOptions::default())
            .unwrap();
        assert_eq!(sol.status, Status::Optimal);
        assert!(sol.feasible);
        assert!((sol.objective - 9.0).abs() < 1e-9, "{}", sol.objective);
        assert!(sol.gap <= 1e-9);
        let x: Vec<i64> = sol.cols.iter().map(|v| v.round() as i64).collect();
        assert_eq!(x, [1, 1, 0]);
        // An LP model refuses integer columns rather than silently relaxing them.
        assert!(Highs.build(&pb, Sense::Maximise).is_err());
    }
}
