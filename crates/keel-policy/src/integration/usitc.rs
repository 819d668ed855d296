//! Reader of the USITC bilateral trade table compiled by CSIS (`USITCbilateralTrade.csv`): one row per flow
//! (source country, destination country), class (`Defense`/`Civilian`) and US end-use code, one column per year,
//! values in current US dollars as recorded by the US (imports into the US, exports from the US).
//!
//! The file is read as it is: values with thousands commas, with spaces and `.00`, or in scientific notation (the
//! civilian rows of some flows were saved with six significant figures; such cells are flagged `rounded`); an
//! end-use code cell that holds a line break (`"50000-50070\n"`) is trimmed.
//!
//! # Complexity
//! O(rows x years).

use super::cells;
use crate::PolicyError;
use keel_model::Diagnostic;
use serde::Serialize;
use std::path::Path;

/// Whether a row counts defence goods or everything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TradeClass {
    Defense,
    Civilian,
}

/// One flow of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeRow {
    /// 1-based line of the row in the file.
    pub line: u64,
    pub source: String,
    pub destination: String,
    pub class: TradeClass,
    /// US end-use code or range, e.g. `50000` or `50000-50070`.
    pub end_use_code: String,
    pub end_use: String,
    /// Current US dollars, one per year of [`TradeTable::years`]; `None` where the cell is empty.
    pub values: Vec<Option<f64>>,
    /// Whether the row's cells were written in scientific notation (six significant figures).
    pub rounded: bool,
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeTable {
    pub file: String,
    pub years: Vec<i32>,
    pub rows: Vec<TradeRow>,
}

const FIXED: [&str; 5] = [
    "SourceCountry",
    "DestinationCountry",
    "DefenseVCivilian",
    "EndUseCode",
    "EndUseDescription",
];

/// Reads the table from a file.
pub fn read_usitc(path: &Path) -> Result<TradeTable, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_usitc(&text, &cells::display_name(path))
}

