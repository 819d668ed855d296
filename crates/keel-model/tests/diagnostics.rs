//! One small case per diagnostic of the model builder: the message, file, line, column and hint it gives, and
//! the errors it counts rather than repeats.

use keel_model::diag::{printable, quote, thousands, Limit};
use keel_model::{Diagnostic, Invalid, MemModel, MemTable, Severity, TextModel};

/// A valid two-stage model: a Canadian platform needs two ITAR components from a US stage over one lane.
const BASE: [(&str, &str); 9] = [
    ("countries", "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n"),
    ("firms", "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,\n"),
    ("sites", "id,firm,country,lat,lon,name\ns1,f1,CAN,45,-75,\ns2,f2,USA,39,-77,\n"),
    ("items", "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,ITAR:XI,\n"),
    (
        "stages",
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1,0,\nc@s2,c,s2,50,20,1,0,\n",
    ),
    ("lanes", "id,from_site,to_site,mode,transit_time,chokepoints\nl1,s2,s1,road,2,Bridge\n"),
    ("inputs", "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,,l1\n"),
    ("demand", "stage,demand,loss_per_unit\np@s1,5,100\n"),
    (
        "scenarios",
        "scenario,target_kind,target,capacity_factor,start,duration,probability\nx,firm,f2,0,0,10,0.1\n",
    ),
];

/// The base model with some tables replaced.
fn model(replace: &[(&str, &str)]) -> TextModel {
    let mut m = TextModel::new("CAN", &[("ITAR", "USA")]);
    for (stem, text) in BASE {
        let text = replace
            .iter()
            .find(|(s, _)| *s == stem)
            .map_or(text, |(_, t)| *t);
        m = m.table(stem, text);
    }
    m
}

fn invalid(replace: &[(&str, &str)]) -> Invalid {
    match model(replace).build() {
        Ok(_) => panic!("the model loaded"),
        Err(inv) => inv,
    }
}

/// The one error of a model with `replace`d tables (there must be exactly one).
fn one(replace: &[(&str, &str)]) -> Diagnostic {
    let inv = invalid(replace);
    let errors: Vec<&Diagnostic> = inv.errors().collect();
    assert_eq!(errors.len(), 1, "{:#?}", inv.diagnostics);
    errors[0].clone()
}

/// (file, line, column, message, hint) of a diagnostic, for one-line assertions.
type Parts<'a> = (
    &'a str,
    Option<u64>,
    Option<(usize, &'a str)>,
    &'a str,
    Option<&'a str>,
);

fn parts(d: &Diagnostic) -> Parts<'_> {
    (
        d.file.as_str(),
        d.line,
        d.column.as_ref().map(|(c, n)| (*c, n.as_str())),
        d.message.as_str(),
        d.hint.as_deref(),
    )
}

#[test]
fn the_base_model_loads_without_warnings() {
    let l = model(&[]).build().unwrap();
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
    assert_eq!(l.model.stages().len(), 2);
}

// ---- tables and headers ----

#[test]
fn a_missing_required_table_names_its_header() {
    let mut m = MemModel {
        meta: TextModel::new("CAN", &[("ITAR", "USA")]).meta,
        tables: Vec::new(),
    };
    for (stem, text) in BASE.iter().filter(|(s, _)| *s != "demand") {
        m.tables.push((
            stem.to_string(),
            MemTable::from_csv(format!("{stem}.csv"), text).unwrap(),
        ));
    }
    let inv = m.build().unwrap_err();
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "demand.csv",
            None,
            None,
            "required table is missing",
            Some("create it with the header `stage,demand,loss_per_unit`")
        )
    );
}

#[test]
fn an_empty_file_says_so_and_references_into_it_are_counted() {
    let inv = invalid(&[("lanes", "")]);
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "lanes.csv",
            None,
            None,
            "the file is empty",
            Some("start it with the header `id,from_site,to_site,mode,transit_time,chokepoints`")
        )
    );
    // The input row naming lane l1 follows from the empty file: counted, not listed.
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    assert_eq!(d.follow_on, 1);
    assert_eq!(inv.headline(), "1 error(s) (and 1 that follow from them)");
}

#[test]
fn a_blank_first_line_is_not_a_header() {
    let mut m = MemModel {
        meta: TextModel::new("CAN", &[]).meta,
        tables: Vec::new(),
    };
    let mut t = MemTable::new("countries.csv", vec![String::new()]);
    t.push(["CAN,Canada,NATO"]);
    m.tables.push(("countries".into(), t));
    let inv = m.build().unwrap_err();
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "countries.csv",
            Some(1),
            None,
            "the first line is blank: it must be the header",
            Some("start it with the header `code,name,blocs`")
        )
    );
}

