//! The engine's investment plan on the bundled example against keel-plan's own call, and its option errors.

mod common;

use common::{example, go};
use keel_engine::table::Cell;
use keel_engine::EngineError;
use keel_plan::{plan, PlanOptions};

#[test]
fn the_plan_is_keel_plans() {
    let m = example();
    let r = go(&m, r#"{"analysis": "plan", "budget": 200000000}"#).unwrap();
    let inv = m.investments().unwrap();
    let want = plan(
        inv,
        &PlanOptions {
            budget: Some(2e8),
            ..PlanOptions::default()
        },
    )
    .unwrap();
    let chosen = r.table(None).unwrap();
    assert_eq!(chosen.name, "plan");
    let ids: Vec<Cell> = want
        .chosen
        .iter()
        .map(|&o| Cell::from(&inv.options[o].id))
        .collect();
    assert_eq!(
        chosen
            .rows
            .iter()
            .map(|row| row[0].clone())
            .collect::<Vec<_>>(),
        ids
    );
    assert_eq!(r.json["expected_loss"], want.expected_loss);
    assert_eq!(r.json["cost"], want.cost);
    assert!(want.cost <= 2e8);
}

#[test]
fn frontier_and_bad_options() {
    let m = example();
    let r = go(&m, r#"{"analysis": "plan", "frontier": [1e8, 0, 1e8]}"#).unwrap();
    let t = r.table(None).unwrap();
    assert_eq!(t.name, "frontier");
    // Budgets sorted and deduplicated: 0, then 1e8; nothing is bought with nothing.
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0][0], Cell::Num(0.0));
    assert_eq!(t.rows[0][1], Cell::Num(0.0));
    let e = go(&m, r#"{"analysis": "plan", "risk": "cvar:1.5"}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "risk: the CVaR level must be in [0, 1), got 1.5"
    );
    let e = go(&m, r#"{"analysis": "plan", "except": ["CAN"]}"#).unwrap_err();
    assert!(matches!(e, EngineError::Options(_)), "{e}");
    let e = go(
        &m,
        r#"{"analysis": "plan", "survive": "country:90", "except": ["CAM"]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("except: no country `CAM`"), "{e}");
}
