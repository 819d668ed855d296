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
//! The rows are laid out once by topological position (the private `layout` module). One reachability pass, buyers
//! first with one bit per platform, counts each platform's upstream stages. A stage without planned rows is
//! never stored (its `E` is its value added at one key, added in place by its buyers); every other stage's
//! vector is summed in a scratch row and appended to one store, read by its buyers. Keeping a pool of vectors
//! released after their last read saves no time here: on generated models half the stages are live at once
//! in any topological order, so the work is bound by reading suppliers' vectors, not by memory. On a small or
//! mid-size graph (under the `layout` module's threshold of input rows) everything runs on the calling thread, country and
//! ultimate control in one pass over the rows; handing milliseconds of work to other threads costs more than
//! it saves, above all on a busy machine. On a large graph the two halves and the count run as separate
//! tasks. With fewer than 8 platforms only stages upstream of one are evaluated. Every variant does the same
//! operations per entry in the same order (a stage's own value added, then its rows from stages without
//! inputs, then its other rows, each in model order), so results are deterministic and independent of the
//! thread count. Rows with a planned share of 0 carry no flow and are skipped, as in the backward sweep.
//!
//! # Complexity
//! O(stages + arcs x (2 x countries + ceil(platforms / 64))) time, plus O(stages x ceil(platforms / 64) x 8)
//! additions to count upstream stages; memory O(stages x (ceil(platforms / 64) words + 2 x countries floats)).

use crate::layout::Layout;
use keel_model::{Model, StageIx, NONE};

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

/// Below this many platforms, find their upstream stages before the forward pass and evaluate only those.
const MARK_BELOW: usize = 8;

/// The embodied value of each of `platforms` (see the module doc), in the order given.
pub fn embodied(m: &Model, platforms: &[StageIx]) -> Vec<Embodied> {
    if platforms.is_empty() {
        return Vec::new();
    }
    embodied_in(m, &Layout::new(m), platforms)
}

/// [`embodied`] on a layout already built (so [`crate::exposure`] builds one for both of its passes).
pub(crate) fn embodied_in(m: &Model, lay: &Layout, platforms: &[StageIx]) -> Vec<Embodied> {
    let n = lay.len();
    let nc = m.countries().len();
    if platforms.is_empty() {
        return Vec::new();
    }
    // The distinct platform positions, each with its output index (NONE: not a platform; a stage listed twice is
    // computed once).
    let mut want = vec![NONE; n];
    let mut nout = 0u32;
    for p in platforms {
        let w = &mut want[lay.pos_of[p.index()] as usize];
        if *w == NONE {
            *w = nout;
            nout += 1;
        }
    }
    let nout = nout as usize;
    let reach = || upstream_counts(lay, platforms);
    let country = |marked: Option<&[bool]>| forward(lay, [&lay.country], nc, marked, &want, nout);
    let parent = |marked: Option<&[bool]>| forward(lay, [&lay.parent], nc, marked, &want, nout);
    // On a large graph, the country and ultimate-control halves run as separate passes on their own threads.
    // With few platforms most of the graph may be upstream of none: the upstream stages are found first and
    // only those evaluated. Otherwise every stage is (the platforms' vectors are the same), and the
    // reachability count is a third independent task. Every variant does the same floating-point operations
    // per entry in the same order, so the results do not depend on which one runs.
    let ((by_country, by_parent), upstream) = if !lay.parallel {
        // Small work: one thread, and the country and ultimate-control vectors in one pass over the rows.
        let (upstream, marked) = reach();
        let both = forward(
            lay,
            [&lay.country, &lay.parent],
            nc,
            Some(&marked),
            &want,
            nout,
        );
        let half = |j: usize| -> Vec<f64> {
            both.chunks_exact(2 * nc)
                .flat_map(|v| &v[j * nc..(j + 1) * nc])
                .copied()
                .collect()
        };
        ((half(0), half(1)), upstream)
    } else if platforms.len() < MARK_BELOW {
        let (upstream, marked) = reach();
        let m = Some(marked.as_slice());
        (rayon::join(|| country(m), || parent(m)), upstream)
    } else {
        let (halves, (upstream, _)) =
            rayon::join(|| rayon::join(|| country(None), || parent(None)), reach);
        (halves, upstream)
    };
    platforms
        .iter()
        .enumerate()
        .map(|(b, &p)| {
            let o = want[lay.pos_of[p.index()] as usize] as usize;
            let by_country = by_country[o * nc..(o + 1) * nc].to_vec();
            Embodied {
                platform: p,
                total: by_country.iter().sum(),
                by_country,
                by_parent: by_parent[o * nc..(o + 1) * nc].to_vec(),
                upstream_stages: upstream[b] as usize,
            }
        })
        .collect()
}

