//! Stacked 100% bars (inline SVG) with an HTML colour legend, and the colours they use.
//!
//! A bar of segments with shares `s_1..s_n` (summing to 1) draws segment `k` from `x = W * sum_{j<k} s_j` with
//! width `W * s_k`. Country colours are fixed for the whole page so a country has the same colour in every
//! platform's bar: the home country first, then the other countries ranked by their total share over all
//! platforms, each of the first [`COUNTRY_PALETTE`] colours once; the rest share the "other" grey.
//!
//! # Complexity
//! O(segments) per bar; O(countries x platforms + countries log countries) for the colour assignment.

use crate::html::{esc, pct};
use std::collections::BTreeMap;

/// The home country's colour.
pub(crate) const HOME_COLOUR: &str = "#c8102e";
/// Qualitative colours for the other countries, most exposed first.
pub(crate) const COUNTRY_PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#9c755f", "#ff9da7",
    "#8cd17d", "#d4a6c8",
];
/// Countries beyond the palette, and small slices lumped together.
pub(crate) const OTHER_COLOUR: &str = "#bdbdbd";
/// Tier colours, tier 0 first (viridis); deeper tiers reuse the last colour.
pub(crate) const TIER_PALETTE: [&str; 8] = [
    "#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725",
];

/// Slices below this share are lumped into "other" in the legend (they stay in the bar).
pub(crate) const LEGEND_MIN: f64 = 0.005;

const W: f64 = 1000.0;

/// One slice of a stacked bar.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub label: String,
    pub share: f64,
    pub colour: String,
}

/// Assigns page-wide colours to country codes: the home country, then codes by descending `weight`
/// (ties by code); codes past the palette get [`OTHER_COLOUR`].
pub(crate) fn country_colours(
    home: &str,
    weight: &BTreeMap<String, f64>,
) -> BTreeMap<String, String> {
    let mut ranked: Vec<(&String, f64)> = weight
        .iter()
        .filter(|(c, _)| c.as_str() != home)
        .map(|(c, w)| (c, *w))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = BTreeMap::new();
    out.insert(home.to_string(), HOME_COLOUR.to_string());
    for (i, (c, _)) in ranked.into_iter().enumerate() {
        let colour = COUNTRY_PALETTE.get(i).copied().unwrap_or(OTHER_COLOUR);
        out.insert(c.clone(), colour.to_string());
    }
    out
}

/// The colour of tier `t`.
pub(crate) fn tier_colour(t: u32) -> &'static str {
    TIER_PALETTE[(t as usize).min(TIER_PALETTE.len() - 1)]
}

/// A stacked 100% bar and its legend, as HTML (`class` names the chart for styling and tests).
pub(crate) fn stacked_bar(class: &str, label: &str, segs: &[Segment]) -> String {
    let mut out = format!(
        "<figure class=\"bar-chart {class}\"><figcaption>{}</figcaption>\n\
         <svg class=\"bar\" viewBox=\"0 0 1000 40\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{}\">\n",
        esc(label),
        esc(label)
    );
    let total: f64 = segs.iter().map(|s| s.share.max(0.0)).sum();
    let mut x = 0.0;
    for s in segs {
        let w = if total > 0.0 {
            W * s.share.max(0.0) / total
        } else {
            0.0
        };
        if w <= 0.0 {
            continue;
        }
        out.push_str(&format!(
            "<rect x=\"{:.2}\" y=\"0\" width=\"{:.2}\" height=\"40\" fill=\"{}\"><title>{}: {}</title></rect>\n",
            x,
            w,
            s.colour,
            esc(&s.label),
            pct(s.share)
        ));
        x += w;
    }
    out.push_str("</svg>\n<div class=\"legend\">");
    let mut other = 0.0;
    for s in segs {
        if s.share < LEGEND_MIN {
            other += s.share.max(0.0);
            continue;
        }
        out.push_str(&format!(
            "<span class=\"key\"><span class=\"sw\" style=\"background:{}\"></span>{} <b>{}</b></span>",
            s.colour,
            esc(&s.label),
            pct(s.share)
        ));
    }
    if other > 0.0 {
        out.push_str(&format!(
            "<span class=\"key\"><span class=\"sw\" style=\"background:#ffffff\"></span>smaller slices <b>{}</b></span>",
            pct(other)
        ));
    }
    out.push_str("</div></figure>\n");
    out
}

/// One labelled row of [`stacked_rows`].
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub label: String,
    pub segments: Vec<Segment>,
}

/// Left margin (row labels), bar width and row height of [`stacked_rows`].
const ROW_LABEL: f64 = 110.0;
const ROW_W: f64 = 600.0;
const ROW_H: f64 = 34.0;

