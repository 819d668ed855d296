//! `keel policy funding`: the shipped example (hand-computed metrics on its published rows, illustrative rows
//! labelled), the output formats, and bad rows as located errors with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/funding/programmes.csv")
}

fn keel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = keel(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!(
        (got - want).abs() < 1e-12 * want.abs().max(1.0),
        "{got} != {want}"
    );
}

/// Runs keel on a funding file with `body` under the standard header; returns (exit code, stderr).
fn on(body: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("programmes.csv");
    std::fs::write(
        &path,
        format!("programme,fiscal_year,announced,allocated,spent,source,basis\n{body}"),
    )
    .unwrap();
    let out = keel(&["policy", "funding", path.to_str().unwrap()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        path.display().to_string(),
    )
}

#[test]
fn the_published_department_total_by_hand() {
    let v = json(&[
        "policy",
        "funding",
        example().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let p = &v["programmes"][0];
    assert_eq!(p["programme"], "National Defence (department total)");
    assert_eq!(p["basis"], "published");
    // DND DPR 2015-16: planned 18,942,053,629; total authorities 19,997,410,380; actual 18,666,073,243.
    let f = 18_666_073_243.0 / 18_942_053_629.0;
    let l = (19_997_410_380.0 - 18_666_073_243.0) / 19_997_410_380.0;
    close(&p["follow_through"], f);
    close(&p["lapse"], l);
    assert!(p["volatility"].is_null(), "one year has no volatility");
    // Two parts present, equal weights: S = 100 (F + 1 - L) / 2.
    close(&p["stability"], 100.0 * (f + 1.0 - l) / 2.0);
}

#[test]
fn an_illustrative_programme_by_hand() {
    let v = json(&[
        "policy",
        "funding",
        example().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let p = v["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["programme"] == "Illustrative: steady munitions line")
        .unwrap();
    assert_eq!(p["basis"], "illustrative");
    // Allocations 150, 155, 160, 160 (millions): mean 156.25; deviations -6.25, -1.25, 3.75, 3.75;
    // squares 39.0625 + 1.5625 + 14.0625 + 14.0625 = 68.75; population variance 17.1875.
    let cv = 17.1875f64.sqrt() / 156.25;
    close(&p["volatility"], cv);
    // Spent 148 + 152 + 159 + 158 = 617 of 600 announced: F = 617/600, part clamped to 1.
    close(&p["follow_through"], 617.0 / 600.0);
    close(&p["parts"]["follow_through"], 1.0);
    // Lapse (625 - 617) / 625.
    close(&p["lapse"], 8.0 / 625.0);
    close(
        &p["stability"],
        100.0 * (1.0 + (1.0 - 8.0 / 625.0) + (1.0 - cv)) / 3.0,
    );
    // Custom weights: volatility only.
    let w = json(&[
        "policy",
        "funding",
        example().to_str().unwrap(),
        "--format",
        "json",
        "--weights",
        "0,0,1",
    ]);
    let q = w["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["programme"] == "Illustrative: steady munitions line")
        .unwrap();
    close(&q["stability"], 100.0 * (1.0 - cv));
}

#[test]
fn illustrative_rows_are_labelled_in_every_output() {
    let ex = example();
    let e = ex.to_str().unwrap();
    let table = keel(&["policy", "funding", e]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("9 of 14 rows are ILLUSTRATIVE"), "{text}");
    let csv_out = keel(&[
        "policy", "funding", e, "--format", "csv", "--table", "years",
    ]);
    let csv_text = String::from_utf8(csv_out.stdout).unwrap();
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = r.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        vec![
            "programme",
            "fiscal_year",
            "basis",
            "announced",
            "allocated",
            "spent",
            "follow_through",
            "lapse",
            "allocation_change",
            "source"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 14);
    assert_eq!(rows.iter().filter(|r| &r[2] == "illustrative").count(), 9);
    assert!(rows
        .iter()
        .filter(|r| &r[2] == "published")
        .all(|r| !r[9].is_empty()));
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("funding.xlsx");
    let out = keel(&[
        "policy",
        "funding",
        e,
        "--format",
        "xlsx",
        "-o",
        x.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&x).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["programmes", "overall", "years", "source"]
    );
}

#[test]
fn negative_spending_is_a_located_error_with_exit_2() {
    let (code, err, path) = on("A,2020-21,10,10,-4,Budget,published\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!("{path}:2:5 (spent): spent is negative: -4")),
        "{err}"
    );
    assert!(err.contains("hint:"));
}

#[test]
fn a_year_out_of_order_is_a_located_error_with_exit_2() {
    let (code, err, path) = on("A,2021-22,10,10,4,s,published\nA,2020-21,10,10,4,s,published\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!(
            "{path}:3:2 (fiscal_year): 2020-21 comes after 2021-22 (line 2)"
        )),
        "{err}"
    );
}

#[test]
fn every_bad_row_is_reported_at_once_in_file_order() {
    let (code, err, path) = on("A,2021-22,10,10,-4,s,published\n\
         A,2021-22,10,10,4,s,published\n\
         B,2020,ten,10,4,s,illustrative\n\
         C,2020-22,1,1,1,s,published\n");
    assert_eq!(code, Some(2));
    let first = err.lines().next().unwrap();
    assert_eq!(first, format!("{path}: 4 error(s)"));
    let located: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("error: ") && l.contains(" ("))
        .collect();
    assert_eq!(located.len(), 4, "{err}");
    assert!(located[0].contains(":2:5 (spent)"));
    assert!(located[1].contains(":3:2 (fiscal_year)") && located[1].contains("appears twice"));
    assert!(located[2].contains(":4:3 (announced)"));
    assert!(located[3].contains(":5:2 (fiscal_year)"));
}

#[test]
fn missing_columns_are_located_on_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(
        &path,
        "programme,year,announced,allocated,spent\nA,2020,1,1,1\n",
    )
    .unwrap();
    let out = keel(&["policy", "funding", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":1: missing column `fiscal_year`"), "{err}");
    assert!(err.contains(":1: missing column `source`"), "{err}");
    let out = keel(&["policy", "funding", "/no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(2));
}
