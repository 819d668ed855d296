//! Reader for the WIOD world input-output table as plain CSV files.
//!
//! Expected layout of a directory (as in `shared/data/wiod2013/`, WIOT 2011):
//!
//! * `row_labels.txt` — one label `ECONOMY_SECTOR` per line (`AUS_c1` ...
//!   `RoW_c35`), `n` lines;
//! * `<name>_Z.csv` — intermediate use, `n` lines of `n` comma-separated
//!   numbers, no header;
//! * `<name>_Y.csv` — final use, `n` lines of the same number of columns
//!   (WIOD: 5 final-demand categories x 41 economies = 205), no header; only
//!   the row sums are kept;
//! * `<name>_x.csv` — gross output, `n` lines of one number.
//!
//! Numbers may be integers or in exponent form (`2.03772e+06`); blank space
//! around fields is ignored. Every problem is reported with the file and the
//! 1-based line (and column) where it was found.

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::iot::{Csr, Iot, MrioError};

/// Errors from reading a WIOD table.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WiodError {
    /// The file or directory could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// Path involved.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// Malformed CSV (e.g. invalid UTF-8, bad quoting).
    #[error("{}: line {line}: {source}", path.display())]
    Csv {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// Underlying error.
        source: csv::Error,
    },
    /// A field is not a finite number.
    #[error("{}: line {line}, column {column}: {value:?} is not a finite number", path.display())]
    Number {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: usize,
        /// The text found.
        value: String,
    },
    /// A line has the wrong number of fields.
    #[error("{}: line {line}: expected {expected} fields, found {found}", path.display())]
    FieldCount {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// Fields expected.
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A file has the wrong number of lines.
    #[error(
        "{}: expected {expected} rows (one per label in row_labels.txt), found {found}",
        path.display()
    )]
    RowCount {
        /// File.
        path: PathBuf,
        /// Rows expected.
        expected: usize,
        /// Rows found.
        found: usize,
    },
    /// An empty line inside the label file.
    #[error("{}: line {line}: empty label", path.display())]
    EmptyLabel {
        /// File.
        path: PathBuf,
        /// 1-based line.
        line: u64,
    },
    /// No `<name>_Z.csv` with its companions in the directory.
    #[error(
        "no WIOD table in {}: expected row_labels.txt and <name>_Z.csv, <name>_Y.csv, <name>_x.csv",
        dir.display()
    )]
    NotFound {
        /// Directory searched.
        dir: PathBuf,
    },
    /// More than one `<name>_Z.csv` in the directory.
    #[error(
        "several WIOD tables in {}: {names}; use read_wiod_files to pick one",
        dir.display()
    )]
    Ambiguous {
        /// Directory searched.
        dir: PathBuf,
        /// The names found, comma-separated.
        names: String,
    },
    /// The files parse but do not form a valid table (labels, sizes, values).
    #[error("{}: {source}", path.display())]
    Table {
        /// The directory or file the table came from.
        path: PathBuf,
        /// What is wrong.
        source: MrioError,
    },
}

/// Paths of the four files of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WiodFiles {
    /// `row_labels.txt`.
    pub labels: PathBuf,
    /// Intermediate use.
    pub z: PathBuf,
    /// Final use.
    pub y: PathBuf,
    /// Gross output.
    pub x: PathBuf,
}

impl WiodFiles {
    /// Finds the one table in `dir`: `row_labels.txt` plus `<name>_Z.csv`,
    /// `<name>_Y.csv`, `<name>_x.csv` for the single `<name>` present.
    pub fn discover(dir: &Path) -> Result<Self, WiodError> {
        let io = |source| WiodError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut names: Vec<String> = Vec::new();
        for entry in fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            if let Some(name) = entry.file_name().to_str() {
                if let Some(prefix) = name.strip_suffix("_Z.csv") {
                    names.push(prefix.to_string());
                }
            }
        }
        names.sort();
        let name = match names.as_slice() {
            [] => {
                return Err(WiodError::NotFound {
                    dir: dir.to_path_buf(),
                })
            }
            [one] => one.clone(),
            _ => {
                return Err(WiodError::Ambiguous {
                    dir: dir.to_path_buf(),
                    names: names.join(", "),
                })
            }
        };
        let files = WiodFiles {
            labels: dir.join("row_labels.txt"),
            z: dir.join(format!("{name}_Z.csv")),
            y: dir.join(format!("{name}_Y.csv")),
            x: dir.join(format!("{name}_x.csv")),
        };
        for p in [&files.labels, &files.y, &files.x] {
            if !p.is_file() {
                return Err(WiodError::NotFound {
                    dir: dir.to_path_buf(),
                });
            }
        }
        Ok(files)
    }
}

