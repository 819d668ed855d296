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
pub mod flagged;
mod layout;
pub mod rank;
pub mod reach;
pub mod suggest;
pub mod tiers;
pub mod upstream;

use keel_model::{Model, StageIx};

/// What can go wrong when asking a "see" question of a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeeError {
    /// A platform (stage id or item id) the model does not have; the second field lists the platforms it has,
    /// after a did-you-mean when one is close.
    #[error("unknown platform `{0}`{1}")]
    UnknownPlatform(String, String),
    /// An export-control regime not declared in `[export_regimes]`.
    #[error("unknown export-control regime `{0}`{1}")]
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
        .filter(|s| model.items()[model.stages()[s.index()].item.index()].id == w)
        .collect();
    if by_item.is_empty() {
        let mut items: Vec<&str> = model
            .demand_stages()
            .map(|s| {
                model.items()[model.stages()[s.index()].item.index()]
                    .id
                    .as_str()
            })
            .collect();
        items.dedup();
        Err(SeeError::UnknownPlatform(
            w.to_string(),
            format!(
                "{}; give a stage id or the item id of a platform: {}",
                suggest::did_you_mean(w, items.iter().copied()),
                suggest::list(items.iter().copied(), 30)
            ),
        ))
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
        None => Ok((0..model.regimes().len())
            .map(keel_model::RegimeIx::new)
            .collect()),
        Some(w) => model.regime_ix(w).map(|r| vec![r]).ok_or_else(|| {
            let known: Vec<&str> = model.regimes().iter().map(|r| r.code.as_str()).collect();
            SeeError::UnknownRegime(
                w.to_string(),
                format!(
                    "{}; declared regimes are {}",
                    suggest::did_you_mean(w, known.iter().copied()),
                    suggest::list(known.iter().copied(), 30)
                ),
            )
        }),
    }
}
