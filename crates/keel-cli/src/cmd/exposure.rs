//! `keel exposure`: look-through origin of the value added embodied in each platform.

use crate::output::{self, Format};
use keel_see::exposure::{self, ExposureOptions, GroupBy};
use std::path::PathBuf;
use std::process::ExitCode;

/// Breakdown printed by `--by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// Country of each stage's site.
    Country,
    /// Bloc of that country (a stage counts toward every bloc, so shares can sum to more than 100%).
    Bloc,
    /// Firm running the stage.
    Firm,
    /// Country of ultimate control (the firm's parent_country).
    Parent,
    /// Tier at which the value enters (0 = the platform itself).
    Tier,
}

/// Where the value added embodied in one unit of each platform is created (firm-level Leontief / TiVA
/// look-through over every tier), and the home country's (sovereign) share of it.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// One platform: a stage id, or the item id of demand stages (default: every demand stage).
    #[arg(long)]
    pub platform: Option<String>,
    /// Breakdown to print.
    #[arg(long, value_enum, default_value = "country")]
    pub by: By,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let platforms = keel_see::resolve_platforms(&m, args.platform.as_deref())
        .map_err(|e| crate::BadInput(e.to_string()))?;
    let group_by = match args.by {
        By::Country => GroupBy::Country,
        By::Bloc => GroupBy::Bloc,
        By::Firm => GroupBy::Firm,
        By::Parent => GroupBy::Parent,
        By::Tier => GroupBy::Tier,
    };
    let res = exposure::exposure(
        &m,
        &platforms,
        ExposureOptions {
            tiers: group_by == GroupBy::Tier,
            // Firms only when asked for, and then the 20 largest per platform: every platform of a national
            // model reaches tens of thousands of firms.
            top_firms: Some(if group_by == GroupBy::Firm { 20 } else { 0 }),
        },
    );

    let mut summary = output::Table::new(
        format!(
            "Value added embodied per unit of platform ({}), home country {}",
            m.meta.currency,
            res.first().map_or("", |e| e.home_country.as_str())
        ),
        &[
            "platform",
            "value added",
            "upstream stages",
            "home share",
            "home-controlled share",
        ],
    );
    for e in &res {
        summary.row(vec![
            e.platform.clone(),
            output::fmt_num(e.value_added),
            e.upstream_stages.to_string(),
            output::fmt_pct(e.home_share),
            output::fmt_pct(e.home_controlled_share),
        ]);
    }
    let what = match group_by {
        GroupBy::Country => "country",
        GroupBy::Bloc => "bloc (a stage counts toward every bloc of its country: shares can sum to more than 100%)",
        GroupBy::Firm => "firm",
        GroupBy::Parent => "country of ultimate control",
        GroupBy::Tier => "tier (0 = the platform's own value added)",
    };
    let mut detail = output::Table::new(
        format!("Share of value added by {what}"),
        &["platform", "group", "value added", "share"],
    );
    for e in &res {
        let rows: Vec<(String, f64, f64)> = match group_by {
            GroupBy::Country => e
                .by_country
                .iter()
                .map(|s| (s.key.clone(), s.value, s.share))
                .collect(),
            GroupBy::Bloc => e
                .by_bloc
                .iter()
                .map(|s| (s.key.clone(), s.value, s.share))
                .collect(),
            GroupBy::Firm => e
                .by_firm
                .iter()
                .map(|s| (s.key.clone(), s.value, s.share))
                .collect(),
            GroupBy::Parent => e
                .by_parent
                .iter()
                .map(|s| (s.key.clone(), s.value, s.share))
                .collect(),
            GroupBy::Tier => e
                .by_tier
                .iter()
                .flatten()
                .map(|t| (t.tier.to_string(), t.value, t.share))
                .collect(),
        };
        for (k, v, s) in rows {
            detail.row(vec![
                e.platform.clone(),
                k,
                output::fmt_num(v),
                output::fmt_pct(s),
            ]);
        }
    }
    let json = serde_json::json!({
        "currency": m.meta.currency,
        "note": "shares of the value added embodied in one unit of each platform; bloc shares can sum to more than 1",
        "platforms": res,
    });
    output::print_all(args.format, &[summary, detail], &json)?;
    Ok(ExitCode::SUCCESS)
}
