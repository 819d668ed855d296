//! Single points of failure on the bundled example, `examples/canada-dib`.
//!
//! The expected SPOFs were read off `inputs.csv` and `lanes.csv` by hand (line numbers below), and the whole
//! answer is cross-checked against brute-force removal.

use keel_model::{ElementKind, Model, Target};
use keel_see::criticality::{
    buildable, single_points_of_failure, spof_pairs, DEFAULT_PAIR_WORK, KINDS,
};
use std::path::Path;

fn example() -> Model {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    keel_io::load(&dir).unwrap().model
}

/// The SPOF names of the platform whose stage id starts with `prefix`.
fn spofs_of(m: &Model, kinds: &[ElementKind], prefix: &str) -> Vec<String> {
    let r = single_points_of_failure(m, kinds);
    let p = r
        .iter()
        .find(|p| m.stages()[p.stage.index()].id.starts_with(prefix))
        .unwrap();
    assert!(p.buildable);
    p.spofs
        .iter()
        .map(|t| keel_present::target_name(m, *t))
        .collect()
}

#[test]
fn single_us_sources() {
    let m = example();
    let all = KINDS;

    // plt-mpa ← sub-mpa-acoustic@istvin (one source, lane LN-0970) ← cmp-acoustic-proc@torholt-...-usa-manassas
    // (one source, inputs.csv:235, lane LN-0915 with no chokepoint) ← prt-fpga@jorwick (one source, :926).
    let mpa = spofs_of(&m, &all, "plt-mpa@");
    for want in [
        "stage plt-mpa@dunvex-mission-aircraft-mirabel",
        "stage sub-mpa-acoustic@istvin-undersea-systems-dartmouth",
        "stage cmp-acoustic-proc@torholt-mission-systems-usa-manassas",
        "stage prt-fpga@jorwick-programmable-logic-usa-san-jose",
        "firm torholt-mission-systems-usa",
        "country USA",
        "country CAN",
        "lane LN-0970",
        "lane LN-0915",
    ] {
        assert!(mpa.iter().any(|s| s == want), "{want} missing from {mpa:?}");
    }
    // The engines have two sources (USA Evendale, FRA Villaroche), and nothing else of the MPA is French.
    for not in [
        "stage sub-mpa-engines@dunrix-turbines-usa-evendale",
        "stage sub-mpa-engines@elrick-aero-engines-fra-villaroche",
        "country FRA",
    ] {
        assert!(!mpa.iter().any(|s| s == not), "{not} in {mpa:?}");
    }

    // plt-uas ← sub-uas-avionics (own site) ← cmp-mcode-gnss@ulgara-...-usa-cedar-rapids (one source,
    // inputs.csv:299) over LN-1084 through the Blue Water Bridge (lanes.csv:1085).
    let uas = spofs_of(&m, &all, "plt-uas@");
    for want in [
        "stage cmp-mcode-gnss@ulgara-navigation-usa-cedar-rapids",
        "lane LN-1084",
        "chokepoint Blue Water Bridge",
        "country USA",
    ] {
        assert!(uas.iter().any(|s| s == want), "{want} missing from {uas:?}");
    }

    // plt-satgs ← sub-gs-modem@norlenn (one source) ← cmp-pt-modem-core@wenmere-satcom-usa-marlborough (one
    // source, inputs.csv:194) over LN-1135 through the Peace Bridge (lanes.csv:1136).
    let satgs = spofs_of(&m, &all, "plt-satgs@");
    for want in [
        "stage sub-gs-modem@norlenn-satcom-systems-ottawa",
        "stage cmp-pt-modem-core@wenmere-satcom-usa-marlborough",
        "lane LN-1135",
        "chokepoint Peace Bridge",
        "country USA",
    ] {
        assert!(
            satgs.iter().any(|s| s == want),
            "{want} missing from {satgs:?}"
        );
    }
}

