//! Shards: one stress sweep or Monte Carlo split into parts that separate processes or machines run, then merged
//! into exactly the results (every table, the JSON, hence every output format's bytes) of one run.
//!
//! - A stress sweep is split into `count` shards of its scenario list ([`keel_lp::shard_range`]): contiguous
//!   ranges, whole chunks where the sweep's warm LPs carry a basis from one scenario to the next, so each
//!   scenario is solved exactly as the whole sweep solves it. A shard keeps every scenario's raw impact (not
//!   the ranking: REI and rank need every scenario, and `--top` would drop rows).
//! - A Monte Carlo is split into ranges of run indices. Each run's generator is seeded by the seed and the run's
//!   index, never by the part it is in, so run `k` is the same in every split. A part keeps each run's sparse
//!   per-platform loss and steps short and the elements it sampled: the statistics (quantiles, CVaR, drivers)
//!   need them all.
//!
//! A part is a [`ShardDoc`]: JSON that names its analysis and options, its part, and the model it ran on (path
//! and `keel_io::digest`). [`merge`] checks that the parts are of one analysis with the same options on the
//! same model, and that they cover the work exactly once (naming what is missing, repeated or overlapping),
//! then ranks or summarises the whole as one run does, through the same code.
//!
//! # Complexity
//! A part costs its share of the work. [`merge`] builds the sweep's cases (linear in the model) and ranks
//! (O(k log k) for k scenarios), or summarises the runs (O(N x platforms + N log N)); it solves nothing.

use crate::{montecarlo, stress, Analysis, EngineError, Results};
use keel_lp::{ranked, shard_range, sweep_part, Impact, StressLp, Tts};
use keel_model::{Model, Progress, StageIx};
use keel_sim::montecarlo::{simulate_runs, summarise, RunOut};
use keel_sim::simulate::Simulator;
use serde::{Deserialize, Serialize};

/// The version of the shard document's layout; [`merge`] refuses others.
pub const FORMAT: u32 = 1;

/// Which part of the work a shard does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// Shard `index` (1-based) of `count` of a stress sweep's scenario list (`keel stress --shard I/N`).
    Shard { index: usize, count: usize },
    /// Monte Carlo runs `start..end` (run indices, end excluded; `keel montecarlo --runs A..B`).
    Runs { start: usize, end: usize },
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Part::Shard { index, count } => write!(f, "shard {index}/{count}"),
            Part::Runs { start, end } => write!(f, "runs {start}..{end}"),
        }
    }
}

/// The model a shard ran on: the path it was loaded from and the digest of its files (`keel_io::digest`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    pub path: String,
    pub digest: String,
}

/// One scenario's impact, as a shard stores it (stage indices of the model the digest names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseImpact {
    /// Position in the sweep's scenario list.
    pub case: usize,
    pub pi: f64,
    pub tts: f64,
    pub tts_at_least: bool,
    /// Platforms hit (stage indices), in demand order.
    pub hit: Vec<u32>,
    /// Each hit platform's own TTS `(stage, value, at least)`, when asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platform_tts: Vec<(u32, f64, bool)>,
}

/// What a shard computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "analysis", rename_all = "lowercase")]
pub enum Work {
    /// Part of a stress sweep: the impacts of its scenarios, and how many the whole sweep has.
    Stress {
        options: stress::Options,
        cases: usize,
        impacts: Vec<CaseImpact>,
    },
    /// Part of a Monte Carlo: its runs, in run order (`options.runs` is 0: the whole has the runs its parts
    /// cover).
    MonteCarlo {
        options: montecarlo::Options,
        outs: Vec<RunOut>,
    },
}

/// One shard's results: written by `keel stress --shard`, `keel montecarlo --runs A..B` and the Python workers,
/// read by [`merge`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardDoc {
    /// Always [`FORMAT`].
    pub keel_shard: u32,
    /// The Keel version that wrote it.
    pub keel_version: String,
    /// Set by the front end that loaded the model.
    pub model: ModelRef,
    pub part: Part,
    #[serde(flatten)]
    pub work: Work,
}

