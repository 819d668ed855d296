//! Single points of failure on small hand-computed models.

use keel_model::{ElementKind, Model, Target, TextModel};
use keel_see::criticality::{single_points_of_failure, spof_pairs, DEFAULT_PAIR_WORK, KINDS};

/// A model where every site is run by its own firm `f-<site>`.
///
/// `sites`: `(site, country)`; `stages`: `(stage, item, site)` (items are created as components);
/// `inputs`: `(stage, item, supplier, share, lane)`; `lanes`: `(id, from, to, chokepoints)`.
fn model(
    countries: &[(&str, &str)],
    sites: &[(&str, &str)],
    stages: &[(&str, &str, &str)],
    inputs: &[(&str, &str, &str, &str, &str)],
    lanes: &[(&str, &str, &str, &str)],
    demand: &[&str],
) -> Model {
    let mut c = String::from("code,name,blocs\n");
    for (code, blocs) in countries {
        c += &format!("{code},{code},{blocs}\n");
    }
    let mut f = String::from("id,name,country\n");
    let mut s = String::from("id,firm,country\n");
    for (site, country) in sites {
        f += &format!("f-{site},F {site},{country}\n");
        s += &format!("{site},f-{site},{country}\n");
    }
    let mut items: Vec<&str> = stages.iter().map(|x| x.1).collect();
    items.sort_unstable();
    items.dedup();
    let mut it = String::from("id,name,kind\n");
    for i in items {
        it += &format!("{i},{i},component\n");
    }
    let mut st = String::from("id,item,site,value_added\n");
    for (id, item, site) in stages {
        st += &format!("{id},{item},{site},1\n");
    }
    let mut inp = String::from("stage,input_item,qty,supplier,share,lane\n");
    for (stage, item, sup, share, lane) in inputs {
        inp += &format!("{stage},{item},1,{sup},{share},{lane}\n");
    }
    let mut ln = String::from("id,from_site,to_site,mode,transit_time,chokepoints\n");
    for (id, from, to, cps) in lanes {
        ln += &format!("{id},{from},{to},road,1,{cps}\n");
    }
    let mut d = String::from("stage,demand,loss_per_unit\n");
    for p in demand {
        d += &format!("{p},1,1\n");
    }
    TextModel::new("CAN", &[])
        .table("countries", &c)
        .table("firms", &f)
        .table("sites", &s)
        .table("items", &it)
        .table("stages", &st)
        .table("inputs", &inp)
        .table("lanes", &ln)
        .table("demand", &d)
        .build()
        .unwrap_or_else(|e| panic!("{e:?}"))
        .model
}

/// The SPOFs of platform number `p`, as `kind id` strings.
fn names(m: &Model, kinds: &[ElementKind], p: usize) -> Vec<String> {
    let r = single_points_of_failure(m, kinds);
    assert!(r[p].buildable);
    r[p].spofs
        .iter()
        .map(|t| keel_present::target_name(m, *t))
        .collect()
}

fn pair_names(m: &Model, kind: ElementKind, p: usize) -> Vec<String> {
    let r = spof_pairs(m, kind, DEFAULT_PAIR_WORK).unwrap();
    r[p].pairs
        .iter()
        .map(|(a, b)| {
            format!(
                "{} + {}",
                keel_present::target_name(m, *a),
                keel_present::target_name(m, *b)
            )
        })
        .collect()
}

/// P needs X from A (USA) or B (DEU); A and B both need Y from C (CAN).
///
/// crit(C) = {C, sC, f-sC, CAN, NATO, FVEY}
/// crit(A) = {A, sA, f-sA, USA, NATO, FVEY} ∪ crit(C);  crit(B) = {B, sB, f-sB, DEU, NATO, EU} ∪ crit(C)
/// crit(X at P) = crit(A) ∩ crit(B) = crit(C) ∪ {NATO}
/// crit(P) = {P, sP, f-sP, CAN, NATO, FVEY} ∪ crit(C)  (NATO and FVEY already come from CAN)
fn diamond() -> Model {
    model(
        &[
            ("CAN", "NATO;FVEY"),
            ("USA", "NATO;FVEY"),
            ("DEU", "NATO;EU"),
        ],
        &[("sP", "CAN"), ("sA", "USA"), ("sB", "DEU"), ("sC", "CAN")],
        &[
            ("P", "x-p", "sP"),
            ("A", "x", "sA"),
            ("B", "x", "sB"),
            ("C", "y", "sC"),
        ],
        &[
            ("P", "x", "A", "", ""),
            ("P", "x", "B", "", ""),
            ("A", "y", "C", "", ""),
            ("B", "y", "C", "", ""),
        ],
        &[],
        &["P"],
    )
}

