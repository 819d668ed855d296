//! Which concentration rows are flagged: supply that is highly concentrated and cannot be re-sourced.
//!
//! In a defence industrial base nearly every input is concentrated: a stage usually buys an input from one or
//! two suppliers, so its firm HHI is above 1,800, the threshold above which the US Department of Justice and
//! Federal Trade Commission call a market "highly concentrated" (Merger Guidelines, 2023, section 2.1; the same
//! 1,800 as the 1992 Horizontal Merger Guidelines). Flagging every such row flags them all (1,498 of the
//! example's 1,498 rows). A row is flagged only when its supply is highly concentrated **and** cannot be
//! re-sourced from what the model already holds:
//!
//! ```text
//! flagged = hhi_firm > 1,800  and  (no_alternative  or  outside_home_blocs)
//! ```
//!
//! - `no_alternative`: one firm makes the item anywhere in the model (the item-level `sole_source` of
//!   [`crate::concentration`]): neither this buyer nor any other can switch suppliers.
//! - `outside_home_blocs`: every supplier lies outside the home country and the blocs it belongs to, so the
//!   supply depends on a government outside the alliance.
//!
//! Single country and single lane are shown as flags but do not flag a row alone: a sole-sourced input is
//! trivially single-country and single-lane. Chokepoints and lanes whose loss stops a platform are listed by
//! [`crate::criticality`].
//!
//! # Complexity
//! O(groups + items) after an O(items) map from item id to its model-wide row.

use crate::concentration::{Band, Concentration, Measures};
use std::collections::HashMap;

/// The rule on one row, given whether its item has no alternative producer in the model.
pub fn is_flagged(m: &Measures, no_alternative: bool) -> bool {
    m.band_firm == Band::High && (no_alternative || m.outside_home_blocs)
}

/// Whether each row of `c.groups` is flagged, in the same order.
pub fn flagged_groups(c: &Concentration) -> Vec<bool> {
    let sole: HashMap<&str, bool> = c
        .items
        .iter()
        .map(|i| (i.item.as_str(), i.measures.sole_source))
        .collect();
    c.groups
        .iter()
        .map(|g| {
            // A group's item is always produced somewhere (its suppliers make it), so it has an item row.
            is_flagged(
                &g.measures,
                sole.get(g.item.as_str()).copied().unwrap_or(false),
            )
        })
        .collect()
}

/// Whether each row of `c.items` is flagged, in the same order.
pub fn flagged_items(c: &Concentration) -> Vec<bool> {
    c.items
        .iter()
        .map(|i| is_flagged(&i.measures, i.measures.sole_source))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::concentration::concentration;

    fn example() -> keel_model::Model {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
        keel_io::load(&dir).unwrap().model
    }

    #[test]
    fn the_rule_discriminates_on_the_example() {
        let m = example();
        let c = concentration(&m);
        let g = flagged_groups(&c);
        let i = flagged_items(&c);
        let (ng, ni) = (
            g.iter().filter(|f| **f).count(),
            i.iter().filter(|f| **f).count(),
        );
        // Counted independently from the CSV files (firms of each supplier's site, blocs of its country).
        assert_eq!((c.groups.len(), ng), (1177, 330));
        assert_eq!(c.items.len(), 321);
        assert!(ni < c.items.len(), "{ni}");
        // Every flagged row meets the rule's two halves.
        for (k, row) in c.groups.iter().enumerate() {
            if g[k] {
                assert_eq!(row.measures.band_firm, Band::High);
            }
        }
    }

    #[test]
    fn concentrated_but_replaceable_is_not_flagged() {
        let mut m = concentration(&example()).groups[0].measures.clone();
        m.band_firm = Band::High;
        m.outside_home_blocs = false;
        m.sole_source = true;
        assert!(!is_flagged(&m, false), "another firm makes the item");
        assert!(is_flagged(&m, true));
        m.band_firm = Band::Moderate;
        assert!(!is_flagged(&m, true));
        m.band_firm = Band::High;
        m.outside_home_blocs = true;
        assert!(is_flagged(&m, false));
    }
}
