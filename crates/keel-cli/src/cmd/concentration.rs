//! `keel concentration`: Herfindahl-Hirschman concentration of supply, with structural flags.

use crate::output::{self, Format};
use keel_see::concentration::{concentration, Measures};
use std::path::PathBuf;
use std::process::ExitCode;

/// Level reported by `--level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    /// Each (stage, input item): planned shares of its suppliers.
    Group,
    /// Each item across the model: capacity shares of the stages making it.
    Item,
    /// Both.
    Both,
}

/// How concentrated the supply of every stage input and every item is (HHI by firm and by country, 0-10,000),
/// with flags for sole source, single country, single lane or chokepoint, and supply entirely outside the home
/// country's blocs.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Which level to print.
    #[arg(long, value_enum, default_value = "both")]
    pub level: Level,
    /// Print only rows with at least one flag set or a highly concentrated firm HHI.
    #[arg(long)]
    pub flagged: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

fn flags(x: &Measures) -> String {
    let mut f = Vec::new();
    if x.sole_source {
        f.push("sole source".to_string());
    }
    if x.single_country {
        f.push("single country".into());
    }
    if let Some(l) = &x.common_lane {
        f.push(format!("single lane ({l})"));
    }
    if x.outside_home_blocs {
        f.push("outside home blocs".into());
    }
    f.join("; ")
}

fn keep(x: &Measures, flagged: bool) -> bool {
    !flagged
        || x.sole_source
        || x.single_country
        || x.single_lane
        || x.outside_home_blocs
        || x.band_firm == keel_see::concentration::Band::High
}

fn cells(x: &Measures) -> Vec<String> {
    vec![
        x.suppliers.to_string(),
        x.firms.to_string(),
        x.countries.to_string(),
        format!("{:.0}", x.hhi_firm),
        x.band_firm.as_str().into(),
        format!("{:.0}", x.hhi_country),
        x.band_country.as_str().into(),
        flags(x),
    ]
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let c = concentration(&m);
    let tail = [
        "suppliers",
        "firms",
        "countries",
        "HHI firm",
        "band",
        "HHI country",
        "band",
        "flags",
    ];
    let mut tables = Vec::new();
    if args.level != Level::Item {
        let mut hs = vec!["stage", "input item"];
        hs.extend(tail);
        let mut t = output::Table::new(format!("Stage inputs, by planned share. {}", c.bands), &hs);
        let mut gs: Vec<_> = c
            .groups
            .iter()
            .filter(|g| keep(&g.measures, args.flagged))
            .collect();
        gs.sort_by(|a, b| {
            b.measures
                .hhi_firm
                .total_cmp(&a.measures.hhi_firm)
                .then_with(|| (&a.stage, &a.item).cmp(&(&b.stage, &b.item)))
        });
        for g in gs {
            let mut r = vec![g.stage.clone(), g.item.clone()];
            r.extend(cells(&g.measures));
            t.row(r);
        }
        tables.push(t);
    }
    if args.level != Level::Group {
        let mut hs = vec!["item", "unlimited"];
        hs.extend(tail);
        let mut t = output::Table::new(
            format!(
                "Items across the model, by capacity (unlimited producers share equally). {}",
                c.bands
            ),
            &hs,
        );
        let mut is: Vec<_> = c
            .items
            .iter()
            .filter(|i| keep(&i.measures, args.flagged))
            .collect();
        is.sort_by(|a, b| {
            b.measures
                .hhi_firm
                .total_cmp(&a.measures.hhi_firm)
                .then_with(|| a.item.cmp(&b.item))
        });
        for i in is {
            let mut r = vec![i.item.clone(), i.unlimited.to_string()];
            r.extend(cells(&i.measures));
            t.row(r);
        }
        tables.push(t);
    }
    output::print_all(args.format, &tables, &serde_json::to_value(&c)?)?;
    Ok(ExitCode::SUCCESS)
}
