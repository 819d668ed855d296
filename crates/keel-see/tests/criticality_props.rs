//! Property tests: the set propagation (and the pair search) against brute-force removal on random small models.
//!
//! Brute force: for every element, remove what it reaches ([`Model::target_stages`], [`Model::target_lanes`]),
//! run the plain feasibility pass ([`buildable`]) and see which platforms fall. For pairs, remove every pair.

use keel_model::{
    BlocIx, ChokeIx, CountryIx, ElementKind, FirmIx, GroupIx, LaneIx, Model, SiteIx, StageIx,
    Target, TextModel,
};
use keel_see::criticality::{buildable, single_points_of_failure, spof_pairs, KINDS};
use proptest::prelude::*;

/// SplitMix64: the model is drawn from one proptest seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

/// A random DAG of 3-15 stages over 4 countries (random blocs), 2-6 sites with 1-4 firms, 2-5 items; stage `j`
/// may buy an item from any earlier stage making it (1-3 alternatives), over a lane (some shared, 0-2 of 3
/// chokepoints) when the sites differ; shares sometimes `1, 0, ...` (zero-share alternatives); 1-3 platforms.
fn random_model(seed: u64) -> Model {
    let mut r = Rng(seed);
    let blocs = ["NATO", "EU", "FVEY"];
    let countries = ["CAN", "USA", "DEU", "FRA"];
    let mut c = String::from("code,name,blocs\n");
    for code in countries {
        let tags: Vec<&str> = blocs.iter().copied().filter(|_| r.chance(50)).collect();
        c += &format!("{code},{code},{}\n", tags.join(";"));
    }
    let nfirms = 1 + r.below(4);
    let mut f = String::from("id,name,country\n");
    for i in 0..nfirms {
        f += &format!("f{i},F{i},{}\n", countries[r.below(4)]);
    }
    let nsites = 2 + r.below(5);
    let mut s = String::from("id,firm,country\n");
    for i in 0..nsites {
        s += &format!("s{i},f{},{}\n", r.below(nfirms), countries[r.below(4)]);
    }
    let nitems = 2 + r.below(4);
    let mut it = String::from("id,name,kind\n");
    for i in 0..nitems {
        it += &format!("i{i},I{i},component\n");
    }
    let n = 3 + r.below(13);
    let item: Vec<usize> = (0..n).map(|_| r.below(nitems)).collect();
    let site: Vec<usize> = (0..n).map(|_| r.below(nsites)).collect();
    let mut st = String::from("id,item,site,value_added\n");
    for j in 0..n {
        st += &format!("t{j},i{},s{},1\n", item[j], site[j]);
    }
    let chokes = ["Bridge", "Port", "Canal"];
    let mut lanes: Vec<(usize, usize, String)> = Vec::new();
    let mut ln = String::from("id,from_site,to_site,mode,transit_time,chokepoints\n");
    let mut inp = String::from("stage,input_item,qty,supplier,share,lane\n");
    for j in 1..n {
        for x in 0..nitems {
            if x == item[j] || !r.chance(45) {
                continue;
            }
            let makers: Vec<usize> = (0..j).filter(|&i| item[i] == x).collect();
            if makers.is_empty() {
                continue;
            }
            let k = 1 + r.below(makers.len().min(3));
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < k {
                let m = makers[r.below(makers.len())];
                if !chosen.contains(&m) {
                    chosen.push(m);
                }
            }
            let skewed = chosen.len() > 1 && r.chance(30);
            for (q, &sup) in chosen.iter().enumerate() {
                let share = if skewed {
                    if q == 0 {
                        "1"
                    } else {
                        "0"
                    }
                } else {
                    ""
                };
                let lane = if site[sup] != site[j] && r.chance(60) {
                    let (a, b) = (site[sup], site[j]);
                    let existing: Vec<usize> = (0..lanes.len())
                        .filter(|&l| lanes[l].0 == a && lanes[l].1 == b)
                        .collect();
                    if !existing.is_empty() && r.chance(50) {
                        lanes[existing[r.below(existing.len())]].2.clone()
                    } else {
                        let id = format!("L{}", lanes.len());
                        let cps: Vec<&str> =
                            chokes.iter().copied().filter(|_| r.chance(30)).collect();
                        ln += &format!("{id},s{a},s{b},road,1,{}\n", cps.join(";"));
                        lanes.push((a, b, id.clone()));
                        id
                    }
                } else {
                    String::new()
                };
                inp += &format!("t{j},i{x},1,t{sup},{share},{lane}\n");
            }
        }
    }
    let mut platforms = vec![n - 1];
    for _ in 0..r.below(3) {
        let p = r.below(n);
        if !platforms.contains(&p) {
            platforms.push(p);
        }
    }
    let mut d = String::from("stage,demand,loss_per_unit\n");
    for p in platforms {
        d += &format!("t{p},1,1\n");
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
        .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"))
        .model
}

fn elements(m: &Model, kind: ElementKind) -> Vec<Target> {
    match kind {
        ElementKind::Stage => (0..m.stages().len())
            .map(|i| Target::Stage(StageIx::new(i)))
            .collect(),
        ElementKind::Site => (0..m.sites().len())
            .map(|i| Target::Site(SiteIx::new(i)))
            .collect(),
        ElementKind::Firm => (0..m.firms().len())
            .map(|i| Target::Firm(FirmIx::new(i)))
            .collect(),
        ElementKind::Country => (0..m.countries().len())
            .map(|i| Target::Country(CountryIx::new(i)))
            .collect(),
        ElementKind::Bloc => (0..m.blocs().len())
            .map(|i| Target::Bloc(BlocIx::new(i)))
            .collect(),
        ElementKind::Lane => (0..m.lanes().len())
            .map(|i| Target::Lane(LaneIx::new(i)))
            .collect(),
        ElementKind::Chokepoint => (0..m.chokepoints().len())
            .map(|i| Target::Chokepoint(ChokeIx::new(i)))
            .collect(),
        // Not in criticality::KINDS: the analysis ignores them.
        ElementKind::Regime | ElementKind::Item => Vec::new(),
    }
}

/// Which platforms (by demand row) are buildable with the targets removed.
fn survivors(m: &Model, removed: &[Target]) -> Vec<bool> {
    let mut dead_stages = vec![false; m.stages().len()];
    let mut dead_lanes = vec![false; m.lanes().len()];
    for &t in removed {
        for s in m.target_stages(t) {
            dead_stages[s.index()] = true;
        }
        for l in m.target_lanes(t) {
            dead_lanes[l.index()] = true;
        }
    }
    let ok = buildable(m, &dead_stages, &dead_lanes);
    m.demand_stages().map(|p| ok[p.index()]).collect()
}

fn brute_spofs(m: &Model, kinds: &[ElementKind]) -> Vec<Vec<Target>> {
    let base = survivors(m, &[]);
    let mut out = vec![Vec::new(); base.len()];
    for &k in kinds {
        for e in elements(m, k) {
            let after = survivors(m, &[e]);
            for p in 0..base.len() {
                if base[p] && !after[p] {
                    out[p].push(e);
                }
            }
        }
    }
    out
}

fn brute_pairs(m: &Model, kind: ElementKind) -> Vec<Vec<(Target, Target)>> {
    let base = survivors(m, &[]);
    let els = elements(m, kind);
    let single: Vec<Vec<bool>> = els.iter().map(|&e| survivors(m, &[e])).collect();
    let mut out = vec![Vec::new(); base.len()];
    for a in 0..els.len() {
        for b in a + 1..els.len() {
            let after = survivors(m, &[els[a], els[b]]);
            for p in 0..base.len() {
                if base[p] && single[a][p] && single[b][p] && !after[p] {
                    out[p].push((els[a], els[b]));
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Every kind at once, and a random subset of kinds (restricting the sets must not change the answer).
    #[test]
    fn spofs_match_brute_force(seed in any::<u64>(), mask in 1u8..128) {
        let m = random_model(seed);
        let all = KINDS;
        let got = single_points_of_failure(&m, &all);
        let want = brute_spofs(&m, &all);
        let base = survivors(&m, &[]);
        for (p, g) in got.iter().enumerate() {
            prop_assert_eq!(g.buildable, base[p]);
            prop_assert_eq!(&g.spofs, &want[p], "seed {} platform {}", seed, p);
        }
        let some: Vec<ElementKind> = all.iter().copied().filter(|k| mask & (1 << *k as u8) != 0).collect();
        let got = single_points_of_failure(&m, &some);
        let want = brute_spofs(&m, &some);
        for (p, g) in got.iter().enumerate() {
            prop_assert_eq!(&g.spofs, &want[p], "seed {} platform {} kinds {:?}", seed, p, some);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn pairs_match_brute_force(seed in any::<u64>()) {
        let m = random_model(seed);
        for kind in [ElementKind::Country, ElementKind::Firm, ElementKind::Stage, ElementKind::Chokepoint] {
            let got = spof_pairs(&m, kind, u64::MAX).unwrap();
            let want = brute_pairs(&m, kind);
            for (p, g) in got.iter().enumerate() {
                prop_assert_eq!(&g.pairs, &want[p], "seed {} platform {} kind {:?}", seed, p, kind);
            }
        }
    }
}

/// The random models do exercise what matters: some platforms have alternatives that hide a stage, and some
/// minimal pairs exist.
#[test]
fn generator_covers_interesting_cases() {
    let (mut hidden, mut pairs, mut chokes) = (0, 0, 0);
    for seed in 0..300 {
        let m = random_model(seed);
        let s = single_points_of_failure(&m, &[ElementKind::Stage, ElementKind::Chokepoint]);
        if (0..m.groups().len()).any(|g| m.sources_of(GroupIx::new(g)).len() > 1) {
            hidden += 1;
        }
        chokes += s
            .iter()
            .filter(|p| p.spofs.iter().any(|t| matches!(t, Target::Chokepoint(_))))
            .count();
        pairs += spof_pairs(&m, ElementKind::Stage, u64::MAX)
            .unwrap()
            .iter()
            .filter(|p| !p.pairs.is_empty())
            .count();
    }
    assert!(hidden > 100, "{hidden}");
    assert!(pairs > 50, "{pairs}");
    assert!(chokes > 20, "{chokes}");
}
