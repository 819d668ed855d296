//! The planner against brute force on random small models: every affordable subset of options, every joint
//! outcome of the bets straight from the definition (common::joint_outcomes), each evaluated by the stress LP
//! on the model with exactly those options in place (`Investments::applied`, keel-lp's own LP, not the
//! planner's encoding). The MILP's optimum must equal the best subset's value to 1e-6, for the expected loss
//! and for CVaR, and its plan must be affordable, worth what the oracle says, and no dearer than the cheapest
//! optimal subset.

mod common;

use common::{investments, subsets, Oracle, Row};
use keel_model::{Investments, OptionKind, TextModel};
use keel_plan::{cvar, plan, Method, PlanOptions, Risk};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

/// A random layered model (raw materials, components, 1-2 platforms) with 0-3 candidate second sources,
/// 1-6 scenarios and 1-10 options (up to 2 groups of bets), and a budget.
fn random(seed: u64) -> (Investments, f64) {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let mut stages = String::from("id,item,site,value_added,capacity,lead_time,inventory,ttr\n");
    let mut inputs = String::from("stage,input_item,qty,supplier,share,lane\n");
    let mut items = String::from("id,name,kind,export_control,capability\n");
    let mut sites = String::from("id,firm,country,lat,lon,name\n");
    let mut firms = String::from("id,name,country,parent_country\n");
    let mut nsite = 0;
    let mut site = |r: &mut ChaCha8Rng| {
        let c = if r.random_bool(0.5) { "CAN" } else { "USA" };
        writeln!(firms, "F{nsite},F{nsite},{c},").unwrap();
        writeln!(sites, "X{nsite},F{nsite},{c},,,").unwrap();
        nsite += 1;
        format!("X{}", nsite - 1)
    };
    let cap = |r: &mut ChaCha8Rng| {
        if r.random_bool(0.2) {
            String::new()
        } else {
            format!("{}", r.random_range(1..8))
        }
    };
    // Layers of items: raw, components, platforms; stages per item.
    let nraw = r.random_range(1..=2);
    let ncomp = r.random_range(1..=2);
    let nplat = r.random_range(1..=2);
    let mut makers: Vec<Vec<String>> = Vec::new();
    let mut capped: Vec<String> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    let mut candidates: Vec<String> = Vec::new();
    for layer in 0..3 {
        let n = [nraw, ncomp, nplat][layer];
        let below: Vec<usize> = (0..makers.len()).collect();
        let first_here = makers.len();
        for k in 0..n {
            let item = format!("i{layer}{k}");
            let kind = ["material", "component", "platform"][layer];
            writeln!(items, "{item},{item},{kind},,").unwrap();
            let ns = if layer == 2 { 1 } else { r.random_range(1..=2) };
            let mut ids = Vec::new();
            for s in 0..ns {
                let id = format!("S{layer}{k}{s}");
                let c = if layer == 2 {
                    String::new()
                } else {
                    cap(&mut r)
                };
                if !c.is_empty() {
                    capped.push(id.clone());
                }
                let inv = if r.random_bool(0.3) {
                    r.random_range(1..10)
                } else {
                    0
                };
                writeln!(stages, "{id},{item},{},1,{c},0,{inv},", site(&mut r)).unwrap();
                ids.push(id.clone());
                all.push(id);
            }
            makers.push(ids);
        }
        // Inputs of this layer's stages from items of earlier layers.
        if layer > 0 {
            for k in 0..n {
                let item_ix = first_here + k;
                for buyer in makers[item_ix].clone() {
                    let want = r.random_range(1..=below.len().min(2));
                    let mut picked = below.clone();
                    while picked.len() > want {
                        picked.remove(r.random_range(0..picked.len()));
                    }
                    for &i in &picked {
                        let qty = r.random_range(1..=2);
                        let sup = &makers[i];
                        for (si, s) in sup.iter().enumerate() {
                            // Explicit shares, the last one closing the sum at 1.
                            let share = if si + 1 == sup.len() {
                                1.0 - (sup.len() - 1) as f64 / sup.len() as f64
                            } else {
                                1.0 / sup.len() as f64
                            };
                            let item = s[1..3].to_string();
                            writeln!(inputs, "{buyer},i{item},{qty},{s},{share},").unwrap();
                        }
                    }
                }
            }
        }
    }
    // Candidates: a second source of a raw or component item, supplying every buyer of that item.
    let ncand = r.random_range(0..=3);
    let layered: Vec<usize> = (0..nraw + ncomp).collect();
    for c in 0..ncand {
        let i = layered[r.random_range(0..layered.len())];
        let item = makers[i][0][1..3].to_string();
        let id = format!("K{c}");
        let capacity = r.random_range(1..6);
        writeln!(stages, "{id},i{item},{},1,{capacity},0,0,", site(&mut r)).unwrap();
        if item.starts_with('1') {
            // A component candidate needs the first raw item, from its makers.
            let sup = &makers[0];
            for (si, s) in sup.iter().enumerate() {
                let share = if si + 1 == sup.len() {
                    1.0 - (sup.len() - 1) as f64 / sup.len() as f64
                } else {
                    1.0 / sup.len() as f64
                };
                writeln!(inputs, "{id},i00,1,{s},{share},").unwrap();
            }
        }
        // Every existing group on this item gets the candidate as a supplier option.
        let groups: Vec<(String, String)> = inputs
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[1] == format!("i{item}") && !f[0].starts_with('K'))
                    .then(|| (f[0].to_string(), f[2].to_string()))
            })
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for (buyer, qty) in groups {
            if seen.insert(buyer.clone()) {
                writeln!(inputs, "{buyer},i{item},{qty},{id},0,").unwrap();
            }
        }
        candidates.push(id);
    }
    let mut demand = String::from("stage,demand,loss_per_unit\n");
    for p in &makers[nraw + ncomp..] {
        writeln!(
            demand,
            "{},{},{}",
            p[0],
            r.random_range(1..4),
            r.random_range(10..1000)
        )
        .unwrap();
    }
    let mut scen =
        String::from("scenario,target_kind,target,capacity_factor,start,duration,probability\n");
    let nsc = r.random_range(1..=6);
    for k in 0..nsc {
        let target = &all[r.random_range(0..all.len())];
        let f = if r.random_bool(0.7) { 0.0 } else { 0.5 };
        let t = r.random_range(1..=20);
        let p = r.random_range(1..=15) as f64 / 100.0;
        writeln!(scen, "sc{k},stage,{target},{f},0,{t},{p}").unwrap();
    }
    let m = TextModel::new("CAN", &[])
        .table(
            "countries",
            "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n",
        )
        .table("firms", &firms)
        .table("sites", &sites)
        .table("items", &items)
        .table("stages", &stages)
        .table("inputs", &inputs)
        .table("demand", &demand)
        .table("scenarios", &scen)
        .build()
        .unwrap_or_else(|e| panic!("{e:?}\n{stages}\n{inputs}"))
        .model;
    // Options: a source per candidate, then capacity and stockpile options, at most 10 in all.
    let mut rows: Vec<(String, OptionKind, f64)> = candidates
        .iter()
        .map(|c| (c.clone(), OptionKind::Source, 0.0))
        .collect();
    let want = r.random_range(rows.len().max(1)..=10);
    while rows.len() < want {
        if !capped.is_empty() && r.random_bool(0.5) {
            let s = capped[r.random_range(0..capped.len())].clone();
            rows.push((s, OptionKind::Capacity, r.random_range(1..5) as f64));
        } else {
            let s = all[r.random_range(0..all.len())].clone();
            rows.push((s, OptionKind::Stockpile, r.random_range(1..20) as f64));
        }
    }
    let probs = [0.3, 0.5, 0.7, 0.9];
    let rows: Vec<Row<'_>> = rows
        .iter()
        .map(|(s, k, a)| {
            let risky = r.random_bool(0.4);
            let p = if risky {
                probs[r.random_range(0..4)]
            } else {
                1.0
            };
            let g = if risky && r.random_bool(0.6) {
                Some(r.random_range(0..2))
            } else {
                None
            };
            (s.as_str(), *k, *a, r.random_range(1..20) as f64, p, g)
        })
        .collect();
    let total: f64 = rows.iter().map(|x| x.3).sum();
    let budget = (r.random_range(0..=100) as f64 / 100.0 * total).round();
    (investments(m, &rows, 2), budget)
}

