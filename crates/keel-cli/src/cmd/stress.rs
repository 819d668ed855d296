//! `keel stress`: performance impact (PI), time to survive (TTS) and risk exposure index (REI) of every element
//! of one kind, or of every named scenario, by the LP of Simchi-Levi et al. (2015). See docs/methods/stress-lp.md.

use super::{fmt_num, fmt_tts};
use keel_lp::{element_cases, scenario_cases, sweep, Duration, StressLp};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model folder (or workbook).
    pub model: PathBuf,
    /// Disrupt each element of this kind in turn (full outage): stage, site, firm, country, bloc, lane,
    /// chokepoint, regime or item.
    #[arg(long, value_name = "KIND", required_unless_present = "scenarios", conflicts_with = "scenarios",
          value_parser = ["stage", "site", "firm", "country", "bloc", "lane", "chokepoint", "regime", "item"])]
    pub each: Option<String>,
    /// Run the named scenarios of scenarios.csv instead (events taken as simultaneous).
    #[arg(long)]
    pub scenarios: bool,
    /// Disruption length for every scenario. Default: each element's time to recover (longest `ttr` of the
    /// stages it stops) or, for named scenarios, their longest event duration.
    #[arg(long, value_name = "T")]
    pub ttr: Option<f64>,
    /// Disruption length for elements without any `ttr` (lanes, chokepoints, stages with no ttr).
    #[arg(long, value_name = "T", default_value_t = 30.0)]
    pub fallback_ttr: f64,
    /// Time to survive is reported as "at least HORIZON" beyond this.
    #[arg(long, default_value_t = 365.0)]
    pub horizon: f64,
    /// Also compute each hit platform's own TTS (one more LP per platform hit).
    #[arg(long)]
    pub per_platform: bool,
    /// Show only the N highest-ranked rows (0 = all).
    #[arg(long, default_value_t = 0)]
    pub top: usize,
    #[arg(long, value_enum, default_value = "table")]
    pub format: crate::output::Format,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let duration = match args.ttr {
        Some(t) => Duration::Fixed(t),
        None => Duration::Ttr {
            fallback: args.fallback_ttr,
        },
    };
    let (cases, what) = match &args.each {
        Some(kind) => (
            element_cases(&model, kind, duration)?,
            format!("each {kind}"),
        ),
        None => (
            scenario_cases(&model, duration)?,
            "named scenarios".to_string(),
        ),
    };
    let lp = StressLp::new(&model, args.horizon)?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let pb = indicatif::ProgressBar::new(cases.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} stress {bar:40} {pos}/{len} scenarios, {elapsed} (eta {eta})",
        ) {
            pb.set_style(style);
        }
        pb
    });
    let progress = |n: usize| {
        if let Some(pb) = &bar {
            pb.set_position(n as u64);
        }
    };
    let rows = sweep(&lp, &cases, args.per_platform, &progress)?;
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let shown = if args.top == 0 {
        rows.len()
    } else {
        args.top.min(rows.len())
    };
    let id = |s: keel_model::StageIx| model.stages[s.index()].id.clone();
    let mut headers: Vec<String> = ["rank", "scenario", "REI", "PI", "TTS", "t", "platforms hit"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if args.per_platform {
        headers.push("platform TTS".into());
    }
    let table_rows: Vec<Vec<String>> = rows[..shown]
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let hit = &r.impact.platforms_hit;
            let mut names: Vec<String> = hit.iter().take(3).map(|&s| id(s)).collect();
            if hit.len() > 3 {
                names.push(format!("+{} more", hit.len() - 3));
            }
            let mut row = vec![
                (k + 1).to_string(),
                r.name.clone(),
                format!("{:.3}", r.rei),
                fmt_num(r.impact.pi.round()),
                fmt_tts(&r.impact.tts),
                fmt_num(r.t),
                format!("{} {}", hit.len(), names.join(";")),
            ];
            if args.per_platform {
                row.push(
                    r.impact
                        .platform_tts
                        .iter()
                        .map(|(p, t)| format!("{}={}", id(*p), fmt_tts(t)))
                        .collect::<Vec<_>>()
                        .join(";"),
                );
            }
            row
        })
        .collect();
    let json = serde_json::json!({
        "what": what,
        "horizon": args.horizon,
        "baseline_tts": lp.baseline_tts(),
        "rows": rows[..shown].iter().map(|r| serde_json::json!({
            "scenario": r.name,
            "rei": r.rei,
            "pi": r.impact.pi,
            "tts": r.impact.tts,
            "t": r.t,
            "platforms_hit": r.impact.platforms_hit.iter().map(|&s| id(s)).collect::<Vec<_>>(),
            "platform_tts": r.impact.platform_tts.iter().map(|(p, t)| serde_json::json!({"platform": id(*p), "tts": t})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let title = format!(
        "Stress test ({what}, {} scenarios): PI = loss over t ({}), TTS in {} (horizon {})",
        rows.len(),
        model.meta.currency,
        model.meta.time_unit,
        fmt_num(args.horizon)
    );
    crate::output::print(
        args.format,
        &crate::output::Table {
            title,
            headers,
            rows: table_rows,
        },
        &json,
    )?;
    Ok(ExitCode::SUCCESS)
}
