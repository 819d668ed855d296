//! A reproducible synthetic defence industrial base of any size, for tests and benchmarks.
//!
//! The model is layered in tiers: platforms on tier 0, raw materials on the last tier, with more stages on lower
//! tiers (tier sizes grow geometrically by [`TIER_GROWTH`]). Every item is made by 1-5 stages (its producers) on
//! its own tier. A stage's input items come from the next tier down (80%) or deeper, so the bill of materials is
//! acyclic by construction, and each input names 1-5 of that item's producers as alternative suppliers (so the
//! supplier always makes the input item). Capacities are set from the flow needed to meet platform demand,
//! computed top-down (`flow(supplier) += flow(buyer) x qty x share`), times U(1.1, 2.0), so the undisrupted
//! model meets demand. With [`GenOptions::options`] it also writes investment options (`options.csv`) and the
//! candidate stages of their second sources, from a random stream of their own, appended after everything
//! else. The distributions are documented in `docs/generate.md`.
//!
//! Everything is drawn from one `ChaCha8Rng` seeded with the seed, in a fixed order, and nothing iterates a
//! hash map, so the same options give the same tables byte for byte.
//!
//! # Complexity
//! O(S + R) time and memory for S stages and R input rows (a few seconds for a million input rows).

use keel_model::{header_of, MemModel, MemTable, RawMeta, StringRecord, NONE};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How big a model to make, and from which seed.
#[derive(Clone, Debug)]
pub struct GenOptions {
    /// Total number of stages (platform stages included). Ignored when `input_rows` is given.
    pub stages: usize,
    pub seed: u64,
    /// Number of platform stages (one platform item each); default about sqrt(stages)/2, at least 3.
    pub platforms: Option<usize>,
    /// Size target in input rows instead of stages: the stage count is tuned until the model has about this
    /// many rows of `inputs.csv` (within about 2%).
    pub input_rows: Option<usize>,
    /// Investment options to add (`options.csv`, with candidate stages for the `source` ones); 0 adds none and
    /// leaves every other table as it is without options.
    pub options: usize,
    /// Random scenarios to add after the fixed ones (outages of stages, sites, firms and items, full or
    /// partial), sharing at most [`RANDOM_SCENARIOS_MASS`] of probability; 0 adds none.
    pub scenarios: usize,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            stages: 1000,
            seed: 1,
            platforms: None,
            input_rows: None,
            options: 0,
            scenarios: 0,
        }
    }
}

/// Ratio of stage counts of consecutive tiers below the platforms.
pub const TIER_GROWTH: f64 = 1.5;

/// Share of the stages whose home is the home country (`CAN`); the rest follow [`COUNTRIES`]' weights.
const HOME: &str = "CAN";

/// (code, name, blocs, relative weight of firms, latitude, longitude of an industrial centre).
/// Bloc memberships as of 2024 (Sweden and Finland in NATO; New Zealand in the NTIB since the FY2024 NDAA).
const COUNTRIES: [(&str, &str, &str, f64, f64, f64); 25] = [
    ("CAN", "Canada", "NATO;NTIB;FVEY", 30.0, 45.4, -75.7),
    ("USA", "United States", "NATO;NTIB;FVEY", 25.0, 39.0, -84.5),
    ("GBR", "United Kingdom", "NATO;NTIB;FVEY", 6.0, 52.5, -1.9),
    ("AUS", "Australia", "NTIB;FVEY", 2.0, -34.9, 138.6),
    ("NZL", "New Zealand", "NTIB;FVEY", 0.5, -36.8, 174.8),
    ("FRA", "France", "NATO;EU", 4.0, 45.8, 4.8),
    ("DEU", "Germany", "NATO;EU", 5.0, 48.8, 9.2),
    ("ITA", "Italy", "NATO;EU", 2.5, 45.5, 9.2),
    ("ESP", "Spain", "NATO;EU", 1.5, 40.4, -3.7),
    ("NLD", "Netherlands", "NATO;EU", 1.5, 51.9, 4.5),
    ("BEL", "Belgium", "NATO;EU", 1.0, 50.6, 5.6),
    ("NOR", "Norway", "NATO", 1.0, 59.6, 9.6),
    ("SWE", "Sweden", "NATO;EU", 1.5, 59.4, 13.5),
    ("FIN", "Finland", "NATO;EU", 0.7, 61.5, 23.8),
    ("POL", "Poland", "NATO;EU", 1.0, 50.1, 19.9),
    ("DNK", "Denmark", "NATO;EU", 0.5, 56.2, 10.2),
    ("CZE", "Czechia", "NATO;EU", 0.7, 49.2, 16.6),
    ("TUR", "Turkey", "NATO", 1.0, 39.9, 32.9),
    ("JPN", "Japan", "", 2.0, 35.2, 136.9),
    ("KOR", "South Korea", "", 1.5, 35.2, 129.1),
    ("ISR", "Israel", "", 1.0, 32.8, 35.0),
    ("TWN", "Taiwan", "", 1.0, 24.8, 121.0),
    ("IND", "India", "", 0.7, 13.0, 77.6),
    ("CHN", "China", "", 2.0, 31.2, 121.5),
    ("MEX", "Mexico", "", 1.0, 25.7, -100.3),
];

/// Real maritime chokepoints, any sea lane may pass one or two.
const SEA_CHOKEPOINTS: [&str; 12] = [
    "Strait of Hormuz",
    "Strait of Malacca",
    "Suez Canal",
    "Bab-el-Mandeb",
    "Panama Canal",
    "Strait of Gibraltar",
    "Taiwan Strait",
    "English Channel",
    "Danish Straits",
    "Bosporus",
    "St. Lawrence Seaway",
    "Port of Rotterdam",
];

