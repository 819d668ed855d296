//! Whole-model checks made after reading: input groups, cycles in the inputs and elements nothing uses.

use super::{Builder, RawInput};
use crate::diag::Diagnostic;
use crate::model::*;
use rustc_hash::FxHashMap;

impl Builder {
    /// Checks one (stage, input item) group of accepted input rows: one quantity, each supplier once, shares
    /// all given and summing to 1 (or all empty). Shares are not checked when a row of the group was dropped:
    /// the sum would be wrong only because of that row's own error.
    pub(super) fn check_group(&mut self, run: &[RawInput]) -> bool {
        let ifile = self.inputs_file.clone();
        let first = &run[0];
        let mut ok = true;
        let mut seen: FxHashMap<u32, u64> = FxHashMap::default();
        for r in run {
            if r.qty != first.qty {
                ok = false;
                self.diags.push(
                    Diagnostic::error(
                        &ifile,
                        format!(
                    "qty {} differs from qty {} on line {} for the same stage and input item",
                    r.qty, first.qty, first.line),
                    )
                    .at_line(r.line)
                    .with_hint(
                        "a stage needs one quantity of each input item, whoever supplies it",
                    ),
                );
            }
            if let Some(&at) = seen.get(&r.supplier) {
                ok = false;
                self.diags.push(
                Diagnostic::error(
                    &ifile,
                    format!(
                        "supplier `{}` is listed twice for this stage and input item (first on line {at})",
                        self.stage_names.list[r.supplier as usize]
                    ),
                )
                .at_line(r.line)
                .with_hint("merge the rows into one"),
                );
            } else {
                seen.insert(r.supplier, r.line);
            }
        }
        if let Some(&root) = self.dropped_inputs.get(&(first.stage, first.item)) {
            self.follow(root);
            return false;
        }
        // Candidate suppliers (format v1.1) leave share empty; the rule holds among the existing suppliers.
        let existing = run
            .iter()
            .filter(|r| !self.opts.is_candidate(r.supplier))
            .count();
        let given = run.iter().filter(|r| r.share.is_some()).count();
        if existing == 0 && !self.opts.is_candidate(first.stage) {
            ok = false;
            self.only_candidates(run);
        } else if given != 0 && given != existing {
            ok = false;
            let r = run
                .iter()
                .find(|r| r.share.is_none() && !self.opts.is_candidate(r.supplier))
                .unwrap_or(first);
            if let Some(root) = self.options_error() {
                self.follow(root);
                return false;
            }
            self.diags.push(
                Diagnostic::error(
                    &ifile,
                    "share is empty here but given on other rows of the same stage and input item",
                )
                .at_line(r.line)
                .with_hint(format!(
                    "give a share on every row of the group, or leave all empty to split equally; if `{}` is a \
                     candidate stage, add a `source` option naming it to options.csv",
                    self.stage_names.list[r.supplier as usize]
                )),
            );
        } else if given > 0 && given == existing {
            let sum: f64 = run.iter().map(|r| r.share.unwrap_or(0.0)).sum();
            if (sum - 1.0).abs() > 1e-6 {
                ok = false;
                let lines: Vec<String> = run.iter().map(|r| r.line.to_string()).collect();
                self.diags.push(
                    Diagnostic::error(
                        &ifile,
                        format!(
                            "shares of stage `{}` input `{}` sum to {sum}, not 1 (lines {})",
                            self.stage_names.list[first.stage as usize],
                            self.item_names.list[first.item as usize],
                            lines.join(", ")
                        ),
                    )
                    .at_line(first.line)
                    .with_hint("make the shares of one stage's input item add up to 1"),
                );
            }
        }
        ok
    }

