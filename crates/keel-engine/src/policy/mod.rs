//! `keel policy`: spending and partnerships, read from the published data sets rather than a model: NATO's
//! defence expenditure tables ([`spending`]), SIPRI's arms-transfer register ([`arms`]), the CSIS records of
//! Canada-US trade and subawards ([`integration`]), and a programme funding file ([`funding`]).
//!
//! The front end says where the data sets are ([`PolicyData`]: the command line from its `--data` flags and
//! its data-set lookup, `keel serve` from its `--policy-data` folder); the engine reads them with
//! keel-policy's readers, so a bad file comes back as [`EngineError::Policy`] with its located diagnostics and
//! the file it was read from, for the front end to print as it prints a model's.
//!
//! # Complexity
//! That of reading each file (linear in its size) and of each analysis (see its module).

pub mod arms;
pub mod funding;
pub mod integration;
pub mod spending;

use crate::{EngineError, Results};
use keel_model::Progress;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// NATO's workbook in the `nato` data set (read by default: the long CSV lost two blocks' years, see
/// docs/methods/policy.md).
pub const NATO_WORKBOOK: &str = "240617-def-exp-2024-TABLES-en.xlsx";
/// SIPRI's register in the `sipri` data set.
pub const SIPRI_REGISTER: &str = "trade-register.csv";
/// The CSIS data set's folder name.
pub const CSIS_SET: &str = "csis-canada";
/// The USITC trade table in the CSIS folder.
pub const CSIS_TRADE: &str = "USITCbilateralTrade.csv";
/// The FSRS subaward extract in the CSIS folder.
pub const CSIS_SUBAWARDS: &str = "Location_CanadaRelatedFSRScomplete.csv";

const NATO_WHAT: &str = "NATO's defence expenditure tables";
const SIPRI_WHAT: &str = "SIPRI's arms-transfer register";
const CSIS_WHAT: &str = "CSIS records of Canada-US trade and subawards";

/// Where the published data sets are. Each is optional: an analysis that needs one that is absent fails with
/// [`EngineError::NoData`], and the others still run (`funding` needs none of them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyData {
    /// NATO's defence expenditure tables: the workbook (.xlsx) or the long CSV.
    pub nato: Option<PathBuf>,
    /// SIPRI's trade register (CSV as exported).
    pub sipri: Option<PathBuf>,
    /// The folder holding the CSIS records ([`CSIS_TRADE`] and [`CSIS_SUBAWARDS`]).
    pub csis: Option<PathBuf>,
}

impl PolicyData {
    /// The data sets in a folder laid out as `shared/data` is: `nato/` holding [`NATO_WORKBOOK`], `sipri/`
    /// holding [`SIPRI_REGISTER`], and `csis-canada/`. One that is not there is left `None`.
    pub fn in_folder(dir: &Path) -> PolicyData {
        let file = |p: PathBuf| p.is_file().then_some(p);
        PolicyData {
            nato: file(dir.join("nato").join(NATO_WORKBOOK)),
            sipri: file(dir.join("sipri").join(SIPRI_REGISTER)),
            csis: Some(dir.join(CSIS_SET)).filter(|p| p.is_dir()),
        }
    }

    /// The data set `o` reads that is not known here, named for a person (`None`: it can run).
    pub fn missing(&self, o: &Options) -> Option<&'static str> {
        match o {
            Options::Spending(_) if self.nato.is_none() => Some(NATO_WHAT),
            Options::Arms(_) if self.sipri.is_none() => Some(SIPRI_WHAT),
            Options::Integration(_) if self.csis.is_none() => Some(CSIS_WHAT),
            _ => None,
        }
    }

    /// Whether no data set at all is known.
    pub fn is_empty(&self) -> bool {
        self.nato.is_none() && self.sipri.is_none() && self.csis.is_none()
    }
}

/// A `keel policy` command and its options: `{"analysis": "policy", "command": "spending", "country": "CAN"}`
/// is `keel policy spending --country CAN`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "command", rename_all = "lowercase")]
pub enum Options {
    /// `keel policy spending`.
    Spending(spending::Options),
    /// `keel policy arms`.
    Arms(arms::Options),
    /// `keel policy integration`.
    Integration(integration::Options),
    /// `keel policy funding`.
    Funding(funding::Options),
}

impl Options {
    /// The command's name, as in `{"command": NAME}` and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Options::Spending(_) => "spending",
            Options::Arms(_) => "arms",
            Options::Integration(_) => "integration",
            Options::Funding(_) => "funding",
        }
    }
}

/// Runs a policy command on the data sets `data` names. One step: these take well under a second or two, so
/// progress goes from 0 to 1, and a cancel is honoured before the files are read.
pub fn run(
    data: &PolicyData,
    o: &Options,
    progress: &dyn Progress,
) -> Result<Results, EngineError> {
    progress.start(1);
    if progress.cancelled() {
        return Err(EngineError::Cancelled);
    }
    let r = match o {
        Options::Spending(o) => spending::run(data, o),
        Options::Arms(o) => arms::run(data, o, true),
        Options::Integration(o) => integration::run(data, o),
        Options::Funding(o) => funding::run(o),
    }?;
    progress.set(1);
    Ok(r)
}

/// A keel-policy error on the file at `path`.
fn on(path: &Path) -> impl Fn(keel_policy::PolicyError) -> EngineError + '_ {
    move |source| EngineError::Policy {
        path: path.to_path_buf(),
        source,
    }
}

/// The path of a data set, or [`EngineError::NoData`] naming it.
fn need<'a>(p: Option<&'a PathBuf>, what: &str) -> Result<&'a Path, EngineError> {
    p.map(PathBuf::as_path).ok_or_else(|| {
        EngineError::NoData(format!(
            "this run was given no {what}: point Keel at the folder holding nato/, sipri/ and {CSIS_SET}/"
        ))
    })
}

/// Located problems listed in [`message`]; the rest are counted.
const LISTED: usize = 50;

/// The text of a policy error on `path` for a reader (a job's failure): the file and headline, then each
/// located problem on its own line (at most [`LISTED`]), as `keel check` lists a model's.
pub(crate) fn message(path: &Path, e: &keel_policy::PolicyError) -> String {
    match e {
        keel_policy::PolicyError::Invalid(inv) => {
            let mut s = format!("{}: {}", path.display(), inv.headline());
            for d in inv.diagnostics.iter().take(LISTED) {
                s.push('\n');
                s.push_str(&d.to_string());
            }
            if inv.diagnostics.len() > LISTED {
                s.push_str(&format!(
                    "\n... and {} more not shown",
                    inv.diagnostics.len() - LISTED
                ));
            }
            s
        }
        other => other.to_string(),
    }
}
