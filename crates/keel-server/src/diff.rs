//! The difference between two versions of one CSV table: rows added, removed and changed, matched by the
//! table's key (its id column; for tables without one, the columns that identify a row in the model format,
//! e.g. `stage,input_item,supplier` in inputs.csv), and for a changed row, which columns changed from what to
//! what. Columns are matched by header name, so reordering columns changes nothing. The keys are the model
//! format's ([`keel_io::diff::key_columns`]); this compares the files as uploaded, where `keel diff`
//! ([`keel_io::diff`]) compares two loaded models in their canonical form.
//!
//! A key that appears more than once in one version (the model rejects that for id columns, but a table keyed
//! by several columns may repeat) is told apart by its occurrence: `key#2` is the second row with that key.
//!
//! # Complexity
//! O(r * c) time and memory for r rows of c columns in the two versions together (hash maps on the key).

use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub(crate) struct ColumnChange {
    column: String,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub(crate) struct RowChange {
    key: String,
    columns: Vec<ColumnChange>,
}

#[derive(Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub(crate) struct TableDiff {
    /// The columns rows were matched on (every column, when the table lacks its key columns).
    key: Vec<String>,
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<RowChange>,
}

/// One table's rows: header, and key -> (column -> value), in file order of keys.
struct Rows {
    header: Vec<String>,
    keys: Vec<String>,
    rows: HashMap<String, Vec<String>>,
}

fn read(bytes: &[u8], key: &[&str]) -> Result<(Rows, Vec<String>), String> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let key_ix: Option<Vec<usize>> = if key.is_empty() {
        None
    } else {
        key.iter()
            .map(|k| header.iter().position(|h| h == k))
            .collect()
    };
    let (key_ix, key_names) = match key_ix {
        Some(ix) => (ix, key.iter().map(|k| (*k).to_owned()).collect()),
        None => ((0..header.len()).collect(), header.clone()),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Rows {
        header: header.clone(),
        keys: Vec::new(),
        rows: HashMap::new(),
    };
    for rec in r.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let cells: Vec<String> = (0..header.len())
            .map(|i| rec.get(i).unwrap_or("").trim().to_owned())
            .collect();
        let base = key_ix
            .iter()
            .map(|&i| cells[i].as_str())
            .collect::<Vec<_>>()
            .join(",");
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let k = if *n == 1 { base } else { format!("{base}#{n}") };
        rows.keys.push(k.clone());
        rows.rows.insert(k, cells);
    }
    Ok((rows, key_names))
}

/// Rows of `new` against `old`; lists are in file order (removed: `old`'s order).
pub(crate) fn diff_table(old: &[u8], new: &[u8], file: &str) -> Result<TableDiff, String> {
    let key = keel_io::diff::key_columns(file);
    let (a, key_a) = read(old, key)?;
    let (b, key_b) = read(new, key)?;
    // Both versions must be matched on the same columns: when either lacks the key, use whole rows.
    let (a, b, key_names) = if key_a == key_b {
        (a, b, key_b)
    } else {
        let (a, k) = read(old, &[])?;
        (a, read(new, &[])?.0, k)
    };
    let columns: Vec<String> = {
        let mut seen = BTreeSet::new();
        a.header
            .iter()
            .chain(&b.header)
            .filter(|h| seen.insert((*h).clone()))
            .cloned()
            .collect()
    };
    let cell = |rows: &Rows, k: &str, col: &str| -> Option<String> {
        let i = rows.header.iter().position(|h| h == col)?;
        rows.rows.get(k).map(|r| r[i].clone())
    };
    let mut d = TableDiff {
        key: key_names,
        ..TableDiff::default()
    };
    for k in &b.keys {
        if !a.rows.contains_key(k) {
            d.added.push(k.clone());
            continue;
        }
        let changes: Vec<ColumnChange> = columns
            .iter()
            .filter_map(|c| {
                let (from, to) = (cell(&a, k, c), cell(&b, k, c));
                (from != to).then(|| ColumnChange {
                    column: c.clone(),
                    from,
                    to,
                })
            })
            .collect();
        if !changes.is_empty() {
            d.changed.push(RowChange {
                key: k.clone(),
                columns: changes,
            });
        }
    }
    d.removed = a
        .keys
        .iter()
        .filter(|k| !b.rows.contains_key(*k))
        .cloned()
        .collect();
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_added_removed_and_changed_by_id() {
        let old = b"id,name,country\na,Alpha,CAN\nb,Beta,USA\nc,Gamma,GBR\n";
        // b removed, c's country changed, d added; columns reordered (no change from that alone).
        let new = b"country,id,name\nCAN,a,Alpha\nFRA,c,Gamma\nDEU,d,Delta\n";
        let d = diff_table(old, new, "firms.csv").unwrap();
        assert_eq!(d.key, ["id"]);
        assert_eq!(d.added, ["d"]);
        assert_eq!(d.removed, ["b"]);
        assert_eq!(
            d.changed,
            [RowChange {
                key: "c".into(),
                columns: vec![ColumnChange {
                    column: "country".into(),
                    from: Some("GBR".into()),
                    to: Some("FRA".into())
                }]
            }]
        );
    }

    #[test]
    fn composite_keys_repeats_and_new_columns() {
        let old = b"stage,input_item,qty,supplier\ns1,i1,2,x\ns1,i1,3,x\n";
        let new = b"stage,input_item,qty,supplier,share\ns1,i1,2,x,0.5\n";
        let d = diff_table(old, new, "inputs.csv").unwrap();
        assert_eq!(d.key, ["stage", "input_item", "supplier"]);
        assert_eq!(d.removed, ["s1,i1,x#2"]);
        assert!(d.added.is_empty());
        // The new column is a change from absent to 0.5.
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].columns[0].column, "share");
        assert_eq!(d.changed[0].columns[0].from, None);
        // A table without its key column is matched on whole rows: a changed row is a removal and an addition.
        let d = diff_table(b"a,b\n1,2\n", b"a,b\n1,3\n", "stages.csv").unwrap();
        assert_eq!(
            (d.added.as_slice(), d.removed.as_slice()),
            (&["1,3".to_owned()][..], &["1,2".to_owned()][..])
        );
    }
}
