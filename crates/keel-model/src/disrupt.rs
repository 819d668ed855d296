//! What a scenario target reaches: the stages it stops and the lanes it closes.
//!
//! A `regime` target follows the see-through rule: a stage is reached if its item carries the regime, or if any
//! supplier it plans to use (share > 0) is reached. That is one pass in topological order, O(stages + arcs).

use crate::ids::*;
use crate::model::{Model, Target};

impl Model {
    /// For each stage, whether it is controlled by regime `r` under the see-through rule.
    pub fn see_through(&self, r: RegimeIx) -> Vec<bool> {
        let mut hit: Vec<bool> = self
            .stages
            .iter()
            .map(|s| {
                self.items[s.item.index()]
                    .control
                    .as_ref()
                    .is_some_and(|c| c.regime == r)
            })
            .collect();
        for &s in self.topo_order() {
            if hit[s.index()] {
                continue;
            }
            let reached = self.groups_of(s).any(|g| {
                self.sources_of(g).any(|k| {
                    let src = &self.sources[k.index()];
                    src.share > 0.0 && hit[src.supplier.index()]
                })
            });
            hit[s.index()] = reached;
        }
        hit
    }

    /// The stages a target stops directly (lanes and chokepoints stop none: they close lanes).
    pub fn target_stages(&self, t: Target) -> Vec<StageIx> {
        let all = (0..self.stages.len()).map(StageIx::new);
        match t {
            Target::Stage(s) => vec![s],
            Target::Site(x) => all.filter(|&s| self.stages[s.index()].site == x).collect(),
            Target::Firm(f) => all.filter(|&s| self.stage_firm(s) == f).collect(),
            Target::Country(c) => all.filter(|&s| self.stage_country(s) == c).collect(),
            Target::Bloc(b) => all
                .filter(|&s| self.in_bloc(self.stage_country(s), b))
                .collect(),
            Target::Item(i) => all.filter(|&s| self.stages[s.index()].item == i).collect(),
            Target::Regime(r) => {
                let hit = self.see_through(r);
                all.filter(|s| hit[s.index()]).collect()
            }
            Target::Lane(_) | Target::Chokepoint(_) => Vec::new(),
        }
    }

    /// The lanes a target closes.
    pub fn target_lanes(&self, t: Target) -> Vec<LaneIx> {
        match t {
            Target::Lane(l) => vec![l],
            Target::Chokepoint(c) => (0..self.lanes.len())
                .map(LaneIx::new)
                .filter(|l| self.lanes[l.index()].chokepoints.contains(&c))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The id of a target as the model files spell it (stage, site, firm, lane or item id; country or regime
    /// code; bloc or chokepoint name), without its kind.
    pub fn target_id(&self, t: Target) -> &str {
        match t {
            Target::Stage(s) => &self.stages[s].id,
            Target::Site(x) => &self.sites[x].id,
            Target::Firm(f) => &self.firms[f].id,
            Target::Country(c) => &self.countries[c].code,
            Target::Bloc(b) => &self.blocs[b],
            Target::Lane(l) => &self.lanes[l].id,
            Target::Chokepoint(c) => &self.chokepoints[c],
            Target::Regime(r) => &self.regimes[r].code,
            Target::Item(i) => &self.items[i].id,
        }
    }
}
