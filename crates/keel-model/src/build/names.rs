//! Name interning: each entity's ids map to dense indices, with a did-you-mean for unknown ones.
//!
//! A model of 10^6 input rows resolves about five million references against tables of 10^5-10^6 ids, and
//! each look-up into a table that size misses the cache (profiling put 41% of the load in hash look-ups). So a
//! short id is held in its slot (one cache line to read), and a batch of look-ups can be warmed up front
//! ([`Names::warm`]): the loads of many look-ups are then in flight at once instead of one after the other.
//!
//! # Complexity
//! O(1) expected per look-up and insertion (open addressing with linear probing, load at most 3/4, doubling);
//! memory is the ids' bytes plus 16 bytes per id and 32 bytes per slot (1.3 to 2.7 slots per id).

use crate::diag::{did_you_mean, quote};
use std::hash::BuildHasher;

/// foldhash rather than FxHash: generated and real ids share long prefixes and differ in a few digits, which
/// FxHash spreads poorly. The fixed seed keeps runs identical; nothing iterates the table.
const HASHER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x6b65_656c);

/// Interned identifiers of one entity kind.
#[derive(Default)]
pub(super) struct Names {
    /// Open addressing with linear probing; the length is a power of two, or 0 before the first id.
    slots: Vec<Slot>,
    /// Every id's bytes back to back, in index order: one allocation, not one per id.
    text: String,
    /// Where each id starts in `text`, then the end of the last one (`starts.len()` is one more than the ids).
    starts: Vec<usize>,
    /// The line each id was first given on, for "duplicate id" messages.
    lines: Vec<u64>,
}

/// Ids up to this many bytes are held in their slot, so a look-up reads one cache line and nothing else.
const INLINE: usize = 23;

/// One slot: the low 32 bits of its id's hash (the home slot is the hash masked, so growing needs no
/// re-hashing, and the rest of the bits tell apart most ids that probe the same run), its index plus one (0 is
/// an empty slot), and the id: its length then its bytes when short, else [`LONG`] then where its bytes are in
/// `text` (start and end, 8 bytes each from byte 8).
#[derive(Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    hash: u32,
    ix: u32,
    key: [u8; INLINE + 1],
}

const _: () = assert!(std::mem::size_of::<Slot>() == 32);

/// The first byte of the key of an id held in `text`.
const LONG: u8 = u8::MAX;

impl Slot {
    /// Where a long id's bytes are in `text`.
    fn span(&self) -> Option<(usize, usize)> {
        if self.key[0] != LONG {
            return None;
        }
        let word = |k: usize| {
            let mut b = [0; 8];
            b.copy_from_slice(&self.key[k..k + 8]);
            usize::try_from(u64::from_le_bytes(b)).unwrap_or(usize::MAX)
        };
        Some((word(8), word(16)))
    }
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

    /// Whether `slot` (not empty, with the hash bits `h`) holds `s`.
    fn holds(&self, slot: &Slot, h: u32, s: &str) -> bool {
        slot.hash == h
            && match slot.span() {
                None => slot.key.get(1..=usize::from(slot.key[0])) == Some(s.as_bytes()),
                Some((start, end)) => self.text.get(start..end) == Some(s),
            }
    }

    pub(super) fn get(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let h = hash(s);
        let mask = self.slots.len() - 1;
        let mut p = h as usize & mask;
        loop {
            let slot = &self.slots[p];
            if slot.ix == 0 {
                return None;
            }
            if self.holds(slot, h, s) {
                return Some(slot.ix - 1);
            }
            p = (p + 1) & mask;
        }
    }

    /// Loads into the cache what looking up each of `keys` will read (a hint: no result, no effect on what is
    /// found). The loads are independent of each other, so the processor overlaps them, where look-ups made
    /// one by one would wait for each miss in turn.
    pub(super) fn warm(&self, keys: &[&str], hashes: &mut Vec<u32>) {
        if self.slots.is_empty() || keys.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        hashes.clear();
        hashes.extend(keys.iter().map(|k| hash(k)));
        let mut sink = 0u32;
        for &h in hashes.iter() {
            sink ^= self.slots[h as usize & mask].ix;
        }
        // Long ids: where their bytes are, found along the probe run (its slots are loaded already).
        let bytes = self.text.as_bytes();
        for &h in hashes.iter() {
            let mut p = h as usize & mask;
            while self.slots[p].ix != 0 {
                if self.slots[p].hash == h {
                    if let Some((start, _)) = self.slots[p].span() {
                        sink ^= u32::from(bytes.get(start).copied().unwrap_or(0));
                    }
                    break;
                }
                p = (p + 1) & mask;
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
        let start = self.text.len();
        self.text.push_str(s);
        self.starts.push(self.text.len());
        self.lines.push(line);
        let mut key = [0; INLINE + 1];
        match u8::try_from(s.len()) {
            Ok(n) if s.len() <= INLINE => {
                key[0] = n;
                key[1..=s.len()].copy_from_slice(s.as_bytes());
            }
            _ => {
                let word = |v: usize| u64::try_from(v).unwrap_or(u64::MAX).to_le_bytes();
                key[0] = LONG;
                key[8..16].copy_from_slice(&word(start));
                key[16..24].copy_from_slice(&word(self.text.len()));
            }
        }
        self.place(Slot {
            hash: hash(s),
            ix: i + 1,
            key,
        });
        (i, true)
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut p = slot.hash as usize & mask;
        while self.slots[p].ix != 0 {
            p = (p + 1) & mask;
        }
        self.slots[p] = slot;
    }

    /// Doubles the slots (at least 16) and places every id again from its stored hash bits.
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![Slot::default(); (old.len() * 2).max(16)];
        for slot in old.into_iter().filter(|s| s.ix != 0) {
            self.place(slot);
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

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn short_and_long_ids_resolve_to_their_index_across_growth() {
        let ids: Vec<String> = (0..5000)
            .map(|k| match k % 3 {
                0 => format!("S{k}"),
                1 => format!("site-{k}-{}", "x".repeat(k % 40)),
                _ => format!("T{}-I{k:07}/1", k % 7),
            })
            .collect();
        let mut n = Names::default();
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(n.add(id, k as u64 + 2), (k as u32, true));
        }
        assert_eq!(n.add(&ids[17], 9999), (17, false));
        let mut hashes = Vec::new();
        let keys: Vec<&str> = ids.iter().map(String::as_str).chain(["nope"]).collect();
        n.warm(&keys, &mut hashes);
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(n.get(id), Some(k as u32), "{id}");
            assert_eq!(n.name(k), id);
            assert_eq!(n.line(k as u32), k as u64 + 2);
        }
        // Prefixes, extensions and the empty id are other ids.
        for miss in [
            "",
            "S",
            "S00",
            "site-1-",
            "site-1-xx",
            "T1-I0000001/12",
            "x".repeat(30).as_str(),
        ] {
            assert_eq!(n.get(miss), None, "{miss}");
        }
        assert_eq!(n.len(), 5000);
        assert_eq!(n.into_list(), ids);
    }
}
