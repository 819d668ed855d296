//! Look-through exposure: a hand-computed diamond, and a cross-check against a dense Leontief solve.

// Dense matrix code reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use keel_model::{Model, StageIx, TextModel};
use keel_see::embodied::embodied;
use keel_see::exposure::{
    exposure, exposure_backward, requirement, tier_values, ExposureOptions, PlatformExposure,
    Share, NO_BLOC,
};
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// Forward (cost-push) and backward (requirement) results agree: values to 1e-12 of the platform's total,
/// shares to 1e-12, the same keys in the same order except where two values tie to rounding.
fn assert_agree(f: &PlatformExposure, b: &PlatformExposure) {
    let scale = 1.0f64.max(f.value_added.abs());
    let near = |x: f64, y: f64, s: f64| (x - y).abs() <= 1e-12 * s;
    assert_eq!(f.platform, b.platform);
    assert!(
        near(f.value_added, b.value_added, scale),
        "{}: V {} vs {}",
        f.platform,
        f.value_added,
        b.value_added
    );
    assert_eq!(f.upstream_stages, b.upstream_stages, "{}", f.platform);
    assert!(near(f.home_share, b.home_share, 1.0));
    assert!(near(f.home_controlled_share, b.home_controlled_share, 1.0));
    for (what, x, y) in [
        ("country", &f.by_country, &b.by_country),
        ("bloc", &f.by_bloc, &b.by_bloc),
        ("parent", &f.by_parent, &b.by_parent),
        ("firm", &f.by_firm, &b.by_firm),
    ] {
        let sorted = |r: &[Share]| {
            let mut v: Vec<(String, f64, f64)> = r
                .iter()
                .map(|s| (s.key.clone(), s.value, s.share))
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        let (x, y) = (sorted(x), sorted(y));
        // A value that is 0 on one side may be a 1e-17 residue on the other; compare over the union.
        let get = |v: &[(String, f64, f64)], k: &str| {
            v.iter()
                .find(|r| r.0 == k)
                .map_or((0.0, 0.0), |r| (r.1, r.2))
        };
        for (k, _, _) in x.iter().chain(&y) {
            let (a, b) = (get(&x, k), get(&y, k));
            assert!(
                near(a.0, b.0, scale) && near(a.1, b.1, 1.0),
                "{} {what} {k}: {a:?} vs {b:?}",
                f.platform
            );
        }
    }
}

/// A three-tier diamond with shares and qty > 1:
///
/// ```text
/// P (plat, CAN, va 100) needs 2 a from A;  1 b from B1 (0.25) or B2 (0.75)
/// A (a, CAN firm under US control, va 50) needs 3 b from B1 (0.5) or B2 (0.5)
/// B1 (b, USA, va 20) needs 2 c from C;  B2 (b, DEU, va 30) needs 4 c from C
/// C (c, CHN, va 10)
/// ```
fn diamond() -> Model {
    diamond_with("", "")
}

/// The diamond with extra `stages.csv` and `inputs.csv` rows appended.
fn diamond_with(stages: &str, inputs: &str) -> Model {
    TextModel::new("CAN", &[])
        .table(
            "countries",
            "code,name,blocs\nCAN,Canada,NATO;FVEY\nUSA,United States,NATO;FVEY\nDEU,Germany,NATO;EU\nCHN,China,\n",
        )
        .table(
            "firms",
            "id,name,country,parent_country\nfp,FP,CAN,\nfa,FA,CAN,USA\nfb1,FB1,USA,\nfb2,FB2,DEU,\nfc,FC,CHN,\n",
        )
        .table(
            "sites",
            "id,firm,country\nsp,fp,CAN\nsa,fa,CAN\nsb1,fb1,USA\nsb2,fb2,DEU\nsc,fc,CHN\n",
        )
        .table(
            "items",
            "id,name,kind\nplat,Plat,platform\na,A,subsystem\nb,B,component\nc,C,material\n",
        )
        .table(
            "stages",
            &format!(
                "id,item,site,value_added\nP,plat,sp,100\nA,a,sa,50\nB1,b,sb1,20\nB2,b,sb2,30\nC,c,sc,10\n{stages}"
            ),
        )
        .table(
            "inputs",
            &format!(
                "stage,input_item,qty,supplier,share\n\
             P,a,2,A,1\nP,b,1,B1,0.25\nP,b,1,B2,0.75\n\
             A,b,3,B1,0.5\nA,b,3,B2,0.5\n\
             B1,c,2,C,1\nB2,c,4,C,1\n{inputs}"
            ),
        )
        .table("demand", "stage,demand,loss_per_unit\nP,1,1\n")
        .build()
        .unwrap()
        .model
}

#[test]
fn diamond_by_hand() {
    let m = diamond();
    let p = m.stage_ix("P").unwrap();
    // x_P = 1
    // x_A  = 1 * 2 * 1                      = 2
    // x_B1 = 1 * 1 * 0.25 + 2 * 3 * 0.5     = 3.25
    // x_B2 = 1 * 1 * 0.75 + 2 * 3 * 0.5     = 3.75
    // x_C  = 3.25 * 2 + 3.75 * 4            = 21.5
    let r = requirement(&m, p);
    let x = |id: &str| {
        r.x[r
            .stages
            .iter()
            .position(|&s| s == m.stage_ix(id).unwrap())
            .unwrap()]
    };
    assert_eq!(r.stages.len(), 5);
    for (id, want) in [
        ("P", 1.0),
        ("A", 2.0),
        ("B1", 3.25),
        ("B2", 3.75),
        ("C", 21.5),
    ] {
        assert!(close(x(id), want), "{id}: {} vs {want}", x(id));
    }
    // Value: P 100*1 = 100, A 50*2 = 100, B1 20*3.25 = 65, B2 30*3.75 = 112.5, C 10*21.5 = 215; V = 592.5.
    let e = &exposure(
        &m,
        &[p],
        ExposureOptions {
            tiers: true,
            ..Default::default()
        },
    )[0];
    assert!(close(e.value_added, 592.5));
    let get = |rows: &[keel_see::exposure::Share], k: &str| {
        rows.iter()
            .find(|r| r.key == k)
            .map(|r| r.share)
            .unwrap_or(0.0)
    };
    // Countries: CAN 200, CHN 215, DEU 112.5, USA 65.
    assert_eq!(
        e.by_country
            .iter()
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>(),
        ["CHN", "CAN", "DEU", "USA"]
    );
    assert!(close(get(&e.by_country, "CAN"), 200.0 / 592.5));
    assert!(close(get(&e.by_country, "CHN"), 215.0 / 592.5));
    assert!(close(get(&e.by_country, "DEU"), 112.5 / 592.5));
    assert!(close(get(&e.by_country, "USA"), 65.0 / 592.5));
    assert!(close(e.home_share, 200.0 / 592.5));
    // Ultimate control: A's firm is US-controlled, so CAN 100, USA 100 + 65 = 165.
    assert!(close(get(&e.by_parent, "CAN"), 100.0 / 592.5));
    assert!(close(get(&e.by_parent, "USA"), 165.0 / 592.5));
    assert!(close(e.home_controlled_share, 100.0 / 592.5));
    // Blocs: NATO = 200 + 65 + 112.5 = 377.5, FVEY = 265, EU = 112.5, no bloc (CHN) = 215; sums to > 1.
    assert!(close(get(&e.by_bloc, "NATO"), 377.5 / 592.5));
    assert!(close(get(&e.by_bloc, "FVEY"), 265.0 / 592.5));
    assert!(close(get(&e.by_bloc, "EU"), 112.5 / 592.5));
    assert!(close(get(&e.by_bloc, NO_BLOC), 215.0 / 592.5));
    assert_eq!(e.by_bloc.last().unwrap().key, NO_BLOC);
    // Firms: fc 215, fb2 112.5, fa 100, fp 100, fb1 65 (ties by id).
    assert_eq!(
        e.by_firm.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["fc", "fb2", "fa", "fp", "fb1"]
    );
    // Tiers: 0: P 100.
    // 1: A 2*50 = 100, B1 0.25*20 = 5, B2 0.75*30 = 22.5                  -> 127.5
    // 2: via A: B1 3*20 = 60, B2 3*30 = 90; via B1: C 0.5*10 = 5; via B2: C 3*10 = 30 -> 185
    // 3: via A-B1: C 6*10 = 60; via A-B2: C 12*10 = 120                    -> 180
    let t = e.by_tier.as_ref().unwrap();
    let tv: Vec<f64> = t.iter().map(|r| r.value).collect();
    assert_eq!(tv.len(), 4);
    for (a, b) in tv.iter().zip([100.0, 127.5, 185.0, 180.0]) {
        assert!(close(*a, b), "{tv:?}");
    }
    assert!(close(t[3].share, 180.0 / 592.5));

    // Only the two largest firms when asked.
    let top = &exposure(
        &m,
        &[p],
        ExposureOptions {
            top_firms: Some(2),
            ..Default::default()
        },
    )[0];
    assert_eq!(
        top.by_firm
            .iter()
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>(),
        ["fc", "fb2"]
    );
    assert!(close(top.by_firm[1].share, 112.5 / 592.5));

    // Forward (cost-push), value embodied per unit of each stage, suppliers first:
    // E_C  = CHN 10
    // E_B1 = USA 20 + 2 E_C = USA 20, CHN 20;   E_B2 = DEU 30 + 4 E_C = DEU 30, CHN 40
    // E_A  = CAN 50 + 3 (0.5 E_B1 + 0.5 E_B2) = CAN 50, USA 30, DEU 45, CHN 90             (total 215)
    // E_P  = CAN 100 + 2 E_A + 0.25 E_B1 + 0.75 E_B2 = CAN 200, USA 65, DEU 112.5, CHN 215 (total 592.5)
    // Ultimate control: A's firm is US-controlled, so U_A = USA 50 + ..., U_P = CAN 100, USA 165, DEU 112.5,
    // CHN 215 -- the same as the backward sums above.
    let a = m.stage_ix("A").unwrap();
    let em = embodied(&m, &[p, a]);
    let code = |c: &str| m.country_ix(c).unwrap().index();
    for (c, want) in [
        ("CAN", 200.0),
        ("USA", 65.0),
        ("DEU", 112.5),
        ("CHN", 215.0),
    ] {
        assert_eq!(em[0].by_country[code(c)], want, "{c}");
    }
    for (c, want) in [
        ("CAN", 100.0),
        ("USA", 165.0),
        ("DEU", 112.5),
        ("CHN", 215.0),
    ] {
        assert_eq!(em[0].by_parent[code(c)], want, "{c}");
    }
    assert_eq!(em[0].total, 592.5);
    assert_eq!(em[0].upstream_stages, 5);
    for (c, want) in [("CAN", 50.0), ("USA", 30.0), ("DEU", 45.0), ("CHN", 90.0)] {
        assert_eq!(em[1].by_country[code(c)], want, "{c}");
    }
    assert_eq!((em[1].total, em[1].upstream_stages), (215.0, 4));
    for opts in [
        ExposureOptions::default(),
        ExposureOptions {
            tiers: true,
            top_firms: Some(2),
        },
    ] {
        let f = exposure(&m, &[p, a], opts);
        let b = exposure_backward(&m, &[p, a], opts);
        for (f, b) in f.iter().zip(&b) {
            assert_agree(f, b);
            assert_eq!(f.by_tier, b.by_tier);
        }
    }
    // Without firms the per-platform sweep is skipped and the rest is unchanged.
    let nf = &exposure(
        &m,
        &[p],
        ExposureOptions {
            top_firms: Some(0),
            ..Default::default()
        },
    )[0];
    assert!(nf.by_firm.is_empty());
    assert_eq!(nf.by_country, e.by_country);
}

#[test]
fn zero_share_rows_carry_nothing_and_upstream_of_a_mid_stage_works() {
    let m = diamond();
    // From A alone: x_A = 1, x_B1 = x_B2 = 1.5, x_C = 1.5*2 + 1.5*4 = 9; V = 50 + 30 + 45 + 90 = 215.
    let a = m.stage_ix("A").unwrap();
    let e = &exposure(&m, &[a], ExposureOptions::default())[0];
    assert!(close(e.value_added, 215.0));
    assert_eq!(e.upstream_stages, 4);
    assert!(e.by_tier.is_none());
}

/// The diamond plus a second producer of `c`, C2, that B1 lists with share 0: the row carries nothing and C2 is
/// upstream of nothing, so every result equals the plain diamond's, bit for bit (the same sums in the same
/// order), and the backward pass agrees.
#[test]
fn zero_share_supplier_changes_nothing() {
    let base = diamond();
    let m = diamond_with("C2,c,sc,7\n", "B1,c,2,C2,0\n");
    let opts = ExposureOptions::default();
    let names = ["P", "A", "B1"];
    let ps: Vec<StageIx> = names.iter().map(|s| m.stage_ix(s).unwrap()).collect();
    let base_ps: Vec<StageIx> = names.iter().map(|s| base.stage_ix(s).unwrap()).collect();
    let got = exposure(&m, &ps, opts);
    let want = exposure(&base, &base_ps, opts);
    let back = exposure_backward(&m, &ps, opts);
    for ((g, w), b) in got.iter().zip(&want).zip(&back) {
        assert_eq!(g.value_added, w.value_added);
        assert_eq!(g.upstream_stages, w.upstream_stages);
        assert_eq!(g.by_country, w.by_country);
        assert_eq!(g.by_parent, w.by_parent);
        assert_eq!(g.by_firm, w.by_firm);
        assert_agree(g, b);
    }
    // From P, with x from `diamond_by_hand`: V = 100 + 50*2 + 20*3.25 + 30*3.75 + 10*21.5 = 592.5, over 5
    // upstream stages (P, A, B1, B2, C; not C2).
    assert!(close(got[0].value_added, 592.5));
    assert_eq!(got[0].upstream_stages, 5);
}

#[test]
fn example_shares_add_up() {
    let m = keel_io::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/canada-dib"
    )))
    .unwrap()
    .model;
    let ps: Vec<StageIx> = m.demand_stages().collect();
    let es = exposure(
        &m,
        &ps,
        ExposureOptions {
            tiers: true,
            ..Default::default()
        },
    );
    assert_eq!(es.len(), 11);
    for e in &es {
        assert!(e.value_added > 0.0);
        let sum = |rows: &[keel_see::exposure::Share]| rows.iter().map(|r| r.share).sum::<f64>();
        assert!(close(sum(&e.by_country), 1.0), "{}", e.platform);
        assert!(close(sum(&e.by_parent), 1.0));
        assert!(close(sum(&e.by_firm), 1.0));
        let tiers: f64 = e.by_tier.as_ref().unwrap().iter().map(|t| t.value).sum();
        assert!(close(tiers, e.value_added));
        assert!(e.home_share > 0.0 && e.home_share < 1.0);
        assert!(e.home_controlled_share <= e.home_share + 1e-12);
    }
    // Forward and backward formulations agree on every platform, every breakdown.
    let opts = ExposureOptions {
        tiers: false,
        top_firms: None,
    };
    let back = exposure_backward(&m, &ps, opts);
    for (f, b) in es.iter().zip(&back) {
        assert_agree(f, b);
    }
}

