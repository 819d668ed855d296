//! Hand-checked simulations, and the cross-check of the simulated time to survive against the LP.

use keel_lp::{Disruption, StressLp};
use keel_model::{Model, TextModel};
use keel_sim::simulate::{Hit, RunEvent, Simulator};

const COMMON: [(&str, &str); 3] = [
    ("countries", "code,name,blocs\nCAN,Canada,NATO\n"),
    ("firms", "id,name,country\nf1,F1,CAN\n"),
    ("sites", "id,firm,country\ns1,f1,CAN\n"),
];

fn build(tables: &[(&str, &str)]) -> Model {
    let mut t = TextModel::new("CAN", &[]);
    for (k, v) in COMMON.iter().chain(tables) {
        t = t.table(k, v);
    }
    t.build().expect("valid model").model
}

/// Chain M -> C -> P, one unit per unit, demand 10/step at P, loss 100/unit.
/// M: capacity 20, lead time `m_lt`; C: capacity 15, inventory 12; P: unlimited, inventory 5, lead time `p_lt`.
/// Scenario `out`: M stopped from t=2 for 5 steps (steps 2..=6).
fn chain(m_lt: f64, p_lt: f64) -> Model {
    let stages = format!(
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
         M,m,s1,1,20,{m_lt},0,\nC,c,s1,1,15,0,12,\nP,p,s1,1,,{p_lt},5,\n"
    );
    build(&[
        ("items", "id,name,kind\nm,M,material\nc,C,component\np,P,platform\n"),
        ("stages", &stages),
        ("inputs", "stage,input_item,qty,supplier,share,lane\nC,m,1,M,,\nP,c,1,C,,\n"),
        ("demand", "stage,demand,loss_per_unit\nP,10,100\n"),
        (
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\nout,stage,M,0,2,5,\n",
        ),
    ])
}

