//! Monte Carlo: determinism for a seed whatever the thread count, and statistics on cases with a known
//! distribution.

use keel_model::{Disrupted, FirmIx, Model, Target, TextModel};
use keel_sim::montecarlo::{
    monte_carlo, sample_run, stats, BaseRate, DurationDist, McOptions, RateKind,
};
use keel_sim::simulate::Simulator;

/// Chain M -> C -> P (see sim_hand.rs): stopping M for 5 steps from step `f` costs shortfalls 3, 10, 10, 10 at
/// steps f+2..=f+5, loss 3300. `big` stops M (probability 0.3); `noise` slows M to 90% (capacity 18 >= 10 needed,
/// never a loss; probability 0.5).
fn chain() -> Model {
    TextModel::new("CAN", &[])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
        .table("firms", "id,name,country\nf1,F1,CAN\nf2,F2,CAN\n")
        .table("sites", "id,firm,country\ns1,f1,CAN\ns2,f2,CAN\n")
        .table(
            "items",
            "id,name,kind\nm,M,material\nc,C,component\np,P,platform\n",
        )
        .table(
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             M,m,s2,1,20,1,0,\nC,c,s1,1,15,0,12,\nP,p,s1,1,,0,5,\n",
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share,lane\nC,m,1,M,,\nP,c,1,C,,\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nP,10,100\n")
        .table(
            "scenarios",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             big,stage,M,0,2,5,0.3\nnoise,stage,M,0.9,0,5,0.5\n",
        )
        .build()
        .expect("valid")
        .model
}

fn opts(runs: usize, seed: u64) -> McOptions {
    McOptions {
        runs,
        seed,
        scenarios: true,
        base_rates: vec![],
        duration: DurationDist::Exponential { mean: 30.0 },
    }
}

#[test]
fn known_distribution() {
    let m = chain();
    let h = 50;
    let sim = Simulator::new(&m, h).unwrap();
    let n = 4000;
    let r = monte_carlo(&sim, &opts(n, 7), &|_| {}).unwrap();
    // `big` starts at step f = floor(U[0,50)), uniform on 0..=49. Loss by f: 3300 for f <= 44, 2300 (45),
    // 1300 (46), 300 (47), 0 (48, 49). So P(loss > 0) = 0.3 x 48/50 = 0.288 and
    // E[loss] = 0.3 x (45 x 3300 + 2300 + 1300 + 300) / 50 = 914.4. (`noise` never costs anything, and when
    // both occur `big`'s outage dominates: the lower factor of overlapping events applies.)
    let p = 0.3 * 48.0 / 50.0;
    let frac = r.runs_with_loss as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!((frac - p).abs() < 4.0 * se, "fraction {frac} vs {p}");
    let l = &r.platforms[0].loss;
    assert!(
        (l.mean - 914.4).abs() < 4.0 * l.se,
        "mean {} se {}",
        l.mean,
        l.se
    );
    // P(loss = 3300) = 0.27 > 5%, and P(loss = 0) > 50%.
    assert_eq!(l.median, 0.0);
    assert_eq!(l.p95, 3300.0);
    assert_eq!(l.cvar95, 3300.0);
    assert_eq!(l.max, 3300.0);
    assert!(l.cvar95 >= l.p95 && l.p95 >= l.median);
    let d = &r.platforms[0].steps_short;
    assert_eq!(d.max, 4.0);
    assert_eq!(r.platforms[0].runs_short, r.runs_with_loss);
    // Worst 5% = 200 runs, all with `big`.
    assert_eq!(r.worst_runs, 200);
    let scenario = |name: &str| {
        Disrupted::Scenario(m.scenarios().iter().position(|s| s.name == name).unwrap())
    };
    assert_eq!(r.drivers[0].element, scenario("big"));
    assert_eq!(r.drivers[0].in_worst, 200);
    assert_eq!(r.drivers[0].worst_share, 1.0);
    assert!((r.drivers[0].run_share - 0.3).abs() < 4.0 * (0.21f64 / n as f64).sqrt());
    // `noise` is in about half of the worst runs, as in all runs: not a driver.
    let noise = r
        .drivers
        .iter()
        .find(|x| x.element == scenario("noise"))
        .unwrap();
    assert!((noise.worst_share - 0.5).abs() < 4.0 * (0.25f64 / 200.0).sqrt());
}

#[test]
fn deterministic_for_a_seed_whatever_the_threads() {
    let m = chain();
    let sim = Simulator::new(&m, 50).unwrap();
    let mut o = opts(500, 42);
    o.base_rates = vec![BaseRate {
        kind: RateKind::Firm,
        probability: 0.2,
        capacity_factor: 0.0,
    }];
    let run = |threads: usize, o: &McOptions| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| format!("{:?}", monte_carlo(&sim, o, &|_| {}).unwrap()))
    };
    let one = run(1, &o);
    let f2 = m.firms().iter().position(|f| f.id == "f2").unwrap();
    let f2 = Disrupted::Element(Target::Firm(FirmIx::new(f2)));
    assert!(one.contains(&format!("{f2:?}")), "{one}");
    assert_eq!(one, run(2, &o));
    assert_eq!(one, run(2, &o));
    assert_eq!(
        one,
        format!("{:?}", monte_carlo(&sim, &o, &|_| {}).unwrap())
    );
    // Another seed gives other draws.
    o.seed = 43;
    assert_ne!(one, run(2, &o));
}

