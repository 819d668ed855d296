//! Concentration: hand-computed HHIs, bands and flags.

use keel_model::{Model, TextModel};
use keel_see::concentration::{concentration, Band, BANDS};

/// ```text
/// P needs b from B1 (firm f1, CAN, 0.5, lane L1: X;Y), B2 (f2, CAN, 0.2, L2: Y), B3 (f3, USA, 0.3, L3: Y;Z)
/// P needs c from C1 (f4, CHN, 1, no lane)
/// P needs d from D1 (f5, JPN, 0.5) or D2 (f6, KOR, 0.5)
/// Capacities: B1 100, B2 300, B3 unlimited; C1 50; D1 30, D2 10; P 1
/// ```
fn fixture() -> Model {
    TextModel::new("CAN", &[])
        .table(
            "countries",
            "code,name,blocs\nCAN,Canada,NATO;FVEY\nUSA,US,NATO;FVEY\nCHN,China,\nJPN,Japan,\nKOR,Korea,\n",
        )
        .table(
            "firms",
            "id,name,country\nf0,F0,CAN\nf1,F1,CAN\nf2,F2,CAN\nf3,F3,USA\nf4,F4,CHN\nf5,F5,JPN\nf6,F6,KOR\n",
        )
        .table(
            "sites",
            "id,firm,country\nx0,f0,CAN\nx1,f1,CAN\nx2,f2,CAN\nx3,f3,USA\nx4,f4,CHN\nx5,f5,JPN\nx6,f6,KOR\n",
        )
        .table(
            "items",
            "id,name,kind\np,P,platform\nb,B,component\nc,C,component\nd,D,component\nunused,U,material\n",
        )
        .table(
            "stages",
            "id,item,site,value_added,capacity\nP,p,x0,1,1\nB1,b,x1,1,100\nB2,b,x2,1,300\nB3,b,x3,1,\n\
             C1,c,x4,1,50\nD1,d,x5,1,30\nD2,d,x6,1,10\n",
        )
        .table(
            "lanes",
            "id,from_site,to_site,mode,transit_time,chokepoints\nL1,x1,x0,road,1,X;Y\nL2,x2,x0,road,1,Y\n\
             L3,x3,x0,rail,2,Y;Z\n",
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share,lane\nP,b,1,B1,0.5,L1\nP,b,1,B2,0.2,L2\nP,b,1,B3,0.3,L3\n\
             P,c,1,C1,1,\nP,d,1,D1,0.5,\nP,d,1,D2,0.5,\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nP,1,1\n")
        .build()
        .unwrap()
        .model
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn groups_by_hand() {
    let m = fixture();
    let c = concentration(&m);
    assert_eq!(c.bands, BANDS);
    assert!(c.bands.contains("1,800"));
    assert_eq!(c.home_country, "CAN");
    assert_eq!(c.groups.len(), 3);
    let g = |it: &str| &c.groups.iter().find(|g| g.item == it).unwrap().measures;

    // b: firms 50, 20, 30 -> 2500 + 400 + 900 = 3800; countries CAN 70, USA 30 -> 4900 + 900 = 5800.
    let b = g("b");
    assert!(close(b.hhi_firm, 3800.0) && close(b.hhi_country, 5800.0));
    assert_eq!((b.suppliers, b.firms, b.countries), (3, 3, 2));
    assert_eq!(b.band_firm, Band::High);
    assert!(!b.sole_source && !b.single_country && !b.outside_home_blocs);
    // Three lanes, but all pass chokepoint Y.
    assert!(b.single_lane);
    let y = b.common_lane.unwrap();
    assert_eq!(y.kind(), keel_model::ElementKind::Chokepoint);
    assert_eq!(m.target_id(y), "Y");

    // c: one Chinese supplier -> 10,000; no lane given, so not flagged single-lane.
    let cc = g("c");
    assert!(close(cc.hhi_firm, 10_000.0) && close(cc.hhi_country, 10_000.0));
    assert!(cc.sole_source && cc.single_country && cc.outside_home_blocs && !cc.single_lane);

    // d: 50/50 Japan and Korea -> 2500 + 2500 = 5000, both outside CAN's blocs.
    let d = g("d");
    assert!(close(d.hhi_firm, 5000.0) && close(d.hhi_country, 5000.0));
    assert!(!d.sole_source && !d.single_country && d.outside_home_blocs);
}

#[test]
fn items_by_capacity() {
    let c = concentration(&fixture());
    // `unused` has no producer, so it is left out.
    assert_eq!(
        c.items.iter().map(|i| i.item.as_str()).collect::<Vec<_>>(),
        ["p", "b", "c", "d"]
    );
    let it = |id: &str| c.items.iter().find(|i| i.item == id).unwrap();
    // b: B3 is unlimited, so it takes the whole share: 100^2 = 10,000, though three firms exist.
    let b = it("b");
    assert_eq!(b.unlimited, 1);
    assert!(close(b.measures.hhi_firm, 10_000.0));
    assert_eq!(b.measures.firms, 3);
    assert!(!b.measures.sole_source);
    assert!(b.measures.single_lane);
    // d: 30 and 10 -> 75% and 25% -> 5625 + 625 = 6250.
    let d = it("d");
    assert!(close(d.measures.hhi_firm, 6250.0));
    assert_eq!(d.measures.band_country, Band::High);
    // p: one producer, nobody buys it by lane -> sole source, not single lane.
    let p = it("p");
    assert!(p.measures.sole_source && !p.measures.single_lane && !p.measures.outside_home_blocs);
}

#[test]
fn bands() {
    assert_eq!(Band::of(999.9), Band::Unconcentrated);
    assert_eq!(Band::of(1000.0), Band::Moderate);
    assert_eq!(Band::of(1800.0), Band::Moderate);
    assert_eq!(Band::of(1800.1), Band::High);
    // Ten equal suppliers: 10 x 10^2 = 1,000, the moderate threshold.
    assert_eq!(Band::of(10.0 * 100.0), Band::Moderate);
}

#[test]
fn example_runs() {
    let m = keel_io::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/canada-dib"
    )))
    .unwrap()
    .model;
    let c = concentration(&m);
    assert_eq!(c.groups.len(), m.groups().len());
    for g in &c.groups {
        let x = &g.measures;
        assert!(x.hhi_firm >= 10_000.0 / x.firms as f64 - 1e-6 && x.hhi_firm <= 10_000.0 + 1e-6);
        assert_eq!(x.sole_source, x.firms == 1);
        if x.sole_source {
            assert!(x.single_country && close(x.hhi_firm, 10_000.0));
        }
    }
}
