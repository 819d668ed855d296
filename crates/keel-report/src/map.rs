//! The world choropleth: country outlines embedded at build time, coloured by a platform's value share.
//!
//! Geometry is `assets/world.tsv`, derived by `scripts/make-world-geometry.py` from Natural Earth 1:50m
//! admin-0 countries (public domain) as packaged by the npm package `world-atlas` 2.0.2, with ISO 3166-1
//! numeric codes mapped to alpha-3 by `i18n-iso-countries` 7.14.0. It is already projected (equirectangular,
//! 1000 x 400, 84N to 60S), simplified and rounded, one line `ISO3<TAB>name<TAB>svg-path` per country.
//!
//! The outlines are written once per page in a hidden `<defs>` block; each platform's map is a few hundred
//! `<use>` references with a fill, so eleven maps cost little more than one.
//!
//! Colour bins of the share `s` of the platform's value added located in the country: `0 < s < 1%`,
//! `1-5%`, `5-10%`, `10-25%`, `25-50%`, `>= 50%` (a sequential blue scale); countries of the model that add
//! no value to this platform and countries outside the model have their own neutral colours.
//!
//! # Complexity
//! O(countries on the map) to parse and per map; the page size is O(geometry + platforms x model countries).

use crate::html::{esc, pct};
use std::collections::BTreeMap;

/// Natural Earth outlines, one line per country (see the module doc).
pub(crate) const WORLD_TSV: &str = include_str!("../assets/world.tsv");

/// Where the map comes from, for the footer and docs.
pub const CREDIT: &str = "Map: Natural Earth 1:50m admin-0 countries (public domain), from the npm package \
                          world-atlas 2.0.2; ISO 3166-1 codes from the npm package i18n-iso-countries 7.14.0.";

pub(crate) const WIDTH: u32 = 1000;
pub(crate) const HEIGHT: u32 = 400;

/// Lower bounds of the colour bins and their fill, darkest last.
pub(crate) const BINS: [(f64, &str, &str); 6] = [
    (0.0, "#deebf7", "under 1%"),
    (0.01, "#b3d3ea", "1 to 5%"),
    (0.05, "#7fb2d8", "5 to 10%"),
    (0.10, "#4a8cc2", "10 to 25%"),
    (0.25, "#1f63a3", "25 to 50%"),
    (0.50, "#0b3a73", "50% or more"),
];
/// A model country that adds no value to this platform.
pub(crate) const IN_MODEL: &str = "#f2ead3";
/// A country outside the model.
pub(crate) const LAND: &str = "#dcdcdc";
/// The outline of the home country.
pub(crate) const HOME_STROKE: &str = "#d9480f";

/// One country outline.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// ISO 3166-1 alpha-3, or `-` for territory with no code.
    pub code: &'static str,
    pub name: &'static str,
    pub d: &'static str,
}

/// The embedded outlines, in file order (sorted by code).
pub(crate) fn world() -> Vec<Shape> {
    WORLD_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let mut it = l.splitn(3, '\t');
            Some(Shape {
                code: it.next()?,
                name: it.next()?,
                d: it.next()?,
            })
        })
        .collect()
}

/// The fill for a share of value added (`None`: a model country that adds nothing).
pub(crate) fn fill(share: Option<f64>) -> &'static str {
    match share {
        Some(s) if s > 0.0 => BINS
            .iter()
            .rev()
            .find(|(lo, _, _)| s >= *lo)
            .map_or(BINS[0].1, |b| b.1),
        _ => IN_MODEL,
    }
}

fn use_id(code: &str) -> String {
    format!("kc-{code}")
}

/// The hidden block holding every outline: countries the model lists get their own `<path id="kc-XXX">`,
/// the rest of the land is one group `kw-land`.
pub(crate) fn defs(world: &[Shape], model_codes: &[&str]) -> String {
    let mut land = String::new();
    let mut own = String::new();
    for s in world {
        if s.code != "-" && model_codes.contains(&s.code) {
            own.push_str(&format!(
                "<path id=\"{}\" d=\"{}\"/>\n",
                use_id(s.code),
                s.d
            ));
        } else {
            land.push_str(&format!(
                "<path d=\"{}\"><title>{}</title></path>\n",
                s.d,
                esc(s.name)
            ));
        }
    }
    format!(
        "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\">\
         <defs>\n<g id=\"kw-land\">\n{land}</g>\n{own}</defs></svg>\n"
    )
}

