//! Cross-check of the HiGHS-based PI and TTS against an independent solver: a dense two-phase tableau simplex
//! with Bland's rule, written here, on the *whole-network* LP in the paper's form (no decomposition into
//! components, separate supply and demand rows since generated platforms supply nobody).
//!
//! Random small layered models (materials -> parts -> platforms, 1-3 suppliers per item, some unlimited
//! capacities, some lanes) with random disruptions (full or half outages of stages, closed or half lanes).

use keel_lp::{Disruption, StressLp};
use keel_model::{LaneIx, Model, StageIx, TextModel};
use proptest::prelude::*;
use std::fmt::Write as _;

// ---------------------------------------------------------------------------------------------------------
// Dense simplex: maximise c.x subject to A x <= b, x >= 0 (b of any sign). Returns None if infeasible,
// Some(inf) if unbounded.

struct Tableau {
    m: usize,
    n: usize,
    basis: Vec<isize>,
    nonbasis: Vec<isize>,
    d: Vec<Vec<f64>>,
}

const TOL: f64 = 1e-10;

impl Tableau {
    fn new(a: &[Vec<f64>], b: &[f64], c: &[f64]) -> Self {
        let (m, n) = (b.len(), c.len());
        let mut d = vec![vec![0.0; n + 2]; m + 2];
        for i in 0..m {
            d[i][..n].copy_from_slice(&a[i]);
            d[i][n] = -1.0;
            d[i][n + 1] = b[i];
        }
        for j in 0..n {
            d[m][j] = -c[j];
        }
        d[m + 1][n] = 1.0;
        let mut nonbasis: Vec<isize> = (0..n as isize).collect();
        nonbasis.push(-1);
        Tableau {
            m,
            n,
            basis: (n as isize..(n + m) as isize).collect(),
            nonbasis,
            d,
        }
    }

    fn pivot(&mut self, r: usize, s: usize) {
        let (m, n) = (self.m, self.n);
        let inv = 1.0 / self.d[r][s];
        for i in 0..m + 2 {
            if i != r && self.d[i][s] != 0.0 {
                let f = self.d[i][s] * inv;
                for j in 0..n + 2 {
                    if j != s {
                        self.d[i][j] -= self.d[r][j] * f;
                    }
                }
                self.d[i][s] = -f;
            }
        }
        for j in 0..n + 2 {
            if j != s {
                self.d[r][j] *= inv;
            }
        }
        self.d[r][s] = inv;
        std::mem::swap(&mut self.basis[r], &mut self.nonbasis[s]);
    }

    /// Bland's rule: lowest-index improving column, lowest-index leaving row among ratio ties. No cycling.
    fn run(&mut self, phase: u8) -> bool {
        let x = if phase == 1 { self.m + 1 } else { self.m };
        loop {
            let mut s = usize::MAX;
            for j in 0..=self.n {
                if phase == 2 && self.nonbasis[j] == -1 {
                    continue;
                }
                if self.d[x][j] < -TOL && (s == usize::MAX || self.nonbasis[j] < self.nonbasis[s]) {
                    s = j;
                }
            }
            if s == usize::MAX {
                return true;
            }
            let mut r = usize::MAX;
            for i in 0..self.m {
                if self.d[i][s] <= TOL {
                    continue;
                }
                if r == usize::MAX {
                    r = i;
                    continue;
                }
                let (a, b) = (
                    self.d[i][self.n + 1] / self.d[i][s],
                    self.d[r][self.n + 1] / self.d[r][s],
                );
                if a < b - TOL || (a <= b + TOL && self.basis[i] < self.basis[r]) {
                    r = i;
                }
            }
            if r == usize::MAX {
                return false;
            }
            self.pivot(r, s);
        }
    }

    fn solve(mut self) -> Option<f64> {
        let (m, n) = (self.m, self.n);
        let mut r = 0;
        for i in 1..m {
            if self.d[i][n + 1] < self.d[r][n + 1] {
                r = i;
            }
        }
        if m > 0 && self.d[r][n + 1] < -TOL {
            self.pivot(r, n);
            if !self.run(1) || self.d[m + 1][n + 1] < -1e-8 {
                return None;
            }
            for i in 0..m {
                if self.basis[i] == -1 {
                    let mut s = 0;
                    for j in 1..=n {
                        if self.d[i][j] < self.d[i][s]
                            || (self.d[i][j] == self.d[i][s] && self.nonbasis[j] < self.nonbasis[s])
                        {
                            s = j;
                        }
                    }
                    self.pivot(i, s);
                }
            }
        }
        if !self.run(2) {
            return Some(f64::INFINITY);
        }
        Some(self.d[m][n + 1])
    }
}

