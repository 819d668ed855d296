//! A model as one `.xlsx` workbook: sheets `model` (key, value), `export_regimes` (regime, country) and one
//! sheet per table with the same columns as the CSV files. Read with calamine, written with rust_xlsxwriter.

use crate::write::{model_tables, NUMERIC};
use crate::IoError;
use calamine::{open_workbook, Data, Reader, Xlsx};
use keel_model::diag::{did_you_mean, quote};
use keel_model::{
    columns_of, header_of, Diagnostic, Model, ModelSource, RawMeta, StringRecord, Table,
};
use std::path::{Path, PathBuf};

/// A workbook opened for reading.
pub struct Workbook {
    path: PathBuf,
    file: String,
    book: Xlsx<std::io::BufReader<std::fs::File>>,
}

impl std::fmt::Debug for Workbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workbook")
            .field("path", &self.path)
            .finish()
    }
}

impl Workbook {
    pub fn open(path: &Path) -> Result<Self, IoError> {
        let damaged = |why: String| IoError::Xlsx {
            path: path.to_path_buf(),
            message: format!("not an .xlsx workbook, or damaged ({why})"),
        };
        let book: Xlsx<_> = guarded(|| open_workbook(path))
            .ok_or_else(|| damaged("its reader failed on it".into()))?
            .map_err(|e: calamine::XlsxError| damaged(e.to_string()))?;
        let file = path
            .file_name()
            .map_or_else(|| "model.xlsx".into(), |f| f.to_string_lossy().into_owned());
        Ok(Workbook {
            path: path.to_path_buf(),
            file,
            book,
        })
    }

    /// A sheet's rows. A formula cell without a cached value (a workbook written by a program that does not
    /// compute formulas) would read as empty, and an empty capacity means unlimited: such a row is an error
    /// naming the cell, not a silently different model.
    fn sheet(&mut self, name: &str) -> Result<Option<Sheet>, Diagnostic> {
        if !self.book.sheet_names().iter().any(|s| s == name) {
            return Ok(None);
        }
        let label = format!("{}[{name}]", self.file);
        let damaged = |e: calamine::XlsxError| {
            Diagnostic::error(&label, format!("the sheet cannot be read: {e}"))
                .with_hint("the workbook may be damaged; open and save it again in a spreadsheet")
        };
        let book = &mut self.book;
        let read = guarded(|| {
            let range = book.worksheet_range(name)?;
            let formulas = book.worksheet_formula(name)?;
            Ok((range, formulas))
        });
        let (range, formulas) = match read {
            Some(r) => r.map_err(damaged)?,
            None => {
                return Err(
                    Diagnostic::error(&label, "not an .xlsx workbook, or damaged")
                        .with_hint("open and save it again in a spreadsheet"),
                )
            }
        };
        // Sheet row -> column of its first uncached formula cell (`used_cells` runs row by row, left to right),
        // looked up once per row: a list searched per row was quadratic in a workbook full of such cells.
        let mut uncached: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        if let Some((r0, c0)) = formulas.start() {
            for (r, c, _) in formulas.used_cells() {
                let at = (r0 + r as u32, c0 + c as u32);
                // No `<v>`, or an empty one (what writers that do not compute leave), is no value.
                let value = range.get_value(at);
                if matches!(value, None | Some(Data::Empty))
                    || matches!(value, Some(Data::String(v)) if v.is_empty())
                {
                    uncached.entry(at.0).or_insert(at.1);
                }
            }
        }
        let first_row = range.start().map_or(0, |(r, _)| r as u64);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let mut rows = range.rows();
        let headers: Vec<String> = match rows.next() {
            Some(h) => h.iter().map(|c| cell_text(c).trim().to_string()).collect(),
            None => Vec::new(),
        };
        // Cells left of the used range are empty; pad so columns keep their sheet positions in messages.
        let mut padded = vec![String::new(); first_col];
        padded.extend(headers);
        let mut t = Sheet {
            name: label,
            headers: padded,
            rows: Vec::new(),
            next: 0,
        };
        for (k, r) in rows.enumerate() {
            // Sheet rows are 1-based and the header is the range's first row.
            let line = first_row + k as u64 + 2;
            let sheet_row = u32::try_from(line - 1).ok();
            if let Some(&col) = sheet_row.and_then(|r| uncached.get(&r)) {
                let cell = format!("{}{line}", column_letters(col));
                let mut d = Diagnostic::error(
                    &t.name,
                    format!("cell {cell} holds a formula with no computed value"),
                )
                .at_line(line)
                .with_hint("open the workbook in a spreadsheet and save it (that stores the values), or type the value");
                if let Some(h) = t.headers.get(col as usize).filter(|h| !h.is_empty()) {
                    d = d.at_column(col as usize + 1, h.clone());
                }
                t.rows.push((line, Err(d)));
                continue;
            }
            let mut fields = vec![String::new(); first_col];
            fields.extend(r.iter().map(cell_text));
            t.rows.push((line, Ok(fields.into_iter().collect())));
        }
        Ok(Some(t))
    }

