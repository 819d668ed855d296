//! The difference between two versions of a model, table by table: rows added, removed and changed, each
//! row matched across versions by its table's key (the `id` column; `code` for countries; `stage` for demand;
//! stage, input item and supplier for inputs; scenario, target kind and target for scenarios).
//!
//! Both models are compared in their canonical written form ([`crate::model_tables`]), so a folder and a
//! workbook of the same model have no difference, and a number written `1.50` in one and `1.5` in the other is
//! the same. Rows sharing a key (which validation allows only where a key is not an id) are paired in file
//! order; the unpaired ones are added or removed. Tables and rows come out sorted by key: the same two models
//! give the same diff.
//!
//! # Complexity
//! O(n log n) in the rows of both models.

use crate::model_tables;
use keel_model::{header_of, Model};
use serde::Serialize;
use std::collections::BTreeMap;

/// One row whose key is in both versions but whose other cells differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedRow {
    pub key: Vec<String>,
    pub before: Vec<String>,
    pub after: Vec<String>,
    /// The columns (by name) whose cells differ.
    pub columns: Vec<String>,
}

/// The difference in one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDiff {
    /// The table's file stem (`stages`).
    pub table: &'static str,
    pub columns: Vec<String>,
    /// The key's columns, by name.
    pub key: Vec<String>,
    pub added: Vec<Vec<String>>,
    pub removed: Vec<Vec<String>>,
    pub changed: Vec<ChangedRow>,
}

impl TableDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The columns that identify a row of a model table (`stages`, or its file name `stages.csv`), by name
/// (docs/model-format.md).
pub fn key_columns(table: &str) -> &'static [&'static str] {
    match table.strip_suffix(".csv").unwrap_or(table) {
        "countries" => &["code"],
        "demand" => &["stage"],
        "inputs" => &["stage", "input_item", "supplier"],
        "scenarios" => &["scenario", "target_kind", "target"],
        _ => &["id"],
    }
}

/// The tables of `after` that differ from `before`, in file order; unchanged tables are left out.
pub fn diff(before: &Model, after: &Model) -> Vec<TableDiff> {
    let (ta, tb) = (model_tables(before), model_tables(after));
    // File order: the written order of `after`, then tables only `before` has.
    let mut order: Vec<&'static str> = tb.iter().map(|(t, _)| *t).collect();
    for (t, _) in &ta {
        if !order.contains(t) {
            order.push(t);
        }
    }
    let a: BTreeMap<&'static str, Vec<Vec<String>>> = ta.into_iter().collect();
    let b: BTreeMap<&'static str, Vec<Vec<String>>> = tb.into_iter().collect();
    let empty = Vec::new();
    order
        .into_iter()
        .map(|t| table_diff(t, a.get(t).unwrap_or(&empty), b.get(t).unwrap_or(&empty)))
        .filter(|d| !d.is_empty())
        .collect()
}

fn table_diff(table: &'static str, a: &[Vec<String>], b: &[Vec<String>]) -> TableDiff {
    let columns: Vec<String> = header_of(table).split(',').map(str::to_string).collect();
    let key: Vec<usize> = key_columns(table)
        .iter()
        .filter_map(|k| columns.iter().position(|c| c == k))
        .collect();
    let by_key = |rows: &[Vec<String>]| {
        let mut m: BTreeMap<Vec<String>, Vec<Vec<String>>> = BTreeMap::new();
        for r in rows {
            let k: Vec<String> = key
                .iter()
                .map(|&i| r.get(i).cloned().unwrap_or_default())
                .collect();
            m.entry(k).or_default().push(r.clone());
        }
        m
    };
    let (mut ka, mut kb) = (by_key(a), by_key(b));
    let mut out = TableDiff {
        table,
        key: key
            .iter()
            .map(|&i| columns.get(i).cloned().unwrap_or_default())
            .collect(),
        columns,
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    let mut keys: Vec<Vec<String>> = ka.keys().chain(kb.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let ra = ka.remove(&k).unwrap_or_default();
        let rb = kb.remove(&k).unwrap_or_default();
        let paired = ra.len().min(rb.len());
        for (x, y) in ra.iter().zip(&rb) {
            if x != y {
                let n = x.len().max(y.len());
                let cols = (0..n)
                    .filter(|&i| x.get(i) != y.get(i))
                    .map(|i| {
                        out.columns
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| format!("column {}", i + 1))
                    })
                    .collect();
                out.changed.push(ChangedRow {
                    key: k.clone(),
                    before: x.clone(),
                    after: y.clone(),
                    columns: cols,
                });
            }
        }
        out.removed.extend(ra.into_iter().skip(paired));
        out.added.extend(rb.into_iter().skip(paired));
    }
    out
}
