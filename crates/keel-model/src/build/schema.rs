//! The schema: which tables a model has, in which order they are read, their columns and the numeric rules.

use crate::kind::ElementKind;

/// Every table, in reading order: each refers only to tables before it. `options` (format v1.1) comes right
/// after the stages it names, so that the rows read after it know which stages are candidates.
pub(super) const TABLES: [&str; 10] = [
    "countries",
    "firms",
    "sites",
    "items",
    "stages",
    "options",
    "lanes",
    "inputs",
    "demand",
    "scenarios",
];

/// The columns of each table: (name, required).
pub fn columns_of(stem: &str) -> &'static [(&'static str, bool)] {
    match stem {
        "countries" => &[("code", true), ("name", true), ("blocs", true)],
        "firms" => &[
            ("id", true),
            ("name", true),
            ("country", true),
            ("parent_country", false),
        ],
        "sites" => &[
            ("id", true),
            ("firm", true),
            ("country", true),
            ("lat", false),
            ("lon", false),
            ("name", false),
        ],
        "items" => &[
            ("id", true),
            ("name", true),
            ("kind", true),
            ("export_control", false),
            ("capability", false),
        ],
        "stages" => &[
            ("id", true),
            ("item", true),
            ("site", true),
            ("value_added", true),
            ("capacity", false),
            ("lead_time", false),
            ("inventory", false),
            ("ttr", false),
        ],
        "inputs" => &[
            ("stage", true),
            ("input_item", true),
            ("qty", true),
            ("supplier", true),
            ("share", false),
            ("lane", false),
        ],
        "lanes" => &[
            ("id", true),
            ("from_site", true),
            ("to_site", true),
            ("mode", true),
            ("transit_time", false),
            ("chokepoints", false),
        ],
        "demand" => &[("stage", true), ("demand", true), ("loss_per_unit", true)],
        "options" => &[
            ("id", true),
            ("kind", true),
            ("stage", true),
            ("amount", false),
            ("cost", true),
            ("probability", false),
            ("group", false),
            ("name", false),
            ("time_to_effect", false),
        ],
        "scenarios" => &[
            ("scenario", true),
            ("target_kind", true),
            ("target", true),
            ("capacity_factor", true),
            ("start", false),
            ("duration", true),
            ("probability", false),
        ],
        _ => &[],
    }
}

/// The full header line of a table, as written by Keel.
pub fn header_of(stem: &str) -> String {
    columns_of(stem)
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

/// The columns of a table that name an element by id (its own id column included, checked for duplicates),
/// with the kind they name: what `Names::warm` loads ahead of a batch of rows.
pub(super) fn references_of(stem: &str) -> &'static [(usize, ElementKind)] {
    use ElementKind::*;
    match stem {
        "firms" => &[(0, Firm)],
        "sites" => &[(0, Site), (1, Firm)],
        "items" => &[(0, Item)],
        "stages" => &[(0, Stage), (1, Item), (2, Site)],
        "lanes" => &[(0, Lane), (1, Site), (2, Site)],
        "inputs" => &[(0, Stage), (1, Item), (3, Stage), (5, Lane)],
        "demand" => &[(0, Stage)],
        _ => &[],
    }
}

/// Numeric rules for a field.
#[derive(Clone, Copy)]
pub(super) enum Num {
    NonNeg,
    Positive,
    Unit,
    Lat,
    Lon,
}

/// The kind of element a table lists, for tables that list one.
pub(super) fn kind_of_table(stem: &str) -> Option<ElementKind> {
    ElementKind::ALL
        .into_iter()
        .find(|k| k.table() == Some(stem))
}

/// The largest value a numeric column accepts.
///
/// Beyond these a value is a typing slip or a placeholder (`1e300` for "unlimited"), and it would make the LP
/// ill-conditioned and the simulation overflow; `docs/model-format.md` lists them. Currency amounts allow a
/// quadrillion (a national programme in the smallest of currencies), quantities a trillion units, an input
/// quantity a billion units per unit, and durations a million time units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    pub column: &'static str,
    pub max: f64,
    /// What the column counts, for the message.
    pub unit: &'static str,
}

const CURRENCY: f64 = 1e15;
const UNITS: f64 = 1e12;
const TIME: f64 = 1e6;

/// The bound of every numeric column that has no natural range of its own (shares, factors and coordinates
/// are checked against theirs).
pub const BOUNDS: [Bound; 14] = [
    Bound {
        column: "value_added",
        max: CURRENCY,
        unit: "currency per unit",
    },
    Bound {
        column: "capacity",
        max: UNITS,
        unit: "units per time unit",
    },
    Bound {
        column: "lead_time",
        max: TIME,
        unit: "time units",
    },
    Bound {
        column: "inventory",
        max: UNITS,
        unit: "units",
    },
    Bound {
        column: "ttr",
        max: TIME,
        unit: "time units",
    },
    Bound {
        column: "qty",
        max: 1e9,
        unit: "units per unit of output",
    },
    Bound {
        column: "transit_time",
        max: TIME,
        unit: "time units",
    },
    Bound {
        column: "demand",
        max: UNITS,
        unit: "units per time unit",
    },
    Bound {
        column: "loss_per_unit",
        max: CURRENCY,
        unit: "currency per unit",
    },
    Bound {
        column: "start",
        max: TIME,
        unit: "time units",
    },
    Bound {
        column: "duration",
        max: TIME,
        unit: "time units",
    },
    Bound {
        column: "amount",
        max: UNITS,
        unit: "units, or units per time unit",
    },
    Bound {
        column: "cost",
        max: CURRENCY,
        unit: "currency",
    },
    Bound {
        column: "time_to_effect",
        max: TIME,
        unit: "time units",
    },
];

/// The bound of a column, if it has one.
pub fn bound_of(column: &str) -> Option<&'static Bound> {
    BOUNDS.iter().find(|b| b.column == column)
}

/// Position of a diagnostic's file in reading order, so that causes (earlier tables) sort before effects.
pub(super) fn file_rank(f: &str) -> usize {
    let stem = f
        .split(['.', '['])
        .find(|s| TABLES.contains(s))
        .unwrap_or(f);
    TABLES.iter().position(|t| *t == stem).map_or(0, |p| p + 1)
}
