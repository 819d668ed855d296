//! `overview`: a model at a glance, as the dashboard's first page shows it: how many platforms, countries,
//! firms, sites, stages, items, lanes and scenarios it holds, and per platform its value added per unit, its
//! home (sovereign) share, the foreign country contributing most value, and how many single points of failure
//! it has, by kind; and, for the charts, each platform's value added by country and by bloc (`keel exposure
//! --by country` and `--by bloc`: a stage counts toward every bloc of its country, so bloc shares overlap).
//!
//! The figures are those of `keel exposure` (firm-level look-through, docs/methods/exposure.md) and
//! `keel criticality` (docs/methods/criticality.md), so the overview and those commands always agree. A platform's
//! single points of failure are counted per kind (firms, sites, stages, lanes, chokepoints, foreign countries):
//! a single-sourced stage is one at every level (stage, site, firm), so a sum over kinds would count one
//! weakness several times. The home country and blocs are left out, because losing one's own country (or a
//! bloc containing it) stops every platform and says nothing about where to act.
//!
//! # Complexity
//! One exposure pass (O(upstream arcs) per platform, firms skipped) and one criticality propagation over the
//! model (see keel-see), then O(platforms + SPOFs) to lay out the tables.

use crate::table::{Cell, Table};
use crate::Results;
use keel_model::{Model, Target};
use keel_see::criticality::{single_points_of_failure, KINDS};
use keel_see::exposure::{self, ExposureOptions};
use serde_json::json;

/// Counts the model's parts and summarises every platform (main table `platforms`).
pub fn run(m: &Model) -> Results {
    let platforms: Vec<_> = m.demand_stages().collect();
    let exp = exposure::exposure(
        m,
        &platforms,
        ExposureOptions {
            tiers: false,
            top_firms: Some(0),
        },
    );
    let spofs = single_points_of_failure(m, &KINDS);
    let home = m.meta().home_country;
    let home_code = m.countries()[home.index()].code.as_str();

    let counted = [
        ("platforms", platforms.len()),
        ("countries", m.countries().len()),
        ("firms", m.firms().len()),
        ("sites", m.sites().len()),
        ("stages", m.stages().len()),
        ("items", m.items().len()),
        ("lanes", m.lanes().len()),
        ("chokepoints", m.chokepoints().len()),
        ("scenarios", m.scenarios().len()),
    ];
    let mut counts = Table::new("counts", "What the model holds", &["part", "count"]);
    for (what, n) in counted {
        counts.row(vec![Cell::from(what), Cell::from(n)]);
    }

    let mut table = Table::new(
        "platforms",
        format!(
            "Platforms: value added per unit ({}), home ({home_code}) share, the largest foreign contributor, \
             and how many firms, lanes and chokepoints, and foreign countries are single points of failure",
            m.meta().currency
        ),
        &[
            "platform",
            "item",
            "value added",
            "home share",
            "top foreign country",
            "top foreign share",
            "single-point firms",
            "single-point lanes and chokepoints",
            "single-point foreign countries",
            "buildable",
        ],
    );
    let mut rows = Vec::with_capacity(exp.len());
    for (e, s) in exp.iter().zip(&spofs) {
        debug_assert_eq!(e.stage, s.stage);
        let foreign = e.by_country.iter().find(|c| c.key != home_code);
        // Per kind: a single-sourced stage is also a SPOF as its site, its firm and often its lane, so one sum
        // over kinds would count one weakness several times.
        let mut by_kind = [0usize; 6];
        for t in &s.spofs {
            let k = match t {
                Target::Firm(_) => 0,
                Target::Site(_) => 1,
                Target::Stage(_) => 2,
                Target::Lane(_) => 3,
                Target::Chokepoint(_) => 4,
                Target::Country(c) if *c != home => 5,
                _ => continue,
            };
            by_kind[k] += 1;
        }
        table.row(vec![
            Cell::from(&e.platform),
            Cell::from(&e.item),
            Cell::Num(e.value_added),
            Cell::Share(e.home_share),
            Cell::from(foreign.map(|c| c.key.as_str())),
            foreign.map_or(Cell::Empty, |c| Cell::Share(c.share)),
            Cell::from(by_kind[0]),
            Cell::from(by_kind[3] + by_kind[4]),
            Cell::from(by_kind[5]),
            Cell::from(s.buildable),
        ]);
        rows.push(json!({
            "platform": e.platform,
            "item": e.item,
            "value_added": e.value_added,
            "home_share": e.home_share,
            "top_foreign_country": foreign.map(|c| c.key.as_str()),
            "top_foreign_share": foreign.map(|c| c.share),
            "single_points_of_failure": {
                "firms": by_kind[0],
                "sites": by_kind[1],
                "stages": by_kind[2],
                "lanes": by_kind[3],
                "chokepoints": by_kind[4],
                "foreign_countries": by_kind[5],
            },
            "buildable": s.buildable,
            "by_country": e.by_country,
            "by_bloc": e.by_bloc,
        }));
    }
    let json = json!({
        "model": m.meta().name,
        "home_country": home_code,
        "currency": m.meta().currency,
        "time_unit": m.meta().time_unit,
        "counts": counted.iter().map(|(part, count)| json!({"part": part, "count": count})).collect::<Vec<_>>(),
        "platforms": rows,
    });
    Results {
        tables: vec![counts, table],
        main: "platforms",
        json,
    }
}
