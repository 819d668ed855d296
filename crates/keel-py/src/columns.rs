//! Result tables laid out column-wise for Arrow: each column gets one type from its cells (text -> string,
//! counts -> int64, numbers and shares -> float64, yes/no -> bool, nothing -> null) and its values in that
//! type, full precision, empty cells as None. Column names are [`Table::columns`], the CSV header, so a
//! DataFrame has the columns of `keel CMD --format csv`.
//!
//! # Complexity
//! O(cells), one pass to type each column and one to copy it.

use keel_engine::table::{Cell, Table};
use keel_engine::Results;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

/// What a column holds, joined over its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    Text,
    Int,
    Num,
    Share,
    Share2,
    Bool,
    /// Text beside numbers or yes/no: written as text, each cell as the CSV writes it.
    Mixed,
}

impl Kind {
    fn of(c: &Cell) -> Kind {
        match c {
            Cell::Empty => Kind::Empty,
            Cell::Text(_) => Kind::Text,
            Cell::Int(_) => Kind::Int,
            Cell::Num(_) => Kind::Num,
            Cell::Share(_) => Kind::Share,
            Cell::Share2(_) => Kind::Share2,
            Cell::Bool(_) => Kind::Bool,
        }
    }

    fn numeric(self) -> bool {
        matches!(self, Kind::Int | Kind::Num | Kind::Share | Kind::Share2)
    }

    /// The kind of a column holding cells of kinds `self` and `other`: numbers of different kinds are
    /// float64 numbers (as pandas reads them from the CSV), anything else mixed is text.
    fn join(self, other: Kind) -> Kind {
        match (self, other) {
            (Kind::Empty, k) | (k, Kind::Empty) => k,
            (a, b) if a == b => a,
            (a, b) if a.numeric() && b.numeric() => Kind::Num,
            _ => Kind::Mixed,
        }
    }

    /// The name of the cells' kind, kept in the Arrow field's metadata (`keel.kind`).
    fn name(self) -> &'static str {
        match self {
            Kind::Empty => "empty",
            Kind::Text => "text",
            Kind::Int => "int",
            Kind::Num => "num",
            Kind::Share => "share",
            Kind::Share2 => "share2",
            Kind::Bool => "bool",
            Kind::Mixed => "mixed",
        }
    }

    /// The Arrow type of the column.
    fn arrow(self) -> &'static str {
        match self {
            Kind::Text | Kind::Mixed => "string",
            Kind::Int => "int64",
            Kind::Num | Kind::Share | Kind::Share2 => "float64",
            Kind::Bool => "bool",
            Kind::Empty => "null",
        }
    }
}

/// One column's values as a Python list of its type (None for an empty cell).
fn values<'py>(py: Python<'py>, t: &Table, c: usize, kind: Kind) -> PyResult<Bound<'py, PyList>> {
    let cells = t.rows.iter().map(|r| &r[c]);
    match kind {
        Kind::Text | Kind::Mixed => PyList::new(
            py,
            cells.map(|cell| match cell {
                Cell::Empty => None,
                Cell::Text(s) => Some(s.clone()),
                other => Some(other.raw()),
            }),
        ),
        Kind::Int => PyList::new(
            py,
            cells.map(|cell| match cell {
                Cell::Int(n) => Some(*n),
                _ => None,
            }),
        ),
        Kind::Num | Kind::Share | Kind::Share2 => PyList::new(
            py,
            cells.map(|cell| match cell {
                // Counts beside numbers: exact below 2^53, far above any count.
                Cell::Int(n) => Some(*n as f64),
                Cell::Num(v) | Cell::Share(v) | Cell::Share2(v) => Some(*v),
                _ => None,
            }),
        ),
        Kind::Bool => PyList::new(
            py,
            cells.map(|cell| match cell {
                Cell::Bool(b) => Some(*b),
                _ => None,
            }),
        ),
        Kind::Empty => PyList::new(py, cells.map(|_| None::<bool>)),
    }
}

/// One table as `(name, title, columns, arrow_types, kinds, values)`: `values` holds one list per column.
fn table<'py>(py: Python<'py>, t: &Table) -> PyResult<Bound<'py, PyTuple>> {
    let columns = t.columns();
    let mut types = Vec::with_capacity(columns.len());
    let mut kinds = Vec::with_capacity(columns.len());
    let mut data = Vec::with_capacity(columns.len());
    for c in 0..columns.len() {
        let kind = t
            .rows
            .iter()
            .fold(Kind::Empty, |k, r| k.join(Kind::of(&r[c])));
        types.push(kind.arrow());
        kinds.push(kind.name());
        data.push(values(py, t, c, kind)?);
    }
    (t.name, t.title.as_str(), columns, types, kinds, data).into_pyobject(py)
}

/// Results as Python gets them: every table laid out ([`table`]), the main table's name, the JSON text.
pub(crate) type RawResults<'py> = (Bound<'py, PyList>, &'static str, String);

/// Every table of `r`, in order, its main table's name, and its JSON document as `keel CMD --format json`
/// writes it.
pub(crate) fn results<'py>(py: Python<'py>, r: &Results) -> PyResult<RawResults<'py>> {
    let laid_out = r
        .tables
        .iter()
        .map(|t| table(py, t))
        .collect::<PyResult<Vec<_>>>()?;
    let json = String::from_utf8(r.json_bytes())
        .map_err(|e| crate::errors::keel_error(py, &format!("JSON: {e}")))?;
    Ok((PyList::new(py, laid_out)?, r.main, json))
}
