//! `keel exposure`: look-through origin of the value added embodied in each platform.

use crate::output::{self, Cell, OutputArgs};
use keel_see::exposure::{self, ExposureOptions, GroupBy};
use std::path::PathBuf;
use std::process::ExitCode;

/// Breakdown printed by `--by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum By {
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

/// Look-through origin of each platform's value added, by country, bloc, firm, parent or tier.
///
/// Where the value added embodied in one unit of each platform is created (firm-level Leontief / TiVA
/// look-through over every tier), and the home country's (sovereign) share of it.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// One platform: a stage id, or the item id of demand stages (default: every demand stage).
    #[arg(long)]
    pub platform: Option<String>,
    /// Breakdown to print.
    #[arg(long, value_enum, default_value = "country")]
    pub by: By,
    /// Rows shown per platform, largest first (0 = all).
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
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
        "platforms",
        format!(
            "Value added embodied per unit of platform ({}), home country {}",
            m.meta().currency,
            res.first().map_or("", |e| e.home_country.as_str())
        ),
        &[
            "platform",
            "item",
            "value added",
            "upstream stages",
            "home share",
            "home-controlled share",
        ],
    );
    for e in &res {
        summary.row(vec![
            Cell::from(&e.platform),
            Cell::from(&e.item),
            Cell::Num(e.value_added),
            Cell::from(e.upstream_stages),
            Cell::Share(e.home_share),
            Cell::Share(e.home_controlled_share),
        ]);
    }
    let (what, key) = match group_by {
        GroupBy::Country => ("country", "country"),
        GroupBy::Bloc => ("bloc (a stage counts toward every bloc of its country: shares can sum to more than 100%)", "bloc"),
        GroupBy::Firm => ("firm", "firm"),
        GroupBy::Parent => ("country of ultimate control", "parent country"),
        GroupBy::Tier => ("tier (0 = the platform's own value added)", "tier"),
    };
    let mut detail = output::Table::new(
        "shares",
        format!(
            "Share of value added by {what}{}",
            if args.top == 0 {
                String::new()
            } else {
                format!(" (largest {} per platform; --top 0 for all)", args.top)
            }
        ),
        &["platform", key, "value added", "share"],
    );
    for e in &res {
        let rows: Vec<(Cell, f64, f64)> = match group_by {
            GroupBy::Country => shares(&e.by_country),
            GroupBy::Bloc => shares(&e.by_bloc),
            GroupBy::Firm => shares(&e.by_firm),
            GroupBy::Parent => shares(&e.by_parent),
            GroupBy::Tier => e
                .by_tier
                .iter()
                .flatten()
                .map(|t| (Cell::from(t.tier as usize), t.value, t.share))
                .collect(),
        };
        let n = output::shown(rows.len(), args.top);
        for (k, v, s) in rows.into_iter().take(n) {
            detail.row(vec![
                Cell::from(&e.platform),
                k,
                Cell::Num(v),
                Cell::Share(s),
            ]);
        }
    }
    let json = serde_json::json!({
        "currency": m.meta().currency,
        "note": "shares of the value added embodied in one unit of each platform; bloc shares can sum to more than 1",
        "platforms": res,
    });
    output::emit(&args.out, &[summary, detail], "shares", &json)?;
    Ok(ExitCode::SUCCESS)
}

fn shares(v: &[exposure::Share]) -> Vec<(Cell, f64, f64)> {
    v.iter()
        .map(|s| (Cell::from(&s.key), s.value, s.share))
        .collect()
}