/// Reads the single WIOD table in `dir` (see the module docs), e.g.
/// `read_wiod(Path::new("../shared/data/wiod2013"))`.
pub fn read_wiod(dir: &Path) -> Result<Iot, WiodError> {
    read_wiod_files(&WiodFiles::discover(dir)?)
}

/// Reads a WIOD table from explicitly named files.
pub fn read_wiod_files(files: &WiodFiles) -> Result<Iot, WiodError> {
    let labels = read_labels(&files.labels)?;
    let n = labels.len();

    // Z, row by row straight into CSR, exact zeros dropped.
    let mut row_ptr = Vec::with_capacity(n + 1);
    row_ptr.push(0usize);
    let mut col_idx = Vec::new();
    let mut values = Vec::new();
    read_rows(&files.z, n, Some(n), |_, row| {
        for (j, &v) in row.iter().enumerate() {
            if v != 0.0 {
                col_idx.push(j);
                values.push(v);
            }
        }
        row_ptr.push(values.len());
    })?;
    let table_err = |path: &Path, source| WiodError::Table {
        path: path.to_path_buf(),
        source,
    };
    let z = Csr::from_parts(n, n, row_ptr, col_idx, values).map_err(|e| table_err(&files.z, e))?;

    let mut y_total = Vec::with_capacity(n);
    read_rows(&files.y, n, None, |_, row| y_total.push(row.iter().sum()))?;

    let mut x = Vec::with_capacity(n);
    read_rows(&files.x, n, Some(1), |_, row| x.push(row[0]))?;

    let dir = files.labels.parent().unwrap_or(Path::new("."));
    Iot::new(labels, z, x, y_total).map_err(|e| table_err(dir, e))
}

