//! The region-restricted solver (src/local.rs) on a generated network, whose plan fits every capacity: every
//! single-stage scenario of the sweep must give the PI and TTS of the LP built and solved whole, from scratch,
//! in the original (not per-unit-time) form.

use keel_io::generate::{generate, GenOptions};
use keel_lp::{element_cases, sweep, Duration, StressLp};
use keel_model::ElementKind;

#[test]
fn local_sweep_matches_cold_whole_lp_on_a_generated_network() {
    let model = generate(&GenOptions {
        stages: 250,
        seed: 11,
        ..GenOptions::default()
    })
    .build()
    .unwrap()
    .model;
    let lp = StressLp::new(&model, 365.0).unwrap();
    assert_eq!(lp.local_components(), lp.components());
    let cases =
        element_cases(&model, ElementKind::Stage, Duration::Ttr { fallback: 30.0 }).unwrap();
    let rows = sweep(&lp, &cases, false, &|_| {}).unwrap();
    let (mut hit, mut short) = (0, 0);
    for (k, c) in cases.iter().enumerate() {
        let got = &rows.iter().find(|r| r.case == k).unwrap().impact;
        let want = lp.impact(&c.disruption, c.t, false).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-7 * a.abs().max(b.abs()).max(1.0);
        assert!(
            close(got.pi, want.pi),
            "{:?}: PI {} vs {}",
            c.subject,
            got.pi,
            want.pi
        );
        assert!(
            close(got.tts.value, want.tts.value),
            "{:?}: TTS {:?} vs {:?}",
            c.subject,
            got.tts,
            want.tts
        );
        hit += usize::from(want.pi > 0.0);
        short += usize::from(!want.tts.at_least);
    }
    // Not vacuous: many scenarios lose demand, and many end before the horizon.
    assert!(
        hit > 20 && short > 20,
        "{hit} with loss, {short} short of the horizon"
    );
}
