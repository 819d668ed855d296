//! `keel simulate`: plays one scenario forward in time, step by step, and reports what each platform delivered
//! and lost. The rules (pull ordering, pro-rata allocation, delays) are in docs/methods/simulation.md.

use crate::output::{self, Cell, OutputArgs};
use keel_model::StageIx;
use keel_present::num;
use keel_sim::simulate::{SimError, Simulator};
use std::path::PathBuf;
use std::process::ExitCode;

/// Plays one scenario forward in time, step by step: what each platform delivered and lost.
///
/// Unlike `keel stress` (an LP over rates), the simulation follows lead times, stocks and goods in transit, so
/// its first shortfall can come much later than the LP's time to survive.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (or workbook).
    pub model: PathBuf,
    /// Name of the scenario in scenarios.csv (its events start at their `start`).
    #[arg(long)]
    pub scenario: String,
    /// Number of steps (model time units) to simulate.
    #[arg(long, default_value_t = 365)]
    pub horizon: usize,
    /// Also print every platform's series (demand, delivered, shortfall, cumulative loss per step).
    #[arg(long)]
    pub series: bool,
    /// With --series, print every Nth step only (steps with a shortfall are always printed).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub every: usize,
    /// Only this platform's rows (a stage id, or the item id of demand stages); the run is the same.
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn opt(x: Option<usize>) -> String {
    x.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The LP and the simulation disagree by design; say so next to every simulated result.
pub(crate) const LP_VS_SIM: &str = "Note: `keel stress` (LP) ignores goods in transit and stocks, so its time to survive \
     can be 0 where the simulation, which delivers what is already on its way, first falls short much later.";

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    if !model.scenarios().iter().any(|s| s.name == args.scenario) {
        let names: Vec<&str> = model.scenarios().iter().map(|s| s.name.as_str()).collect();
        return Err(crate::BadInput(format!(
            "unknown scenario `{}`{}; the scenarios of this model are: {}",
            args.scenario,
            keel_see::suggest::did_you_mean(&args.scenario, names.iter().copied()),
            keel_see::suggest::list(names.iter().copied(), 30)
        ))
        .into());
    }
    let bad = |e: SimError| anyhow::Error::from(crate::BadInput(e.to_string()));
    let keep = crate::cmd::platform_filter(&model, args.platform.as_deref())?;
    let id = |s: StageIx| model.stages()[s].id.as_str();
    let sim = Simulator::new(&model, args.horizon).map_err(bad)?;
    let bar = output::Progress::new(args.horizon, "simulate", "steps");
    let r = sim
        .simulate_scenario_with_progress(&args.scenario, &|t| bar.set(t))
        .map_err(bad)?;
    bar.finish();
    let mut summary = output::Table::new(
        "platforms",
        format!(
            "Simulation of `{}` over {} steps: start {}, first shortfall {}, time to survive {}, recovery {}, \
             total loss {}{}\n{LP_VS_SIM}",
            args.scenario,
            r.horizon,
            opt(r.disruption_start),
            opt(r.first_shortfall),
            opt(r.time_to_survive),
            if r.first_shortfall.is_some() && r.recovery.is_none() {
                "not within horizon".to_string()
            } else {
                opt(r.recovery)
            },
            num(r.total_loss),
            if r.steady_baseline { "" } else { " (the undisrupted model already falls short: included)" }
        ),
        &[
            "platform",
            "demand/step",
            "delivered",
            "shortfall",
            "steps short",
            "first short",
            "recovery",
            "loss",
        ],
    );
    for p in r.platforms.iter().filter(|p| keep(p.stage)) {
        summary.row(vec![
            Cell::from(id(p.stage)),
            Cell::Num(p.demand),
            Cell::Num(p.delivered.iter().sum()),
            Cell::Num(p.total_shortfall),
            Cell::from(p.steps_short),
            Cell::from(p.first_shortfall),
            Cell::from(p.recovery),
            Cell::Num(p.loss),
        ]);
    }
    let mut tables = vec![summary];
    if args.series {
        let mut t = output::Table::new(
            "series",
            "Series per platform and step",
            &[
                "step",
                "platform",
                "demand",
                "delivered",
                "shortfall",
                "cumulative loss",
            ],
        );
        let every = args.every.max(1);
        for step in 0..r.horizon {
            for p in r.platforms.iter().filter(|p| keep(p.stage)) {
                if step % every == 0 || p.shortfall[step] > 0.0 {
                    t.row(vec![
                        Cell::from(step),
                        Cell::from(id(p.stage)),
                        Cell::Num(p.demand),
                        Cell::Num(p.delivered[step]),
                        Cell::Num(p.shortfall[step]),
                        Cell::Num(p.cum_loss[step]),
                    ]);
                }
            }
        }
        tables.push(t);
    }
    let mut result = serde_json::to_value(&r)?;
    // Programs read each platform's stage id, as in the model files, not its position.
    if let Some(ps) = result["platforms"].as_array_mut() {
        for (v, p) in ps.iter_mut().zip(&r.platforms) {
            v["stage"] = id(p.stage).into();
        }
    }
    let json =
        serde_json::json!({ "scenario": args.scenario, "note": LP_VS_SIM, "result": result });
    output::emit(&args.out, &tables, "platforms", &json)?;
    Ok(ExitCode::SUCCESS)
}
