//! `keel diff`: what changed between two versions of a model.

use crate::output::{self, OutputArgs, Table};
use std::path::PathBuf;
use std::process::ExitCode;

/// What changed between two versions of a model: rows added, removed and changed, table by table.
///
/// Rows are matched by each table's key (id; code for countries; stage for demand; stage, input item and
/// supplier for inputs; scenario, target kind and target for scenarios). Both versions are compared as Keel
/// writes them, so a folder and a workbook of the same model differ in nothing.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The earlier version (folder or .xlsx workbook).
    pub before: PathBuf,
    /// The later version.
    pub after: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let a = crate::load_model(&args.before)?;
    let b = crate::load_model(&args.after)?;
    let d = keel_io::diff::diff(&a, &b);
    let mut summary = Table::new(
        "summary",
        format!(
            "Changes from {} to {}",
            args.before.display(),
            args.after.display()
        ),
        &["file", "added", "removed", "changed"],
    );
    let mut rows = Table::new(
        "rows",
        "Rows added, removed and changed (changed: one line per cell)",
        &["file", "change", "key", "column", "before", "after"],
    );
    for t in &d {
        let file = format!("{}.csv", t.table);
        summary.row(vec![
            file.clone().into(),
            t.added.len().into(),
            t.removed.len().into(),
            t.changed.len().into(),
        ]);
        let key = |r: &[String]| {
            t.key
                .iter()
                .filter_map(|k| t.columns.iter().position(|c| c == k))
                .map(|i| r.get(i).cloned().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" / ")
        };
        for r in &t.removed {
            rows.row(vec![
                file.clone().into(),
                "removed".into(),
                key(r).into(),
                "".into(),
                r.join(",").into(),
                "".into(),
            ]);
        }
        for r in &t.added {
            rows.row(vec![
                file.clone().into(),
                "added".into(),
                key(r).into(),
                "".into(),
                "".into(),
                r.join(",").into(),
            ]);
        }
        for c in &t.changed {
            for col in &c.columns {
                let i = t.columns.iter().position(|x| x == col);
                let cell = |r: &[String]| i.and_then(|i| r.get(i).cloned()).unwrap_or_default();
                rows.row(vec![
                    file.clone().into(),
                    "changed".into(),
                    c.key.join(" / ").into(),
                    col.into(),
                    cell(&c.before).into(),
                    cell(&c.after).into(),
                ]);
            }
        }
    }
    let json = serde_json::json!({
        "before": args.before.display().to_string(),
        "after": args.after.display().to_string(),
        "tables": d,
    });
    if d.is_empty() && args.out.format == output::Format::Table && args.out.output.is_none() {
        output::note("The two versions hold the same model.");
    }
    output::emit(&args.out, &[summary, rows], "rows", &json)?;
    Ok(ExitCode::SUCCESS)
}