    /// The error for a missing sheet when another sheet's name is close to it (a renamed or misspelt sheet).
    fn renamed(&self, stem: &str) -> Option<Diagnostic> {
        let known = ["model", "export_regimes"];
        let others: Vec<String> = self
            .book
            .sheet_names()
            .into_iter()
            .filter(|s| !known.contains(&s.as_str()) && columns_of(s).is_empty())
            .collect();
        let guess = did_you_mean(stem, others.iter().map(String::as_str))?;
        Some(
            Diagnostic::error(
                format!("{}[{stem}]", self.file),
                format!(
                    "there is no sheet `{stem}`, but there is a sheet `{}`",
                    quote(&guess)
                ),
            )
            .with_hint(format!(
                "did you mean `{}`? Rename that sheet to `{stem}`",
                quote(&guess)
            )),
        )
    }
}

thread_local! {
    /// Set while this thread runs a guarded call into the workbook reader.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a call into the workbook reader, which can panic on a damaged file (an out-of-range shared-string
/// index, found by the fuzzing harness); `None` if it did, so that bad input stays an error, not a crash.
/// The panic is caught and reported as a located error, so its message and backtrace (the default hook's)
/// would only bury that error: a hook installed once stays silent for guarded calls and hands every other
/// panic to the hook it replaced.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    GUARDED.with(|g| g.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    GUARDED.with(|g| g.set(false));
    r
}

