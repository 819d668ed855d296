//! Printing results: aligned text tables for people; tidy CSV, JSON and xlsx for programs.
//!
//! Every command builds its results as named [`Table`]s of typed [`Cell`]s and hands them to [`emit`] with the
//! JSON document of the same run. People get numbers written by `keel-present` (the formatter the report uses);
//! programs get raw, full-precision numbers: a share is the fraction 0.434, never the text `43.4%`.
//!
//! - `--format table` prints every table (or the one `--table` names), each under its title.
//! - `--format csv` prints ONE tidy table: the command's main table, or `--table NAME`; with `-o DIR` (a path
//!   without a `.csv` ending) it writes every table as `DIR/NAME.csv`. No comment lines, unique column names, empty cells
//!   where there is nothing.
//! - `--format xlsx -o FILE` writes one sheet per table: a frozen header row, numbers as numbers.
//! - `--format json` prints the JSON document.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The one default of every `--top` flag: rows (or elements) shown per list; 0 shows all.
pub(crate) const TOP: usize = 20;

static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets the global `--quiet` (no progress bars, no notes on standard error).
pub(crate) fn set_quiet(q: bool) {
    QUIET.store(q, Ordering::Relaxed);
}

/// Whether `--quiet` was given.
pub(crate) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A note for the person at the terminal, on standard error (silenced by `--quiet`).
pub(crate) fn note(text: &str) {
    if !quiet() {
        eprintln!("{text}");
    }
}

/// How results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON document.
    Json,
    /// One tidy table of comma-separated values (see `--table`; `-o DIR` writes every table).
    Csv,
    /// An Excel workbook, one sheet per table (needs `-o FILE`).
    Xlsx,
}

