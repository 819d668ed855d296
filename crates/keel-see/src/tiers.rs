//! Value added by tier for every stage at once, by a forward pass.
//!
//! The tier split of [`crate::exposure`] assigns the value embodied in a platform `P` to the tier at which it
//! enters along each input path: with `x^(0) = e_P` and `x_i^(d) = sum over rows (j, i) of x_j^(d-1) * qty *
//! share`, tier `d` holds `sum_i va_i x_i^(d)`. Summing over paths from the other end gives the same numbers for
//! every stage in one pass, suppliers first:
//!
//! ```text
//! T_i[0] = va_i
//! T_i[d] = sum over input rows r = (i needs an item from supplier k) of qty_r * share_r * T_k[d-1]
//! ```
//!
//! so `T_P[d]` is `P`'s value at tier `d` (both are the sum over all input paths of length `d` from `P` of the
//! path's product of `qty * share` times the value added at its end). `T_i` has one entry per tier down to
//! `i`'s longest input chain; rows with share 0 carry no flow and are skipped, as in
//! [`crate::exposure::tier_values`], the per-platform layered propagation this is checked against.
//!
//! # Complexity
//! O(stages + sum over input rows of the supplier's chain length) = O(stages + arcs x L) time and
//! O(sum of chain lengths) memory for the longest chain L, whatever the number of platforms (the per-platform
//! propagation costs O(L_P x E_P) for each platform).

use keel_model::{Model, StageIx};

/// Value added by tier of every stage (per unit of its output).
#[derive(Debug)]
pub struct Tiers {
    /// `T_i` is `vals[off[i]..off[i] + len[i]]`.
    off: Vec<usize>,
    len: Vec<u32>,
    vals: Vec<f64>,
}

impl Tiers {
    /// Computes `T_i` for every stage of `m`.
    pub fn new(m: &Model) -> Self {
        let n = m.stages().len();
        let mut off = vec![0usize; n];
        let mut len = vec![0u32; n];
        let mut vals: Vec<f64> = Vec::new();
        for &s in m.topo_order() {
            let i = s.index();
            let mut l = 1u32;
            for g in m.groups_of(s) {
                for k in m.sources_of(g) {
                    let src = &m.sources()[k.index()];
                    if src.share > 0.0 {
                        l = l.max(len[src.supplier.index()] + 1);
                    }
                }
            }
            let o = vals.len();
            off[i] = o;
            len[i] = l;
            vals.resize(o + l as usize, 0.0);
            vals[o] = m.stages()[i].value_added;
            for g in m.groups_of(s) {
                let qty = m.groups()[g.index()].qty;
                for k in m.sources_of(g) {
                    let src = &m.sources()[k.index()];
                    if src.share <= 0.0 {
                        continue;
                    }
                    let f = qty * src.share;
                    let (ko, kl) = (
                        off[src.supplier.index()],
                        len[src.supplier.index()] as usize,
                    );
                    // Suppliers come first in topological order, so their block lies before this one.
                    let (head, tail) = vals.split_at_mut(o);
                    for (t, v) in tail[1..=kl].iter_mut().zip(&head[ko..ko + kl]) {
                        *t += f * v;
                    }
                }
            }
        }
        Tiers { off, len, vals }
    }

    /// `T_s`: value added per unit of `s` by tier (tier 0 is `s`'s own).
    pub fn of(&self, s: StageIx) -> &[f64] {
        let o = self.off[s.index()];
        &self.vals[o..o + self.len[s.index()] as usize]
    }
}
