//! Lays out the "Spending and partnerships" section from [`crate::policy`]'s figures: defence spending as a
//! share of GDP against NATO's 2%, 3.5% and 5% for the country and its peers, its steady path to 3.5% by 2035,
//! the suppliers of its arms imports by 5-year period (stacked bars) and their Herfindahl-Hirschman index by
//! year, and Canada-US defence trade and subawards by year. Every chart is followed by the table behind it
//! (folded; opened for printing), and every source is named under its chart.
//!
//! # Complexity
//! Linear in the years, periods and suppliers drawn.

use crate::charts::{self, Row, Segment, COUNTRY_PALETTE, HOME_COLOUR, OTHER_COLOUR};
use crate::html::{esc, num, pct};
use crate::linechart::{self, Point, Series, XAxis};
use crate::policy::{PolicyFigures, SpendingFigures};
use keel_policy::arms::summary::{Slice, Summary};
use keel_policy::arms::SOURCE as ARMS_SOURCE;
use keel_policy::countries::Bloc;
use keel_policy::integration::{SubawardSummary, TradeSummary, SUBAWARD_SOURCE, TRADE_SOURCE};
use keel_policy::spending::path::{TARGET, TARGET_YEAR};
use keel_policy::spending::SOURCE as NATO_SOURCE;
use keel_present::pct2;

/// NATO's targets as reference lines: share, label, colour.
/// Greys to black, so that no target reads as a country's line.
const REFERENCES: [(f64, &str, &str); 3] = [
    (0.02, "2% (Wales, 2014)", "#a0a0a0"),
    (
        0.035,
        "3.5% core defence by 2035 (The Hague, 2025)",
        "#595959",
    ),
    (
        0.05,
        "5% core and related by 2035 (The Hague, 2025)",
        "#000000",
    ),
];

/// Suppliers named in the arms chart; the rest are drawn together as "other suppliers".
const NAMED_SUPPLIERS: usize = 6;

/// The section as HTML (`id="policy"`).
pub(crate) fn section(h: &mut String, f: &PolicyFigures) {
    h.push_str(&format!(
        "<section id=\"policy\">\n<h2>Spending and partnerships: {}</h2>\n\
         <p class=\"sub\">The whole effort behind the supply chains above: how much {} spends on defence against \
         NATO's targets, how many countries its imported arms come from, and how closely its defence industry \
         trades with the United States. Figures are read from the published files as they are; each chart names \
         its source and has the table behind it.</p>\n",
        esc(&f.country_name),
        esc(&f.country_name)
    ));
    h.push_str("<h3>Defence spending against NATO's targets</h3>\n");
    match &f.spending {
        Ok(s) => spending(h, f, s),
        Err(why) => absent(h, "NATO's defence expenditure tables", why),
    }
    h.push_str("<h3>Where its imported arms come from</h3>\n");
    match &f.arms {
        Ok(a) => arms(h, f, a),
        Err(why) => absent(h, "SIPRI's arms-transfer register", why),
    }
    h.push_str("<h3>Defence-industrial integration with the United States</h3>\n");
    integration(h, &f.trade, &f.subawards);
    h.push_str("</section>\n");
}

fn absent(h: &mut String, what: &str, why: &str) {
    h.push_str(&format!(
        "<p class=\"absent\">Not shown: {what} could not be used: {}.</p>\n",
        esc(why)
    ));
}