/// The output options every analysis takes.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Which table to write (CSV: one table; `--table help` lists them). Default: the command's main table.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Write to this file instead of standard output. With `--format csv`, a path not ending in `.csv` is a
    /// folder that receives every table as NAME.csv.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// One cell: typed, so each format writes it its own way.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
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
    fn human(&self) -> String {
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
    fn raw(&self) -> String {
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
#[derive(Clone, Debug)]
pub(crate) struct Table {
    /// Machine name: `--table NAME`, the CSV file stem and the xlsx sheet name.
    pub name: &'static str,
    /// What a person reads above the table.
    pub title: String,
    /// Column headers; in CSV and xlsx written as unique snake_case names.
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(name: &'static str, title: impl Into<String>, headers: &[&str]) -> Self {
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
    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.headers.len(), "table {}", self.name);
        self.rows.push(cells);
    }
    /// Column names for programs: lower case, runs of other characters as one `_`.
    pub(crate) fn columns(&self) -> Vec<String> {
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

/// Rows shown of `n` under `--top top` (0 = all).
pub(crate) fn shown(n: usize, top: usize) -> usize {
    if top == 0 {
        n
    } else {
        top.min(n)
    }
}

/// Writes the results as `o` asks: `tables` in the order a person reads them, `main` the name of the table CSV
/// writes by default, `json` the JSON document.
pub(crate) fn emit(
    o: &OutputArgs,
    tables: &[Table],
    main: &str,
    json: &serde_json::Value,
) -> anyhow::Result<()> {
    let main = tables.iter().position(|t| t.name == main).unwrap_or(0);
    let chosen: Vec<&Table> = match o.table.as_deref() {
        None if o.format == Format::Csv => vec![&tables[main]],
        None => tables.iter().collect(),
        Some("help") => {
            let names: Vec<String> = tables
                .iter()
                .enumerate()
                .map(|(k, t)| {
                    format!(
                        "{}{}: {}",
                        t.name,
                        if k == main { " (default)" } else { "" },
                        t.title
                    )
                })
                .collect();
            writeln!(std::io::stdout().lock(), "{}", names.join("\n"))?;
            return Ok(());
        }
        Some(w) => match tables.iter().find(|t| t.name == w) {
            Some(t) => vec![t],
            None => {
                let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
                return Err(crate::BadInput(format!(
                    "unknown table `{w}`{}; this command's tables are: {}",
                    keel_see::suggest::did_you_mean(w, names.iter().copied()),
                    names.join(", ")
                ))
                .into());
            }
        },
    };
    match o.format {
        Format::Json => to_sink(o.output.as_deref(), |out| {
            serde_json::to_writer_pretty(&mut *out, json).map_err(json_err)?;
            writeln!(out)?;
            Ok(())
        }),
        Format::Table => to_sink(o.output.as_deref(), |out| {
            for (k, t) in chosen.iter().enumerate() {
                if k > 0 {
                    writeln!(out)?;
                }
                write_text(out, t)?;
            }
            Ok(())
        }),
        Format::Csv => match &o.output {
            Some(dir) if !is_csv_file(dir) => {
                let tables: Vec<&Table> = if o.table.is_some() {
                    chosen
                } else {
                    tables.iter().collect()
                };
                std::fs::create_dir_all(dir)
                    .map_err(|e| anyhow::anyhow!("cannot create folder {}: {e}", dir.display()))?;
                for t in &tables {
                    let path = dir.join(format!("{}.csv", t.name));
                    let f = std::fs::File::create(&path)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    let mut w = std::io::BufWriter::new(f);
                    write_csv(&mut w, t)?;
                    w.flush()?;
                }
                note(&format!(
                    "Wrote {} CSV files to {}: {}.",
                    tables.len(),
                    dir.display(),
                    tables
                        .iter()
                        .map(|t| format!("{}.csv", t.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                Ok(())
            }
            _ => to_sink(o.output.as_deref(), |out| write_csv(out, chosen[0])),
        },
        Format::Xlsx => {
            let Some(path) = &o.output else {
                return Err(crate::BadInput(
                    "--format xlsx writes a workbook: give its file name with -o FILE.xlsx".into(),
                )
                .into());
            };
            write_xlsx(path, &chosen)?;
            note(&format!(
                "Wrote {} ({} sheets: {}).",
                path.display(),
                chosen.len(),
                chosen.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
            ));
            Ok(())
        }
    }
}

fn is_csv_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// Runs `f` on standard output, or on the file `path` when given.
fn to_sink(
    path: Option<&Path>,
    f: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match path {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            f(&mut out)?;
            out.flush()?;
            Ok(())
        }
        Some(p) => {
            let file = std::fs::File::create(p)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
            let mut out = std::io::BufWriter::new(file);
            f(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// A JSON error as the IO error it wraps, so a closed pipe is recognised as one.
fn json_err(e: serde_json::Error) -> anyhow::Error {
    match e.io_error_kind() {
        Some(kind) => std::io::Error::from(kind).into(),
        None => e.into(),
    }
}

/// A CSV error as the IO error it wraps, so a closed pipe is recognised as one.
fn csv_err(e: csv::Error) -> anyhow::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io.into(),
        other => anyhow::anyhow!("CSV output: {other:?}"),
    }
}

fn write_csv(out: &mut dyn Write, t: &Table) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(t.columns()).map_err(csv_err)?;
    for r in &t.rows {
        w.write_record(r.iter().map(Cell::raw)).map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}

fn write_xlsx(path: &Path, tables: &[&Table]) -> anyhow::Result<()> {
    use rust_xlsxwriter::{Format as XFormat, Workbook};
    let mut wb = Workbook::new();
    let bold = XFormat::new().set_bold();
    let percent = XFormat::new().set_num_format("0.0%");
    let percent2 = XFormat::new().set_num_format("0.00%");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name)?;
        for (c, h) in t.columns().iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 1)?;
            for (c, cell) in row.iter().enumerate() {
                let c = col(c)?;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Int(n) => {
                        // Counts are far below 2^53, where f64 is exact.
                        ws.write_number(r, c, *n as f64)?;
                    }
                    Cell::Num(v) if v.is_finite() => {
                        ws.write_number(r, c, *v)?;
                    }
                    Cell::Share(v) if v.is_finite() => {
                        ws.write_number_with_format(r, c, *v, &percent)?;
                    }
                    Cell::Share2(v) if v.is_finite() => {
                        ws.write_number_with_format(r, c, *v, &percent2)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                    Cell::Num(_) | Cell::Share(_) | Cell::Share2(_) | Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
    }
    wb.save(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

fn col(c: usize) -> anyhow::Result<u16> {
    Ok(u16::try_from(c)?)
}

fn write_text(out: &mut dyn Write, t: &Table) -> std::io::Result<()> {
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

/// A progress bar on standard error with an ETA: only on a terminal, never with `--quiet`.
#[derive(Debug)]
pub(crate) struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar for `len` steps of `what` (e.g. "stress", "scenarios").
    pub(crate) fn new(len: usize, what: &str, unit: &str) -> Progress {
        if quiet() || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let pb = indicatif::ProgressBar::new(len as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {what} {{bar:40}} {{pos}}/{{len}} {unit}, {{elapsed}} (eta {{eta}})"
        )) {
            pb.set_style(style);
        }
        Progress(Some(pb))
    }
    /// `done` steps finished.
    pub(crate) fn set(&self, done: usize) {
        if let Some(pb) = &self.0 {
            pb.set_position(done as u64);
        }
    }
    pub(crate) fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
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
