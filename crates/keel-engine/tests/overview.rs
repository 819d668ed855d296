//! The dashboard's overview: a hand-computed model, and the example against `exposure`'s own tables.

mod common;

use keel_model::TextModel;
use serde_json::json;

/// The model of `hand_computed_model` (see there).
fn hand_model() -> keel_model::Model {
    TextModel::new("CAN", &[])
        .table(
            "countries",
            "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\nDEU,Germany,NATO;EU\n",
        )
        .table(
            "firms",
            "id,name,country\nf-p,FP,CAN\nf-a,FA,USA\nf-c,FC,CAN\nf-d,FD,DEU\n",
        )
        .table(
            "sites",
            "id,firm,country\nsP,f-p,CAN\nsA,f-a,USA\nsC,f-c,CAN\nsD,f-d,DEU\n",
        )
        .table(
            "items",
            "id,name,kind\nx-p,P,platform\nx,X,component\ny,Y,material\n",
        )
        .table(
            "stages",
            "id,item,site,value_added\nP,x-p,sP,1\nA,x,sA,1\nC,y,sC,1\nD,y,sD,1\n",
        )
        .table(
            "inputs",
            "stage,input_item,qty,supplier,share,lane\nP,x,1,A,,l1\nA,y,1,C,0.5,\nA,y,1,D,0.5,\n",
        )
        .table(
            "lanes",
            "id,from_site,to_site,mode,transit_time,chokepoints\nl1,sA,sP,sea,10,cp1\n",
        )
        .table("demand", "stage,demand,loss_per_unit\nP,1,1\n")
        .build()
        .unwrap_or_else(|e| panic!("{e:?}"))
        .model
}

/// P (CAN) needs x from A (USA) over lane l1 through chokepoint cp1; A needs y from C (CAN) or D (DEU),
/// half each. Every stage adds 1 per unit.
///
/// Value added per unit of P: P 1 + A 1 + C 0.5 + D 0.5 = 3; home (CAN) 1.5, so a 50% home share; the largest
/// foreign contributor is USA with 1/3. Single points of failure of P: stages P and A, their sites and firms,
/// lane l1, chokepoint cp1, and the USA (CAN is home, blocs are not counted); C and D back each other up.
#[test]
fn hand_computed_model() {
    let m = hand_model();
    let r = keel_engine::overview::run(&m);
    assert_eq!(r.main, "platforms");
    let j = &r.json;
    assert_eq!(j["home_country"], "CAN");
    assert_eq!(
        j["counts"],
        json!([
            {"part": "platforms", "count": 1}, {"part": "countries", "count": 3}, {"part": "firms", "count": 4},
            {"part": "sites", "count": 4}, {"part": "stages", "count": 4}, {"part": "items", "count": 3},
            {"part": "lanes", "count": 1}, {"part": "chokepoints", "count": 1}, {"part": "scenarios", "count": 0}
        ])
    );
    let p = &j["platforms"][0];
    assert_eq!(p["platform"], "P");
    assert!((p["value_added"].as_f64().unwrap() - 3.0).abs() < 1e-12);
    assert!((p["home_share"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    assert_eq!(p["top_foreign_country"], "USA");
    assert!((p["top_foreign_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(
        p["single_points_of_failure"],
        json!({"firms": 2, "sites": 2, "stages": 2, "lanes": 1, "chokepoints": 1, "foreign_countries": 1})
    );
    assert_eq!(p["buildable"], true);
}

/// On the example, the overview's value added and home share are `keel exposure`'s, and its largest foreign
/// country is the first non-home row of exposure's shares.
#[test]
fn example_agrees_with_exposure() {
    let m = common::example();
    let o = keel_engine::overview::run(&m).json;
    let e = common::go(&m, r#"{"analysis": "exposure", "top": 0}"#)
        .unwrap()
        .json;
    let home = o["home_country"].as_str().unwrap();
    let platforms = o["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 11);
    let exposed = e["platforms"].as_array().unwrap();
    for (p, x) in platforms.iter().zip(exposed) {
        assert_eq!(p["platform"], x["platform"]);
        assert_eq!(p["value_added"], x["value_added"]);
        assert_eq!(p["home_share"], x["home_share"]);
        let first_foreign = x["by_country"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] != home)
            .unwrap();
        assert_eq!(p["top_foreign_country"], first_foreign["key"]);
        assert_eq!(p["top_foreign_share"], first_foreign["share"]);
        assert_eq!(p["by_country"], x["by_country"]);
        assert_eq!(p["by_bloc"], x["by_bloc"]);
    }
}

/// The network of P in the hand-computed model: tiers by fewest steps, AND groups with their OR suppliers, and
/// the stage single points of failure (P and A; C and D back each other up).
#[test]
fn network_of_the_hand_computed_model() {
    let m = hand_model();
    let r = keel_engine::network::run(&m, "x-p").unwrap();
    let j = &r.json;
    assert_eq!(j["platform"], "P");
    assert_eq!(j["tiers"], 3);
    assert_eq!(
        j["stages"],
        json!({
            "id": ["P", "A", "C", "D"], "tier": [0, 1, 2, 2], "item": ["x-p", "x", "y", "y"],
            "site": ["sP", "sA", "sC", "sD"], "firm": ["f-p", "f-a", "f-c", "f-d"],
            "country": ["CAN", "USA", "CAN", "DEU"], "spof": [true, true, false, false]
        })
    );
    assert_eq!(
        j["groups"],
        json!({"buyer": [0, 1], "item": ["x", "y"], "suppliers": [1, 2]})
    );
    assert_eq!(
        j["links"],
        json!({"supplier": [1, 2, 3], "buyer": [0, 1, 1], "group": [0, 1, 1], "share": [1.0, 0.5, 0.5],
               "lane": ["l1", null, null]})
    );
    // An unknown platform is refused, naming what exists.
    let e = keel_engine::network::run(&m, "nope")
        .unwrap_err()
        .to_string();
    assert!(e.contains("x-p"), "{e}");
}
