//! `stress`: performance impact (PI), time to survive (TTS) and risk exposure index (REI) of every element of
//! one kind, or of every named scenario, by the LP of Simchi-Levi et al. (2015) (keel-lp; see
//! docs/methods/stress-lp.md), as two tables: the ranked scenarios and the platforms each one hits.
//!
//! # Complexity
//! One LP impact per scenario (keel-lp's sweep), then O(rows shown x platforms hit) to lay out the tables.

use crate::table::{shown, Cell, Table};
use crate::{EngineError, Results};
use keel_lp::{element_cases, scenario_cases, sweep_with, Case, Duration, StressLp, SweepRow};
use keel_model::{ElementKind, Model, Progress};
use keel_present::case_name;
use serde::{Deserialize, Serialize};

/// What to stress and how; the command line's flags of `keel stress`, with the same defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Disrupt each element of this kind in turn (full outage); `None` runs the named scenarios.
    pub each: Option<ElementKind>,
    /// Disruption length for every scenario; `None`: each element's time to recover (longest `ttr` of the
    /// stages it stops) or, for named scenarios, their longest event duration.
    pub ttr: Option<f64>,
    /// Disruption length for elements without any `ttr`.
    pub fallback_ttr: f64,
    /// Time to survive is reported as "at least horizon" beyond this.
    pub horizon: f64,
    /// Also compute each hit platform's own TTS (one more LP per platform hit).
    pub per_platform: bool,
    /// Rows kept of the ranking (0 = all).
    pub top: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            each: None,
            ttr: None,
            fallback_ttr: 30.0,
            horizon: 365.0,
            per_platform: false,
            top: crate::TOP,
        }
    }
}

/// Runs the stress test and lays out its results (main table `scenarios`).
pub fn run(model: &Model, o: &Options, progress: &dyn Progress) -> Result<Results, EngineError> {
    let (cases, what) = cases(model, o)?;
    let lp = StressLp::new(model, o.horizon)?;
    let rows = sweep_with(&lp, &cases, o.per_platform, progress)?;
    Ok(layout(model, o, &lp, &rows, &what))
}

/// The scenarios `o` asks for, and how the title names them.
pub(crate) fn cases(model: &Model, o: &Options) -> Result<(Vec<Case>, String), EngineError> {
    let duration = match o.ttr {
        Some(t) => Duration::Fixed(t),
        None => Duration::Ttr {
            fallback: o.fallback_ttr,
        },
    };
    Ok(match &o.each {
        Some(kind) => (
            element_cases(model, *kind, duration)?,
            format!("each {kind}"),
        ),
        None => (
            scenario_cases(model, duration)?,
            "named scenarios".to_string(),
        ),
    })
}

/// The tables and JSON of a whole sweep's ranked rows.
pub(crate) fn layout(
    model: &Model,
    o: &Options,
    lp: &StressLp<'_>,
    rows: &[SweepRow],
    what: &str,
) -> Results {
    let shown = shown(rows.len(), o.top);
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
        keel_present::num(o.horizon)
    );
    let mut table = Table::new(
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
    let mut hits = Table::new(
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
        let name = case_name(model, r.subject);
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
        "horizon": o.horizon,
        "baseline_tts": lp.baseline_tts(),
        "scenarios_total": rows.len(),
        "rows": rows[..shown].iter().map(|r| serde_json::json!({
            "scenario": case_name(model, r.subject),
            "rei": r.rei,
            "pi": r.impact.pi,
            "tts": r.impact.tts,
            "t": r.t,
            "platforms_hit": r.impact.platforms_hit.iter().map(|&s| id(s)).collect::<Vec<_>>(),
            "platform_tts": r.impact.platform_tts.iter().map(|(p, t)| serde_json::json!({"platform": id(*p), "tts": t})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    Results {
        tables: vec![table, hits],
        main: "scenarios",
        json,
    }
}
