//! `keel stress`: performance impact (PI), time to survive (TTS) and risk exposure index (REI) of every element
//! of one kind, or of every named scenario, by the LP of Simchi-Levi et al. (2015). See docs/methods/stress-lp.md.

use crate::output::{self, OutputArgs};
use keel_model::ElementKind;
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
    /// Run only shard I of N of the scenario list (1 <= I <= N) and write a shard file (JSON) for `keel merge`,
    /// which gives exactly the output of the whole sweep. See docs/scale-out.md.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let opts = keel_engine::stress::Options {
        each: args.each,
        ttr: args.ttr,
        fallback_ttr: args.fallback_ttr,
        horizon: args.horizon,
        per_platform: args.per_platform,
        top: args.top,
    };
    let bar = output::Progress::new(0, "stress", "scenarios");
    if let Some((index, count)) = args.shard {
        let part = keel_engine::shard::Part::Shard { index, count };
        let a = keel_engine::Analysis::Stress(opts);
        return super::merge::run_part(&args.out, &args.model, &model, &a, part, &bar);
    }
    let results = keel_engine::stress::run(&model, &opts, &bar)?;
    bar.finish();
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}

/// `I/N` with 1 <= I <= N.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a shard: give I/N with 1 <= I <= N, e.g. 2/4");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}
