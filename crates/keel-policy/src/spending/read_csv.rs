//! Reader of NATO's tables in tidy long form (`nato_defexp_2014_2024_long.csv`): one value per line with the
//! columns `table, title, unit, block, country, revised_flag, column, estimate, value`.
//!
//! `table`, `block`, `country`, `column`, `estimate` and `value` are read; a file without one of them is
//! refused with the header line located. `revised_flag`, when present, is NATO's star (a national law or
//! political agreement to spend 2% or more): the long form moved it out of most labels into that column. Lines of Tables 4 and 7 are skipped (see [`super::cells`]). Lines
//! whose `column` is not a year are skipped and counted in a note: in the June 2024 file these are the 372
//! lines of Table 1's constant-price block and Table 8a's personnel block, whose header row in the workbook is a
//! broken formula (`#REF!` in six columns), so the long form kept six of eleven values a member, without years. Those two figures therefore come only from
//! the workbook.
//!
//! # Complexity
//! Linear in the file (7,000 lines), then the build of [`super::cells`].

use super::cells::{self, Cell, Location, SKIPPED};
use super::Spending;
use crate::PolicyError;
use keel_model::Diagnostic;
use std::path::Path;

/// Every column of NATO's long form.
const ALL_COLUMNS: [&str; 9] = [
    "table",
    "title",
    "unit",
    "block",
    "country",
    "revised_flag",
    "column",
    "estimate",
    "value",
];

/// The columns read, in the order NATO's file has them.
const COLUMNS: [&str; 6] = ["table", "block", "country", "column", "estimate", "value"];

/// Reads the long CSV at `path`.
pub fn read(path: &Path) -> Result<Spending, PolicyError> {
    let bytes = std::fs::read(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    parse(&bytes, &file)
}

/// Parses the long CSV's bytes; `file` names it in messages.
pub fn parse(bytes: &[u8], file: &str) -> Result<Spending, PolicyError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| PolicyError::invalid(vec![crate::csv_diag::unreadable(file, &e, HINT)]))?
        .clone();
    let mut idx = [0usize; COLUMNS.len()];
    let mut diags = Vec::new();
    for (k, want) in COLUMNS.iter().enumerate() {
        match headers.iter().position(|h| h.trim() == *want) {
            Some(i) => idx[k] = i,
            None => {
                let found: Vec<&str> = headers.iter().collect();
                let unused = headers.iter().filter(|h| !ALL_COLUMNS.contains(&h.trim()));
                let unused: Vec<&str> = unused.collect();
                // One column missing and one unknown: that one was renamed, however unlike the name.
                let guess = match unused.as_slice() {
                    [only]
                        if COLUMNS
                            .iter()
                            .filter(|c| !headers.iter().any(|h| h.trim() == **c))
                            .count()
                            == 1 =>
                    {
                        Some((*only).to_string())
                    }
                    _ => keel_model::diag::did_you_mean(want, unused.iter().copied()),
                }
                .map(|g| format!("is `{g}` it, renamed? "))
                .unwrap_or_default();
                diags.push(
                    Diagnostic::error(file, format!("missing column `{want}`"))
                        .at_line(1)
                        .with_hint(format!(
                            "{guess}NATO's long form has the columns table, title, unit, block, country, \
                             revised_flag, column, estimate, value; this file has: {}",
                            found.join(", ")
                        )),
                );
            }
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    let [t_i, b_i, c_i, y_i, e_i, v_i] = idx;
    // NATO's star moved out of the label into its own column (`Poland` with `True`); optional.
    let star_i = headers.iter().position(|h| h.trim() == "revised_flag");
    let mut cells = Vec::new();
    let mut skipped_tables = 0usize;
    let mut not_years: Vec<String> = Vec::new();
    let mut not_year_count = 0usize;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(crate::csv_diag::unreadable(file, &e, HINT));
                // A damaged line (bad UTF-8 or quoting) may hide others: stop at the first.
                break;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        let get = |i: usize| rec.get(i).unwrap_or("");
        let at = |i: usize| Location {
            file: file.to_string(),
            line,
            column: Some((i + 1, headers.get(i).unwrap_or("").to_string())),
        };
        if rec.len() < headers.len() {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("{} fields, expected {}", rec.len(), headers.len()),
                )
                .at_line(line)
                .with_hint("the file may be truncated"),
            );
            continue;
        }
        let table = get(t_i).trim();
        if SKIPPED.contains(&table) {
            skipped_tables += 1;
            continue;
        }
        let Ok(year) = get(y_i).trim().parse::<u16>() else {
            not_year_count += 1;
            let c = get(y_i).trim().to_string();
            if !not_years.contains(&c) {
                not_years.push(c);
            }
            continue;
        };
        let estimate = match get(e_i).trim() {
            "True" | "true" | "TRUE" => true,
            "False" | "false" | "FALSE" => false,
            other => {
                diags.push(at(e_i).error(format!(
                    "`{}` is not True or False",
                    keel_model::diag::quote(other)
                )));
                continue;
            }
        };
        let value = match get(v_i).trim().parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                diags.push(at(v_i).error(format!(
                    "`{}` is not a number",
                    keel_model::diag::quote(get(v_i))
                )));
                continue;
            }
        };
        cells.push(Cell {
            table: table.to_string(),
            block: get(b_i).to_string(),
            label: get(c_i).to_string(),
            year,
            estimate,
            starred: star_i.is_some_and(|i| get(i).trim().eq_ignore_ascii_case("true")),
            value,
            at: Location {
                file: file.to_string(),
                line,
                column: None,
            },
        });
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    let mut notes = Vec::new();
    if skipped_tables > 0 {
        notes.push(format!(
            "{skipped_tables} lines of {} not read (derived or unlabelled)",
            SKIPPED.join(" and ")
        ));
    }
    if not_year_count > 0 {
        notes.push(format!(
            "{not_year_count} lines skipped whose column is not a year ({}): their years were lost in the long \
             form; read the workbook for them",
            not_years.join(", ")
        ));
    }
    cells::build(file, &cells, notes)
}

