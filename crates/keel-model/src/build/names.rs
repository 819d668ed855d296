//! Name interning: each entity's ids map to dense indices, with a did-you-mean for unknown ones.
//!
//! A model of 10^6 input rows resolves about five million references against tables of 10^5-10^6 ids, and
//! each look-up into a table that size misses the cache (profiling put 41% of the load in hash look-ups). So
//! the table is small and flat, and a batch of look-ups can be warmed up front ([`Names::warm`]): the loads of
//! many look-ups are then in flight at once instead of one after the other.
//!
//! # Complexity
//! O(1) expected per look-up and insertion (open addressing with linear probing, load at most 3/4, doubling);
//! memory is the ids' bytes plus 16 bytes per id and 8 to 16 bytes per slot.

use crate::diag::{did_you_mean, quote};
use std::hash::BuildHasher;

/// foldhash rather than FxHash: generated and real ids share long prefixes and differ in a few digits, which
/// FxHash spreads poorly. The fixed seed keeps runs identical; nothing iterates the table.
const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x6b65_656c);

/// Interned identifiers of one entity kind.
#[derive(Default)]
pub(super) struct Names {
    /// A slot holds the low 32 bits of its id's hash (the home slot is the hash masked, so growing needs no
    /// re-hashing, and the rest of the bits tell apart most ids that probe the same run) and its index plus
    /// one; 0 is empty. Its length is a power of two, or 0 before the first id.
    slots: Vec<u64>,
    /// Every id's bytes back to back, in index order: one allocation, not one per id.
    text: String,
    /// Where each id starts in `text`, then the end of the last one (`ends.len()` is one more than the ids).
    starts: Vec<usize>,
    /// The line each id was first given on, for "duplicate id" messages.
    lines: Vec<u64>,
}

fn hash(s: &str) -> u32 {
    // Only the low bits are used: they place the id and are its tag.
    HASHER.hash_one(s) as u32
}

impl Names {
    /// How many ids are interned.
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    /// The id at index `i`.
    pub(super) fn name(&self, i: usize) -> &str {
        &self.text[self.starts[i]..self.starts[i + 1]]
    }

    /// Every id, in index order.
    pub(super) fn into_list(self) -> Vec<String> {
        (0..self.len()).map(|i| self.name(i).to_string()).collect()
    }

    pub(super) fn get(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let h = hash(s);
        let mask = self.slots.len() - 1;
        let mut p = h as usize & mask;
        loop {
            let v = self.slots[p];
            if v == 0 {
                return None;
            }
            if (v >> 32) as u32 == h {
                let i = (v as u32 - 1) as usize;
                if self.name(i) == s {
                    return Some(i as u32);
                }
            }
            p = (p + 1) & mask;
        }
    }

    /// Loads into the cache what looking up each of `keys` will read (a hint: no result, no effect on what is
    /// found). The loads of one step are independent of each other, so the processor overlaps them, where
    /// look-ups made one by one would wait for each miss in turn.
    pub(super) fn warm(&self, keys: &[&str], hashes: &mut Vec<u32>) {
        if self.slots.is_empty() || keys.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        hashes.clear();
        hashes.extend(keys.iter().map(|k| hash(k)));
        // Step by step, each a pass over the batch: the home slots, then where the ids found there start,
        // then their first bytes.
        let mut sink = 0u64;
        for &h in hashes.iter() {
            sink ^= self.slots[h as usize & mask];
        }
        // The first id along the probe run with the key's hash bits: the run's slots are loaded already.
        let found = |h: u32| {
            let mut p = h as usize & mask;
            loop {
                let v = self.slots[p];
                if v == 0 {
                    return None;
                }
                if (v >> 32) as u32 == h {
                    return Some((v as u32 - 1) as usize);
                }
                p = (p + 1) & mask;
            }
        };
        for &h in hashes.iter() {
            if let Some(i) = found(h) {
                sink ^= self.starts[i] as u64;
            }
        }
        let bytes = self.text.as_bytes();
        for &h in hashes.iter() {
            if let Some(i) = found(h) {
                sink ^= u64::from(bytes.get(self.starts[i]).copied().unwrap_or(0));
            }
        }
        std::hint::black_box(sink);
    }

    /// The line an interned id was given on.
    pub(super) fn line(&self, i: u32) -> u64 {
        self.lines[i as usize]
    }

    /// Interns `s`, first seen on `line`; returns its index and whether it is new.
    pub(super) fn add(&mut self, s: &str, line: u64) -> (u32, bool) {
        if let Some(i) = self.get(s) {
            return (i, false);
        }
        if (self.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let i = self.len() as u32;
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.text.push_str(s);
        self.starts.push(self.text.len());
        self.lines.push(line);
        let h = hash(s);
        self.place(h, i);
        (i, true)
    }

    fn place(&mut self, h: u32, i: u32) {
        let mask = self.slots.len() - 1;
        let mut p = h as usize & mask;
        while self.slots[p] != 0 {
            p = (p + 1) & mask;
        }
        self.slots[p] = (u64::from(h) << 32) | u64::from(i + 1);
    }

    /// Doubles the slots (at least 16) and places every id again from its stored hash bits.
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![0; (old.len() * 2).max(16)];
        for v in old.into_iter().filter(|&v| v != 0) {
            self.place((v >> 32) as u32, v as u32 - 1);
        }
    }

    pub(super) fn suggest(&self, s: &str) -> Option<String> {
        // A scan per unknown reference; bounded so a file full of typos in a huge model stays fast.
        if self.len() > 200_000 {
            return None;
        }
        // Quoted for a hint: a runaway id (a whole file in one cell) must not flood the screen.
        did_you_mean(s, (0..self.len()).map(|i| self.name(i))).map(|g| quote(&g))
    }
}
