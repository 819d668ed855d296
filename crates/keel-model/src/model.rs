//! The validated, index-based model.
//!
//! Inputs are stored as a two-level compressed adjacency: each stage owns a contiguous run of *groups* (one per
//! distinct input item, the AND level) and each group owns a contiguous run of *sources* (one per supplier
//! option, the OR level). A reverse index lists, for every stage, the sources in which it is the supplier.
//! All of it is flat `Vec`s, so a pass over a million arcs touches memory sequentially.

use crate::ids::*;
use crate::invest::Investments;
use crate::kind::ElementKind;
use serde::Serialize;
use std::ops::Range;

/// `model.toml`: what the model is about.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    pub name: String,
    pub home_country: CountryIx,
    pub currency: String,
    pub time_unit: String,
    pub description: Option<String>,
}

/// An export-control regime and the country that controls it (e.g. `ITAR` controlled by `USA`).
#[derive(Clone, Debug, Serialize)]
pub struct Regime {
    pub code: String,
    pub country: CountryIx,
}

#[derive(Clone, Debug, Serialize)]
pub struct Country {
    pub code: String,
    pub name: String,
    pub blocs: Vec<BlocIx>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Firm {
    pub id: String,
    pub name: String,
    pub country: CountryIx,
    /// Country of ultimate control; equals `country` when the file leaves it empty.
    pub parent_country: CountryIx,
}

#[derive(Clone, Debug, Serialize)]
pub struct Site {
    pub id: String,
    pub firm: FirmIx,
    pub country: CountryIx,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub name: Option<String>,
}

/// What an item is. Platforms are what demand is normally placed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Material,
    Component,
    Subsystem,
    Platform,
    Service,
}

impl ItemKind {
    pub const ALL: [(&'static str, ItemKind); 5] = [
        ("material", ItemKind::Material),
        ("component", ItemKind::Component),
        ("subsystem", ItemKind::Subsystem),
        ("platform", ItemKind::Platform),
        ("service", ItemKind::Service),
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("material")
    }
}

/// An export-control marking such as `ITAR:XI`.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    pub regime: RegimeIx,
    pub category: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub kind: ItemKind,
    pub control: Option<Control>,
    pub capability: Option<String>,
}

/// The production (or procurement, or distribution) of one item at one site.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    pub id: String,
    pub item: ItemIx,
    pub site: SiteIx,
    /// Cost added at this stage per unit of output.
    pub value_added: f64,
    /// Units per time unit; `None` is unlimited.
    pub capacity: Option<f64>,
    pub lead_time: f64,
    /// Units of this stage's output on hand.
    pub inventory: f64,
    /// Time to recover when disrupted.
    pub ttr: Option<f64>,
}

/// One distinct input item of a stage: the stage needs `qty` units of `item` per unit of output.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub stage: StageIx,
    pub item: ItemIx,
    pub qty: f64,
    /// Whether the file gave shares (false: they were split equally).
    pub shares_given: bool,
    pub(crate) sources: Range<u32>,
}

/// One supplier option of a group.
#[derive(Clone, Debug, Serialize)]
pub struct Source {
    pub group: GroupIx,
    pub supplier: StageIx,
    /// Planned share of the group's input, after equal splitting; shares of one group sum to 1.
    pub share: f64,
    pub lane: Option<LaneIx>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Road,
    Rail,
    Sea,
    Air,
    Pipeline,
    Multimodal,
}

