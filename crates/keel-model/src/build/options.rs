//! `options.csv` (format v1.1): the investment options `keel plan` may fund, and the candidate stages their
//! `source` options bring.
//!
//! Options are read right after the stages, so the tables read later know which stages are candidates: a
//! candidate has no demand, no scenario names it, and input rows naming it as supplier leave `share` empty.
//! Assembly then builds, from the same accepted rows, the model every analysis sees (no candidate, no row
//! naming one) and the full model, by the same code (`without_candidates` renumbers the stages for the first).
//!
//! # Complexity
//! O(options) to read and check; the split is O(stages + input rows) once more than a model without options.

use super::cells::Cols;
use super::names::Names;
use super::schema::Num;
use super::{Builder, RawInput};
use crate::diag::{did_you_mean, quote, Diagnostic};
use crate::ids::*;
use crate::invest::{InvestOption, Investments, OptionKind};
use crate::kind::ElementKind;
use crate::model::*;
use crate::table::StringRecord;
use rustc_hash::FxHashMap;

/// options.csv as read.
#[derive(Default)]
pub(super) struct OptionRows {
    /// Accepted rows, in file order.
    rows: Vec<InvestOption>,
    /// Ids of the accepted rows, with their lines, for duplicates.
    ids: Names,
    groups: Names,
    /// Candidate stages (index of every stage, candidates included) -> (line, id) of their `source` option.
    /// Rows rejected for other errors still make their stage a candidate: the rows naming it are then
    /// checked as the file meant them.
    candidates: FxHashMap<u32, (u64, String)>,
    /// Capacity and stockpile rows (line, position of the `stage` column, stage, kind), checked against the
    /// candidates once every row is read.
    raisers: Vec<(u64, Option<usize>, u32, OptionKind)>,
}

impl OptionRows {
    /// Whether stage `s` (an index of every stage read) is a candidate.
    pub(super) fn is_candidate(&self, s: u32) -> bool {
        !self.candidates.is_empty() && self.candidates.contains_key(&s)
    }
}

impl Builder {
    /// One row of options.csv.
    pub(super) fn option(&mut self, cols: &Cols, rec: &StringRecord) {
        let id = self.id(cols, rec, 0);
        let kind_text = cols.field(rec, 1);
        let kind = OptionKind::ALL
            .iter()
            .find(|(n, _)| *n == kind_text)
            .map(|(_, k)| *k);
        if kind.is_none() {
            let words = OptionKind::ALL.map(|(n, _)| n).join(", ");
            let hint = match did_you_mean(kind_text, OptionKind::ALL.iter().map(|(n, _)| *n)) {
                Some(g) => format!("did you mean `{g}`? The kinds are {words}"),
                None => format!("use one of {words}"),
            };
            self.diags.push(
                cols.err(1, format!("unknown kind `{}`", quote(kind_text)))
                    .with_hint(hint),
            );
        }
        let stage = self.resolve(cols, rec, 2, ElementKind::Stage);
        let amount = self.amount(cols, rec, kind);
        let cost = self.required_num(cols, rec, 4, Num::Positive);
        let probability = self.probability(cols, rec);
        let tte = self.num(cols, rec, 8, Num::NonNeg);
        if let (Ok(s), Some(k)) = (stage, kind) {
            self.option_stage(cols, s, k, cols.field(rec, 0));
        }
        let dup = match &id {
            Ok(v) => self.opts.ids.get(v).map(|i| self.opts.ids.line(i)),
            Err(()) => None,
        };
        if let (Ok(v), Some(first)) = (&id, dup) {
            self.diags.push(
                cols.err(
                    0,
                    format!("duplicate id `{}`: first given on line {first}", quote(v)),
                )
                .with_hint("ids must be unique within a file; rename one or merge the rows"),
            );
        }
        let clean = self.diags.len() == self.row_mark && self.row_cause.is_none();
        let (Ok(id), Some(kind), Ok(stage), Ok(amount), Ok(cost), Ok(probability), Ok(tte), true) =
            (id, kind, stage, amount, cost, probability, tte, clean)
        else {
            return;
        };
        self.opts.ids.add(&id, cols.line);
        let group = Some(cols.field(rec, 6))
            .filter(|g| !g.is_empty())
            .map(|g| self.opts.groups.add(g, cols.line).0);
        let name = Some(cols.field(rec, 7).to_string()).filter(|n| !n.is_empty());
        self.opts.rows.push(InvestOption {
            id,
            name,
            kind,
            stage: StageIx(stage),
            amount,
            cost,
            probability: probability.unwrap_or(1.0),
            group,
            time_to_effect: tte.unwrap_or(0.0),
        });
    }

