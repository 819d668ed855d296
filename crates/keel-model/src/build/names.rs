//! Name interning: each entity's ids map to dense indices, with a did-you-mean for unknown ones.

use crate::diag::{did_you_mean, quote};

/// Interned identifiers of one entity kind.
///
/// foldhash rather than FxHash: generated and real ids share long prefixes and differ in a few digits, which
/// FxHash spreads poorly over hashbrown's control bits (profiling showed most load time in key comparisons).
/// The fixed seed keeps runs identical; nothing iterates this map.
#[derive(Default)]
pub(super) struct Names {
    /// Keys of up to 24 bytes live inline in the table, so a lookup compares without a second cache miss.
    pub(super) ix:
        std::collections::HashMap<compact_str::CompactString, u32, foldhash::fast::FixedState>,
    pub(super) list: Vec<String>,
    /// The line each id was first given on, for "duplicate id" messages.
    lines: Vec<u64>,
}

impl Names {
    pub(super) fn get(&self, s: &str) -> Option<u32> {
        self.ix.get(s).copied()
    }
    /// The line an interned id was given on.
    pub(super) fn line(&self, i: u32) -> u64 {
        self.lines[i as usize]
    }
    /// Interns `s`, first seen on `line`; returns its index and whether it is new.
    pub(super) fn add(&mut self, s: &str, line: u64) -> (u32, bool) {
        if let Some(&i) = self.ix.get(s) {
            return (i, false);
        }
        let i = self.list.len() as u32;
        self.ix.insert(compact_str::CompactString::from(s), i);
        self.list.push(s.to_string());
        self.lines.push(line);
        (i, true)
    }
    pub(super) fn suggest(&self, s: &str) -> Option<String> {
        // A scan per unknown reference; bounded so a file full of typos in a huge model stays fast.
        if self.list.len() > 200_000 {
            return None;
        }
        // Quoted for a hint: a runaway id (a whole file in one cell) must not flood the screen.
        did_you_mean(s, self.list.iter().map(std::string::String::as_str)).map(|g| quote(&g))
    }
}