#[test]
fn a_semicolon_delimited_file_gets_one_error_and_a_hint() {
    let d = one(&[(
        "lanes",
        "id;from_site;to_site;mode;transit_time;chokepoints\nl1;s2;s1;road;2;Bridge\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "lanes.csv",
            Some(1),
            None,
            "the columns are separated by semicolons (`;`), not commas",
            Some("save it as comma-separated CSV (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\")")
        )
    );
    assert_eq!(d.follow_on, 1);
}

#[test]
fn a_tab_delimited_file_is_named_too() {
    let d = one(&[("demand", "stage\tdemand\tloss_per_unit\np@s1\t5\t100\n")]);
    assert_eq!(d.message, "the columns are separated by tabs, not commas");
}

#[test]
fn a_column_given_twice_is_located() {
    let d = one(&[(
        "demand",
        "stage,demand,demand,loss_per_unit\np@s1,5,5,100\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(1),
            Some((3, "demand")),
            "column `demand` appears twice in the header",
            None
        )
    );
}

#[test]
fn an_unknown_column_is_an_error_with_a_did_you_mean() {
    // Renaming `share` to `shares` would otherwise drop the shares and split the input equally.
    let d = one(&[(
        "inputs",
        "stage,input_item,qty,supplier,shares,lane\np@s1,c,2,c@s2,1,l1\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(1),
            Some((5, "shares")),
            "unknown column `shares`",
            Some("did you mean `share`?")
        )
    );
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn an_unknown_column_without_a_close_match_lists_the_columns() {
    let d = one(&[(
        "demand",
        "stage,demand,loss_per_unit,colour\np@s1,5,100,red\n",
    )]);
    assert_eq!(
        d.hint.as_deref(),
        Some(
            "the columns of this table are `stage,demand,loss_per_unit`; rename or remove this one"
        )
    );
}

#[test]
fn a_misspelt_required_column_is_one_error_not_two() {
    let d = one(&[("demand", "stage,demnd,loss_per_unit\np@s1,5,100\n")]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(1),
            Some((2, "demnd")),
            "unknown column `demnd`",
            Some("did you mean `demand`?")
        )
    );
}

#[test]
fn a_missing_required_column_gives_the_header() {
    let d = one(&[("demand", "stage,loss_per_unit\np@s1,100\n")]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(1),
            None,
            "required column `demand` is missing from the header",
            Some("the header should be `stage,demand,loss_per_unit`")
        )
    );
}

// ---- cells ----

#[test]
fn text_in_a_number_column() {
    let d = one(&[("demand", "stage,demand,loss_per_unit\np@s1,five,100\n")]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(2),
            Some((2, "demand")),
            "`five` is not a number",
            Some("write a plain decimal such as 12.5 (no units, no thousands separators)")
        )
    );
}

#[test]
fn a_negative_quantity_is_out_of_range() {
    let d = one(&[("demand", "stage,demand,loss_per_unit\np@s1,-1,100\n")]);
    assert_eq!(d.message, "-1 is out of range: it must be zero or more");
    assert_eq!(d.column, Some((2, "demand".into())));
}

#[test]
fn a_share_above_one_is_out_of_range() {
    let d = one(&[(
        "inputs",
        "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,1.5,l1\n",
    )]);
    assert_eq!(d.message, "1.5 is out of range: it must be between 0 and 1");
}

#[test]
fn a_number_beyond_its_bound_states_the_bound() {
    let d = one(&[(
        "stages",
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,1e300,1,0,\nc@s2,c,s2,50,20,1,0,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "stages.csv",
            Some(2),
            Some((5, "capacity")),
            "1e300 is beyond the bound of `capacity`: at most 1e12 (units per time unit)",
            Some("check the unit and the decimal point; an unlimited capacity is an empty cell")
        )
    );
}

#[test]
fn every_bound_is_checked_at_its_limit() {
    // At the bound loads, just beyond does not: lead_time's bound is 1e6 time units.
    let at = "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1000000,0,\nc@s2,c,s2,50,20,1,0,\n";
    assert!(model(&[("stages", at)]).build().is_ok());
    let over = at.replace("1000000", "1000001");
    let d = one(&[("stages", &over)]);
    assert_eq!(
        d.message,
        "1.000001e6 is beyond the bound of `lead_time`: at most 1e6 (time units)"
    );
    assert_eq!(keel_model::build::schema::BOUNDS.len(), 14);
}

#[test]
fn an_empty_required_number() {
    let d = one(&[("demand", "stage,demand,loss_per_unit\np@s1,,100\n")]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(2),
            Some((2, "demand")),
            "`demand` is empty",
            Some("give a number")
        )
    );
}

#[test]
fn an_empty_id() {
    let d = one(&[("scenarios", "scenario,target_kind,target,capacity_factor,start,duration,probability\n,firm,f2,0,0,10,0.1\n")]);
    assert_eq!(
        parts(&d),
        (
            "scenarios.csv",
            Some(2),
            Some((1, "scenario")),
            "`scenario` is empty",
            None
        )
    );
}

#[test]
fn an_unknown_reference_suggests_the_closest_id() {
    let d = one(&[("demand", "stage,demand,loss_per_unit\np@s2,5,100\n")]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(2),
            Some((1, "stage")),
            "unknown stage `p@s2`",
            Some("did you mean `p@s1`?")
        )
    );
}

