//! Runs the "see" analyses the report shows and keeps, per platform, what its section needs.
//!
//! Per platform `P` (a demand stage): the look-through exposure of its value added by country and by tier
//! ([`keel_see::exposure`]), its export-control see-through for every declared regime ([`keel_see::controls`]),
//! the concentration of every (stage, input item) group upstream of it ([`keel_see::concentration`], restricted
//! by [`keel_see::upstream`], flagged by [`keel_see::flagged`]: the rules `keel concentration` uses), and its
//! single points of failure among every kind of element ([`keel_see::criticality::single_points_of_failure`],
//! as `keel criticality` lists them, so the two counts agree).
//!
//! # Complexity
//! That of the analyses (see each), plus O(sum over platforms of the groups upstream of each) to filter the
//! concentration rows.

use keel_model::{GroupIx, Model, RegimeIx, StageIx};
use keel_see::concentration::{self, GroupConcentration};
use keel_see::controls::{self, PlatformControl};
use keel_see::criticality::{self, ElementKind, PlatformSpofs};
use keel_see::exposure::{self, ExposureOptions, PlatformExposure};

/// The kinds of element whose loss the report tests: all of them, as `keel criticality` does by default.
pub const SPOF_KINDS: [ElementKind; 7] = ElementKind::ALL;

/// One upstream (stage, input item) group of a platform, with its concentration.
#[derive(Debug)]
pub struct UpstreamGroup {
    pub group: GroupIx,
    pub conc: GroupConcentration,
    /// Flagged by [`keel_see::flagged`].
    pub flagged: bool,
}

impl UpstreamGroup {
    /// How many of the four structural flags are raised.
    pub fn flag_count(&self) -> usize {
        let m = &self.conc.measures;
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
}

/// Everything one platform's section shows.
#[derive(Debug)]
pub struct PlatformData {
    pub stage: StageIx,
    pub exposure: PlatformExposure,
    /// One per declared regime, in declaration order.
    pub controls: Vec<PlatformControl>,
    /// Upstream groups, flagged first, then most flags, then highest firm HHI, then model order.
    pub groups: Vec<UpstreamGroup>,
    pub spofs: PlatformSpofs,
}

/// Runs every analysis for every demand stage of the model, in `demand.csv` order.
pub fn gather(m: &Model) -> Vec<PlatformData> {
    let platforms: Vec<StageIx> = m.demand_stages().collect();
    let regimes: Vec<RegimeIx> = (0..m.regimes.len()).map(RegimeIx::new).collect();
    let exp = exposure::exposure(
        m,
        &platforms,
        ExposureOptions {
            tiers: true,
            top_firms: Some(10),
        },
    );
    let ctl = controls::controls(m, &platforms, &regimes);
    let conc = concentration::concentration(m);
    let flagged = keel_see::flagged::flagged_groups(&conc);
    let upstream = keel_see::upstream::upstream_groups(m, &platforms);
    let spofs = criticality::single_points_of_failure(m, &SPOF_KINDS);

    let mut out = Vec::with_capacity(platforms.len());
    for (k, &p) in platforms.iter().enumerate() {
        let mut groups: Vec<UpstreamGroup> = upstream[k]
            .iter()
            .filter_map(|&g| {
                // `concentration` lists groups in model order, one per group.
                conc.groups.get(g.index()).map(|c| UpstreamGroup {
                    group: g,
                    conc: c.clone(),
                    flagged: flagged[g.index()],
                })
            })
            .collect();
        groups.sort_by(|a, b| {
            b.flagged
                .cmp(&a.flagged)
                .then(b.flag_count().cmp(&a.flag_count()))
                .then(
                    b.conc
                        .measures
                        .hhi_firm
                        .total_cmp(&a.conc.measures.hhi_firm),
                )
                .then(a.group.cmp(&b.group))
        });
        let nreg = regimes.len();
        out.push(PlatformData {
            stage: p,
            exposure: exp[k].clone(),
            controls: ctl[k * nreg..(k + 1) * nreg].to_vec(),
            groups,
            // `single_points_of_failure` returns the demand stages in the same order.
            spofs: spofs.get(k).cloned().unwrap_or(PlatformSpofs {
                stage: p,
                buildable: false,
                spofs: Vec::new(),
            }),
        });
    }
    out
}
