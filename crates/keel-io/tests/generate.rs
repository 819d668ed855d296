//! The synthetic generator: always valid, reproducible, and the size asked for.
// The test reports what it measured (shown with --nocapture).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use keel_io::generate::{generate, GenOptions};
use keel_model::{ItemKind, MemModel, Model, OptionKind, StageIx, Table};

fn opts(stages: usize, seed: u64) -> GenOptions {
    GenOptions {
        stages,
        seed,
        ..GenOptions::default()
    }
}

fn build(m: MemModel) -> Model {
    match m.build() {
        Ok(l) => {
            // Generated models are clean: no warnings (unused firms, sites, items, orphan stages).
            assert!(
                l.warnings.is_empty(),
                "warnings: {:?}",
                &l.warnings[..l.warnings.len().min(5)]
            );
            l.model
        }
        Err(e) => panic!(
            "generated model is invalid: {:?}",
            &e.diagnostics[..e.diagnostics.len().min(10)]
        ),
    }
}

/// All tables' text, to compare two runs byte for byte.
fn dump(m: &MemModel) -> String {
    let mut m = m.clone();
    let mut out = format!("{:?}\n", m.meta);
    for (stem, t) in &mut m.tables {
        out.push_str(stem);
        out.push('\n');
        out.push_str(&t.headers().join(","));
        out.push('\n');
        let mut rec = keel_model::StringRecord::new();
        while let Ok(Some(_)) = t.next_row(&mut rec) {
            out.push_str(&rec.iter().collect::<Vec<_>>().join(","));
            out.push('\n');
        }
    }
    out
}

fn rows(m: &MemModel, stem: &str) -> usize {
    m.tables
        .iter()
        .find(|(s, _)| s == stem)
        .map_or(0, |(_, t)| t.len())
}

#[test]
fn models_of_several_sizes_and_seeds_are_valid_and_exact_in_stage_count() {
    for &(n, seed) in &[(6, 1), (20, 2), (100, 3), (1000, 4), (5000, 5), (20_000, 6)] {
        let m = build(generate(&opts(n, seed)));
        assert_eq!(m.stages().len(), n, "stages for n = {n}");
        // Platforms are the demand stages, and carry no buyers.
        let platforms: Vec<StageIx> = m.demand_stages().collect();
        assert!(!platforms.is_empty());
        for &s in &platforms {
            assert_eq!(
                m.items()[m.stages()[s.index()].item.index()].kind,
                ItemKind::Platform
            );
            assert!(m.buyers_of(s).is_empty());
        }
        // Every non-demand stage sells to someone (no orphan output): checked by `build` having no warnings.
        assert_eq!(m.topo_order().len(), n);
    }
}

#[test]
fn same_options_give_identical_tables_and_other_seeds_differ() {
    let a = dump(&generate(&opts(3000, 42)));
    let b = dump(&generate(&opts(3000, 42)));
    assert!(a == b, "two runs with the same seed differ");
    let c = dump(&generate(&opts(3000, 43)));
    assert!(a != c);
}

#[test]
fn input_row_target_is_met_within_three_percent() {
    for &(target, seed) in &[(3_000usize, 1u64), (30_000, 2), (200_000, 3)] {
        let g = generate(&GenOptions {
            input_rows: Some(target),
            seed,
            ..GenOptions::default()
        });
        let r = rows(&g, "inputs");
        let err = (r as f64 / target as f64 - 1.0).abs();
        assert!(err < 0.03, "target {target}: {r} rows");
        // About three input rows per stage, as the benchmarks assume.
        let per_stage = r as f64 / rows(&g, "stages") as f64;
        assert!((2.0..5.0).contains(&per_stage), "{per_stage} rows/stage");
        build(g);
    }
}

