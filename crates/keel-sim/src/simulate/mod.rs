//! Time-phased simulation of a disruption: discrete time, one step per model time unit.
//!
//! Every step, in topological order (suppliers first), each stage receives what its suppliers shipped
//! `ceil(lead_time(supplier) + transit_time(lane))` steps earlier, produces
//! `P = min(target, min_g buffer_g / qty_g)` (AND over input items), and allocates `P + stock` *pro rata* to the
//! orders it holds (its buyers' orders plus its own end demand). Orders follow the plan, re-routed away from
//! stopped suppliers and closed lanes, with one tier of expediting:
//!
//! ```text
//! R_s = d_s + sum_{k in buyers(s)} o_k                 orders held by s
//! T_s = min(R_s, f_s * capacity_s)                     target (f_s * R_s for unlimited capacity)
//! E_s = sum_{k in buyers(s), k re-routed} max(0, o_k - plan_k)     re-routed extra
//! Q_s = min(x_s + E_s, f_s * capacity_s)               procurement (f_s * (x_s + E_s) for unlimited capacity)
//! o_k = qty_g * Q_s * share_k / sum_{j in g, available} share_j   for each available source k of group g
//! ```
//!
//! `x_s` is the planned rate (the Leontief requirement `x_s = d_s + sum share qty x_buyer`, capped by capacity).
//! A source is *available* when its supplier is not fully stopped (`f > 0`) and its lane is not closed; an order
//! is *re-routed* when its group has both an unavailable and an available source. So a buyer of a stopped
//! supplier re-orders from the others by planned share (equally if they all have share 0), the alternative
//! raises its own procurement by that extra (within capacity), and its suppliers serve it from stock and output
//! without re-ordering further; no other change of orders travels upstream. A lane at factor `0 < f < 1`
//! carries `f` of each shipment (the rest stays in the supplier's stock). Demand not served in a step is lost (no
//! backlog) and stock is not rebuilt. The full rules, and why, are in `docs/methods/simulation.md`.
//!
//! The model starts in its steady state: pipelines hold the planned flows, input buffers are empty, every stage
//! holds its `inventory`. Only stages that can deviate from it are computed: stages whose orders were
//! re-planned while events are active (incrementally, when the set of active events changes) and stages an
//! arrival of which changes, until they coast (below), and only while they can still reach a delivery to end
//! demand inside the horizon (`t < H - shortest delay to a delivery`). A stage with planned orders and planned arrivals
//! ships exactly its plan whatever its stock, so skipping it is exact. If the undisrupted model cannot meet its
//! own plan (some stage's capacity is below its requirement), every stage is computed every step.
//!
//! Shipments persist: what lands on a source stays its arrival at every later step until another shipment
//! lands, and a stage sends a shipment only when it differs from its last one on that source. A stage whose
//! arrivals and output are the same as at the step before *coasts*: every later step repeats that one except
//! that its stock and the buffers of inputs it does not use up change by the same amount each step. It is not
//! computed again until an arrival or its orders change, or until two steps before a falling stock or buffer
//! could change its output (a wake-up is scheduled then, at most `slots - 1` steps ahead, the span of the
//! arrival ring; none past the stage's `live`); it then first adds the skipped steps' changes. A stage with
//! more than 16 input groups never coasts. Most
//! of a long outage is spent in such steady states (on the generated 10,000-stage network with 1% firm
//! failures, coasting skips 43% of the stage-steps).
//!
//! # Complexity
//! Setup O(stages + arcs). A run: at each change of the active event set, O(arcs) over the stages whose orders
//! change (local: disrupted stages, their buyers and suppliers, the alternatives and theirs); per step, O(arcs)
//! over the stages that differ from plan, can still matter and do not coast, plus O(stages / 64) for the scan;
//! memory O(stages + arcs + max delay x stages / 64 + shipments in transit) per scratch.
//!
//! The code follows the seams of a run: `setup.rs` builds the per-model structures once, `replan.rs` turns the
//! active events into orders, `step.rs` (the step kernel) moves goods one step at a time, and `results.rs`
//! records what each platform delivered and lost.