fn read_labels(path: &Path) -> Result<Vec<String>, WiodError> {
    let text = fs::read_to_string(path).map_err(|source| WiodError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut labels: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
    while labels.last().is_some_and(std::string::String::is_empty) {
        labels.pop();
    }
    if let Some(i) = labels.iter().position(std::string::String::is_empty) {
        return Err(WiodError::EmptyLabel {
            path: path.to_path_buf(),
            line: i as u64 + 1,
        });
    }
    Ok(labels)
}

/// Streams a headerless numeric CSV, checking the row count and (if given, else
/// taken from the first row) the field count; `f(row_index, values)` per row.
fn read_rows(
    path: &Path,
    expected_rows: usize,
    expected_cols: Option<usize>,
    mut f: impl FnMut(usize, &[f64]),
) -> Result<(), WiodError> {
    let file = fs::File::open(path).map_err(|source| WiodError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let mut rec = csv::ByteRecord::new();
    let mut buf: Vec<f64> = Vec::new();
    let mut cols = expected_cols;
    let mut rows = 0usize;
    loop {
        let more = rdr
            .read_byte_record(&mut rec)
            .map_err(|source| WiodError::Csv {
                path: path.to_path_buf(),
                line: source.position().map_or(0, csv::Position::line),
                source,
            })?;
        if !more {
            break;
        }
        let line = rec.position().map_or(rows as u64 + 1, csv::Position::line);
        let want = *cols.get_or_insert(rec.len());
        if rec.len() != want {
            return Err(WiodError::FieldCount {
                path: path.to_path_buf(),
                line,
                expected: want,
                found: rec.len(),
            });
        }
        if rows == expected_rows {
            // Count the remaining rows for the message.
            let mut found = rows + 1;
            while rdr.read_byte_record(&mut rec).unwrap_or(false) {
                found += 1;
            }
            return Err(WiodError::RowCount {
                path: path.to_path_buf(),
                expected: expected_rows,
                found,
            });
        }
        buf.clear();
        for (c, field) in rec.iter().enumerate() {
            let v = std::str::from_utf8(field)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|v| v.is_finite());
            match v {
                Some(v) => buf.push(v),
                None => {
                    return Err(WiodError::Number {
                        path: path.to_path_buf(),
                        line,
                        column: c + 1,
                        value: String::from_utf8_lossy(field).into_owned(),
                    })
                }
            }
        }
        f(rows, &buf);
        rows += 1;
    }
    if rows != expected_rows {
        return Err(WiodError::RowCount {
            path: path.to_path_buf(),
            expected: expected_rows,
            found: rows,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);
    impl TempDir {
        fn new(tag: &str) -> Self {
            let p = std::env::temp_dir().join(format!(
                "keel-mrio-read-{tag}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = fs::remove_dir_all(&p);
            fs::create_dir_all(&p).unwrap();
            TempDir(p)
        }
        fn write(&self, name: &str, text: &str) {
            fs::write(self.0.join(name), text).unwrap();
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn good(tag: &str) -> TempDir {
        let d = TempDir::new(tag);
        d.write("row_labels.txt", "AAA_s1\nBBB_s1\n");
        d.write("t_Z.csv", "20,30\n10,40\n");
        d.write("t_Y.csv", "25,25\n1.5e+02,0\n");
        d.write("t_x.csv", "100\n200\n");
        d
    }

    #[test]
    fn reads_a_small_table() {
        let d = good("ok");
        let iot = read_wiod(&d.0).unwrap();
        assert_eq!(iot.labels(), ["AAA_s1", "BBB_s1"]);
        assert_eq!(iot.x(), [100.0, 200.0]);
        assert_eq!(iot.y_total(), [50.0, 150.0]);
        assert_eq!(iot.z().get(1, 0), 10.0);
        assert_eq!(iot.z().nnz(), 4);
    }

    #[test]
    fn bad_number_names_file_line_and_column() {
        let d = good("num");
        d.write("t_Z.csv", "20,30\n10,abc\n");
        let e = read_wiod(&d.0).unwrap_err();
        assert!(
            matches!(e, WiodError::Number { line: 2, column: 2, ref value, .. } if value == "abc"),
            "{e}"
        );
        assert!(e.to_string().contains("t_Z.csv: line 2, column 2"), "{e}");
    }

    #[test]
    fn wrong_shapes_are_reported() {
        let d = good("fields");
        d.write("t_Z.csv", "20,30\n10\n");
        assert!(matches!(
            read_wiod(&d.0).unwrap_err(),
            WiodError::FieldCount {
                line: 2,
                expected: 2,
                found: 1,
                ..
            }
        ));
        d.write("t_Z.csv", "20,30\n10,40\n");
        d.write("t_x.csv", "100\n200\n300\n");
        assert!(matches!(
            read_wiod(&d.0).unwrap_err(),
            WiodError::RowCount {
                expected: 2,
                found: 3,
                ..
            }
        ));
        d.write("t_x.csv", "100\n");
        assert!(matches!(
            read_wiod(&d.0).unwrap_err(),
            WiodError::RowCount {
                expected: 2,
                found: 1,
                ..
            }
        ));
        d.write("t_x.csv", "100\n200\n");
        d.write("row_labels.txt", "AAA_s1\nBBBs1\n");
        assert!(matches!(
            read_wiod(&d.0).unwrap_err(),
            WiodError::Table {
                source: MrioError::BadLabel { index: 1, .. },
                ..
            }
        ));
    }

    #[test]
    fn discovery_errors() {
        let d = TempDir::new("empty");
        assert!(matches!(
            read_wiod(&d.0).unwrap_err(),
            WiodError::NotFound { .. }
        ));
        let d = good("two");
        d.write("u_Z.csv", "1\n");
        assert!(matches!(
            read_wiod(&d.0).unwrap_err(),
            WiodError::Ambiguous { .. }
        ));
        let missing = d.0.join("nope");
        assert!(matches!(
            read_wiod(&missing).unwrap_err(),
            WiodError::Io { .. }
        ));
    }
}