    /// `amount`: positive for capacity and stockpile options, empty for `source` (a candidate's capacity and
    /// stock are written in stages.csv).
    fn amount(
        &mut self,
        cols: &Cols,
        rec: &StringRecord,
        kind: Option<OptionKind>,
    ) -> Result<f64, ()> {
        let given = !cols.field(rec, 3).is_empty();
        match kind {
            Some(OptionKind::Source) if given => {
                self.diags.push(
                    cols.err(3, "a source option takes no amount")
                        .with_hint("leave amount empty: the candidate's capacity and inventory are its columns in stages.csv"),
                );
                Err(())
            }
            Some(OptionKind::Source) => Ok(0.0),
            Some(k) if !given => {
                let what = if k == OptionKind::Capacity {
                    "the capacity it adds, in units per time unit"
                } else {
                    "the units of stock it adds"
                };
                self.diags.push(
                    cols.err(3, format!("a {} option needs an amount", k.as_str()))
                        .with_hint(format!("give a positive amount: {what}")),
                );
                Err(())
            }
            Some(_) => self
                .num(cols, rec, 3, Num::Positive)
                .map(|v| v.unwrap_or(0.0)),
            None => self.num(cols, rec, 3, Num::NonNeg).map(|_| 0.0),
        }
    }

    /// `probability`: the chance the option works, in (0, 1]; empty is 1.
    fn probability(&mut self, cols: &Cols, rec: &StringRecord) -> Result<Option<f64>, ()> {
        let p = self.num(cols, rec, 5, Num::Unit)?;
        if p == Some(0.0) {
            self.diags.push(
                cols.err(5, "probability 0: the option would never work")
                    .with_hint("give the chance that it works, greater than 0 and at most 1 (empty is 1), or remove the option"),
            );
            return Err(());
        }
        Ok(p)
    }

    /// The checks an option's stage must pass for its kind; a `source` option makes its stage a candidate.
    fn option_stage(&mut self, cols: &Cols, s: u32, kind: OptionKind, option: &str) {
        let st = &self.stages[s as usize];
        let id = quote(&st.id);
        let at = self.stage_names.line(s);
        match kind {
            OptionKind::Capacity if st.capacity.is_none() => {
                self.diags.push(
                    cols.err(2, format!("stage `{id}` has an unlimited capacity: there is nothing to raise"))
                        .with_hint(format!("give it a capacity in stages.csv (line {at}), or make this a stockpile option")),
                );
            }
            OptionKind::Capacity | OptionKind::Stockpile => {
                self.opts.raisers.push((cols.line, cols.pos[2], s, kind));
            }
            OptionKind::Source => {
                if let Some((line, first)) = self.opts.candidates.get(&s) {
                    self.diags.push(
                        cols.err(2, format!("stage `{id}` is already the candidate of option `{}` on line {line}", quote(first)))
                            .with_hint("one source option per candidate stage: for a second bet on it, write another candidate stage"),
                    );
                    return;
                }
                if st.capacity.is_none() {
                    self.diags.push(
                        cols.err(2, format!("candidate stage `{id}` has no capacity"))
                            .with_hint(format!("give it a capacity in stages.csv (line {at}): what the option buys is that capacity")),
                    );
                }
                self.opts
                    .candidates
                    .insert(s, (cols.line, option.to_string()));
            }
        }
    }

    /// After every table is read: capacity and stockpile options naming a candidate (known only once every
    /// `source` row is read).
    pub(super) fn check_raisers(&mut self) {
        let file = self.file_name("options");
        for k in 0..self.opts.raisers.len() {
            let (line, col, s, kind) = self.opts.raisers[k];
            let Some((at, by)) = self.opts.candidates.get(&s) else {
                continue;
            };
            let mut d = Diagnostic::error(
                &file,
                format!(
                    "stage `{}` is a candidate (option `{}` on line {at}): a {} option cannot act on it",
                    quote(&self.stages[s as usize].id),
                    quote(by),
                    kind.as_str()
                ),
            )
            .at_line(line)
            .with_hint("a candidate's capacity and inventory are its columns in stages.csv; raise an existing stage");
            if let Some(p) = col {
                d = d.at_column(p + 1, "stage");
            }
            self.diags.push(d);
        }
    }

    /// A demand row on stage `s`: an error if `s` is a candidate (reported here, true returned).
    pub(super) fn candidate_demand(&mut self, cols: &Cols, s: u32) -> bool {
        self.candidate_named(cols, 0, s, |id, opt| {
            (
                format!("stage `{id}` is a candidate (option `{opt}`): a candidate has no demand"),
                "put the demand on an existing stage: a candidate only supplies, in the plans that take its option",
            )
        })
    }

    /// A scenario event on stage `s`: an error if `s` is a candidate (reported here, true returned).
    pub(super) fn candidate_target(&mut self, cols: &Cols, s: u32) -> bool {
        self.candidate_named(cols, 2, s, |id, opt| {
            (
                format!("stage `{id}` is a candidate (option `{opt}`): a scenario cannot name it"),
                "candidates exist only in plans (`keel plan`); target its site, firm or country to disrupt it there too",
            )
        })
    }

