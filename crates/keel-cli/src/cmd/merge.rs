//! `keel merge`: puts the shards of a stress sweep (`keel stress --shard I/N`) or the parts of a Monte Carlo
//! (`keel montecarlo --runs A..B`) back together into exactly the output one run gives. See docs/scale-out.md.

use crate::output::{self, OutputArgs};
use keel_engine::shard::{self, Part, ShardDoc};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Merges shard files into the results of one run, in any output format.
///
/// Reads the shard files that `keel stress --shard I/N` or `keel montecarlo --runs A..B` wrote, checks that
/// they are the parts of one analysis with the same options on the same model files and that they cover the
/// work exactly once, then ranks or summarises the whole as a single run does: the output is byte for byte
/// that of the same command run without `--shard` or with `--runs N`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Shard files, in any order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The model the shards ran on (default: the path recorded in the shards). Its files must be the same.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut parts = Vec::with_capacity(args.files.len());
    for f in &args.files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| crate::BadInput(format!("cannot read {}: {e}", f.display())))?;
        let doc = ShardDoc::from_json(&text).map_err(|e| {
            crate::BadInput(format!(
                "{}:{}:{}: not a Keel shard file ({e}); shard files are written by `keel stress --shard I/N` \
                 and `keel montecarlo --runs A..B`",
                f.display(),
                e.line(),
                e.column()
            ))
        })?;
        parts.push((f.display().to_string(), doc));
    }
    let model_path = match &args.model {
        Some(p) => p.clone(),
        None => PathBuf::from(&parts[0].1.model.path),
    };
    let model = crate::load_model(&model_path)?;
    let digest = keel_io::digest(&model_path)?;
    let results = shard::merge(&model, &digest, &parts).map_err(crate::engine_error)?;
    let what = match parts[0].1.part {
        Part::Shard { count, .. } => format!("{count} shards"),
        Part::Runs { .. } => format!(
            "{} part{} (runs 0..{})",
            parts.len(),
            if parts.len() == 1 { "" } else { "s" },
            results.json["runs"].as_u64().unwrap_or(0)
        ),
    };
    output::note(&format!("Merged {what} of {}.", model_path.display()));
    output::emit_results(&args.out, &results)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `part` of `a` on `model` (loaded from `path`) and writes its shard file to `out`'s file or standard
/// output, refusing the output options that only `keel merge` applies.
pub(crate) fn run_part(
    out: &OutputArgs,
    path: &Path,
    model: &keel_model::Model,
    a: &keel_engine::Analysis,
    part: Part,
    bar: &output::Progress,
) -> anyhow::Result<ExitCode> {
    if !matches!(out.format, output::Format::Table | output::Format::Json) || out.table.is_some() {
        return Err(crate::BadInput(
            "a part of an analysis writes a shard file (JSON) for `keel merge`; give --format and --table to \
             `keel merge`, which writes every format"
                .into(),
        )
        .into());
    }
    let mut doc = shard::run_part(model, a, part, bar).map_err(crate::engine_error)?;
    bar.finish();
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    doc.model = shard::ModelRef {
        path: abs.display().to_string(),
        digest: keel_io::digest(path)?,
    };
    let text = doc.to_json();
    match &out.output {
        Some(p) => {
            std::fs::write(p, format!("{text}\n"))
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display()))?;
            output::note(&format!(
                "Wrote {} of {} to {}; `keel merge` puts the parts together.",
                doc.part,
                path.display(),
                p.display()
            ));
        }
        None => {
            let mut o = std::io::stdout().lock();
            writeln!(o, "{text}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