#[test]
fn an_unknown_reference_without_a_match_says_where_to_add_it() {
    let d = one(&[(
        "firms",
        "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,ZZZ\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "firms.csv",
            Some(3),
            Some((4, "parent_country")),
            "unknown country `ZZZ`",
            Some("add it to countries.csv or correct the reference")
        )
    );
}

#[test]
fn a_duplicate_id_names_the_first_occurrence() {
    let d = one(&[(
        "firms",
        "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,\nf1,Again,CAN,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "firms.csv",
            Some(4),
            Some((1, "id")),
            "duplicate id `f1`: first given on line 2",
            Some("ids must be unique within a file; rename one or merge the rows")
        )
    );
}

#[test]
fn a_country_code_must_be_iso_alpha_3() {
    let inv = invalid(&[(
        "countries",
        "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\nusa,Lower,\n",
    )]);
    let d = inv.errors().next().unwrap();
    assert_eq!(d.message, "`usa` is not an ISO 3166-1 alpha-3 code");
    assert_eq!(d.line, Some(4));
}

#[test]
fn an_unknown_item_kind() {
    let d = one(&[(
        "items",
        "id,name,kind,export_control,capability\np,P,platform,,\nc,C,widget,ITAR:XI,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "items.csv",
            Some(3),
            Some((3, "kind")),
            "unknown kind `widget`",
            Some("use one of material, component, subsystem, platform, service")
        )
    );
    // Three references follow from the rejected item: the stage making `c`, and the input row's item and
    // supplier (that stage).
    assert_eq!(d.follow_on, 3, "{d}");
}

#[test]
fn an_unknown_export_control_regime() {
    let d = one(&[(
        "items",
        "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,ITAAR:XI,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "items.csv",
            Some(3),
            Some((4, "export_control")),
            "unknown export-control regime `ITAAR`",
            Some("did you mean `ITAR`?")
        )
    );
}

#[test]
fn an_unknown_mode() {
    let d = one(&[(
        "lanes",
        "id,from_site,to_site,mode,transit_time,chokepoints\nl1,s2,s1,teleport,2,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "lanes.csv",
            Some(2),
            Some((4, "mode")),
            "unknown mode `teleport`",
            Some("use one of road, rail, sea, air, pipeline, multimodal")
        )
    );
}

#[test]
fn a_supplier_that_makes_another_item() {
    let d = one(&[(
        "inputs",
        "stage,input_item,qty,supplier,share,lane\np@s1,c,2,p@s1,,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(2),
            Some((4, "supplier")),
            "supplier `p@s1` makes `p`, not the input item `c`",
            Some("name a stage whose item is the input item, or correct input_item")
        )
    );
}

#[test]
fn a_lane_the_wrong_way_round() {
    let d = one(&[(
        "lanes",
        "id,from_site,to_site,mode,transit_time,chokepoints\nl1,s1,s2,road,2,\n",
    )]);
    assert_eq!(
        d.message,
        "lane `l1` runs s1 -> s2, but this input ships s2 -> s1 (supplier's site to stage's site)"
    );
    assert_eq!(d.column, Some((6, "lane".into())));
}

#[test]
fn demand_given_twice_names_the_first_line() {
    let d = one(&[(
        "demand",
        "stage,demand,loss_per_unit\np@s1,5,100\np@s1,6,100\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(3),
            Some((1, "stage")),
            "stage `p@s1` already has demand on line 2",
            Some("give one row per demand stage")
        )
    );
}

#[test]
fn an_unknown_target_kind_suggests_one() {
    let d = one(&[("scenarios", "scenario,target_kind,target,capacity_factor,start,duration,probability\nx,firms,f2,0,0,10,0.1\n")]);
    assert_eq!(
        parts(&d),
        (
            "scenarios.csv",
            Some(2),
            Some((2, "target_kind")),
            "unknown target_kind `firms`",
            Some("did you mean `firm`? The kinds are stage, site, firm, country, bloc, lane, chokepoint, regime, item")
        )
    );
}

#[test]
fn an_unknown_chokepoint_target() {
    let d = one(&[("scenarios", "scenario,target_kind,target,capacity_factor,start,duration,probability\nx,chokepoint,Brige,0,0,10,0.1\n")]);
    assert_eq!(
        parts(&d),
        (
            "scenarios.csv",
            Some(2),
            Some((3, "target")),
            "unknown chokepoint `Brige`",
            Some("did you mean `Bridge`?")
        )
    );
}

#[test]
fn a_scenario_with_two_probabilities() {
    let d = one(&[(
        "scenarios",
        "scenario,target_kind,target,capacity_factor,start,duration,probability\nx,firm,f2,0,0,10,0.1\nx,firm,f1,0,0,10,0.2\n",
    )]);
    assert_eq!(
        d.message,
        "scenario `x` was given probability 0.1 on an earlier row"
    );
    assert_eq!(
        (d.line, d.column.clone()),
        (Some(3), Some((7, "probability".into())))
    );
}

// ---- input groups and the graph ----

const TWO_SUPPLIERS: (&str, &str) = (
    "stages",
    "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1,0,\nc@s2,c,s2,50,20,1,0,\nc@s1,c,s1,50,20,1,0,\n",
);

#[test]
fn quantities_that_differ_within_a_group() {
    let d = one(&[
        TWO_SUPPLIERS,
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,,\np@s1,c,3,c@s1,,\n",
        ),
    ]);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(3),
            None,
            "qty 3 differs from qty 2 on line 2 for the same stage and input item",
            Some("a stage needs one quantity of each input item, whoever supplies it")
        )
    );
}

#[test]
fn a_supplier_listed_twice_names_the_first_line() {
    let d = one(&[(
        "inputs",
        "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,,\np@s1,c,2,c@s2,,\n",
    )]);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(3),
            None,
            "supplier `c@s2` is listed twice for this stage and input item (first on line 2)",
            Some("merge the rows into one")
        )
    );
}

#[test]
fn a_share_missing_on_one_row_of_a_group() {
    let d = one(&[
        TWO_SUPPLIERS,
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,1,\np@s1,c,2,c@s1,,\n",
        ),
    ]);
    assert_eq!(
        d.message,
        "share is empty here but given on other rows of the same stage and input item"
    );
    assert_eq!(d.line, Some(3));
}

#[test]
fn shares_that_do_not_sum_to_one() {
    let d = one(&[
        TWO_SUPPLIERS,
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,0.5,\np@s1,c,2,c@s1,0.4,\n",
        ),
    ]);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(2),
            None,
            "shares of stage `p@s1` input `c` sum to 0.9, not 1 (lines 2, 3)",
            Some("make the shares of one stage's input item add up to 1")
        )
    );
}

