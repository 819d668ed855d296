//! A plan worked out by hand.
//!
//! Platform P (demand 1 a day, 100 lost per unit short) needs one unit of part C a day from S1 (capacity 2,
//! no stock). Scenario `s1-fire`: S1 out for 10 days, probability 0.1; otherwise (0.9) nothing happens over
//! the same 10 days and nothing is lost. Options:
//! - o1, stockpile 5 units of C at S1, cost 10: in the fire P makes 5 of 10, loss 500 instead of 1,000.
//! - o2, candidate second source S2 (capacity 1), cost 30, works with probability 0.8: loss 0 when it works.
//!
//! Expected loss (0.1 x loss in the fire): nothing 100; o1 50; o2 0.1 x 0.2 x 1,000 = 20; both
//! 0.1 x 0.2 x 500 = 10. CVaR at 0.95 (tail mass 0.05): nothing 1,000; o1 500; o2 0.02 x 1,000 / 0.05 = 400;
//! both 0.02 x 500 / 0.05 = 200.

mod common;

use common::investments;
use keel_model::{Investments, OptionKind, TextModel};
use keel_plan::{frontier, plan, Method, PlanError, PlanOptions, Risk, Survive};

fn model() -> Investments {
    let m = TextModel::new("CAN", &[])
        .table(
            "countries",
            "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n",
        )
        .table(
            "firms",
            "id,name,country,parent_country\nF1,F1,CAN,\nF2,F2,USA,\nFP,FP,CAN,\n",
        )
        .table(
            "sites",
            "id,firm,country,lat,lon,name\nX1,F1,CAN,,,\nX2,F2,USA,,,\nXP,FP,CAN,,,\n",
        )
        .table(
            "items",
            "id,name,kind,export_control,capability\nc,C,component,,\np,P,platform,,\n",
        )
        .table(
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             S1,c,X1,1,2,0,0,10\nS2,c,X2,1,1,0,0,\nP,p,XP,1,,0,0,\n",
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share,lane\nP,c,1,S1,1,\nP,c,1,S2,0,\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nP,1,100\n")
        .table(
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             s1-fire,stage,S1,0,0,10,0.1\n",
        )
        .build()
        .expect("valid model")
        .model;
    investments(
        m,
        &[
            ("S1", OptionKind::Stockpile, 5.0, 10.0, 1.0, None),
            ("S2", OptionKind::Source, 0.0, 30.0, 0.8, None),
        ],
        0,
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn each_budget_buys_what_the_hand_calculation_says() {
    let inv = model();
    let cases = [
        (0.0, vec![], 100.0),
        (10.0, vec![0], 50.0),
        (29.0, vec![0], 50.0),
        (30.0, vec![1], 20.0),
        (40.0, vec![0, 1], 10.0),
        (1e6, vec![0, 1], 10.0),
    ];
    for ((budget, chosen, loss), method) in cases
        .into_iter()
        .flat_map(|c| [(c.clone(), Method::Extensive), (c, Method::Benders)])
    {
        let r = plan(
            &inv,
            &PlanOptions {
                budget: Some(budget),
                method: Some(method),
                ..PlanOptions::default()
            },
        )
        .unwrap();
        assert_eq!(r.method, method);
        assert_eq!(r.chosen, chosen, "budget {budget} {method:?}");
        assert!(
            close(r.expected_loss, loss),
            "budget {budget}: {}",
            r.expected_loss
        );
        assert!(close(r.baseline_expected_loss, 100.0));
        assert!(r.gap <= 1e-6, "gap {}", r.gap);
    }
}

#[test]
fn the_full_budget_plan_reports_what_each_option_is_worth() {
    let inv = model();
    let r = plan(
        &inv,
        &PlanOptions {
            budget: Some(40.0),
            ..PlanOptions::default()
        },
    )
    .unwrap();
    assert!(close(r.cost, 40.0));
    // Dropping o1 leaves o2: 20 - 10; dropping o2 leaves o1: 50 - 10.
    assert_eq!(r.marginal.len(), 2);
    assert!(close(r.marginal[0].1, 10.0) && close(r.marginal[1].1, 40.0));
    // The best plan without a bet is o1 alone (50): the bet is worth 40.
    assert!(close(r.value_of_experimentation, 40.0));
    assert!(close(r.expected_failed_bets, 0.2));
    // CVaR at 0.95: 200 for the plan, 1,000 for doing nothing.
    assert!(close(r.cvar.unwrap(), 200.0) && close(r.baseline_cvar.unwrap(), 1000.0));
    // The fire: 1,000 before, 0.2 x 500 = 100 after (expected over the bet); nothing is lost otherwise.
    assert_eq!(r.scenarios.len(), 2);
    assert!(close(r.scenarios[0].before, 1000.0) && close(r.scenarios[0].after, 100.0));
    assert!(close(r.scenarios[1].probability, 0.9) && r.scenarios[1].after == 0.0);
    assert_eq!(r.outcomes.max_classes, 2);
    assert!(!r.outcomes.sampled);
}

#[test]
fn cvar_prefers_the_bet_over_the_stockpile_at_thirty() {
    let inv = model();
    let at = |budget: f64| {
        plan(
            &inv,
            &PlanOptions {
                budget: Some(budget),
                risk: Risk::Cvar { alpha: 0.95 },
                ..PlanOptions::default()
            },
        )
        .unwrap()
    };
    let r = at(30.0);
    assert_eq!(r.chosen, [1]);
    assert!(close(r.cvar.unwrap(), 400.0));
    let r = at(10.0);
    assert_eq!(r.chosen, [0]);
    assert!(close(r.cvar.unwrap(), 500.0));
    assert!(close(at(40.0).cvar.unwrap(), 200.0));
}

#[test]
fn a_useless_option_is_never_bought_and_ties_go_to_the_cheaper_plan() {
    let mut inv = model();
    // A second stockpile identical to o1 but dearer, and a stockpile on the platform's own output that covers
    // the same 5 days: same value as o1 at a higher cost.
    let extra = |id: &str, stage, cost| keel_model::InvestOption {
        id: id.into(),
        name: None,
        kind: OptionKind::Stockpile,
        stage,
        amount: 5.0,
        cost,
        probability: 1.0,
        group: None,
        time_to_effect: 0.0,
    };
    let p = inv.full.stage_ix("P").unwrap();
    let s1 = inv.full.stage_ix("S1").unwrap();
    inv.options.push(extra("o3", p, 12.0));
    inv.options.push(extra("o4", s1, 11.0));
    let r = plan(
        &inv,
        &PlanOptions {
            budget: Some(12.0),
            ..PlanOptions::default()
        },
    )
    .unwrap();
    assert_eq!(r.chosen, [0]);
    assert!(close(r.cost, 10.0));
}

#[test]
fn the_frontier_never_rises_and_starts_at_doing_nothing() {
    let inv = model();
    let f = frontier(
        &inv,
        &PlanOptions::default(),
        &[0.0, 10.0, 30.0, 40.0, 100.0],
    )
    .unwrap();
    let losses: Vec<f64> = f.iter().map(|p| p.expected_loss).collect();
    for (a, b) in losses.iter().zip([100.0, 50.0, 20.0, 10.0, 10.0]) {
        assert!(close(*a, b), "{losses:?}");
    }
    assert!(f[4].cost <= 40.0 + 1e-9);
}

#[test]
fn survival_counts_only_certain_options() {
    let inv = model();
    // Losing S1 for 5 days: the stockpile (certain) covers it; the bet may not be counted.
    let s = |t: f64| PlanOptions {
        budget: Some(100.0),
        survive: Some(Survive {
            kind: keel_model::ElementKind::Stage,
            t,
            except: vec![keel_model::Target::Stage(inv.full.stage_ix("P").unwrap())],
        }),
        ..PlanOptions::default()
    };
    let r = plan(&inv, &s(5.0)).unwrap();
    assert!(r.chosen.contains(&0));
    // 6 days: even with every certain option, S1's loss cannot be survived.
    match plan(&inv, &s(6.0)) {
        Err(PlanError::CannotSurvive { elements, .. }) => {
            assert_eq!(
                elements,
                [keel_model::Target::Stage(inv.full.stage_ix("S1").unwrap())]
            );
        }
        other => panic!("{other:?}"),
    }
    // Within a budget of 5 no plan survives 5 days; the cheapest that does costs 10.
    let mut o = s(5.0);
    o.budget = Some(5.0);
    match plan(&inv, &o) {
        Err(PlanError::SurviveOverBudget { cheapest, .. }) => assert!(close(cheapest, 10.0)),
        other => panic!("{other:?}"),
    }
}

/// Speed against testing: the second source needs 200 days to qualify. Over two years of 365 days it protects
/// only the second year (which begins at day 365), so with a budget of 30 the stockpile, in effect at once
/// (50 + 50 = 100), beats the bet (100 + 20 = 120), the reverse of the steady state (50 against 20).
#[test]
fn a_slow_option_protects_only_the_years_after_it_takes_effect() {
    let mut inv = model();
    inv.options[1].time_to_effect = 200.0;
    let at = |inv: &Investments, budget: f64, years: u32, method| {
        plan(
            inv,
            &PlanOptions {
                budget: Some(budget),
                years,
                method: Some(method),
                ..PlanOptions::default()
            },
        )
        .unwrap()
    };
    for method in [Method::Extensive, Method::Benders] {
        let r = at(&inv, 30.0, 2, method);
        assert_eq!(r.chosen, [0], "{method:?}");
        assert!(close(r.expected_loss, 100.0) && close(r.baseline_expected_loss, 200.0));
        let r = at(&inv, 40.0, 2, method);
        assert_eq!(r.chosen, [0, 1]);
        assert_eq!(r.years.len(), 2);
        assert!(close(r.years[0].after, 50.0) && close(r.years[1].after, 10.0));
        assert!(close(r.years[0].before, 100.0) && close(r.years[1].before, 100.0));
        // The steady state counts every option at once.
        assert_eq!(at(&inv, 30.0, 1, method).chosen, [1]);
    }
}

/// Beyond `max_exact` classes the outcomes are sampled: with 20,000 draws the plan is the exact one and its
/// expected loss within three standard errors of the exact 10 (the failure frequency's standard error is
/// sqrt(0.2 x 0.8 / 20,000) = 0.0028, times 0.1 x 500: 0.14), and the independent estimate's 95% interval
/// covers 10.
#[test]
fn sampled_outcomes_approach_the_exact_plan() {
    let inv = model();
    let r = plan(
        &inv,
        &PlanOptions {
            budget: Some(40.0),
            max_exact: 1,
            samples: 20_000,
            seed: 3,
            ..PlanOptions::default()
        },
    )
    .unwrap();
    assert!(r.outcomes.sampled);
    assert_eq!(r.outcomes.samples, Some(20_000));
    assert_eq!(r.chosen, [0, 1]);
    assert!((r.expected_loss - 10.0).abs() < 0.42, "{}", r.expected_loss);
    let (mean, half) = r.outcomes.out_of_sample.unwrap();
    assert!((half - 1.96 * 0.14).abs() < 0.03, "half-width {half}");
    assert!((mean - 10.0).abs() <= half, "{mean} ± {half}");
}
