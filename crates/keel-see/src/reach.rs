//! Which platforms each stage is upstream of, for many platforms at once: one bit per platform.
//!
//! Stage `s` is upstream of platform `P` when an input path with a positive planned share on every row leads
//! from `P` down to `s` (`P` itself included): exactly the stages listed by [`crate::exposure::requirements`]
//! and visited by the breadth-first search of [`crate::controls`]. Propagating the platforms' bits from buyers
//! to suppliers in reverse topological order answers that question for every (stage, platform) pair in one
//! pass, instead of one graph search per platform:
//!
//! ```text
//! R[P] = {P},   R[s] ⊇ R[b] for every planned row (b buys from s)
//! ```
//!
//! [`Reach::along`] does the same along any subset of the rows (e.g. the walk of [`crate::controls`] through
//! inputs that cannot be sourced free of a regime).
//!
//! # Complexity
//! O((stages + arcs) x ceil(platforms / 64)) time, O(stages x ceil(platforms / 64)) words of memory.

use keel_model::{GroupIx, Model, SourceIx, StageIx};

/// The platforms (as bits) each stage is upstream of.
#[derive(Clone, Debug)]
pub struct Reach {
    words: usize,
    bits: Vec<u64>,
}

impl Reach {
    /// Propagates the bits of `platforms` (bit `b` for `platforms[b]`) to every stage upstream of them.
    pub fn new(m: &Model, platforms: &[StageIx]) -> Reach {
        Reach::along(
            m,
            platforms.len(),
            platforms.iter().copied().enumerate(),
            |_, k| m.sources()[k.index()].share > 0.0,
        )
    }

    /// The general form: bit `b` starts at each stage of `seeds` `(b, stage)` and flows from a buyer to the
    /// supplier of each of its sources `k` (in group `g`) for which `follow(g, k)` holds.
    pub fn along(
        m: &Model,
        nbits: usize,
        seeds: impl Iterator<Item = (usize, StageIx)>,
        follow: impl Fn(GroupIx, SourceIx) -> bool,
    ) -> Reach {
        let words = nbits.div_ceil(64).max(1);
        let mut bits = vec![0u64; m.stages().len() * words];
        for (b, p) in seeds {
            bits[p.index() * words + b / 64] |= 1u64 << (b % 64);
        }
        let mut cur = vec![0u64; words];
        for &s in m.topo_order().iter().rev() {
            let i = s.index();
            cur.copy_from_slice(&bits[i * words..(i + 1) * words]);
            if cur.iter().all(|&w| w == 0) {
                continue;
            }
            for g in m.groups_of(s) {
                for k in m.sources_of(g) {
                    if !follow(g, k) {
                        continue;
                    }
                    let j = m.sources()[k.index()].supplier.index();
                    for (d, &c) in bits[j * words..(j + 1) * words].iter_mut().zip(&cur) {
                        *d |= c;
                    }
                }
            }
        }
        Reach { words, bits }
    }

    /// The bit words of stage `s` (bit `b` set: `s` is upstream of platform `b`).
    #[inline]
    pub fn of(&self, s: StageIx) -> &[u64] {
        &self.bits[s.index() * self.words..(s.index() + 1) * self.words]
    }

    /// Whether stage `s` is upstream of platform `b`.
    #[inline]
    pub fn has(&self, s: StageIx, b: usize) -> bool {
        self.of(s)[b / 64] >> (b % 64) & 1 != 0
    }

    /// Words per stage.
    pub fn words(&self) -> usize {
        self.words
    }
}

/// Calls `f(b)` for every bit `b` set in `words`, in increasing order.
#[inline]
pub fn for_each_bit(words: &[u64], mut f: impl FnMut(usize)) {
    for (k, &w) in words.iter().enumerate() {
        let mut w = w;
        while w != 0 {
            f(k * 64 + w.trailing_zeros() as usize);
            w &= w - 1;
        }
    }
}
