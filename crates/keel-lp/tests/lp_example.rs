//! The stress sweep on the bundled example (examples/canada-dib): named scenarios and every country.

use keel_lp::{element_cases, scenario_cases, sweep, Duration, StressLp};
use keel_model::ElementKind;
use std::path::Path;

#[test]
fn canada_dib_scenarios_and_countries() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    let m = keel_io::load(&dir).expect("example loads").model;
    let lp = StressLp::new(&m, 365.0).unwrap();
    let cases = scenario_cases(&m, Duration::Ttr { fallback: 30.0 }).unwrap();
    let rows = sweep(&lp, &cases, true, &|_| {}).unwrap();
    assert_eq!(rows.len(), m.scenarios().len());
    // Ranked: REI of the first is 1 (some scenario costs something), and REI never increases down the table.
    assert_eq!(rows[0].rei, 1.0);
    assert!(rows.windows(2).all(|w| w[0].impact.pi >= w[1].impact.pi));
    // Each scenario lasts its longest event (scenarios.csv durations).
    let itar = rows
        .iter()
        .find(|r| keel_present::case_name(&m, r.subject) == "us-itar-licence-freeze")
        .unwrap();
    assert_eq!(itar.t, 90.0);
    assert!(itar.impact.pi > 0.0 && !itar.impact.platforms_hit.is_empty());
    // Per-platform TTS is at least the coupled-network TTS (a platform alone has first call on its suppliers).
    for r in &rows {
        for (_, p) in &r.impact.platform_tts {
            assert!(p.value >= r.impact.tts.value - 1e-6 * r.impact.tts.value.max(1.0));
        }
    }
    // Countries: one row each, same values run after run; losing the home country (where every platform is
    // assembled) is the worst.
    let cases = element_cases(&m, ElementKind::Country, Duration::Fixed(30.0)).unwrap();
    let a = sweep(&lp, &cases, false, &|_| {}).unwrap();
    let b = sweep(&lp, &cases, false, &|_| {}).unwrap();
    assert_eq!(a.len(), m.countries().len());
    let bits = |v: &[keel_lp::SweepRow]| {
        v.iter()
            .map(|r| (r.case, r.impact.pi.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(a[0].subject.key(&m), ("country", "CAN"));
}