#[test]
fn diamond_with_or() {
    let m = diamond();
    assert_eq!(names(&m, &[ElementKind::Stage], 0), ["stage P", "stage C"]);
    assert_eq!(names(&m, &[ElementKind::Site], 0), ["site sP", "site sC"]);
    assert_eq!(
        names(&m, &[ElementKind::Country, ElementKind::Bloc], 0),
        ["country CAN", "bloc NATO", "bloc FVEY"]
    );
    // Neither USA nor DEU alone; together they take out both routes to X.
    assert_eq!(
        pair_names(&m, ElementKind::Country, 0),
        ["country USA + country DEU"]
    );
    assert_eq!(
        pair_names(&m, ElementKind::Firm, 0),
        ["firm f-sA + firm f-sB"]
    );
    // C's stage is already a SPOF, so no stage pair may contain it; {A, B} is the only minimal pair.
    assert_eq!(pair_names(&m, ElementKind::Stage, 0), ["stage A + stage B"]);
}

/// P needs X from A and Y from B; A needs Z from C. No alternatives: every stage is a SPOF, and so is every
/// country on the chain (CAN: P and C, USA: A, GBR: B); no pair is minimal.
#[test]
fn and_chain() {
    let m = model(
        &[("CAN", ""), ("USA", ""), ("GBR", "")],
        &[("sP", "CAN"), ("sA", "USA"), ("sB", "GBR"), ("sC", "CAN")],
        &[
            ("P", "p", "sP"),
            ("A", "x", "sA"),
            ("B", "y", "sB"),
            ("C", "z", "sC"),
        ],
        &[
            ("P", "x", "A", "", ""),
            ("P", "y", "B", "", ""),
            ("A", "z", "C", "", ""),
        ],
        &[],
        &["P"],
    );
    assert_eq!(
        names(&m, &[ElementKind::Stage], 0),
        ["stage P", "stage A", "stage B", "stage C"]
    );
    assert_eq!(
        names(&m, &[ElementKind::Country], 0),
        ["country CAN", "country USA", "country GBR"]
    );
    assert!(pair_names(&m, ElementKind::Country, 0).is_empty());
    assert!(pair_names(&m, ElementKind::Stage, 0).is_empty());
}

/// P needs X from A over L1 (Bridge) or from B over L2 (Bridge; Port), and Y from C over L3 (Port).
///
/// crit(X) = {L1, Bridge, A...} ∩ {L2, Bridge, Port, B...} = {Bridge}; crit(Y) = {C..., L3, Port}.
/// Lanes: only L3; chokepoints: Bridge (both routes for X) and Port (the only route for Y).
/// Lane pairs: {L1, L2}; chokepoint pairs: none (both are single points).
#[test]
fn lanes_and_chokepoints() {
    let m = model(
        &[("CAN", "")],
        &[("sP", "CAN"), ("sA", "CAN"), ("sB", "CAN"), ("sC", "CAN")],
        &[
            ("P", "p", "sP"),
            ("A", "x", "sA"),
            ("B", "x", "sB"),
            ("C", "y", "sC"),
        ],
        &[
            ("P", "x", "A", "", "L1"),
            ("P", "x", "B", "", "L2"),
            ("P", "y", "C", "", "L3"),
        ],
        &[
            ("L1", "sA", "sP", "Bridge"),
            ("L2", "sB", "sP", "Bridge;Port"),
            ("L3", "sC", "sP", "Port"),
        ],
        &["P"],
    );
    assert_eq!(
        names(&m, &[ElementKind::Lane, ElementKind::Chokepoint], 0),
        ["lane L3", "chokepoint Bridge", "chokepoint Port"]
    );
    assert_eq!(names(&m, &[ElementKind::Stage], 0), ["stage P", "stage C"]);
    assert_eq!(pair_names(&m, ElementKind::Lane, 0), ["lane L1 + lane L2"]);
    assert!(pair_names(&m, ElementKind::Chokepoint, 0).is_empty());
}

