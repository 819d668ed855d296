//! One module per subcommand.

pub mod check;
pub mod concentration;
pub mod controls;
pub mod convert;
pub mod criticality;
pub mod exposure;
pub mod generate;
pub mod import;
pub mod montecarlo;
pub mod mrio;
pub mod report;
pub mod simulate;
pub mod stress;

/// Whether a platform's rows are shown under `--platform wanted` (every platform when `None`).
pub fn platform_filter(
    m: &keel_model::Model,
    wanted: Option<&str>,
) -> anyhow::Result<impl Fn(&str) -> bool> {
    let ids: Option<std::collections::HashSet<String>> = match wanted {
        None => None,
        Some(_) => Some(
            keel_see::resolve_platforms(m, wanted)
                .map_err(|e| crate::BadInput(e.to_string()))?
                .into_iter()
                .map(|s| m.stages[s.index()].id.clone())
                .collect(),
        ),
    };
    Ok(move |id: &str| ids.as_ref().is_none_or(|set| set.contains(id)))
}
