//! # keel-present
//!
//! The one naming-and-formatting layer of Keel's front ends (the `keel` command's tables and the HTML report):
//! how an element is named, and how a number, a share or a count is written for a person. Analyses return ids
//! and raw numbers; only this crate turns them into text, so a figure reads the same in every front end.
//! Programs get the raw numbers (CSV, JSON, xlsx), never these strings.
//!
//! # Complexity
//! Every function is linear in the length of what it writes.

use keel_model::{Disrupted, Model, Target};

/// A number with thousands separators: whole units from 100 up, two decimals from 1 to 100, three significant
/// digits below 1 (a demand of 0.003 per day must not read 0), `-` for values that are not finite.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v != 0.0 && v.abs() < 1.0 {
        // Three significant digits: 2 - floor(log10|v|) decimals, at least 2.
        let decimals = (2 - v.abs().log10().floor() as i32).clamp(2, 9) as usize;
        let s = format!("{v:.decimals$}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if v.abs() < 100.0 {
        let s = format!("{v:.2}");
        // Keep "0.50" but drop a useless ".00".
        return s.strip_suffix(".00").map(str::to_string).unwrap_or(s);
    }
    let r = v.round();
    let digits = format!("{:.0}", r.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if r < 0.0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A share (fraction) as a percentage with one decimal; shares that round to 0 but are positive say `<0.1%`.
pub fn pct(share: f64) -> String {
    if !share.is_finite() {
        return "-".into();
    }
    if share > 0.0 && share < 0.0005 {
        return "<0.1%".into();
    }
    format!("{:.1}%", share * 100.0)
}

/// A share (fraction) as a percentage with two decimals, for shares of GDP, which NATO prints that way (1.37%).
pub fn pct2(share: f64) -> String {
    if !share.is_finite() {
        return "-".into();
    }
    format!("{:.2}%", share * 100.0)
}

/// A count with a noun, singular or plural ("1 firm", "3 firms").
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An element as people read it: its kind and its id (`firm acme`, `chokepoint Port of Montreal`).
pub fn target_name(m: &Model, t: Target) -> String {
    format!("{} {}", t.kind(), m.target_id(t))
}

/// What was disrupted, named so that a list mixing elements and scenarios reads unambiguously
/// (`firm acme`, `scenario montreal-port-strike-30d`).
pub fn disrupted_name(m: &Model, d: Disrupted) -> String {
    match d {
        Disrupted::Element(t) => target_name(m, t),
        Disrupted::Scenario(i) => format!("scenario {}", m.scenarios()[i].name),
    }
}

/// What one case of a sweep disrupted: an element as [`target_name`], a named scenario by its name alone (a
/// sweep lists scenarios or elements, never both, and its title says which).
pub fn case_name(m: &Model, d: Disrupted) -> String {
    match d {
        Disrupted::Element(t) => target_name(m, t),
        Disrupted::Scenario(i) => m.scenarios()[i].name.clone(),
    }
}

/// What every delivery of an input rides: a lane by its id alone, a chokepoint as [`target_name`]
/// (`chokepoint Port of Montreal`).
pub fn route_name(m: &Model, t: Target) -> String {
    match t {
        Target::Lane(_) => m.target_id(t).to_string(),
        _ => target_name(m, t),
    }
}

/// The country code an element sits in (a stage's site, a site, a firm's home), where it has one.
pub fn target_country(m: &Model, t: Target) -> Option<&str> {
    let c = match t {
        Target::Stage(s) => m.stage_country(s),
        Target::Site(x) => m.sites()[x.index()].country,
        Target::Firm(f) => m.firms()[f.index()].country,
        Target::Country(c) => c,
        _ => return None,
    };
    Some(&m.countries()[c.index()].code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_same_everywhere() {
        assert_eq!(num(1234567.4), "1,234,567");
        assert_eq!(num(-1234.0), "-1,234");
        assert_eq!(num(100.0), "100");
        assert_eq!(num(650.0), "650");
        assert_eq!(num(12.5), "12.50");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(0.003), "0.003");
        assert_eq!(num(0.012345), "0.0123");
        assert_eq!(num(0.724), "0.724");
        assert_eq!(num(0.99999), "1", "rounding up to 1 leaves no bare point");
        assert_eq!(num(f64::INFINITY), "-");
        assert_eq!(pct(0.4567), "45.7%");
        assert_eq!(pct(0.0001), "<0.1%");
        assert_eq!(pct(0.0), "0.0%");
        // NATO prints shares of GDP with two decimals: Canada 2024e, 1.3651551%.
        assert_eq!(pct2(0.013_651_551), "1.37%");
        assert_eq!(pct2(f64::NAN), "-");
        assert_eq!(count(1, "firm", "firms"), "1 firm");
        assert_eq!(count(2, "firm", "firms"), "2 firms");
    }

    #[test]
    fn names_are_the_kind_and_the_files_id() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
        let m = keel_io::load(&dir).unwrap().model;
        let port = (0..m.chokepoints().len())
            .map(|i| Target::Chokepoint(keel_model::ChokeIx::new(i)))
            .find(|&t| m.target_id(t) == "Port of Montreal")
            .unwrap();
        assert_eq!(target_name(&m, port), "chokepoint Port of Montreal");
        let strike = m
            .scenarios()
            .iter()
            .position(|s| s.name == "montreal-port-strike-30d")
            .unwrap();
        let sc = Disrupted::Scenario(strike);
        assert_eq!(disrupted_name(&m, sc), "scenario montreal-port-strike-30d");
        assert_eq!(case_name(&m, sc), "montreal-port-strike-30d");
        assert_eq!(route_name(&m, port), "chokepoint Port of Montreal");
        let lane = Target::Lane(keel_model::LaneIx::new(0));
        assert_eq!(route_name(&m, lane), m.lanes()[0].id);
        assert_eq!(
            case_name(&m, Disrupted::Element(port)),
            "chokepoint Port of Montreal"
        );
    }

    /// Sorting by `Disrupted::key` must give the order of the names people read, across kinds too.
    #[test]
    fn keys_sort_as_the_names_do() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
        let m = keel_io::load(&dir).unwrap().model;
        let mut all: Vec<Disrupted> = (0..m.scenarios().len()).map(Disrupted::Scenario).collect();
        all.extend(
            (0..m.firms().len())
                .map(|i| Disrupted::Element(Target::Firm(keel_model::FirmIx::new(i)))),
        );
        all.extend(
            (0..m.sites().len())
                .map(|i| Disrupted::Element(Target::Site(keel_model::SiteIx::new(i)))),
        );
        all.extend(
            (0..m.lanes().len())
                .map(|i| Disrupted::Element(Target::Lane(keel_model::LaneIx::new(i)))),
        );
        all.extend(
            (0..m.stages().len())
                .map(|i| Disrupted::Element(Target::Stage(keel_model::StageIx::new(i)))),
        );
        let mut by_key = all.clone();
        by_key.sort_by(|a, b| a.key(&m).cmp(&b.key(&m)));
        let mut by_name = all;
        by_name.sort_by_cached_key(|&d| disrupted_name(&m, d));
        assert_eq!(by_key, by_name);
    }
}