#[test]
fn a_dropped_row_does_not_make_its_group_shares_wrong() {
    // The second row's supplier is unknown: that is the error; the first row's share of 0.6 not summing to 1
    // follows from it and is counted, not reported.
    let d = one(&[
        TWO_SUPPLIERS,
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,0.6,\np@s1,c,2,c@s9,0.4,\n",
        ),
    ]);
    assert_eq!(d.message, "unknown stage `c@s9`");
    assert_eq!(d.follow_on, 1);
}

#[test]
fn a_cycle_is_named_in_order() {
    let inv = invalid(&[
        (
            "items",
            "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,,\n",
        ),
        (
            "inputs",
            "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,,\nc@s2,p,1,p@s1,,\n",
        ),
    ]);
    let d = inv.errors().next().unwrap();
    assert!(
        d.message.starts_with("inputs form a cycle: ")
            && d.message.ends_with("(2 stage(s) in or behind cycles)"),
        "{}",
        d.message
    );
    assert_eq!(d.file, "inputs.csv");
    assert!(d.line.is_some());
}

// ---- model.toml ----

#[test]
fn a_missing_metadata_key() {
    let mut m = model(&[]);
    m.meta.currency = None;
    let inv = m.build().unwrap_err();
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "model.toml",
            None,
            None,
            "`currency` is missing",
            Some("add a line `currency = \"...\"`")
        )
    );
}

