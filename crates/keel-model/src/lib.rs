//! # keel-model
//!
//! The Keel model of a defence industrial base: countries and blocs, firms and their sites, items (with export
//! controls), production stages, the bill of materials between stages (AND over input items, OR over
//! suppliers), transport lanes with chokepoints, end demand and disruption scenarios.
//!
//! [`build()`] reads tables from any [`ModelSource`] (a folder of CSV files and a workbook are in `keel-io`),
//! validates every row, and returns either a compact index-based [`Model`] or *all* the problems found, each
//! located by file, line and column. The format is documented in `docs/model-format.md`.

pub mod build;
pub mod diag;
mod disrupt;
pub mod fixture;
pub mod ids;
mod invest;
mod kind;
pub mod model;
mod progress;
pub mod summary;
pub mod table;

pub use build::{build, columns_of, header_of, Loaded, ModelSource, RawMeta};
pub use diag::{Diagnostic, Invalid, Severity};
pub use fixture::{MemModel, TextModel};
pub use ids::*;
pub use invest::{InvestOption, Investments, OptionKind};
pub use kind::{ElementKind, UnknownKind};
pub use model::*;
pub use progress::{Progress, Silent};
pub use summary::{OptionsSummary, Summary};
pub use table::{MemTable, StringRecord, Table};
