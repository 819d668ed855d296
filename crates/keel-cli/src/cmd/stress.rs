//! `keel stress`: performance impact (PI), time to survive (TTS) and risk exposure index (REI) of every element
//! of one kind, or of every named scenario, by the LP of Simchi-Levi et al. (2015). See docs/methods/stress-lp.md.

use crate::output::{self, Cell, OutputArgs};
use keel_lp::{element_cases, scenario_cases, sweep, Duration, StressLp};
use keel_model::ElementKind;
use keel_present::case_name;
use std::path::PathBuf;
use std::process::ExitCode;

/// Performance impact and time to survive of each element or scenario, by LP.
///
/// Disrupts each element of one kind in turn, or each named scenario, and ranks them by risk exposure index
/// (REI), with the performance impact (PI, value lost over the disruption) and time to survive (TTS) of the LP
/// of Simchi-Levi et al. (2015). The LP ignores goods in transit: `keel simulate` plays the same scenario
/// through time, lead times and stocks included.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (or workbook).
    pub model: PathBuf,
    /// Disrupt each element of this kind in turn (full outage): stage, site, firm, country, bloc, lane,
    /// chokepoint, regime or item.
    #[arg(long, value_name = "KIND", required_unless_present = "scenarios", conflicts_with = "scenarios",
          value_parser = super::kind_parser(&ElementKind::ALL))]
    pub each: Option<ElementKind>,
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
    #[arg(long, default_value_t = output::TOP)]
    pub top: usize,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let duration = match args.ttr {
        Some(t) => Duration::Fixed(t),
        None => Duration::Ttr {
            fallback: args.fallback_ttr,
        },
    };
    let (cases, what) = match &args.each {
        Some(kind) => (
            element_cases(&model, *kind, duration)?,
            format!("each {kind}"),
        ),
        None => (
            scenario_cases(&model, duration)?,
            "named scenarios".to_string(),
        ),
    };
    let lp = StressLp::new(&model, args.horizon)?;
    let bar = output::Progress::new(cases.len(), "stress", "scenarios");
    let rows = sweep(&lp, &cases, args.per_platform, &|n| bar.set(n))?;
    bar.finish();
    let shown = output::shown(rows.len(), args.top);
    let id = |s: keel_model::StageIx| model.stages()[s.index()].id.as_str();
    let title = format!(
        "Stress test ({what}, {}{} scenarios): PI = loss over t ({}), TTS in {} (horizon {}); the LP ignores \
         goods in transit (`keel simulate` plays them through time)",
        if shown < rows.len() {
            format!("top {shown} of ")
        } else {
            String::new()
        },
        rows.len(),
        model.meta().currency,
        model.meta().time_unit,
        keel_present::num(args.horizon)
    );
    let mut table = output::Table::new(
        "scenarios",
        title,
        &[
            "rank",
            "scenario",
            "REI",
            "PI",
            "TTS",
            "TTS at least",
            "t",
            "platforms hit",
        ],
    );
    let mut hits = output::Table::new(
        "hits",
        "Platforms hit by each scenario (with --per-platform: each one's own TTS)",
        &[
            "rank",
            "scenario",
            "platform",
            "platform TTS",
            "platform TTS at least",
        ],
    );
    for (k, r) in rows[..shown].iter().enumerate() {
        let name = case_name(&model, r.subject);
        table.row(vec![
            Cell::from(k + 1),
            Cell::from(&name),
            Cell::Num(r.rei),
            Cell::Num(r.impact.pi),
            Cell::Num(r.impact.tts.value),
            Cell::Bool(r.impact.tts.at_least),
            Cell::Num(r.t),
            Cell::from(r.impact.platforms_hit.len()),
        ]);
        for &p in &r.impact.platforms_hit {
            let tts = r
                .impact
                .platform_tts
                .iter()
                .find(|(q, _)| *q == p)
                .map(|(_, t)| t);
            hits.row(vec![
                Cell::from(k + 1),
                Cell::from(&name),
                Cell::from(id(p)),
                Cell::from(tts.map(|t| t.value)),
                Cell::from(tts.map(|t| t.at_least)),
            ]);
        }
    }
    let json = serde_json::json!({
        "what": what,
        "horizon": args.horizon,
        "baseline_tts": lp.baseline_tts(),
        "scenarios_total": rows.len(),
        "rows": rows[..shown].iter().map(|r| serde_json::json!({
            "scenario": case_name(&model, r.subject),
            "rei": r.rei,
            "pi": r.impact.pi,
            "tts": r.impact.tts,
            "t": r.t,
            "platforms_hit": r.impact.platforms_hit.iter().map(|&s| id(s)).collect::<Vec<_>>(),
            "platform_tts": r.impact.platform_tts.iter().map(|(p, t)| serde_json::json!({"platform": id(*p), "tts": t})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    output::emit(&args.out, &[table, hits], "scenarios", &json)?;
    Ok(ExitCode::SUCCESS)
}