/// One platform's choropleth: `shares` maps a model country code to (name, share of value added);
/// `model_countries` are all the model's (code, name); `home` is outlined.
pub(crate) fn choropleth(
    world: &[Shape],
    model_countries: &[(&str, &str)],
    shares: &BTreeMap<&str, f64>,
    home: &str,
    label: &str,
) -> String {
    let mut out = format!(
        "<svg class=\"map\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">\n\
         <rect class=\"sea\" width=\"{WIDTH}\" height=\"{HEIGHT}\"/>\n\
         <use href=\"#kw-land\" fill=\"{LAND}\" stroke=\"#ffffff\" stroke-width=\"0.4\"/>\n",
        esc(label)
    );
    let on_map: Vec<&str> = world.iter().map(|s| s.code).collect();
    let mut home_use = String::new();
    for &(code, name) in model_countries {
        if !on_map.contains(&code) {
            continue;
        }
        let share = shares.get(code).copied();
        let tip = match share {
            Some(s) => format!("{name}: {} of the value added", pct(s)),
            None => format!("{name}: in the model, adds no value to this platform"),
        };
        let el = format!(
            "<use href=\"#{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.4\"><title>{}</title></use>\n",
            use_id(code),
            fill(share),
            esc(&tip)
        );
        // The home country is drawn last so its outline is not covered by neighbours.
        if code == home {
            home_use = el.replace(
                "stroke=\"#ffffff\" stroke-width=\"0.4\"",
                &format!("stroke=\"{HOME_STROKE}\" stroke-width=\"1\""),
            );
        } else {
            out.push_str(&el);
        }
    }
    out.push_str(&home_use);
    out.push_str("</svg>\n");
    out
}

/// The map legend, as HTML.
pub(crate) fn legend(home_name: &str) -> String {
    let mut out = String::from("<div class=\"legend map-legend\">");
    for (_, colour, label) in BINS {
        out.push_str(&format!(
            "<span class=\"key\"><span class=\"sw\" style=\"background:{colour}\"></span>{label}</span>"
        ));
    }
    out.push_str(&format!(
        "<span class=\"key\"><span class=\"sw\" style=\"background:{IN_MODEL}\"></span>in the model, adds no value here</span>\
         <span class=\"key\"><span class=\"sw\" style=\"background:{LAND}\"></span>not in the model</span>\
         <span class=\"key\"><span class=\"sw home\" style=\"border-color:{HOME_STROKE}\"></span>{} (home), outlined</span></div>\n",
        esc(home_name)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_parses_and_has_the_big_countries() {
        let w = world();
        // world.tsv: a comment line, then 234 ISO-coded countries and 5 uncoded territories.
        assert_eq!(w.len(), 239);
        assert_eq!(w.iter().filter(|s| s.code == "-").count(), 5);
        for code in [
            "CAN", "USA", "GBR", "FRA", "DEU", "CHN", "TWN", "ISR", "SGP", "MLT",
        ] {
            let s = w.iter().find(|s| s.code == code).expect(code);
            assert!(s.d.starts_with('M') && s.d.ends_with('z'), "{code}");
        }
        assert!(!w.iter().any(|s| s.code == "ATA"), "Antarctica is cut off");
    }

    #[test]
    fn bins() {
        assert_eq!(fill(None), IN_MODEL);
        assert_eq!(fill(Some(0.0)), IN_MODEL);
        assert_eq!(fill(Some(0.005)), BINS[0].1);
        assert_eq!(fill(Some(0.01)), BINS[1].1);
        assert_eq!(fill(Some(0.2)), BINS[3].1);
        assert_eq!(fill(Some(0.5)), BINS[5].1);
        assert_eq!(fill(Some(1.0)), BINS[5].1);
    }
}