#[test]
fn a_home_country_not_in_the_table() {
    let mut m = model(&[]);
    m.meta.home_country = Some("CAM".into());
    let inv = m.build().unwrap_err();
    let d = inv.errors().next().unwrap();
    assert_eq!(
        d.message,
        "home_country `CAM` is not in the countries table"
    );
    assert_eq!(d.hint.as_deref(), Some("did you mean `CAN`?"));
}

#[test]
fn regime_problems_in_the_metadata() {
    let mut m = model(&[]);
    m.meta.regimes.push(("EAR".into(), "XXX".into(), Some(7)));
    m.meta.regimes.push(("A:B".into(), "USA".into(), Some(8)));
    m.meta.regimes.push(("ITAR".into(), "USA".into(), Some(9)));
    let inv = m.build().unwrap_err();
    let msgs: Vec<(Option<u64>, &str)> =
        inv.errors().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(
        msgs,
        [
            (Some(7), "export regime `EAR` names unknown country `XXX`"),
            (Some(8), "`A:B` is not a valid regime code (no `:` allowed)"),
            (Some(9), "export regime `ITAR` is declared twice"),
        ]
    );
}

// ---- warnings, and none after dropped rows ----

#[test]
fn unused_elements_are_warned_about() {
    let l = model(&[
        ("firms", "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,\nf3,Idle,CAN,\n"),
        ("sites", "id,firm,country,lat,lon,name\ns1,f1,CAN,45,-75,\ns2,f2,USA,39,-77,\ns3,f2,USA,,,\n"),
        ("items", "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,ITAR:XI,\nq,Q,platform,,\nu,U,material,,\n"),
        (
            "stages",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1,0,\nc@s2,c,s2,50,20,1,0,\nq@s1,q,s1,1,,,,\nc@s1,c,s1,1,,,,\n",
        ),
    ])
    .build()
    .unwrap();
    let w: Vec<(&str, &str)> = l
        .warnings
        .iter()
        .map(|d| (d.file.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        w,
        [
            ("firms.csv", "firm `f3` has no site"),
            ("sites.csv", "site `s3` has no stage"),
            ("items.csv", "item `u` has no stage that makes it"),
            ("demand.csv", "platform stage `q@s1` has no demand row"),
            (
                "stages.csv",
                "stage `c@s1` supplies no stage and has no demand: its output goes nowhere"
            ),
        ]
    );
}

#[test]
fn a_dropped_stage_does_not_make_its_supplier_supply_nothing() {
    // p@s1 is rejected (unknown site): its input row and its demand row follow from that error, and c@s2,
    // whose only buyer it was, is not warned about.
    let inv = invalid(&[(
        "stages",
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s9,100,10,1,0,\nc@s2,c,s2,50,20,1,0,\n",
    )]);
    assert_eq!(inv.diagnostics.len(), 1, "{:#?}", inv.diagnostics);
    let d = &inv.diagnostics[0];
    assert_eq!(d.message, "unknown site `s9`");
    assert_eq!(d.follow_on, 2);
}

#[test]
fn a_rejected_row_counts_what_refers_to_it_through_other_rows() {
    // The firm's country is unknown: its site is dropped silently, and so are the stage and the lane at that
    // site, the input naming them and the demand on the stage; all are counted under the firm's error.
    let inv = invalid(&[(
        "firms",
        "id,name,country,parent_country\nf1,F1,CAM,\nf2,F2,USA,\n",
    )]);
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    let d = inv.errors().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.line, d.message.as_str()),
        ("firms.csv", Some(2), "unknown country `CAM`")
    );
    // Site s1 names f1; stage p@s1 and lane l1 name s1; the input row names p@s1 and l1; demand names p@s1.
    assert_eq!(d.follow_on, 6);
}

// ---- what is printed ----

#[test]
fn limits_keep_fifty_per_file_and_two_hundred_in_all() {
    let mut diags = Vec::new();
    for f in ["a.csv", "b.csv", "c.csv", "d.csv", "e.csv"] {
        for l in 0..60 {
            diags.push(Diagnostic::error(f, "x").at_line(l + 2));
        }
    }
    let (shown, hidden) = Limit::default().apply(&diags);
    assert_eq!((shown.len(), hidden), (200, 100));
    assert_eq!(shown.iter().filter(|d| d.file == "a.csv").count(), 50);
    assert_eq!(shown[50].file, "b.csv");
    let (shown, hidden) = Limit::max_errors(0).apply(&diags);
    assert_eq!((shown.len(), hidden), (300, 0));
    let (shown, hidden) = Limit::max_errors(3).apply(&diags);
    assert_eq!((shown.len(), hidden), (3, 297));
}

