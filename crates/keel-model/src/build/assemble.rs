//! Assembly: the accepted input rows become the two-level adjacency (groups and sources), the reverse index
//! and a topological order; then either the model or every diagnostic is returned. A model with options
//! (format v1.1) is assembled twice by the same code: with its candidate stages (the full model `keel plan`
//! sees) and without them (the model every other analysis sees).
//!
//! # Complexity
//! O(R log S) for R input rows grouped by counting into stages, S the most rows of one stage (sorted by
//! item); O(V + E) for Kahn's algorithm; memory is linear.

use super::options::without_candidates;
use super::schema::file_rank;
use super::{Builder, Loaded, RawInput};
use crate::diag::{Diagnostic, Invalid};
use crate::ids::*;
use crate::model::*;
use rustc_hash::FxHashSet;

impl Builder {
    pub(super) fn finish(mut self) -> Result<Loaded, Invalid> {
        self.check_raisers();
        let n = self.stages.len();
        // Group inputs by (stage, item), keeping file order of suppliers within a group.
        let mut rows = group_rows(std::mem::take(&mut self.inputs), n);
        // Each group is checked once; the rows of a group that fails are left out of the adjacency.
        let mut bad = FxHashSet::default();
        let mut i = 0;
        while i < rows.len() {
            let j = run_end(&rows, i);
            if !self.check_group(&rows[i..j]) {
                bad.insert((rows[i].stage, rows[i].item));
            }
            i = j;
        }
        if !bad.is_empty() {
            rows.retain(|r| !bad.contains(&(r.stage, r.item)));
        }
        let mask = if self.has_options() {
            self.candidate_mask(n)
        } else {
            Vec::new()
        };
        let full = adjacency(n, &rows, &mask);
        if full.topo.len() < n {
            self.report_cycle(
                &full.indeg,
                &full.groups,
                &full.sources,
                &full.stage_groups,
                &rows,
            );
        }
        // A dropped row would make what it used look unused: these warnings only describe a complete model.
        let errors = self.diags.iter().any(Diagnostic::is_error);
        if !errors {
            self.warnings(&full.buyer_start, &mask);
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
        let lists = Lists {
            meta: self.meta.take().expect("checked above"),
            regimes: std::mem::take(&mut self.regimes),
            countries: std::mem::take(&mut self.countries),
            blocs: std::mem::take(&mut self.blocs).into_list(),
            firms: std::mem::take(&mut self.firms),
            sites: std::mem::take(&mut self.sites),
            items: std::mem::take(&mut self.items),
            lanes: std::mem::take(&mut self.lanes),
            chokepoints: std::mem::take(&mut self.chokes).into_list(),
        };
        let stages = std::mem::take(&mut self.stages);
        let demands = std::mem::take(&mut self.demands);
        let scenarios = std::mem::take(&mut self.scenarios);
        let model = if mask.is_empty() {
            lists.model(stages, full, demands, scenarios)
        } else {
            let (b_stages, b_rows, b_demands, b_scenarios) =
                without_candidates(&mask, &stages, &rows, &demands, &scenarios);
            let base = adjacency(b_stages.len(), &b_rows, &[]);
            let full = lists.clone().model(stages, full, demands, scenarios);
            let investments = self.investments(full, &mask);
            let mut model = lists.model(b_stages, base, b_demands, b_scenarios);
            model.investments = Some(Box::new(investments));
            model
        };
        Ok(Loaded {
            model,
            warnings: self.diags,
        })
    }
}

/// The end of the run of rows with the same (stage, item) as row `i`.
fn run_end(rows: &[RawInput], i: usize) -> usize {
    let mut j = i;
    while j < rows.len() && rows[j].stage == rows[i].stage && rows[j].item == rows[i].item {
        j += 1;
    }
    j
}

/// The input adjacency of one set of stages.
struct Adjacency {
    groups: Vec<Group>,
    sources: Vec<Source>,
    stage_groups: Vec<u32>,
    buyer_start: Vec<u32>,
    buyer_sources: Vec<SourceIx>,
    topo: Vec<StageIx>,
    /// What Kahn's algorithm left of each in-degree: non-zero for a stage in or behind a cycle.
    indeg: Vec<u32>,
}

/// The adjacency of `n` stages from input rows sorted by (stage, item, line) whose groups passed their checks.
///
/// Shares: a group's empty shares split equally among its suppliers. A supplier flagged in `candidate` (an
/// index per stage, or empty for none) takes share 0, a qualified alternative not planned for use, and the
/// split is among the others; only a group whose suppliers are all candidates (of a candidate buyer) splits
/// among them.
fn adjacency(n: usize, rows: &[RawInput], candidate: &[bool]) -> Adjacency {
    let is_candidate = |s: u32| !candidate.is_empty() && candidate[s as usize];
    let mut groups: Vec<Group> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    let mut stage_groups = vec![0u32; n + 1];
    let mut i = 0;
    while i < rows.len() {
        let j = run_end(rows, i);
        let run = &rows[i..j];
        i = j;
        let first = &run[0];
        let given = run.iter().filter(|r| r.share.is_some()).count();
        let g = GroupIx::new(groups.len());
        let start = sources.len() as u32;
        let existing = run.iter().filter(|r| !is_candidate(r.supplier)).count();
        let k = if existing == 0 { run.len() } else { existing } as f64;
        for r in run {
            let share = if existing > 0 && is_candidate(r.supplier) {
                0.0
            } else {
                r.share.unwrap_or(1.0 / k)
            };
            sources.push(Source {
                group: g,
                supplier: StageIx(r.supplier),
                share,
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
    Adjacency {
        groups,
        sources,
        stage_groups,
        buyer_start,
        buyer_sources,
        topo,
        indeg,
    }
}

/// The lists both models share.
#[derive(Clone)]
struct Lists {
    meta: Meta,
    regimes: Vec<Regime>,
    countries: Vec<Country>,
    blocs: Vec<String>,
    firms: Vec<Firm>,
    sites: Vec<Site>,
    items: Vec<Item>,
    lanes: Vec<Lane>,
    chokepoints: Vec<String>,
}

impl Lists {
    fn model(
        self,
        stages: Vec<Stage>,
        adj: Adjacency,
        demands: Vec<Demand>,
        scenarios: Vec<Scenario>,
    ) -> Model {
        let mut demand_of = vec![None; stages.len()];
        for (k, d) in demands.iter().enumerate() {
            demand_of[d.stage.index()] = Some(k as u32);
        }
        Model {
            meta: self.meta,
            regimes: self.regimes,
            countries: self.countries,
            blocs: self.blocs,
            firms: self.firms,
            sites: self.sites,
            items: self.items,
            stages,
            groups: adj.groups,
            sources: adj.sources,
            lanes: self.lanes,
            chokepoints: self.chokepoints,
            demands,
            scenarios,
            stage_groups: adj.stage_groups,
            buyer_start: adj.buyer_start,
            buyer_sources: adj.buyer_sources,
            topo: adj.topo,
            demand_of,
            investments: None,
        }
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
