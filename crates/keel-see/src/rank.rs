//! Ranking single points of failure by what is at stake.
//!
//! Every single point of failure of a platform stops that platform, so within one platform they tie; what sets
//! them apart is how much each one stops across the model. The stake of platform `P` is the value lost per time
//! unit while it is stopped, its demand rate times the value the model puts on each unit not delivered
//! (`demand x loss_per_unit` of `demand.csv`), the loss rate the performance impact of Simchi-Levi et al. (2015)
//! integrates over the disruption (docs/methods/stress-lp.md). The stake of an element is the sum of the stakes
//! of the platforms its loss alone stops:
//!
//! ```text
//! stake(e) = sum over platforms P with e in SPOF(P) of demand_P * loss_per_unit_P
//! ```
//!
//! Elements are ranked by stake (largest first), then by the number of platforms they stop, then broadest kind
//! first (bloc, country, chokepoint, lane, firm, site, stage: a reader acts on a country before a factory), then
//! in the order they are first met (platforms in `demand.csv` order, each platform's elements by kind and
//! index), so the ranking is deterministic. It is an upper bound on the loss rate of each element alone, not of elements lost
//! together.
//!
//! # Complexity
//! O(S + E log E + T) for S (platform, element) pairs, E distinct elements and T targets in the model (one
//! dense slot per target instead of a hash map: at 10^6 input rows S is about 2 million).

use crate::criticality::PlatformSpofs;
use keel_model::{Model, StageIx, Target};
use serde::Serialize;

/// One dense slot per target of a model (stages, sites, firms, countries, blocs, lanes, chokepoints, regimes,
/// items, one kind after another), so a table per element is a plain vector rather than a hash map.
#[derive(Clone, Debug)]
pub struct TargetSlots {
    off: [usize; 10],
}

impl TargetSlots {
    pub fn new(m: &Model) -> Self {
        let lens = [
            m.stages().len(),
            m.sites().len(),
            m.firms().len(),
            m.countries().len(),
            m.blocs().len(),
            m.lanes().len(),
            m.chokepoints().len(),
            m.regimes().len(),
            m.items().len(),
        ];
        let mut off = [0usize; 10];
        for (i, n) in lens.iter().enumerate() {
            off[i + 1] = off[i] + n;
        }
        TargetSlots { off }
    }

    /// How many slots: every target of the model.
    pub fn size(&self) -> usize {
        self.off[9]
    }

    /// The slot of `t`, below [`TargetSlots::size`].
    #[inline]
    pub fn slot(&self, t: Target) -> usize {
        let (k, ix) = match t {
            Target::Stage(x) => (0, x.index()),
            Target::Site(x) => (1, x.index()),
            Target::Firm(x) => (2, x.index()),
            Target::Country(x) => (3, x.index()),
            Target::Bloc(x) => (4, x.index()),
            Target::Lane(x) => (5, x.index()),
            Target::Chokepoint(x) => (6, x.index()),
            Target::Regime(x) => (7, x.index()),
            Target::Item(x) => (8, x.index()),
        };
        self.off[k] + ix
    }
}

/// One element whose loss alone stops at least one platform, with what is at stake.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankedElement {
    pub element: Target,
    /// The platforms it stops, in `demand.csv` order.
    pub platforms: Vec<StageIx>,
    /// Value lost per time unit while they are stopped (the model's currency per time unit).
    pub stake: f64,
}

/// The value lost per time unit while platform `p` is stopped: the sum of `demand x loss_per_unit` over its
/// demand rows (0 for a stage with no demand row).
pub fn platform_stake(m: &Model, p: StageIx) -> f64 {
    m.demands()
        .iter()
        .filter(|d| d.stage == p)
        .map(|d| d.demand * d.loss_per_unit)
        .sum()
}

/// Every element of `spofs` once, ranked by stake (see the module doc).
pub fn rank_spofs(m: &Model, spofs: &[PlatformSpofs]) -> Vec<RankedElement> {
    let slots = TargetSlots::new(m);
    let mut at: Vec<usize> = vec![usize::MAX; slots.size()];
    let mut out: Vec<RankedElement> = Vec::new();
    for p in spofs {
        let stake = platform_stake(m, p.stage);
        for &t in &p.spofs {
            let a = &mut at[slots.slot(t)];
            if *a == usize::MAX {
                *a = out.len();
                out.push(RankedElement {
                    element: t,
                    platforms: Vec::new(),
                    stake: 0.0,
                });
            }
            let k = *a;
            out[k].platforms.push(p.stage);
            out[k].stake += stake;
        }
    }
    // A stable sort keeps first-met order among ties.
    out.sort_by(|a, b| {
        b.stake
            .total_cmp(&a.stake)
            .then(b.platforms.len().cmp(&a.platforms.len()))
            .then(breadth(a.element).cmp(&breadth(b.element)))
    });
    out
}

/// Broadest kinds first.
fn breadth(t: Target) -> u8 {
    match t {
        Target::Bloc(_) => 0,
        Target::Country(_) => 1,
        Target::Chokepoint(_) => 2,
        Target::Lane(_) => 3,
        Target::Regime(_) => 4,
        Target::Firm(_) => 5,
        Target::Site(_) => 6,
        Target::Item(_) => 7,
        Target::Stage(_) => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_model::{CountryIx, FirmIx};

    #[test]
    fn ranks_by_the_platforms_stopped_times_their_value() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
        let m = keel_io::load(&dir).unwrap().model;
        let p: Vec<StageIx> = m.demand_stages().take(2).collect();
        let (a, b) = (platform_stake(&m, p[0]), platform_stake(&m, p[1]));
        assert!(a > 0.0 && b > 0.0);
        let (c, f) = (
            Target::Country(CountryIx::new(0)),
            Target::Firm(FirmIx::new(0)),
        );
        let spofs = [
            PlatformSpofs {
                stage: p[0],
                buildable: true,
                spofs: vec![f, c],
            },
            PlatformSpofs {
                stage: p[1],
                buildable: true,
                spofs: vec![c],
            },
        ];
        let r = rank_spofs(&m, &spofs);
        // The country stops both platforms: a + b at stake, ahead of the firm's a.
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].element, c);
        assert_eq!(r[0].platforms, p);
        assert!((r[0].stake - (a + b)).abs() < 1e-9 * (a + b));
        assert_eq!(r[1].element, f);
        assert_eq!(r[1].stake, a);
        let d = &m.demands()[0];
        assert_eq!(
            a,
            d.demand * d.loss_per_unit,
            "one demand row per platform in the example"
        );
    }
}