/// Random DAG as a Keel model: stage `s` makes item `t = s / 2` (so every item has two producers) and may need
/// any item both of whose producers come before it.
fn random_model(seed: u64) -> (Model, Vec<Vec<f64>>) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(3..14usize);
    let mut stages = String::from("id,item,site,value_added\n");
    let mut sites = String::from("id,firm,country\n");
    let mut firms = String::from("id,name,country\n");
    let mut items = String::from("id,name,kind\n");
    let mut inputs = String::from("stage,input_item,qty,supplier,share\n");
    let countries = ["CAN", "USA", "DEU"];
    let mut a = vec![vec![0.0f64; n]; n]; // a[buyer][supplier] = qty * share
    for t in 0..n.div_ceil(2) {
        items.push_str(&format!("it{t},I{t},component\n"));
    }
    for s in 0..n {
        let c = countries[rng.random_range(0..3)];
        let va: f64 = rng.random_range(0.0..100.0);
        firms.push_str(&format!("f{s},F{s},{c}\n"));
        sites.push_str(&format!("x{s},f{s},{c}\n"));
        stages.push_str(&format!("s{s},it{},x{s},{va:.6}\n", s / 2));
        for t in 0..s / 2 {
            if 2 * t + 1 >= s || !rng.random_bool(0.6) {
                continue;
            }
            let qty = rng.random_range(1..5) as f64 * 0.5;
            // One or two suppliers; shares on a 1/8 grid so they sum to exactly 1.
            let both = rng.random_bool(0.5);
            let k = rng.random_range(1..8) as f64 / 8.0;
            let opts: Vec<(usize, f64)> = if both {
                vec![(2 * t, k), (2 * t + 1, 1.0 - k)]
            } else {
                vec![(2 * t + rng.random_range(0..2), 1.0)]
            };
            for (sup, sh) in opts {
                inputs.push_str(&format!("s{s},it{t},{qty},s{sup},{sh}\n"));
                a[s][sup] += qty * sh;
            }
        }
    }
    let m = TextModel::new("CAN", &[])
        .table(
            "countries",
            "code,name,blocs\nCAN,C,NATO\nUSA,U,NATO\nDEU,D,EU\n",
        )
        .table("firms", &firms)
        .table("sites", &sites)
        .table("items", &items)
        .table("stages", &stages)
        .table("inputs", &inputs)
        .table(
            "demand",
            &format!("stage,demand,loss_per_unit\ns{},1,1\n", n - 1),
        )
        .build()
        .unwrap()
        .model;
    (m, a)
}