/// Reachability from the platforms, one bit per platform, buyers before suppliers: per platform the number of
/// positions upstream of it (itself included), and which positions are upstream of some platform.
fn upstream_counts(lay: &Layout, platforms: &[StageIx]) -> (Vec<u32>, Vec<bool>) {
    let n = lay.len();
    let words = platforms.len().div_ceil(64);
    let mut reach = vec![0u64; n * words];
    for (b, p) in platforms.iter().enumerate() {
        reach[lay.pos_of[p.index()] as usize * words + b / 64] |= 1u64 << (b % 64);
    }
    match words {
        1 => propagate::<1>(lay, &mut reach),
        2 => propagate::<2>(lay, &mut reach),
        3 => propagate::<3>(lay, &mut reach),
        4 => propagate::<4>(lay, &mut reach),
        _ => propagate_any(lay, &mut reach, words),
    }
    let marked = reach
        .chunks_exact(words)
        .map(|bits| bits.iter().any(|&w| w != 0))
        .collect();
    let mut upstream = count_bits(&reach, words);
    upstream.truncate(platforms.len());
    (upstream, marked)
}

/// ORs each position's reach bits (`W` words per position) into its suppliers', buyers first.
fn propagate<const W: usize>(lay: &Layout, reach: &mut [u64]) {
    let mut b = [0u64; W];
    for t in (0..lay.len()).rev() {
        b.copy_from_slice(&reach[t * W..(t + 1) * W]);
        if b == [0; W] {
            continue;
        }
        for &to in &lay.row_to[lay.rows(t)] {
            let d = &mut reach[to as usize * W..(to as usize + 1) * W];
            for i in 0..W {
                d[i] |= b[i];
            }
        }
    }
}

/// [`propagate`] for any number of words per position.
fn propagate_any(lay: &Layout, reach: &mut [u64], words: usize) {
    for t in (0..lay.len()).rev() {
        // Suppliers sit at smaller positions than their buyers, so the buyer's bits and the suppliers' are
        // disjoint halves of `reach`.
        let (lo, hi) = reach.split_at_mut(t * words);
        let bits = &hi[..words];
        if bits.iter().all(|&w| w == 0) {
            continue;
        }
        for &to in &lay.row_to[lay.rows(t)] {
            let to = to as usize;
            for (d, &b) in lo[to * words..(to + 1) * words].iter_mut().zip(bits) {
                *d |= b;
            }
        }
    }
}