mod replan;
mod results;
mod setup;
mod step;

pub use results::{PlatformSeries, SimResult};

use keel_model::{GroupIx, LaneIx, Model, Scenario, SourceIx, StageIx, NONE};

/// Relative tolerance for "equal to plan" and "shortfall is zero".
pub const EPS: f64 = 1e-9;

/// Errors from the simulation and Monte Carlo.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("no scenario named `{0}`")]
    UnknownScenario(String),
    #[error("invalid simulation option: {0}")]
    Option(String),
    #[error("the Monte Carlo was cancelled")]
    Cancelled,
}

/// Steps of an event: `[floor(start), floor(start) + max(1, ceil(duration)))`.
pub fn event_steps(start: f64, duration: f64) -> (usize, usize) {
    let first = (start.max(0.0) + EPS).floor();
    let len = (duration - EPS).ceil().max(1.0);
    let first = if first.is_finite() {
        first as usize
    } else {
        usize::MAX / 2
    };
    let len = if len.is_finite() {
        len as usize
    } else {
        usize::MAX / 4
    };
    (first, first.saturating_add(len))
}

/// What an event in a run hits; resolved to stages and lanes by the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// Event `event` of scenario `scenario` (indices into `Model::scenarios`).
    Scenario {
        scenario: u32,
        event: u32,
    },
    Firm(u32),
    Site(u32),
    Lane(u32),
    Stage(u32),
}

/// One disruption in a run: the hit elements run at `factor` during steps `first..end`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunEvent {
    pub hit: Hit,
    pub factor: f64,
    pub first: usize,
    pub end: usize,
}

/// Receives each shortfall: demand row, step, units short (only when above tolerance).
pub trait Sink {
    fn short(&mut self, demand_row: usize, step: usize, units: f64);
    /// Step `t` is done (a progress hook; a run may end before the horizon once nothing changes).
    fn step_done(&mut self, _t: usize) {}
    /// Whether the run should report each platform's stock (`stock`) for every step of the horizon. Off by
    /// default: Monte Carlo's runs only count shortfalls.
    fn wants_stock(&self) -> bool {
        false
    }
    /// The finished units on hand at demand row `demand_row`'s stage at the end of step `step`.
    fn stock(&mut self, _demand_row: usize, _step: usize, _units: f64) {}
}

/// The per-model structures of the simulation, built once and shared (read-only) by every run.
#[derive(Debug)]
pub struct Simulator<'m> {
    model: &'m Model,
    horizon: usize,
    /// Topological rank of each stage, and the stage at each rank.
    rank: Vec<u32>,
    by_rank: Vec<StageIx>,
    words: usize,
    /// Shipping delay of each source, and of each demand row.
    delay: Vec<u32>,
    demand_delay: Vec<u32>,
    /// Number of arrival slots (pending marks, due lists): max delay below the horizon, plus one.
    slots: usize,
    /// What the goods flow reads of each stage, group and shipping arc, packed (one cache line or less each).
    rows: Vec<StageRow>,
    grows: Vec<GroupRow>,
    arcs: Vec<Arc>,
    base_req: Vec<f64>,
    base_target: Vec<f64>,
    base_order: Vec<f64>,
    /// Whether the undisrupted model meets its plan (then unaffected stages can be skipped).
    steady: bool,
    /// Whether unaffected stages are skipped (`steady`, unless [`Simulator::exhaustive`]).
    skip: bool,
    /// Per rank: the stage is computed only at steps `t < live`, `live = H - (shortest delay from it to a
    /// delivery to end demand)`: from then on nothing it does can reach a delivery inside the horizon. `H` for
    /// every stage in [`Simulator::exhaustive`] mode.
    live: Vec<u32>,
    lane_src_off: Vec<u32>,
    lane_src: Vec<SourceIx>,
    /// Resolved targets: scenario events, firms, sites (CSR over stages) and scenario events (CSR over lanes).
    ev_off: Vec<u32>,
    ev_stage_off: Vec<u32>,
    ev_stages: Vec<StageIx>,
    ev_lane_off: Vec<u32>,
    ev_lanes: Vec<LaneIx>,
    firm_off: Vec<u32>,
    firm_stages: Vec<StageIx>,
    site_off: Vec<u32>,
    site_stages: Vec<StageIx>,
}

