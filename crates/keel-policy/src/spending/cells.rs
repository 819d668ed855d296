//! The one shape both NATO readers produce: located cells `(table, block, row label, year, estimate, value)`,
//! the shape of NATO's own tidy long CSV, and how they become [`Spending`]. Sharing this step is what makes the
//! CSV and the workbook give the same values by construction of everything but the reading itself.
//!
//! Which table and block hold which figure (NATO's numbering of June 2024):
//!
//! | table | block | figure |
//! | --- | --- | --- |
//! | TABLE1 | Current prices / Constant 2015 prices | expenditure, million national currency |
//! | TABLE2 | Current / Constant 2015 prices and exchange rates | expenditure, million USD |
//! | TABLE3 | Share of real GDP (%) / Annual real change (%) | share of GDP, real change |
//! | TABLE5 | Current / Constant 2015 prices and exchange rates | GDP, million USD |
//! | TABLE6 | GDP per capita (thousand US dollars) / Defence expenditure per capita (US dollars) | per capita, 2015 prices |
//! | TABLE8a | Equipment (a) / Personnel (b) | shares of expenditure |
//! | TABLE8b | Infrastructure (c) / Other (d) | shares of expenditure |
//!
//! Tables 4 (real change 2014-2024, derived from Table 2) and 7 (an unlabelled chart series) are not read.
//! Percentages become fractions; GDP per capita, printed in thousands, becomes dollars.
//!
//! # Complexity
//! O(c log c) for c cells (members and years are kept sorted); 6,000 cells in the June 2024 tables.

use super::{Member, Spending, YearFigures};
use crate::countries::Countries;
use crate::PolicyError;
use keel_model::Diagnostic;
use std::collections::BTreeMap;

/// Where a cell was found: file (or `workbook.xlsx[SHEET]`), 1-based line or row, and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: Option<(usize, String)>,
}

impl Location {
    pub(crate) fn error(&self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(&self.file, message).at_line(self.line);
        match &self.column {
            Some((c, name)) => d.at_column(*c, name),
            None => d,
        }
    }
}

/// One value of NATO's tables.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// `TABLE1` ... `TABLE8b`.
    pub table: String,
    /// The block title within the table (`Current prices`).
    pub block: String,
    /// The row label as printed (`Canada   (Canadian dollars)`, `Czechia*`, `NATO Total`).
    pub label: String,
    pub year: u16,
    pub estimate: bool,
    /// NATO's star given apart from the label (the long CSV's `revised_flag`).
    pub starred: bool,
    pub value: f64,
    pub at: Location,
}

/// Which figure of [`YearFigures`] a block holds, and the factor from NATO's unit to Keel's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    NcCurrent,
    NcConstant,
    UsdCurrent,
    UsdConstant,
    ShareGdp,
    RealChange,
    GdpCurrent,
    GdpConstant,
    GdpPerCapita,
    PerCapita,
    Equipment,
    Personnel,
    Infrastructure,
    Other,
}

impl Field {
    fn factor(self) -> f64 {
        match self {
            Field::ShareGdp
            | Field::RealChange
            | Field::Equipment
            | Field::Personnel
            | Field::Infrastructure
            | Field::Other => 0.01,
            Field::GdpPerCapita => 1000.0,
            _ => 1.0,
        }
    }
    fn slot(self, y: &mut YearFigures) -> &mut Option<f64> {
        match self {
            Field::NcCurrent => &mut y.nc_current,
            Field::NcConstant => &mut y.nc_constant_2015,
            Field::UsdCurrent => &mut y.usd_current,
            Field::UsdConstant => &mut y.usd_constant_2015,
            Field::ShareGdp => &mut y.share_gdp,
            Field::RealChange => &mut y.real_change,
            Field::GdpCurrent => &mut y.gdp_usd_current,
            Field::GdpConstant => &mut y.gdp_usd_constant_2015,
            Field::GdpPerCapita => &mut y.gdp_per_capita_usd_2015,
            Field::PerCapita => &mut y.per_capita_usd_2015,
            Field::Equipment => &mut y.equipment_share,
            Field::Personnel => &mut y.personnel_share,
            Field::Infrastructure => &mut y.infrastructure_share,
            Field::Other => &mut y.other_share,
        }
    }
}

/// The tables read.
const READ: [&str; 7] = [
    "TABLE1", "TABLE2", "TABLE3", "TABLE5", "TABLE6", "TABLE8a", "TABLE8b",
];
/// The tables known and deliberately not read (the readers skip them and say so in a note).
pub(crate) const SKIPPED: [&str; 2] = ["TABLE4", "TABLE7"];