impl ShardDoc {
    /// The document as compact JSON (floats in their shortest round-trip form: read back bit for bit).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a document; the error says where the JSON is wrong.
    pub fn from_json(text: &str) -> Result<ShardDoc, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// Runs `part` of `a` on `model` (a stress sweep with [`Part::Shard`], a Monte Carlo with [`Part::Runs`]). The
/// document's `model` is left empty for the front end to fill in.
pub fn run_part(
    model: &Model,
    a: &Analysis,
    part: Part,
    progress: &dyn Progress,
) -> Result<ShardDoc, EngineError> {
    let work = match (a, part) {
        (Analysis::Stress(o), Part::Shard { index, count }) => {
            if count == 0 || index == 0 || index > count {
                return Err(EngineError::Options(format!(
                    "shard {index}/{count}: the index runs from 1 to the number of shards (e.g. 1/4 to 4/4)"
                )));
            }
            let (cases, _) = stress::cases(model, o)?;
            let lp = StressLp::new(model, o.horizon)?;
            let range = shard_range(&lp, cases.len(), index - 1, count);
            let start = range.start;
            let impacts = sweep_part(&lp, &cases, range, o.per_platform, progress)?;
            Work::Stress {
                options: o.clone(),
                cases: cases.len(),
                impacts: impacts
                    .into_iter()
                    .enumerate()
                    .map(|(k, i)| stored(start + k, &i))
                    .collect(),
            }
        }
        (Analysis::MonteCarlo(o), Part::Runs { start, end }) => {
            if start >= end {
                return Err(EngineError::Options(format!(
                    "runs {start}..{end} is empty: give A..B with A < B (run indices, B excluded)"
                )));
            }
            // A platform that is not in the model is refused before the runs, not at the merge.
            let _ = crate::platform_filter(model, o.platform.as_deref())?;
            let sim = Simulator::new(model, o.horizon)?;
            let outs = simulate_runs(&sim, &montecarlo::mc_options(o), start..end, progress)?;
            // The whole's number of runs is what the parts cover: [`merge`] counts it.
            Work::MonteCarlo {
                options: montecarlo::Options {
                    runs: 0,
                    ..o.clone()
                },
                outs,
            }
        }
        (a, part) => {
            return Err(EngineError::Options(format!(
                "`{}` cannot be split into {part}: a stress sweep is split into shards (I/N) and a Monte Carlo \
                 into ranges of runs (A..B)",
                a.name()
            )))
        }
    };
    Ok(ShardDoc {
        keel_shard: FORMAT,
        keel_version: env!("CARGO_PKG_VERSION").to_string(),
        model: ModelRef::default(),
        part,
        work,
    })
}

fn stored(case: usize, i: &Impact) -> CaseImpact {
    let ix = |s: StageIx| s.index() as u32;
    CaseImpact {
        case,
        pi: i.pi,
        tts: i.tts.value,
        tts_at_least: i.tts.at_least,
        hit: i.platforms_hit.iter().map(|&s| ix(s)).collect(),
        platform_tts: i
            .platform_tts
            .iter()
            .map(|(s, t)| (ix(*s), t.value, t.at_least))
            .collect(),
    }
}

fn restored(model: &Model, label: &str, c: &CaseImpact) -> Result<Impact, EngineError> {
    let n = model.stages().len();
    let stage = |s: u32| {
        let s = s as usize;
        if s < n {
            Ok(StageIx::new(s))
        } else {
            Err(EngineError::Options(format!(
                "{label}: scenario {} names stage {s}, but the model has {n} stages",
                c.case
            )))
        }
    };
    Ok(Impact {
        pi: c.pi,
        tts: Tts {
            value: c.tts,
            at_least: c.tts_at_least,
        },
        platforms_hit: c.hit.iter().map(|&s| stage(s)).collect::<Result<_, _>>()?,
        platform_tts: c
            .platform_tts
            .iter()
            .map(|&(s, value, at_least)| Ok((stage(s)?, Tts { value, at_least })))
            .collect::<Result<_, EngineError>>()?,
    })
}

fn refuse(m: String) -> EngineError {
    EngineError::Options(m)
}

/// Merges the shards `parts` (each with a label for messages, e.g. its file name) of one analysis on `model`
/// into the results one run gives. `digest` is the loaded model's `keel_io::digest`: each shard must have run
/// on the same files.
pub fn merge(
    model: &Model,
    digest: &str,
    parts: &[(String, ShardDoc)],
) -> Result<Results, EngineError> {
    let Some((first_label, first)) = parts.first() else {
        return Err(refuse("no shards to merge".into()));
    };
    for (label, d) in parts {
        if d.keel_shard != FORMAT {
            return Err(refuse(format!(
                "{label}: shard format {} (written by Keel {}); this Keel reads format {FORMAT}",
                d.keel_shard, d.keel_version
            )));
        }
        if d.model.digest != digest {
            return Err(refuse(format!(
                "{label} ran on a model whose files differ from the one loaded here ({} has digest {}, the \
                 shard {}): merge shards with the model they ran on (--model PATH)",
                d.model.path, digest, d.model.digest
            )));
        }
    }
    match &first.work {
        Work::Stress { options, cases, .. } => {
            let mut shards: Vec<(usize, &str, &[CaseImpact])> = Vec::new();
            let count = match first.part {
                Part::Shard { count, .. } => count,
                Part::Runs { .. } => 0,
            };
            for (label, d) in parts {
                let (
                    Work::Stress {
                        options: o,
                        cases: n,
                        impacts,
                    },
                    Part::Shard { index, count: c },
                ) = (&d.work, d.part)
                else {
                    return Err(refuse(format!(
                        "{first_label} is a stress shard but {label} is not: merge the shards of one analysis"
                    )));
                };
                same_options(first_label, options, label, o)?;
                if c != count || n != cases {
                    return Err(refuse(format!(
                        "{first_label} is {} of a sweep of {cases} scenarios but {label} is {} of {n}: merge \
                         the shards of one split",
                        first.part, d.part
                    )));
                }
                if let Some((_, other, _)) = shards.iter().find(|(i, _, _)| *i == index) {
                    return Err(refuse(format!(
                        "shard {index}/{count} is given twice: {other} and {label}"
                    )));
                }
                shards.push((index, label, impacts));
            }
            let missing: Vec<String> = (1..=count)
                .filter(|i| !shards.iter().any(|(k, _, _)| k == i))
                .map(|i| format!("{i}/{count}"))
                .collect();
            if !missing.is_empty() {
                return Err(refuse(format!(
                    "shard{} {} {} missing: every shard 1/{count} to {count}/{count} is needed",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", "),
                    if missing.len() > 1 { "are" } else { "is" }
                )));
            }
            shards.sort_by_key(|(i, _, _)| *i);
            let (all, what) = stress::cases(model, options)?;
            if all.len() != *cases {
                return Err(refuse(format!(
                    "the shards swept {cases} scenarios; these options give {} on this model",
                    all.len()
                )));
            }
            let lp = StressLp::new(model, options.horizon)?;
            let mut impacts = Vec::with_capacity(all.len());
            for (index, label, part) in shards {
                let range = shard_range(&lp, all.len(), index - 1, count);
                if part.len() != range.len()
                    || part.iter().zip(range.clone()).any(|(c, k)| c.case != k)
                {
                    return Err(refuse(format!(
                        "{label}: shard {index}/{count} should hold scenarios {}..{} of {}, in order",
                        range.start,
                        range.end,
                        all.len()
                    )));
                }
                for c in part {
                    impacts.push(restored(model, label, c)?);
                }
            }
            let rows = ranked(model, &all, impacts);
            Ok(stress::layout(model, options, &lp, &rows, &what))
        }
        Work::MonteCarlo { options, .. } => {
            let mut ranges: Vec<(usize, usize, &str, &[RunOut])> = Vec::new();
            for (label, d) in parts {
                let (Work::MonteCarlo { options: o, outs }, Part::Runs { start, end }) =
                    (&d.work, d.part)
                else {
                    return Err(refuse(format!(
                        "{first_label} is a Monte Carlo part but {label} is not: merge the parts of one \
                         analysis"
                    )));
                };
                same_options(first_label, options, label, o)?;
                if outs.len() != end - start {
                    return Err(refuse(format!(
                        "{label}: runs {start}..{end} should hold {} runs, it holds {}",
                        end - start,
                        outs.len()
                    )));
                }
                ranges.push((start, end, label, outs));
            }
            ranges.sort_by_key(|r| (r.0, r.1));
            let mut at = 0;
            let mut prev = "";
            for &(start, end, label, _) in &ranges {
                if start > at {
                    return Err(refuse(format!(
                        "runs {at}..{start} are missing: the parts must cover every run from 0 once"
                    )));
                }
                if start < at {
                    return Err(refuse(format!(
                        "{label}'s runs {start}..{end} overlap {prev}'s (up to run {at}): each run must be \
                         in one part only"
                    )));
                }
                at = end;
                prev = label;
            }
            let options = montecarlo::Options {
                runs: ranges.last().map_or(0, |r| r.1),
                ..options.clone()
            };
            let outs: Vec<RunOut> = ranges
                .into_iter()
                .flat_map(|r| r.3.iter().cloned())
                .collect();
            let keep = crate::platform_filter(model, options.platform.as_deref())?;
            let sim = Simulator::new(model, options.horizon)?;
            let r = summarise(&sim, &montecarlo::mc_options(&options), &outs)?;
            montecarlo::layout(model, &options, &keep, &r)
        }
    }
}

/// Refuses shards whose options differ, naming the first option that does.
fn same_options<T: Serialize + PartialEq>(
    a_label: &str,
    a: &T,
    b_label: &str,
    b: &T,
) -> Result<(), EngineError> {
    if a == b {
        return Ok(());
    }
    let (x, y) = (crate::to_json(a)?, crate::to_json(b)?);
    let field = x
        .as_object()
        .and_then(|x| {
            x.iter()
                .find(|(k, v)| y.get(k.as_str()) != Some(v))
                .map(|(k, v)| {
                    format!(
                        "`{k}` is {v} in {a_label} and {} in {b_label}",
                        y[k.as_str()]
                    )
                })
        })
        .unwrap_or_default();
    Err(refuse(format!(
        "{a_label} and {b_label} ran with different options ({field}): merge the parts of one analysis"
    )))
}