#[test]
fn dense_simplex_sanity() {
    // max 3x + 2y, x + y <= 4, x + 3y <= 6, x <= 3 -> (3, 1): 11. With x >= 1 written -x <= -1 too.
    let a = vec![
        vec![1.0, 1.0],
        vec![1.0, 3.0],
        vec![1.0, 0.0],
        vec![-1.0, 0.0],
    ];
    let v = Tableau::new(&a, &[4.0, 6.0, 3.0, -1.0], &[3.0, 2.0])
        .solve()
        .unwrap();
    assert!((v - 11.0).abs() < 1e-12);
    // Infeasible: x <= 1 and x >= 2.
    assert!(Tableau::new(&[vec![1.0], vec![-1.0]], &[1.0, -2.0], &[1.0])
        .solve()
        .is_none());
}

// ---------------------------------------------------------------------------------------------------------
// Random models.

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1000) as f64 / 1000.0 < p
    }
}

fn random_model(seed: u64) -> Model {
    random_model_with(seed, false)
}

/// `roomy`: capacities drawn from a wider range, so that the plan often fits (the region-restricted solver's
/// case).
fn random_model_with(seed: u64, roomy: bool) -> Model {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let tiers = [r.range(1, 3), r.range(1, 3), r.range(1, 3)]; // items per tier; last = platforms
    let mut items = String::from("id,name,kind,export_control,capability\n");
    let mut stages = String::from("id,item,site,value_added,capacity,lead_time,inventory,ttr\n");
    let mut sites = String::from("id,firm,country,lat,lon,name\n");
    let mut inputs = String::from("stage,input_item,qty,supplier,share,lane\n");
    let mut lanes = String::from("id,from_site,to_site,mode,transit_time,chokepoints\n");
    let mut demand = String::from("stage,demand,loss_per_unit\n");
    let mut makers: Vec<Vec<(String, Vec<String>)>> = Vec::new();
    let mut ns = 0;
    let mut nl = 0;
    for (t, &k) in tiers.iter().enumerate() {
        let mut tier = Vec::new();
        for i in 0..k {
            let item = format!("i{t}{i}");
            let kind = if t == 2 { "platform" } else { "component" };
            writeln!(items, "{item},{item},{kind},,").unwrap();
            let nstages = if t == 2 { 1 } else { r.range(1, 3) };
            let mut ids = Vec::new();
            for _ in 0..nstages {
                let s = format!("s{ns}");
                ns += 1;
                let cap = if r.chance(0.3) {
                    String::new()
                } else if roomy {
                    r.range(30, 400).to_string()
                } else {
                    r.range(5, 60).to_string()
                };
                let inv = if r.chance(0.5) { 0 } else { r.range(0, 40) };
                writeln!(stages, "{s},{item},x{s},1,{cap},0,{inv},").unwrap();
                writeln!(sites, "x{s},F,CAN,,,").unwrap();
                if t > 0 {
                    let below = &makers[t - 1];
                    let groups = r.range(1, below.len() as u64);
                    let start = r.range(0, below.len() as u64 - 1) as usize;
                    for gi in 0..groups as usize {
                        let (it, sups) = &below[(start + gi) % below.len()];
                        let qty = r.range(1, 3);
                        let shares_given = r.chance(0.3);
                        for (k, sup) in sups.iter().enumerate() {
                            let share = if shares_given {
                                if k == 0 {
                                    "1".to_string()
                                } else {
                                    "0".to_string()
                                }
                            } else {
                                String::new()
                            };
                            let lane = if r.chance(0.4) {
                                let cp = if r.chance(0.5) { "CP" } else { "" };
                                writeln!(lanes, "L{nl},x{sup},x{s},road,1,{cp}").unwrap();
                                nl += 1;
                                format!("L{}", nl - 1)
                            } else {
                                String::new()
                            };
                            writeln!(inputs, "{s},{it},{qty},{sup},{share},{lane}").unwrap();
                        }
                    }
                }
                if t == 2 {
                    writeln!(demand, "{s},{},{}", r.range(1, 30), r.range(1, 100)).unwrap();
                }
                ids.push(s);
            }
            tier.push((item, ids));
        }
        makers.push(tier);
    }
    TextModel::new("CAN", &[])
        .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
        .table("firms", "id,name,country,parent_country\nF,F,CAN,\n")
        .table("sites", &sites)
        .table("items", &items)
        .table("stages", &stages)
        .table("inputs", &inputs)
        .table("lanes", &lanes)
        .table("demand", &demand)
        .build()
        .expect("random model is valid")
        .model
}