#[test]
fn base_rate_sampling() {
    let m = chain();
    let sim = Simulator::new(&m, 365).unwrap();
    let mut o = opts(4000, 3);
    o.scenarios = false;
    o.base_rates = vec![BaseRate {
        kind: RateKind::Firm,
        probability: 0.1,
        capacity_factor: 0.0,
    }];
    // Two firms, each fails with probability 0.1 per horizon: 2 x 0.1 failures per run on average.
    let mut count = 0usize;
    let mut steps = Vec::new();
    for run in 0..o.runs {
        let ev = sample_run(&sim, &o, run).unwrap();
        count += ev.len();
        steps.extend(ev.iter().map(|e| (e.end - e.first) as f64));
    }
    let mean = count as f64 / o.runs as f64;
    let se = (2.0 * 0.1 * 0.9 / o.runs as f64).sqrt();
    assert!((mean - 0.2).abs() < 4.0 * se, "{mean}");
    // Steps of an exponential duration with mean 30, rounded up: E[ceil X] = 1 / (1 - exp(-1/30)) = 30.5028.
    let s = stats(&steps);
    let want = 1.0 / (1.0 - (-1.0f64 / 30.0).exp());
    assert!(
        (s.mean - want).abs() < 4.0 * s.se,
        "{} vs {want} (se {})",
        s.mean,
        s.se
    );
    // Lognormal with the same mean: sigma = 1.
    o.duration = DurationDist::LogNormal {
        mean: 30.0,
        sigma: 1.0,
    };
    let mut raw = Vec::new();
    for run in 0..o.runs {
        raw.extend(
            sample_run(&sim, &o, run)
                .unwrap()
                .iter()
                .map(|e| (e.end - e.first) as f64),
        );
    }
    let s = stats(&raw);
    // E[ceil X] is within [30, 31) for a mean-30 variable.
    assert!(
        s.mean > 30.0 - 4.0 * s.se && s.mean < 31.0 + 4.0 * s.se,
        "{}",
        s.mean
    );
    // Bad options are errors, not panics.
    o.base_rates[0].probability = 1.5;
    assert!(monte_carlo(&sim, &o, &|_| {}).is_err());
    o.runs = 0;
    assert!(monte_carlo(&sim, &o, &|_| {}).is_err());
}

#[test]
fn stats_by_hand() {
    // 1..=20: mean 10.5, median x_(10) = 10, p95 x_(19) = 19, CVaR = mean of top 20 - 19 = 1 value = 20.
    let v: Vec<f64> = (1..=20).map(|x| x as f64).collect();
    let s = stats(&v);
    assert_eq!(
        (s.mean, s.median, s.p95, s.cvar95, s.max),
        (10.5, 10.0, 19.0, 20.0, 20.0)
    );
    // sd = sqrt(35), se = sqrt(35 / 20).
    assert!((s.se - (35.0f64 / 20.0).sqrt()).abs() < 1e-12);
    // 1..=100: p95 = x_(95) = 95, CVaR = mean(96..=100) = 98.
    let v: Vec<f64> = (1..=100).map(|x| x as f64).collect();
    let s = stats(&v);
    assert_eq!((s.median, s.p95, s.cvar95), (50.0, 95.0, 98.0));
}
