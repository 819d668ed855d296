//! Rendering the bundled example and small hand-built models.

use keel_model::fixture::TextModel;
use keel_report::{render, ReportError, ReportOptions};
use std::path::Path;

fn example() -> keel_model::Model {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    keel_io::load(&dir).expect("example loads").model
}

#[test]
fn example_report_has_every_platform_map_and_no_external_resources() {
    let m = example();
    let html = render(&m, &ReportOptions::default()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.ends_with("</html>\n"));
    // 11 platforms in the example, each with its section, its id, two bars and a map.
    assert_eq!(m.demands().len(), 11);
    for d in m.demands() {
        let id = &m.stages()[d.stage.index()].id;
        assert!(html.contains(id.as_str()), "platform {id} missing");
    }
    assert_eq!(html.matches("<section class=\"platform\"").count(), 11);
    assert_eq!(
        html.matches("<figure class=\"bar-chart by-country\"")
            .count(),
        11
    );
    assert_eq!(
        html.matches("<figure class=\"bar-chart by-tier\"").count(),
        11
    );
    assert_eq!(html.matches("<svg class=\"map\"").count(), 11);
    assert_eq!(html.matches("<select id=\"pick\">").count(), 1);
    // Home country named in the header.
    assert!(html.contains("Canada (CAN)"));
    // Outlines for CAN and USA defined once and used by every map; CAN is outlined as home.
    assert_eq!(html.matches("<path id=\"kc-CAN\" d=\"M").count(), 1);
    assert_eq!(html.matches("<path id=\"kc-USA\" d=\"M").count(), 1);
    assert_eq!(html.matches("<use href=\"#kc-USA\"").count(), 11);
    assert_eq!(html.matches("<use href=\"#kc-CAN\" fill=").count(), 11);
    assert_eq!(
        html.matches("stroke=\"#d9480f\" stroke-width=\"1\"")
            .count(),
        11
    );
    // ZZZ (unknown origin) is not on the map: listed in a side table instead, once per platform.
    assert!(!html.contains("kc-ZZZ"));
    assert_eq!(
        html.matches("<caption>Not on the map</caption>").count(),
        11
    );
    // Self-contained: no external resource of any kind, nor any URL at all.
    for bad in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!html.contains(bad), "found {bad}");
    }
    // Credits.
    assert!(html.contains("Natural Earth"));
    assert!(html.contains("world-atlas 2.0.2"));
    // Sections present in each platform.
    for h3 in [
        "Where the value comes from",
        "Exposure by country",
        "Export controls",
        "Supply concentration",
        "Single points of failure",
    ] {
        assert_eq!(html.matches(&format!("<h3>{h3}</h3>")).count(), 11, "{h3}");
    }
}

#[test]
fn example_report_is_deterministic() {
    let m = example();
    let a = render(&m, &ReportOptions::default()).unwrap();
    let b = render(&m, &ReportOptions::default()).unwrap();
    assert!(a == b, "two renders differ");
    // A model loaded again renders the same bytes too.
    let c = render(&example(), &ReportOptions::default()).unwrap();
    assert!(a == c);
    // Under the size the issue allows for the map plus a comfortable page (bytes).
    assert!(a.len() < 2_000_000, "report is {} bytes", a.len());
}

/// A two-stage chain where every number can be checked by hand.
///
/// `plt@s-can` (CAN, value added 60) needs 2 units of `part`, sourced only from `part@s-usa` (USA, value
/// added 20, item ITAR-controlled) over lane L1 through the chokepoint "Panama Canal".
/// Value per unit: 60 + 2 x 20 = 100, so CAN 60.0%, USA 40.0%, tier 0 60.0%, tier 1 40.0%.
/// The part is sole-sourced, single-country, single-lane, and USA shares NATO with CAN, so not outside.
/// Single points of failure among every kind: both stages, both sites, both firms, both countries, the NATO
/// bloc, lane L1 and the chokepoint = 11.
fn tiny() -> keel_model::Model {
    TextModel::new("CAN", &[("ITAR", "USA")])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n")
        .table("firms", "id,name,country,parent_country\nf-can,Maple Works,CAN,\nf-usa,Eagle Parts,USA,\n")
        .table("sites", "id,firm,country,lat,lon,name\ns-can,f-can,CAN,,,\ns-usa,f-usa,USA,,,\n")
        .table(
            "items",
            "id,name,kind,export_control,capability\nplt,Patrol boat,platform,,\npart,Radar <X>,component,ITAR:XI,\n",
        )
        .table(
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             plt@s-can,plt,s-can,60,,1,0,\npart@s-usa,part,s-usa,20,,1,0,\n",
        )
        .table("inputs", "stage,input_item,supplier,qty,share,lane\nplt@s-can,part,part@s-usa,2,,L1\n")
        .table(
            "lanes",
            "id,from_site,to_site,mode,transit_time,chokepoints\nL1,s-usa,s-can,sea,5,Panama Canal\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nplt@s-can,10,100\n")
        .build()
        .unwrap()
        .model
}