/// Solves (I - A^T) x = e_p by Gaussian elimination with partial pivoting.
fn dense_leontief(a: &[Vec<f64>], p: usize) -> Vec<f64> {
    let n = a.len();
    let mut mat: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut row: Vec<f64> = (0..n)
                .map(|j| if i == j { 1.0 } else { 0.0 } - a[j][i])
                .collect();
            row.push(if i == p { 1.0 } else { 0.0 });
            row
        })
        .collect();
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&x, &y| mat[x][col].abs().total_cmp(&mat[y][col].abs()))
            .unwrap();
        mat.swap(col, piv);
        for r in 0..n {
            if r != col {
                let f = mat[r][col] / mat[col][col];
                if f != 0.0 {
                    for c in col..=n {
                        mat[r][c] -= f * mat[col][c];
                    }
                }
            }
        }
    }
    (0..n).map(|i| mat[i][n] / mat[i][i]).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn matches_dense_leontief(seed in any::<u64>()) {
        let (m, a) = random_model(seed);
        let n = m.stages().len();
        // Every stage as a platform at once: more than one block of eight, in one call.
        let all: Vec<StageIx> = (0..n).map(StageIx::new).collect();
        let es = exposure(&m, &all, ExposureOptions { tiers: true, ..Default::default() });
        let all_tiers = keel_see::tiers::Tiers::new(&m);
        let back = exposure_backward(&m, &all, ExposureOptions { tiers: true, ..Default::default() });
        // Platforms in reverse and repeated: the forward pass returns them in the order asked.
        let mut rev = all.clone();
        rev.reverse();
        rev.push(StageIx::new(0));
        let em = embodied(&m, &rev);
        prop_assert_eq!(em.len(), n + 1);
        prop_assert_eq!(&em[n], &em[n - 1]);
        for (f, b) in es.iter().zip(&back) {
            assert_agree(f, b);
            // Same tier values; the shares divide by each side's total, equal to rounding.
            for (x, y) in f.by_tier.as_ref().unwrap().iter().zip(b.by_tier.as_ref().unwrap()) {
                prop_assert_eq!((x.tier, x.value), (y.tier, y.value));
                prop_assert!((x.share - y.share).abs() <= 1e-12);
            }
        }
        for p in 0..n {
            let want = dense_leontief(&a, p);
            let r = requirement(&m, StageIx::new(p));
            let mut got = vec![0.0; n];
            for (s, x) in r.stages.iter().zip(&r.x) {
                got[s.index()] = *x;
            }
            for i in 0..n {
                prop_assert!(close(got[i], want[i]), "seed {seed} p {p} i {i}: {} vs {}", got[i], want[i]);
            }
            let v: f64 = (0..n).map(|i| m.stages()[i].value_added * want[i]).sum();
            let e = &es[p];
            prop_assert_eq!(e.stage, StageIx::new(p));
            prop_assert!(close(e.value_added, v));
            let layered = tier_values(&m, StageIx::new(p));
            let tiers: f64 = layered.iter().sum();
            prop_assert!(close(tiers, v));
            // The all-platform forward pass gives the same split, tier by tier.
            let fwd = all_tiers.of(StageIx::new(p));
            prop_assert_eq!(fwd.len(), layered.len());
            for (a, b) in fwd.iter().zip(&layered) {
                prop_assert!(close(*a, *b), "seed {seed} p {p}: tier {a} vs {b}");
            }
            let can: f64 = (0..n)
                .filter(|&i| m.countries()[m.stage_country(StageIx::new(i)).index()].code == "CAN")
                .map(|i| m.stages()[i].value_added * want[i])
                .sum();
            let want_home = if v == 0.0 { 0.0 } else { can / v };
            prop_assert!(close(e.home_share, want_home));
            let f = &em[n - 1 - p];
            prop_assert_eq!(f.platform, StageIx::new(p));
            prop_assert!(close(f.total, v));
            let can_ix = m.country_ix("CAN").unwrap().index();
            prop_assert!(close(f.by_country[can_ix], can));
        }
    }
}