    /// An input row whose supplier `s` is a candidate and that gives a share: an error (true returned).
    pub(super) fn candidate_share(&mut self, cols: &Cols, s: u32, share: Option<f64>) -> bool {
        if share.is_none() {
            return false;
        }
        self.candidate_named(cols, 4, s, |id, opt| {
            (
                format!("supplier `{id}` is a candidate (option `{opt}`): its share must be empty"),
                "leave share empty on rows naming a candidate; the shares of the existing suppliers sum to 1",
            )
        })
    }

    fn candidate_named(
        &mut self,
        cols: &Cols,
        c: usize,
        s: u32,
        say: impl Fn(&str, &str) -> (String, &'static str),
    ) -> bool {
        let Some((line, opt)) = self.opts.candidates.get(&s) else {
            return false;
        };
        let (msg, hint) = say(&quote(&self.stages[s as usize].id), &quote(opt));
        let file = self.file_name("options");
        let d = cols
            .err(c, msg)
            .with_hint(format!("{hint} ({file} line {line})"));
        self.diags.push(d);
        true
    }

    /// A group of an existing stage whose every supplier is a candidate: without options the stage could make
    /// nothing, so the model every analysis sees would be wrong.
    pub(super) fn only_candidates(&mut self, run: &[RawInput]) {
        let first = &run[0];
        let d = Diagnostic::error(
            &self.inputs_file,
            format!(
                "stage `{}` gets input `{}` only from candidate stages",
                quote(&self.stages[first.stage as usize].id),
                quote(&self.item_names.list[first.item as usize])
            ),
        )
        .at_line(first.line)
        .with_hint("add an existing supplier: a candidate exists only in plans that take its option, and without one the stage could make nothing");
        self.diags.push(d);
    }

    /// The first error in options.csv, if any. An empty share on a supplier no option names may follow from
    /// it: the row meant to make that supplier a candidate may be the one rejected (its stage misspelt, or
    /// the whole table unreadable).
    pub(super) fn options_error(&self) -> Option<usize> {
        let file = self.files.get("options")?;
        self.diags
            .iter()
            .position(|d| d.is_error() && &d.file == file)
    }

    /// Whether options.csv gave any option (without, the model is built exactly as in format v1).
    pub(super) fn has_options(&self) -> bool {
        !self.opts.rows.is_empty()
    }

    /// Marks the candidates among `n` stages.
    pub(super) fn candidate_mask(&self, n: usize) -> Vec<bool> {
        let mut m = vec![false; n];
        for &s in self.opts.candidates.keys() {
            m[s as usize] = true;
        }
        m
    }

    /// The investments of a model whose full form is `full` (candidates flagged in `mask`).
    pub(super) fn investments(&mut self, full: Model, mask: &[bool]) -> Investments {
        let candidates = (0..mask.len())
            .filter(|&s| mask[s])
            .map(StageIx::new)
            .collect();
        Investments {
            options: std::mem::take(&mut self.opts.rows),
            groups: std::mem::take(&mut self.opts.groups.list),
            full,
            candidates,
        }
    }
}

/// The stages, input rows, demands and scenarios of the model without candidates, stage indices renumbered over
/// the stages left. No demand or scenario names a candidate (both are errors).
pub(super) fn without_candidates(
    mask: &[bool],
    stages: &[Stage],
    rows: &[RawInput],
    demands: &[Demand],
    scenarios: &[Scenario],
) -> (Vec<Stage>, Vec<RawInput>, Vec<Demand>, Vec<Scenario>) {
    let mut to = vec![NONE; mask.len()];
    let mut next = 0;
    for (s, &c) in mask.iter().enumerate() {
        if !c {
            to[s] = next;
            next += 1;
        }
    }
    let rows = rows
        .iter()
        .filter(|r| !mask[r.stage as usize] && !mask[r.supplier as usize])
        .map(|r| RawInput {
            stage: to[r.stage as usize],
            supplier: to[r.supplier as usize],
            ..*r
        })
        .collect();
    let demands = demands
        .iter()
        .map(|d| Demand {
            stage: StageIx(to[d.stage.index()]),
            ..d.clone()
        })
        .collect();
    let scenarios = scenarios
        .iter()
        .map(|sc| Scenario {
            events: sc
                .events
                .iter()
                .map(|e| Event {
                    target: match e.target {
                        Target::Stage(s) => Target::Stage(StageIx(to[s.index()])),
                        t => t,
                    },
                    ..e.clone()
                })
                .collect(),
            ..sc.clone()
        })
        .collect();
    let stages = stages
        .iter()
        .zip(mask)
        .filter(|(_, &c)| !c)
        .map(|(s, _)| s.clone())
        .collect();
    (stages, rows, demands, scenarios)
}
