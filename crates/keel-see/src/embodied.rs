//! Embodied value by country: the forward (cost-push) form of look-through exposure.
//!
//! For every stage `i`, `E_i[c]` is the value added created in country `c` that is embodied in ONE unit of
//! `i`'s output, over every tier and supplier path:
//!
//! ```text
//! E_i[c] = va_i [country(i) = c]  +  sum over input rows r = (i needs item from supplier k) of qty_r * share_r * E_k[c]
//! ```
//!
//! and `U_i[c]` is the same with the country of ultimate control (`parent_country` of the stage's firm) in
//! place of the site country. This is the transpose of the backward (requirement) formulation in
//! [`crate::exposure`]: with `x^P = (I - A^T)^-1 e_P` and `E = (I - A)^-1 (va ∘ 1_c)`, the value of platform `P`
//! created in `c` is `sum_{i in c} va_i x^P_i = e_P^T (I - A)^-1 (va ∘ 1_c) = E_P[c]` (Leontief price /
//! quantity duality; Miller & Blair, *Input-Output Analysis*, 2nd ed., section 2.6). One pass in topological
//! order (suppliers first) therefore gives the country and ultimate-control breakdowns of every platform at
//! once, at a cost independent of the number of platforms. The total embodied value is `V_P = sum_c E_P[c]`.
//!
//! Only stages upstream of some platform are evaluated (found with one reachability pass that also counts each
//! platform's upstream stages, with one bit per platform). A stage's vector is returned to a pool as soon as
//! every buyer that needs it has read it, so memory follows the widest "frontier" of the graph, not the number
//! of stages. Rows with a planned share of 0 carry no flow and are skipped, as in the backward sweep. Sums
//! run in a fixed order (a stage's own value added, then its rows in model order), so results are
//! deterministic.
//!
//! # Complexity
//! O(stages + arcs x (2 x countries + ceil(platforms / 64))) time, plus O(sum of platforms' upstream stages /
//! 64) word operations to count upstream stages; memory O(stages x ceil(platforms / 64) / 8 bytes + frontier x
//! 2 x countries) floats.

use keel_model::{Model, StageIx};

/// Value embodied in one unit of a platform, by country and by country of ultimate control.
#[derive(Clone, Debug, PartialEq)]
pub struct Embodied {
    pub platform: StageIx,
    /// `E_P[c]`, indexed by country index.
    pub by_country: Vec<f64>,
    /// `U_P[c]`, indexed by country index (the firm's `parent_country`).
    pub by_parent: Vec<f64>,
    /// `V_P = sum_c E_P[c]`, summed in country-index order.
    pub total: f64,
    /// Stages upstream of the platform (itself included) through rows with a positive share.
    pub upstream_stages: usize,
}

/// The planned rows (positive qty x share) laid out by position in topological order (suppliers first), so both
/// passes read them sequentially.
struct Layout {
    pos_of: Vec<u32>,
    row_start: Vec<u32>,
    row_to: Vec<u32>,
    row_w: Vec<f64>,
    va: Vec<f64>,
    country: Vec<u32>,
    parent: Vec<u32>,
}

impl Layout {
    fn new(m: &Model) -> Layout {
        let n = m.stages.len();
        let order = m.topo_order();
        let mut pos_of = vec![0u32; n];
        for (t, s) in order.iter().enumerate() {
            pos_of[s.index()] = t as u32;
        }
        // Read the model's rows in storage order first (sequential), then permute the compact copy: reading
        // the model's row structs in topological order is a cache miss per row.
        let mut by_stage_start = Vec::with_capacity(n + 1);
        let mut by_stage: Vec<(u32, f64)> = Vec::with_capacity(m.sources.len());
        by_stage_start.push(0u32);
        for s in 0..n {
            for g in m.groups_of(StageIx::new(s)) {
                let qty = m.groups[g.index()].qty;
                for k in m.sources_of(g) {
                    let src = &m.sources[k.index()];
                    let w = qty * src.share;
                    if w > 0.0 {
                        by_stage.push((pos_of[src.supplier.index()], w));
                    }
                }
            }
            by_stage_start.push(by_stage.len() as u32);
        }
        let mut row_start = Vec::with_capacity(n + 1);
        let mut row_to = Vec::with_capacity(by_stage.len());
        let mut row_w = Vec::with_capacity(by_stage.len());
        row_start.push(0u32);
        for &s in order {
            let r = by_stage_start[s.index()] as usize..by_stage_start[s.index() + 1] as usize;
            for &(to, w) in &by_stage[r] {
                row_to.push(to);
                row_w.push(w);
            }
            row_start.push(row_to.len() as u32);
        }
        let va: Vec<f64> = m.stages.iter().map(|st| st.value_added).collect();
        let country: Vec<u32> = (0..n).map(|s| m.stage_country(StageIx::new(s)).0).collect();
        let parent: Vec<u32> = (0..n)
            .map(|s| {
                m.firms[m.stage_firm(StageIx::new(s)).index()]
                    .parent_country
                    .0
            })
            .collect();
        Layout {
            va: order.iter().map(|s| va[s.index()]).collect(),
            country: order.iter().map(|s| country[s.index()]).collect(),
            parent: order.iter().map(|s| parent[s.index()]).collect(),
            pos_of,
            row_start,
            row_to,
            row_w,
        }
    }

    #[inline]
    fn rows(&self, t: usize) -> std::ops::Range<usize> {
        self.row_start[t] as usize..self.row_start[t + 1] as usize
    }
}

