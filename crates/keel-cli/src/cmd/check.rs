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
    let mut t = output::Table::new(
        "summary",
        format!("{}: valid ({} warning(s))", args.model.display(), warnings),
        &["measure", "value"],
    );
    let mut kv = |k: &str, v: String| t.row(vec![Cell::from(k), Cell::from(v)]);
    kv("name", s.name.clone());
    kv("home country", s.home_country.clone());
    kv("countries", s.countries.to_string());
    kv("blocs", s.blocs.join(", "));
    kv(
        "firms (foreign-controlled)",
        format!("{} ({})", s.firms, s.foreign_controlled_firms),
    );
    kv("sites", s.sites.to_string());
    kv(
        "items (export-controlled)",
        format!("{} ({})", s.items, s.controlled_items),
    );
    kv("stages", s.stages.to_string());
    kv(
        "input rows (distinct stage inputs)",
        format!("{} ({})", s.input_rows, s.input_groups),
    );
    kv(
        "lanes (chokepoints)",
        format!("{} ({})", s.lanes, s.chokepoints),
    );
    kv(
        "platforms (demand stages)",
        format!("{} ({})", s.platform_items, s.demand_stages),
    );
    kv("tiers (longest input chain)", s.tiers.to_string());
    kv(
        "stage inputs with a single supplier",
        keel_present::pct(s.single_supplier_share),
    );
    kv("scenarios", s.scenarios.to_string());
    let json = serde_json::json!({ "valid": true, "warnings": loaded.warnings, "summary": s });
    output::emit(&args.out, &[t], "summary", &json)?;
    Ok(ExitCode::SUCCESS)
}