/// Real land and port chokepoints of North America, used by road and rail lanes touching Canada.
const LAND_CHOKEPOINTS: [&str; 8] = [
    "Ambassador Bridge",
    "Blue Water Bridge",
    "Peace Bridge",
    "CN Kingston Subdivision",
    "CN Yale Subdivision",
    "Port of Montreal",
    "Port of Vancouver",
    "Port of Halifax",
];

const CAPABILITIES: [&str; 10] = [
    "munitions",
    "shipbuilding",
    "aerospace",
    "land-systems",
    "electronics",
    "energetics",
    "materials",
    "c4isr",
    "space",
    "sustainment",
];

const NAME_A: [&str; 16] = [
    "Arden", "Belmar", "Caldor", "Dunmore", "Elston", "Fairholt", "Garvin", "Halden", "Irwell",
    "Jarrow", "Kestrel", "Linmoor", "Marlow", "Norcross", "Orwen", "Penrith",
];
const NAME_B: [&str; 12] = [
    "Dynamics",
    "Systems",
    "Industries",
    "Aerospace",
    "Metals",
    "Precision",
    "Electronics",
    "Marine",
    "Defence",
    "Materials",
    "Technologies",
    "Munitions",
];

/// The numeric skeleton of a model, before any text: enough to count rows when tuning the size.
struct Plan {
    /// Stage ranges of each tier: tier t holds stages `tier_start[t]..tier_start[t + 1]`.
    tier_start: Vec<usize>,
    /// Item ranges of each tier.
    item_tier_start: Vec<usize>,
    /// First producer stage of each item; item i is made by stages `item_first[i]..item_first[i + 1]`.
    item_first: Vec<usize>,
    item_of: Vec<u32>,
    /// Per stage, its groups are `group_start[s]..group_start[s + 1]`.
    group_start: Vec<usize>,
    groups: Vec<PGroup>,
    rows: usize,
}

/// One input item of a stage: suppliers are producers `first, first+1, ... (first + m - 1)` modulo the item's
/// producer count.
#[derive(Clone, Copy)]
struct PGroup {
    item: u32,
    first: u32,
    m: u32,
}

/// Alternative-supplier count wanted for one input: 1 (45%), 2 (45%), 3-5 (10%), then capped by the item's
/// producer count, which gives about 2/3 single-sourced inputs overall.
fn draw_m(rng: &mut ChaCha8Rng) -> u32 {
    let u: f64 = rng.random();
    if u < 0.45 {
        1
    } else if u < 0.9 {
        2
    } else {
        rng.random_range(3..=5)
    }
}

/// Producer count of one item: 1 (40%), 2 (35%), 3 (15%), 4-5 (10%).
fn draw_producers(rng: &mut ChaCha8Rng) -> usize {
    let u: f64 = rng.random();
    if u < 0.40 {
        1
    } else if u < 0.75 {
        2
    } else if u < 0.90 {
        3
    } else {
        rng.random_range(4..=5)
    }
}

/// Fan-in (distinct input items) of a stage: most 1-4, 15% 5-20; platforms 4-20.
fn draw_fan_in(rng: &mut ChaCha8Rng, platform: bool) -> usize {
    if platform {
        return rng.random_range(4..=20);
    }
    if rng.random::<f64>() < 0.85 {
        rng.random_range(1..=4)
    } else {
        rng.random_range(5..=20)
    }
}

fn tiers_for(stages: usize) -> usize {
    match stages {
        0..=999 => 6,
        1_000..=9_999 => 7,
        10_000..=99_999 => 8,
        100_000..=999_999 => 9,
        _ => 10,
    }
}