#[test]
fn control_bytes_are_never_printed_and_long_values_are_cut() {
    let d = Diagnostic::error("a\u{1b}[2J.csv", "unknown stage `\u{7}x`").with_hint("h\u{0}");
    let text = d.to_string();
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert_eq!(
        text,
        "error: a\\u{1b}[2J.csv: unknown stage `\\u{7}x`\n  hint: h\\u{0}"
    );
    assert_eq!(printable("plain"), "plain");
    assert_eq!(quote(&"y".repeat(50)), format!("{}...", "y".repeat(40)));
    assert_eq!(thousands(3190), "3,190");
    assert_eq!(thousands(1234567), "1,234,567");
    assert_eq!(thousands(999), "999");
}

#[test]
fn a_diagnostic_with_follow_ons_says_how_many() {
    let mut d = Diagnostic::error("firms.csv", "the file is empty");
    d.follow_on = 3190;
    assert_eq!(
        d.to_string(),
        "error: firms.csv: the file is empty\n  and 3,190 error(s) that follow from it (not listed)"
    );
}

// ---- options.csv (format v1.1) ----

/// The base model with a candidate: c@s1, a Canadian second source of c that option `ca` would bring.
const CAND_STAGES: (&str, &str) = (
    "stages",
    "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1,0,\nc@s2,c,s2,50,20,1,0,\nc@s1,c,s1,60,4,1,0,\n",
);
const CAND_INPUTS: (&str, &str) = (
    "inputs",
    "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,1,l1\np@s1,c,2,c@s1,,\n",
);
const OPTIONS: &str = "id,kind,stage,amount,cost,probability,group,name,time_to_effect\n";

/// The base model with `replace`d tables and options.csv holding `rows`.
fn with_options(replace: &[(&str, &str)], rows: &str) -> TextModel {
    model(replace).table("options", &format!("{OPTIONS}{rows}"))
}

/// The one error of a model with options.
fn one_opt(replace: &[(&str, &str)], rows: &str) -> Diagnostic {
    let Err(inv) = with_options(replace, rows).build() else {
        panic!("the model loaded")
    };
    let errors: Vec<&Diagnostic> = inv.errors().collect();
    assert_eq!(errors.len(), 1, "{:#?}", inv.diagnostics);
    errors[0].clone()
}

const SOURCE: &str = "ca,source,c@s1,,1e6,0.5,bets,,\n";

#[test]
fn a_model_with_a_candidate_loads_without_warnings() {
    let l = with_options(&[CAND_STAGES, CAND_INPUTS], SOURCE)
        .build()
        .unwrap();
    assert!(l.warnings.is_empty(), "{:#?}", l.warnings);
    assert_eq!(l.model.stages().len(), 2);
    assert_eq!(l.model.investments().unwrap().full.stages().len(), 3);
}

#[test]
fn an_unknown_option_column_has_a_did_you_mean() {
    let inv = model(&[CAND_STAGES, CAND_INPUTS])
        .table(
            "options",
            "id,kind,stag,amount,cost,probability,group,name,time_to_effect\nca,source,c@s1,,1e6,,,,\n",
        )
        .build()
        .unwrap_err();
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "options.csv",
            Some(1),
            Some((3, "stag")),
            "unknown column `stag`",
            Some("did you mean `stage`?")
        )
    );
    // No candidate is known: the empty share of its input row follows from this error.
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    assert_eq!(d.follow_on, 1);
}

#[test]
fn an_unknown_option_kind_suggests_one_and_does_not_cascade() {
    let inv = with_options(&[CAND_STAGES, CAND_INPUTS], "ca,sourse,c@s1,,1e6,,,,\n")
        .build()
        .unwrap_err();
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "options.csv",
            Some(2),
            Some((2, "kind")),
            "unknown kind `sourse`",
            Some("did you mean `source`? The kinds are capacity, stockpile, source")
        )
    );
    assert_eq!(d.follow_on, 1);
}

#[test]
fn an_unknown_option_stage_suggests_one() {
    let inv = with_options(&[CAND_STAGES, CAND_INPUTS], "ca,source,c@s11,,1e6,,,,\n")
        .build()
        .unwrap_err();
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    let d = inv.errors().next().unwrap();
    assert_eq!(
        parts(d),
        (
            "options.csv",
            Some(2),
            Some((3, "stage")),
            "unknown stage `c@s11`",
            Some("did you mean `c@s1`?")
        )
    );
    assert_eq!(d.follow_on, 1);
}

