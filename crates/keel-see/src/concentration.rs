//! Concentration of supply: Herfindahl-Hirschman indices by firm and by country, with structural flags.
//!
//! The Herfindahl-Hirschman index of shares `s_k` (fractions summing to 1) is
//!
//! ```text
//! HHI = sum_k (100 s_k)^2        in [0, 10,000]; 10,000 = a single supplier
//! ```
//!
//! after adding up the shares of suppliers belonging to the same firm (or located in the same country).
//! Bands from the US 2010 Horizontal Merger Guidelines: below 1,000 unconcentrated, 1,000 to 1,800 moderately
//! concentrated, above 1,800 highly concentrated.
//!
//! Two levels are reported:
//!
//! - **Per (stage, input item) group**: shares are the planned shares of its supplier options. Counts and flags
//!   use every listed supplier, share 0 included, because those are options that exist.
//! - **Per item, across the model**: shares are the capacities of the stages producing the item. A stage with
//!   unlimited capacity dominates any finite one, so if any producer is unlimited the unlimited producers
//!   share equally and finite ones count 0 (the limit as their capacity grows); if every capacity is finite and
//!   they sum to 0, producers share equally.
//!
//! Flags:
//!
//! - `sole_source`: one firm (one or more of its stages) supplies everything.
//! - `single_country`: every supplier is in one country (site country).
//! - `single_lane`: every supply row rides one lane, or every supply row's lane passes one shared chokepoint.
//!   Rows without a lane are taken to ride no lane, so a group with such a row is never flagged. At item level
//!   the rows are all input rows delivering the item anywhere in the model (none: not flagged).
//! - `outside_home_blocs`: no supplier is in the home country or in a country sharing a bloc with it.
//!
//! # Complexity
//! O(arcs log d + stages log d) for groups of at most `d` suppliers: each group and each item is aggregated with a
//! small sort; plus the chokepoint intersections, linear in the chokepoints listed on the lanes used. Groups run
//! in parallel.

use keel_model::{ChokeIx, LaneIx, Model, StageIx, Target};
use rayon::prelude::*;
use serde::Serialize;

/// Where the HHI bands come from, stated with every report.
pub const BANDS: &str =
    "HHI bands (US 2010 Horizontal Merger Guidelines): < 1,000 unconcentrated; \
                         1,000-1,800 moderately concentrated; > 1,800 highly concentrated";

/// A concentration band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Unconcentrated,
    Moderate,
    High,
}

impl Band {
    pub fn of(hhi: f64) -> Band {
        if hhi < 1000.0 {
            Band::Unconcentrated
        } else if hhi <= 1800.0 {
            Band::Moderate
        } else {
            Band::High
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Unconcentrated => "unconcentrated",
            Band::Moderate => "moderate",
            Band::High => "high",
        }
    }
}

/// Concentration measures shared by both levels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measures {
    /// Supplier stages listed (group) or producing stages (item).
    pub suppliers: usize,
    pub firms: usize,
    pub countries: usize,
    pub hhi_firm: f64,
    pub hhi_country: f64,
    pub band_firm: Band,
    pub band_country: Band,
    pub sole_source: bool,
    pub single_country: bool,
    pub single_lane: bool,
    /// What every row rides when `single_lane`: one lane (`Target::Lane`), or else a chokepoint all its lanes
    /// pass (`Target::Chokepoint`).
    pub common_lane: Option<Target>,
    pub outside_home_blocs: bool,
}

/// Concentration of one (stage, input item) group, by planned shares.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupConcentration {
    pub stage: String,
    pub item: String,
    #[serde(flatten)]
    pub measures: Measures,
}

/// Concentration of one item across the model, by capacity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemConcentration {
    pub item: String,
    /// Producers with unlimited capacity (which then share the item equally).
    pub unlimited: usize,
    #[serde(flatten)]
    pub measures: Measures,
}

/// The whole report: groups in model order, then items in model order (items no stage produces are left out).
#[derive(Clone, Debug, Serialize)]
pub struct Concentration {
    pub bands: &'static str,
    pub home_country: String,
    pub groups: Vec<GroupConcentration>,
    pub items: Vec<ItemConcentration>,
}

/// HHI of `(key, share)` pairs after summing shares per key; also returns the number of distinct keys. Sorts
/// `pairs` in place (a caller's scratch buffer).
fn hhi(pairs: &mut [(u32, f64)]) -> (f64, usize) {
    pairs.sort_unstable_by_key(|p| p.0);
    let (mut h, mut distinct) = (0.0, 0);
    let mut i = 0;
    while i < pairs.len() {
        let k = pairs[i].0;
        let mut s = 0.0;
        while i < pairs.len() && pairs[i].0 == k {
            s += pairs[i].1;
            i += 1;
        }
        h += (100.0 * s) * (100.0 * s);
        distinct += 1;
    }
    (h, distinct)
}

/// The lane (or chokepoint) every row rides, if any. `chokes` holds each lane's chokepoints sorted; `common`
/// is scratch.
fn common_lane(
    m: &Model,
    chokes: &[Vec<u32>],
    lanes: impl Iterator<Item = Option<LaneIx>>,
    common: &mut Vec<u32>,
) -> Option<Target> {
    let mut first: Option<LaneIx> = None;
    let mut same = true;
    for l in lanes {
        let l = l?;
        match first {
            None => {
                first = Some(l);
                common.clear();
                common.extend_from_slice(&chokes[l.index()]);
            }
            Some(f) => {
                if f != l {
                    same = false;
                }
                let cs = &chokes[l.index()];
                common.retain(|c| cs.binary_search(c).is_ok());
            }
        }
    }
    let first = first?;
    if same {
        return Some(Target::Lane(first));
    }
    // Several chokepoints shared by all: the first by name, for determinism.
    common
        .iter()
        .map(|&c| ChokeIx(c))
        .min_by_key(|&c| m.chokepoints()[c].as_str())
        .map(Target::Chokepoint)
}

