//! `keel plan` as a user runs it: the hand case of keel-plan's tests written as files (loader, options.csv and
//! the command end to end), the bundled example against the library, formats, determinism and exit codes.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn keel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

fn json(args: &[&str]) -> Value {
    let out = keel(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/canada-dib")
        .display()
        .to_string()
}

/// The hand case of crates/keel-plan/tests/hand.rs as model files: platform P needs one C a day from S1
/// (capacity 2); S1 burns for 10 days with probability 0.1; option `stock` keeps 5 units of C at S1 (cost 10),
/// option `second` is a candidate second source S2 (capacity 1, cost 30) that works with probability 0.8.
/// Expected loss: nothing 100, stock 50, second 20, both 10.
fn hand_model(dir: &Path) {
    let files = [
        (
            "model.toml",
            "name = \"hand\"\nhome_country = \"CAN\"\ncurrency = \"CAD\"\ntime_unit = \"day\"\n",
        ),
        (
            "countries.csv",
            "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\n",
        ),
        (
            "firms.csv",
            "id,name,country,parent_country\nF1,F1,CAN,\nF2,F2,USA,\nFP,FP,CAN,\n",
        ),
        (
            "sites.csv",
            "id,firm,country,lat,lon,name\nX1,F1,CAN,,,\nX2,F2,USA,,,\nXP,FP,CAN,,,\n",
        ),
        (
            "items.csv",
            "id,name,kind,export_control,capability\nc,C,component,,\np,P,platform,,\n",
        ),
        (
            "stages.csv",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\n\
             S1,c,X1,1,2,0,0,10\nS2,c,X2,1,1,0,0,\nP,p,XP,1,,0,0,\n",
        ),
        (
            "inputs.csv",
            "stage,input_item,qty,supplier,share,lane\nP,c,1,S1,,\nP,c,1,S2,,\n",
        ),
        ("demand.csv", "stage,demand,loss_per_unit\nP,1,100\n"),
        (
            "scenarios.csv",
            "scenario,target_kind,target,capacity_factor,start,duration,probability\n\
             s1-fire,stage,S1,0,0,10,0.1\n",
        ),
        (
            "options.csv",
            "id,kind,stage,amount,cost,probability,group,name,time_to_effect\n\
             stock,stockpile,S1,5,10,,,Stock of C,\nsecond,source,S2,,30,0.8,,Second source,\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn the_hand_case_from_files_gives_the_hand_numbers() {
    let dir = tempfile::tempdir().unwrap();
    hand_model(dir.path());
    let m = dir.path().to_str().unwrap();
    for (budget, chosen, loss) in [
        ("0", vec![], 100.0),
        ("10", vec!["stock"], 50.0),
        ("30", vec!["second"], 20.0),
        ("40", vec!["stock", "second"], 10.0),
    ] {
        let v = json(&["plan", m, "--budget", budget, "--format", "json"]);
        let got: Vec<&str> = v["chosen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(got, chosen, "budget {budget}");
        assert!((v["expected_loss"].as_f64().unwrap() - loss).abs() < 1e-6);
        assert!((v["baseline_expected_loss"].as_f64().unwrap() - 100.0).abs() < 1e-6);
    }
    // CVaR at 0.95 with both: 0.02 x 500 / 0.05 = 200.
    let v = json(&[
        "plan",
        m,
        "--budget",
        "40",
        "--risk",
        "cvar:0.95",
        "--format",
        "json",
    ]);
    assert!((v["cvar"].as_f64().unwrap() - 200.0).abs() < 1e-6);
    assert_eq!(v["alpha"].as_f64(), Some(0.95));
    // Every other analysis sees the model without the candidate: S1 is the only supplier of P.
    let c = json(&["criticality", m, "--format", "json"]);
    assert!(!c.to_string().contains("\"S2\""), "{c}");
}

#[test]
fn the_example_plan_matches_the_library_and_is_the_same_every_run() {
    let args = [
        "plan",
        &example(),
        "--budget",
        "300000000",
        "--format",
        "json",
    ];
    let a = keel(&args);
    // The second run on one worker thread: the planner must not depend on how work is split.
    let b = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("keel runs");
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(
        a.stdout, b.stdout,
        "same bytes across runs and thread counts"
    );
    let v: Value = serde_json::from_slice(&a.stdout).unwrap();
    for key in [
        "chosen",
        "cost",
        "expected_loss",
        "baseline_expected_loss",
        "cvar",
        "alpha",
        "scenarios",
        "gap",
    ] {
        assert!(v.get(key).is_some(), "missing `{key}`");
    }
    // The library, called directly, agrees on every chosen option and on the loss to the last digit.
    let m = keel_io::load(Path::new(&example())).unwrap().model;
    let inv = m.investments().expect("the example has options");
    let r = keel_plan::plan(
        inv,
        &keel_plan::PlanOptions {
            budget: Some(3e8),
            ..keel_plan::PlanOptions::default()
        },
    )
    .unwrap();
    let ids: Vec<&str> = r
        .chosen
        .iter()
        .map(|&o| inv.options[o].id.as_str())
        .collect();
    let got: Vec<&str> = v["chosen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(got, ids);
    assert_eq!(v["expected_loss"].as_f64(), Some(r.expected_loss));
    assert!(r.cost <= 3e8 && r.expected_loss < r.baseline_expected_loss);
    assert!(r.gap <= 1e-6, "proven optimal: gap {}", r.gap);
    // 11 cases: the 10 scenarios with a probability and the no-disruption rest.
    assert_eq!(
        v["scenarios"].as_array().unwrap().len(),
        m.scenarios().len() + 1
    );
}

#[test]
fn the_frontier_never_rises_and_its_csv_reads_as_one_table() {
    let out = keel(&[
        "plan",
        &example(),
        "--frontier",
        "0,20000000,100000000,400000000",
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let h = r.headers().unwrap().clone();
    assert_eq!(
        h.iter().collect::<Vec<_>>(),
        ["budget", "cost", "expected_loss", "cvar", "gap", "options"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let loss: Vec<f64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    assert!(loss.windows(2).all(|w| w[1] <= w[0] + 1e-6), "{loss:?}");
    let cost: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    let budget: Vec<f64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(cost.iter().zip(&budget).all(|(c, b)| c <= b));
    assert_eq!(cost[0], 0.0);
    assert_eq!(&rows[0][5], "");
}

#[test]
fn bad_options_exit_2_and_impossible_survival_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    hand_model(dir.path());
    let m = dir.path().to_str().unwrap();
    let out = keel(&["plan", m, "--risk", "cvar:1.5"]);
    assert_eq!(out.status.code(), Some(2));
    // A model without options.csv.
    std::fs::remove_file(dir.path().join("options.csv")).unwrap();
    let out = keel(&["plan", m]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("options.csv"));
    hand_model(dir.path());
    // S1 out for 6 days: the 5-unit stock (the only certain option) cannot cover it.
    let out = keel(&["plan", m, "--survive", "stage:6", "--except", "P"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no plan survives") && err.contains("stage S1"),
        "{err}"
    );
    // 5 days: survivable, and the plan funds the stock.
    let v = json(&[
        "plan",
        m,
        "--survive",
        "stage:5",
        "--except",
        "P",
        "--format",
        "json",
    ]);
    assert!(v["chosen"].as_array().unwrap().iter().any(|x| x == "stock"));
    // An unknown id in --except gets a did-you-mean.
    let out = keel(&["plan", m, "--survive", "stage:5", "--except", "S3"]);
    assert_eq!(out.status.code(), Some(2));
    // A scenario without a probability is named.
    std::fs::write(
        dir.path().join("scenarios.csv"),
        "scenario,target_kind,target,capacity_factor,start,duration,probability\ns1-fire,stage,S1,0,0,10,\n",
    )
    .unwrap();
    let out = keel(&["plan", m]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("s1-fire"));
}