/// Per platform (bit), the number of positions whose bit is set. Counters are byte-sliced: each bit of a
/// word is spread to one byte of a `u64` by table lookup, so eight counters advance per addition, and the
/// bytes are flushed to `u32` totals before they can overflow. O(positions x words x 8) additions whatever the
/// number of set bits.
fn count_bits(reach: &[u64], words: usize) -> Vec<u32> {
    /// `SPREAD[b]` has byte `i` equal to bit `i` of `b`.
    const SPREAD: [u64; 256] = {
        let mut t = [0u64; 256];
        let mut b = 0;
        while b < 256 {
            let mut i = 0;
            while i < 8 {
                t[b] |= ((b as u64 >> i) & 1) << (8 * i);
                i += 1;
            }
            b += 1;
        }
        t
    };
    let mut total = vec![0u32; words * 64];
    let mut acc = vec![0u64; words * 8];
    let flush = |acc: &mut [u64], total: &mut [u32]| {
        for (j, a) in acc.iter_mut().enumerate() {
            for i in 0..8 {
                total[j * 8 + i] += ((*a >> (8 * i)) & 0xff) as u32;
            }
            *a = 0;
        }
    };
    for (r, bits) in reach.chunks_exact(words).enumerate() {
        for (k, &w) in bits.iter().enumerate() {
            if w != 0 {
                for (j, a) in acc[k * 8..(k + 1) * 8].iter_mut().enumerate() {
                    *a += SPREAD[((w >> (8 * j)) & 0xff) as usize];
                }
            }
        }
        // A byte counter holds at most 255 positions.
        if r % 255 == 254 {
            flush(&mut acc, &mut total);
        }
    }
    flush(&mut acc, &mut total);
    total
}

