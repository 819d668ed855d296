//! `keel simulate`: plays one scenario forward in time, step by step, and reports what each platform delivered
//! and lost. The rules (pull ordering, pro-rata allocation, delays) are in docs/methods/simulation.md.

use super::fmt_num;
use keel_sim::simulate::{SimError, Simulator};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
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
    #[arg(long, value_enum, default_value = "table")]
    pub format: crate::output::Format,
}

fn opt(x: Option<usize>) -> String {
    x.map_or_else(|| "-".to_string(), |v| v.to_string())
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let model = crate::load_model(&args.model)?;
    let bad = |e: SimError| anyhow::Error::from(crate::BadInput(e.to_string()));
    let sim = Simulator::new(&model, args.horizon).map_err(bad)?;
    let r = sim.simulate_scenario(&args.scenario).map_err(bad)?;
    let mut summary = crate::output::Table::new(
        format!(
            "Simulation of `{}` over {} steps: start {}, first shortfall {}, time to survive {}, recovery {}, \
             total loss {}{}",
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
            fmt_num(r.total_loss),
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
    for p in &r.platforms {
        summary.row(vec![
            p.stage.clone(),
            fmt_num(p.demand),
            fmt_num(p.delivered.iter().sum()),
            fmt_num(p.total_shortfall),
            p.steps_short.to_string(),
            opt(p.first_shortfall),
            opt(p.recovery),
            fmt_num(p.loss),
        ]);
    }
    let mut tables = vec![summary];
    if args.series {
        let mut t = crate::output::Table::new(
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
            for p in &r.platforms {
                if step % every == 0 || p.shortfall[step] > 0.0 {
                    t.row(vec![
                        step.to_string(),
                        p.stage.clone(),
                        fmt_num(p.demand),
                        fmt_num(p.delivered[step]),
                        fmt_num(p.shortfall[step]),
                        fmt_num(p.cum_loss[step]),
                    ]);
                }
            }
        }
        tables.push(t);
    }
    let json = serde_json::json!({ "scenario": args.scenario, "result": r });
    crate::output::print_all(args.format, &tables, &json)?;
    Ok(ExitCode::SUCCESS)
}