/// The mutable state of one run, reused across runs (one per thread).
#[derive(Debug, Clone)]
pub struct Scratch {
    st: Vec<StageState>,
    buf: Vec<f64>,
    /// Per group: what a coasting stage's buffer gains per step.
    dbuf: Vec<f64>,
    /// What arrives each step on each source: the last shipment that landed on it (plan until one does).
    arr: Vec<f64>,
    /// Per arrival slot (`step % slots`): the shipments landing then (each differs from the one before it).
    due: Vec<Vec<(u32, f64)>>,
    order: Vec<f64>,
    sfac: Vec<f64>,
    lfac: Vec<f64>,
    odirty: Vec<u64>,
    /// Stages that were order-dirty at some point of the run (for the reset), and how many are now.
    odirty_list: Vec<u32>,
    dirty_count: usize,
    /// The factors the current orders were planned with, and the previous epoch's slowed stages and lanes.
    sfac_prev: Vec<f64>,
    lfac_prev: Vec<f64>,
    old_stages: Vec<u32>,
    old_lanes: Vec<u32>,
    seeds: Vec<u64>,
    pending: Vec<u64>,
    pending_count: usize,
    /// By rank: stages computed at the next step whatever arrives (not coasting), and how many.
    awake: Vec<u64>,
    awake_count: usize,
    /// Per source: the last shipment sent (what arrives once it lands, and after, until the next one);
    /// sources whose last shipment left the plan at some point (for the reset).
    last: Vec<f64>,
    moved: Vec<bool>,
    moved_list: Vec<u32>,
    touched_list: Vec<u32>,
    fac_stages: Vec<u32>,
    fac_lanes: Vec<u32>,
    bounds: Vec<usize>,
}

/// What the goods flow reads of a stage: its groups `g0..g1`, its shipping arcs `s0..s1`, its demand row
/// (`NONE`: none), and what it ships per step on plan.
#[derive(Debug, Clone, Copy)]
struct StageRow {
    g0: u32,
    g1: u32,
    s0: u32,
    s1: u32,
    demand_row: u32,
    base_ship: f64,
}

/// A group's sources `k0..k1` and quantity per unit of output.
#[derive(Debug, Clone, Copy)]
struct GroupRow {
    k0: u32,
    k1: u32,
    qty: f64,
}

/// A source seen from its supplier: the source, its delay, its lane (`NONE`: none), the buyer's rank and the
/// planned flow.
#[derive(Debug, Clone, Copy)]
struct Arc {
    k: u32,
    delay: u32,
    lane: u32,
    rank: u32,
    base: f64,
    /// First step whose shipment arrives too late to matter (`live` of the buyer minus the delay), kept here
    /// to spare `ship` a random read of `live`.
    stop: u32,
}

/// The per-stage state of a run: stock, held orders, target, whether it ships its plan when it can fill its
/// orders, and what coasting needs (when it was last computed, its output, how its stock moves).
#[derive(Debug, Clone, Copy)]
struct StageState {
    inv: f64,
    req: f64,
    target: f64,
    ship_plan: bool,
    /// Step the stage was last computed at in this run (`u32::MAX`: never, so not yet in `touched_list`).
    last_step: u32,
    /// Re-planned since it was last computed.
    replanned: bool,
    /// Resting since `last_step`: every skipped step adds `dbuf` to its buffers and `dinv` to its stock.
    coasting: bool,
    /// Output of the last computed step.
    made: f64,
    /// While coasting: what its stock gains per step.
    dinv: f64,
    /// Some shipment it sent last, on an arc that still matters, is off plan.
    off_out: bool,
}
