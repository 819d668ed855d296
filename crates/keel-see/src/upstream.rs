//! What lies upstream of one platform: the (stage, input item) groups of every stage that carries flow to it.
//!
//! A stage is upstream of platform `P` when its total requirement per unit of `P` is positive, `x_i > 0` in
//! [`crate::exposure::requirements`] (the firm-level Leontief look-through). Suppliers listed with a planned
//! share of 0 carry no flow, so their own inputs are not upstream of `P`. Every front end that restricts an
//! analysis to one platform (`keel concentration --platform`, the report's platform sections) uses this rule.
//!
//! The closure is that of [`crate::exposure::requirements`] (rows with a positive planned share), found for every
//! platform at once by [`crate::reach::Reach`] without computing the requirements themselves.
//!
//! # Complexity
//! O((stages + arcs) x ceil(platforms / 64)) for the reachability pass, plus O(groups of the upstream stages)
//! per platform; O(stages x ceil(platforms / 64)) words of memory besides the lists returned.

use crate::reach::{for_each_bit, Reach};
use keel_model::{GroupIx, Model, StageIx};

/// The groups upstream of each of `platforms`, in the same order; each list in stage order, then group order.
pub fn upstream_groups(m: &Model, platforms: &[StageIx]) -> Vec<Vec<GroupIx>> {
    let reach = Reach::new(m, platforms);
    let mut out: Vec<Vec<GroupIx>> = vec![Vec::new(); platforms.len()];
    for s in (0..m.stages().len()).map(StageIx::new) {
        for_each_bit(reach.of(s), |b| out[b].extend(m.groups_of(s)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_model::TextModel;

    #[test]
    fn a_zero_share_supplier_is_not_upstream() {
        // p needs b, bought from s1 (share 1) or s2 (share 0); s1 and s2 both need raw r from m0.
        let m = TextModel::new("CAN", &[])
            .table("countries", "code,name,blocs\nCAN,Canada,NATO\n")
            .table("firms", "id,name,country,parent_country\nF,F,CAN,\n")
            .table("sites", "id,firm,country,lat,lon,name\nX,F,CAN,,,\n")
            .table(
                "items",
                "id,name,kind,export_control,capability\nplt,P,platform,,\nb,B,component,,\nr,R,material,,\n",
            )
            .table(
                "stages",
                "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
                 p,plt,X,1,,0,0,\ns1,b,X,1,,0,0,\ns2,b,X,1,,0,0,\nm0,r,X,1,,0,0,\n",
            )
            .table(
                "inputs",
                "stage,input_item,qty,supplier,share,lane\np,b,1,s1,1,\np,b,1,s2,0,\ns1,r,1,m0,1,\ns2,r,1,m0,1,\n",
            )
            .table("demand", "stage,demand,loss_per_unit\np,1,1\n")
            .build()
            .expect("valid model")
            .model;
        let p = m.stage_ix("p").unwrap();
        let up = upstream_groups(&m, &[p]);
        let stages: Vec<&str> = up[0]
            .iter()
            .map(|g| m.stages()[m.groups()[g.index()].stage.index()].id.as_str())
            .collect();
        // p's own input group and s1's; s2 carries no flow, so its group is not upstream.
        assert_eq!(stages, ["p", "s1"]);
    }

    #[test]
    fn matches_the_requirements_closure_on_the_example() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
        let m = keel_io::load(&dir).unwrap().model;
        let platforms: Vec<StageIx> = m.demand_stages().collect();
        let got = upstream_groups(&m, &platforms);
        let want: Vec<Vec<GroupIx>> = crate::exposure::requirements(&m, &platforms)
            .iter()
            .map(|r| r.stages.iter().flat_map(|&s| m.groups_of(s)).collect())
            .collect();
        assert!(got.iter().all(|g| !g.is_empty()));
        assert_eq!(got, want);
    }
}
