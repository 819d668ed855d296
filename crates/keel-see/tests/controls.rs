//! Export-control see-through: a hand-built case and the ITAR expectations of the bundled example.

use keel_model::{Model, StageIx, TextModel};
use keel_see::controls::{controls, controls_of, regime_free, ControlOptions, FrontierGroup};

/// ```text
/// P1 needs b from B1 (share 1) or B2 (share 0: an alternative on paper)
/// P2 needs b from B1 only, and d from D1
/// P3 needs d from D1
/// P4 (its own item is ITAR) needs d from D1
/// B1 needs c (ITAR) from C1;  B2 needs d from D1
/// ```
fn fixture() -> Model {
    TextModel::new("CAN", &[("ITAR", "USA"), ("EAR", "USA")])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\nUSA,US,NATO\n")
        .table("firms", "id,name,country\nf1,F1,CAN\nf2,F2,USA\n")
        .table("sites", "id,firm,country\nx1,f1,CAN\nx2,f2,USA\n")
        .table(
            "items",
            "id,name,kind,export_control\np1,P1,platform,\np2,P2,platform,\np3,P3,platform,\n\
             p4,P4,platform,ITAR:IV\nb,B,subsystem,\nc,C,component,ITAR:XI\nd,D,component,\n",
        )
        .table(
            "stages",
            "id,item,site,value_added\nP1,p1,x1,1\nP2,p2,x1,1\nP3,p3,x1,1\nP4,p4,x1,1\n\
             B1,b,x1,1\nB2,b,x1,1\nC1,c,x2,1\nD1,d,x1,1\n",
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share\nP1,b,1,B1,1\nP1,b,1,B2,0\nP2,b,1,B1,1\nP2,d,1,D1,1\n\
             P3,d,1,D1,1\nP4,d,1,D1,1\nB1,c,1,C1,1\nB2,d,1,D1,1\n",
        )
        .table(
            "demand",
            "stage,demand,loss_per_unit\nP1,1,1\nP2,1,1\nP3,1,1\nP4,1,1\n",
        )
        .build()
        .unwrap()
        .model
}

#[test]
fn hand_built_case() {
    let m = fixture();
    let itar = m.regime_ix("ITAR").unwrap();
    let ps: Vec<StageIx> = m.demand_stages().collect();
    let r = controls(&m, &ps, &[itar], ControlOptions::default());
    let by = |id: &str| r.iter().find(|c| c.platform == id).unwrap();

    // P1: planned through B1, which needs ITAR item c; the unused B2 route is ITAR-free.
    let p1 = by("P1");
    assert!(p1.controlled && !p1.item_controlled && p1.regime_free_possible);
    assert_eq!(p1.via.len(), 1);
    assert_eq!(p1.via[0].item, "c");
    assert_eq!(p1.via[0].category.as_deref(), Some("XI"));
    assert_eq!(p1.via[0].path, ["P1", "B1", "C1"]);
    assert!(p1.blocked_inputs.is_empty() && p1.frontier.is_empty());

    // P2: b only from B1, which cannot avoid c.
    let p2 = by("P2");
    assert!(p2.controlled && !p2.regime_free_possible);
    assert_eq!(p2.blocked_inputs, ["b"]);
    assert_eq!(
        p2.frontier,
        [FrontierGroup {
            stage: "B1".into(),
            item: "c".into()
        }]
    );

    let p3 = by("P3");
    assert!(!p3.controlled && p3.regime_free_possible && p3.via.is_empty());

    // P4 carries ITAR itself: controlled with a one-stage path, never buildable free of it.
    let p4 = by("P4");
    assert!(p4.controlled && p4.item_controlled && !p4.regime_free_possible);
    assert_eq!(p4.via[0].path, ["P4"]);
    assert!(p4.blocked_inputs.is_empty() && p4.frontier.is_empty());

    let free = regime_free(&m, itar);
    let f = |id: &str| free[m.stage_ix(id).unwrap().index()];
    assert!(f("B2") && f("D1") && !f("B1") && !f("C1"));

    // EAR marks nothing here.
    let ear = controls_of(&m, Some("P1"), Some("EAR"), ControlOptions::default()).unwrap();
    assert_eq!(ear.len(), 1);
    assert!(!ear[0].controlled && ear[0].regime_free_possible);
    assert!(controls_of(&m, None, Some("NOPE"), ControlOptions::default()).is_err());
    assert!(controls_of(&m, Some("nope"), None, ControlOptions::default()).is_err());
}

fn example() -> Model {
    keel_io::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/canada-dib"
    )))
    .unwrap()
    .model
}

