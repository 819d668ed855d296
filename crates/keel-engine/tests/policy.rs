//! The `policy` analyses through the engine, on the published data sets in shared/data: NATO's, SIPRI's and
//! CSIS's figures as published (or recomputed by hand from the rows the analysis itself returns), the shipped
//! funding example by hand, options refused by name, and a bad funding row as a located error.

mod common;

use keel_engine::policy::{self, PolicyData};
use keel_engine::table::Cell;
use keel_engine::{Analysis, EngineError, Results};
use keel_model::Silent;
use std::path::{Path, PathBuf};

/// `shared/data` beside the repository, or beside a folder above it (a worktree finds the main checkout's).
fn shared_data() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data"))
        .find(|p| p.join("nato").is_dir())
        .unwrap_or_else(|| {
            panic!(
                "these tests need the published data sets (nato/, sipri/, csis-canada/) in shared/data beside the \
                 repository ({}/../../../shared/data)",
                env!("CARGO_MANIFEST_DIR")
            )
        })
}

fn data() -> PolicyData {
    let d = PolicyData::in_folder(&shared_data());
    assert!(
        d.nato.is_some() && d.sipri.is_some() && d.csis.is_some(),
        "incomplete data sets: {d:?}"
    );
    d
}

fn analysis(json: &str) -> Analysis {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// Runs the policy analysis `json` describes on `d`.
fn go_on(d: &PolicyData, json: &str) -> Result<Results, EngineError> {
    let a = analysis(json);
    assert!(!a.needs_model());
    assert_eq!(a.name(), "policy");
    let Analysis::Policy(o) = &a else {
        panic!("{json} is not a policy analysis")
    };
    policy::run(d, o, &Silent)
}

fn go(json: &str) -> Results {
    go_on(&data(), json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn pct2(v: f64) -> String {
    format!("{:.2}", v * 100.0)
}

#[test]
fn canada_spending_as_nato_published_it() {
    let r = go(r#"{"analysis": "policy", "command": "spending", "country": "CAN"}"#);
    assert_eq!(r.main, "years");
    let names: Vec<&str> = r.tables.iter().map(|t| t.name).collect();
    assert_eq!(names, ["years", "gaps", "path", "source"]);
    // NATO, 17 June 2024, Table 3: Canada 1.01% of GDP in 2014, 1.37% in 2024e.
    let st = &r.json["standing"];
    assert_eq!(pct2(st["share_gdp"].as_f64().unwrap()), "1.37");
    assert_eq!(st["year"], 2024);
    assert_eq!(st["estimate"], true);
    let years = r.table(Some("years")).unwrap();
    let first = &years.rows[0];
    assert_eq!(first[0], Cell::Int(2014));
    let Cell::Share2(s2014) = first[6] else {
        panic!("share of GDP: {:?}", first[6])
    };
    assert_eq!(pct2(s2014), "1.01");
    assert_eq!(years.rows.len(), 11, "2014 to 2024e");
    // The gap to 2% is 2% of GDP less spending: with GDP = spending / share, gap = spending (0.02 / share - 1).
    let gaps = r.table(Some("gaps")).unwrap();
    let two = gaps
        .rows
        .iter()
        .find(|row| row[0] == Cell::Share2(0.02))
        .unwrap();
    let usd = st["usd_current"].as_f64().unwrap();
    let share = st["share_gdp"].as_f64().unwrap();
    let Cell::Num(gap) = two[4] else {
        panic!("gap USD m: {:?}", two[4])
    };
    let want = usd * (0.02 / share - 1.0);
    assert!((gap - want).abs() < 1e-6 * want, "{gap} vs {want}");
}

#[test]
fn the_ranking_has_every_member_and_poland_first() {
    let r = go(r#"{"analysis": "policy", "command": "spending"}"#);
    assert_eq!(r.main, "ranking");
    let t = r.table(None).unwrap();
    // NATO's 32 members in 2024 (Table 3), Poland first at 4.12% of GDP.
    assert_eq!(t.rows.len(), 32);
    assert_eq!(t.rows[0][0], Cell::Int(1));
    assert_eq!(t.rows[0][2], Cell::Text("Poland".into()));
    let Cell::Share2(p) = t.rows[0][5] else {
        panic!("{:?}", t.rows[0][5])
    };
    assert_eq!(pct2(p), "4.12");
}

#[test]
fn canada_arms_imports_hhi_and_effective_number_from_the_shares() {
    let r = go(
        r#"{"analysis": "policy", "command": "arms", "recipient": "CAN", "from": 2015, "to": 2024, "top": 0}"#,
    );
    assert_eq!(r.main, "partners");
    let o = &r.json["summary"]["overall"];
    // 2,425.2 TIV delivered 2015-2024 (crates/keel-policy/tests/sipri.rs checks it against a pandas peer).
    let total = o["total"].as_f64().unwrap();
    assert!((total - 2_425.2).abs() < 0.1, "{total}");
    // HHI recomputed from the partners table (every supplier, top 0): sum of (100 TIV / total)^2; the
    // effective number is 10,000 / HHI.
    let t = r.table(Some("partners")).unwrap();
    let tiv: Vec<f64> = t
        .rows
        .iter()
        .map(|row| match row[1] {
            Cell::Num(v) => v,
            ref c => panic!("{c:?}"),
        })
        .collect();
    let sum: f64 = tiv.iter().sum();
    assert!((sum - total).abs() < 1e-9 * total);
    let hhi: f64 = tiv.iter().map(|v| (100.0 * v / sum).powi(2)).sum();
    let got = o["hhi"].as_f64().unwrap();
    assert!((got - hhi).abs() < 1e-9 * hhi, "{got} vs {hhi}");
    let eff = o["effective_number"].as_f64().unwrap();
    assert!((eff - 10_000.0 / hhi).abs() < 1e-9 * eff);
    // The United States supplies the largest part: 47%.
    assert_eq!(t.rows[0][0], Cell::Text("United States".into()));
    let us = o["us_share"].as_f64().unwrap();
    assert!(
        (us - tiv[0] / sum).abs() < 1e-12 && (0.46..0.48).contains(&us),
        "{us}"
    );
    assert_eq!(r.json["generated"], "13 Mar 2025 10:02:49 AM");
}

#[test]
fn arms_options_that_contradict_are_refused() {
    let e = go_on(
        &data(),
        r#"{"analysis": "policy", "command": "arms", "recipient": "Canada", "all_recipients": true}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, EngineError::Options(m) if m.contains("recipient and all_recipients")),
        "{e}"
    );
    let e = go_on(
        &data(),
        r#"{"analysis": "policy", "command": "arms", "recipient": "Canda"}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("did you mean `Canada`"), "{e}");
}

#[test]
fn canada_us_trade_and_subawards_as_the_records_say() {
    let r = go(r#"{"analysis": "policy", "command": "integration"}"#);
    assert_eq!(r.main, "trade");
    let t = r.table(Some("trade")).unwrap();
    assert_eq!(t.rows.len(), 27, "1989-2015");
    let y2015 = t.rows.iter().find(|row| row[0] == Cell::Int(2015)).unwrap();
    // USITCbilateralTrade.csv, 2015: Canada -> US defence 513,546,155 (50000) + 201,323,859 (50010); US ->
    // Canada 349,685,977.
    assert_eq!(y2015[1], Cell::Num(714_870_014.0));
    assert_eq!(y2015[2], Cell::Num(349_685_977.0));
    assert_eq!(y2015[3], Cell::Num(714_870_014.0 - 349_685_977.0));
    // 3,000 Defense subawards performed in Canada, 756 of them repeating an earlier row.
    let s = &r.json["subawards"];
    assert_eq!(s["rows_in_scope"], 3000);
    assert_eq!(s["count"], 3000 - 756);
    let e = serde_json::from_str::<Analysis>(
        r#"{"analysis": "policy", "command": "integration", "in_canada": "anywhere"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("unknown variant `anywhere`, expected one of `place`, `vendor`, `either`"),
        "{e}"
    );
}

#[test]
fn the_shipped_funding_example_by_hand() {
    // No data set is needed, and no file is given: the shipped example.
    let r = go_on(
        &PolicyData::default(),
        r#"{"analysis": "policy", "command": "funding"}"#,
    )
    .unwrap();
    assert_eq!(r.main, "programmes");
    let p = &r.json["programmes"][0];
    assert_eq!(p["programme"], "National Defence (department total)");
    // DND DPR 2015-16: planned 18,942,053,629; total authorities 19,997,410,380; actual 18,666,073,243.
    let f = 18_666_073_243.0 / 18_942_053_629.0;
    let l = (19_997_410_380.0 - 18_666_073_243.0) / 19_997_410_380.0;
    let close = |v: &serde_json::Value, want: f64| {
        let got = v.as_f64().unwrap();
        assert!(
            (got - want).abs() < 1e-12 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    };
    close(&p["follow_through"], f);
    close(&p["lapse"], l);
    close(&p["stability"], 100.0 * (f + 1.0 - l) / 2.0);
    assert_eq!(r.json["source"], "programmes.csv");
    // The same text given inline gives the same bytes; weights change the score as documented.
    let inline = serde_json::json!({
        "analysis": "policy", "command": "funding", "programmes": policy::funding::EXAMPLE,
    });
    let r2 = go_on(&PolicyData::default(), &inline.to_string()).unwrap();
    assert_eq!(r2.json_bytes(), r.json_bytes());
    assert_eq!(r2.xlsx_bytes().unwrap(), r.xlsx_bytes().unwrap());
    let w = go_on(
        &PolicyData::default(),
        r#"{"analysis": "policy", "command": "funding", "weights": "1,0,0"}"#,
    )
    .unwrap();
    close(&w.json["programmes"][0]["stability"], 100.0 * f);
}

#[test]
fn a_bad_funding_row_is_a_located_error_naming_programmes_csv() {
    let o = serde_json::json!({
        "analysis": "policy", "command": "funding",
        "programmes": "programme,fiscal_year,announced,allocated,spent,source,basis\nA,2020-21,10,10,-4,Budget,published\n",
    });
    let e = go_on(&PolicyData::default(), &o.to_string()).unwrap_err();
    let EngineError::Policy { path, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(path, Path::new("programmes.csv"));
    let m = e.to_string();
    assert!(m.starts_with("programmes.csv: 1 error"), "{m}");
    assert!(
        m.contains("error: programmes.csv:2:5 (spent): spent is negative: -4"),
        "{m}"
    );
    assert!(m.contains("hint:"), "{m}");
}

#[test]
fn unknown_options_and_commands_are_refused_by_name() {
    let e = serde_json::from_str::<Analysis>(
        r#"{"analysis": "policy", "command": "spending", "contry": "CAN"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown field `contry`"), "{e}");
    let e = serde_json::from_str::<Analysis>(
        r#"{"analysis": "policy", "command": "spend", "country": "CAN"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown variant `spend`"), "{e}");
    // The command line's data flag is the front end's business, not an option.
    let e = serde_json::from_str::<Analysis>(
        r#"{"analysis": "policy", "command": "arms", "data": "/etc"}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown field `data`"), "{e}");
}

#[test]
fn a_missing_data_set_or_a_model_is_a_clear_error() {
    let e = go_on(
        &PolicyData::default(),
        r#"{"analysis": "policy", "command": "spending"}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, EngineError::NoData(m) if m.contains("NATO's defence expenditure tables")),
        "{e}"
    );
    let m = common::example();
    let a = analysis(r#"{"analysis": "policy", "command": "funding"}"#);
    assert!(matches!(
        keel_engine::run(&m, &a, &Silent),
        Err(EngineError::Options(_))
    ));
    assert!(analysis(r#"{"analysis": "stress", "each": "site"}"#).needs_model());
}

#[test]
fn a_cancelled_run_stops_before_reading() {
    struct Cancelled;
    impl keel_model::Progress for Cancelled {
        fn set(&self, _: usize) {}
        fn cancelled(&self) -> bool {
            true
        }
    }
    let Analysis::Policy(o) = analysis(r#"{"analysis": "policy", "command": "spending"}"#) else {
        unreachable!()
    };
    assert!(matches!(
        policy::run(&data(), &o, &Cancelled),
        Err(EngineError::Cancelled)
    ));
}