    /// Names the stages of one cycle among the stages Kahn's algorithm could not place.
    pub(super) fn report_cycle(
        &mut self,
        indeg: &[u32],
        groups: &[Group],
        sources: &[Source],
        stage_groups: &[u32],
        rows: &[RawInput],
    ) {
        let Some(start) = indeg.iter().position(|&d| d > 0) else {
            return;
        };
        // Every unplaced stage has an unplaced supplier, so walking to suppliers must revisit a stage.
        let mut order = Vec::new();
        let mut pos = FxHashMap::default();
        let mut s = start;
        while let std::collections::hash_map::Entry::Vacant(e) = pos.entry(s) {
            e.insert(order.len());
            order.push(s);
            let next = (stage_groups[s]..stage_groups[s + 1])
                .flat_map(|g| groups[g as usize].sources.clone())
                .map(|k| sources[k as usize].supplier.index())
                .find(|&sup| indeg[sup] > 0);
            match next {
                Some(n) => s = n,
                None => return,
            }
        }
        let mut cycle: Vec<usize> = order[pos[&s]..].to_vec();
        cycle.reverse(); // supplier -> buyer
        let names: Vec<&str> = cycle
            .iter()
            .map(|&c| self.stage_names.list[c].as_str())
            .collect();
        let stuck = indeg.iter().filter(|&&d| d > 0).count();
        let (sup, buy) = if cycle.len() >= 2 {
            (cycle[0], cycle[1])
        } else {
            (cycle[0], cycle[0])
        };
        let line = rows
            .iter()
            .find(|r| r.stage as usize == buy && r.supplier as usize == sup)
            .map(|r| r.line);
        let mut d = Diagnostic::error(
            &self.inputs_file,
            format!(
                "inputs form a cycle: {} -> {} ({stuck} stage(s) in or behind cycles)",
                names.join(" -> "),
                names[0]
            ),
        )
        .with_hint(
            "a stage cannot need, even indirectly, its own output; remove one of these input rows",
        );
        if let Some(l) = line {
            d = d.at_line(l);
        }
        self.diags.push(d);
    }

    pub(super) fn file_name(&self, stem: &str) -> String {
        self.files
            .get(stem)
            .cloned()
            .unwrap_or_else(|| format!("{stem}.csv"))
    }

    /// Warnings about elements nothing uses, over the model with its candidates (`candidate`, one flag per
    /// stage or empty for none), so that what only a candidate uses is used; candidates themselves are not
    /// warned about, being absent from the model the analyses see.
    pub(super) fn warnings(&mut self, buyer_start: &[u32], candidate: &[bool]) {
        let mut firm_used = vec![false; self.firms.len()];
        for s in &self.sites {
            firm_used[s.firm.index()] = true;
        }
        for (f, used) in self.firms.iter().zip(&firm_used) {
            if !used {
                self.diags.push(
                    Diagnostic::warning(
                        self.file_name("firms"),
                        format!("firm `{}` has no site", f.id),
                    )
                    .with_hint("add its sites to sites.csv, or remove it"),
                );
            }
        }
        let mut site_used = vec![false; self.sites.len()];
        let mut item_used = vec![false; self.items.len()];
        for s in &self.stages {
            site_used[s.site.index()] = true;
            item_used[s.item.index()] = true;
        }
        for (s, used) in self.sites.iter().zip(&site_used) {
            if !used {
                self.diags.push(Diagnostic::warning(
                    self.file_name("sites"),
                    format!("site `{}` has no stage", s.id),
                ));
            }
        }
        for (it, used) in self.items.iter().zip(&item_used) {
            if !used {
                self.diags.push(
                    Diagnostic::warning(
                        self.file_name("items"),
                        format!("item `{}` has no stage that makes it", it.id),
                    )
                    .with_hint("add a stage for it in stages.csv, or remove it"),
                );
            }
        }
        let mut has_demand = vec![false; self.stages.len()];
        for d in &self.demands {
            has_demand[d.stage.index()] = true;
        }
        for (k, st) in self.stages.iter().enumerate() {
            if candidate.get(k) == Some(&true) {
                continue;
            }
            let sells = buyer_start[k + 1] > buyer_start[k];
            if self.items[st.item.index()].kind == ItemKind::Platform && !has_demand[k] && !sells {
                self.diags.push(
                    Diagnostic::warning(
                        self.file_name("demand"),
                        format!("platform stage `{}` has no demand row", st.id),
                    )
                    .with_hint("without demand it is left out of platform analyses"),
                );
            } else if !has_demand[k] && !sells {
                self.diags.push(Diagnostic::warning(
                    self.file_name("stages"),
                    format!(
                        "stage `{}` supplies no stage and has no demand: its output goes nowhere",
                        st.id
                    ),
                ));
            }
        }
    }
}
