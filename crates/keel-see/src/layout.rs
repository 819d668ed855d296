//! The input graph laid out by topological position, shared by the forward pass of [`crate::embodied`] and
//! the backward requirement sweep of [`crate::exposure`].
//!
//! Stages are renumbered by their position `t` in [`Model::topo_order`] (suppliers before buyers, so every row
//! of position `t` points to a smaller position), and each position's planned input rows (positive
//! `qty x share`) are stored as `(supplier position, qty x share)` in two flat arrays, in model order. The
//! per-stage attributes the breakdowns need (value added, country, firm, parent country) are stored by
//! position too. A pass in either direction then reads rows and attributes sequentially; only the per-row
//! supplier lookups jump around.
//!
//! The model is read in storage order (sequential over its group and source structs) and each stage's rows are
//! written to their final place, found from a prefix sum of per-stage source counts; reading the model's rows
//! in topological order instead costs a cache miss per stage. Rows with a non-positive weight are dropped and,
//! only if there were any, the arrays are compacted afterwards.
//!
//! # Complexity
//! O(stages + arcs) time, two passes over the model's groups and one over its sources; O(stages + arcs) memory.

use keel_model::{Model, StageIx};

/// From this many input rows up, a pass over the graph takes long enough (milliseconds) that splitting it
/// across threads pays; below, handing work to other threads costs more than it saves, especially on a busy
/// machine where a woken thread may wait for a core.
const PARALLEL_ARCS: usize = 250_000;

/// See the module doc. Every `Vec` indexed by position has one entry per stage; `row_start` has one more.
#[derive(Debug)]
pub(crate) struct Layout {
    /// Whether the graph is large enough for the passes over it to be split across threads.
    pub(crate) parallel: bool,
    /// Position of each stage (indexed by stage index).
    pub(crate) pos_of: Vec<u32>,
    /// Rows of position `t` are `row_start[t]..row_start[t + 1]`.
    pub(crate) row_start: Vec<u32>,
    /// Supplier position of each row (always smaller than the buyer's position).
    pub(crate) row_to: Vec<u32>,
    /// `qty x share` of each row, positive.
    pub(crate) row_w: Vec<f64>,
    pub(crate) va: Vec<f64>,
    pub(crate) country: Vec<u32>,
    pub(crate) parent: Vec<u32>,
    pub(crate) firm: Vec<u32>,
}

impl Layout {
    pub(crate) fn new(m: &Model) -> Layout {
        let n = m.stages().len();
        let mut pos_of = vec![0u32; n];
        for (t, s) in m.topo_order().iter().enumerate() {
            pos_of[s.index()] = t as u32;
        }
        let parallel = m.sources().len() >= PARALLEL_ARCS;
        // The rows and the per-stage attributes are independent: on a large graph, build them side by side.
        let ((row_start, row_to, row_w), (va, country, parent, firm)) = if parallel {
            rayon::join(|| rows(m, &pos_of), || attributes(m, &pos_of))
        } else {
            (rows(m, &pos_of), attributes(m, &pos_of))
        };
        Layout {
            parallel,
            pos_of,
            row_start,
            row_to,
            row_w,
            va,
            country,
            parent,
            firm,
        }
    }

    /// Number of positions (stages).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.va.len()
    }

    /// The rows of position `t`, as a range of `row_to` / `row_w`.
    #[inline]
    pub(crate) fn rows(&self, t: usize) -> std::ops::Range<usize> {
        self.row_start[t] as usize..self.row_start[t + 1] as usize
    }
}

/// Each position's planned rows, see [`Layout`]: `(row_start, row_to, row_w)`.
fn rows(m: &Model, pos_of: &[u32]) -> (Vec<u32>, Vec<u32>, Vec<f64>) {
    let n = pos_of.len();
    // Room for every source of each stage, planned or not; prefix sum in position order.
    let mut row_start = vec![0u32; n + 1];
    for (s, &t) in pos_of.iter().enumerate() {
        row_start[t as usize + 1] = m
            .groups_of(StageIx::new(s))
            .map(|g| m.sources_of(g).len() as u32)
            .sum();
    }
    for t in 0..n {
        row_start[t + 1] += row_start[t];
    }
    let room = row_start[n] as usize;
    let mut row_to = vec![0u32; room];
    let mut row_w = vec![0.0f64; room];
    // Positions whose rows fell short of their room (some weight <= 0), with the count actually written.
    let mut short: Vec<(u32, u32)> = Vec::new();
    for (s, &t) in pos_of.iter().enumerate() {
        let begin = row_start[t as usize] as usize;
        let mut k = begin;
        for g in m.groups_of(StageIx::new(s)) {
            let qty = m.groups()[g.index()].qty;
            for src in m.sources_of(g) {
                let src = &m.sources()[src.index()];
                let w = qty * src.share;
                if w > 0.0 {
                    row_to[k] = pos_of[src.supplier.index()];
                    row_w[k] = w;
                    k += 1;
                }
            }
        }
        if k < row_start[t as usize + 1] as usize {
            short.push((t, (k - begin) as u32));
        }
    }
    if !short.is_empty() {
        short.sort_unstable();
        compact(&mut row_start, &mut row_to, &mut row_w, &short);
    }
    (row_start, row_to, row_w)
}

/// Value added, country, parent country and firm of each position.
fn attributes(m: &Model, pos_of: &[u32]) -> (Vec<f64>, Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = pos_of.len();
    // Country, firm and parent country per site first, read in site order: per stage they are then one
    // lookup in a small table instead of a chain of two scattered reads.
    let site: Vec<(u32, u32, u32)> = m
        .sites()
        .iter()
        .map(|st| {
            (
                st.country.0,
                st.firm.0,
                m.firms()[st.firm.index()].parent_country.0,
            )
        })
        .collect();
    let mut va = vec![0.0f64; n];
    let mut country = vec![0u32; n];
    let mut parent = vec![0u32; n];
    let mut firm = vec![0u32; n];
    for (st, &t) in m.stages().iter().zip(pos_of) {
        let t = t as usize;
        let (c, f, p) = site[st.site.index()];
        va[t] = st.value_added;
        country[t] = c;
        firm[t] = f;
        parent[t] = p;
    }
    (va, country, parent, firm)
}

/// Closes the gaps left by dropped rows: `short` lists, by increasing position, the positions that wrote
/// fewer rows than their room and how many they wrote.
fn compact(
    row_start: &mut [u32],
    row_to: &mut Vec<u32>,
    row_w: &mut Vec<f64>,
    short: &[(u32, u32)],
) {
    let n = row_start.len() - 1;
    let mut next_short = short.iter().peekable();
    let mut write = 0usize;
    let mut begin = row_start[0] as usize;
    for t in 0..n {
        let end = row_start[t + 1] as usize;
        let len = match next_short.peek() {
            Some(&&(p, len)) if p as usize == t => {
                next_short.next();
                len as usize
            }
            _ => end - begin,
        };
        row_to.copy_within(begin..begin + len, write);
        row_w.copy_within(begin..begin + len, write);
        row_start[t] = write as u32;
        write += len;
        begin = end;
    }
    row_start[n] = write as u32;
    row_to.truncate(write);
    row_w.truncate(write);
}