/// The hint for a record the csv crate cannot read.
const HINT: &str = "the NATO long table is comma-separated UTF-8 text with a header row";

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "table,title,unit,block,country,revised_flag,column,estimate,value\r\n\
        TABLE1,Table 1,Million,Current prices,Poland   (Zlotys),False,2024,True,151240.714\r\n\
        TABLE1,Table 1,Million,Constant 2015 prices,Poland   (Zlotys),False,#REF!,False,32275.6\r\n\
        TABLE3,Table 3,Based on 2015 prices,Share of real GDP (%),Poland,True,2024,True,4.120190989357147\r\n";

    #[test]
    fn reads_the_star_skips_ref_and_converts_percent() {
        let s = parse(SAMPLE.as_bytes(), "t.csv").unwrap();
        let pol = s.member("POL").unwrap();
        assert!(pol.two_percent_law);
        assert_eq!(pol.currency.as_deref(), Some("Zlotys"));
        let y = pol.year(2024).unwrap();
        assert!((y.share_gdp.unwrap() - 0.041_201_909_893_571_47).abs() < 1e-15);
        assert_eq!(y.nc_constant_2015, None);
        assert!(
            s.notes
                .iter()
                .any(|n| n.starts_with("1 lines skipped") && n.contains("#REF!")),
            "{:?}",
            s.notes
        );
    }

    #[test]
    fn every_truncation_ends_in_figures_or_located_errors() {
        let bytes = SAMPLE.as_bytes();
        for cut in 0..bytes.len() {
            match parse(&bytes[..cut], "t.csv") {
                Ok(s) => assert!(!s.members.is_empty()),
                Err(PolicyError::Invalid(inv)) => assert!(inv.error_count() > 0),
                Err(e) => panic!("cut {cut}: {e}"),
            }
        }
    }
}
