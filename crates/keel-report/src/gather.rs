//! Runs the "see" analyses the report shows and keeps, per platform, what its section needs.
//!
//! Per platform `P` (a demand stage): the look-through exposure of its value added by country and by tier
//! ([`keel_see::exposure`], no firm breakdown: the page shows none), its export-control see-through for every
//! declared regime ([`keel_see::controls`], the paths of the first `listed` controlled items), the concentration
//! of the (stage, input item) groups upstream of it ([`keel_see::concentration`], restricted to the stages that
//! carry flow to `P`: counts over all of them and the first `listed` of those flagged by [`keel_see::flagged`], the
//! rule `keel concentration --flagged` uses), and its single points of failure among every kind of element
//! ([`keel_see::criticality::single_points_of_failure`], as `keel criticality` lists them, so the counts agree).
//!
//! Which stages carry flow to which platform comes from one reachability pass for all platforms
//! ([`keel_see::reach`]) instead of one requirement vector per platform. The groups are ranked once for the
//! whole model; each platform then takes the first `listed` of those upstream of it.
//!
//! # Complexity
//! That of the analyses (see each), plus O(sum over stages of the groups of the stage x the platforms it is
//! upstream of) for the counts and, per platform, at worst O(groups) to pick its flagged groups.

use keel_model::{GroupIx, Model, RegimeIx, StageIx};
use keel_see::concentration::{self, Band, GroupConcentration, Measures};
use keel_see::controls::{self, ControlOptions, PlatformControl};
use keel_see::criticality::{self, PlatformSpofs};
use keel_see::exposure::{self, ExposureOptions, PlatformExposure};
use keel_see::reach::{for_each_bit, Reach};
use rayon::prelude::*;

/// One upstream (stage, input item) group of a platform, with its concentration.
#[derive(Debug)]
pub(crate) struct UpstreamGroup {
    pub group: GroupIx,
    pub conc: GroupConcentration,
}

/// How many of the four structural flags are raised.
fn flag_count(m: &Measures) -> usize {
    [
        m.sole_source,
        m.single_country,
        m.single_lane,
        m.outside_home_blocs,
    ]
    .iter()
    .filter(|f| **f)
    .count()
}

/// Counts over every (stage, input item) group upstream of a platform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct GroupCounts {
    pub total: usize,
    pub sole_source: usize,
    pub single_country: usize,
    pub single_lane: usize,
    pub outside_home_blocs: usize,
    /// Highly concentrated by firm (HHI above 1,800).
    pub high: usize,
    /// Flagged by [`keel_see::flagged`]: the rows [`PlatformData::groups`] lists (the first of).
    pub flagged: usize,
}

impl GroupCounts {
    fn add(&mut self, m: &Measures, flagged: bool) {
        self.total += 1;
        self.sole_source += usize::from(m.sole_source);
        self.single_country += usize::from(m.single_country);
        self.single_lane += usize::from(m.single_lane);
        self.outside_home_blocs += usize::from(m.outside_home_blocs);
        self.high += usize::from(m.band_firm == Band::High);
        self.flagged += usize::from(flagged);
    }

    fn add_all(&mut self, o: &GroupCounts) {
        self.total += o.total;
        self.sole_source += o.sole_source;
        self.single_country += o.single_country;
        self.single_lane += o.single_lane;
        self.outside_home_blocs += o.outside_home_blocs;
        self.high += o.high;
        self.flagged += o.flagged;
    }
}

/// Everything one platform's section shows.
#[derive(Debug)]
pub(crate) struct PlatformData {
    pub stage: StageIx,
    pub exposure: PlatformExposure,
    /// One per declared regime, in declaration order (`via` holds the first `listed` controlled items).
    pub controls: Vec<PlatformControl>,
    /// Counts over every upstream group.
    pub group_counts: GroupCounts,
    /// The first `listed` flagged upstream groups: most flags first, then highest firm HHI, then model order.
    pub groups: Vec<UpstreamGroup>,
    pub spofs: PlatformSpofs,
}

/// Runs every analysis for every demand stage of the model, in `demand.csv` order, keeping at most `listed`
/// controlled items and flagged groups per platform (and regime).
pub(crate) fn gather(m: &Model, listed: usize) -> Vec<PlatformData> {
    let platforms: Vec<StageIx> = m.demand_stages().collect();
    let regimes: Vec<RegimeIx> = (0..m.regimes().len()).map(RegimeIx::new).collect();
    let exp = exposure::exposure(
        m,
        &platforms,
        ExposureOptions {
            tiers: true,
            top_firms: Some(0),
        },
    );
    let ctl = controls::controls(
        m,
        &platforms,
        &regimes,
        ControlOptions { top: Some(listed) },
    );
    let conc = concentration::concentration(m);
    let flagged = keel_see::flagged::flagged_groups(&conc);
    let reach = Reach::new(m, &platforms);
    // Every kind criticality tests, as `keel criticality` does by default, so the counts agree.
    let spofs = criticality::single_points_of_failure(m, &criticality::KINDS);

    // Counts: each stage's groups summed once, then added to every platform the stage is upstream of.
    let mut counts = vec![GroupCounts::default(); platforms.len()];
    for s in (0..m.stages().len()).map(StageIx::new) {
        let bits = reach.of(s);
        if bits.iter().all(|&w| w == 0) {
            continue;
        }
        let mut own = GroupCounts::default();
        for g in m.groups_of(s) {
            own.add(&conc.groups[g.index()].measures, flagged[g.index()]);
        }
        if own.total > 0 {
            for_each_bit(bits, |b| counts[b].add_all(&own));
        }
    }
    // The flagged groups of the whole model in the order the page lists them (`concentration` lists groups
    // in model order, one per group).
    let mut ranked: Vec<GroupIx> = (0..m.groups().len())
        .map(GroupIx::new)
        .filter(|g| flagged[g.index()])
        .collect();
    let key = |g: &GroupIx| {
        let ms = &conc.groups[g.index()].measures;
        (flag_count(ms), ms.hhi_firm)
    };
    ranked.sort_by(|a, b| {
        let (fa, ha) = key(a);
        let (fb, hb) = key(b);
        fb.cmp(&fa).then(hb.total_cmp(&ha)).then(a.cmp(b))
    });
    let groups: Vec<Vec<UpstreamGroup>> = (0..platforms.len())
        .into_par_iter()
        .map(|b| {
            ranked
                .iter()
                .filter(|g| reach.has(m.groups()[g.index()].stage, b))
                .take(listed)
                .map(|&g| UpstreamGroup {
                    group: g,
                    conc: conc.groups[g.index()].clone(),
                })
                .collect()
        })
        .collect();

    let nreg = regimes.len();
    let mut ctl = ctl.into_iter();
    let mut exp = exp.into_iter();
    let mut spofs = spofs.into_iter();
    platforms
        .iter()
        .zip(groups)
        .zip(counts)
        .map(|((&p, groups), group_counts)| PlatformData {
            stage: p,
            exposure: exp.next().expect("one exposure per platform"),
            controls: ctl.by_ref().take(nreg).collect(),
            group_counts,
            groups,
            // `single_points_of_failure` returns the demand stages in the same order.
            spofs: spofs.next().unwrap_or(PlatformSpofs {
                stage: p,
                buildable: false,
                spofs: Vec::new(),
            }),
        })
        .collect()
}