/// P (CAN) needs X from A or B, two firms both in USA. USA is a SPOF though no single firm is.
#[test]
fn one_country_owns_both_alternatives() {
    let m = model(
        &[("CAN", ""), ("USA", "")],
        &[("sP", "CAN"), ("sA", "USA"), ("sB", "USA")],
        &[("P", "p", "sP"), ("A", "x", "sA"), ("B", "x", "sB")],
        &[("P", "x", "A", "0.9", ""), ("P", "x", "B", "0.1", "")],
        &[],
        &["P"],
    );
    assert_eq!(
        names(&m, &[ElementKind::Country], 0),
        ["country CAN", "country USA"]
    );
    assert_eq!(names(&m, &[ElementKind::Firm], 0), ["firm f-sP"]);
    assert_eq!(
        pair_names(&m, ElementKind::Firm, 0),
        ["firm f-sA + firm f-sB"]
    );
    assert!(pair_names(&m, ElementKind::Country, 0).is_empty());
}

/// P (CAN: FVEY) needs X from A (GBR: NATO, FVEY) or B (FRA: NATO, EU).
/// Blocs: FVEY (CAN is in it, so P itself goes) and NATO (both suppliers); EU is not (GBR is outside it).
/// Country pair: {GBR, FRA}.
#[test]
fn bloc() {
    let m = model(
        &[("CAN", "FVEY"), ("GBR", "NATO;FVEY"), ("FRA", "NATO;EU")],
        &[("sP", "CAN"), ("sA", "GBR"), ("sB", "FRA")],
        &[("P", "p", "sP"), ("A", "x", "sA"), ("B", "x", "sB")],
        &[("P", "x", "A", "", ""), ("P", "x", "B", "", "")],
        &[],
        &["P"],
    );
    // Bloc ids follow first appearance in countries.csv: FVEY, NATO, EU.
    assert_eq!(
        names(&m, &[ElementKind::Bloc], 0),
        ["bloc FVEY", "bloc NATO"]
    );
    assert_eq!(
        pair_names(&m, ElementKind::Country, 0),
        ["country GBR + country FRA"]
    );
}

/// A source with planned share 0 still counts as an alternative: B (share 0) covers for A.
#[test]
fn zero_share_source_is_an_alternative() {
    let m = model(
        &[("CAN", "")],
        &[("sP", "CAN"), ("sA", "CAN"), ("sB", "CAN")],
        &[("P", "p", "sP"), ("A", "x", "sA"), ("B", "x", "sB")],
        &[("P", "x", "A", "1", ""), ("P", "x", "B", "0", "")],
        &[],
        &["P"],
    );
    assert_eq!(names(&m, &[ElementKind::Stage], 0), ["stage P"]);
}

/// Two platforms sharing a supplier get their own answers; every kind at once, in kind order.
#[test]
fn two_platforms_all_kinds() {
    let m = model(
        &[("CAN", "NATO"), ("USA", "NATO")],
        &[("s1", "CAN"), ("s2", "CAN"), ("sA", "USA"), ("sB", "CAN")],
        &[
            ("P1", "p1", "s1"),
            ("P2", "p2", "s2"),
            ("A", "x", "sA"),
            ("B", "x", "sB"),
        ],
        &[
            ("P1", "x", "A", "", "LA1"),
            ("P2", "x", "A", "", "LA2"),
            ("P2", "x", "B", "", ""),
        ],
        &[
            ("LA1", "sA", "s1", "Ambassador Bridge"),
            ("LA2", "sA", "s2", "Ambassador Bridge"),
        ],
        &["P1", "P2"],
    );
    let all = KINDS;
    assert_eq!(
        names(&m, &all, 0),
        [
            "stage P1",
            "stage A",
            "site s1",
            "site sA",
            "firm f-s1",
            "firm f-sA",
            "country CAN",
            "country USA",
            "bloc NATO",
            "lane LA1",
            "chokepoint Ambassador Bridge"
        ]
    );
    // P2 can fall back on B (in CAN, road, no lane): only its own elements remain.
    assert_eq!(
        names(&m, &all, 1),
        [
            "stage P2",
            "site s2",
            "firm f-s2",
            "country CAN",
            "bloc NATO"
        ]
    );
    let r = single_points_of_failure(&m, &[ElementKind::Stage]);
    assert_eq!(r[1].spofs, vec![Target::Stage(m.stage_ix("P2").unwrap())]);
}

#[test]
fn pair_search_cap() {
    let m = diamond();
    let err = spof_pairs(&m, ElementKind::Firm, 1).unwrap_err();
    assert!(
        err.to_string().contains("exceeds the limit of 1 steps"),
        "{err}"
    );
}