/// Several stacked 100% bars in one SVG, one row each with its label on the left (periods, say), a 0-100%
/// axis below and one legend for all rows: the segments' labels in order of first appearance, each with its
/// colour, those in [`OTHER_COLOUR`] last. Segment `k` of a row with shares `s_1..s_n` spans `ROW_W * sum_{j<k} s_j / sum_j s_j` onward.
pub(crate) fn stacked_rows(class: &str, title: &str, x_label: &str, rows: &[Row]) -> String {
    let height = ROW_H * rows.len() as f64 + 50.0;
    let width = ROW_LABEL + ROW_W + 20.0;
    let mut out = format!(
        "<figure class=\"rows-chart {class}\"><figcaption>{t}</figcaption>\n\
         <svg class=\"rows\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{t}\">\n",
        t = esc(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = ROW_H * i as f64;
        out.push_str(&format!(
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            ROW_LABEL - 8.0,
            y + ROW_H / 2.0 + 4.0,
            esc(&r.label)
        ));
        let total: f64 = r.segments.iter().map(|s| s.share.max(0.0)).sum();
        let mut x = ROW_LABEL;
        for s in &r.segments {
            let w = if total > 0.0 {
                ROW_W * s.share.max(0.0) / total
            } else {
                0.0
            };
            if w <= 0.0 {
                continue;
            }
            out.push_str(&format!(
                "<rect x=\"{x:.2}\" y=\"{:.1}\" width=\"{w:.2}\" height=\"{:.1}\" fill=\"{}\"><title>{}, {}: {}</title></rect>\n",
                y + 4.0,
                ROW_H - 8.0,
                s.colour,
                esc(&r.label),
                esc(&s.label),
                pct(s.share)
            ));
            x += w;
        }
    }
    let base = ROW_H * rows.len() as f64;
    for k in 0..=4 {
        let x = ROW_LABEL + ROW_W * f64::from(k) / 4.0;
        out.push_str(&format!(
            "<line class=\"axis\" x1=\"{x:.1}\" y1=\"{base:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}%</text>\n",
            base + 5.0,
            base + 19.0,
            k * 25
        ));
    }
    out.push_str(&format!(
        "<text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n</svg>\n<div class=\"legend\">",
        ROW_LABEL + ROW_W / 2.0,
        base + 42.0,
        esc(x_label)
    ));
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for s in rows.iter().flat_map(|r| &r.segments) {
        if !seen.iter().any(|(l, _)| *l == s.label) {
            seen.push((&s.label, &s.colour));
        }
    }
    // The grey remainder ("other ...") closes the legend wherever it first appears.
    seen.sort_by_key(|(_, c)| *c == OTHER_COLOUR);
    for (label, colour) in seen {
        out.push_str(&format!(
            "<span class=\"key\"><span class=\"sw\" style=\"background:{colour}\"></span>{}</span>",
            esc(label)
        ));
    }
    out.push_str("</div></figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_geometry() {
        // Shares 0.5, 0.3, 0.2 of a 1000-wide bar: x = 0, 500, 800; widths 500, 300, 200.
        let segs: Vec<Segment> = [("A", 0.5), ("B", 0.3), ("C", 0.2)]
            .iter()
            .map(|(l, s)| Segment {
                label: l.to_string(),
                share: *s,
                colour: "#000".into(),
            })
            .collect();
        let h = stacked_bar("t", "test", &segs);
        assert!(h.contains("x=\"0.00\" y=\"0\" width=\"500.00\""));
        assert!(h.contains("x=\"500.00\" y=\"0\" width=\"300.00\""));
        assert!(h.contains("x=\"800.00\" y=\"0\" width=\"200.00\""));
        assert!(h.contains("A <b>50.0%</b>"));
    }

    #[test]
    fn rows_geometry() {
        // Row 0: shares 0.75 and 0.25 of the 600-wide bar from x = 110: 450 then 150. Row 1 (y from 34):
        // one segment of share 0.4 fills the whole bar (shares are normalised per row).
        let seg = |l: &str, s: f64, c: &str| Segment {
            label: l.into(),
            share: s,
            colour: c.into(),
        };
        let rows = [
            Row {
                label: "1990-1994".into(),
                segments: vec![
                    seg("United States", 0.75, "#111"),
                    seg("Other", 0.25, "#222"),
                ],
            },
            Row {
                label: "1995-1999".into(),
                segments: vec![seg("Germany", 0.4, "#333")],
            },
        ];
        let h = stacked_rows("t", "T", "Share", &rows);
        assert!(h.contains("x=\"110.00\" y=\"4.0\" width=\"450.00\""));
        assert!(h.contains("x=\"560.00\" y=\"4.0\" width=\"150.00\""));
        assert!(h.contains("x=\"110.00\" y=\"38.0\" width=\"600.00\""));
        assert!(h.contains("<title>1990-1994, United States: 75.0%</title>"));
        // One legend key per label, in order of first appearance.
        assert_eq!(h.matches("class=\"key\"").count(), 3);
        assert!(h.find(">United States<").unwrap() < h.find(">Germany<").unwrap());
        // The 0-100% axis: five ticks, 50% at the bar's middle.
        assert!(h.contains("x=\"410.0\" y=\"87.0\" text-anchor=\"middle\">50%"));
    }

    #[test]
    fn colours_rank_by_weight() {
        let w: BTreeMap<String, f64> = [("CAN", 5.0), ("USA", 2.0), ("GBR", 3.0), ("FRA", 3.0)]
            .iter()
            .map(|(c, v)| (c.to_string(), *v))
            .collect();
        let c = country_colours("CAN", &w);
        assert_eq!(c["CAN"], HOME_COLOUR);
        // FRA and GBR tie at 3.0: FRA first by code, then GBR, then USA.
        assert_eq!(c["FRA"], COUNTRY_PALETTE[0]);
        assert_eq!(c["GBR"], COUNTRY_PALETTE[1]);
        assert_eq!(c["USA"], COUNTRY_PALETTE[2]);
    }
}
