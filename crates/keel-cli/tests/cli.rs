//! The `keel` binary as a user runs it: exit codes and what `check` prints on the bundled example.

use std::path::Path;
use std::process::Command;

fn keel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/canada-dib")
        .display()
        .to_string()
}

#[test]
fn check_on_the_example_succeeds_with_its_counts() {
    let out = keel(&["check", &example(), "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("measure,value\n"), "{text}");
    assert!(text.contains("stages,469\n"), "{text}");
    assert!(text.contains("tiers (longest input chain),7\n"), "{text}");
    // One number per row, so the CSV is tidy: 291 firms, 13 of them foreign-controlled.
    assert!(
        text.contains("firms,291\nforeign-controlled firms,13\n"),
        "{text}"
    );
    assert!(
        text.contains("stage inputs with a single supplier,0.68"),
        "{text}"
    );
}

#[test]
fn bad_input_exits_2_and_names_the_location() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        if !p.is_file() {
            continue;
        }
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    let demand = std::fs::read_to_string(dir.path().join("demand.csv")).unwrap();
    std::fs::write(
        dir.path().join("demand.csv"),
        demand + "no-such-stage,1,1\n",
    )
    .unwrap();
    let out = keel(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("demand.csv:13:1 (stage): unknown stage `no-such-stage`"),
        "{err}"
    );
    // An analysis on a model that does not load is bad input too.
    assert_eq!(
        keel(&["exposure", dir.path().to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(keel(&["check", "/no/such/model"]).status.code(), Some(2));
    assert_eq!(keel(&["no-such-command"]).status.code(), Some(2));
}

/// A small model with options: a German second source (a candidate), a capacity option and a risky stockpile.
fn options_model(dir: &Path) {
    let files = [
        (
            "model.toml",
            "name = \"opts\"\nhome_country = \"CAN\"\ncurrency = \"CAD\"\ntime_unit = \"day\"\n",
        ),
        ("countries.csv", "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\nDEU,Germany,NATO\n"),
        ("firms.csv", "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,\nf3,F3,DEU,\n"),
        ("sites.csv", "id,firm,country,lat,lon,name\ns1,f1,CAN,,,\ns2,f2,USA,,,\ns3,f3,DEU,,,\n"),
        ("items.csv", "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,,\n"),
        (
            "stages.csv",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,0,0,\n\
             c@s2,c,s2,50,20,0,0,\nc@s3,c,s3,60,5,0,0,\n",
        ),
        ("inputs.csv", "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,,\np@s1,c,2,c@s3,,\n"),
        ("demand.csv", "stage,demand,loss_per_unit\np@s1,5,100\n"),
        (
            "options.csv",
            "id,kind,stage,amount,cost,probability,group,name,time_to_effect\n\
             deu,source,c@s3,,3e7,0.6,research,,\ncap,capacity,c@s2,5,1e6,,,,\nstock,stockpile,p@s1,50,2e5,0.9,research,,\n",
        ),
    ];
    for (f, text) in files {
        std::fs::write(dir.join(f), text).unwrap();
    }
}

#[test]
fn check_counts_options_and_says_only_plan_sees_candidates() {
    let dir = tempfile::tempdir().unwrap();
    options_model(dir.path());
    let m = dir.path().to_str().unwrap();
    let out = keel(&["check", m, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // Two stages: the candidate is counted on its own row only.
    assert!(text.contains("stages,2\n"), "{text}");
    assert!(
        text.contains(
            "investment options,3\nrisky options (probability < 1),2\noption groups,1\n\
             candidate stages (seen only by keel plan),1\n"
        ),
        "{text}"
    );
    let out = keel(&["check", m]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("the counts are of the model without its 1 candidate stage(s), which only `keel plan` sees"),
        "{text}"
    );
    let out = keel(&["check", m, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["summary"]["options"],
        serde_json::json!({"options": 3, "risky": 2, "groups": 1, "candidate_stages": 1})
    );
    // Without options.csv the summary has no options at all.
    std::fs::remove_file(dir.path().join("options.csv")).unwrap();
    std::fs::write(
        dir.path().join("inputs.csv"),
        "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,,\np@s1,c,2,c@s3,,\n",
    )
    .unwrap();
    let out = keel(&["check", m, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["summary"].get("options").is_none(), "{v}");
    assert_eq!(v["summary"]["stages"], 3);
}