fn plan(stages: usize, platforms: Option<usize>, rng: &mut ChaCha8Rng) -> Plan {
    let tiers = tiers_for(stages);
    let n = stages.max(tiers);
    let p = platforms
        .unwrap_or(((n as f64).sqrt() / 2.0).round() as usize)
        .clamp(1, n - (tiers - 1));
    // Tier sizes below the platforms: geometric weights, each tier at least one stage.
    let rest = n - p;
    let w: Vec<f64> = (0..tiers - 1).map(|k| TIER_GROWTH.powi(k as i32)).collect();
    let wsum: f64 = w.iter().sum();
    let mut sizes = vec![p];
    let mut used = 0;
    for (k, wk) in w.iter().enumerate() {
        let left_tiers = tiers - 2 - k;
        let sz = if left_tiers == 0 {
            rest - used
        } else {
            ((rest as f64 * wk / wsum).round() as usize).clamp(1, rest - used - left_tiers)
        };
        sizes.push(sz);
        used += sz;
    }
    let mut tier_start = vec![0];
    for s in &sizes {
        tier_start.push(tier_start.last().copied().unwrap_or(0) + s);
    }
    // Items: platforms have one stage each; lower tiers draw producer counts until the tier is full.
    let mut item_first = Vec::new();
    let mut item_tier_start = vec![0];
    let mut item_of = vec![0u32; n];
    for t in 0..tiers {
        let (a, b) = (tier_start[t], tier_start[t + 1]);
        let mut s = a;
        while s < b {
            let k = if t == 0 {
                1
            } else {
                draw_producers(rng).min(b - s)
            };
            let i = item_first.len() as u32;
            item_first.push(s);
            item_of[s..s + k].fill(i);
            s += k;
        }
        item_tier_start.push(item_first.len());
    }
    item_first.push(n);

    let n_items = item_first.len() - 1;
    let mut cursor = vec![0u32; n_items];
    // Each item's last group so far (NONE: none yet).
    let mut last_group = vec![NONE; n_items];
    let mut group_start = vec![0usize; n + 1];
    let mut groups: Vec<PGroup> = Vec::with_capacity(n * 3);
    let mut fan = Vec::new();
    let mut perm: Vec<u32> = Vec::new();
    let mut mine: Vec<u32> = Vec::with_capacity(32);
    for t in 0..tiers {
        let (a, b) = (tier_start[t], tier_start[t + 1]);
        if t + 1 == tiers {
            group_start[a + 1..=b].fill(groups.len());
            break;
        }
        let (ia, ib) = (item_tier_start[t + 1], item_tier_start[t + 2]);
        let next_items = ib - ia;
        // Split each stage's fan-in into next-tier and deeper slots, then make sure there are enough next-tier
        // slots to give every next-tier item a buyer (so no stage's output goes nowhere).
        fan.clear();
        let deep_tiers = tiers - t - 2;
        for _ in a..b {
            let k = draw_fan_in(rng, t == 0);
            let mut near = 0;
            let mut deep = 0;
            for _ in 0..k {
                if deep_tiers > 0 && rng.random::<f64>() < 0.2 {
                    deep += 1;
                } else {
                    near += 1;
                }
            }
            fan.push((near.min(next_items), deep));
        }
        let mut total: usize = fan.iter().map(|f| f.0).sum();
        let mut k = 0;
        let len = fan.len();
        while total < next_items {
            let f = &mut fan[k % len];
            if f.0 < next_items {
                f.0 += 1;
                total += 1;
            }
            k += 1;
        }
        perm.clear();
        perm.extend(ia as u32..ib as u32);
        perm.shuffle(rng);
        let mut next_uncovered = 0;
        for (j, s) in (a..b).enumerate() {
            mine.clear();
            let (near, deep) = fan[j];
            for _ in 0..near {
                let item = if next_uncovered < perm.len() {
                    next_uncovered += 1;
                    perm[next_uncovered - 1]
                } else {
                    match pick(rng, ia, ib, &mine) {
                        Some(i) => i,
                        None => continue,
                    }
                };
                mine.push(item);
            }
            for _ in 0..deep {
                let u = rng.random_range(t + 2..tiers);
                if let Some(i) = pick(rng, item_tier_start[u], item_tier_start[u + 1], &mine) {
                    mine.push(i);
                }
            }
            for &item in &mine {
                let i = item as usize;
                let producers = (item_first[i + 1] - item_first[i]) as u32;
                let m = draw_m(rng).min(producers);
                last_group[i] = groups.len() as u32;
                groups.push(PGroup {
                    item,
                    first: cursor[i] % producers,
                    m,
                });
                cursor[i] += m;
            }
            group_start[s + 1] = groups.len();
        }
    }
    // Round-robin choice covers producers 0..sum(m); widen each item's last group to cover the rest, so every
    // producer has a buyer.
    for i in item_tier_start[1]..n_items {
        let producers = (item_first[i + 1] - item_first[i]) as u32;
        if cursor[i] < producers && last_group[i] != NONE {
            let g = &mut groups[last_group[i] as usize];
            g.m = (g.m + producers - cursor[i]).min(producers);
        }
    }
    let rows = groups.iter().map(|g| g.m as usize).sum();
    Plan {
        tier_start,
        item_tier_start,
        item_first,
        item_of,
        group_start,
        groups,
        rows,
    }
}

/// A random item of `lo..hi` not in `mine`, or `None` after a few tries (tiny tiers).
fn pick(rng: &mut ChaCha8Rng, lo: usize, hi: usize, mine: &[u32]) -> Option<u32> {
    if hi <= lo {
        return None;
    }
    for _ in 0..8 {
        let i = rng.random_range(lo..hi) as u32;
        if !mine.contains(&i) {
            return Some(i);
        }
    }
    None
}

/// Formats a positive quantity with about five significant digits and no exponent.
fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    let dec = (4 - mag).clamp(0, 9) as usize;
    let s = format!("{v:.dec$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Log-uniform draw in `[lo, hi)`.
fn log_uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp()
}

/// Appends a row, sizing the record once: generated tables hold millions of rows.
fn row(t: &mut MemTable, fields: &[&str]) {
    let len = fields.iter().map(|f| f.len()).sum();
    let mut rec = StringRecord::with_capacity(len, fields.len());
    for f in fields {
        rec.push_field(f);
    }
    t.push_at(t.len() as u64 + 2, rec);
}

fn table(stem: &str) -> MemTable {
    MemTable::new(
        format!("{stem}.csv"),
        header_of(stem).split(',').map(str::to_string).collect(),
    )
}

/// Makes a synthetic model. Same options, same model (byte for byte once written).
pub fn generate(opts: &GenOptions) -> MemModel {
    let mut stages = opts.stages.max(6);
    let seed = opts.seed;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut p = plan(stages, opts.platforms, &mut rng);
    if let Some(target) = opts.input_rows {
        // Rows grow about linearly with stages, so rescaling converges in two or three plans.
        for _ in 0..8 {
            let ratio = target.max(1) as f64 / p.rows.max(1) as f64;
            let next = ((stages as f64 * ratio).round() as usize)
                .max(6)
                .max(opts.platforms.map_or(0, |pl| pl + 10));
            if (ratio - 1.0).abs() < 0.02 || next == stages {
                break;
            }
            stages = next;
            rng = ChaCha8Rng::seed_from_u64(seed);
            p = plan(stages, opts.platforms, &mut rng);
        }
    }
    render(&p, seed, opts, &mut rng)
}

