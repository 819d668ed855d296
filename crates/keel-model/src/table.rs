//! The row source the builder reads: a CSV file, a workbook sheet or text in memory, all seen alike.

use crate::diag::Diagnostic;
pub use csv::StringRecord;

/// One table of the model (a CSV file or a workbook sheet), read row by row.
pub trait Table {
    /// Name used in diagnostics, e.g. `inputs.csv` or `model.xlsx[inputs]`.
    fn name(&self) -> &str;
    /// The header row, trimmed.
    fn headers(&self) -> &[String];
    /// Reads the next data row into `rec`, returning its 1-based line (the header is line 1), `Ok(None)` at the
    /// end, or a diagnostic for a row that cannot be decoded (e.g. invalid UTF-8). After an error the reader
    /// continues with the next row.
    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Diagnostic>;
}

/// A table held in memory: used for workbook sheets, generated models and tests.
#[derive(Clone, Debug)]
pub struct MemTable {
    name: String,
    headers: Vec<String>,
    rows: Vec<(u64, StringRecord)>,
    next: usize,
}

impl MemTable {
    pub fn new(name: impl Into<String>, headers: Vec<String>) -> Self {
        MemTable {
            name: name.into(),
            headers,
            rows: Vec::new(),
            next: 0,
        }
    }

    /// Appends a row; its line number is its position after the header.
    pub fn push<I, T>(&mut self, fields: I)
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let line = self.rows.len() as u64 + 2;
        self.rows.push((line, fields.into_iter().collect()));
    }

    pub fn push_at(&mut self, line: u64, rec: StringRecord) {
        self.rows.push((line, rec));
    }

    /// Parses CSV text (header first). Malformed CSV (unequal lengths are allowed) yields a diagnostic.
    pub fn from_csv(name: impl Into<String>, text: &str) -> Result<Self, Diagnostic> {
        let name = name.into();
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| Diagnostic::error(&name, e.to_string()).at_line(1))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut t = MemTable::new(name.clone(), headers);
        for r in rdr.records() {
            let r = r.map_err(|e| Diagnostic::error(&name, e.to_string()))?;
            let line = r.position().map_or(0, csv::Position::line);
            t.push_at(line, r);
        }
        Ok(t)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl Table for MemTable {
    fn name(&self) -> &str {
        &self.name
    }
    fn headers(&self) -> &[String] {
        &self.headers
    }
    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Diagnostic> {
        match self.rows.get(self.next) {
            Some((line, r)) => {
                self.next += 1;
                rec.clone_from(r);
                Ok(Some(*line))
            }
            None => Ok(None),
        }
    }
}
