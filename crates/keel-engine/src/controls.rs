//! `controls`: export-control see-through per platform (keel-see; docs/methods/controls.md): which regimes
//! reach each platform, through which items and input paths, and whether a regime-free build exists with the
//! alternative suppliers already in the model.
//!
//! # Complexity
//! That of keel-see's see-through, then O(rows) to lay out the tables.

use crate::table::{Cell, Table};
use crate::{EngineError, Results};
use keel_model::Model;
use serde::Deserialize;

/// The options of `keel controls`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// One regime from `[export_regimes]` in model.toml, e.g. ITAR (`None`: every regime).
    pub regime: Option<String>,
    /// One platform: a stage id, or the item id of demand stages (`None`: every demand stage).
    pub platform: Option<String>,
}

/// Runs the see-through and lays out its results (main table `platforms`).
pub fn run(m: &Model, o: &Options) -> Result<Results, EngineError> {
    // The paths of the nearest controlled items per platform and regime; the summary counts them all.
    let opts = keel_see::controls::ControlOptions {
        top: Some(crate::TOP),
    };
    let res = keel_see::controls::controls_of(m, o.platform.as_deref(), o.regime.as_deref(), opts)
        .map_err(|e| EngineError::Options(e.to_string()))?;
    let mut summary = Table::new(
        "platforms",
        "Export-control see-through (controlled: the platform contains an item carrying the regime through planned \
         suppliers; a regime-free build is impossible when the platform's own item carries it)",
        &[
            "platform",
            "regime",
            "controlled",
            "controlled items",
            "platform item controlled",
            "regime-free build",
            "inputs with no regime-free source",
        ],
    );
    let mut via = Table::new(
        "via",
        "Why: shortest planned input path from the platform to each controlled item",
        &["platform", "regime", "item", "category", "path"],
    );
    let mut blocked = Table::new(
        "blocked",
        "Input items of the platform with no regime-free source",
        &["platform", "regime", "input item"],
    );
    let mut frontier = Table::new(
        "frontier",
        "Where the regime cannot be avoided: stage needing a controlled item that has no regime-free source",
        &["platform", "regime", "stage", "controlled input item"],
    );
    for c in &res {
        summary.row(vec![
            Cell::from(&c.platform),
            Cell::from(&c.regime),
            Cell::Bool(c.controlled),
            Cell::from(c.controlled_items),
            Cell::Bool(c.item_controlled),
            Cell::Bool(c.regime_free_possible),
            Cell::from(c.blocked_inputs.len()),
        ]);
        for v in &c.via {
            via.row(vec![
                Cell::from(&c.platform),
                Cell::from(&c.regime),
                Cell::from(&v.item),
                Cell::from(v.category.clone()),
                Cell::from(v.path.join(" <- ")),
            ]);
        }
        for b in &c.blocked_inputs {
            blocked.row(vec![
                Cell::from(&c.platform),
                Cell::from(&c.regime),
                Cell::from(b),
            ]);
        }
        for f in &c.frontier {
            frontier.row(vec![
                Cell::from(&c.platform),
                Cell::from(&c.regime),
                Cell::from(&f.stage),
                Cell::from(&f.item),
            ]);
        }
    }
    let json = serde_json::json!({ "platforms": res });
    Ok(Results {
        tables: vec![summary, via, blocked, frontier],
        main: "platforms",
        json,
    })
}
