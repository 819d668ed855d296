//! # keel-engine
//!
//! Keel's analyses as calls that every front end shares: options in, named [`table::Table`]s and one JSON
//! document out ([`Results`]). The `keel` command prints them; `keel serve` runs them as background jobs and
//! stores them as JSON, CSV and xlsx; both get the same numbers, columns and bytes because neither holds any
//! of this logic. Analyses report progress and accept cancellation through [`keel_model::Progress`].
//!
//! An [`Analysis`] is deserialised from JSON (`{"analysis": "stress", "each": "site"}`), with the command
//! line's defaults for every option left out and an error naming any unknown option. The `keel policy`
//! commands read the published data sets instead of a model ([`policy`]; `{"analysis": "policy", "command":
//! "spending", "country": "CAN"}`): [`Analysis::needs_model`] tells a front end which input to give.
//!
//! # Complexity
//! That of each analysis (see its module), plus a pass over the result rows to lay out the tables.

pub mod concentration;
pub mod controls;
pub mod criticality;
pub mod exposure;
pub mod map;
pub mod montecarlo;
pub mod network;
pub mod overview;
pub mod plan;
pub mod policy;
pub mod shard;
pub mod simulate;
pub mod stress;
pub mod table;

use keel_model::{Model, Progress};
use serde::Deserialize;
use table::Table;

/// Rows shown of a ranking unless asked otherwise (the command line's `--top` default).
pub const TOP: usize = 20;

/// Everything an analysis can fail on.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The caller cancelled the run through [`Progress::cancelled`].
    #[error("the analysis was cancelled")]
    Cancelled,
    /// An option is out of range or does not apply.
    #[error("{0}")]
    Options(String),
    #[error(transparent)]
    Stress(keel_lp::StressError),
    #[error(transparent)]
    Sim(keel_sim::simulate::SimError),
    /// The planner's solver failed.
    #[error(transparent)]
    Plan(keel_plan::PlanError),
    /// No plan meets the constraints asked for; the message says why and what would.
    #[error("{0}")]
    NoPlan(String),
    /// No table of that name in these results.
    #[error("unknown table `{name}`; these results' tables are: {known}")]
    UnknownTable { name: String, known: String },
    /// Writing a format failed.
    #[error("{0}")]
    Output(String),
    /// A published data set or funding file could not be read, or holds no answer to the question asked:
    /// `path` is the file, `source` keel-policy's error (with the located diagnostics of a bad file).
    #[error("{}", policy::message(path, source))]
    Policy {
        path: std::path::PathBuf,
        source: keel_policy::PolicyError,
    },
    /// A policy analysis needs a data set the front end did not give; the message says which.
    #[error("{0}")]
    NoData(String),
}

impl From<keel_lp::StressError> for EngineError {
    fn from(e: keel_lp::StressError) -> Self {
        match e {
            keel_lp::StressError::Cancelled => EngineError::Cancelled,
            e => EngineError::Stress(e),
        }
    }
}

impl From<keel_sim::simulate::SimError> for EngineError {
    fn from(e: keel_sim::simulate::SimError) -> Self {
        match e {
            keel_sim::simulate::SimError::Cancelled => EngineError::Cancelled,
            e => EngineError::Sim(e),
        }
    }
}

/// An analysis and its options.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "analysis", rename_all = "lowercase")]
pub enum Analysis {
    /// `keel exposure`.
    Exposure(exposure::Options),
    /// `keel controls`.
    Controls(controls::Options),
    /// `keel concentration`.
    Concentration(concentration::Options),
    /// `keel criticality`.
    Criticality(criticality::Options),
    /// `keel stress`.
    Stress(stress::Options),
    /// `keel simulate`.
    Simulate(simulate::Options),
    /// `keel montecarlo`.
    MonteCarlo(montecarlo::Options),
    /// `keel plan`.
    Plan(plan::Options),
    /// `keel policy COMMAND`: the command is the `command` field beside `analysis`.
    Policy(policy::Options),
}