/// Reusable buffers of [`Ctx::measures`].
#[derive(Default)]
struct Scratch {
    firm: Vec<(u32, f64)>,
    country: Vec<(u32, f64)>,
    common: Vec<u32>,
}

struct Ctx<'a> {
    m: &'a Model,
    /// Countries inside the home country's circle: home itself and any country sharing a bloc with it.
    inside: Vec<bool>,
    /// Each lane's chokepoints, sorted.
    chokes: Vec<Vec<u32>>,
}

impl Ctx<'_> {
    fn measures(
        &self,
        shares: impl Iterator<Item = (StageIx, f64)> + Clone,
        lanes: impl Iterator<Item = Option<LaneIx>>,
        sc: &mut Scratch,
    ) -> Measures {
        let m = self.m;
        sc.firm.clear();
        sc.firm
            .extend(shares.clone().map(|(s, w)| (m.stage_firm(s).0, w)));
        sc.country.clear();
        sc.country
            .extend(shares.map(|(s, w)| (m.stage_country(s).0, w)));
        let suppliers = sc.firm.len();
        let outside =
            !sc.country.is_empty() && sc.country.iter().all(|&(c, _)| !self.inside[c as usize]);
        let (hhi_firm, firms) = hhi(&mut sc.firm);
        let (hhi_country, ncountries) = hhi(&mut sc.country);
        let common = common_lane(m, &self.chokes, lanes, &mut sc.common);
        Measures {
            suppliers,
            firms,
            countries: ncountries,
            hhi_firm,
            hhi_country,
            band_firm: Band::of(hhi_firm),
            band_country: Band::of(hhi_country),
            sole_source: firms == 1,
            single_country: ncountries == 1,
            single_lane: common.is_some(),
            common_lane: common,
            outside_home_blocs: outside,
        }
    }
}

/// Concentration of every group and every produced item (see the module doc).
pub fn concentration(m: &Model) -> Concentration {
    let home = m.meta().home_country;
    let home_blocs = &m.countries()[home.index()].blocs;
    let inside = (0..m.countries().len())
        .map(|c| {
            c == home.index()
                || m.countries()[c]
                    .blocs
                    .iter()
                    .any(|b| home_blocs.contains(b))
        })
        .collect();
    let chokes = m
        .lanes()
        .iter()
        .map(|l| {
            let mut cs: Vec<u32> = l.chokepoints.iter().map(|c| c.0).collect();
            cs.sort_unstable();
            cs
        })
        .collect();
    let ctx = Ctx { m, inside, chokes };

    // Groups are independent: in parallel, each thread with its own buffers (the order is kept).
    let groups: Vec<GroupConcentration> = (0..m.groups().len())
        .into_par_iter()
        .map_init(Scratch::default, |sc, gi| {
            let gx = keel_model::GroupIx::new(gi);
            let g = &m.groups()[gi];
            let shares = m.sources_of(gx).map(|k| {
                let src = &m.sources()[k.index()];
                (src.supplier, src.share)
            });
            let lanes = m.sources_of(gx).map(|k| m.sources()[k.index()].lane);
            GroupConcentration {
                stage: m.stages()[g.stage.index()].id.clone(),
                item: m.items()[g.item.index()].id.clone(),
                measures: ctx.measures(shares, lanes, sc),
            }
        })
        .collect();

    // Producers and delivering rows of each item, as flat CSR lists.
    let ni = m.items().len();
    let mut producers: Vec<Vec<StageIx>> = vec![Vec::new(); ni];
    for (s, st) in m.stages().iter().enumerate() {
        producers[st.item.index()].push(StageIx::new(s));
    }
    let mut rows_of: Vec<Vec<Option<LaneIx>>> = vec![Vec::new(); ni];
    for src in m.sources() {
        rows_of[m.groups()[src.group.index()].item.index()].push(src.lane);
    }
    let mut items = Vec::new();
    let mut sc = Scratch::default();
    for (i, ps) in producers.iter().enumerate() {
        if ps.is_empty() {
            continue;
        }
        let unlimited = ps
            .iter()
            .filter(|s| m.stages()[s.index()].capacity.is_none())
            .count();
        let finite: f64 = ps
            .iter()
            .filter_map(|s| m.stages()[s.index()].capacity)
            .sum();
        let shares: Vec<(StageIx, f64)> = ps
            .iter()
            .map(|&s| {
                let w = match m.stages()[s.index()].capacity {
                    _ if unlimited == 0 && finite <= 0.0 => 1.0 / ps.len() as f64,
                    None => 1.0 / unlimited as f64,
                    Some(_) if unlimited > 0 => 0.0,
                    Some(c) => c / finite,
                };
                (s, w)
            })
            .collect();
        let rows = &rows_of[i];
        items.push(ItemConcentration {
            item: m.items()[i].id.clone(),
            unlimited,
            measures: ctx.measures(shares.iter().copied(), rows.iter().copied(), &mut sc),
        });
    }
    Concentration {
        bands: BANDS,
        home_country: m.countries()[home.index()].code.clone(),
        groups,
        items,
    }
}
