//! The "Spending and partnerships" section on the published files (shared/data beside the repository): the
//! values NATO prints, the SIPRI summary the `keel policy arms` command gives, bars that fill their row,
//! absent sources named, and the same bytes twice.

mod common;

use common::inputs;
use keel_policy::arms::spread::Spread;
use keel_policy::arms::summary::{self, Direction};
use keel_report::render_policy;

/// The table with class `class` (the table behind a chart), as rows of cell texts.
fn table(html: &str, class: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table class=\"{class}\">"))
        .unwrap_or_else(|| panic!("no table {class}"));
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|r| {
            r.split("<td")
                .skip(1)
                .map(|c| {
                    let c = &c[c.find('>').unwrap() + 1..];
                    c[..c.find("</td>").unwrap()].to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn canada_page_shows_the_published_values() {
    let d = inputs("CAN");
    let html = render_policy(&d, None);
    assert!(html.contains("<title>Spending and partnerships: Canada</title>"));
    for class in [
        "policy-share",
        "policy-path",
        "policy-suppliers",
        "policy-hhi",
        "policy-integration",
    ] {
        // Each chart is a titled, labelled SVG with the table behind it.
        let fig = html
            .find(&format!("<figure class=\"line-chart {class}\">"))
            .or_else(|| html.find(&format!("<figure class=\"rows-chart {class}\">")))
            .unwrap_or_else(|| panic!("no chart {class}"));
        assert!(html[fig..].contains("role=\"img\" aria-label="));
        assert!(!table(&html, class).is_empty(), "{class}: empty table");
    }
    assert!(!html.contains("Not shown"), "a source is missing");

    // NATO Table 3 (June 2024): Canada 1.01% of GDP in 2014 and 1.37% in 2024e; the United States 3.38% and
    // Poland 4.12% in 2024e. Columns: year, Canada, then the peers in DEFAULT_PEERS order (USA first, POL last).
    let share = table(&html, "policy-share");
    assert_eq!(share[0][0], "2014");
    assert_eq!(share[0][1], "1.01");
    let last = share.last().unwrap();
    assert_eq!(last[0], "2024e");
    assert_eq!(last[1], "1.37");
    assert_eq!(last[2], "3.38");
    assert_eq!(last[6], "4.12");

    // The path table ends in 2035 at 3.5%.
    let path = table(&html, "policy-path");
    let end = path.last().unwrap();
    assert_eq!((end[0].as_str(), end[2].as_str()), ("2035", "3.50"));

    // The arms section shows what `keel policy arms --recipient Canada --from 1990 --to 2024` computes.
    let reg = d.arms.as_ref().unwrap();
    let s = summary::summarise(
        reg,
        "Canada",
        Direction::Imports,
        Some(1990),
        Some(2024),
        Spread::Even,
    )
    .unwrap();
    let hhi = format!("{:.0}", s.overall.hhi.unwrap());
    assert!(
        html.contains(&format!("<div class=\"v\">{hhi}</div>")),
        "overall HHI {hhi} not on the page"
    );
    // Seven 5-year periods, each row of the supplier table summing to 100% of its period.
    let rows = table(&html, "policy-suppliers");
    let mut by_period: std::collections::BTreeMap<String, f64> = Default::default();
    for r in &rows {
        *by_period.entry(r[0].clone()).or_default() += r[3].parse::<f64>().unwrap();
    }
    assert_eq!(by_period.len(), 7);
    for (p, total) in by_period {
        assert!((total - 100.0).abs() < 0.5, "{p}: shares sum to {total}");
    }
    // Every period's bar fills the whole 600-unit row.
    let chart = &html[html
        .find("<figure class=\"rows-chart policy-suppliers\">")
        .unwrap()..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    let mut widths: std::collections::BTreeMap<String, f64> = Default::default();
    for rect in chart.split("<rect ").skip(1) {
        let y = rect
            .split("y=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let w: f64 = rect
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        *widths.entry(y.to_string()).or_default() += w;
    }
    assert_eq!(widths.len(), 7);
    for (y, w) in widths {
        assert!((w - 600.0).abs() < 0.05, "row at y {y}: bar width {w}");
    }
    // The HHI table has one row per year of the range.
    assert_eq!(table(&html, "policy-hhi").len(), 35);

    // Canada-US trade: the table's balance is exports minus imports wherever both are present (each printed
    // to the nearest million from 100 on, so they agree within 1).
    for r in table(&html, "policy-integration") {
        let n = |s: &str| s.replace(',', "").parse::<f64>().ok();
        if let (Some(x), Some(m), Some(b)) = (n(&r[1]), n(&r[2]), n(&r[3])) {
            assert!((x - m - b).abs() <= 1.0 + 1e-9, "{r:?}");
        }
    }

    // Deterministic.
    assert_eq!(html, render_policy(&d, None));
}

#[test]
fn absent_sources_and_other_countries_are_named_not_drawn() {
    let mut d = inputs("AUS");
    d.spending = Err("cannot find the nato data set".into());
    let html = render_policy(&d, Some("Australia"));
    assert!(html.contains("<title>Australia</title>"));
    assert!(html.contains(
        "Not shown: NATO's defence expenditure tables could not be used: cannot find the nato data set."
    ));
    // Australia's imports come from SIPRI; the CSIS records are Canada's only.
    assert!(html.contains("<figure class=\"rows-chart policy-suppliers\">"));
    assert!(html.contains("the CSIS records cover Canada and the United States only, not AUS"));
    assert!(!html.contains("policy-integration"));

    // A non-NATO country with NATO's tables present: its peers are drawn, and the page says why it is not.
    let d = inputs("AUS");
    let html = render_policy(&d, None);
    assert!(html.contains("Australia is not a NATO Ally"));
    assert!(html.contains("<figure class=\"line-chart policy-share\">"));
    assert!(!html.contains("policy-path"));
}