/// Turns a plan into tables. Each piece draws from `rng` in turn, in this fixed order, so the output depends
/// only on the seed: geography (firms, sites), items, demand, inputs with their lanes, stages, scenarios. The
/// options and the random scenarios come last, each from a stream of its own, so asking for them changes no
/// other row.
fn render(p: &Plan, seed: u64, opts: &GenOptions, rng: &mut ChaCha8Rng) -> MemModel {
    let n_options = opts.options;
    let n = p.item_of.len();
    let tiers = p.tier_start.len() - 1;
    let geo = geography(n, rng);
    let items = items(p, rng);
    let stage_ids: Vec<String> = (0..n)
        .map(|s| {
            let i = p.item_of[s] as usize;
            format!("{}/{}", items.ids[i], s - p.item_first[i] + 1)
        })
        .collect();
    let (demand, mut flow) = demand(p, &stage_ids, rng);
    let mut links = inputs_and_lanes(p, &geo, &items, &stage_ids, &mut flow, rng);
    let mut stages = stages(p, &geo, &items, &stage_ids, &flow, rng);
    let mut scenarios = scenarios(p, &geo, &items, &links.choke_used, rng);
    random_scenarios(
        &mut scenarios,
        opts.scenarios,
        seed,
        &stage_ids,
        &geo,
        &items.ids,
    );
    let options_table = (n_options > 0).then(|| {
        let world = World {
            p,
            site_ids: &geo.site_ids,
            stage_site: &geo.stage_site,
            item_ids: &items.ids,
            stage_ids: &stage_ids,
            flow: &flow,
            group_qty: &links.group_qty,
        };
        options(&world, n_options, seed, &mut stages, &mut links.inputs)
    });
    let mut tables = vec![
        ("countries".into(), geo.countries),
        ("firms".into(), geo.firms),
        ("sites".into(), geo.sites),
        ("items".into(), items.table),
        ("stages".into(), stages),
        ("lanes".into(), links.lanes),
        ("inputs".into(), links.inputs),
        ("demand".into(), demand),
        ("scenarios".into(), scenarios),
    ];
    if let Some(t) = options_table {
        tables.push(("options".into(), t));
    }
    MemModel {
        meta: meta(n, tiers, seed, p.rows),
        tables,
    }
}

/// Countries drawn by weight (the fourth field of [`COUNTRIES`]).
struct CountryDraw {
    cum: Vec<f64>,
    total: f64,
}