/// A column number (0-based) as spreadsheet letters: 0 is `A`, 26 is `AA`.
fn column_letters(mut c: u32) -> String {
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

/// One sheet read into memory, with the rows that cannot be taken as they are (see [`Workbook::sheet`]).
struct Sheet {
    name: String,
    headers: Vec<String>,
    rows: Vec<(u64, Result<StringRecord, Diagnostic>)>,
    next: usize,
}

impl Table for Sheet {
    fn name(&self) -> &str {
        &self.name
    }
    fn headers(&self) -> &[String] {
        &self.headers
    }
    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Diagnostic> {
        let Some((line, row)) = self.rows.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        match row {
            Ok(r) => {
                rec.clone_from(r);
                Ok(Some(*line))
            }
            Err(d) => Err(d.clone()),
        }
    }
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

impl ModelSource for Workbook {
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>> {
        let label = format!("{}[model]", self.file);
        let mut meta = RawMeta {
            file: label.clone(),
            ..RawMeta::default()
        };
        let mut diags = Vec::new();
        let mut t = match self.sheet("model") {
            Ok(Some(t)) => t,
            Ok(None) => {
                if let Some(d) = self.renamed("model") {
                    return Err(vec![d]);
                }
                return Err(vec![Diagnostic::error(&label, "the workbook has no `model` sheet")
                    .with_hint("add a sheet `model` with columns key,value and rows name, home_country, currency, time_unit")]);
            }
            Err(d) => return Err(vec![d]),
        };
        let mut rec = StringRecord::new();
        loop {
            let line = match t.next_row(&mut rec) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let key = rec.get(0).unwrap_or("").trim().to_string();
            let val = rec.get(1).unwrap_or("").trim().to_string();
            meta.lines.insert(key.clone(), line);
            let slot = match key.as_str() {
                "name" => &mut meta.name,
                "home_country" => &mut meta.home_country,
                "currency" => &mut meta.currency,
                "time_unit" => &mut meta.time_unit,
                "description" => &mut meta.description,
                "" => continue,
                other => {
                    diags.push(
                        Diagnostic::warning(&label, format!("unknown key `{other}` is ignored"))
                            .at_line(line),
                    );
                    continue;
                }
            };
            *slot = Some(val);
        }
        match self.sheet("export_regimes") {
            Ok(Some(mut t)) => loop {
                let line = match t.next_row(&mut rec) {
                    Ok(Some(line)) => line,
                    Ok(None) => break,
                    Err(d) => {
                        diags.push(d);
                        continue;
                    }
                };
                let code = rec.get(0).unwrap_or("").trim().to_string();
                let country = rec.get(1).unwrap_or("").trim().to_string();
                if !code.is_empty() {
                    meta.regimes.push((code, country, Some(line)));
                }
            },
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
        if diags.iter().any(keel_model::Diagnostic::is_error) {
            return Err(diags);
        }
        Ok(meta)
    }

    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic> {
        match self.sheet(stem)? {
            Some(t) => Ok(Some(Box::new(t))),
            None => match self.renamed(stem) {
                Some(d) => Err(d),
                None => Ok(None),
            },
        }
    }

    fn table_name(&self, stem: &str) -> String {
        format!("{}[{stem}]", self.file)
    }
}

/// Writes a model as one workbook. Numeric columns are written as numbers so spreadsheets can compute on them.
pub fn write_xlsx(m: &Model, path: &Path) -> Result<(), IoError> {
    let err = |e: rust_xlsxwriter::XlsxError| IoError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut wb = rust_xlsxwriter::Workbook::new();
    {
        let ws = wb.add_worksheet().set_name("model").map_err(err)?;
        ws.write_string(0, 0, "key").map_err(err)?;
        ws.write_string(0, 1, "value").map_err(err)?;
        let home = m.countries()[m.meta().home_country.index()].code.clone();
        let mut kv = vec![
            ("name", m.meta().name.clone()),
            ("home_country", home),
            ("currency", m.meta().currency.clone()),
            ("time_unit", m.meta().time_unit.clone()),
        ];
        if let Some(d) = &m.meta().description {
            kv.push(("description", d.clone()));
        }
        for (r, (k, v)) in (1..).zip(kv) {
            ws.write_string(r, 0, k).map_err(err)?;
            ws.write_string(r, 1, v).map_err(err)?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("export_regimes").map_err(err)?;
        ws.write_string(0, 0, "regime").map_err(err)?;
        ws.write_string(0, 1, "country").map_err(err)?;
        for (k, reg) in m.regimes().iter().enumerate() {
            ws.write_string(k as u32 + 1, 0, &reg.code).map_err(err)?;
            ws.write_string(k as u32 + 1, 1, &m.countries()[reg.country.index()].code)
                .map_err(err)?;
        }
    }
    for (stem, rows) in model_tables(m) {
        if rows.len() >= 1_048_575 {
            return Err(IoError::Xlsx {
                path: path.to_path_buf(),
                message: format!("table `{stem}` has {} rows, more than a worksheet holds; write a folder instead", rows.len()),
            });
        }
        let header = header_of(stem);
        let cols: Vec<&str> = header.split(',').collect();
        let ws = wb.add_worksheet().set_name(stem).map_err(err)?;
        for (c, h) in cols.iter().enumerate() {
            ws.write_string(0, c as u16, *h).map_err(err)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                let (r, c16) = (r as u32 + 1, c as u16);
                match (NUMERIC.contains(&cols[c]), v.parse::<f64>()) {
                    (true, Ok(x)) => ws.write_number(r, c16, x).map_err(err)?,
                    _ => ws.write_string(r, c16, v).map_err(err)?,
                };
            }
        }
    }
    wb.save(path).map_err(err)
}
