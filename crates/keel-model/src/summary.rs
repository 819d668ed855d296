//! Headline counts of a model, as `keel check` prints them.

use crate::ids::*;
use crate::model::{ItemKind, Model};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub name: String,
    pub home_country: String,
    pub countries: usize,
    pub blocs: Vec<String>,
    pub firms: usize,
    pub foreign_controlled_firms: usize,
    pub sites: usize,
    pub items: usize,
    pub controlled_items: usize,
    pub stages: usize,
    pub input_rows: usize,
    pub input_groups: usize,
    pub lanes: usize,
    pub chokepoints: usize,
    pub platform_items: usize,
    pub demand_stages: usize,
    pub scenarios: usize,
    /// Stages on the longest input chain ending at a demand stage (a platform alone is 1 tier).
    pub tiers: usize,
    /// Share of (stage, input item) pairs with exactly one supplier.
    pub single_supplier_share: f64,
    /// The investment options (options.csv), if any. The counts above are of the model without candidates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsSummary>,
}

/// Counts of options.csv: what `keel plan` may fund. Only `keel plan` sees the candidate stages.
#[derive(Clone, Debug, Serialize)]
pub struct OptionsSummary {
    pub options: usize,
    /// Options that may fail (probability < 1).
    pub risky: usize,
    /// Groups of options that share one draw.
    pub groups: usize,
    /// Stages that exist only in plans that take their `source` option.
    pub candidate_stages: usize,
}

impl Model {
    /// For every stage, the number of stages on the longest input chain that ends at it (itself included).
    ///
    /// # Complexity
    /// O(stages + arcs), one pass in topological order.
    pub fn depths(&self) -> Vec<u32> {
        let mut depth = vec![1u32; self.stages.len()];
        for &s in self.topo_order() {
            let d = self
                .groups_of(s)
                .flat_map(|g| self.sources_of(g))
                .map(|k| depth[self.sources[k.index()].supplier.index()] + 1)
                .max()
                .unwrap_or(1);
            depth[s.index()] = d;
        }
        depth
    }

    pub fn summary(&self) -> Summary {
        let depth = self.depths();
        let tiers = self
            .demand_stages()
            .map(|s| depth[s.index()] as usize)
            .max()
            .unwrap_or(0);
        let single = self.groups.iter().filter(|g| g.sources.len() == 1).count();
        Summary {
            name: self.meta.name.clone(),
            home_country: self.countries[self.meta.home_country.index()].code.clone(),
            countries: self.countries.len(),
            blocs: self.blocs.clone(),
            firms: self.firms.len(),
            foreign_controlled_firms: self
                .firms
                .iter()
                .filter(|f| f.parent_country != f.country)
                .count(),
            sites: self.sites.len(),
            items: self.items.len(),
            controlled_items: self.items.iter().filter(|i| i.control.is_some()).count(),
            stages: self.stages.len(),
            input_rows: self.sources.len(),
            input_groups: self.groups.len(),
            lanes: self.lanes.len(),
            chokepoints: self.chokepoints.len(),
            platform_items: self
                .items
                .iter()
                .filter(|i| i.kind == ItemKind::Platform)
                .count(),
            demand_stages: self.demands.len(),
            scenarios: self.scenarios.len(),
            tiers,
            single_supplier_share: if self.groups.is_empty() {
                0.0
            } else {
                single as f64 / self.groups.len() as f64
            },
            options: self.investments().map(|inv| OptionsSummary {
                options: inv.options.len(),
                risky: inv.options.iter().filter(|o| o.is_risky()).count(),
                groups: inv.groups.len(),
                candidate_stages: inv.candidates.len(),
            }),
        }
    }

    /// The ids of the stages on one longest chain ending at `s`, from the deepest supplier up to `s`.
    pub fn longest_chain(&self, s: StageIx) -> Vec<StageIx> {
        let depth = self.depths();
        let mut chain = vec![s];
        let mut cur = s;
        while let Some(next) = self
            .groups_of(cur)
            .flat_map(|g| self.sources_of(g))
            .map(|k| self.sources[k.index()].supplier)
            .max_by_key(|sup| (depth[sup.index()], std::cmp::Reverse(sup.0)))
        {
            chain.push(next);
            cur = next;
        }
        chain.reverse();
        chain
    }
}
