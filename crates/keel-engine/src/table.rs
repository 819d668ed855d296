//! Results as named tables of typed cells, and the bytes each format writes from them.
//!
//! People get numbers written by `keel-present` (the formatter the report uses); programs get raw,
//! full-precision numbers: a share is the fraction 0.434, never the text `43.4%`. CSV is one tidy table (unique
//! snake_case column names, empty cells where there is nothing); xlsx has one sheet per table with a frozen
//! header row and numbers as numbers.
//!
//! # Complexity
//! Every writer is linear in the number of cells.

use crate::EngineError;
use std::io::Write;

/// One cell: typed, so each format writes it its own way.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Num(f64),
    /// A fraction (0.434), shown to people as a percentage.
    Share(f64),
    /// A fraction shown with two decimals (a share of GDP as NATO prints it: 1.37%).
    Share2(f64),
    Bool(bool),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&String> for Cell {
    fn from(s: &String) -> Self {
        Cell::Text(s.clone())
    }
}
impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Num(v)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(o: Option<T>) -> Self {
        o.map_or(Cell::Empty, Into::into)
    }
}

impl Cell {
    /// The text a person reads.
    pub fn human(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(v) => keel_present::num(*v),
            Cell::Share(v) => keel_present::pct(*v),
            Cell::Share2(v) => keel_present::pct2(*v),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Cell::Empty => String::new(),
        }
    }
    /// The text a program reads: full precision (Rust's shortest round-trip form), nothing added.
    pub fn raw(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(v) | Cell::Share(v) | Cell::Share2(v) => v.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Empty => String::new(),
        }
    }
    fn right_aligned(&self) -> bool {
        matches!(
            self,
            Cell::Int(_) | Cell::Num(_) | Cell::Share(_) | Cell::Share2(_)
        )
    }
}

/// One table of results.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Machine name: the CSV file stem and the xlsx sheet name (`--table NAME` on the command line).
    pub name: &'static str,
    /// What a person reads above the table.
    pub title: String,
    /// Column headers; in CSV and xlsx written as unique snake_case names.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &'static str, title: impl Into<String>, headers: &[&str]) -> Self {
        Table {
            name,
            title: title.into(),
            headers: headers
                .iter()
                .map(std::string::ToString::to_string)
                .collect(),
            rows: Vec::new(),
        }
    }
    pub fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.headers.len(), "table {}", self.name);
        self.rows.push(cells);
    }
    /// Column names for programs: lower case, runs of other characters as one `_`.
    pub fn columns(&self) -> Vec<String> {
        self.headers.iter().map(|h| snake(h)).collect()
    }
}

fn snake(h: &str) -> String {
    let mut s = String::with_capacity(h.len());
    for c in h.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('_') {
            s.push('_');
        }
    }
    s.trim_end_matches('_').to_string()
}

/// Rows shown of `n` under a `top` limit (0 = all).
pub fn shown(n: usize, top: usize) -> usize {
    if top == 0 {
        n
    } else {
        top.min(n)
    }
}

/// Writes `t` as CSV: the header of [`Table::columns`], then raw cells.
pub fn write_csv(out: &mut dyn Write, t: &Table) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(t.columns()).map_err(csv_err)?;
    for r in &t.rows {
        w.write_record(r.iter().map(Cell::raw)).map_err(csv_err)?;
    }
    w.flush()
}

/// A CSV error as the IO error it wraps, so a closed pipe is recognised as one.
fn csv_err(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("CSV output: {other:?}")),
    }
}

/// A workbook with one sheet per table, as bytes.
pub fn xlsx_bytes(tables: &[&Table]) -> Result<Vec<u8>, EngineError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as XFormat, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| EngineError::Output(format!("xlsx: {e}"));
    let col = |c: usize| {
        u16::try_from(c).map_err(|_| EngineError::Output("xlsx: too many columns".into()))
    };
    let mut wb = Workbook::new();
    // The writer stamps the time of writing into docProps/core.xml; a fixed date keeps the same results the same
    // bytes (the zip entries' own dates are already fixed at 1980-01-01).
    let epoch = ExcelDateTime::from_ymd(1980, 1, 1).map_err(x)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = XFormat::new().set_bold();
    let percent = XFormat::new().set_num_format("0.0%");
    let percent2 = XFormat::new().set_num_format("0.00%");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name).map_err(x)?;
        for (c, h) in t.columns().iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, h, &bold)
                .map_err(x)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1)
                .map_err(|_| EngineError::Output("xlsx: too many rows".into()))?;
            for (c, cell) in row.iter().enumerate() {
                let c = col(c)?;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(x)?;
                    }
                    Cell::Int(n) => {
                        // Counts are far below 2^53, where f64 is exact.
                        ws.write_number(r, c, *n as f64).map_err(x)?;
                    }
                    Cell::Num(v) if v.is_finite() => {
                        ws.write_number(r, c, *v).map_err(x)?;
                    }
                    Cell::Share(v) if v.is_finite() => {
                        ws.write_number_with_format(r, c, *v, &percent).map_err(x)?;
                    }
                    Cell::Share2(v) if v.is_finite() => {
                        ws.write_number_with_format(r, c, *v, &percent2)
                            .map_err(x)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b).map_err(x)?;
                    }
                    Cell::Num(_) | Cell::Share(_) | Cell::Share2(_) | Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(x)?;
        ws.autofit();
    }
    wb.save_to_buffer().map_err(x)
}

/// Writes `t` for a terminal: its title, then aligned columns (numbers right-aligned), `(none)` when empty.
pub fn write_text(out: &mut dyn Write, t: &Table) -> std::io::Result<()> {
    if !t.title.is_empty() {
        writeln!(out, "{}", t.title)?;
    }
    let n = t.headers.len();
    let cells: Vec<Vec<(String, bool)>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| (c.human(), c.right_aligned())).collect())
        .collect();
    let mut width: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for r in &cells {
        for (c, (s, _)) in r.iter().enumerate().take(n) {
            width[c] = width[c].max(s.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[(String, bool)]| -> std::io::Result<()> {
        let mut s = String::new();
        for (c, (cell, right)) in cells.iter().enumerate().take(n) {
            let pad = width[c].saturating_sub(cell.chars().count());
            if c > 0 {
                s.push_str("  ");
            }
            if *right {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if c + 1 < n {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    let head: Vec<(String, bool)> = t.headers.iter().map(|h| (h.clone(), false)).collect();
    line(out, &head)?;
    let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
    writeln!(out, "{}", rule.join("  "))?;
    for r in &cells {
        line(out, r)?;
    }
    if t.rows.is_empty() {
        writeln!(out, "(none)")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_raw_and_table_cells_are_for_people() {
        let mut t = Table::new("t", "T", &["Share of X", "value (CAD)", "n"]);
        t.row(vec![
            Cell::Share(0.4337),
            Cell::Num(1234567.25),
            Cell::Empty,
        ]);
        assert_eq!(t.columns(), ["share_of_x", "value_cad", "n"]);
        let mut csv = Vec::new();
        write_csv(&mut csv, &t).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "share_of_x,value_cad,n\n0.4337,1234567.25,\n"
        );
        let mut text = Vec::new();
        write_text(&mut text, &t).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("     43.4%    1,234,567\n"), "{text}");
    }

    #[test]
    fn top_zero_shows_all() {
        assert_eq!(shown(50, 0), 50);
        assert_eq!(shown(50, 20), 20);
        assert_eq!(shown(5, 20), 5);
    }
}
