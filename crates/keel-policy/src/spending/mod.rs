//! NATO's defence expenditure tables: what they hold ([`Spending`]), the two readers of the published files
//! ([`read_csv`] for the tidy long CSV, [`read_xlsx`] for the original workbook, both through [`cells`]), and
//! the analyses: the gaps to 2%, 3.5% and 5% of GDP ([`gaps`]), the path to 3.5% by 2035 ([`path`]) and the
//! per-member summary with its ranking ([`summary`]).
//!
//! Source: NATO Public Diplomacy Division, "Defence Expenditure of NATO Countries (2014-2024)", press release
//! tables of 17 June 2024 (`240617-def-exp-2024-TABLES-en.xlsx`). Figures for 2023 and 2024 are estimates.

pub mod cells;
pub mod gaps;
pub mod path;
pub mod read_csv;
pub mod read_xlsx;
pub mod summary;

use crate::PolicyError;
use serde::Serialize;
use std::path::Path;

/// The citation every output names.
pub const SOURCE: &str =
    "NATO, Defence Expenditure of NATO Countries (2014-2024), press release tables of 17 June \
                          2024; 2023 and 2024 are estimates (e)";

/// One member's (or aggregate's) figures for one year. Shares are fractions (NATO prints percentages: 1.37% is
/// 0.0137 here); money is in millions, as NATO prints it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct YearFigures {
    pub year: u16,
    /// NATO marks the year as an estimate (`e`).
    pub estimate: bool,
    /// Defence expenditure, million national currency units, current prices (Table 1).
    pub nc_current: Option<f64>,
    /// The same at constant 2015 prices (Table 1).
    pub nc_constant_2015: Option<f64>,
    /// Million US dollars, current prices and exchange rates (Table 2).
    pub usd_current: Option<f64>,
    /// Million US dollars, constant 2015 prices and exchange rates (Table 2).
    pub usd_constant_2015: Option<f64>,
    /// Defence expenditure as a share of real GDP (Table 3).
    pub share_gdp: Option<f64>,
    /// Annual real change of defence expenditure (Table 3).
    pub real_change: Option<f64>,
    /// GDP, million US dollars, current prices (Table 5).
    pub gdp_usd_current: Option<f64>,
    /// GDP, million US dollars, constant 2015 prices (Table 5).
    pub gdp_usd_constant_2015: Option<f64>,
    /// GDP per capita, US dollars at 2015 prices (Table 6, printed in thousands).
    pub gdp_per_capita_usd_2015: Option<f64>,
    /// Defence expenditure per capita, US dollars at 2015 prices (Table 6).
    pub per_capita_usd_2015: Option<f64>,
    /// Share of defence expenditure on equipment, incl. R&D on major equipment (Table 8a).
    pub equipment_share: Option<f64>,
    /// Share on personnel, incl. pensions (Table 8a).
    pub personnel_share: Option<f64>,
    /// Share on infrastructure (Table 8b).
    pub infrastructure_share: Option<f64>,
    /// Share on operations, maintenance and other (Table 8b).
    pub other_share: Option<f64>,
}

/// A member as the tables name it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    /// ISO 3166-1 alpha-3 code (`CAN`); the aggregates have `NATO-EUR-CAN` and `NATO`.
    pub code: String,
    /// The name NATO prints, without its footnote star (`Czechia`).
    pub name: String,
    /// National currency as printed in Table 1 (`Canadian dollars`).
    pub currency: Option<String>,
    /// NATO's star: national law or political agreement to spend 2% of GDP or more.
    pub two_percent_law: bool,
    /// One entry per year of the tables, in year order.
    pub years: Vec<YearFigures>,
}

impl Member {
    /// The figures for `year`.
    pub fn year(&self, year: u16) -> Option<&YearFigures> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// NATO's tables as read from one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spending {
    /// The file read.
    pub file: String,
    /// The Allies, in NATO's order (alphabetical by English name).
    pub members: Vec<Member>,
    /// NATO Europe and Canada, NATO Total.
    pub aggregates: Vec<Member>,
    /// What was read but not used, e.g. the CSV rows whose column is the broken formula `#REF!`.
    pub notes: Vec<String>,
}

impl Spending {
    /// The member with ISO code, or NATO name, `query` (any case).
    pub fn member(&self, query: &str) -> Option<&Member> {
        self.members
            .iter()
            .chain(&self.aggregates)
            .find(|m| m.code.eq_ignore_ascii_case(query) || m.name.eq_ignore_ascii_case(query))
    }

    /// The last year of the tables (2024 in the June 2024 release).
    pub fn last_year(&self) -> Option<u16> {
        self.members
            .iter()
            .flat_map(|m| m.years.iter().map(|y| y.year))
            .max()
    }
}

/// Reads NATO's tables from the long CSV or the workbook, by the file's extension.
pub fn read(path: &Path) -> Result<Spending, PolicyError> {
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        read_xlsx::read(path)
    } else {
        read_csv::read(path)
    }
}
