//! A model folder: `model.toml` and one CSV file per table, streamed row by row.

use crate::meta::parse_toml;
use crate::IoError;
use keel_model::{Diagnostic, ModelSource, RawMeta, StringRecord, Table};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// A model stored as a folder of CSV files.
#[derive(Debug)]
pub struct CsvDir {
    dir: PathBuf,
    /// Non-fatal problems found outside the tables (e.g. unknown keys in model.toml).
    pub extra: Vec<Diagnostic>,
}

impl CsvDir {
    pub fn open(dir: &Path) -> Result<Self, IoError> {
        if !dir.join("model.toml").is_file() {
            return Err(IoError::NotAModel {
                path: dir.to_path_buf(),
                why: "model.toml is missing (a Keel model folder holds model.toml and the CSV tables)".into(),
            });
        }
        Ok(CsvDir {
            dir: dir.to_path_buf(),
            extra: Vec::new(),
        })
    }
}

impl ModelSource for CsvDir {
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>> {
        let text = match std::fs::read(self.dir.join("model.toml")) {
            Ok(b) => match String::from_utf8(b) {
                Ok(t) => t,
                Err(_) => {
                    return Err(vec![Diagnostic::error(
                        "model.toml",
                        "the file is not valid UTF-8",
                    )])
                }
            },
            Err(e) => return Err(vec![Diagnostic::error("model.toml", e.to_string())]),
        };
        let (meta, diags) = parse_toml("model.toml", &text);
        if diags.iter().any(|d| d.is_error()) {
            return Err(diags);
        }
        self.extra = diags;
        Ok(meta)
    }

    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic> {
        let name = self.table_name(stem);
        let path = self.dir.join(&name);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::error(name, e.to_string())),
        };
        Ok(Some(Box::new(CsvTable::new(
            name,
            BufReader::with_capacity(1 << 20, file),
        )?)))
    }

    fn table_name(&self, stem: &str) -> String {
        format!("{stem}.csv")
    }

    fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.extra)
    }
}

/// One CSV file read lazily, so a million-row table is never held as text.
pub(crate) struct CsvTable<R: std::io::Read> {
    name: String,
    headers: Vec<String>,
    rdr: csv::Reader<R>,
}

impl<R: std::io::Read> CsvTable<R> {
    pub(crate) fn new(name: String, r: R) -> Result<Self, Diagnostic> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(r);
        let headers = match rdr.byte_headers() {
            Ok(h) => h
                .iter()
                .enumerate()
                .map(|(k, b)| {
                    let s = String::from_utf8_lossy(b);
                    // A spreadsheet may save a byte-order mark before the first header.
                    let s = if k == 0 {
                        s.trim_start_matches('\u{feff}').to_string()
                    } else {
                        s.to_string()
                    };
                    s.trim().to_string()
                })
                .collect(),
            Err(e) => return Err(Diagnostic::error(&name, e.to_string()).at_line(1)),
        };
        Ok(CsvTable { name, headers, rdr })
    }
}

impl<R: std::io::Read> Table for CsvTable<R> {
    fn name(&self) -> &str {
        &self.name
    }
    fn headers(&self) -> &[String] {
        &self.headers
    }
    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Diagnostic> {
        match self.rdr.read_record(rec) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(rec.position().map_or(0, |p| p.line()))),
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                let (line, field) = match e.kind() {
                    csv::ErrorKind::Utf8 { pos, err } => {
                        (pos.as_ref().map_or(0, |p| p.line()), err.field())
                    }
                    _ => (0, 0),
                };
                let mut d = Diagnostic::error(&self.name, "the row is not valid UTF-8")
                    .at_line(line)
                    .with_hint("save the file as UTF-8");
                if let Some(h) = self.headers.get(field) {
                    d = d.at_column(field + 1, h.clone());
                }
                Err(d)
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let d = Diagnostic::error(&self.name, format!("malformed CSV: {e}"));
                // The csv reader can always make progress after an error, so the caller may go on.
                Err(if line > 0 { d.at_line(line) } else { d })
            }
        }
    }
}