fn random_disruption(m: &Model, seed: u64) -> Disruption {
    let mut r = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
    let mut d = Disruption::default();
    for s in 0..m.stages().len() {
        if r.chance(0.25) {
            d.stages
                .push((StageIx::new(s), if r.chance(0.5) { 0.0 } else { 0.5 }));
        }
    }
    for l in 0..m.lanes().len() {
        if r.chance(0.25) {
            d.lanes
                .push((LaneIx::new(l), if r.chance(0.5) { 0.0 } else { 0.5 }));
        }
    }
    d.normalise();
    d
}

// ---------------------------------------------------------------------------------------------------------
// The whole-network LP, written independently of keel-lp.

/// Planned throughput: demand pushed down planned shares.
fn planned(m: &Model) -> Vec<f64> {
    fn rate(m: &Model, s: usize, memo: &mut Vec<Option<f64>>) -> f64 {
        if let Some(v) = memo[s] {
            return v;
        }
        let mut v = m.demand_of(StageIx::new(s)).map_or(0.0, |d| d.demand);
        for &a in m.buyers_of(StageIx::new(s)) {
            let src = &m.sources()[a.index()];
            let b = m.buyer(a).index();
            v += rate(m, b, memo) * m.groups()[src.group.index()].qty * src.share;
        }
        memo[s] = Some(v);
        v
    }
    let mut memo = vec![None; m.stages().len()];
    (0..m.stages().len())
        .map(|s| rate(m, s, &mut memo))
        .collect()
}

/// Whole-network LP. `t = Some(t)`: min loss over t (returned as a positive loss). `None`: max t <= horizon with
/// the demand of `required` platforms met.
fn whole_lp(m: &Model, d: &Disruption, t: Option<f64>, required: &[bool], horizon: f64) -> f64 {
    let n = m.stages().len();
    let na = m.sources().len();
    let rate = planned(m);
    let sf = |s: usize| {
        d.stages
            .iter()
            .find(|x| x.0.index() == s)
            .map_or(1.0, |x| x.1)
    };
    let lf = |a: usize| {
        m.sources()[a]
            .lane
            .and_then(|l| d.lanes.iter().find(|x| x.0 == l))
            .map_or(1.0, |x| x.1)
    };
    // Columns: u (n), y (na), then l (n, loss mode) or t (1, survive mode).
    let nc = n + na + if t.is_some() { n } else { 1 };
    let tc = n + na;
    let mut a: Vec<Vec<f64>> = Vec::new();
    let mut b: Vec<f64> = Vec::new();
    let mut row = |coefs: &[(usize, f64)], rhs: f64| {
        let mut r = vec![0.0; nc];
        for &(j, v) in coefs {
            r[j] += v;
        }
        a.push(r);
        b.push(rhs);
    };
    for s in 0..n {
        let st = &m.stages()[s];
        let dem = m.demand_of(StageIx::new(s)).map_or(0.0, |x| x.demand);
        // supply: sum_out y - u <= inventory
        let mut c: Vec<(usize, f64)> = m
            .buyers_of(StageIx::new(s))
            .iter()
            .map(|a| (n + a.index(), 1.0))
            .collect();
        if !c.is_empty() {
            c.push((s, -1.0));
            row(&c, st.inventory);
        }
        if dem > 0.0 {
            // demand: l + u + inventory >= d t  ->  -u - l <= inventory - d t
            match t {
                Some(t) => row(&[(s, -1.0), (tc + s, -1.0)], st.inventory - dem * t),
                None if required[s] => row(&[(s, -1.0), (tc, dem)], st.inventory),
                None => {}
            }
        }
        // groups
        for g in m.groups_of(StageIx::new(s)) {
            let mut c = vec![(s, m.groups()[g.index()].qty)];
            c.extend(m.sources_of(g).map(|a| (n + a.index(), -1.0)));
            row(&c, 0.0);
        }
        // capacity
        let f = sf(s);
        let cap = match st.capacity {
            Some(c) => Some(c * f),
            None if f < 1.0 => Some(rate[s] * f),
            None => None,
        };
        if let Some(cap) = cap {
            match t {
                Some(t) => row(&[(s, 1.0)], cap * t),
                None => row(&[(s, 1.0), (tc, -cap)], 0.0),
            }
        }
    }
    for k in 0..na {
        let f = lf(k);
        if f < 1.0 {
            let src = &m.sources()[k];
            let buyer = m.groups()[src.group.index()].stage.index();
            let cap = f * rate[buyer] * m.groups()[src.group.index()].qty * src.share;
            match t {
                Some(t) => row(&[(n + k, 1.0)], cap * t),
                None => row(&[(n + k, 1.0), (tc, -cap)], 0.0),
            }
        }
    }
    let mut c = vec![0.0; nc];
    match t {
        Some(_) => {
            for s in 0..n {
                c[tc + s] = -m
                    .demand_of(StageIx::new(s))
                    .map_or(0.0, |x| x.loss_per_unit);
            }
        }
        None => {
            c[tc] = 1.0;
            row(&[(tc, 1.0)], horizon);
        }
    }
    let v = Tableau::new(&a, &b, &c).solve().expect("feasible");
    if t.is_some() {
        -v
    } else {
        v
    }
}