#[test]
fn chain_outage_by_hand() {
    // Delay M->C = ceil(1 + 0) = 1 step; C->P and P->demand 0. Plan: everyone makes 10/step; the M->C pipeline
    // holds the 10 shipped at t=1.
    // t=2: M ships 0 (arrives t=3). C gets 10 (shipped t=1), makes 10, ships 10.        P served 10.
    // t=3: C gets 0, ships 10 from stock (12 -> 2).                                      P served 10.
    // t=4: C gets 0, has 2: ships 2. P makes 2, + stock 5 = 7 of 10: short 3.
    // t=5, t=6: C has nothing: P short 10. (M is back at t=7 but ships 10 that arrive at C at t=8.)
    // t=7: C gets the 0 M shipped at t=6: P short 10.
    // t=8: C gets 10 again: P served 10. Short 3+10+10+10 = 33 units = 50 missing - 17 of stock; loss 3300.
    let m = chain(1.0, 0.0);
    let sim = Simulator::new(&m, 12).unwrap();
    assert!(sim.is_steady());
    let r = sim.simulate_scenario("out").unwrap();
    let p = &r.platforms[0];
    let want = [
        0.0, 0.0, 0.0, 0.0, 3.0, 10.0, 10.0, 10.0, 0.0, 0.0, 0.0, 0.0,
    ];
    assert_eq!(p.shortfall, want);
    assert_eq!(p.delivered[4], 7.0);
    assert_eq!(p.cum_loss[11], 3300.0);
    assert_eq!(r.total_loss, 3300.0);
    assert_eq!(r.disruption_start, Some(2));
    assert_eq!(r.first_shortfall, Some(4));
    assert_eq!(r.time_to_survive, Some(2));
    assert_eq!(r.recovery, Some(8));
    assert_eq!(p.steps_short, 4);
    // P's 5 finished units on hand cover part of step 4's gap and are not rebuilt (P makes only to orders);
    // recorded when every stage is computed.
    assert!(p.stock.is_empty());
    let full = Simulator::new(&m, 12).unwrap().exhaustive();
    let stock = full.simulate_scenario("out").unwrap().platforms[0]
        .stock
        .clone();
    assert_eq!(
        stock,
        [5.0, 5.0, 5.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );

    // The platform's own lead time of 2 steps delays every delivery by 2: short 3 at t=6, 10 at t=7..=9.
    let m = chain(1.0, 2.0);
    let r = Simulator::new(&m, 12)
        .unwrap()
        .simulate_scenario("out")
        .unwrap();
    let want = [
        0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 10.0, 10.0, 10.0, 0.0, 0.0,
    ];
    assert_eq!(r.platforms[0].shortfall, want);
    assert_eq!(r.recovery, Some(10));

    // Horizon ending mid-outage: short at the last step, so not recovered.
    let r = Simulator::new(&m, 9)
        .unwrap()
        .simulate_scenario("out")
        .unwrap();
    assert_eq!(r.recovery, None);
    assert_eq!(r.total_loss, (3.0 + 10.0 + 10.0) * 100.0);
}

#[test]
fn undisrupted_is_steady_and_fast_path_matches_exhaustive() {
    let m = chain(1.0, 0.0);
    let sim = Simulator::new(&m, 12).unwrap();
    let r = sim.simulate(&[]);
    assert_eq!(r.total_loss, 0.0);
    assert_eq!(r.first_shortfall, None);
    // Exhaustive (every stage every step from t=0) gives the same series.
    let full = Simulator::new(&m, 12).unwrap().exhaustive();
    assert_eq!(full.simulate(&[]).total_loss, 0.0);
    let a = sim.simulate_scenario("out").unwrap();
    let b = full.simulate_scenario("out").unwrap();
    assert_eq!(a.platforms[0].shortfall, b.platforms[0].shortfall);
}

#[test]
fn partial_capacity_and_scratch_reuse() {
    // M at 40% (capacity 8 < 10 needed) for steps 2..=6: C gets 8 at t=3..=7 (delay 1), 5 x 2 = 10 short, covered
    // by C's stock of 12.
    let m = chain(1.0, 0.0);
    let sim = Simulator::new(&m, 12).unwrap();
    let ev = |f: f64, dur: usize| RunEvent {
        hit: Hit::Stage(0),
        factor: f,
        first: 2,
        end: 2 + dur,
    };
    assert_eq!(sim.simulate(&[ev(0.4, 5)]).total_loss, 0.0);
    // 8 steps at 40%: short 2/step arriving t=3..=10 (16 units) <= 17 units of stock (C 12, P 5): no loss. At 30%
    // (6/step, short 4) for 8 steps: 32 - 17 = 15 units short.
    assert_eq!(sim.simulate(&[ev(0.4, 8)]).total_loss, 0.0);
    let r = sim.simulate(&[ev(0.3, 8)]);
    assert!((r.total_loss - 1500.0).abs() < 1e-9, "{}", r.total_loss);
    // t=3..=5: C stock 12 -> 8 -> 4 -> 0; t=6: C ships 6, P 6 + 5 = 11 (stock 1); t=7: 6 + 1 = 7, short 3;
    // t=8..=10: short 4; t=11: M's full shipment of t=10 arrives.
    let s = &r.platforms[0].shortfall;
    let want = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 4.0, 4.0, 4.0, 0.0];
    for (a, b) in s.iter().zip(want) {
        assert!((a - b).abs() < 1e-12, "{s:?}");
    }
    // One scratch reused over runs gives the same answers (state is fully reset).
    let mut sc = sim.scratch();
    struct Sum(f64);
    impl keel_sim::simulate::Sink for Sum {
        fn short(&mut self, _: usize, _: usize, u: f64) {
            self.0 += u;
        }
    }
    for _ in 0..3 {
        let mut a = Sum(0.0);
        sim.run(&[ev(0.0, 5)], &mut sc, &mut a);
        assert_eq!(a.0, 33.0);
        let mut b = Sum(0.0);
        sim.run(&[ev(0.3, 8)], &mut sc, &mut b);
        assert!((b.0 - 15.0).abs() < 1e-9);
    }
}

/// Two suppliers A (share 0.6) and B (0.4) of one part over lanes LA, LB, each with capacity 12; P needs 10/step.
fn two_suppliers() -> Model {
    build(&[
        ("items", "id,name,kind\npart,Part,component\np,P,platform\n"),
        (
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             A,part,s1,1,12,0,0,\nB,part,s1,1,12,0,0,\nP,p,s1,1,,0,0,\n",
        ),
        (
            "lanes",
            "id,from_site,to_site,mode,transit_time,chokepoints\nLA,s1,s1,road,1,\nLB,s1,s1,road,2,Bridge\n",
        ),
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\nP,part,1,A,0.6,LA\nP,part,1,B,0.4,LB\n",
        ),
        ("demand", "stage,demand,loss_per_unit\nP,10,1\n"),
        (
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             bridge,chokepoint,Bridge,0,0,4,\nhalf,lane,LA,0.5,0,3,\nA-out,stage,A,0,0,3,\n",
        ),
    ])
}