/// Every platform, every kind: the propagated sets equal brute-force removal of each element.
#[test]
fn matches_brute_force_on_the_example() {
    let m = example();
    let got = single_points_of_failure(&m, &KINDS);
    assert_eq!(got.len(), 11);
    let base = survivors(&m, &[]);
    assert!(
        base.iter().all(|&b| b),
        "every platform is buildable as planned"
    );
    let mut want: Vec<Vec<Target>> = vec![Vec::new(); 11];
    for e in all_elements(&m) {
        let after = survivors(&m, &[e]);
        for p in 0..11 {
            if !after[p] {
                want[p].push(e);
            }
        }
    }
    for p in 0..11 {
        assert_eq!(got[p].spofs, want[p], "platform {p}");
    }
    // Every platform has some SPOF beyond its own stage, site, firm, country and blocs.
    assert!(got.iter().all(|p| p.spofs.len() > 8));
}

/// Country pairs: brute force over all 190 pairs of the 20 countries.
#[test]
fn country_pairs_match_brute_force() {
    let m = example();
    let got = spof_pairs(&m, ElementKind::Country, DEFAULT_PAIR_WORK).unwrap();
    let cs: Vec<Target> = (0..m.countries().len())
        .map(|i| Target::Country(keel_model::CountryIx::new(i)))
        .collect();
    let single: Vec<Vec<bool>> = cs.iter().map(|&c| survivors(&m, &[c])).collect();
    let mut total = 0;
    for p in 0..11 {
        let mut want = Vec::new();
        for a in 0..cs.len() {
            for b in a + 1..cs.len() {
                if single[a][p] && single[b][p] && !survivors(&m, &[cs[a], cs[b]])[p] {
                    want.push((cs[a], cs[b]));
                }
            }
        }
        assert_eq!(got[p].pairs, want, "platform {p}");
        total += want.len();
    }
    assert!(total > 0);
    // MPA engines: USA (Evendale) or FRA (Villaroche). USA is a SPOF of the MPA anyway (airframe), so no pair.
    let firms = spof_pairs(&m, ElementKind::Firm, DEFAULT_PAIR_WORK).unwrap();
    let mpa = firms
        .iter()
        .find(|p| m.stages()[p.stage.index()].id.starts_with("plt-mpa@"))
        .unwrap();
    let names: Vec<String> = mpa
        .pairs
        .iter()
        .map(|(a, b)| {
            format!(
                "{} + {}",
                keel_present::target_name(&m, *a),
                keel_present::target_name(&m, *b)
            )
        })
        .collect();
    assert!(
        names.iter().any(
            |s| s == "firm elrick-aero-engines-fra + firm dunrix-turbines-usa"
                || s == "firm dunrix-turbines-usa + firm elrick-aero-engines-fra"
        ),
        "{names:?}"
    );
}

fn all_elements(m: &Model) -> Vec<Target> {
    use keel_model::*;
    let mut v: Vec<Target> = Vec::new();
    v.extend((0..m.stages().len()).map(|i| Target::Stage(StageIx::new(i))));
    v.extend((0..m.sites().len()).map(|i| Target::Site(SiteIx::new(i))));
    v.extend((0..m.firms().len()).map(|i| Target::Firm(FirmIx::new(i))));
    v.extend((0..m.countries().len()).map(|i| Target::Country(CountryIx::new(i))));
    v.extend((0..m.blocs().len()).map(|i| Target::Bloc(BlocIx::new(i))));
    v.extend((0..m.lanes().len()).map(|i| Target::Lane(LaneIx::new(i))));
    v.extend((0..m.chokepoints().len()).map(|i| Target::Chokepoint(ChokeIx::new(i))));
    v
}

fn survivors(m: &Model, removed: &[Target]) -> Vec<bool> {
    let mut dead_stages = vec![false; m.stages().len()];
    let mut dead_lanes = vec![false; m.lanes().len()];
    for &t in removed {
        for s in m.target_stages(t) {
            dead_stages[s.index()] = true;
        }
        for l in m.target_lanes(t) {
            dead_lanes[l.index()] = true;
        }
    }
    let ok = buildable(m, &dead_stages, &dead_lanes);
    m.demand_stages().map(|p| ok[p.index()]).collect()
}