#[test]
fn distributions_have_the_documented_shape() {
    let m = build(generate(&opts(20_000, 7)));
    // Alternative suppliers per input item: mostly one, about 30% two, a few 3-5.
    let mut by_count = [0usize; 7];
    let mut fan_in = [0usize; 32];
    for s in 0..m.stages().len() {
        let s = StageIx::new(s);
        let groups: Vec<_> = m.groups_of(s).collect();
        if !groups.is_empty() {
            fan_in[groups.len().min(31)] += 1;
        }
        for g in groups {
            let k = m.sources_of(g).len();
            by_count[k.min(6)] += 1;
            let sum: f64 = m.sources_of(g).map(|x| m.sources()[x.index()].share).sum();
            assert!((sum - 1.0).abs() < 1e-6);
        }
    }
    let total: usize = by_count.iter().sum();
    let f = |k: usize| by_count[k] as f64 / total as f64;
    eprintln!("sources per input: {by_count:?}; fan-in: {fan_in:?}");
    assert!((0.5..0.75).contains(&f(1)), "single-sourced {}", f(1));
    assert!((0.2..0.4).contains(&f(2)), "dual-sourced {}", f(2));
    assert!(
        (0.01..0.12).contains(&(f(3) + f(4) + f(5))),
        "3-5 sources {}",
        f(3) + f(4) + f(5)
    );
    assert_eq!(by_count[6], 0);
    let buyers: usize = fan_in.iter().sum();
    let small: usize = fan_in[1..=4].iter().sum();
    assert!(small as f64 / buyers as f64 > 0.6);
    assert!(fan_in[5..=20].iter().sum::<usize>() > 0);
    // Real countries and blocs, regimes, lanes with chokepoints, scenarios that resolve.
    assert_eq!(m.countries().len(), 25);
    for b in ["NATO", "NTIB", "FVEY", "EU"] {
        assert!(m.bloc_ix(b).is_some(), "{b}");
    }
    assert!(m.regime_ix("ITAR").is_some() && m.regime_ix("EAR").is_some());
    assert!(m.items().iter().any(|i| i.control.is_some()));
    assert!(!m.lanes().is_empty() && !m.chokepoints().is_empty());
    assert!(m.scenarios().len() >= 5);
    assert!(m.firms().iter().any(|f| f.parent_country != f.country));
}

#[test]
fn capacity_covers_the_flow_needed_for_demand() {
    // Recompute the flow top-down from demand, independently of the generator, and check every capacity.
    let m = build(generate(&opts(2000, 9)));
    let mut flow = vec![0.0f64; m.stages().len()];
    for d in m.demands() {
        flow[d.stage.index()] += d.demand;
    }
    // topo_order is suppliers first, so walk it backwards: buyers first.
    for &s in m.topo_order().iter().rev() {
        for g in m.groups_of(s) {
            let qty = m.groups()[g.index()].qty;
            for x in m.sources_of(g) {
                let src = &m.sources()[x.index()];
                flow[src.supplier.index()] += flow[s.index()] * qty * src.share;
            }
        }
    }
    for (k, st) in m.stages().iter().enumerate() {
        let cap = st.capacity.expect("every stage has a capacity");
        assert!(
            cap >= 1.09 * flow[k] && cap <= 2.01 * flow[k],
            "{}: capacity {cap}, flow {}",
            st.id,
            flow[k]
        );
    }
}

/// The rows of one table, as text.
fn table_rows(m: &MemModel, stem: &str) -> Vec<String> {
    let mut t = m
        .tables
        .iter()
        .find(|(s, _)| s == stem)
        .map(|(_, t)| t.clone())
        .expect("table");
    let mut out = Vec::new();
    let mut rec = keel_model::StringRecord::new();
    while let Ok(Some(_)) = t.next_row(&mut rec) {
        out.push(rec.iter().collect::<Vec<_>>().join(","));
    }
    out
}

