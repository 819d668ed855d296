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

pub(crate) use keel_engine::table::{shown, Cell, Table};
use keel_engine::table::{write_csv, write_text};
use keel_engine::Results;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The one default of every `--top` flag: rows (or elements) shown per list; 0 shows all.
pub(crate) const TOP: usize = keel_engine::TOP;

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

/// Writes an engine's results as `o` asks (see [`emit`]).
pub(crate) fn emit_results(o: &OutputArgs, r: &Results) -> anyhow::Result<()> {
    emit(o, &r.tables, r.main, &r.json)
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
            _ => to_sink(o.output.as_deref(), |out| Ok(write_csv(out, chosen[0])?)),
        },
        Format::Xlsx => {
            let Some(path) = &o.output else {
                return Err(crate::BadInput(
                    "--format xlsx writes a workbook: give its file name with -o FILE.xlsx".into(),
                )
                .into());
            };
            std::fs::write(path, keel_engine::table::xlsx_bytes(&chosen)?)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
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

impl keel_model::Progress for Progress {
    fn start(&self, total: usize) {
        if let Some(pb) = &self.0 {
            pb.set_length(total as u64);
        }
    }
    fn set(&self, done: usize) {
        Progress::set(self, done);
    }
}