/// The blocks of `table`, as printed, with the figure each holds.
fn blocks(table: &str) -> &'static [(&'static str, Field)] {
    match table {
        "TABLE1" => &[
            ("Current prices", Field::NcCurrent),
            ("Constant 2015 prices", Field::NcConstant),
        ],
        "TABLE2" => &[
            ("Current prices and exchange rates", Field::UsdCurrent),
            (
                "Constant 2015 prices and exchange rates",
                Field::UsdConstant,
            ),
        ],
        "TABLE3" => &[
            ("Share of real GDP (%)", Field::ShareGdp),
            ("Annual real change (%)", Field::RealChange),
        ],
        "TABLE5" => &[
            ("Current prices and exchange rates", Field::GdpCurrent),
            (
                "Constant 2015 prices and exchange rates",
                Field::GdpConstant,
            ),
        ],
        "TABLE6" => &[
            ("GDP per capita (thousand US dollars)", Field::GdpPerCapita),
            (
                "Defence expenditure per capita (US dollars)",
                Field::PerCapita,
            ),
        ],
        "TABLE8a" => &[
            ("Equipment (a)", Field::Equipment),
            ("Personnel (b)", Field::Personnel),
        ],
        "TABLE8b" => &[
            ("Infrastructure (c)", Field::Infrastructure),
            ("Other (d)", Field::Other),
        ],
        _ => &[],
    }
}

/// A row label split into name, currency and NATO's 2%-law star: `Czechia*   (Koruny)` is
/// (`Czechia`, `Koruny`, true).
pub(crate) fn split_label(label: &str) -> (String, Option<String>, bool) {
    let label = label.trim();
    let (name, currency) = match label.find('(') {
        Some(k) if label.ends_with(')') => (
            label[..k].trim(),
            Some(label[k + 1..label.len() - 1].trim().to_string()),
        ),
        _ => (label, None),
    };
    let star = name.ends_with('*');
    (
        name.trim_end_matches('*').trim().to_string(),
        currency,
        star,
    )
}

/// The aggregates NATO prints, with the codes Keel gives them.
const AGGREGATES: [(&str, &str); 2] = [
    ("NATO Europe and Canada", "NATO-EUR-CAN"),
    ("NATO Total", "NATO"),
];