impl CountryDraw {
    fn new() -> Self {
        let cum: Vec<f64> = COUNTRIES
            .iter()
            .scan(0.0, |acc, c| {
                *acc += c.3;
                Some(*acc)
            })
            .collect();
        let total = cum[cum.len() - 1];
        CountryDraw { cum, total }
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> usize {
        let u = rng.random::<f64>() * self.total;
        self.cum
            .partition_point(|&c| c <= u)
            .min(COUNTRIES.len() - 1)
    }
}

/// Who and where: countries, firms, sites, and the site of every stage.
struct Geography {
    countries: MemTable,
    firms: MemTable,
    sites: MemTable,
    n_firms: usize,
    site_ids: Vec<String>,
    site_country: Vec<usize>,
    stage_site: Vec<usize>,
}

/// Sites hold about two stages each, firms about three sites each; shuffled assignments guarantee that every
/// firm has a site and every site a stage.
fn geography(n: usize, rng: &mut ChaCha8Rng) -> Geography {
    let mut countries = table("countries");
    for c in &COUNTRIES {
        countries.push([c.0, c.1, c.2]);
    }
    let pick_country = CountryDraw::new();
    let n_sites = n.div_ceil(2).max(1);
    let n_firms = n_sites.div_ceil(3).max(1);
    let mut firms = table("firms");
    let mut firm_country = Vec::with_capacity(n_firms);
    for f in 0..n_firms {
        let c = pick_country.draw(rng);
        firm_country.push(c);
        let parent = if rng.random::<f64>() < 0.12 {
            let mut q = pick_country.draw(rng);
            if q == c {
                q = (q + 1) % COUNTRIES.len();
            }
            COUNTRIES[q].0
        } else {
            ""
        };
        let name = format!(
            "{} {} {}",
            NAME_A[rng.random_range(0..NAME_A.len())],
            NAME_B[rng.random_range(0..NAME_B.len())],
            f + 1
        );
        firms.push([format!("F{f:06}").as_str(), &name, COUNTRIES[c].0, parent]);
    }
    let site_firm = covering(rng, n_sites, n_firms);
    let mut sites = table("sites");
    let mut site_country = Vec::with_capacity(n_sites);
    for (s, &f) in site_firm.iter().enumerate() {
        // Most sites are in their firm's country; some firms run plants abroad.
        let c = if rng.random::<f64>() < 0.85 {
            firm_country[f]
        } else {
            pick_country.draw(rng)
        };
        site_country.push(c);
        let lat = COUNTRIES[c].4 + rng.random_range(-2.0..2.0);
        let lon = COUNTRIES[c].5 + rng.random_range(-3.0..3.0);
        sites.push([
            format!("X{s:07}"),
            format!("F{f:06}"),
            COUNTRIES[c].0.to_string(),
            format!("{lat:.3}"),
            format!("{lon:.3}"),
            format!("Site {} of firm {}", s + 1, f + 1),
        ]);
    }
    let stage_site = covering(rng, n, n_sites);
    let site_ids: Vec<String> = (0..n_sites).map(|s| format!("X{s:07}")).collect();
    Geography {
        countries,
        firms,
        sites,
        n_firms,
        site_ids,
        site_country,
        stage_site,
    }
}

/// The items table, with each item's id and tier.
struct Items {
    table: MemTable,
    ids: Vec<String>,
    tier: Vec<usize>,
}

/// Item kinds follow the tier (platforms on top, materials at the bottom); export controls concentrate on
/// platforms, subsystems and components near the top.
fn items(p: &Plan, rng: &mut ChaCha8Rng) -> Items {
    let tiers = p.tier_start.len() - 1;
    let n_items = p.item_first.len() - 1;
    let mut table = table("items");
    let mut ids = Vec::with_capacity(n_items);
    let mut tier = vec![0usize; n_items];
    for t in 0..tiers {
        tier[p.item_tier_start[t]..p.item_tier_start[t + 1]].fill(t);
    }
    for (i, &t) in tier.iter().enumerate() {
        let kind = if t == 0 {
            "platform"
        } else if t + 1 == tiers {
            "material"
        } else if rng.random::<f64>() < 0.05 {
            "service"
        } else if t <= tiers / 3 {
            "subsystem"
        } else {
            "component"
        };
        let u: f64 = rng.random();
        let controlled = if t + 1 == tiers { 0.02 } else { 0.12 };
        let control = if u < controlled / 2.0 {
            format!(
                "ITAR:{}",
                ["IV", "VIII", "XI", "XII", "XIX"][rng.random_range(0..5)]
            )
        } else if u < controlled {
            ["EAR:3A001", "EAR:9A610", "EAR:1C010", "EAR:7A994"][rng.random_range(0..4)].to_string()
        } else {
            String::new()
        };
        let cap = CAPABILITIES[rng.random_range(0..CAPABILITIES.len())];
        let id = format!("T{t}-I{i:07}");
        table.push([
            id.as_str(),
            &format!("{kind} {i} (tier {t})"),
            kind,
            &control,
            cap,
        ]);
        ids.push(id);
    }
    Items { table, ids, tier }
}

/// Demand on platforms (the stages of tier 0), and the flow it starts: each platform's flow is its demand.
fn demand(p: &Plan, stage_ids: &[String], rng: &mut ChaCha8Rng) -> (MemTable, Vec<f64>) {
    let mut flow = vec![0.0f64; stage_ids.len()];
    let mut demand = table("demand");
    for s in p.tier_start[0]..p.tier_start[1] {
        let d = log_uniform(rng, 0.01, 50.0);
        let d: f64 = num(d).parse().unwrap_or(d);
        flow[s] = d;
        demand.push([
            stage_ids[s].clone(),
            num(d),
            num(log_uniform(rng, 1e3, 1e7)),
        ]);
    }
    (demand, flow)
}

/// The inputs and lanes tables, and which sea chokepoints some lane passes.
struct Links {
    inputs: MemTable,
    lanes: MemTable,
    choke_used: [bool; SEA_CHOKEPOINTS.len()],
    /// `qty` of each group of the plan (a candidate supplier row must repeat it).
    group_qty: Vec<f64>,
}

/// One row per (stage, input item, supplier), and a lane for a quarter of the rows between two sites. Stages
/// are numbered tier by tier, so every buyer precedes its suppliers and a forward pass has each stage's full
/// flow before it passes flow on (`flow(supplier) += flow(buyer) x qty x share`).
fn inputs_and_lanes(
    p: &Plan,
    geo: &Geography,
    items: &Items,
    stage_ids: &[String],
    flow: &mut [f64],
    rng: &mut ChaCha8Rng,
) -> Links {
    let tiers = p.tier_start.len() - 1;
    let mut links = Links {
        inputs: table("inputs"),
        lanes: table("lanes"),
        choke_used: [false; SEA_CHOKEPOINTS.len()],
        group_qty: Vec::with_capacity(p.groups.len()),
    };
    let mut n_lanes = 0usize;
    let mut shares = Vec::with_capacity(8);
    for s in 0..stage_ids.len() {
        for g in &p.groups[p.group_start[s]..p.group_start[s + 1]] {
            let i = g.item as usize;
            let material = items.tier[i] + 1 == tiers;
            let qty = if material {
                (rng.random_range(0.1..20.0f64) * 10.0).round() / 10.0
            } else if rng.random::<f64>() < 0.8 {
                1.0
            } else {
                rng.random_range(2..=6) as f64
            };
            links.group_qty.push(qty);
            let producers = p.item_first[i + 1] - p.item_first[i];
            let given = draw_shares(g.m as usize, &mut shares, rng);
            let qty_s = num(qty);
            for (k, &sh) in shares.iter().enumerate() {
                let sup = p.item_first[i] + (g.first as usize + k) % producers;
                flow[sup] += flow[s] * qty * sh;
                let (from, to) = (geo.stage_site[sup], geo.stage_site[s]);
                let mut lane = String::new();
                if from != to && rng.random::<f64>() < 0.25 {
                    lane = format!("L{n_lanes:07}");
                    n_lanes += 1;
                    let (mode, transit, chokes) = draw_lane(geo, from, to, &mut links, rng);
                    row(
                        &mut links.lanes,
                        &[
                            lane.as_str(),
                            &geo.site_ids[from],
                            &geo.site_ids[to],
                            mode,
                            &format!("{transit:.1}"),
                            &chokes,
                        ],
                    );
                }
                row(
                    &mut links.inputs,
                    &[
                        stage_ids[s].as_str(),
                        &items.ids[i],
                        &qty_s,
                        &stage_ids[sup],
                        &if given { num(sh) } else { String::new() },
                        &lane,
                    ],
                );
            }
        }
    }
    links
}

/// The planned shares of `m` suppliers into `shares`; returns whether they are written in the file (half of
/// the multi-sourced inputs) or left empty to be split equally.
fn draw_shares(m: usize, shares: &mut Vec<f64>, rng: &mut ChaCha8Rng) -> bool {
    shares.clear();
    let given = m > 1 && rng.random::<f64>() < 0.5;
    if given {
        // Weights of at least 0.25 keep every share >= about 0.05; rounded to 4 decimals, the last takes
        // the remainder so the sum is exactly 1 to well within 1e-6.
        let w: Vec<f64> = (0..m).map(|_| rng.random_range(0.25..1.0)).collect();
        let tot: f64 = w.iter().sum();
        let mut acc = 0.0f64;
        for (k, wk) in w.iter().enumerate() {
            let sh = if k + 1 == m {
                ((1.0 - acc) * 1e4).round() / 1e4
            } else {
                (wk / tot * 1e4).round() / 1e4
            };
            acc += sh;
            shares.push(sh);
        }
    } else {
        shares.resize(m, 1.0 / m as f64);
    }
    given
}

/// Mode, transit time and chokepoints of a lane between two sites: overseas mostly by sea through one or two
/// sea chokepoints (else by air), within North America or a country by road or rail, through a land
/// chokepoint for half the lanes that touch the home country.
fn draw_lane(
    geo: &Geography,
    from: usize,
    to: usize,
    links: &mut Links,
    rng: &mut ChaCha8Rng,
) -> (&'static str, f64, String) {
    let (cf, ct) = (geo.site_country[from], geo.site_country[to]);
    let overseas = cf != ct && !(is_na(cf) && is_na(ct));
    if overseas {
        if rng.random::<f64>() < 0.8 {
            let a = rng.random_range(0..SEA_CHOKEPOINTS.len());
            links.choke_used[a] = true;
            let mut c = SEA_CHOKEPOINTS[a].to_string();
            if rng.random::<f64>() < 0.3 {
                let b = rng.random_range(0..SEA_CHOKEPOINTS.len());
                if b != a {
                    links.choke_used[b] = true;
                    c.push(';');
                    c.push_str(SEA_CHOKEPOINTS[b]);
                }
            }
            ("sea", rng.random_range(10.0..45.0f64), c)
        } else {
            ("air", rng.random_range(1.0..4.0f64), String::new())
        }
    } else {
        let mode = if rng.random::<f64>() < 0.6 {
            "road"
        } else {
            "rail"
        };
        let c = if (COUNTRIES[cf].0 == HOME || COUNTRIES[ct].0 == HOME) && rng.random::<f64>() < 0.5
        {
            LAND_CHOKEPOINTS[rng.random_range(0..LAND_CHOKEPOINTS.len())].to_string()
        } else {
            String::new()
        };
        (mode, rng.random_range(0.5..6.0f64), c)
    }
}

/// The stages table, once every flow is known: capacity is the flow times U(1.1, 2.0), so the undisrupted
/// model meets demand.
fn stages(
    p: &Plan,
    geo: &Geography,
    items: &Items,
    stage_ids: &[String],
    flow: &[f64],
    rng: &mut ChaCha8Rng,
) -> MemTable {
    let n = stage_ids.len();
    let tiers = p.tier_start.len() - 1;
    let mut stages = table("stages");
    let mut tier_of = vec![0usize; n];
    for t in 0..tiers {
        tier_of[p.tier_start[t]..p.tier_start[t + 1]].fill(t);
    }
    for s in 0..n {
        let t = tier_of[s];
        let va = if t == 0 {
            log_uniform(rng, 1e3, 1e8)
        } else {
            log_uniform(rng, 1.0, 1e5) / (t as f64)
        };
        let cap = if flow[s] > 0.0 {
            num(flow[s] * rng.random_range(1.1..2.0))
        } else {
            String::new()
        };
        let lead = if t == 0 {
            rng.random_range(30..365)
        } else {
            rng.random_range(1..90)
        };
        let inv = if rng.random::<f64>() < 0.6 {
            num(flow[s] * rng.random_range(0.0..30.0))
        } else {
            "0".into()
        };
        let ttr = rng.random_range(14..540);
        row(
            &mut stages,
            &[
                stage_ids[s].as_str(),
                &items.ids[p.item_of[s] as usize],
                &geo.site_ids[geo.stage_site[s]],
                &num(va),
                &cap,
                &lead.to_string(),
                &inv,
                &ttr.to_string(),
            ],
        );
    }
    stages
}

/// A handful of scenarios, each naming targets that exist in this model.
fn scenarios(
    p: &Plan,
    geo: &Geography,
    items: &Items,
    choke_used: &[bool],
    rng: &mut ChaCha8Rng,
) -> MemTable {
    let tiers = p.tier_start.len() - 1;
    let n_items = items.ids.len();
    let mut scenarios = table("scenarios");
    scenarios.push([
        "itar-licence-freeze",
        "regime",
        "ITAR",
        "0",
        "0",
        "90",
        "0.02",
    ]);
    scenarios.push([
        "china-export-ban",
        "country",
        "CHN",
        "0",
        "0",
        "365",
        "0.05",
    ]);
    scenarios.push(["eu-half-output", "bloc", "EU", "0.5", "0", "60", "0.03"]);
    for (k, name) in SEA_CHOKEPOINTS.iter().enumerate() {
        if choke_used[k] && matches!(*name, "Suez Canal" | "Strait of Malacca" | "Panama Canal") {
            let id = format!("{}-closure", name.to_lowercase().replace(' ', "-"));
            scenarios.push([id.as_str(), "chokepoint", name, "0", "0", "30", "0.1"]);
        }
    }
    let f = rng.random_range(0..geo.n_firms);
    scenarios.push([
        "firm-failure",
        "firm",
        &format!("F{f:06}"),
        "0",
        "0",
        "180",
        "0.01",
    ]);
    let m = rng.random_range(p.item_tier_start[tiers - 1]..n_items);
    scenarios.push([
        "material-shortage",
        "item",
        &items.ids[m],
        "0.3",
        "10",
        "120",
        "0.05",
    ]);
    let s = rng.random_range(0..geo.site_ids.len());
    scenarios.push([
        "site-fire",
        "site",
        &format!("X{s:07}"),
        "0",
        "0",
        "45",
        "0.02",
    ]);
    scenarios
}

/// Probability shared by the random scenarios: the fixed scenarios take at most 0.48, so the total stays
/// below 1 and the rest is the no-disruption case.
pub const RANDOM_SCENARIOS_MASS: f64 = 0.5;

/// Seed offset of the random scenarios' own stream ("scenario" in ASCII).
const SCENARIOS_STREAM: u64 = 0x7363_656e_6172_696f;

/// Appends `n` random scenarios `r00001-<kind>-<full|partial>`, one target each: a stage (40%), a site (25%),
/// a firm (20%) or an item (15%), drawn uniformly among the model's own (candidates excluded); a full outage
/// (factor 0) half the time, else a factor U(0.1, 0.9) to two decimals; start 0; a duration of 14-539 time
/// units, the range of the stages' time to recover. Probabilities are weights U(0.1, 1) scaled to
/// [`RANDOM_SCENARIOS_MASS`] and rounded down to 1e-6, so their sum never exceeds it.
///
/// # Complexity
/// O(n).
fn random_scenarios(
    out: &mut MemTable,
    n: usize,
    seed: u64,
    stage_ids: &[String],
    geo: &Geography,
    item_ids: &[String],
) {
    if n == 0 {
        return;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SCENARIOS_STREAM);
    let mut rows = Vec::with_capacity(n);
    for k in 1..=n {
        let u: f64 = rng.random();
        let (kind, target) = if u < 0.40 {
            (
                "stage",
                stage_ids[rng.random_range(0..stage_ids.len())].clone(),
            )
        } else if u < 0.65 {
            let s = rng.random_range(0..geo.site_ids.len());
            ("site", geo.site_ids[s].clone())
        } else if u < 0.85 {
            ("firm", format!("F{:06}", rng.random_range(0..geo.n_firms)))
        } else {
            (
                "item",
                item_ids[rng.random_range(0..item_ids.len())].clone(),
            )
        };
        let factor = if rng.random::<bool>() {
            0.0
        } else {
            (rng.random_range(0.1..0.9) * 100.0_f64).round() / 100.0
        };
        let duration: u32 = rng.random_range(14..540);
        let weight: f64 = rng.random_range(0.1..1.0);
        let extent = if factor == 0.0 { "full" } else { "partial" };
        rows.push((
            format!("r{k:05}-{kind}-{extent}"),
            kind,
            target,
            factor,
            duration,
            weight,
        ));
    }
    let total: f64 = rows.iter().map(|r| r.5).sum();
    for (id, kind, target, factor, duration, weight) in rows {
        let prob = (weight / total * RANDOM_SCENARIOS_MASS * 1e6).floor() / 1e6;
        row(
            out,
            &[
                id.as_str(),
                kind,
                &target,
                &num(factor),
                "0",
                &duration.to_string(),
                &format!("{prob:.6}"),
            ],
        );
    }
}

/// What the options generator reads of a rendered model.
struct World<'a> {
    p: &'a Plan,
    site_ids: &'a [String],
    stage_site: &'a [usize],
    item_ids: &'a [String],
    stage_ids: &'a [String],
    flow: &'a [f64],
    group_qty: &'a [f64],
}