/// The table behind a chart, folded under it: `head` names the columns, `true` for numbers.
fn behind(h: &mut String, class: &str, caption: &str, head: &[(&str, bool)], rows: &[Vec<String>]) {
    h.push_str(&format!(
        "<details class=\"behind\"><summary>The table behind this chart ({} rows)</summary>\
         <div class=\"scroll\"><table class=\"{class}\"><caption>{}</caption><thead><tr>",
        rows.len(),
        esc(caption)
    ));
    for (name, numeric) in head {
        h.push_str(&format!(
            "<th{}>{}</th>",
            if *numeric { " class=\"num\"" } else { "" },
            esc(name)
        ));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in rows {
        h.push_str("<tr>");
        for (cell, (_, numeric)) in r.iter().zip(head) {
            h.push_str(&format!(
                "<td{}>{cell}</td>",
                if *numeric { " class=\"num\"" } else { "" }
            ));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div></details>\n");
}

/// The file name of a path as the page shows it: where the file sat on the machine that made the page would
/// make the same data give different bytes on another machine.
fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

fn source(h: &mut String, text: &str) {
    h.push_str(&format!("<p class=\"source\">Source: {}.</p>\n", esc(text)));
}

/// A target share as people say it: 2%, 3.5%, 5%.
fn target_label(t: f64) -> String {
    format!("{}%", (t * 1000.0).round() / 10.0)
}

/// A year as NATO prints it: `2024e` for its estimates.
fn year_label(year: u16, estimate: bool) -> String {
    format!("{year}{}", if estimate { "e" } else { "" })
}

/// Tick labels for consecutive years from `first` to `last`: every `every`th year labelled, counted from
/// `first`, the rest blank.
fn year_ticks(first: i32, last: i32, every: i32) -> Vec<String> {
    (first..=last)
        .map(|y| {
            if (y - first) % every == 0 {
                y.to_string()
            } else {
                String::new()
            }
        })
        .collect()
}

/// A horizontal reference line across `steps` x positions.
fn reference(share: f64, label: &str, colour: &'static str, steps: usize) -> Series {
    Series {
        label: label.to_string(),
        colour,
        dashed: true,
        dots: false,
        points: [0, steps.saturating_sub(1)]
            .iter()
            .map(|&k| Point {
                x: k as f64,
                y: share * 100.0,
                tip: label.to_string(),
            })
            .collect(),
    }
}

fn card(h: &mut String, cards: &[(String, String)]) {
    h.push_str("<div class=\"cards\">");
    for (k, v) in cards {
        h.push_str(&format!(
            "<div class=\"card\"><div class=\"v\">{v}</div><div class=\"k\">{k}</div></div>"
        ));
    }
    h.push_str("</div>\n");
}

fn spending(h: &mut String, f: &PolicyFigures, s: &SpendingFigures) {
    let Some(country) = s.country else {
        h.push_str(&format!(
            "<p class=\"absent\">{} is not a NATO Ally, so NATO's tables list no figures for it; the chart shows \
             its peers only.</p>\n",
            esc(&f.country_name)
        ));
        if s.peers.is_empty() {
            return;
        }
        share_chart(h, f, s);
        return;
    };
    if let Some(st) = &s.standing {
        let year = year_label(st.year, st.estimate);
        let mut cards = vec![(
            format!("Defence spending as a share of GDP, {year}"),
            st.share_gdp.map_or("-".into(), pct2),
        )];
        for g in &st.gaps {
            let (amount, unit) = match (g.national_currency, &st.currency, g.usd_current) {
                (Some(v), Some(c), _) => (v, c.clone()),
                (_, _, Some(v)) => (v, "US dollars".to_string()),
                _ => continue,
            };
            cards.push((
                format!(
                    "{} to reach {} of GDP in {year} (million {})",
                    if amount > 0.0 {
                        "Short"
                    } else {
                        "Above target; margin"
                    },
                    target_label(g.target),
                    esc(&unit)
                ),
                num(amount.abs()),
            ));
        }
        if let Some(e) = st.equipment_share {
            cards.push((
                format!("Spent on equipment, {year} (NATO guideline: 20%)"),
                pct(e),
            ));
        }
        card(h, &cards);
    }
    share_chart(h, f, s);
    if let Some(p) = &s.path {
        path_chart(h, f, country, p);
    }
}

/// Share of GDP by year for the country and its peers, with NATO's three targets.
fn share_chart(h: &mut String, f: &PolicyFigures, s: &SpendingFigures) {
    let members: Vec<_> = s.country.iter().chain(&s.peers).copied().collect();
    let years: Vec<(u16, bool)> = {
        let mut y: Vec<(u16, bool)> = members
            .iter()
            .flat_map(|m| m.years.iter().map(|y| (y.year, y.estimate)))
            .collect();
        y.sort_unstable();
        y.dedup_by_key(|p| p.0);
        y
    };
    let (Some(first), Some(last)) = (years.first(), years.last()) else {
        return;
    };
    let labels: Vec<String> = years.iter().map(|&(y, e)| year_label(y, e)).collect();
    let mut series: Vec<Series> = members
        .iter()
        .enumerate()
        .map(|(i, m)| Series {
            label: m.name.clone(),
            colour: if s.country.is_some() && i == 0 {
                HOME_COLOUR
            } else {
                COUNTRY_PALETTE[(i - usize::from(s.country.is_some())) % COUNTRY_PALETTE.len()]
            },
            dashed: false,
            dots: true,
            points: m
                .years
                .iter()
                .filter_map(|y| {
                    let share = y.share_gdp?;
                    Some(Point {
                        x: f64::from(y.year - first.0),
                        y: share * 100.0,
                        tip: format!(
                            "{}, {}: {}",
                            m.name,
                            year_label(y.year, y.estimate),
                            pct2(share)
                        ),
                    })
                })
                .collect(),
        })
        .collect();
    series.extend(
        REFERENCES
            .iter()
            .map(|&(v, l, c)| reference(v, l, c, labels.len())),
    );
    let title = format!(
        "Defence spending as a share of GDP, {}-{}: {} and {}",
        first.0,
        year_label(last.0, last.1),
        f.country_name,
        if s.peers.is_empty() {
            "no peers".to_string()
        } else {
            "its peers".to_string()
        }
    );
    h.push_str(&linechart::line_chart(
        "policy-share",
        &title,
        "Year (e: NATO estimate)",
        "Share of GDP (%)",
        XAxis::Steps(&labels),
        &series,
    ));
    let mut head: Vec<(&str, bool)> = vec![("Year", false)];
    let names: Vec<String> = members
        .iter()
        .map(|m| format!("{} (% of GDP)", m.name))
        .collect();
    head.extend(names.iter().map(|n| (n.as_str(), true)));
    let rows: Vec<Vec<String>> = years
        .iter()
        .map(|&(y, e)| {
            let mut r = vec![year_label(y, e)];
            r.extend(members.iter().map(|m| {
                m.year(y)
                    .and_then(|v| v.share_gdp)
                    .map_or("-".into(), |v| format!("{:.2}", v * 100.0))
            }));
            r
        })
        .collect();
    behind(h, "policy-share", &title, &head, &rows);
    if !s.unknown_peers.is_empty() {
        h.push_str(&format!(
            "<p class=\"muted\">Not in NATO's tables, so not drawn: {}.</p>\n",
            esc(&s.unknown_peers.join(", "))
        ));
    }
    source(h, &format!("{NATO_SOURCE}; file {}", file_name(s.file)));
}

/// The country's history and its steady path to 3.5% by 2035.
fn path_chart(
    h: &mut String,
    f: &PolicyFigures,
    m: &keel_policy::spending::Member,
    p: &keel_policy::spending::path::Path,
) {
    let Some(first) = m.years.first().map(|y| y.year) else {
        return;
    };
    let last = TARGET_YEAR;
    let labels = year_ticks(i32::from(first), i32::from(last), 3);
    let x = |y: u16| f64::from(y - first);
    let history = Series {
        label: format!("{}, as NATO reports it", f.country_name),
        colour: HOME_COLOUR,
        dashed: false,
        dots: true,
        points: m
            .years
            .iter()
            .filter_map(|y| {
                Some(Point {
                    x: x(y.year),
                    y: y.share_gdp? * 100.0,
                    tip: format!("{}: {}", year_label(y.year, y.estimate), pct2(y.share_gdp?)),
                })
            })
            .collect(),
    };
    let path = Series {
        label: format!(
            "steady path to 3.5% in {TARGET_YEAR}: real spending growth of {} a year",
            pct(p.required_real_growth)
        ),
        colour: "#1f4e79",
        dashed: true,
        dots: true,
        points: p
            .points
            .iter()
            .map(|q| Point {
                x: x(q.year),
                y: q.share_gdp * 100.0,
                tip: format!("path, {}: {}", q.year, pct2(q.share_gdp)),
            })
            .collect(),
    };
    // The recent pace carried forward: s0 ((1 + pace) / (1 + g))^n, the same formula as the path's.
    let pace = p.recent_real_growth.map(|r| Series {
        label: format!(
            "at its recent pace ({} a year, {}-{})",
            pct(r),
            p.from_year - keel_policy::spending::path::RECENT_YEARS,
            year_label(p.from_year, p.from_estimate)
        ),
        colour: "#f28e2b",
        dashed: true,
        dots: false,
        points: (p.from_year..=last)
            .map(|y| {
                let share = p.start_share
                    * ((1.0 + r) / (1.0 + p.gdp_growth)).powi(i32::from(y - p.from_year));
                Point {
                    x: x(y),
                    y: share * 100.0,
                    tip: format!("recent pace, {y}: {}", pct2(share)),
                }
            })
            .collect(),
    });
    let mut series = vec![history, path];
    series.extend(pace.clone());
    series.push(reference(
        TARGET,
        REFERENCES[1].1,
        REFERENCES[1].2,
        labels.len(),
    ));
    let title = format!(
        "{}: the path to {} of GDP by {TARGET_YEAR}",
        f.country_name,
        pct(TARGET)
    );
    h.push_str(&linechart::line_chart(
        "policy-path",
        &title,
        "Year",
        "Share of GDP (%)",
        XAxis::Steps(&labels),
        &series,
    ));
    h.push_str(&format!(
        "<p>From {} of GDP in {}, reaching {} in {TARGET_YEAR} takes real defence spending growing {} a year \
         while real GDP grows {} a year ({}). {}</p>\n",
        pct2(p.start_share),
        year_label(p.from_year, p.from_estimate),
        pct(TARGET),
        pct(p.required_real_growth),
        pct(p.gdp_growth),
        esc(&p.gdp_growth_source),
        match (p.recent_real_growth, p.year_reached_at_recent_pace) {
            (Some(r), Some(y)) => format!(
                "At its recent pace of {} a year it would get there in {y}: {}.",
                pct(r),
                esc(p.standing.label())
            ),
            (Some(r), None) => format!(
                "At its recent pace of {} a year its share would not rise to {}: {}.",
                pct(r),
                pct(TARGET),
                esc(p.standing.label())
            ),
            _ => String::new(),
        }
    ));
    let rows: Vec<Vec<String>> = (first..=last)
        .map(|y| {
            let hist = m.year(y);
            vec![
                hist.map_or_else(|| y.to_string(), |v| year_label(y, v.estimate)),
                hist.and_then(|v| v.share_gdp)
                    .map_or("-".into(), |v| format!("{:.2}", v * 100.0)),
                p.points
                    .iter()
                    .find(|q| q.year == y)
                    .map_or("-".into(), |q| format!("{:.2}", q.share_gdp * 100.0)),
                pace.as_ref()
                    .and_then(|s| s.points.iter().find(|q| q.x == x(y)))
                    .map_or("-".into(), |q| format!("{:.2}", q.y)),
            ]
        })
        .collect();
    behind(
        h,
        "policy-path",
        &title,
        &[
            ("Year", false),
            ("Reported (% of GDP)", true),
            ("Steady path (% of GDP)", true),
            ("Recent pace (% of GDP)", true),
        ],
        &rows,
    );
}

/// The suppliers named in the chart: the largest over the whole range, so each keeps one colour.
fn named_suppliers(a: &Summary) -> Vec<&str> {
    a.overall
        .partners
        .iter()
        .take(NAMED_SUPPLIERS)
        .map(|p| p.partner.as_str())
        .collect()
}

fn arms(h: &mut String, f: &PolicyFigures, a: &Summary) {
    let o = &a.overall;
    let bloc = |b: Bloc| {
        o.blocs
            .iter()
            .find(|x| x.bloc == b)
            .map_or("-".into(), |x| pct(x.share))
    };
    card(
        h,
        &[
            (
                format!("Arms imported, {}-{} (SIPRI TIV, millions)", o.from, o.to),
                num(o.total),
            ),
            (
                "Suppliers' Herfindahl-Hirschman index (0-10,000)".into(),
                o.hhi.map_or("-".into(), |v| format!("{v:.0}")),
            ),
            (
                "Effective number of suppliers (1 / HHI)".into(),
                o.effective_number.map_or("-".into(), num),
            ),
            (
                "From the United States".into(),
                o.us_share.map_or("-".into(), pct),
            ),
            ("From NATO Allies".into(), bloc(Bloc::Nato)),
            ("From the Five Eyes".into(), bloc(Bloc::FiveEyes)),
        ],
    );
    let named = named_suppliers(a);
    let colour = |p: &str| -> String {
        named
            .iter()
            .position(|n| *n == p)
            .map_or(OTHER_COLOUR, |i| COUNTRY_PALETTE[i])
            .to_string()
    };
    let segments = |sl: &Slice| -> Vec<Segment> {
        let mut segs: Vec<Segment> = named
            .iter()
            .filter_map(|n| sl.partners.iter().find(|p| p.partner == *n))
            .map(|p| Segment {
                label: p.partner.clone(),
                share: p.share,
                colour: colour(&p.partner),
            })
            .collect();
        let other: f64 = sl
            .partners
            .iter()
            .filter(|p| !named.contains(&p.partner.as_str()))
            .map(|p| p.share)
            .sum();
        if other > 0.0 {
            segs.push(Segment {
                label: "other suppliers".into(),
                share: other,
                colour: OTHER_COLOUR.into(),
            });
        }
        segs
    };
    let period = |sl: &Slice| format!("{}-{}", sl.from, sl.to);
    let rows: Vec<Row> = a
        .by_period
        .iter()
        .map(|sl| Row {
            label: period(sl),
            segments: segments(sl),
        })
        .collect();
    let title = format!(
        "Who supplied {}'s arms imports, by 5-year period (share of TIV delivered)",
        f.country_name
    );
    h.push_str(&charts::stacked_rows(
        "policy-suppliers",
        &title,
        "Share of the period's imports (SIPRI trend-indicator values)",
        &rows,
    ));
    let table: Vec<Vec<String>> = a
        .by_period
        .iter()
        .flat_map(|sl| {
            sl.partners.iter().map(move |p| {
                vec![
                    period(sl),
                    esc(&p.partner),
                    num(p.tiv),
                    format!("{:.1}", p.share * 100.0),
                ]
            })
        })
        .collect();
    behind(
        h,
        "policy-suppliers",
        &title,
        &[
            ("Period", false),
            ("Supplier", false),
            ("TIV delivered (millions)", true),
            ("Share (%)", true),
        ],
        &table,
    );

    // Concentration by year.
    let (Some(first), Some(last)) = (a.by_year.first(), a.by_year.last()) else {
        return;
    };
    let labels = year_ticks(i32::from(first.from), i32::from(last.from), 5);
    let hhi = Series {
        label: "Herfindahl-Hirschman index of suppliers".into(),
        colour: HOME_COLOUR,
        dashed: false,
        dots: true,
        points: a
            .by_year
            .iter()
            .filter_map(|sl| {
                let v = sl.hhi?;
                Some(Point {
                    x: f64::from(sl.from - first.from),
                    y: v,
                    tip: format!(
                        "{}: HHI {v:.0}, {} suppliers in effect",
                        sl.from,
                        sl.effective_number.map_or("-".into(), num)
                    ),
                })
            })
            .collect(),
    };
    let title = format!(
        "How concentrated {}'s arms suppliers are, year by year (HHI; 10,000 = one supplier)",
        f.country_name
    );
    h.push_str(&linechart::line_chart(
        "policy-hhi",
        &title,
        "Delivery year",
        "HHI of suppliers (0-10,000)",
        XAxis::Steps(&labels),
        &[hhi],
    ));
    let rows: Vec<Vec<String>> = a
        .by_year
        .iter()
        .map(|sl| {
            vec![
                sl.from.to_string(),
                num(sl.total),
                sl.hhi.map_or("-".into(), |v| format!("{v:.0}")),
                sl.effective_number.map_or("-".into(), num),
                sl.us_share
                    .map_or("-".into(), |v| format!("{:.1}", v * 100.0)),
                sl.partners.first().map_or("-".into(), |p| esc(&p.partner)),
            ]
        })
        .collect();
    behind(
        h,
        "policy-hhi",
        &title,
        &[
            ("Year", false),
            ("TIV delivered (millions)", true),
            ("HHI", true),
            ("Effective number of suppliers", true),
            ("United States' share (%)", true),
            ("Largest supplier", false),
        ],
        &rows,
    );
    h.push_str(&format!(
        "<p class=\"muted\">A deal's delivered TIV is spread {} (docs/methods/policy.md); a year without \
         deliveries has no index. Periods run on calendar 5-year blocks; the first and last may be shorter.</p>\n",
        esc(a.spread.label())
    ));
    source(
        h,
        &format!(
            "{ARMS_SOURCE}; file {}; {} deals delivered in the range",
            f.arms_file.map_or("-", file_name),
            a.deals
        ),
    );
}

fn integration(
    h: &mut String,
    trade: &Result<TradeSummary, String>,
    subs: &Result<SubawardSummary, String>,
) {
    if let (Err(a), Err(b)) = (trade, subs) {
        if a == b {
            return absent(h, "the CSIS records", a);
        }
    }
    let mut years: Vec<i32> = Vec::new();
    if let Ok(t) = trade {
        years.extend(t.years.iter().map(|y| y.year));
    }
    if let Ok(s) = subs {
        years.extend(s.years.iter().map(|y| y.year));
    }
    years.sort_unstable();
    years.dedup();
    if let (Some(&first), Some(&last)) = (years.first(), years.last()) {
        let labels = year_ticks(first, last, 2);
        let x = |y: i32| f64::from(y - first);
        let line = |label: &str, colour: &'static str, dashed: bool, pts: Vec<(i32, f64)>| Series {
            label: label.to_string(),
            colour,
            dashed,
            dots: true,
            points: pts
                .into_iter()
                .map(|(y, v)| Point {
                    x: x(y),
                    y: v / 1e6,
                    tip: format!("{label}, {y}: US$ {} million", num(v / 1e6)),
                })
                .collect(),
        };
        let mut series = Vec::new();
        if let Ok(t) = trade {
            series.push(line(
                "Canada's defence exports to the US",
                HOME_COLOUR,
                false,
                t.years
                    .iter()
                    .filter_map(|y| Some((y.year, y.exports?)))
                    .collect(),
            ));
            series.push(line(
                "Canada's defence imports from the US",
                COUNTRY_PALETTE[0],
                false,
                t.years
                    .iter()
                    .filter_map(|y| Some((y.year, y.imports?)))
                    .collect(),
            ));
        }
        if let Ok(s) = subs {
            series.push(line(
                "US Defense prime contracts' subawards performed in Canada",
                COUNTRY_PALETTE[2],
                true,
                s.years.iter().map(|y| (y.year, y.value)).collect(),
            ));
        }
        let title = "Canada-US defence trade and US subawards in Canada, by year (million current US dollars)";
        h.push_str(&linechart::line_chart(
            "policy-integration",
            title,
            "Year",
            "Million US dollars (current)",
            XAxis::Steps(&labels),
            &series,
        ));
        let cell = |v: Option<f64>| v.map_or("-".into(), |v| num(v / 1e6));
        let rows: Vec<Vec<String>> = (first..=last)
            .map(|y| {
                let t = trade
                    .as_ref()
                    .ok()
                    .and_then(|t| t.years.iter().find(|r| r.year == y));
                let s = subs
                    .as_ref()
                    .ok()
                    .and_then(|s| s.years.iter().find(|r| r.year == y));
                vec![
                    y.to_string(),
                    cell(t.and_then(|t| t.exports)),
                    cell(t.and_then(|t| t.imports)),
                    cell(t.and_then(|t| t.balance)),
                    cell(s.map(|s| s.value)),
                    s.map_or("-".into(), |s| s.count.to_string()),
                    s.and_then(|s| s.primes.first())
                        .map_or("-".into(), |p| esc(&p.name)),
                ]
            })
            .collect();
        behind(
            h,
            "policy-integration",
            title,
            &[
                ("Year", false),
                ("Defence exports to the US (US$ million)", true),
                ("Defence imports from the US (US$ million)", true),
                ("Balance (US$ million)", true),
                ("Subawards in Canada (US$ million)", true),
                ("Subawards (count)", true),
                ("Largest prime", false),
            ],
            &rows,
        );
    }
    match trade {
        Ok(t) => {
            h.push_str(&format!(
                "<p>Over {}-{}, Canada's defence exports to the United States came to US$ {} million and its \
                 defence imports from it to US$ {} million (balance US$ {} million; US mirror statistics).</p>\n",
                t.totals.first_year,
                t.totals.last_year,
                t.totals.exports.map_or("-".into(), |v| num(v / 1e6)),
                t.totals.imports.map_or("-".into(), |v| num(v / 1e6)),
                t.totals.balance.map_or("-".into(), |v| num(v / 1e6)),
            ));
            source(h, &format!("{TRADE_SOURCE}; file {}", file_name(&t.source)));
        }
        Err(why) => absent(h, "the USITC trade table", why),
    }
    match subs {
        Ok(s) => {
            h.push_str(&format!(
                "<p class=\"muted\">Subawards: first-tier subawards under US Department of Defense prime \
                 contracts performed in Canada, by reporting year; {} rows counted, {} exact duplicates dropped \
                 (see <code>keel policy integration</code> for other scopes). The extract's last year ends at its \
                 query date, so it is partial.</p>\n",
                s.rows_in_scope, s.duplicates_dropped
            ));
            source(
                h,
                &format!("{SUBAWARD_SOURCE}; file {}", file_name(&s.source)),
            );
        }
        Err(why) => absent(h, "the FSRS subaward extract", why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_policy::spending::gaps::TARGETS;

    #[test]
    fn year_ticks_label_every_nth() {
        assert_eq!(
            year_ticks(2014, 2020, 3),
            ["2014", "", "", "2017", "", "", "2020"]
        );
        assert_eq!(year_label(2024, true), "2024e");
        assert_eq!(file_name("/data/nato/t.xlsx"), "t.xlsx");
        assert_eq!(
            TARGETS.map(target_label),
            ["2%".to_string(), "3.5%".into(), "5%".into()]
        );
        // The three references are NATO's targets, in the gaps' order.
        let shares: Vec<f64> = REFERENCES.iter().map(|r| r.0).collect();
        assert_eq!(shares, TARGETS);
    }
}
