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

#[cfg(test)]
mod tests {
    use crate::fixture::TextModel;
    use crate::ids::*;
    use crate::model::Model;

    /// A Canadian platform buys a component from a US stage; a German second source (a candidate, itself
    /// buying a material from an existing German stage) is option `deu`, a research bet.
    fn model(inputs: &str) -> crate::build::Loaded {
        TextModel::new("CAN", &[])
            .table("countries", "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\nDEU,Germany,NATO\n")
            .table("firms", "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,\nf3,F3,DEU,\n")
            .table("sites", "id,firm,country,lat,lon,name\ns1,f1,CAN,,,\ns2,f2,USA,,,\ns3,f3,DEU,,,\n")
            .table("items", "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,,\nm,M,material,,\n")
            .table(
                "stages",
                "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                 p@s1,p,s1,100,10,,7,\nc@s2,c,s2,50,20,,,\nc@s3,c,s3,60,5,,2,\nm@s3,m,s3,1,100,,,\n",
            )
            .table("inputs", inputs)
            .table("demand", "stage,demand,loss_per_unit\np@s1,5,100\n")
            .table(
                "scenarios",
                "scenario,target_kind,target,capacity_factor,start,duration,probability\nx,stage,c@s2,0,0,10,0.1\n",
            )
            .table(
                "options",
                "id,kind,stage,amount,cost,probability,group,name,time_to_effect\n\
                 cap,capacity,c@s2,5,1e6,,,,\nstock,stockpile,p@s1,50,2e5,,,,\n\
                 deu,source,c@s3,,3e7,0.6,research,German second source,2\n",
            )
            .build()
            .unwrap()
    }

    const INPUTS: &str = "stage,input_item,qty,supplier,share,lane\n\
                          p@s1,c,2,c@s2,1,\np@s1,c,2,c@s3,,\nc@s3,m,3,m@s3,,\n";

    /// (buyer, supplier, share) of every source, by id.
    fn arcs(m: &Model) -> Vec<(&str, &str, f64)> {
        (0..m.sources().len())
            .map(|k| {
                let s = &m.sources()[k];
                (
                    m.stages()[m.buyer(SourceIx::new(k))].id.as_str(),
                    m.stages()[s.supplier].id.as_str(),
                    s.share,
                )
            })
            .collect()
    }

    #[test]
    fn the_model_has_no_candidate_and_the_full_one_has_them() {
        let l = model(INPUTS);
        // m@s3 supplies only the candidate: used in the full model, so not warned about.
        assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
        let m = &l.model;
        let ids: Vec<&str> = m.stages().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["p@s1", "c@s2", "m@s3"]);
        assert_eq!(arcs(m), [("p@s1", "c@s2", 1.0)]);
        assert!(m.groups()[0].shares_given);
        assert_eq!(m.demand_of(StageIx(0)).map(|d| d.demand), Some(5.0));
        // The scenario's stage target is renumbered with the stages.
        assert_eq!(
            m.scenarios()[0].events[0].target,
            crate::Target::Stage(StageIx(1))
        );
        assert_eq!(m.topo_order().len(), 3);