/// Reads the table from its text; `file` names it in diagnostics. Every bad cell is reported, in file order.
pub fn parse_usitc(text: &str, file: &str) -> Result<TradeTable, PolicyError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| {
            PolicyError::invalid(vec![crate::csv_diag::unreadable(
                file,
                &e,
                "the file must be comma-separated UTF-8 text with a header row",
            )])
        })?
        .clone();
    let fixed = cells::columns(file, &headers, FIXED).map_err(PolicyError::invalid)?;
    let mut diags = Vec::new();
    // Every column after the five fixed ones is a year.
    let first_year_col = fixed.iter().max().copied().unwrap_or(0) + 1;
    let mut years = Vec::new();
    for (c, h) in headers.iter().enumerate().skip(first_year_col) {
        match h.trim().parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => years.push(y),
            _ => diags.push(cells::bad_cell(
                file,
                1,
                c,
                h,
                format!("`{}` is not a year", keel_model::diag::quote(h)),
                "the columns after EndUseDescription are years (1989, 1990, ...)",
            )),
        }
    }
    if years.windows(2).any(|w| w[1] <= w[0]) {
        diags.push(
            Diagnostic::error(file, "the year columns are not in increasing order")
                .at_line(1)
                .with_hint("list each year once, oldest first"),
        );
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(crate::csv_diag::unreadable(
                    file,
                    &e,
                    "the file must be comma-separated UTF-8 text with a header row",
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.len() != headers.len() {
            diags.push(crate::csv_diag::ragged(
                file,
                line,
                rec.len(),
                headers.len(),
                "every row has one cell per column; a truncated row or a stray comma?",
            ));
            continue;
        }
        let get = |k: usize| rec.get(fixed[k]).unwrap_or("").trim();
        let class = match get(2) {
            "Defense" => TradeClass::Defense,
            "Civilian" => TradeClass::Civilian,
            other => {
                diags.push(cells::bad_cell(
                    file,
                    line,
                    fixed[2],
                    FIXED[2],
                    format!(
                        "`{}` is neither Defense nor Civilian",
                        keel_model::diag::quote(other)
                    ),
                    "DefenseVCivilian is `Defense` or `Civilian`",
                ));
                continue;
            }
        };
        let mut values = Vec::with_capacity(years.len());
        let mut rounded = false;
        for (k, _) in years.iter().enumerate() {
            let c = first_year_col + k;
            let cell = rec.get(c).unwrap_or("");
            if cell.trim().is_empty() {
                values.push(None);
                continue;
            }
            match cells::number(cell) {
                Some(v) if v >= 0.0 => {
                    rounded |= cells::is_rounded(cell);
                    values.push(Some(v));
                }
                _ => {
                    diags.push(cells::bad_cell(
                        file,
                        line,
                        c,
                        &headers[c],
                        format!("`{}` is not a trade value", keel_model::diag::quote(cell)),
                        "a value in US dollars, e.g. 128,269,919 or 1.13887E+11; leave the cell empty if unknown",
                    ));
                    values.push(None);
                }
            }
        }
        rows.push(TradeRow {
            line,
            source: get(0).to_string(),
            destination: get(1).to_string(),
            class,
            end_use_code: get(3).to_string(),
            end_use: get(4).to_string(),
            values,
            rounded,
        });
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    Ok(TradeTable {
        file: file.to_string(),
        years,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "SourceCountry,DestinationCountry,DefenseVCivilian,EndUseCode,EndUseDescription,2014,2015\n\
Canada,United States,Defense,50000,MILITARY AIRCRAFT AND PARTS,\"1,000\",\"2,500\"\n\
United States,Canada,Defense,\"50000-50070\n\",MILITARY GOODS,400,\n\
Canada,United States,Civilian,00000-42110 & 50020-50040 ,NON-MILITARY GOODS,\" 9,000.00 \",1.5E+04\n";

    #[test]
    fn reads_every_number_form_and_trims_codes() {
        let t = parse_usitc(SMALL, "t.csv").unwrap();
        assert_eq!(t.years, vec![2014, 2015]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].values, vec![Some(1000.0), Some(2500.0)]);
        assert_eq!(t.rows[1].end_use_code, "50000-50070");
        assert_eq!(t.rows[1].values, vec![Some(400.0), None]);
        assert_eq!(t.rows[2].end_use_code, "00000-42110 & 50020-50040");
        assert_eq!(t.rows[2].values, vec![Some(9000.0), Some(15000.0)]);
        assert!(t.rows[2].rounded && !t.rows[0].rounded);
        // Line numbers count the line break inside the quoted code cell.
        assert_eq!(t.rows[2].line, 5);
    }

    #[test]
    fn bad_cells_are_located_and_reported_together() {
        let bad = SMALL
            .replace("\"2,500\"", "n/a")
            .replace(",400,", ",-5,")
            .replace(",Civilian,", ",Civil,");
        let Err(PolicyError::Invalid(inv)) = parse_usitc(&bad, "t.csv") else {
            panic!("bad cells must be rejected")
        };
        let found: Vec<(Option<u64>, Option<usize>)> = inv
            .diagnostics
            .iter()
            .map(|d| (d.line, d.column.as_ref().map(|c| c.0)))
            .collect();
        assert_eq!(
            found,
            vec![(Some(2), Some(7)), (Some(3), Some(6)), (Some(5), Some(3))]
        );
    }

    #[test]
    fn a_renamed_column_is_named() {
        let bad = SMALL.replace("EndUseCode", "EndUse_Code");
        let Err(PolicyError::Invalid(inv)) = parse_usitc(&bad, "t.csv") else {
            panic!("a missing column must be rejected")
        };
        assert_eq!(inv.diagnostics.len(), 1);
        assert!(inv.diagnostics[0].message.contains("`EndUseCode`"));
        assert!(inv.diagnostics[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("EndUse_Code"));
    }
}