#[test]
fn canada_itar_expectations() {
    let m = example();
    let r = controls_of(&m, None, Some("ITAR"), ControlOptions::default()).unwrap();
    assert_eq!(r.len(), 11);
    let hit = m.see_through(m.regime_ix("ITAR").unwrap());
    for c in &r {
        // The path-based "controlled" agrees with the model's own see-through closure.
        assert_eq!(c.controlled, hit[c.stage.index()], "{}", c.platform);
        assert_eq!(c.controlled, !c.via.is_empty());
        let plain = c.item.as_str();
        let controlled = !matches!(plain, "plt-saa-556" | "plt-sonar");
        assert_eq!(c.controlled, controlled, "{plain} controlled");
        let possible = matches!(
            plain,
            "plt-155mm-he" | "plt-lav" | "plt-radio" | "plt-eoir" | "plt-saa-556" | "plt-sonar"
        );
        assert_eq!(c.regime_free_possible, possible, "{plain} regime-free");
        assert_eq!(possible, c.frontier.is_empty(), "{plain} frontier");
        assert_eq!(
            possible,
            c.blocked_inputs.is_empty(),
            "{plain} blocked inputs"
        );
        for v in &c.via {
            assert_eq!(v.path[0], c.platform);
            // Each path step is a real planned input row.
            for w in v.path.windows(2) {
                let (b, s) = (m.stage_ix(&w[0]).unwrap(), m.stage_ix(&w[1]).unwrap());
                assert!(m.groups_of(b).any(|g| m
                    .sources_of(g)
                    .any(|k| m.sources()[k.index()].supplier == s
                        && m.sources()[k.index()].share > 0.0)));
            }
        }
    }
    // Per the example's README: the UAS cannot avoid the ITAR M-code GNSS module, the 155 mm shell's ITAR
    // content is the US fuze's safe-and-arm part.
    let by = |it: &str| r.iter().find(|c| c.item == it).unwrap();
    assert!(by("plt-uas")
        .frontier
        .iter()
        .any(|f| f.item == "cmp-mcode-gnss"));
    assert!(by("plt-mpa")
        .frontier
        .iter()
        .any(|f| f.item == "cmp-acoustic-proc"));
    assert!(by("plt-satgs")
        .frontier
        .iter()
        .any(|f| f.item == "cmp-pt-modem-core"));
    assert!(by("plt-155mm-he")
        .via
        .iter()
        .any(|v| v.item == "prt-fuze-sa-us"));
    let ffh: Vec<&str> = by("plt-ffh")
        .frontier
        .iter()
        .map(|f| f.item.as_str())
        .collect();
    for it in ["sub-ffh-radar", "sub-ffh-vls"] {
        assert!(ffh.contains(&it), "{ffh:?}");
    }
}

/// The frontier of one platform by the direct walk of the module doc: down from the platform through blocked
/// groups, stopping at groups whose item carries the regime.
fn walk_frontier(
    m: &Model,
    p: StageIx,
    r: keel_model::RegimeIx,
    free: &[bool],
) -> Vec<FrontierGroup> {
    let carries = |it: keel_model::ItemIx| {
        m.items()[it.index()]
            .control
            .as_ref()
            .is_some_and(|c| c.regime == r)
    };
    if free[p.index()] || carries(m.stages()[p.index()].item) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::from([p]);
    let mut stack = vec![p];
    while let Some(s) = stack.pop() {
        for g in m.groups_of(s) {
            if m.sources_of(g)
                .any(|k| free[m.sources()[k.index()].supplier.index()])
            {
                continue;
            }
            let it = m.groups()[g.index()].item;
            if carries(it) {
                out.push(FrontierGroup {
                    stage: m.stages()[s.index()].id.clone(),
                    item: m.items()[it.index()].id.clone(),
                });
            } else {
                for k in m.sources_of(g) {
                    let sup = m.sources()[k.index()].supplier;
                    if seen.insert(sup) {
                        stack.push(sup);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// On a generated model of about 20,000 input rows: the count of controlled items (one reachability pass over
/// all platforms) equals the number of items the full path search finds; the frontier (one walk for all
/// platforms) equals a direct walk per platform; and a top-N search (which stops early) lists exactly the
/// first N of the full lists, with the same paths, flags and counts.
#[test]
fn top_n_is_the_prefix_of_the_full_search() {
    let m = keel_io::generate::generate(&keel_io::generate::GenOptions {
        input_rows: Some(20_000),
        seed: 3,
        ..Default::default()
    })
    .build()
    .unwrap()
    .model;
    let ps: Vec<StageIx> = m.demand_stages().collect();
    let rs: Vec<_> = (0..m.regimes().len())
        .map(keel_model::RegimeIx::new)
        .collect();
    let full = controls(&m, &ps, &rs, ControlOptions::default());
    assert_eq!(full.len(), ps.len() * rs.len());
    let free: Vec<Vec<bool>> = rs.iter().map(|&r| regime_free(&m, r)).collect();
    let mut frontiers = 0;
    for (i, f) in full.iter().enumerate() {
        let ri = i % rs.len();
        assert_eq!(f.stage, ps[i / rs.len()]);
        assert_eq!(f.controlled_items, f.via.len(), "{}", f.platform);
        let walked = walk_frontier(&m, f.stage, rs[ri], &free[ri]);
        assert_eq!(f.frontier, walked, "{}", f.platform);
        assert_eq!(f.frontier_groups, walked.len());
        frontiers += walked.len();
    }
    assert!(frontiers > 0, "the model should have frontier groups");
    let mut some_cut = false;
    for top in [1, 3] {
        let cut = controls(&m, &ps, &rs, ControlOptions { top: Some(top) });
        for (f, c) in full.iter().zip(&cut) {
            assert_eq!(c.controlled_items, f.controlled_items);
            assert_eq!(c.frontier_groups, f.frontier_groups);
            assert_eq!(c.via[..], f.via[..f.via.len().min(top)], "{}", f.platform);
            assert_eq!(
                c.frontier[..],
                f.frontier[..f.frontier.len().min(top)],
                "{}",
                f.platform
            );
            assert_eq!(
                (c.controlled, c.regime_free_possible, &c.blocked_inputs),
                (f.controlled, f.regime_free_possible, &f.blocked_inputs)
            );
            some_cut |= f.via.len() > top;
        }
    }
    assert!(
        some_cut,
        "the model should have platforms with several controlled items"
    );
}
