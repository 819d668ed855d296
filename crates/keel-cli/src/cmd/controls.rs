//! `keel controls`: export-control see-through per platform, and whether a regime-free build exists.

use crate::output::{self, Format};
use std::path::PathBuf;
use std::process::ExitCode;

/// Which platforms an export-control regime reaches (an item carrying it, or any planned supplier that is
/// reached), through which items and along which input path, and whether each platform could be built free of
/// the regime with the alternative suppliers already in the model.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// One regime from [export_regimes], e.g. ITAR (default: every regime).
    #[arg(long)]
    pub regime: Option<String>,
    /// One platform: a stage id, or the item id of demand stages (default: every demand stage).
    #[arg(long)]
    pub platform: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    // The paths of the 20 nearest controlled items per platform and regime; the summary counts them all.
    let opts = keel_see::controls::ControlOptions { top: Some(20) };
    let res =
        keel_see::controls::controls_of(&m, args.platform.as_deref(), args.regime.as_deref(), opts)
            .map_err(|e| crate::BadInput(e.to_string()))?;
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    let mut summary = output::Table::new(
        "Export-control see-through (controlled: the platform contains an item carrying the regime through planned suppliers)",
        &["platform", "regime", "controlled", "controlled items", "regime-free build", "input items with no regime-free source"],
    );
    let mut via = output::Table::new(
        "Why: shortest planned input path from the platform to each controlled item",
        &["platform", "regime", "item", "category", "path"],
    );
    let mut frontier = output::Table::new(
        "Where the regime cannot be avoided: stage needing a controlled item that has no regime-free source",
        &["platform", "regime", "stage", "controlled input item"],
    );
    for c in &res {
        summary.row(vec![
            c.platform.clone(),
            c.regime.clone(),
            yes(c.controlled),
            c.controlled_items.to_string(),
            if c.item_controlled {
                "no (platform item itself controlled)".into()
            } else {
                yes(c.regime_free_possible)
            },
            c.blocked_inputs.join("; "),
        ]);
        for v in &c.via {
            via.row(vec![
                c.platform.clone(),
                c.regime.clone(),
                v.item.clone(),
                v.category.clone().unwrap_or_default(),
                v.path.join(" <- "),
            ]);
        }
        for f in &c.frontier {
            frontier.row(vec![
                c.platform.clone(),
                c.regime.clone(),
                f.stage.clone(),
                f.item.clone(),
            ]);
        }
    }
    let json = serde_json::json!({ "platforms": res });
    output::print_all(args.format, &[summary, via, frontier], &json)?;
    Ok(ExitCode::SUCCESS)
}