/// The embodied value of each of `platforms` (see the module doc), in the order given.
pub fn embodied(m: &Model, platforms: &[StageIx]) -> Vec<Embodied> {
    let n = m.stages.len();
    let nc = m.countries.len();
    let np = platforms.len();
    if np == 0 {
        return Vec::new();
    }
    let lay = Layout::new(m);

    // Reachability from the platforms, one bit per platform, buyers before suppliers.
    let words = np.div_ceil(64);
    let mut reach = vec![0u64; n * words];
    for (b, p) in platforms.iter().enumerate() {
        reach[lay.pos_of[p.index()] as usize * words + b / 64] |= 1u64 << (b % 64);
    }
    let mut tmp = vec![0u64; words];
    for t in (0..n).rev() {
        tmp.copy_from_slice(&reach[t * words..(t + 1) * words]);
        if tmp.iter().all(|&w| w == 0) {
            continue;
        }
        for &to in &lay.row_to[lay.rows(t)] {
            let to = to as usize;
            for (r, x) in reach[to * words..(to + 1) * words].iter_mut().zip(&tmp) {
                *r |= x;
            }
        }
    }
    let marked: Vec<bool> = reach
        .chunks_exact(words)
        .map(|bits| bits.iter().any(|&w| w != 0))
        .collect();
    // Upstream stages per platform: a per-bit count over every word, branch-free so it vectorises (the
    // closures hold tens of millions of bits at 10^6 rows).
    let count = || {
        let mut upstream = vec![0u32; words * 64];
        for bits in reach.chunks_exact(words) {
            for (k, &w) in bits.iter().enumerate() {
                if w != 0 {
                    for (b, c) in upstream[k * 64..(k + 1) * 64].iter_mut().enumerate() {
                        *c += ((w >> b) & 1) as u32;
                    }
                }
            }
        }
        upstream
    };
    // Which platform positions to keep (a stage listed twice is computed once).
    let mut want = vec![false; n];
    for p in platforms {
        want[lay.pos_of[p.index()] as usize] = true;
    }
    // Country and ultimate control are independent passes over the same rows, and the count is independent of
    // both: one task each.
    let ((by_country, by_parent), upstream) = rayon::join(
        || {
            rayon::join(
                || forward(&lay, &lay.country, nc, &marked, &want),
                || forward(&lay, &lay.parent, nc, &marked, &want),
            )
        },
        count,
    );
    platforms
        .iter()
        .enumerate()
        .map(|(b, &p)| {
            let t = lay.pos_of[p.index()] as usize;
            let by_country = by_country[&t].clone();
            Embodied {
                platform: p,
                total: by_country.iter().sum(),
                by_country,
                by_parent: by_parent[&t].clone(),
                upstream_stages: upstream[b] as usize,
            }
        })
        .collect()
}

/// One forward pass over the marked positions, `E_t[key] = va_t [key(t) = key] + sum_rows w E_to`, returning
/// the vectors of the `want`ed positions. A stage without planned rows has `E = va e_key(t)`, so buyers add it
/// in place and it never takes a slot; every other vector goes back to the pool once its last marked buyer has
/// read it.
fn forward(
    lay: &Layout,
    key: &[u32],
    width: usize,
    marked: &[bool],
    want: &[bool],
) -> std::collections::BTreeMap<usize, Vec<f64>> {
    let n = marked.len();
    let leaf = |t: usize| lay.row_start[t] == lay.row_start[t + 1];
    let mut remaining = vec![0u32; n];
    for t in (0..n).filter(|&t| marked[t]) {
        for &to in &lay.row_to[lay.rows(t)] {
            if !leaf(to as usize) {
                remaining[to as usize] += 1;
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    let mut arena: Vec<f64> = Vec::new();
    let mut free: Vec<usize> = Vec::new();
    let mut slot = vec![usize::MAX; n];
    for t in 0..n {
        if !marked[t] {
            continue;
        }
        if leaf(t) {
            if want[t] {
                let mut v = vec![0.0; width];
                v[key[t] as usize] = lay.va[t];
                out.insert(t, v);
            }
            continue;
        }
        let me = match free.pop() {
            Some(k) => {
                arena[k * width..(k + 1) * width].fill(0.0);
                k
            }
            None => {
                arena.resize(arena.len() + width, 0.0);
                arena.len() / width - 1
            }
        };
        slot[t] = me;
        arena[me * width + key[t] as usize] += lay.va[t];
        let rows = lay.rows(t);
        for (&to, &w) in lay.row_to[rows.clone()].iter().zip(&lay.row_w[rows]) {
            let to = to as usize;
            if leaf(to) {
                arena[me * width + key[to] as usize] += w * lay.va[to];
                continue;
            }
            let from = slot[to];
            let (dst, src) = two_slots(&mut arena, width, me, from);
            for (d, v) in dst.iter_mut().zip(src) {
                *d += w * v;
            }
            remaining[to] -= 1;
            if remaining[to] == 0 {
                free.push(from);
            }
        }
        if want[t] {
            out.insert(t, arena[me * width..(me + 1) * width].to_vec());
        }
        if remaining[t] == 0 {
            free.push(me);
        }
    }
    out
}

/// Two distinct slots of the pool, the first writable.
fn two_slots(arena: &mut [f64], width: usize, dst: usize, src: usize) -> (&mut [f64], &[f64]) {
    debug_assert_ne!(dst, src);
    if dst < src {
        let (a, b) = arena.split_at_mut(src * width);
        (&mut a[dst * width..(dst + 1) * width], &b[..width])
    } else {
        let (a, b) = arena.split_at_mut(dst * width);
        (&mut b[..width], &a[src * width..(src + 1) * width])
    }
}