impl Mode {
    pub const ALL: [(&'static str, Mode); 6] = [
        ("road", Mode::Road),
        ("rail", Mode::Rail),
        ("sea", Mode::Sea),
        ("air", Mode::Air),
        ("pipeline", Mode::Pipeline),
        ("multimodal", Mode::Multimodal),
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("road")
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Lane {
    pub id: String,
    pub from_site: SiteIx,
    pub to_site: SiteIx,
    pub mode: Mode,
    pub transit_time: f64,
    pub chokepoints: Vec<ChokeIx>,
}

/// End demand on a stage per time unit, and the loss for each unit not delivered.
#[derive(Clone, Debug, Serialize)]
pub struct Demand {
    pub stage: StageIx,
    pub demand: f64,
    pub loss_per_unit: f64,
}

/// What a scenario row disrupts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "lowercase")]
pub enum Target {
    Stage(StageIx),
    Site(SiteIx),
    Firm(FirmIx),
    Country(CountryIx),
    Bloc(BlocIx),
    Lane(LaneIx),
    Chokepoint(ChokeIx),
    Regime(RegimeIx),
    Item(ItemIx),
}

impl Target {
    /// What kind of element the target points at.
    pub fn kind(&self) -> ElementKind {
        match self {
            Target::Stage(_) => ElementKind::Stage,
            Target::Site(_) => ElementKind::Site,
            Target::Firm(_) => ElementKind::Firm,
            Target::Country(_) => ElementKind::Country,
            Target::Bloc(_) => ElementKind::Bloc,
            Target::Lane(_) => ElementKind::Lane,
            Target::Chokepoint(_) => ElementKind::Chokepoint,
            Target::Regime(_) => ElementKind::Regime,
            Target::Item(_) => ElementKind::Item,
        }
    }
}

/// What an analysis disrupted, as data: one element, or one named scenario. Front ends name it (keel-present);
/// results never carry the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Disrupted {
    Element(Target),
    /// The scenario at this index of [`Model::scenarios`].
    Scenario(usize),
}

impl Disrupted {
    /// The kind word and the id as the model files spell them (`("firm", "acme")`, `("scenario", name)`).
    /// Ordering by this pair is ordering by the names people read (`firm acme`, `scenario ...`), since no kind
    /// word is a prefix of another: sorts use it to break ties as a reader would.
    pub fn key(self, m: &Model) -> (&'static str, &str) {
        match self {
            Disrupted::Element(t) => (t.kind().as_str(), m.target_id(t)),
            Disrupted::Scenario(i) => ("scenario", &m.scenarios[i].name),
        }
    }
}

/// One row of a scenario: a target running at `capacity_factor` of normal from `start` for `duration`.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub target: Target,
    pub capacity_factor: f64,
    pub start: f64,
    pub duration: f64,
}

/// A named scenario: one or more events, with an optional probability of occurring per horizon.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub name: String,
    pub events: Vec<Event>,
    pub probability: Option<f64>,
}

/// A validated defence-industrial-base model. Build one with [`crate::build()`].
#[derive(Clone, Debug, Serialize)]
pub struct Model {
    pub(crate) meta: Meta,
    pub(crate) regimes: Vec<Regime>,
    pub(crate) countries: Vec<Country>,
    pub(crate) blocs: Vec<String>,
    pub(crate) firms: Vec<Firm>,
    pub(crate) sites: Vec<Site>,
    pub(crate) items: Vec<Item>,
    pub(crate) stages: Vec<Stage>,
    pub(crate) groups: Vec<Group>,
    pub(crate) sources: Vec<Source>,
    pub(crate) lanes: Vec<Lane>,
    pub(crate) chokepoints: Vec<String>,
    pub(crate) demands: Vec<Demand>,
    pub(crate) scenarios: Vec<Scenario>,
    /// `stage_groups[s]..stage_groups[s+1]` are the groups of stage `s`.
    pub(crate) stage_groups: Vec<u32>,
    /// `buyer_start[s]..buyer_start[s+1]` index `buyer_sources`: the sources in which `s` is the supplier.
    pub(crate) buyer_start: Vec<u32>,
    pub(crate) buyer_sources: Vec<SourceIx>,
    /// Every stage, suppliers before the stages they supply.
    pub(crate) topo: Vec<StageIx>,
    /// For each stage, its demand row if any.
    pub(crate) demand_of: Vec<Option<u32>>,
    /// options.csv and the model with its candidate stages, if the model has options.
    pub(crate) investments: Option<Box<Investments>>,
}

impl Model {
    // Read-only views: the vectors stay private so that nothing outside the builder can put them out of step
    // with the adjacency data (`stage_groups`, `buyer_start`, `topo`, `demand_of`).

    /// What the model is about (`model.toml`).
    #[inline]
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Export-control regimes, in file order.
    #[inline]
    pub fn regimes(&self) -> &[Regime] {
        &self.regimes
    }

    /// Countries, in file order.
    #[inline]
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// Bloc tags, in order of first use.
    #[inline]
    pub fn blocs(&self) -> &[String] {
        &self.blocs
    }