#[test]
fn a_duplicate_option_id_names_the_first() {
    let d = one_opt(
        &[CAND_STAGES, CAND_INPUTS],
        &format!("{SOURCE}ca,capacity,c@s2,5,1e3,,,,\n"),
    );
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(3),
            Some((1, "id")),
            "duplicate id `ca`: first given on line 2",
            Some("ids must be unique within a file; rename one or merge the rows")
        )
    );
}

#[test]
fn capacity_and_stockpile_options_need_a_positive_amount() {
    let d = one_opt(&[], "up,capacity,c@s2,,1e3,,,,\n");
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(2),
            Some((4, "amount")),
            "a capacity option needs an amount",
            Some("give a positive amount: the capacity it adds, in units per time unit")
        )
    );
    let d = one_opt(&[], "st,stockpile,c@s2,0,1e3,,,,\n");
    assert_eq!(
        (d.message.as_str(), d.column.clone()),
        (
            "0 is out of range: it must be greater than zero",
            Some((4, "amount".into()))
        )
    );
    let d = one_opt(&[], "st,stockpile,c@s2,2e12,1e3,,,,\n");
    assert_eq!(
        d.message,
        "2e12 is beyond the bound of `amount`: at most 1e12 (units, or units per time unit)"
    );
}

#[test]
fn a_source_option_takes_no_amount() {
    let d = one_opt(&[CAND_STAGES, CAND_INPUTS], "ca,source,c@s1,4,1e6,,,,\n");
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(2),
            Some((4, "amount")),
            "a source option takes no amount",
            Some("leave amount empty: the candidate's capacity and inventory are its columns in stages.csv")
        )
    );
}

#[test]
fn an_option_cost_must_be_given_and_positive() {
    let d = one_opt(&[], "up,capacity,c@s2,5,,,,,\n");
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(2),
            Some((5, "cost")),
            "`cost` is empty",
            Some("give a number")
        )
    );
    let d = one_opt(&[], "up,capacity,c@s2,5,0,,,,\n");
    assert_eq!(d.message, "0 is out of range: it must be greater than zero");
    let d = one_opt(&[], "up,capacity,c@s2,5,2e15,,,,\n");
    assert_eq!(
        d.message,
        "2e15 is beyond the bound of `cost`: at most 1e15 (currency)"
    );
}

#[test]
fn an_option_probability_is_in_zero_one() {
    let d = one_opt(&[], "up,capacity,c@s2,5,1e3,0,,,\n");
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(2),
            Some((6, "probability")),
            "probability 0: the option would never work",
            Some("give the chance that it works, greater than 0 and at most 1 (empty is 1), or remove the option")
        )
    );
    let d = one_opt(&[], "up,capacity,c@s2,5,1e3,1.5,,,\n");
    assert_eq!(d.message, "1.5 is out of range: it must be between 0 and 1");
}

#[test]
fn a_time_to_effect_is_finite_and_not_negative() {
    let d = one_opt(&[], "up,capacity,c@s2,5,1e3,,,,-1\n");
    assert_eq!(
        (d.message.as_str(), d.column.clone()),
        (
            "-1 is out of range: it must be zero or more",
            Some((9, "time_to_effect".into()))
        )
    );
    let d = one_opt(&[], "up,capacity,c@s2,5,1e3,,,,inf\n");
    assert_eq!(d.message, "`inf` is not a number");
    let d = one_opt(&[], "up,capacity,c@s2,5,1e3,,,,2e6\n");
    assert_eq!(
        d.message,
        "2e6 is beyond the bound of `time_to_effect`: at most 1e6 (time units)"
    );
}

#[test]
fn a_capacity_option_on_an_unlimited_stage() {
    let stages = (
        "stages",
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1,0,\nc@s2,c,s2,50,,1,0,\n",
    );
    let d = one_opt(&[stages], "up,capacity,c@s2,5,1e3,,,,\n");
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(2),
            Some((3, "stage")),
            "stage `c@s2` has an unlimited capacity: there is nothing to raise",
            Some("give it a capacity in stages.csv (line 3), or make this a stockpile option")
        )
    );
    // A stockpile on it is fine.
    assert!(with_options(&[stages], "st,stockpile,c@s2,5,1e3,,,,\n")
        .build()
        .is_ok());
}

