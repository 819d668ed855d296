//! # keel-see
//!
//! Analyses that let a country *see* its defence industrial base, each computed exactly on the validated
//! [`keel_model::Model`]:
//!
//! - [`exposure`]: look-through (firm-level Leontief) origin of the value added embodied in each platform, by
//!   country, bloc, country of ultimate control, firm and tier.
//! - [`controls`]: export-control see-through per platform, the shortest input path to each controlled item,
//!   and whether a regime-free build exists with the suppliers already in the model.
//! - [`concentration`]: Herfindahl-Hirschman concentration of supply by firm and country, with sole-source,
//!   single-country, single-lane and out-of-bloc flags.
//! - [`criticality`]: single points of failure of each platform.
//!
//! Analyses never read files or print; they return plain result structs (serialisable with serde) or a typed
//! [`SeeError`].

pub mod concentration;
pub mod controls;
pub mod criticality;
pub mod embodied;
pub mod exposure;
mod layout;
pub mod reach;
pub mod tiers;

use keel_model::{Model, StageIx};

/// What can go wrong when asking a "see" question of a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeeError {
    /// A platform (stage id or item id) the model does not have.
    #[error("unknown platform `{0}`: give a stage id or the item id of a demand stage")]
    UnknownPlatform(String),
    /// An export-control regime not declared in `[export_regimes]`.
    #[error("unknown export-control regime `{0}`: declared regimes are {1}")]
    UnknownRegime(String, String),
}

/// The platforms an analysis covers: every demand stage when `wanted` is `None`; otherwise the stage with id
/// `wanted`, or, failing that, every demand stage whose item id is `wanted` (so `plt-lav` finds
/// `plt-lav@quendane-land-systems-london`).
pub fn resolve_platforms(model: &Model, wanted: Option<&str>) -> Result<Vec<StageIx>, SeeError> {
    let Some(w) = wanted else {
        return Ok(model.demand_stages().collect());
    };
    if let Some(s) = model.stage_ix(w) {
        return Ok(vec![s]);
    }
    let by_item: Vec<StageIx> = model
        .demand_stages()
        .filter(|s| model.items[model.stages[s.index()].item.index()].id == w)
        .collect();
    if by_item.is_empty() {
        Err(SeeError::UnknownPlatform(w.to_string()))
    } else {
        Ok(by_item)
    }
}

/// The regimes an analysis covers: all declared ones when `wanted` is `None`.
pub fn resolve_regimes(
    model: &Model,
    wanted: Option<&str>,
) -> Result<Vec<keel_model::RegimeIx>, SeeError> {
    match wanted {
        None => Ok((0..model.regimes.len())
            .map(keel_model::RegimeIx::new)
            .collect()),
        Some(w) => model.regime_ix(w).map(|r| vec![r]).ok_or_else(|| {
            let known: Vec<&str> = model.regimes.iter().map(|r| r.code.as_str()).collect();
            SeeError::UnknownRegime(
                w.to_string(),
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                },
            )
        }),
    }
}
