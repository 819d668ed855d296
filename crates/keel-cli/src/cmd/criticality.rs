//! `keel criticality`: single points of failure of each platform, and minimal pairs of countries and firms.

use crate::output::{self, Format};
use keel_model::{Model, Target};
use keel_see::criticality::{
    single_points_of_failure, spof_pairs, ElementKind, PlatformPairs, DEFAULT_PAIR_WORK,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// Kinds of element whose loss is tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Stage,
    Site,
    Firm,
    Country,
    Bloc,
    Lane,
    Chokepoint,
}

impl From<Kind> for ElementKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Stage => ElementKind::Stage,
            Kind::Site => ElementKind::Site,
            Kind::Firm => ElementKind::Firm,
            Kind::Country => ElementKind::Country,
            Kind::Bloc => ElementKind::Bloc,
            Kind::Lane => ElementKind::Lane,
            Kind::Chokepoint => ElementKind::Chokepoint,
        }
    }
}

/// List every single point of failure (SPOF) of each platform: each stage, site, firm, country, bloc, lane or
/// chokepoint whose loss alone leaves the platform impossible to build. A platform can be built when every
/// input item has at least one surviving supplier (over a surviving lane) that can itself be built; suppliers
/// with a planned share of 0 count as alternatives. With --pairs, also the minimal pairs of countries and of
/// firms whose joint loss stops a platform (neither being a SPOF alone).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model folder (model.toml + CSV files) or .xlsx workbook.
    pub model: PathBuf,
    /// Kinds of element to test (repeat or comma-separate; default: all kinds).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<Kind>,
    /// Only this platform (a demand stage id, or an item id such as plt-lav).
    #[arg(long)]
    pub platform: Option<String>,
    /// Also list minimal pairs of countries and of firms whose joint loss stops a platform.
    #[arg(long)]
    pub pairs: bool,
    /// Cap on the pair search (candidates x upstream input rows); beyond it the search is refused.
    #[arg(long, default_value_t = DEFAULT_PAIR_WORK)]
    pub max_pair_work: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let m = crate::load_model(&args.model)?;
    let wanted = keel_see::resolve_platforms(&m, args.platform.as_deref())
        .map_err(|e| crate::BadInput(e.to_string()))?;
    let kinds: Vec<ElementKind> = if args.kind.is_empty() {
        ElementKind::ALL.to_vec()
    } else {
        let mut k: Vec<ElementKind> = args.kind.iter().map(|&k| k.into()).collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    let spofs: Vec<_> = single_points_of_failure(&m, &kinds)
        .into_iter()
        .filter(|p| wanted.contains(&p.stage))
        .collect();
    let (country_pairs, firm_pairs) = if args.pairs {
        let keep = |v: Vec<PlatformPairs>| -> Vec<PlatformPairs> {
            v.into_iter()
                .filter(|p| wanted.contains(&p.stage))
                .collect()
        };
        (
            keep(spof_pairs(&m, ElementKind::Country, args.max_pair_work)?),
            keep(spof_pairs(&m, ElementKind::Firm, args.max_pair_work)?),
        )
    } else {
        (Vec::new(), Vec::new())
    };

    let stage_id = |s: keel_model::StageIx| m.stages[s.index()].id.clone();
    let mut summary = output::Table::new(
        format!(
            "Single points of failure per platform ({})",
            kind_list(&kinds)
        ),
        &["platform", "buildable", "SPOFs"],
    );
    let mut list = output::Table::new(
        "Single points of failure",
        &["platform", "kind", "element", "country"],
    );
    for p in &spofs {
        summary.row(vec![
            stage_id(p.stage),
            if p.buildable { "yes" } else { "no" }.into(),
            p.spofs.len().to_string(),
        ]);
        for &t in &p.spofs {
            list.row(vec![
                stage_id(p.stage),
                t.kind().into(),
                element_id(&m, t),
                country_of(&m, t),
            ]);
        }
    }
    let mut tables = vec![summary, list];
    if args.pairs {
        let mut pt = output::Table::new(
            "Minimal pairs of countries and of firms whose joint loss stops a platform",
            &["platform", "kind", "first", "second"],
        );
        for (c, f) in country_pairs.iter().zip(&firm_pairs) {
            for &(a, b) in c.pairs.iter().chain(&f.pairs) {
                pt.row(vec![
                    stage_id(c.stage),
                    a.kind().into(),
                    element_id(&m, a),
                    element_id(&m, b),
                ]);
            }
        }
        tables.push(pt);
    }

    let pair_json = |v: &[PlatformPairs], s: keel_model::StageIx| -> serde_json::Value {
        v.iter()
            .find(|p| p.stage == s)
            .map(|p| {
                p.pairs
                    .iter()
                    .map(|&(a, b)| serde_json::json!([element_id(&m, a), element_id(&m, b)]))
                    .collect::<Vec<_>>()
            })
            .into()
    };
    let json = serde_json::json!({
        "model": m.meta.name,
        "kinds": kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "platforms": spofs.iter().map(|p| {
            let mut o = serde_json::json!({
                "stage": stage_id(p.stage),
                "buildable": p.buildable,
                "spofs": p.spofs.iter().map(|&t| serde_json::json!({
                    "kind": t.kind(),
                    "id": element_id(&m, t),
                })).collect::<Vec<_>>(),
            });
            if args.pairs {
                o["country_pairs"] = pair_json(&country_pairs, p.stage);
                o["firm_pairs"] = pair_json(&firm_pairs, p.stage);
            }
            o
        }).collect::<Vec<_>>(),
    });
    output::print_all(args.format, &tables, &json)?;
    Ok(ExitCode::SUCCESS)
}

fn kind_list(kinds: &[ElementKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The element's id without the kind prefix of `Model::target_name`.
fn element_id(m: &Model, t: Target) -> String {
    let name = m.target_name(t);
    name.split_once(' ')
        .map_or(name.clone(), |(_, id)| id.to_string())
}

/// The country an element sits in, where it has one.
fn country_of(m: &Model, t: Target) -> String {
    let c = match t {
        Target::Stage(s) => Some(m.stage_country(s)),
        Target::Site(x) => Some(m.sites[x.index()].country),
        Target::Firm(f) => Some(m.firms[f.index()].country),
        _ => None,
    };
    c.map(|c| m.countries[c.index()].code.clone())
        .unwrap_or_default()
}
