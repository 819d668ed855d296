//! `simulate`: one named scenario played forward step by step (keel-sim; rules in
//! docs/methods/simulation.md): what each platform delivered and lost, and optionally its series per step.
//!
//! # Complexity
//! One simulation (steps x (stages + arcs)), then O(platforms x steps) for the series table.

use crate::table::{Cell, Table};
use crate::{platform_filter, EngineError, Results};
use keel_model::{Model, Progress, StageIx};
use keel_present::num;
use keel_sim::simulate::Simulator;
use serde::Deserialize;

/// The LP and the simulation disagree by design; said next to every simulated result.
pub const LP_VS_SIM: &str = "Note: `keel stress` (LP) ignores goods in transit and stocks, so its time to survive \
     can be 0 where the simulation, which delivers what is already on its way, first falls short much later.";

/// The options of `keel simulate`, with its defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Name of the scenario in scenarios.csv (required).
    pub scenario: String,
    /// Number of steps (model time units).
    pub horizon: usize,
    /// Also lay out every platform's series (demand, delivered, shortfall, cumulative loss per step).
    pub series: bool,
    /// In the series, every Nth step only (steps with a shortfall are always kept).
    pub every: usize,
    /// Only this platform's rows (a stage id, or the item id of demand stages); the run is the same.
    pub platform: Option<String>,
    /// In the series, also each platform's finished units on hand. The run then computes every stage at
    /// every step (the fast path lets stages that ship their plan whatever their stock rest, and does not
    /// follow those stocks): the same deliveries, more time on large models.
    pub stock: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scenario: String::new(),
            horizon: 365,
            series: false,
            every: 1,
            platform: None,
            stock: false,
        }
    }
}

fn opt(x: Option<usize>) -> String {
    x.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// Runs the simulation and lays out its results (main table `platforms`).
pub fn run(model: &Model, o: &Options, progress: &dyn Progress) -> Result<Results, EngineError> {
    if !model.scenarios().iter().any(|s| s.name == o.scenario) {
        let names: Vec<&str> = model.scenarios().iter().map(|s| s.name.as_str()).collect();
        return Err(EngineError::Options(format!(
            "unknown scenario `{}`{}; the scenarios of this model are: {}",
            o.scenario,
            keel_see::suggest::did_you_mean(&o.scenario, names.iter().copied()),
            keel_see::suggest::list(names.iter().copied(), 30)
        )));
    }
    let keep = platform_filter(model, o.platform.as_deref())?;
    let id = |s: StageIx| model.stages()[s].id.as_str();
    if o.stock && !o.series {
        return Err(EngineError::Options(
            "the stock is a column of the series: ask for the series too (--series, or \"series\": true)".into(),
        ));
    }
    let sim = if o.stock {
        Simulator::new(model, o.horizon)?.exhaustive()
    } else {
        Simulator::new(model, o.horizon)?
    };
    progress.start(o.horizon);
    let r = sim.simulate_scenario_with_progress(&o.scenario, &|t| progress.set(t))?;
    let mut summary = Table::new(
        "platforms",
        format!(
            "Simulation of `{}` over {} steps: start {}, first shortfall {}, time to survive {}, recovery {}, \
             total loss {}{}\n{LP_VS_SIM}",
            o.scenario,
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
    if o.series {
        let mut columns = vec![
            "step",
            "platform",
            "demand",
            "delivered",
            "shortfall",
            "cumulative loss",
        ];
        if o.stock {
            columns.push("stock");
        }
        let mut t = Table::new("series", "Series per platform and step", &columns);
        let every = o.every.max(1);
        for step in 0..r.horizon {
            for p in r.platforms.iter().filter(|p| keep(p.stage)) {
                if step % every == 0 || p.shortfall[step] > 0.0 {
                    let mut row = vec![
                        Cell::from(step),
                        Cell::from(id(p.stage)),
                        Cell::Num(p.demand),
                        Cell::Num(p.delivered[step]),
                        Cell::Num(p.shortfall[step]),
                        Cell::Num(p.cum_loss[step]),
                    ];
                    if o.stock {
                        row.push(Cell::Num(p.stock[step]));
                    }
                    t.row(row);
                }
            }
        }
        tables.push(t);
    }
    let mut result = crate::to_json(&r)?;
    // Programs read each platform's stage id, as in the model files, not its position.
    if let Some(ps) = result["platforms"].as_array_mut() {
        for (v, p) in ps.iter_mut().zip(&r.platforms) {
            v["stage"] = id(p.stage).into();
        }
    }
    let json = serde_json::json!({ "scenario": o.scenario, "note": LP_VS_SIM, "result": result });
    Ok(Results {
        tables,
        main: "platforms",
        json,
    })
}
