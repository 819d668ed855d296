//! Assembly: the accepted input rows become the two-level adjacency (groups and sources), the reverse index
//! and a topological order; then either the model or every diagnostic is returned.
//!
//! # Complexity
//! O(R log S) for R input rows grouped by counting into stages, S the most rows of one stage (sorted by
//! item); O(V + E) for Kahn's algorithm; memory is linear.

use super::schema::file_rank;
use super::{Builder, Loaded, RawInput};
use crate::diag::{Diagnostic, Invalid};
use crate::ids::*;
use crate::model::*;

impl Builder {
    pub(super) fn finish(mut self) -> Result<Loaded, Invalid> {
        let n = self.stages.len();
        // Group inputs by (stage, item), keeping file order of suppliers within a group.
        let rows = group_rows(std::mem::take(&mut self.inputs), n);
        let mut groups: Vec<Group> = Vec::new();
        let mut sources: Vec<Source> = Vec::new();
        let mut stage_groups = vec![0u32; n + 1];
        let mut i = 0;
        while i < rows.len() {
            let mut j = i;
            while j < rows.len() && rows[j].stage == rows[i].stage && rows[j].item == rows[i].item {
                j += 1;
            }
            let run = &rows[i..j];
            i = j;
            if !self.check_group(run) {
                continue;
            }
            let first = &run[0];
            let given = run.iter().filter(|r| r.share.is_some()).count();
            let g = GroupIx::new(groups.len());
            let start = sources.len() as u32;
            let k = run.len() as f64;
            for r in run {
                sources.push(Source {
                    group: g,
                    supplier: StageIx(r.supplier),
                    share: r.share.unwrap_or(1.0 / k),
                    lane: r.lane.map(LaneIx),
                });
            }
            groups.push(Group {
                stage: StageIx(first.stage),
                item: ItemIx(first.item),
                qty: first.qty,
                shares_given: given > 0,
                sources: start..sources.len() as u32,
            });
            stage_groups[first.stage as usize + 1] += 1;
        }
        for s in 0..n {
            stage_groups[s + 1] += stage_groups[s];
        }
        // Reverse index: for each supplier, the sources it appears in.
        let mut buyer_start = vec![0u32; n + 1];
        for src in &sources {
            buyer_start[src.supplier.index() + 1] += 1;
        }
        for s in 0..n {
            buyer_start[s + 1] += buyer_start[s];
        }
        let mut fill = buyer_start.clone();
        let mut buyer_sources = vec![SourceIx(0); sources.len()];
        for (k, src) in sources.iter().enumerate() {
            let f = &mut fill[src.supplier.index()];
            buyer_sources[*f as usize] = SourceIx::new(k);
            *f += 1;
        }
        // Kahn's algorithm: a stage is ready once all its suppliers are placed.
        let mut indeg = vec![0u32; n];
        for g in &groups {
            indeg[g.stage.index()] += g.sources.len() as u32;
        }
        let mut topo: Vec<StageIx> = (0..n)
            .filter(|&s| indeg[s] == 0)
            .map(StageIx::new)
            .collect();
        let mut head = 0;
        while head < topo.len() {
            let s = topo[head];
            head += 1;
            for &src in
                &buyer_sources[buyer_start[s.index()] as usize..buyer_start[s.index() + 1] as usize]
            {
                let b = groups[sources[src.index()].group.index()].stage.index();
                indeg[b] -= 1;
                if indeg[b] == 0 {
                    topo.push(StageIx::new(b));
                }
            }
        }
        if topo.len() < n {
            self.report_cycle(&indeg, &groups, &sources, &stage_groups, &rows);
        }
        let mut demand_of = vec![None; n];
        for (k, d) in self.demands.iter().enumerate() {
            demand_of[d.stage.index()] = Some(k as u32);
        }
        // A dropped row would make what it used look unused: these warnings only describe a complete model.
        let errors = self.diags.iter().any(Diagnostic::is_error);
        if !errors {
            self.warnings(&buyer_start);
        }
        if errors || self.meta.is_none() {
            if self.meta.is_none()
                && !self
                    .diags
                    .iter()
                    .any(super::super::diag::Diagnostic::is_error)
            {
                self.diags.push(Diagnostic::error(
                    "model.toml",
                    "model metadata could not be read",
                ));
            }
            let mut diagnostics = self.diags;
            diagnostics.sort_by(|a, b| {
                (a.severity, file_rank(&a.file), a.file.as_str(), a.line).cmp(&(
                    b.severity,
                    file_rank(&b.file),
                    b.file.as_str(),
                    b.line,
                ))
            });
            return Err(Invalid { diagnostics });
        }
        let model = Model {
            meta: self.meta.expect("checked above"),
            regimes: self.regimes,
            countries: self.countries,
            blocs: self.blocs.into_list(),
            firms: self.firms,
            sites: self.sites,
            items: self.items,
            stages: self.stages,
            groups,
            sources,
            lanes: self.lanes,
            chokepoints: self.chokes.into_list(),
            demands: self.demands,
            scenarios: self.scenarios,
            stage_groups,
            buyer_start,
            buyer_sources,
            topo,
            demand_of,
            investments: None,
        };
        Ok(Loaded {
            model,
            warnings: self.diags,
        })
    }
}

/// The input rows ordered by (stage, item, line): counted into place by stage (a stable pass, so each stage's
/// rows stay in the order read), then each stage's few rows sorted by (item, line), stably: the order of a
/// stable sort by (stage, item, line), in linear time but for the small sorts.
fn group_rows(rows: Vec<RawInput>, stages: usize) -> Vec<RawInput> {
    let mut start = vec![0usize; stages + 1];
    for r in &rows {
        start[r.stage as usize + 1] += 1;
    }
    for s in 0..stages {
        start[s + 1] += start[s];
    }
    let mut slots: Vec<Option<RawInput>> = vec![None; rows.len()];
    let mut fill = start.clone();
    for r in rows {
        let f = &mut fill[r.stage as usize];
        slots[*f] = Some(r);
        *f += 1;
    }
    let mut out: Vec<RawInput> = slots.into_iter().flatten().collect();
    for s in 0..stages {
        out[start[s]..start[s + 1]].sort_by_key(|r| (r.item, r.line));
    }
    out
}
