//! The engine's "see" analyses on the bundled example, each against keel-see's own call of the same analysis:
//! exposure, controls, concentration and criticality, and the options each one refuses.

mod common;

use common::{example, go};
use keel_engine::table::Cell;
use keel_engine::{Analysis, EngineError};
use keel_see::exposure::{exposure, ExposureOptions};

#[test]
fn exposure_shares_are_keel_sees() {
    let m = example();
    let r = go(
        &m,
        r#"{"analysis": "exposure", "platform": "plt-lav", "top": 0}"#,
    )
    .unwrap();
    let p = keel_see::resolve_platforms(&m, Some("plt-lav")).unwrap();
    let want = exposure(
        &m,
        &p,
        ExposureOptions {
            tiers: false,
            top_firms: Some(0),
        },
    );
    let summary = r.table(Some("platforms")).unwrap();
    assert_eq!(summary.rows.len(), 1);
    assert_eq!(summary.rows[0][2], Cell::Num(want[0].value_added));
    assert_eq!(summary.rows[0][4], Cell::Share(want[0].home_share));
    let shares = r.table(None).unwrap();
    assert_eq!(shares.rows.len(), want[0].by_country.len());
    let total: f64 = shares
        .rows
        .iter()
        .map(|row| match row[3] {
            Cell::Share(s) => s,
            _ => panic!("share cell"),
        })
        .sum();
    assert!((total - 1.0).abs() < 1e-9, "country shares sum to {total}");
    let e = serde_json::from_str::<Analysis>(r#"{"analysis": "exposure", "by": "continent"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("unknown variant `continent`, expected one of `country`, `bloc`, `firm`, `parent`, `tier`"),
        "{e}"
    );
}

#[test]
fn controls_and_concentration_match_keel_see() {
    let m = example();
    let r = go(&m, r#"{"analysis": "controls", "regime": "ITAR"}"#).unwrap();
    let want = keel_see::controls::controls_of(
        &m,
        None,
        Some("ITAR"),
        keel_see::controls::ControlOptions { top: Some(20) },
    )
    .unwrap();
    let t = r.table(None).unwrap();
    assert_eq!(t.rows.len(), want.len());
    for (row, c) in t.rows.iter().zip(&want) {
        assert_eq!(row[2], Cell::Bool(c.controlled));
        assert_eq!(row[5], Cell::Bool(c.regime_free_possible));
    }
    let e = go(&m, r#"{"analysis": "controls", "regime": "ITRA"}"#).unwrap_err();
    assert!(matches!(e, EngineError::Options(_)), "{e}");

    let r = go(
        &m,
        r#"{"analysis": "concentration", "level": "item", "top": 0}"#,
    )
    .unwrap();
    let c = keel_see::concentration::concentration(&m);
    let t = r.table(None).unwrap();
    assert_eq!(t.name, "items");
    assert_eq!(t.rows.len(), c.items.len());
    // Ranked: flagged first, then by firm HHI, descending.
    let hhi: Vec<f64> = t
        .rows
        .iter()
        .filter(|row| row[14] == Cell::Bool(false))
        .map(|row| match row[5] {
            Cell::Num(v) => v,
            _ => panic!("HHI cell"),
        })
        .collect();
    assert!(hhi.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn criticality_ranks_keel_sees_spofs_and_refuses_kinds_it_does_not_test() {
    let m = example();
    let r = go(
        &m,
        r#"{"analysis": "criticality", "kind": ["country"], "top": 0}"#,
    )
    .unwrap();
    let spofs =
        keel_see::criticality::single_points_of_failure(&m, &[keel_model::ElementKind::Country]);
    let ranked = keel_see::rank::rank_spofs(&m, &spofs);
    let t = r.table(None).unwrap();
    assert_eq!(t.rows.len(), ranked.len());
    for (row, want) in t.rows.iter().zip(&ranked) {
        assert_eq!(row[2], Cell::from(m.target_id(want.element)));
        assert_eq!(row[5], Cell::Num(want.stake));
    }
    let e = go(&m, r#"{"analysis": "criticality", "kind": ["regime"]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "criticality does not test regimes; its kinds are stage, site, firm, country, bloc, lane, chokepoint"
    );
}
