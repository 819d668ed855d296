//! Reader of NATO's original workbook (`240617-def-exp-2024-TABLES-en.xlsx`), read directly with calamine:
//! one sheet per table (`TABLE1` ... `TABLE8b`), laid out for print.
//!
//! In each sheet: the header row is the first row with year cells (`2014` ... `2022`, `2023e`, `2024e`; an `e`
//! marks an estimate); after it, a row with text in the leftmost label column (B) and no numbers opens a block
//! (`Current prices`); a row with a label (column C for members, B for the aggregates) and numbers under the
//! years is a member's or aggregate's figures. Rows without a label (the stray `#REF!` and `0` rows under some
//! blocks), notes and page numbers (`-7-`) are not figures. Cells under the years that are not numbers are
//! skipped; every value keeps its sheet, row and column for messages.
//!
//! # Complexity
//! Linear in the used cells of the nine sheets, then the build of [`super::cells`].

use super::cells::{self, Cell, Location, SKIPPED};
use super::Spending;
use crate::PolicyError;
use calamine::{open_workbook, Data, Reader, Xlsx};
use keel_model::Diagnostic;
use std::path::Path;

/// Reads the workbook at `path`.
pub fn read(path: &Path) -> Result<Spending, PolicyError> {
    if let Err(source) = std::fs::metadata(path) {
        return Err(PolicyError::Io {
            path: path.to_path_buf(),
            source,
        });
    }
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let damaged = |why: String| {
        PolicyError::invalid(vec![Diagnostic::error(&file, format!(
            "not an .xlsx workbook, or damaged ({why})"
        ))
        .with_hint("NATO publishes the tables as 240617-def-exp-2024-TABLES-en.xlsx; give that file, or the long CSV")])
    };
    // calamine may panic on some damaged archives; bad input must end in an error, not a crash.
    let opened = std::panic::catch_unwind(|| open_workbook::<Xlsx<_>, _>(path))
        .map_err(|_| damaged("its reader failed on it".into()))?;
    let mut book = opened.map_err(|e| damaged(e.to_string()))?;
    let names = book.sheet_names();
    let mut cells_read = Vec::new();
    let mut diags = Vec::new();
    let mut skipped = 0usize;
    let mut unlabelled = 0usize;
    for name in &names {
        let label = format!("{file}[{name}]");
        if SKIPPED.contains(&name.as_str()) {
            skipped += 1;
            continue;
        }
        let range = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            book.worksheet_range(name)
        })) {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                diags.push(Diagnostic::error(
                    &label,
                    format!("the sheet cannot be read: {e}"),
                ));
                continue;
            }
            Err(_) => {
                diags.push(Diagnostic::error(&label, "the sheet cannot be read"));
                continue;
            }
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let rows: Vec<&[Data]> = range.rows().collect();
        let Some((h, years)) = rows.iter().enumerate().find_map(|(k, r)| {
            let ys: Vec<(usize, u16, bool)> = r
                .iter()
                .enumerate()
                .filter_map(|(c, d)| year_cell(d).map(|(y, e)| (c, y, e)))
                .collect();
            (ys.len() >= 3).then_some((k, ys))
        }) else {
            diags.push(
                Diagnostic::error(&label, "no header row of years (2014 ... 2024e)")
                    .with_hint("the sheet should hold one of NATO's tables as published"),
            );
            continue;
        };
        let first_year_col = years.iter().map(|y| y.0).min().unwrap_or(0);
        // The leftmost column holding a label after the header: where block titles and aggregates are.
        let label_of = |r: &[Data]| -> Option<(usize, String)> {
            r.iter()
                .take(first_year_col)
                .enumerate()
                .find_map(|(c, d)| match d {
                    Data::String(s) if !s.trim().is_empty() => Some((c, s.clone())),
                    _ => None,
                })
        };
        let block_col = rows[h + 1..]
            .iter()
            .filter_map(|r| label_of(r).map(|l| l.0))
            .min()
            .unwrap_or(0);
        let mut block = String::new();
        for (k, r) in rows.iter().enumerate().skip(h + 1) {
            let line = u64::from(r0) + k as u64 + 1;
            let numbers: Vec<(usize, u16, bool, f64)> = years
                .iter()
                .filter_map(|&(c, y, e)| number(r.get(c)?).map(|v| (c, y, e, v)))
                .collect();
            match (label_of(r), numbers.is_empty()) {
                (Some((c, text)), true) if c == block_col && !is_page_number(&text) => {
                    block = text.trim().to_string();
                }
                (Some((_, text)), false) => {
                    for (c, year, estimate, value) in numbers {
                        let col = c0 as usize + c;
                        cells_read.push(Cell {
                            table: name.clone(),
                            block: block.clone(),
                            label: text.clone(),
                            year,
                            estimate,
                            starred: false,
                            value,
                            at: Location {
                                file: label.clone(),
                                line,
                                column: Some((col + 1, column_letters(col))),
                            },
                        });
                    }
                }
                (None, false) => unlabelled += 1,
                _ => {}
            }
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    let mut notes = Vec::new();
    if skipped > 0 {
        notes.push(format!(
            "sheets {} not read (derived or unlabelled)",
            SKIPPED.join(" and ")
        ));
    }
    if unlabelled > 0 {
        notes.push(format!(
            "{unlabelled} row(s) of numbers without a label skipped (stray rows under some blocks)"
        ));
    }
    cells::build(&file, &cells_read, notes)
}

/// A header cell naming a year: `2019` (text or number) or `2023e` (an estimate).
fn year_cell(d: &Data) -> Option<(u16, bool)> {
    let (text, estimate) = match d {
        Data::String(s) => {
            let s = s.trim();
            match s.strip_suffix('e') {
                Some(y) => (y.to_string(), true),
                None => (s.to_string(), false),
            }
        }
        Data::Float(f) if f.fract() == 0.0 => (format!("{f}"), false),
        Data::Int(i) => (i.to_string(), false),
        _ => return None,
    };
    let y: u16 = text.parse().ok()?;
    (1900..=2100).contains(&y).then_some((y, estimate))
}

fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) if f.is_finite() => Some(*f),
        #[allow(clippy::cast_precision_loss)]
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// NATO's page numbers under each table: `-7-`.
fn is_page_number(s: &str) -> bool {
    let s = s.trim();
    s.len() >= 3
        && s.starts_with('-')
        && s.ends_with('-')
        && s[1..s.len() - 1].chars().all(|c| c.is_ascii_digit())
}

/// A 0-based column as spreadsheet letters: 0 is `A`, 26 is `AA`.
fn column_letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_headers_and_page_numbers() {
        assert_eq!(year_cell(&Data::String("2023e".into())), Some((2023, true)));
        assert_eq!(year_cell(&Data::String("2019".into())), Some((2019, false)));
        assert_eq!(year_cell(&Data::Float(2016.0)), Some((2016, false)));
        assert_eq!(year_cell(&Data::String("Canada".into())), None);
        assert!(is_page_number("-7-") && !is_page_number("Notes") && !is_page_number("-"));
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(27), "AB");
    }
}