    /// Firms, in file order.
    #[inline]
    pub fn firms(&self) -> &[Firm] {
        &self.firms
    }

    /// Sites, in file order.
    #[inline]
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Items, in file order.
    #[inline]
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Stages, in file order.
    #[inline]
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// Input groups (one per stage and input item), stage by stage: see [`Model::groups_of`].
    #[inline]
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Supplier options, group by group: see [`Model::sources_of`].
    #[inline]
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Transport lanes, in file order.
    #[inline]
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// Chokepoint names, in order of first use.
    #[inline]
    pub fn chokepoints(&self) -> &[String] {
        &self.chokepoints
    }

    /// End demand rows, in `demand.csv` order.
    #[inline]
    pub fn demands(&self) -> &[Demand] {
        &self.demands
    }

    /// Named scenarios, in file order.
    #[inline]
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The investment options of options.csv and the model with their candidate stages; `None` without
    /// options. Only `keel plan` looks at them: this model has no candidate stage.
    pub fn investments(&self) -> Option<&Investments> {
        self.investments.as_deref()
    }

    /// The groups (distinct input items) of a stage.
    #[inline]
    pub fn groups_of(&self, s: StageIx) -> impl ExactSizeIterator<Item = GroupIx> + Clone {
        let r = self.stage_groups[s.index()]..self.stage_groups[s.index() + 1];
        r.map(GroupIx)
    }

    /// The supplier options of a group.
    #[inline]
    pub fn sources_of(&self, g: GroupIx) -> impl ExactSizeIterator<Item = SourceIx> + Clone {
        self.groups[g.index()].sources.clone().map(SourceIx)
    }

    /// The sources (of other stages' groups) that `s` supplies.
    #[inline]
    pub fn buyers_of(&self, s: StageIx) -> &[SourceIx] {
        &self.buyer_sources
            [self.buyer_start[s.index()] as usize..self.buyer_start[s.index() + 1] as usize]
    }

    /// The stage that buys through a source.
    #[inline]
    pub fn buyer(&self, src: SourceIx) -> StageIx {
        self.groups[self.sources[src.index()].group.index()].stage
    }

    /// Every stage with suppliers before buyers (a topological order of the input graph).
    pub fn topo_order(&self) -> &[StageIx] {
        &self.topo
    }

    /// The demand row on a stage, if it has one.
    pub fn demand_of(&self, s: StageIx) -> Option<&Demand> {
        self.demand_of[s.index()].map(|d| &self.demands[d as usize])
    }

    /// Stages that carry end demand, in `demand.csv` order. These are the model's platforms.
    pub fn demand_stages(&self) -> impl Iterator<Item = StageIx> + '_ {
        self.demands.iter().map(|d| d.stage)
    }

    pub fn stage_ix(&self, id: &str) -> Option<StageIx> {
        self.stages
            .iter()
            .position(|s| s.id == id)
            .map(StageIx::new)
    }

    pub fn country_ix(&self, code: &str) -> Option<CountryIx> {
        self.countries
            .iter()
            .position(|c| c.code == code)
            .map(CountryIx::new)
    }

    pub fn bloc_ix(&self, tag: &str) -> Option<BlocIx> {
        self.blocs.iter().position(|b| b == tag).map(BlocIx::new)
    }

    pub fn regime_ix(&self, code: &str) -> Option<RegimeIx> {
        self.regimes
            .iter()
            .position(|r| r.code == code)
            .map(RegimeIx::new)
    }

    /// The firm that runs a stage.
    #[inline]
    pub fn stage_firm(&self, s: StageIx) -> FirmIx {
        self.sites[self.stages[s.index()].site.index()].firm
    }

    /// The country a stage's site is in.
    #[inline]
    pub fn stage_country(&self, s: StageIx) -> CountryIx {
        self.sites[self.stages[s.index()].site.index()].country
    }

    /// Number of (stage, input item, supplier) rows, i.e. arcs of the input graph.
    pub fn arc_count(&self) -> usize {
        self.sources.len()
    }

    /// Whether a country carries a bloc tag.
    pub fn in_bloc(&self, c: CountryIx, b: BlocIx) -> bool {
        self.countries[c.index()].blocs.contains(&b)
    }
}