/// Platforms coupled to the disruption: those sharing an upstream stage, transitively, with a platform whose
/// closure holds a disrupted stage or the buyer of a disrupted lane's source.
fn coupled(m: &Model, d: &Disruption) -> Vec<bool> {
    let n = m.stages().len();
    let plats: Vec<usize> = m.demand_stages().map(keel_model::StageIx::index).collect();
    let closure = |p: usize| {
        let mut seen = vec![false; n];
        let mut st = vec![p];
        while let Some(s) = st.pop() {
            if !std::mem::replace(&mut seen[s], true) {
                for g in m.groups_of(StageIx::new(s)) {
                    st.extend(
                        m.sources_of(g)
                            .map(|a| m.sources()[a.index()].supplier.index()),
                    );
                }
            }
        }
        seen
    };
    let cl: Vec<Vec<bool>> = plats.iter().map(|&p| closure(p)).collect();
    let mut touched: Vec<usize> = d.stages.iter().map(|x| x.0.index()).collect();
    for &(l, _) in &d.lanes {
        for (k, src) in m.sources().iter().enumerate() {
            if src.lane == Some(l) {
                touched.push(m.buyer(keel_model::SourceIx::new(k)).index());
            }
        }
    }
    let mut hit: Vec<bool> = cl.iter().map(|c| touched.iter().any(|&s| c[s])).collect();
    loop {
        let mut changed = false;
        for i in 0..plats.len() {
            for j in 0..plats.len() {
                if hit[i] && !hit[j] && (0..n).any(|s| cl[i][s] && cl[j][s]) {
                    hit[j] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut req = vec![false; n];
    for (k, &p) in plats.iter().enumerate() {
        req[p] = hit[k];
    }
    req
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// What the random disruptions below are said to disrupt: the sweep only ranks by it, and these cases are
/// found back by position.
const ANY: keel_model::Disrupted =
    keel_model::Disrupted::Element(keel_model::Target::Stage(StageIx(0)));

/// Sweeps `cases` and checks every PI (less the undisrupted loss if `baseline`) and TTS against the dense
/// simplex on the whole network.
fn sweep_matches_dense(
    m: &Model,
    lp: &StressLp<'_>,
    cases: &[keel_lp::Case],
    horizon: f64,
    baseline: bool,
) -> Result<(), TestCaseError> {
    let rows = keel_lp::sweep(lp, cases, false, &|_| {}).unwrap();
    let none = vec![false; m.stages().len()];
    for (k, c) in cases.iter().enumerate() {
        let got = rows.iter().find(|r| r.case == k).unwrap();
        let mut pi = whole_lp(m, &c.disruption, Some(c.t), &none, horizon);
        if baseline {
            let base = whole_lp(m, &Disruption::default(), Some(c.t), &none, horizon);
            pi = (pi - base).max(0.0);
        }
        prop_assert!(
            close(got.impact.pi, pi),
            "case {k}: PI {} vs dense {}",
            got.impact.pi,
            pi
        );
        let req = coupled(m, &c.disruption);
        let tts = if req.iter().any(|&x| x) {
            whole_lp(m, &c.disruption, None, &req, horizon)
        } else {
            horizon
        };
        prop_assert!(
            close(got.impact.tts.value, tts),
            "case {k}: TTS {:?} vs dense {}",
            got.impact.tts,
            tts
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn highs_matches_dense_simplex(seed in any::<u64>(), dseed in any::<u64>(), tk in 0usize..3) {
        let m = random_model(seed);
        let d = random_disruption(&m, dseed);
        let t = [1.0, 2.5, 7.0][tk];
        let horizon = 50.0;
        let lp = StressLp::new(&m, horizon).unwrap();
        let got = lp.impact(&d, t, false).unwrap();
        let none = vec![false; m.stages().len()];
        let loss = whole_lp(&m, &d, Some(t), &none, horizon);
        let base = whole_lp(&m, &Disruption::default(), Some(t), &none, horizon);
        let pi = (loss - base).max(0.0);
        prop_assert!(close(got.pi, pi), "PI {} vs dense {} (loss {loss}, base {base})", got.pi, pi);
        let req = coupled(&m, &d);
        let tts = if req.iter().any(|&x| x) { whole_lp(&m, &d, None, &req, horizon) } else { horizon };
        prop_assert!(close(got.tts.value, tts), "TTS {:?} vs dense {}", got.tts, tts);
        prop_assert_eq!(got.tts.at_least, tts >= horizon * (1.0 - 1e-9));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// The sweep re-solves warm LPs (rows added and voided in sequence); every case must still match.
    #[test]
    fn warm_sweep_matches_dense_simplex(seed in any::<u64>(), dseeds in proptest::collection::vec(any::<u64>(), 20)) {
        let m = random_model(seed);
        let horizon = 50.0;
        let lp = StressLp::new(&m, horizon).unwrap();
        let cases: Vec<keel_lp::Case> = dseeds
            .iter()
            .enumerate()
            .map(|(k, &ds)| keel_lp::Case {
                subject: ANY,
                disruption: random_disruption(&m, ds),
                t: [1.0, 2.5, 7.0, 60.0][k % 4],
            })
            .collect();
        sweep_matches_dense(&m, &lp, &cases, horizon, true)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, max_global_rejects: 4000, ..ProptestConfig::default() })]

    /// Models whose plan fits every capacity are swept by the region-restricted solver (src/local.rs): every
    /// case must match the dense simplex on the whole network.
    #[test]
    fn local_sweep_matches_dense_simplex(seed in any::<u64>(), dseeds in proptest::collection::vec(any::<u64>(), 12)) {
        let m = random_model_with(seed, true);
        let horizon = 50.0;
        let lp = StressLp::new(&m, horizon).unwrap();
        prop_assume!(lp.local_components() == lp.components());
        let cases: Vec<keel_lp::Case> = dseeds
            .iter()
            .enumerate()
            .map(|(k, &ds)| {
                let mut disruption = random_disruption(&m, ds);
                // Half the cases stop a single stage, the sweep's usual case.
                if k % 2 == 0 && !disruption.stages.is_empty() {
                    disruption.stages.truncate(1);
                    disruption.lanes.clear();
                }
                keel_lp::Case { subject: ANY, disruption, t: [1.0, 2.5, 7.0, 60.0][k % 4] }
            })
            .collect();
        // The plan fits, so the undisrupted loss is 0: no baseline to subtract.
        sweep_matches_dense(&m, &lp, &cases, horizon, false)?;
    }
}
