//! `keel check`: load, validate and summarise a model.

use crate::output::{self, Cell, Format, OutputArgs};
use keel_model::Severity;
use std::path::PathBuf;
use std::process::ExitCode;

/// Load and validate a model, report every problem with its location, and print a summary.
///
/// With the global --quiet, warnings are not printed.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub(crate) fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let loaded = match keel_io::load(&args.model) {
        Ok(l) => l,
        Err(keel_io::IoError::Invalid(inv)) => {
            if args.out.format == Format::Json {
                let json = serde_json::json!({
                    "valid": false, "errors": inv.error_count(), "diagnostics": inv.diagnostics
                });
                output::emit(&args.out, &[], "", &json)?;
            } else {
                crate::print_invalid(&args.model, &inv, output::quiet());
            }
            eprintln!(
                "{}: {} error(s); the model was not loaded",
                args.model.display(),
                inv.error_count()
            );
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(crate::BadInput(e.to_string()).into()),
    };
    let m = &loaded.model;
    let s = m.summary();
    if args.out.format != Format::Json && !output::quiet() {
        crate::print_diagnostics(&loaded.warnings, false);
    }
    let warnings = loaded
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    // Every row is one number, so the CSV is a tidy table of numbers; the model's name, home country and blocs
    // (text) go in the title and the JSON.
    // Candidates are in no count but their own: say so where the counts are read.
    let candidates = match &s.options {
        Some(o) => format!(
            "; the counts are of the model without its {} candidate stage(s), which only `keel plan` sees",
            o.candidate_stages
        ),
        None => String::new(),
    };
    let mut t = output::Table::new(
        "summary",
        format!(
            "{}: valid ({} warning(s)); {}, home country {}, blocs {}{candidates}",
            args.model.display(),
            warnings,
            s.name,
            s.home_country,
            s.blocs.join(", ")
        ),
        &["measure", "value"],
    );
    let counts = [
        ("countries", s.countries),
        ("firms", s.firms),
        ("foreign-controlled firms", s.foreign_controlled_firms),
        ("sites", s.sites),
        ("items", s.items),
        ("export-controlled items", s.controlled_items),
        ("stages", s.stages),
        ("input rows", s.input_rows),
        ("distinct stage inputs", s.input_groups),
        ("lanes", s.lanes),
        ("chokepoints", s.chokepoints),
        ("platforms", s.platform_items),
        ("demand stages", s.demand_stages),
        ("tiers (longest input chain)", s.tiers),
        ("scenarios", s.scenarios),
    ];
    for (k, v) in counts {
        t.row(vec![Cell::from(k), Cell::from(v)]);
    }
    t.row(vec![
        Cell::from("stage inputs with a single supplier"),
        Cell::Share(s.single_supplier_share),
    ]);
    // Options (format v1.1): one number per row like the rest, so every format carries them.
    if let Some(o) = &s.options {
        for (k, v) in [
            ("investment options", o.options),
            ("risky options (probability < 1)", o.risky),
            ("option groups", o.groups),
            (
                "candidate stages (seen only by keel plan)",
                o.candidate_stages,
            ),
        ] {
            t.row(vec![Cell::from(k), Cell::from(v)]);
        }
    }
    let json = serde_json::json!({ "valid": true, "warnings": loaded.warnings, "summary": s });
    output::emit(&args.out, &[t], "summary", &json)?;
    Ok(ExitCode::SUCCESS)
}