#[test]
fn tiny_model_numbers() {
    let m = tiny();
    let html = render(&m, &ReportOptions::default()).unwrap();
    // Value and shares (see `tiny`).
    assert!(html.contains("<div class=\"v\">CAD 100</div>"), "value 100");
    assert!(html.contains("Canada <b>60.0%</b>"));
    assert!(html.contains("United States <b>40.0%</b>"));
    assert!(html.contains("tier 0 (final assembly) <b>60.0%</b>"));
    assert!(html.contains("tier 1 (direct suppliers) <b>40.0%</b>"));
    // Bar geometry: CAN first (larger), 600 wide, then USA 400.
    assert!(html.contains("<rect x=\"0.00\" y=\"0\" width=\"600.00\""));
    assert!(html.contains("<rect x=\"600.00\" y=\"0\" width=\"400.00\""));
    // Map bins: CAN 60% is the darkest bin, USA 40% the 25-50% bin.
    assert!(html.contains("<use href=\"#kc-USA\" fill=\"#1f63a3\""));
    assert!(html.contains("<use href=\"#kc-CAN\" fill=\"#0b3a73\" stroke=\"#d9480f\""));
    // Export control: controlled by ITAR through the radar; the name is escaped.
    assert!(html.contains("<span class=\"badge bad\">controlled</span>"));
    assert!(html.contains("<td>Radar &lt;X&gt;</td><td>XI</td><td class=\"path\">Patrol boat &rarr; Radar &lt;X&gt;</td>"));
    assert!(html.contains("No ITAR-free build"));
    // Concentration: one input, all three flags but not outside the home blocs; HHI 10,000 (high).
    assert!(html.contains("<b>1</b> come from a single firm"));
    assert!(html.contains("<span class=\"flag\">sole source</span>"));
    assert!(html.contains("<span class=\"flag\">single country</span>"));
    assert!(html.contains("<span class=\"flag\">single lane: L1</span>"));
    assert!(!html.contains("<span class=\"flag\">outside home blocs</span>"));
    assert!(html.contains("10,000 <span class=\"band high\">high</span>"));
    // SPOFs: 11 elements (see `tiny`), as `keel criticality` counts them.
    assert_eq!(html.matches("<tr><td><span class=\"kind ").count(), 11);
    assert!(html.contains(
        "1 bloc, 2 countries, 1 chokepoint, 1 transport lane, 2 firms, 2 sites, 2 production stages"
    ));
    assert!(html.contains("Eagle Parts (USA) to Maple Works (CAN) by sea, through Panama Canal"));
}

#[test]
fn no_platforms_is_an_error() {
    let m = TextModel::new("CAN", &[])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
        .table("firms", "id,name,country,parent_country\nf,F,CAN,\n")
        .table("sites", "id,firm,country,lat,lon,name\ns,f,CAN,,,\n")
        .table(
            "items",
            "id,name,kind,export_control,capability\ni,I,component,,\n",
        )
        .table(
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\ni@s,i,s,1,,1,0,\n",
        )
        .build()
        .unwrap()
        .model;
    assert_eq!(
        render(&m, &ReportOptions::default()),
        Err(ReportError::NoPlatforms)
    );
}

#[test]
fn example_report_strengthen_section_matches_the_planner() {
    let m = example();
    let html = render(&m, &ReportOptions::default()).unwrap();
    assert_eq!(html.matches("<section id=\"strengthen\">").count(), 1);
    assert_eq!(
        html.matches("<figure class=\"line-chart frontier\">")
            .count(),
        1
    );
    let inv = m.investments().expect("the example has options.csv");
    // 42 options costing CAD 2,580,757,000: a 1-2-5 ladder from a 250th of that, and the total rounded up.
    let total: f64 = inv.options.iter().map(|o| o.cost).sum();
    assert_eq!(total, 2_580_757_000.0);
    let budgets = keel_report::frontier_budgets(total);
    assert_eq!(
        budgets,
        vec![0.0, 20e6, 50e6, 100e6, 200e6, 500e6, 1e9, 2e9, 2.6e9]
    );
    assert!(html.contains("Budget (CAD; uneven steps)"));
    assert!(html.contains("text-anchor=\"middle\">200 M</text>"));
    // Every frontier row as the planner gives it.
    let f = keel_plan::frontier(inv, &keel_plan::PlanOptions::default(), &budgets).unwrap();
    let num = keel_present::num;
    for p in &f {
        let row = format!(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            num(p.budget),
            num(p.cost),
            num(p.expected_loss),
            p.cvar.map_or("-".into(), num)
        );
        assert!(html.contains(&row), "frontier row {row}");
    }
    // Budget 0 funds nothing and leaves the do-nothing loss, the one the plan's cards start from.
    assert!(f[0].chosen.is_empty());
    assert!(html.contains(&format!(
        "<div class=\"v\">CAD {}</div><div class=\"k\">Expected loss, doing nothing</div>",
        num(f[0].expected_loss)
    )));
    // The plan at the median budget, CAD 200 million, takes the frontier's options there, one row each.
    assert!(html.contains("<h3>The plan at a budget of CAD 200,000,000</h3>"));
    let chosen = &f[4].chosen;
    assert!(!chosen.is_empty());
    let plan_table = &html[html.find("<table class=\"plan\">").unwrap()..];
    let plan_table = &plan_table[..plan_table.find("</table>").unwrap()];
    assert_eq!(plan_table.matches("<tr><td>").count(), chosen.len());
    for &o in chosen {
        let opt = &inv.options[o];
        assert!(
            plan_table.contains(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td>",
                opt.id,
                opt.name.as_deref().unwrap_or(""),
                opt.kind.as_str()
            )),
            "option {} missing",
            opt.id
        );
    }
    assert!(html.contains(&format!(
        "<div class=\"v\">CAD {}</div><div class=\"k\">Expected loss, with the plan</div>",
        num(f[4].expected_loss)
    )));
}

#[test]
fn model_without_options_is_told_how_to_add_them() {
    let html = render(&tiny(), &ReportOptions::default()).unwrap();
    assert_eq!(html.matches("<section id=\"strengthen\">").count(), 1);
    assert!(html.contains("This model lists no investment options"));
    assert!(html.contains("<code>options.csv</code>"));
    assert!(html.contains("model format version 1.1, docs/model-format.md"));
    assert!(!html.contains("<figure class=\"line-chart"));
}
