//! Investment options (`options.csv`, model format v1.1): what `keel plan` may fund.
//!
//! An option raises a stage's capacity, adds to its stock, or brings a **candidate** stage into being (a second
//! source, a new domestic capability, a new process). Candidates and the input rows that name them exist only in
//! plans that take the option and only in outcomes where it works, so every other analysis sees the model
//! without them: [`crate::Model`] is that model, and [`Investments::full`] is the same model with every
//! candidate stage and row, the index space the options point into.
//!
//! # Complexity
//! [`Investments::applied`] clones the full model: O(stages + arcs).

use crate::ids::StageIx;
use crate::model::Model;
use serde::Serialize;

/// What an option does (`kind` in options.csv).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionKind {
    /// The stage's capacity rises by `amount` per time unit.
    Capacity,
    /// The stage's inventory of its own output rises by `amount` units before any scenario.
    Stockpile,
    /// The candidate stage exists (with its capacity, inventory and input rows as written).
    Source,
}

impl OptionKind {
    pub const ALL: [(&'static str, OptionKind); 3] = [
        ("capacity", OptionKind::Capacity),
        ("stockpile", OptionKind::Stockpile),
        ("source", OptionKind::Source),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OptionKind::Capacity => "capacity",
            OptionKind::Stockpile => "stockpile",
            OptionKind::Source => "source",
        }
    }
}

/// One row of options.csv.
#[derive(Clone, Debug, Serialize)]
pub struct InvestOption {
    pub id: String,
    pub name: Option<String>,
    pub kind: OptionKind,
    /// The stage it acts on, an index of [`Investments::full`] (a candidate stage for `source`).
    pub stage: StageIx,
    /// Capacity per time unit or units of stock; 0 for `source`.
    pub amount: f64,
    /// One-off cost in the model's currency, > 0.
    pub cost: f64,
    /// Chance that the option works, in (0, 1].
    pub probability: f64,
    /// Options of one group share one uniform draw `U` and each works iff `U < probability`; `None`: its own draw.
    pub group: Option<u32>,
    /// Time units until the option works.
    pub time_to_effect: f64,
}

impl InvestOption {
    /// Whether the option may fail.
    pub fn is_risky(&self) -> bool {
        self.probability < 1.0
    }
}

/// The options of a model and the model with its candidates.
#[derive(Clone, Debug, Serialize)]
pub struct Investments {
    pub options: Vec<InvestOption>,
    /// Names of the option groups, indexed by [`InvestOption::group`].
    pub groups: Vec<String>,
    /// The model with every candidate stage and every input row that names one; its own `investments` is
    /// `None`. Stage, group and source indices differ from the model without candidates; items, sites, firms,
    /// countries, lanes and scenarios are the same lists.
    pub full: Model,
    /// The candidate stages, indices of `full`, sorted.
    pub candidates: Vec<StageIx>,
}

impl Investments {
    /// The full model as it stands when exactly the options with `active[o]` set are in place and working:
    /// capacity and stock raised, candidates of inactive `source` options (or named by none) at capacity and
    /// stock 0, which in every Keel analysis is the same as absent (they make and hold nothing).
    ///
    /// # Panics
    /// If `active.len()` is not the number of options.
    pub fn applied(&self, active: &[bool]) -> Model {
        assert_eq!(active.len(), self.options.len(), "one flag per option");
        let mut m = self.full.clone();
        let mut on = vec![false; m.stages.len()];
        for (o, &a) in self.options.iter().zip(active) {
            if !a {
                continue;
            }
            let st = &mut m.stages[o.stage.index()];
            match o.kind {
                OptionKind::Capacity => {
                    st.capacity = st.capacity.map(|c| c + o.amount);
                }
                OptionKind::Stockpile => st.inventory += o.amount,
                OptionKind::Source => on[o.stage.index()] = true,
            }
        }
        for &c in &self.candidates {
            if !on[c.index()] {
                let st = &mut m.stages[c.index()];
                st.capacity = Some(0.0);
                st.inventory = 0.0;
            }
        }
        m
    }

    /// Whether stage `s` of [`Investments::full`] is a candidate.
    pub fn is_candidate(&self, s: StageIx) -> bool {
        self.candidates.binary_search(&s).is_ok()
    }
}