impl Analysis {
    /// The analysis's name, as in `{"analysis": NAME}` and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Analysis::Exposure(_) => "exposure",
            Analysis::Controls(_) => "controls",
            Analysis::Concentration(_) => "concentration",
            Analysis::Criticality(_) => "criticality",
            Analysis::Stress(_) => "stress",
            Analysis::Simulate(_) => "simulate",
            Analysis::MonteCarlo(_) => "montecarlo",
            Analysis::Plan(_) => "plan",
            Analysis::Policy(_) => "policy",
        }
    }

    /// Whether the analysis runs on a model (every one but `policy`, which reads the published data sets:
    /// run it with [`policy::run`]).
    pub fn needs_model(&self) -> bool {
        !matches!(self, Analysis::Policy(_))
    }
}

/// Runs `a` on `model`. A `policy` analysis reads no model: it is refused here, and run by [`policy::run`] on
/// the data sets.
pub fn run(model: &Model, a: &Analysis, progress: &dyn Progress) -> Result<Results, EngineError> {
    match a {
        Analysis::Exposure(o) => exposure::run(model, o),
        Analysis::Controls(o) => controls::run(model, o),
        Analysis::Concentration(o) => concentration::run(model, o),
        Analysis::Criticality(o) => criticality::run(model, o),
        Analysis::Stress(o) => stress::run(model, o, progress),
        Analysis::Simulate(o) => simulate::run(model, o, progress),
        Analysis::MonteCarlo(o) => montecarlo::run(model, o, progress),
        Analysis::Plan(o) => plan::run(model, o),
        Analysis::Policy(_) => Err(EngineError::Options(
            "policy analyses read the published data sets, not a model: run them with policy::run"
                .into(),
        )),
    }
}

/// Whether a platform's rows are kept under a `platform` option (every platform when `None`).
fn platform_filter(
    m: &Model,
    wanted: Option<&str>,
) -> Result<impl Fn(keel_model::StageIx) -> bool, EngineError> {
    let on: Option<std::collections::HashSet<keel_model::StageIx>> = match wanted {
        None => None,
        Some(_) => Some(
            keel_see::resolve_platforms(m, wanted)
                .map_err(|e| EngineError::Options(e.to_string()))?
                .into_iter()
                .collect(),
        ),
    };
    Ok(move |s| on.as_ref().is_none_or(|set| set.contains(&s)))
}

/// A result as JSON (serialising Keel's result types cannot fail: no maps with non-string keys).
fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, EngineError> {
    serde_json::to_value(v).map_err(|e| EngineError::Output(format!("JSON: {e}")))
}

/// An analysis's results: tables in the order a person reads them, the name of the main one (what CSV writes
/// unless asked for another), and the JSON document.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    pub tables: Vec<Table>,
    pub main: &'static str,
    pub json: serde_json::Value,
}

impl Results {
    /// The table named `name`, or the main table for `None`.
    pub fn table(&self, name: Option<&str>) -> Result<&Table, EngineError> {
        let name = name.unwrap_or(self.main);
        self.tables
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| EngineError::UnknownTable {
                name: name.to_string(),
                known: self
                    .tables
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The JSON document, pretty-printed with a final newline (the command line's `--format json`).
    pub fn json_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(&self.json).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// One tidy table as CSV (the command line's `--format csv [--table NAME]`).
    pub fn csv_bytes(&self, name: Option<&str>) -> Result<Vec<u8>, EngineError> {
        let mut out = Vec::new();
        table::write_csv(&mut out, self.table(name)?)
            .map_err(|e| EngineError::Output(format!("CSV: {e}")))?;
        Ok(out)
    }

    /// Every table as one sheet of a workbook (the command line's `--format xlsx`).
    pub fn xlsx_bytes(&self) -> Result<Vec<u8>, EngineError> {
        table::xlsx_bytes(&self.tables.iter().collect::<Vec<_>>())
    }
}