#[test]
fn a_capacity_or_stockpile_option_on_a_candidate() {
    // Found whichever row comes first.
    for rows in [
        format!("{SOURCE}up,capacity,c@s1,5,1e3,,,,\n"),
        format!("up,capacity,c@s1,5,1e3,,,,\n{SOURCE}"),
    ] {
        let d = one_opt(&[CAND_STAGES, CAND_INPUTS], &rows);
        let line = if rows.starts_with("ca") { 3 } else { 2 };
        let at = 5 - line;
        assert_eq!(
            parts(&d),
            (
                "options.csv",
                Some(line),
                Some((3, "stage")),
                format!("stage `c@s1` is a candidate (option `ca` on line {at}): a capacity option cannot act on it").as_str(),
                Some("a candidate's capacity and inventory are its columns in stages.csv; raise an existing stage")
            )
        );
    }
}

#[test]
fn two_source_options_on_one_candidate() {
    let d = one_opt(
        &[CAND_STAGES, CAND_INPUTS],
        &format!("{SOURCE}cb,source,c@s1,,2e6,,,,\n"),
    );
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(3),
            Some((3, "stage")),
            "stage `c@s1` is already the candidate of option `ca` on line 2",
            Some("one source option per candidate stage: for a second bet on it, write another candidate stage")
        )
    );
}

#[test]
fn a_candidate_without_a_capacity() {
    let stages = (
        "stages",
        "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,1,0,\nc@s2,c,s2,50,20,1,0,\nc@s1,c,s1,60,,1,0,\n",
    );
    let d = one_opt(&[stages, CAND_INPUTS], SOURCE);
    assert_eq!(
        parts(&d),
        (
            "options.csv",
            Some(2),
            Some((3, "stage")),
            "candidate stage `c@s1` has no capacity",
            Some(
                "give it a capacity in stages.csv (line 4): what the option buys is that capacity"
            )
        )
    );
}

#[test]
fn a_candidate_with_demand() {
    let demand = (
        "demand",
        "stage,demand,loss_per_unit\np@s1,5,100\nc@s1,1,10\n",
    );
    let d = one_opt(&[CAND_STAGES, CAND_INPUTS, demand], SOURCE);
    assert_eq!(
        parts(&d),
        (
            "demand.csv",
            Some(3),
            Some((1, "stage")),
            "stage `c@s1` is a candidate (option `ca`): a candidate has no demand",
            Some("put the demand on an existing stage: a candidate only supplies, in the plans that take its option (options.csv line 2)")
        )
    );
}

#[test]
fn a_share_given_for_a_candidate_supplier() {
    let inputs = (
        "inputs",
        "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,1,l1\np@s1,c,2,c@s1,0,\n",
    );
    let d = one_opt(&[CAND_STAGES, inputs], SOURCE);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(3),
            Some((5, "share")),
            "supplier `c@s1` is a candidate (option `ca`): its share must be empty",
            Some("leave share empty on rows naming a candidate; the shares of the existing suppliers sum to 1 (options.csv line 2)")
        )
    );
}

#[test]
fn an_empty_share_on_a_supplier_no_option_names() {
    // c@s1 was meant as a candidate, but no option names it: its empty share is the error, and the hint says
    // how to make it a candidate.
    let d = one_opt(&[CAND_STAGES, CAND_INPUTS], "up,capacity,c@s2,5,1e3,,,,\n");
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(3),
            None,
            "share is empty here but given on other rows of the same stage and input item",
            Some("give a share on every row of the group, or leave all empty to split equally; if `c@s1` is a \
                  candidate stage, add a `source` option naming it to options.csv")
        )
    );
}

#[test]
fn a_scenario_on_a_candidate() {
    let scenarios = (
        "scenarios",
        "scenario,target_kind,target,capacity_factor,start,duration,probability\nx,stage,c@s1,0,0,10,0.1\n",
    );
    let d = one_opt(&[CAND_STAGES, CAND_INPUTS, scenarios], SOURCE);
    assert_eq!(
        parts(&d),
        (
            "scenarios.csv",
            Some(2),
            Some((3, "target")),
            "stage `c@s1` is a candidate (option `ca`): a scenario cannot name it",
            Some("candidates exist only in plans (`keel plan`); target its site, firm or country to disrupt it there too (options.csv line 2)")
        )
    );
}

#[test]
fn an_input_only_candidates_supply() {
    let inputs = (
        "inputs",
        "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s1,,\n",
    );
    let d = one_opt(&[CAND_STAGES, inputs], SOURCE);
    assert_eq!(
        parts(&d),
        (
            "inputs.csv",
            Some(2),
            None,
            "stage `p@s1` gets input `c` only from candidate stages",
            Some("add an existing supplier: a candidate exists only in plans that take its option, and without one the stage could make nothing")
        )
    );
}