/// One forward pass, `E_t[key] = va_t [key(t) = key] + sum_rows w E_to`, for `K` keyings at once (the
/// vector of keying `j` in entries `j nc..(j + 1) nc`), over the `marked` positions (all when `None`).
/// Returns the vectors of the wanted positions, output index `want[t]`, `K nc` entries each.
///
/// A position without planned rows is never stored: its `E` is its value added at one key, which buyers add
/// in place. Every other position's vector is summed in a scratch row (own value added, then the rows from
/// such leaf suppliers, then the rows from stored suppliers, each in model order) and appended to one store.
/// The rows are split first so that the vector additions run without a data-dependent branch per row.
fn forward<const K: usize>(
    lay: &Layout,
    keys: [&[u32]; K],
    nc: usize,
    marked: Option<&[bool]>,
    want: &[u32],
    nout: usize,
) -> Vec<f64> {
    let n = lay.len();
    let width = K * nc;
    let live = |t: usize| marked.is_none_or(|m| m[t]);
    let mut out = vec![0.0f64; nout * width];
    // Slot of each stored position in `store`, NONE for positions without planned rows.
    let mut at = vec![NONE; n];
    let stored = (0..n)
        .filter(|&t| live(t) && lay.row_start[t] != lay.row_start[t + 1])
        .count();
    // Room for every stored vector up front, so the store never moves.
    let mut store: Vec<f64> = Vec::with_capacity(stored * width);
    let mut acc = vec![0.0f64; width];
    let mut inner: Vec<(usize, f64)> = Vec::new();
    for t in 0..n {
        if !live(t) {
            continue;
        }
        let rows = lay.rows(t);
        if rows.is_empty() {
            if want[t] != NONE {
                let o = want[t] as usize * width;
                for (j, key) in keys.iter().enumerate() {
                    out[o + j * nc + key[t] as usize] = lay.va[t];
                }
            }
            continue;
        }
        acc.fill(0.0);
        for (j, key) in keys.iter().enumerate() {
            acc[j * nc + key[t] as usize] += lay.va[t];
        }
        inner.clear();
        for (&to, &w) in lay.row_to[rows.clone()].iter().zip(&lay.row_w[rows]) {
            let to = to as usize;
            if at[to] == NONE {
                let v = w * lay.va[to];
                for (j, key) in keys.iter().enumerate() {
                    acc[j * nc + key[to] as usize] += v;
                }
            } else {
                inner.push((at[to] as usize * width, w));
            }
        }
        for &(a, w) in &inner {
            for (d, v) in acc.iter_mut().zip(&store[a..a + width]) {
                *d += w * v;
            }
        }
        if want[t] != NONE {
            let o = want[t] as usize * width;
            out[o..o + width].copy_from_slice(&acc);
        }
        at[t] = (store.len() / width) as u32;
        store.extend_from_slice(&acc);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated model of about 5,000 input rows (about 1,400 stages).
    fn generated() -> Model {
        keel_io::generate::generate(&keel_io::generate::GenOptions {
            input_rows: Some(5_000),
            seed: 7,
            ..Default::default()
        })
        .build()
        .unwrap()
        .model
    }

    /// The byte-sliced counts equal a plain depth-first count per platform, with 200 platforms (four words
    /// per position, the general propagation) and 70 (two words) and well over 255 positions (counter
    /// flushes); a stage is marked iff some platform reaches it.
    #[test]
    fn upstream_counts_match_depth_first_search() {
        let m = generated();
        let lay = Layout::new(&m);
        let n = m.stages().len();
        assert!(n > 1000);
        for (step, take) in [(3, 200), (5, 70)] {
            let ps: Vec<StageIx> = (0..n).step_by(step).take(take).map(StageIx::new).collect();
            let (up, marked) = upstream_counts(&lay, &ps);
            let mut any = vec![false; n];
            for (b, &p) in ps.iter().enumerate() {
                let mut seen = vec![false; n];
                let mut stack = vec![p];
                seen[p.index()] = true;
                while let Some(s) = stack.pop() {
                    any[lay.pos_of[s.index()] as usize] = true;
                    for g in m.groups_of(s) {
                        for k in m.sources_of(g) {
                            let src = &m.sources()[k.index()];
                            let sup = src.supplier.index();
                            if m.groups()[g.index()].qty * src.share > 0.0 && !seen[sup] {
                                seen[sup] = true;
                                stack.push(src.supplier);
                            }
                        }
                    }
                }
                assert_eq!(up[b] as usize, seen.iter().filter(|&&x| x).count());
            }
            assert_eq!(marked, any);
        }
    }

    /// One pass for both keyings, one pass per keying, all stages or only the marked ones: the same vectors, bit
    /// for bit (a platform without inputs included).
    #[test]
    fn forward_variants_agree_exactly() {
        let m = generated();
        let lay = Layout::new(&m);
        let n = m.stages().len();
        let nc = m.countries().len();
        let leaf = (0..n)
            .find(|&s| m.groups_of(StageIx::new(s)).len() == 0)
            .unwrap();
        let mut ps: Vec<StageIx> = m.demand_stages().take(5).collect();
        ps.push(StageIx::new(leaf));
        let mut want = vec![NONE; n];
        for (o, p) in ps.iter().enumerate() {
            want[lay.pos_of[p.index()] as usize] = o as u32;
        }
        let nout = ps.len();
        let (_, marked) = upstream_counts(&lay, &ps);
        let both = forward(&lay, [&lay.country, &lay.parent], nc, None, &want, nout);
        let both_marked = forward(
            &lay,
            [&lay.country, &lay.parent],
            nc,
            Some(&marked),
            &want,
            nout,
        );
        let country = forward(&lay, [&lay.country], nc, None, &want, nout);
        let parent = forward(&lay, [&lay.parent], nc, Some(&marked), &want, nout);
        assert_eq!(both, both_marked);
        for o in 0..nout {
            assert_eq!(
                both[o * 2 * nc..o * 2 * nc + nc],
                country[o * nc..(o + 1) * nc]
            );
            assert_eq!(
                both[o * 2 * nc + nc..(o + 1) * 2 * nc],
                parent[o * nc..(o + 1) * nc]
            );
        }
        // The leaf platform's value is its own value added, at its country.
        let o = (nout - 1) * 2 * nc;
        let c = m.stage_country(StageIx::new(leaf)).index();
        assert_eq!(both[o + c], m.stages()[leaf].value_added);
        assert_eq!(
            both[o..o + nc].iter().sum::<f64>(),
            m.stages()[leaf].value_added
        );
    }
}