/// Checks one random case; returns (loss of doing nothing, the plan's expected loss, a bet was chosen).
fn check(seed: u64, method: Method) -> (f64, f64, bool) {
    let (inv, budget) = random(seed);
    let n = inv.options.len();
    let mut oracle = Oracle::new(&inv);
    let costs: Vec<f64> = inv.options.iter().map(|o| o.cost).collect();
    let affordable: Vec<Vec<bool>> = subsets(n)
        .filter(|s| {
            s.iter()
                .zip(&costs)
                .filter(|x| *x.0)
                .map(|x| x.1)
                .sum::<f64>()
                <= budget + 1e-9
        })
        .collect();
    let mut stats = (0.0, 0.0, false);
    for risk in [Risk::Expected, Risk::Cvar { alpha: 0.9 }] {
        let value = |o: &mut Oracle<'_>, s: &[bool]| match risk {
            Risk::Expected => o.expected(s),
            Risk::Cvar { alpha } => cvar(&o.atoms(s), alpha),
        };
        let values: Vec<f64> = affordable.iter().map(|s| value(&mut oracle, s)).collect();
        let best = values.iter().copied().fold(f64::INFINITY, f64::min);
        let tol = 1e-6 * best.abs().max(1.0);
        let cheapest = affordable
            .iter()
            .zip(&values)
            .filter(|(_, &v)| v <= best + 1e-9 * best.abs().max(1.0))
            .map(|(s, _)| {
                s.iter()
                    .zip(&costs)
                    .filter(|x| *x.0)
                    .map(|x| x.1)
                    .sum::<f64>()
            })
            .fold(f64::INFINITY, f64::min);
        let r = plan(
            &inv,
            &PlanOptions {
                budget: Some(budget),
                risk,
                report_alpha: 0.9,
                method: Some(method),
                ..PlanOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let take: Vec<bool> = (0..n).map(|o| r.chosen.contains(&o)).collect();
        let got = match risk {
            Risk::Expected => r.expected_loss,
            Risk::Cvar { .. } => r.cvar.unwrap(),
        };
        assert!(
            (got - best).abs() <= tol,
            "seed {seed} {risk:?}: plan {got}, brute force {best}"
        );
        assert!(
            (value(&mut oracle, &take) - got).abs() <= tol,
            "seed {seed} {risk:?}: evaluation"
        );
        assert!(r.cost <= budget + 1e-9, "seed {seed}: over budget");
        assert!(
            r.cost <= cheapest + 1e-9,
            "seed {seed} {risk:?}: cost {} > {cheapest}",
            r.cost
        );
        assert!((r.baseline_expected_loss - oracle.expected(&vec![false; n])).abs() <= tol);
        if risk == Risk::Expected {
            let bet = r.chosen.iter().any(|&o| inv.options[o].probability < 1.0);
            stats = (r.baseline_expected_loss, r.expected_loss, bet);
        }
    }
    stats
}

/// The random cases exercise what they should: most lose something without a plan, in many the plan
/// lowers the loss, and in some it funds a bet (a generator that made only trivial cases would pass the
/// property test above vacuously).
#[test]
fn the_random_cases_are_not_trivial() {
    let s: Vec<(f64, f64, bool)> = (0..60)
        .map(|k| check(1000 + k, Method::Extensive))
        .collect();
    let losing = s.iter().filter(|x| x.0 > 0.0).count();
    let helped = s.iter().filter(|x| x.1 < x.0 * (1.0 - 1e-9)).count();
    let bets = s.iter().filter(|x| x.2).count();
    assert!(
        losing >= 30 && helped >= 20 && bets >= 5,
        "{losing} {helped} {bets}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn the_plan_equals_brute_force(seed in any::<u64>()) {
        check(seed, Method::Extensive);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]
    /// The L-shaped method reaches the same optimum (it is what large models use).
    #[test]
    fn benders_equals_brute_force(seed in any::<u64>()) {
        check(seed, Method::Benders);
    }
}

/// Cases the property test once found, kept so they run on every build. 16290526512092654647 (CI,
/// 2026-12-03): a CVaR tie-break at optimum 0 that HiGHS's presolve called infeasible, so the dearer plan
/// of the first solve was kept.
const FOUND: [u64; 2] = [16290526512092654647, 17197364707691094796];

#[test]
fn found_cases() {
    #[allow(clippy::single_element_loop)]
    for seed in FOUND {
        check(seed, Method::Extensive);
        check(seed, Method::Benders);
    }
}