        let inv = m.investments().expect("options were given");
        let f = &inv.full;
        assert!(f.investments().is_none());
        let ids: Vec<&str> = f.stages().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["p@s1", "c@s2", "c@s3", "m@s3"]);
        // The candidate is a supplier of share 0 beside the existing one, and buys its own input.
        assert_eq!(
            arcs(f),
            [
                ("p@s1", "c@s2", 1.0),
                ("p@s1", "c@s3", 0.0),
                ("c@s3", "m@s3", 1.0)
            ]
        );
        assert_eq!(f.buyers_of(StageIx(2)), [SourceIx(1)]);
        assert_eq!(f.buyers_of(StageIx(3)), [SourceIx(2)]);
        assert_eq!(f.groups_of(StageIx(2)).len(), 1);
        assert_eq!(
            f.topo_order(),
            [StageIx(1), StageIx(3), StageIx(2), StageIx(0)]
        );
        assert_eq!(
            f.scenarios()[0].events[0].target,
            crate::Target::Stage(StageIx(1))
        );
        assert_eq!(
            f.demand_of(StageIx(0)).map(|d| d.loss_per_unit),
            Some(100.0)
        );

        assert_eq!(inv.candidates, [StageIx(2)]);
        assert!(inv.is_candidate(StageIx(2)) && !inv.is_candidate(StageIx(3)));
        assert_eq!(inv.groups, ["research"]);
        let o: Vec<(&str, f64, f64, Option<u32>, f64)> = inv
            .options
            .iter()
            .map(|o| {
                (
                    o.id.as_str(),
                    o.amount,
                    o.probability,
                    o.group,
                    o.time_to_effect,
                )
            })
            .collect();
        assert_eq!(
            o,
            [
                ("cap", 5.0, 1.0, None, 0.0),
                ("stock", 50.0, 1.0, None, 0.0),
                ("deu", 0.0, 0.6, Some(0), 2.0)
            ]
        );
        assert_eq!(inv.options[2].stage, StageIx(2));
        assert_eq!(inv.options[2].name.as_deref(), Some("German second source"));
        assert!(inv.options[2].is_risky() && !inv.options[0].is_risky());
    }

    #[test]
    fn empty_shares_split_among_the_existing_suppliers_only() {
        let l = model(
            "stage,input_item,qty,supplier,share,lane\n\
             p@s1,c,2,c@s2,,\np@s1,c,2,c@s3,,\nc@s3,m,3,m@s3,,\n",
        );
        assert_eq!(arcs(&l.model), [("p@s1", "c@s2", 1.0)]);
        assert!(!l.model.groups()[0].shares_given);
        let f = &l.model.investments().unwrap().full;
        assert_eq!(arcs(f)[..2], [("p@s1", "c@s2", 1.0), ("p@s1", "c@s3", 0.0)]);
    }

    #[test]
    fn applied_raises_capacity_and_stock_and_zeroes_inactive_candidates() {
        let l = model(INPUTS);
        let inv = l.model.investments().unwrap();
        let cap = |m: &Model, s: u32| {
            (
                m.stages()[s as usize].capacity,
                m.stages()[s as usize].inventory,
            )
        };
        let none = inv.applied(&[false, false, false]);
        assert_eq!(cap(&none, 0), (Some(10.0), 7.0));
        assert_eq!(cap(&none, 1), (Some(20.0), 0.0));
        assert_eq!(cap(&none, 2), (Some(0.0), 0.0));
        let all = inv.applied(&[true, true, true]);
        assert_eq!(cap(&all, 0), (Some(10.0), 57.0));
        assert_eq!(cap(&all, 1), (Some(25.0), 0.0));
        assert_eq!(cap(&all, 2), (Some(5.0), 2.0));
        let only_source = inv.applied(&[false, false, true]);
        assert_eq!(cap(&only_source, 1), (Some(20.0), 0.0));
        assert_eq!(cap(&only_source, 2), (Some(5.0), 2.0));
    }

    #[test]
    fn without_options_nothing_changes() {
        let text = |with: bool| {
            let mut t = TextModel::new("CAN", &[])
                .table("countries", "code,name,blocs\nCAN,Canada,\n")
                .table("firms", "id,name,country,parent_country\nf,F,CAN,\n")
                .table("sites", "id,firm,country,lat,lon,name\ns,f,CAN,,,\n")
                .table(
                    "items",
                    "id,name,kind,export_control,capability\np,P,platform,,\n",
                )
                .table(
                    "stages",
                    "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s,p,s,1,,,,\n",
                )
                .table("demand", "stage,demand,loss_per_unit\np@s,1,1\n");
            if with {
                t = t.table(
                    "options",
                    "id,kind,stage,amount,cost,probability,group,name,time_to_effect\n",
                );
            }
            t.build().unwrap().model
        };
        assert!(text(false).investments().is_none());
        assert!(text(true).investments().is_none());
    }
}