/// Seed offset of the options' own random stream ("options!" in ASCII), so that adding options leaves every
/// other draw, hence every other row, unchanged.
const OPTIONS_STREAM: u64 = 0x6f70_7469_6f6e_7321;

/// `n` investment options (`options.csv`): 2/5 `source`, 3/10 `capacity`, the rest `stockpile` (rounded), on
/// non-platform stages with a planned flow. Each `source` option brings a candidate stage that makes the same
/// item as an existing stage (its template), at a site where no stage makes that item, with one supplier per
/// input item of the template and up to three of the item's buyers as its own buyers (share empty, no lane).
/// About a tenth of the options, the sources first, are bets (probability U(0.3, 0.95)) in groups of four.
/// Candidate stages and their rows are appended to `stages` and `inputs`.
///
/// # Complexity
/// O(n + S + G) for S stages and G input groups (one pass over the groups finds the buyers).
fn options(
    w: &World,
    n: usize,
    seed: u64,
    stages: &mut MemTable,
    inputs: &mut MemTable,
) -> MemTable {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ OPTIONS_STREAM);
    let p = w.p;
    let tiers = p.tier_start.len() - 1;
    let mut out = table("options");
    // Stages an option may act on: below the platforms and with a flow, hence with a capacity.
    let eligible: Vec<usize> = (p.tier_start[1]..w.stage_ids.len())
        .filter(|&s| w.flow[s] > 0.0)
        .collect();
    if eligible.is_empty() {
        return out;
    }
    let n_src = (2 * n + 2) / 5;
    let n_cap = (3 * n + 5) / 10;
    let n_risky = (n + 5) / 10;

    // Sources first: pick templates and sites, then find buyers of their items in one pass.
    let mut taken: std::collections::HashSet<(u32, usize)> = std::collections::HashSet::new();
    let mut cands: Vec<(usize, usize)> = Vec::with_capacity(n_src);
    for _ in 0..n_src {
        for _ in 0..16 {
            let t = eligible[rng.random_range(0..eligible.len())];
            let i = p.item_of[t];
            let site = rng.random_range(0..w.site_ids.len());
            let producers = p.item_first[i as usize]..p.item_first[i as usize + 1];
            if producers.clone().any(|s| w.stage_site[s] == site) || !taken.insert((i, site)) {
                continue;
            }
            cands.push((t, site));
            break;
        }
    }
    let mut slot = vec![NONE; w.item_ids.len()];
    for (k, &(t, _)) in cands.iter().enumerate() {
        let i = p.item_of[t] as usize;
        if slot[i] == NONE {
            slot[i] = k as u32;
        }
    }
    // Up to three buying groups (stage, group index) per item, in stage order.
    let mut buyers: Vec<Vec<(usize, usize)>> = vec![Vec::new(); cands.len()];
    for s in 0..w.stage_ids.len() {
        for gi in p.group_start[s]..p.group_start[s + 1] {
            let k = slot[p.groups[gi].item as usize];
            if k != NONE && buyers[k as usize].len() < 3 {
                buyers[k as usize].push((s, gi));
            }
        }
    }

    let mut next_id = 0usize;
    let mut push_option = |out: &mut MemTable,
                           rng: &mut ChaCha8Rng,
                           kind: &str,
                           stage: &str,
                           amount: &str,
                           cost: f64,
                           name: String,
                           tte: u32| {
        let risky = next_id < n_risky;
        let (prob, group) = if risky {
            (
                format!("{:.2}", rng.random_range(0.3..0.95f64)),
                format!("G{}", next_id / 4 + 1),
            )
        } else {
            (String::new(), String::new())
        };
        next_id += 1;
        out.push([
            format!("O{next_id:05}").as_str(),
            kind,
            stage,
            amount,
            &num(cost),
            &prob,
            &group,
            &name,
            &tte.to_string(),
        ]);
    };
    for (k, &(t, site)) in cands.iter().enumerate() {
        let i = p.item_of[t] as usize;
        let tier = items_tier(p, i);
        let id = format!("{}/cand{}", w.item_ids[i], k + 1);
        let va = log_uniform(&mut rng, 1.0, 1e5) / tier.max(1) as f64;
        stages.push([
            id.as_str(),
            &w.item_ids[i],
            &w.site_ids[site],
            &num(va),
            &num(w.flow[t] * rng.random_range(0.5..1.5)),
            &rng.random_range(1..90).to_string(),
            "0",
            &rng.random_range(14..540).to_string(),
        ]);
        for g in &p.groups[p.group_start[t]..p.group_start[t + 1]] {
            let gi = g.item as usize;
            let producers = p.item_first[gi + 1] - p.item_first[gi];
            let sup = p.item_first[gi] + g.first as usize % producers;
            let qty = if items_tier(p, gi) + 1 == tiers {
                (rng.random_range(0.1..20.0f64) * 10.0).round() / 10.0
            } else {
                1.0
            };
            inputs.push([&id, &w.item_ids[gi], &num(qty), &w.stage_ids[sup], "", ""]);
        }
        for &(b, grp) in &buyers[slot[i] as usize] {
            inputs.push([
                &w.stage_ids[b],
                &w.item_ids[i],
                &num(w.group_qty[grp]),
                &id,
                "",
                "",
            ]);
        }
        let cost = log_uniform(&mut rng, 2e7, 3e8);
        let tte = rng.random_range(180..1461);
        push_option(
            &mut out,
            &mut rng,
            "source",
            &id,
            "",
            cost,
            format!("Second source of {} at {}", w.item_ids[i], w.site_ids[site]),
            tte,
        );
    }
    // What the sources could not place (tiny models) becomes capacity.
    let n_cap = n_cap + (n_src - cands.len());
    for k in 0..n - cands.len() {
        let s = eligible[rng.random_range(0..eligible.len())];
        if k < n_cap {
            let amount = num(w.flow[s] * rng.random_range(0.2..1.0));
            let cost = log_uniform(&mut rng, 5e6, 1.5e8);
            let tte = rng.random_range(90..731);
            push_option(
                &mut out,
                &mut rng,
                "capacity",
                &w.stage_ids[s],
                &amount,
                cost,
                format!("More capacity at {}", w.stage_ids[s]),
                tte,
            );
        } else {
            let amount = num(w.flow[s] * rng.random_range(15.0..90.0));
            let cost = log_uniform(&mut rng, 1e6, 1e8);
            let tte = rng.random_range(0..121);
            push_option(
                &mut out,
                &mut rng,
                "stockpile",
                &w.stage_ids[s],
                &amount,
                cost,
                format!("Stock of {}", w.stage_ids[s]),
                tte,
            );
        }
    }
    out
}

