//! The published worked case of Simchi-Levi et al. (Interfaces 45(5), 2015; HBR Jan-Feb 2014), built as a Keel
//! model, plus hand-computed variants (partial outage, lanes, chokepoints, per-platform TTS, named scenarios).
//!
//! Suppliers S1, S2, S3 make one part at 30, 45, 60 per period (ttr 2). Products P1, P2 need 1 part each from
//! any supplier, demand 75 and 50 per period, inventory 20 and 25, loss 5,000 and 6,500 per unit.
//! Total need over t = 2: 250 - 45 (inventory) = 205 parts.
//! - S1 down: 105/period * 2 = 210 >= 205 -> PI 0.       TTS: 45 + 105 t = 125 t -> t = 45/20 = 2.25
//! - S2 down:  90 * 2 = 180, short 25 on P1 (cheaper) -> PI 125,000.  TTS 45/35 = 1.2857
//! - S3 down:  75 * 2 = 150, short 55 on P1 -> PI 275,000.            TTS 45/50 = 0.9
//!   REI = PI / 275,000 = 0, 0.4545, 1.

use keel_lp::{element_cases, scenario_cases, sweep, Disruption, Duration, StressLp};
use keel_model::{ElementKind, Model, TextModel};
use keel_present::case_name;

fn model() -> Model {
    TextModel::new("CAN", &[])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n")
        .table(
            "firms",
            "id,name,country,parent_country\nF1,F1,CAN,\nF2,F2,CAN,\nF3,F3,USA,\nFP,FP,CAN,\n",
        )
        .table(
            "sites",
            "id,firm,country,lat,lon,name\nX1,F1,CAN,,,\nX2,F2,CAN,,,\nX3,F3,USA,,,\nXP,FP,CAN,,,\n",
        )
        .table(
            "items",
            "id,name,kind,export_control,capability\npart,Part,component,,\np1,Product 1,platform,,\np2,Product 2,platform,,\n",
        )
        .table(
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             S1,part,X1,1,30,0,0,2\nS2,part,X2,1,45,0,0,2\nS3,part,X3,1,60,0,0,2\n\
             P1,p1,XP,1,,0,20,\nP2,p2,XP,1,,0,25,\n",
        )
        .table(
            "lanes",
            "id,from_site,to_site,mode,transit_time,chokepoints\n\
             L1,X1,XP,road,1,\nL2,X2,XP,road,1,Bridge\nL3,X3,XP,sea,5,Bridge;Strait\n",
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share,lane\n\
             P1,part,1,S1,,L1\nP1,part,1,S2,,L2\nP1,part,1,S3,,L3\n\
             P2,part,1,S1,,L1\nP2,part,1,S2,,L2\nP2,part,1,S3,,L3\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nP1,75,5000\nP2,50,6500\n")
        .table(
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             half-s3,stage,S3,0.5,0,2,\n\
             s2-and-s3,stage,S2,0,0,2,\ns2-and-s3,stage,S3,0,0,2,\n",
        )
        .build()
        .expect("valid model")
        .model
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn published_case_pi_rei_tts() {
    let m = model();
    let lp = StressLp::new(&m, 365.0).unwrap();
    assert_eq!(lp.components(), 1);
    assert!(lp.baseline_tts().at_least);
    let mut cases =
        element_cases(&m, ElementKind::Stage, Duration::Ttr { fallback: 30.0 }).unwrap();
    let rows = sweep(&lp, &cases, false, &|_| {}).unwrap();
    let get = |n: &str| rows.iter().find(|r| case_name(&m, r.subject) == n).unwrap();
    // REI compares the three supplier disruptions, as in the paper.
    cases.retain(|c| case_name(&m, c.subject).starts_with("stage S"));
    let suppliers = sweep(&lp, &cases, false, &|_| {}).unwrap();
    let rei = |n: &str| {
        suppliers
            .iter()
            .find(|r| case_name(&m, r.subject) == n)
            .unwrap()
            .rei
    };
    let expect = [
        ("stage S1", 0.0, 0.0, 2.25),
        ("stage S2", 125_000.0, 125.0 / 275.0, 45.0 / 35.0),
        ("stage S3", 275_000.0, 1.0, 0.9),
    ];
    for (name, pi, rei_expected, tts) in expect {
        let r = get(name);
        assert_eq!(r.t, 2.0, "{name}: ttr of the stage");
        assert!(close(r.impact.pi, pi), "{name}: PI {} != {pi}", r.impact.pi);
        assert!(
            close(rei(name), rei_expected),
            "{name}: REI {} != {rei_expected}",
            rei(name)
        );
        assert!(!r.impact.tts.at_least);
        assert!(
            close(r.impact.tts.value, tts),
            "{name}: TTS {} != {tts}",
            r.impact.tts.value
        );
    }
    assert!((rei("stage S2") - 0.455).abs() < 5e-4);
    assert_eq!(case_name(&m, suppliers[0].subject), "stage S3");
    assert!((get("stage S2").impact.tts.value - 1.286).abs() < 5e-4);
    // Ranked worst first; P1 and P2 (no ttr) fall back to t = 30 and hit everything: loss is the whole demand
    // less inventory, 30*75*5000 - 20*5000 + 30*50*6500 - 25*6500 = 11,250,000 - 100,000 + 9,750,000 - 162,500.
    assert_eq!(case_name(&m, rows[0].subject), "stage P1");
    assert!(close(
        get("stage P2").impact.pi,
        50.0 * 30.0 * 6500.0 - 25.0 * 6500.0
    ));
    assert!(close(
        get("stage P1").impact.pi,
        75.0 * 30.0 * 5000.0 - 20.0 * 5000.0
    ));
    // P1 down: 20 units of stock against 75/period -> TTS 20/75.
    assert!(close(get("stage P1").impact.tts.value, 20.0 / 75.0));
    let order: Vec<String> = rows.iter().map(|r| case_name(&m, r.subject)).collect();
    assert_eq!(
        order,
        ["stage P1", "stage P2", "stage S3", "stage S2", "stage S1"]
    );
}

#[test]
fn lanes_and_chokepoints_close_flows() {
    let m = model();
    let lp = StressLp::new(&m, 365.0).unwrap();
    // No lane has a ttr: --ttr 2 matches the paper's duration.
    let lanes = sweep(
        &lp,
        &element_cases(&m, ElementKind::Lane, Duration::Fixed(2.0)).unwrap(),
        false,
        &|_| {},
    )
    .unwrap();
    let pis: Vec<(String, f64)> = lanes
        .iter()
        .map(|r| (case_name(&m, r.subject), r.impact.pi))
        .collect();
    assert_eq!(pis[0].0, "lane L3");
    assert!(close(pis[0].1, 275_000.0));
    assert!(close(pis[1].1, 125_000.0));
    assert_eq!(pis[2].1, 0.0);
    // Bridge closes L2 and L3: only S1's 30/period remains. Over t = 2: 60 parts, need 130 (P1) + 75 (P2);
    // every part goes to P2 (6,500 > 5,000): loss 130*5000 + 15*6500 = 747,500.
    // TTS: the pooled formula 45/(125-30) = 0.4737 does not hold here because stock is per product: P1 needs
    // x1 >= 75 - 20/t <= 30 even with all of S1 (x2 = 0 is enough for P2 until 25/50), so TTS = 20/45 = 0.444.
    let cps = sweep(
        &lp,
        &element_cases(&m, ElementKind::Chokepoint, Duration::Fixed(2.0)).unwrap(),
        false,
        &|_| {},
    )
    .unwrap();
    assert_eq!(case_name(&m, cps[0].subject), "chokepoint Bridge");
    assert!(close(cps[0].impact.pi, 747_500.0));
    assert!(close(cps[0].impact.tts.value, 20.0 / 45.0), "{:?}", cps[0]);
    assert!(close(cps[1].impact.pi, 275_000.0));
    assert!(close(cps[0].rei, 1.0) && close(cps[1].rei, 275.0 / 747.5));
}

#[test]
fn named_scenarios_partial_outage_and_platform_tts() {
    let m = model();
    let lp = StressLp::new(&m, 365.0).unwrap();
    let cases = scenario_cases(&m, Duration::Ttr { fallback: 30.0 }).unwrap();
    let rows = sweep(&lp, &cases, true, &|_| {}).unwrap();
    // half-s3: 30 + 45 + 30 = 105/period, as with S1 down: PI 0, TTS 2.25.
    let half = rows
        .iter()
        .find(|r| case_name(&m, r.subject) == "half-s3")
        .unwrap();
    assert_eq!(half.t, 2.0);
    assert_eq!(half.impact.pi, 0.0);
    assert!(close(half.impact.tts.value, 2.25));
    // s2-and-s3 = the Bridge case above. Per platform, with first call on S1's 30/period:
    // P1: 20 + 30 t = 75 t -> 20/45; P2: 25 + 30 t = 50 t -> 1.25.
    let both = &rows[0];
    assert_eq!(case_name(&m, both.subject), "s2-and-s3");
    assert!(close(both.impact.pi, 747_500.0));
    assert_eq!(both.impact.platforms_hit.len(), 2);
    let p = &both.impact.platform_tts;
    assert!(close(p[0].1.value, 20.0 / 45.0) && close(p[1].1.value, 1.25));
    // Half of S3: every platform alone survives the horizon (P1 alone: 20 + 105 t >= 75 t always).
    assert!(half
        .impact
        .platform_tts
        .iter()
        .all(|x| x.1.at_least && x.1.value == 365.0));
}

#[test]
fn tts_caps_at_horizon_and_unreached_elements_cost_nothing() {
    let m = model();
    let lp = StressLp::new(&m, 10.0).unwrap();
    let none = lp.impact(&Disruption::default(), 5.0, false).unwrap();
    assert_eq!(none.pi, 0.0);
    assert!(none.tts.at_least && none.tts.value == 10.0);
    assert!(none.platforms_hit.is_empty());
    // A country with no stages (none) vs USA (S3): USA = S3 down.
    let rows = sweep(
        &lp,
        &element_cases(&m, ElementKind::Country, Duration::Fixed(2.0)).unwrap(),
        false,
        &|_| {},
    )
    .unwrap();
    assert_eq!(case_name(&m, rows[0].subject), "country CAN");
    let usa = rows
        .iter()
        .find(|r| case_name(&m, r.subject) == "country USA")
        .unwrap();
    assert!(close(usa.impact.pi, 275_000.0) && close(usa.impact.tts.value, 0.9));
    assert!(StressLp::new(&m, 0.0).is_err());
    assert!(lp.impact(&Disruption::default(), -1.0, false).is_err());
    assert!(element_cases(&m, ElementKind::Stage, Duration::Fixed(-1.0)).is_err());
}

/// A platform that also supplies: P1 (demand 10, loss 1 per unit) makes part `a`, which stage B turns into `b`
/// for platform P2 (demand 5, loss 100). Stopping P1 for t = 1 loses P1's own 10 units and P2's 5: PI
/// 10 + 500 = 510. Lost demand is at most the demand: before that bound, the LP wrote off 15 units of P1's
/// demand (cost 15) and shipped the 5 it never made to B.
fn platform_supplier(p1_capacity: u32) -> Model {
    TextModel::new("CAN", &[])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
        .table("firms", "id,name,country,parent_country\nF,F,CAN,\n")
        .table("sites", "id,firm,country,lat,lon,name\nX,F,CAN,,,\n")
        .table(
            "items",
            "id,name,kind,export_control,capability\na,A,platform,,\nb,B,component,,\np2,P2,platform,,\n",
        )
        .table(
            "stages",
            &format!(
                "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                 P1,a,X,1,{p1_capacity},0,0,1\nB,b,X,1,,0,0,\nP2,p2,X,1,,0,0,\n"
            ),
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share,lane\nB,a,1,P1,,\nP2,b,1,B,,\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nP1,10,1\nP2,5,100\n")
        .build()
        .expect("valid model")
        .model
}

#[test]
fn lost_demand_is_at_most_the_demand_when_a_platform_also_supplies() {
    // Capacity 20 fits the plan (15 per period): the region-restricted solver; 12 does not (the baseline already
    // loses 3 units of P1 over t = 1, at 1 each): the warm whole-component LP. Both against the cold LP.
    for (cap, base) in [(20, 0.0), (12, 3.0)] {
        let m = platform_supplier(cap);
        let lp = StressLp::new(&m, 365.0).unwrap();
        assert_eq!(lp.local_components(), usize::from(cap == 20));
        let p1 = m.stage_ix("P1").unwrap();
        let d = Disruption::from_target(&m, keel_model::Target::Stage(p1), 0.0);
        let cold = lp.impact(&d, 1.0, false).unwrap();
        assert!(
            close(cold.pi, 510.0 - base),
            "cap {cap}: cold PI {}",
            cold.pi
        );
        assert_eq!(cold.tts.value, 0.0);
        let cases = element_cases(&m, ElementKind::Stage, Duration::Ttr { fallback: 1.0 }).unwrap();
        let rows = sweep(&lp, &cases, false, &|_| {}).unwrap();
        let row = rows
            .iter()
            .find(|r| case_name(&m, r.subject) == "stage P1")
            .unwrap();
        assert!(
            close(row.impact.pi, 510.0 - base),
            "cap {cap}: sweep PI {}",
            row.impact.pi
        );
        assert_eq!(row.impact.tts.value, 0.0);
    }
}