#[test]
fn rerouting_and_lanes_by_hand() {
    let m = two_suppliers();
    let sim = Simulator::new(&m, 10).unwrap();
    // Bridge closed t=0..=3: P orders all 10 from A (renormalised shares), A makes 10 <= 12. A's shipments grow
    // from 6 to 10 (arrive t+1); B's last planned 4 arrive until t=1 (delay 2), then nothing until B's first
    // shipment after reopening (t=4, arrives t=6).
    // t=0: 6 (pipeline) + 4 = 10. t=1: 10 (A, shipped t=0) + 4 = 14 >= 10 (buffer 4). t=2: 10 + 0 (+4) = 14.
    // t=3..=4: 10. t=5: A back to 6 (ordered at t=4) + B 0 (shipped t=3 closed) = 6 + buffer 4 = 10.
    // t=6: 6 + 4 = 10. No loss at all.
    let r = sim.simulate_scenario("bridge").unwrap();
    assert_eq!(r.total_loss, 0.0);
    // LA at half t=0..=2: A still gets orders of 6 (the lane is open), ships 3 (rest stays in A's stock), which
    // arrive t=1..=3: P gets 3 + 4 = 7, short 3 for 3 steps.
    let r = sim.simulate_scenario("half").unwrap();
    assert_eq!(r.platforms[0].shortfall[..5], [0.0, 3.0, 3.0, 3.0, 0.0]);
    // A stopped t=0..=2: P orders 10 from B (capacity 12), B's extra arrives from t=2 (delay 2): t=1 gets 0 from
    // A (shipped t=0) + 4 = 4, short 6; t=2: 0 + 10 = 10; t=3: 0 + 10; t=4: 6 (A restarts t=3) + 10; no more loss.
    let r = sim.simulate_scenario("A-out").unwrap();
    assert_eq!(
        r.platforms[0].shortfall[..6],
        [0.0, 6.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(r.first_shortfall, Some(1));
}

/// The published case (Simchi-Levi et al.): S1, S2, S3 with capacities 30, 45, 60 each supply the one part of
/// both P1 (demand 75, inventory `i1`, loss 5000) and P2 (demand 50, inventory `i2`, loss 6500). No lead times.
fn published(i1: f64, i2: f64) -> Model {
    let stages = format!(
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
         S1,part,s1,1,30,0,0,\nS2,part,s1,1,45,0,0,\nS3,part,s1,1,60,0,0,\n\
         P1,p1,s1,1,,0,{i1},\nP2,p2,s1,1,,0,{i2},\n"
    );
    // Planned shares 0.2/0.35/0.45 give flows 25/43.75/56.25, within capacity.
    let mut inputs = String::from("stage,input_item,qty,supplier,share,lane\n");
    for p in ["P1", "P2"] {
        for (s, sh) in [("S1", 0.2), ("S2", 0.35), ("S3", 0.45)] {
            inputs += &format!("{p},part,1,{s},{sh},\n");
        }
    }
    build(&[
        (
            "items",
            "id,name,kind\npart,Part,component\np1,P1,platform\np2,P2,platform\n",
        ),
        ("stages", &stages),
        ("inputs", &inputs),
        (
            "demand",
            "stage,demand,loss_per_unit\nP1,75,5000\nP2,50,6500\n",
        ),
        (
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             S1,stage,S1,0,0,100,\nS2,stage,S2,0,0,100,\nS3,stage,S3,0,0,100,\n",
        ),
    ])
}

fn lp_tts(m: &Model, stage: &str) -> f64 {
    let lp = StressLp::new(m, 100.0).unwrap();
    let d = Disruption::from_target(
        m,
        keel_model::Target::Stage(m.stage_ix(stage).unwrap()),
        0.0,
    );
    lp.impact(&d, 10.0, false).unwrap().tts.value
}

#[test]
fn published_case_against_lp() {
    // LP TTS = total inventory / (demand - surviving capacity): S2: 45/35 = 1.2857, S3: 45/50 = 0.9,
    // S1: 45/20 = 2.25 (the published values).
    // Simulation: both platforms order with the same shares, so each supplier's scarce output is split 75:50 and
    // P1 always gets 60% of what survives. S2 out: P1 gets 54 (deficit 21 > stock 20: short at t=0), P2 36
    // (25 -> 11 -> short at t=1). S3 out: P1 45 (short t=0). S1 out: P1 63 (20 -> 8 -> short t=1), P2 42.
    // The precise comparison (no lead times, disruption from t=0): first shortfall step <= floor(TTS_LP), with
    // equality when the LP's optimal split is the pro-rata one.
    let m = published(20.0, 25.0);
    let sim = Simulator::new(&m, 10).unwrap();
    for (s, lp_hand, first, p1_t0) in [
        ("S2", 45.0 / 35.0, 0, 1.0),
        ("S3", 0.9, 0, 10.0),
        ("S1", 2.25, 1, 0.0),
    ] {
        let lp = lp_tts(&m, s);
        assert!((lp - lp_hand).abs() < 1e-6, "{s}: LP {lp} vs {lp_hand}");
        let r = sim.simulate_scenario(s).unwrap();
        assert_eq!(r.first_shortfall, Some(first), "{s}");
        assert!(first as f64 <= (lp + 1e-9).floor());
        assert!((r.platforms[0].shortfall[0] - p1_t0).abs() < 1e-9, "{s}");
    }
    // P1 steady deficit with S2 out: 75 - 54 = 21/step after t=0.
    let r = sim.simulate_scenario("S2").unwrap();
    assert!((r.platforms[0].shortfall[3] - 21.0).abs() < 1e-9);
    assert!((r.platforms[1].shortfall[1] - 3.0).abs() < 1e-9);
    assert!((r.platforms[1].shortfall[2] - 14.0).abs() < 1e-9);

    // Stock in proportion to demand (30:20) makes pro rata optimal: LP 50/35 = 1.43, 50/50 = 1, 50/20 = 2.5,
    // and the first shortfall step equals floor(TTS_LP): 1, 1, 2.
    let m = published(30.0, 20.0);
    let sim = Simulator::new(&m, 10).unwrap();
    for (s, lp_hand) in [("S2", 50.0 / 35.0), ("S3", 1.0), ("S1", 2.5)] {
        let lp = lp_tts(&m, s);
        assert!((lp - lp_hand).abs() < 1e-6, "{s}: LP {lp} vs {lp_hand}");
        let r = sim.simulate_scenario(s).unwrap();
        assert_eq!(r.first_shortfall, Some((lp + 1e-9).floor() as usize), "{s}");
    }
}

/// P (demand 10, loss 1) buys its part from X and Y (shares 0.5/0.5). Y makes the part from `m` bought from M,
/// M makes `m` from `w` bought from W. Capacities 10 everywhere, M holds 12 units of `m`, nobody else holds
/// stock, no lead times but M's `m_lead`. Planned rates: X, Y, M, W 5 each. Scenario `X-out`: X stopped from t=0
/// for 10 steps.
fn expedite(m_lead: u32) -> Model {
    build(&[
        (
            "items",
            "id,name,kind\npart,Part,component\nm,M,component\nw,W,material\np,P,platform\n",
        ),
        (
            "stages",
            &format!(
                "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                 X,part,s1,1,10,0,0,\nY,part,s1,1,10,0,0,\nM,m,s1,1,10,{m_lead},12,\nW,w,s1,1,10,0,0,\n\
                 P,p,s1,1,,0,0,\n"
            ),
        ),
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\n\
             P,part,1,X,0.5,\nP,part,1,Y,0.5,\nY,m,1,M,,\nM,w,1,W,,\n",
        ),
        ("demand", "stage,demand,loss_per_unit\nP,10,1\n"),
        (
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             X-out,stage,X,0,0,10,\n",
        ),
    ])
}

#[test]
fn rerouted_orders_expedite_one_tier() {
    // P re-routes X's 5 to Y: Y holds 10 (5 of them re-routed), so Y expedites: it orders 5 + 5 = 10 of `m`
    // from M (within its capacity 10). M now holds 10 but is not itself a re-routing target, so its procurement
    // stays at plan: it orders 5 of `w` from W, which is untouched (R = T = 5).
    // t=0: W makes 5, ships 5 to M. M makes 5 (inputs), + stock 12 = 17 >= 10: ships 10, stock 7. Y gets 10,
    //      makes 10, ships 10. P gets 10: served.
    // t=1: M 5 + 7 = 12: ships 10, stock 2. P served.
    // t=2: M 5 + 2 = 7 < 10: ships 7 (ratio 0.7), stock 0. Y makes 7, P short 3.
    // t=3..=9: M ships 5: P short 5.
    // (The instantaneous pull rule, in which W would also raise its output to 10, never falls short here.)
    let m = expedite(0);
    let sim = Simulator::new(&m, 10).unwrap();
    let r = sim.simulate_scenario("X-out").unwrap();
    let want = [0.0, 0.0, 3.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0];
    for (t, (a, b)) in r.platforms[0].shortfall.iter().zip(want).enumerate() {
        assert!((a - b).abs() < 1e-12, "t={t}: {a} vs {b}");
    }
    assert_eq!(r.first_shortfall, Some(2));
    assert!((r.total_loss - 38.0).abs() < 1e-9);
    let full = Simulator::new(&m, 10).unwrap().exhaustive();
    assert_eq!(
        full.simulate_scenario("X-out").unwrap().platforms[0].shortfall,
        r.platforms[0].shortfall
    );
    // The LP can raise W and M to 10 at once: no shortfall within its horizon, so the simulated first
    // shortfall (2) stays below the LP time to survive.
    assert!(lp_tts(&m, "X") >= 10.0 - 1e-9);

    // With a 2-step lead time at M the expedited `m` arrives 2 steps late: Y's pipeline from M holds the
    // planned 5 for t=0 and t=1 (shipped before the outage), so P gets only Y's 5 at t=0 and t=1 (short 5 each),
    // then M's shipments of 10, 10, 7 (from its stock) at t=2, 3, 4, then 5.
    let m2 = expedite(2);
    let r = Simulator::new(&m2, 10)
        .unwrap()
        .simulate_scenario("X-out")
        .unwrap();
    let want = [5.0, 5.0, 0.0, 0.0, 3.0, 5.0, 5.0, 5.0, 5.0, 5.0];
    for (t, (a, b)) in r.platforms[0].shortfall.iter().zip(want).enumerate() {
        assert!((a - b).abs() < 1e-12, "t={t}: {a} vs {b}");
    }
}

/// A long outage behind a long pipeline, where stages coast (see `simulate.rs`): M -> C -> P as in `chain`,
/// but M's lead time is 30 steps, C holds 80 units of stock, P none; M stops at t=0 for 40 steps.
/// - t=0..=29: C still receives the 10/step M shipped before the outage: everything at plan.
/// - t=30..=37: C receives nothing and ships 10/step from stock (80 -> 0). It coasts from t=31 with its stock
///   falling by 10 a step, and must wake in time by itself (it schedules t=36): at t=38 it has nothing.
/// - t=38..=69: C ships nothing; P is short 10 each step (32 steps, 320 units, loss 32,000).
/// - t=70: M's first shipment after the outage (sent at t=40) lands at C: P is served again.
///
/// Waking three steps later than scheduled would miss t=38's shortfall (nothing else wakes C then: the
/// outage ends at t=40); the exhaustive computation, which never coasts, agrees.
#[test]
fn coasting_stock_drawdown_by_hand() {
    let m = build(&[
        ("items", "id,name,kind\nm,M,material\nc,C,component\np,P,platform\n"),
        (
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             M,m,s1,1,20,30,0,\nC,c,s1,1,15,0,80,\nP,p,s1,1,,0,0,\n",
        ),
        ("inputs", "stage,input_item,qty,supplier,share,lane\nC,m,1,M,,\nP,c,1,C,,\n"),
        ("demand", "stage,demand,loss_per_unit\nP,10,100\n"),
        (
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\nout,stage,M,0,0,40,\n",
        ),
    ]);
    let mut want = vec![0.0; 80];
    for x in &mut want[38..70] {
        *x = 10.0;
    }
    for sim in [
        Simulator::new(&m, 80).unwrap(),
        Simulator::new(&m, 80).unwrap().exhaustive(),
    ] {
        let r = sim.simulate_scenario("out").unwrap();
        assert_eq!(r.platforms[0].shortfall, want);
        assert_eq!(r.first_shortfall, Some(38));
        assert_eq!(r.recovery, Some(70));
        assert_eq!(r.total_loss, 32_000.0);
    }
}
