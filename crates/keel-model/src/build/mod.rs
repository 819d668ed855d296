//! Turning raw tables into a validated [`Model`], reporting every problem at once.
//!
//! Tables are read in dependency order (countries, firms, sites, items, stages, options, lanes, inputs, demand,
//! scenarios), so each reference can be resolved as soon as it is read. A bad row is reported and skipped, and
//! reading goes on, so one run lists every problem in every file.
//!
//! Root causes are listed, their consequences counted: a reference to a rejected row, or to any id of a table
//! that could not be read in full (missing, empty, a required column missing, an undecodable row), is added to
//! the `follow_on` count of the diagnostic that caused it instead of being reported again. Checks of the whole
//! model that a dropped row would mislead (elements nothing uses) run only when every row was accepted.
//!
//! The seams, one module each: [`schema`] (tables, columns, numeric rules and bounds), `names` (interning),
//! `reader` (one table's header and rows), `cells` (fields, numbers, references), `rows` (one parser per
//! table), `options` (options.csv and its candidate stages), `assemble` (the adjacency, topological order and
//! the result, once for the model and once more with the candidates) and `checks` (cycles, unused elements).
//!
//! # Complexity
//! O(R log S) for R input rows, S the most rows of one stage (grouping), O(V + E) for the cycle check;
//! memory is linear. Each id look-up is O(1) expected (`names`).

mod assemble;
mod cells;
mod checks;
mod names;
mod options;
mod reader;
mod rows;
pub mod schema;

pub use schema::{columns_of, header_of, Bound};

use crate::diag::{Diagnostic, Invalid};
use crate::kind::ElementKind;
use crate::model::*;
use crate::table::Table;
use names::Names;
use rustc_hash::FxHashMap;
use schema::TABLES;

/// `model.toml` (or the workbook's `model` and `export_regimes` sheets) as read, before validation.
#[derive(Clone, Debug, Default)]
pub struct RawMeta {
    /// Where the metadata came from, e.g. `model.toml`.
    pub file: String,
    pub name: Option<String>,
    pub home_country: Option<String>,
    pub currency: Option<String>,
    pub time_unit: Option<String>,
    pub description: Option<String>,
    /// (regime code, controlling country code, line if known).
    pub regimes: Vec<(String, String, Option<u64>)>,
    /// Line of each key, when known, for diagnostics.
    pub lines: FxHashMap<String, u64>,
}

/// Where a model's tables come from: a folder of CSV files, a workbook, or memory.
pub trait ModelSource {
    /// The metadata. Errors here do not stop the tables from being checked.
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>>;
    /// Opens the table named `stem` (`countries`, `inputs`, ...); `Ok(None)` if the model has none.
    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic>;
    /// How a table is named in messages when it is missing, e.g. `inputs.csv`.
    fn table_name(&self, stem: &str) -> String;
    /// Warnings found outside the tables (e.g. unknown keys in `model.toml`), collected after reading.
    fn take_warnings(&mut self) -> Vec<Diagnostic> {
        Vec::new()
    }
}

/// A model that passed validation, with the warnings found on the way.
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates a whole model. Returns every error (and warning) if any error was found.
pub fn build(src: &mut dyn ModelSource) -> Result<Loaded, Invalid> {
    let mut b = Builder::default();
    let meta = match src.meta() {
        Ok(m) => Some(m),
        Err(d) => {
            // Without the metadata no regime is declared: items citing one follow from this error.
            if let Some(first) = d.iter().position(Diagnostic::is_error) {
                b.failed.insert(ElementKind::Regime, b.diags.len() + first);
            }
            b.diags.extend(d);
            None
        }
    };
    for stem in TABLES {
        let required = !matches!(stem, "lanes" | "scenarios" | "options");
        let missing_name = src.table_name(stem);
        match src.table(stem) {
            Ok(Some(mut t)) => b.read(stem, t.as_mut()),
            Ok(None) if required => b.fail_table(
                stem,
                Diagnostic::error(missing_name, "required table is missing")
                    .with_hint(format!("create it with the header `{}`", header_of(stem))),
            ),
            Ok(None) => {}
            Err(d) => b.fail_table(stem, d),
        }
        if stem == "countries" {
            if let Some(m) = &meta {
                b.meta(m);
            }
        }
    }
    b.diags.extend(src.take_warnings());
    b.finish()
}

#[derive(Default)]
struct Builder {
    diags: Vec<Diagnostic>,
    meta: Option<Meta>,
    regimes: Vec<Regime>,
    regime_names: Names,
    countries: Vec<Country>,
    country_names: Names,
    blocs: Names,
    firms: Vec<Firm>,
    firm_names: Names,
    sites: Vec<Site>,
    site_names: Names,
    items: Vec<Item>,
    item_names: Names,
    stages: Vec<Stage>,
    stage_names: Names,
    lanes: Vec<Lane>,
    lane_names: Names,
    chokes: Names,
    /// Validated input rows: (stage, item, supplier, qty, share, lane, line).
    inputs: Vec<RawInput>,
    inputs_file: String,
    last_input_stage: Option<(String, u32)>,
    demands: Vec<Demand>,
    demand_lines: Vec<u64>,
    demand_at: FxHashMap<u32, usize>,
    scenarios: Vec<Scenario>,
    /// options.csv as read, and the candidate stages its `source` options name.
    opts: options::OptionRows,
    /// The name each table was read under, for diagnostics raised after reading.
    files: FxHashMap<&'static str, String>,
    /// Ids whose row was rejected, with the diagnostic (index in `diags`) their references follow from.
    rejected: FxHashMap<(ElementKind, String), usize>,
    /// Kinds whose table could not be read in full, with the diagnostic unknown references follow from.
    failed: FxHashMap<ElementKind, usize>,
    /// `diags.len()` when the current row started, and the diagnostic a failed reference of it follows from.
    row_mark: usize,
    row_cause: Option<usize>,
    /// (stage, input item) of input rows dropped for their own errors, with the first error: the group's
    /// shares are then not checked, the sum being off only because of that row.
    dropped_inputs: FxHashMap<(u32, u32), usize>,
    /// Per table being read: the first undecodable row's diagnostic, under which repeats are counted.
    read_error: Option<usize>,
}

impl Builder {
    /// Records a problem that stops a whole table from being read: it is the root of every reference into it.
    fn fail_table(&mut self, stem: &str, d: Diagnostic) {
        let at = self.diags.len();
        self.diags.push(d);
        if let Some(k) = schema::kind_of_table(stem) {
            self.failed.entry(k).or_insert(at);
        }
    }

    /// Counts one more error under the diagnostic at `root`.
    fn follow(&mut self, root: usize) {
        if let Some(d) = self.diags.get_mut(root) {
            d.follow_on = d.follow_on.saturating_add(1);
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct RawInput {
    stage: u32,
    item: u32,
    supplier: u32,
    qty: f64,
    share: Option<f64>,
    lane: Option<u32>,
    line: u64,
}