#[test]
fn options_are_the_number_and_mix_asked_and_load_as_a_plan_would_read_them() {
    let ask = GenOptions {
        stages: 1700,
        seed: 3,
        options: 200,
        ..GenOptions::default()
    };
    let g = generate(&ask);
    assert_eq!(dump(&g), dump(&generate(&ask)), "same options, same bytes");
    let m = build(g.clone());
    let inv = m
        .investments()
        .expect("a model with options.csv has investments");
    // 2/5 sources, 3/10 capacity, the rest stockpiles; a tenth risky, in groups of four.
    assert_eq!(inv.options.len(), 200);
    let count = |k: OptionKind| inv.options.iter().filter(|o| o.kind == k).count();
    assert_eq!(count(OptionKind::Source), 80);
    assert_eq!(count(OptionKind::Capacity), 60);
    assert_eq!(count(OptionKind::Stockpile), 60);
    assert_eq!(inv.candidates.len(), 80);
    let risky: Vec<_> = inv.options.iter().filter(|o| o.is_risky()).collect();
    assert_eq!(risky.len(), 20);
    assert_eq!(inv.groups.len(), 5);
    for g in 0..5u32 {
        assert_eq!(risky.iter().filter(|o| o.group == Some(g)).count(), 4);
    }
    assert!(risky
        .iter()
        .all(|o| o.probability >= 0.3 && o.probability < 0.95));
    // Every candidate has buyers and inputs in the full model, and the model every analysis sees is the
    // model generated without options: the same stages and input rows.
    for &c in &inv.candidates {
        assert!(
            !inv.full.buyers_of(c).is_empty(),
            "candidate {c:?} sells to no one"
        );
    }
    let plain = generate(&GenOptions { options: 0, ..ask });
    assert_eq!(m.stages().len(), 1700);
    assert_eq!(m.sources().len(), rows(&plain, "inputs"));
    assert!(plain.tables.iter().all(|(s, _)| s != "options"));
    // Asking for options appends rows and changes none: every other table is a prefix-extension.
    for (stem, _) in &plain.tables {
        let (a, b) = (table_rows(&plain, stem), table_rows(&g, stem));
        assert_eq!(
            a[..],
            b[..a.len()],
            "{stem}: rows before the candidates changed"
        );
    }
    assert_eq!(rows(&g, "stages"), 1700 + 80);
}

#[test]
fn small_models_still_get_every_option_asked() {
    for &(stages, seed, n) in &[(20usize, 1u64, 10usize), (100, 2, 40), (1000, 4, 7)] {
        let m = build(generate(&GenOptions {
            stages,
            seed,
            options: n,
            ..GenOptions::default()
        }));
        let inv = m.investments().expect("investments");
        assert_eq!(inv.options.len(), n, "{stages} stages");
        assert_eq!(m.stages().len(), stages);
        // Sources that found no free site became capacity options, so the total holds.
        let sources = inv
            .options
            .iter()
            .filter(|o| o.kind == OptionKind::Source)
            .count();
        assert_eq!(sources, inv.candidates.len());
    }
}

#[test]
fn random_scenarios_are_the_number_asked_and_change_no_other_row() {
    let ask = GenOptions {
        stages: 1700,
        seed: 3,
        options: 200,
        scenarios: 91,
        ..GenOptions::default()
    };
    let g = generate(&ask);
    assert_eq!(dump(&g), dump(&generate(&ask)), "same options, same bytes");
    let plain = generate(&GenOptions {
        scenarios: 0,
        ..ask
    });
    // Every table but scenarios is unchanged; scenarios gains exactly 91 rows after the fixed ones.
    for (stem, _) in &plain.tables {
        let (a, b) = (table_rows(&plain, stem), table_rows(&g, stem));
        if stem == "scenarios" {
            assert_eq!(a[..], b[..a.len()], "the fixed scenarios changed");
            assert_eq!(b.len(), a.len() + 91);
        } else {
            assert_eq!(a, b, "{stem} changed");
        }
    }
    let m = build(g);
    let fixed = build(plain).scenarios().len();
    assert_eq!(fixed, 9, "this seed uses all three sea chokepoints");
    let sc = m.scenarios();
    assert_eq!(sc.len(), fixed + 91);
    let random = &sc[fixed..];
    assert_eq!(random[0].name.split('-').next(), Some("r00001"));
    assert!(random.iter().all(|s| s.events.len() == 1));
    let extra: f64 = random.iter().map(|s| s.probability.expect("p")).sum();
    let total: f64 = sc.iter().map(|s| s.probability.expect("p")).sum();
    // Rounded down to 1e-6 each: at most 91e-6 below the mass shared by the random scenarios.
    assert!(extra <= 0.5 + 1e-12 && extra > 0.5 - 91e-6, "{extra}");
    assert!(total <= 1.0, "{total}");
    let full = random.iter().filter(|s| s.name.ends_with("-full")).count();
    assert!((25..=66).contains(&full), "{full} full outages of 91");
    for kind in ["stage", "site", "firm", "item"] {
        assert!(
            random.iter().any(|s| s.name.contains(&format!("-{kind}-"))),
            "no {kind} outage"
        );
    }
}
