//! Models written inline as CSV text, for tests in every crate (no file system needed).

use crate::build::{build, header_of, Loaded, ModelSource, RawMeta};
use crate::diag::{Diagnostic, Invalid};
use crate::table::{MemTable, Table};

/// A model given as CSV text per table. Tables left out are absent (optional ones) or empty (required ones).
#[derive(Clone, Debug)]
pub struct TextModel {
    pub meta: RawMeta,
    pub tables: Vec<(String, String)>,
}

impl TextModel {
    /// A model with home country `home` and regimes `(code, country)`.
    pub fn new(home: &str, regimes: &[(&str, &str)]) -> Self {
        TextModel {
            meta: RawMeta {
                file: "model.toml".into(),
                name: Some("test".into()),
                home_country: Some(home.into()),
                currency: Some("CAD".into()),
                time_unit: Some("day".into()),
                regimes: regimes
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string(), None))
                    .collect(),
                ..RawMeta::default()
            },
            tables: Vec::new(),
        }
    }

    /// Adds a table's CSV text (header included).
    pub fn table(mut self, stem: &str, csv: &str) -> Self {
        self.tables.push((stem.to_string(), csv.to_string()));
        self
    }

    pub fn build(mut self) -> Result<Loaded, Invalid> {
        build(&mut self)
    }
}

impl ModelSource for TextModel {
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>> {
        Ok(self.meta.clone())
    }
    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic> {
        match self.tables.iter().find(|(s, _)| s == stem) {
            Some((_, text)) => Ok(Some(Box::new(MemTable::from_csv(
                self.table_name(stem),
                text,
            )?))),
            None if matches!(stem, "lanes" | "scenarios" | "options") => Ok(None),
            None => Ok(Some(Box::new(MemTable::from_csv(
                self.table_name(stem),
                &header_of(stem),
            )?))),
        }
    }
    fn table_name(&self, stem: &str) -> String {
        format!("{stem}.csv")
    }
}

/// A model whose tables are already in memory (generated models, workbook sheets).
#[derive(Clone, Debug, Default)]
pub struct MemModel {
    pub meta: RawMeta,
    /// (stem, table), e.g. ("inputs", ...). Missing optional tables are absent.
    pub tables: Vec<(String, MemTable)>,
}

impl MemModel {
    pub fn build(mut self) -> Result<Loaded, Invalid> {
        build(&mut self)
    }
}

impl ModelSource for MemModel {
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>> {
        Ok(self.meta.clone())
    }
    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic> {
        match self.tables.iter().position(|(s, _)| s == stem) {
            // Taken, not cloned: a generated model's tables can hold millions of rows and are read once.
            Some(k) => {
                let t = &mut self.tables[k].1;
                let empty = MemTable::new(t.name().to_string(), t.headers().to_vec());
                Ok(Some(Box::new(std::mem::replace(t, empty))))
            }
            None => Ok(None),
        }
    }
    fn table_name(&self, stem: &str) -> String {
        self.tables
            .iter()
            .find(|(s, _)| s == stem)
            .map_or_else(|| format!("{stem}.csv"), |(_, t)| t.name().to_string())
    }
}
