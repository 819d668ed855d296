//! A model as one `.xlsx` workbook: sheets `model` (key, value), `export_regimes` (regime, country) and one
//! sheet per table with the same columns as the CSV files. Read with calamine, written with rust_xlsxwriter.

use crate::write::{model_tables, NUMERIC};
use crate::IoError;
use calamine::{open_workbook, Data, Reader, Xlsx};
use keel_model::{header_of, Diagnostic, MemTable, Model, ModelSource, RawMeta, Table};
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
        let book: Xlsx<_> = open_workbook(path).map_err(|e| IoError::Xlsx {
            path: path.to_path_buf(),
            message: format!("cannot open workbook: {e}"),
        })?;
        let file = path
            .file_name()
            .map_or_else(|| "model.xlsx".into(), |f| f.to_string_lossy().into_owned());
        Ok(Workbook {
            path: path.to_path_buf(),
            file,
            book,
        })
    }

    fn sheet(&mut self, name: &str) -> Result<Option<MemTable>, Diagnostic> {
        if !self.book.sheet_names().iter().any(|s| s == name) {
            return Ok(None);
        }
        let label = format!("{}[{name}]", self.file);
        let range = self
            .book
            .worksheet_range(name)
            .map_err(|e| Diagnostic::error(&label, e.to_string()))?;
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
        let mut t = MemTable::new(label, padded);
        for (k, r) in rows.enumerate() {
            let mut fields = vec![String::new(); first_col];
            fields.extend(r.iter().map(cell_text));
            // Sheet rows are 1-based and the header is the range's first row.
            t.push_at(first_row + k as u64 + 2, fields.into_iter().collect());
        }
        Ok(Some(t))
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
                return Err(vec![Diagnostic::error(&label, "the workbook has no `model` sheet")
                    .with_hint("add a sheet `model` with columns key,value and rows name, home_country, currency, time_unit")])
            }
            Err(d) => return Err(vec![d]),
        };
        let mut rec = keel_model::StringRecord::new();
        while let Ok(Some(line)) = t.next_row(&mut rec) {
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
            Ok(Some(mut t)) => {
                while let Ok(Some(line)) = t.next_row(&mut rec) {
                    let code = rec.get(0).unwrap_or("").trim().to_string();
                    let country = rec.get(1).unwrap_or("").trim().to_string();
                    if !code.is_empty() {
                        meta.regimes.push((code, country, Some(line)));
                    }
                }
            }
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
        if diags.iter().any(|d| d.is_error()) {
            return Err(diags);
        }
        Ok(meta)
    }

    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic> {
        Ok(self.sheet(stem)?.map(|t| Box::new(t) as Box<dyn Table>))
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
        let mut r = 1;
        let home = m.countries[m.meta.home_country.index()].code.clone();
        let mut kv = vec![
            ("name", m.meta.name.clone()),
            ("home_country", home),
            ("currency", m.meta.currency.clone()),
            ("time_unit", m.meta.time_unit.clone()),
        ];
        if let Some(d) = &m.meta.description {
            kv.push(("description", d.clone()));
        }
        for (k, v) in kv {
            ws.write_string(r, 0, k).map_err(err)?;
            ws.write_string(r, 1, v).map_err(err)?;
            r += 1;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("export_regimes").map_err(err)?;
        ws.write_string(0, 0, "regime").map_err(err)?;
        ws.write_string(0, 1, "country").map_err(err)?;
        for (k, reg) in m.regimes.iter().enumerate() {
            ws.write_string(k as u32 + 1, 0, &reg.code).map_err(err)?;
            ws.write_string(k as u32 + 1, 1, &m.countries[reg.country.index()].code)
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