/// Builds the tables from located cells; every problem is reported, in file order.
pub(crate) fn build(
    file: &str,
    cells: &[Cell],
    notes: Vec<String>,
) -> Result<Spending, PolicyError> {
    let countries = Countries::builtin();
    let mut diags = Vec::new();
    // (is aggregate, first-seen order, code) -> member under construction.
    let mut order: Vec<(bool, String)> = Vec::new();
    let mut built: BTreeMap<String, Member> = BTreeMap::new();
    let mut values: BTreeMap<(String, u16, Field), (f64, Location)> = BTreeMap::new();
    let mut estimates: BTreeMap<u16, (bool, Location)> = BTreeMap::new();
    for c in cells {
        if !READ.contains(&c.table.as_str()) {
            diags.push(
                c.at.error(format!("unknown table `{}`", c.table))
                    .with_hint(format!(
                        "NATO's June 2024 tables are {} and {}",
                        READ.join(", "),
                        SKIPPED.join(", ")
                    )),
            );
            continue;
        }
        let block = c.block.trim();
        let Some(&(_, field)) = blocks(&c.table).iter().find(|(b, _)| *b == block) else {
            let known: Vec<&str> = blocks(&c.table).iter().map(|(b, _)| *b).collect();
            diags.push(
                c.at.error(format!("{}: unknown block `{block}`", c.table))
                    .with_hint(format!("{} has the blocks: {}", c.table, known.join("; "))),
            );
            continue;
        };
        let (name, currency, star) = split_label(&c.label);
        let code = if let Some((_, code)) = AGGREGATES.iter().find(|(n, _)| *n == name) {
            (*code).to_string()
        } else if let Some(k) = countries.by_nato_name(&name) {
            k.iso3.clone()
        } else {
            diags.push(
                c.at.error(format!(
                    "`{}` is not a NATO member Keel knows",
                    c.label.trim()
                ))
                .with_hint(
                    "members are listed in crates/keel-policy/data/countries.csv (nato_name)",
                ),
            );
            continue;
        };
        if !built.contains_key(&code) {
            order.push((AGGREGATES.iter().any(|(n, _)| *n == name), code.clone()));
            built.insert(
                code.clone(),
                Member {
                    code: code.clone(),
                    name: name.clone(),
                    currency: None,
                    two_percent_law: false,
                    years: Vec::new(),
                },
            );
        }
        let m = built.get_mut(&code).expect("inserted above");
        if currency.is_some() {
            m.currency = currency;
        }
        m.two_percent_law |= star || c.starred;
        match estimates.get(&c.year) {
            Some((e, first)) if *e != c.estimate => diags.push(c.at.error(format!(
                "{} is marked {} here but {} at {}:{}",
                c.year,
                if c.estimate { "an estimate" } else { "final" },
                if *e { "an estimate" } else { "final" },
                first.file,
                first.line
            ))),
            Some(_) => {}
            None => {
                estimates.insert(c.year, (c.estimate, c.at.clone()));
            }
        }
        let key = (code, c.year, field);
        match values.get(&key) {
            // The same figure printed twice (the aggregates appear in several tables) must agree.
            Some((v, first)) if v.to_bits() != c.value.to_bits() => {
                diags.push(c.at.error(format!(
                    "{} {}: {} here but {} at {}:{}",
                    key.0, c.year, c.value, v, first.file, first.line
                )));
            }
            Some(_) => {}
            None => {
                values.insert(key, (c.value, c.at.clone()));
            }
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    if values.is_empty() {
        return Err(PolicyError::invalid(vec![Diagnostic::error(
            file,
            "no figures found in NATO's defence expenditure tables",
        )
        .with_hint(
            "expected the tables of NATO's press release (TABLE1 ... TABLE8b)",
        )]));
    }
    let years: Vec<u16> = estimates.keys().copied().collect();
    for m in built.values_mut() {
        m.years = years
            .iter()
            .map(|&y| YearFigures {
                year: y,
                estimate: estimates[&y].0,
                ..YearFigures::default()
            })
            .collect();
    }
    for ((code, year, field), (v, _)) in &values {
        let m = built.get_mut(code).expect("member built for every value");
        let y = m
            .years
            .iter_mut()
            .find(|f| f.year == *year)
            .expect("every year of the file");
        *field.slot(y) = Some(v * field.factor());
    }
    let mut members = Vec::new();
    let mut aggregates = Vec::new();
    for (is_aggregate, code) in order {
        let m = built.remove(&code).expect("each code once in order");
        if is_aggregate {
            aggregates.push(m);
        } else {
            members.push(m);
        }
    }
    Ok(Spending {
        file: file.to_string(),
        members,
        aggregates,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_into_name_currency_and_star() {
        assert_eq!(
            split_label("Czechia*   (Koruny)"),
            ("Czechia".into(), Some("Koruny".into()), true)
        );
        assert_eq!(
            split_label("Canada   (Canadian dollars)"),
            ("Canada".into(), Some("Canadian dollars".into()), false)
        );
        assert_eq!(
            split_label("NATO Total"),
            ("NATO Total".into(), None, false)
        );
        assert_eq!(split_label("Poland*"), ("Poland".into(), None, true));
    }

    fn cell(table: &str, block: &str, label: &str, year: u16, value: f64, line: u64) -> Cell {
        Cell {
            table: table.into(),
            block: block.into(),
            label: label.into(),
            year,
            estimate: year >= 2023,
            starred: false,
            value,
            at: Location {
                file: "t.csv".into(),
                line,
                column: None,
            },
        }
    }

    #[test]
    fn figures_land_in_their_fields_in_keel_units() {
        let s = build(
            "t.csv",
            &[
                cell("TABLE3", "Share of real GDP (%)", "Canada", 2024, 1.37, 2),
                cell(
                    "TABLE6",
                    "GDP per capita (thousand US dollars)",
                    "Canada",
                    2024,
                    44.5,
                    3,
                ),
                cell(
                    "TABLE1",
                    "Current prices",
                    "Canada   (Canadian dollars)",
                    2024,
                    41012.0,
                    4,
                ),
                cell(
                    "TABLE2",
                    "Current prices and exchange rates",
                    "NATO Total",
                    2024,
                    1.5e6,
                    5,
                ),
            ],
            Vec::new(),
        )
        .unwrap();
        let y = s.member("CAN").unwrap().year(2024).unwrap();
        assert!((y.share_gdp.unwrap() - 0.0137).abs() < 1e-15);
        assert_eq!(y.gdp_per_capita_usd_2015, Some(44_500.0));
        assert_eq!(y.nc_current, Some(41012.0));
        assert!(y.estimate);
        assert_eq!(s.aggregates[0].code, "NATO");
    }

    #[test]
    fn unknown_blocks_members_and_disagreeing_figures_are_located() {
        let e = build(
            "t.csv",
            &[
                cell("TABLE1", "Current prices", "Canada", 2024, 1.0, 2),
                cell("TABLE1", "Currnet prices", "Canada", 2024, 1.0, 3),
                cell("TABLE1", "Current prices", "Atlantis", 2024, 1.0, 4),
                cell("TABLE1", "Current prices", "Canada", 2024, 2.0, 5),
            ],
            Vec::new(),
        )
        .unwrap_err();
        let PolicyError::Invalid(inv) = e else {
            panic!("{e}")
        };
        let lines: Vec<Option<u64>> = inv.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![Some(3), Some(4), Some(5)]);
        assert!(inv.diagnostics[0]
            .message
            .contains("unknown block `Currnet prices`"));
        assert!(
            inv.diagnostics[2]
                .message
                .contains("2 here but 1 at t.csv:2"),
            "{}",
            inv.diagnostics[2]
        );
    }
}