/// Tier of item `i`.
fn items_tier(p: &Plan, i: usize) -> usize {
    p.item_tier_start.partition_point(|&a| a <= i) - 1
}

/// `model.toml` of a generated model.
fn meta(n: usize, tiers: usize, seed: u64, rows: usize) -> RawMeta {
    RawMeta {
        file: "model.toml".into(),
        name: Some(format!("Synthetic DIB ({n} stages, seed {seed})")),
        home_country: Some(HOME.into()),
        currency: Some("CAD".into()),
        time_unit: Some("day".into()),
        description: Some(format!(
            "Synthetic defence industrial base made by `keel generate` (seed {seed}): {n} stages in {tiers} \
             tiers, {rows} input rows. Countries, blocs and chokepoints are real; firms, sites and numbers are not."
        )),
        regimes: vec![
            ("ITAR".into(), "USA".into(), None),
            ("EAR".into(), "USA".into(), None),
        ],
        ..RawMeta::default()
    }
}

/// North America: lanes between these countries go by road or rail.
fn is_na(c: usize) -> bool {
    matches!(COUNTRIES[c].0, "CAN" | "USA" | "MEX")
}

/// Assigns each of `n` things to one of `k` owners so that every owner gets at least one (when n >= k).
fn covering(rng: &mut ChaCha8Rng, n: usize, k: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n)
        .map(|x| if x < k { x } else { rng.random_range(0..k) })
        .collect();
    v.shuffle(rng);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn num_formats_compactly() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(12345.678), "12346");
        assert_eq!(num(1.23456789), "1.2346");
        assert_eq!(num(0.0012345), "0.0012345");
    }
}
