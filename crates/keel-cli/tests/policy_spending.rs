//! `keel policy spending` as a user runs it: NATO's published values, from either file, from any folder; a
//! renamed column is a located error with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `shared/data/nato` beside the repository, or beside a folder above it (a worktree finds the main checkout's).
fn nato() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data/nato"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!("these tests need NATO's tables in shared/data/nato beside the repository")
        })
}

fn keel_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .current_dir(cwd)
        .env_remove("KEEL_DATA")
        .args(args)
        .output()
        .expect("keel runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pct2(v: &serde_json::Value) -> String {
    format!("{:.2}", v.as_f64().unwrap() * 100.0)
}

#[test]
fn canada_from_any_folder_and_from_the_long_csv() {
    let away = tempfile::tempdir().unwrap();
    let args = ["policy", "spending", "--country", "CAN", "--format", "json"];
    let v = json(&keel_in(away.path(), &args));
    assert_eq!(pct2(&v["standing"]["share_gdp"]), "1.37");
    assert_eq!(v["standing"]["estimate"], true);
    assert_eq!(v["member"]["years"][0]["year"], 2014);
    assert_eq!(pct2(&v["member"]["years"][0]["share_gdp"]), "1.01");
    assert!(v["source"].as_str().unwrap().contains("17 June 2024"));
    let csv = nato().join("nato_defexp_2014_2024_long.csv");
    let mut a = args.to_vec();
    a.extend(["--data", csv.to_str().unwrap()]);
    let c = json(&keel_in(away.path(), &a));
    assert_eq!(c["standing"]["share_gdp"], v["standing"]["share_gdp"]);
    assert_eq!(c["standing"]["gaps"], v["standing"]["gaps"]);
}

#[test]
fn the_ranking_as_a_table_csv_and_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = keel_in(dir.path(), &["policy", "spending"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Source: NATO"), "{text}");
    let pol = text.lines().find(|l| l.contains("Poland")).unwrap();
    assert!(
        pol.trim_start().starts_with("1 ") && pol.contains("4.12%"),
        "{pol}"
    );
    let out = keel_in(dir.path(), &["policy", "spending", "--format", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("rank,code,member,year,estimate,share_of_gdp,"));
    assert!(lines
        .next()
        .unwrap()
        .starts_with("1,POL,Poland,2024,true,0.0412"));
    let x = dir.path().join("s.xlsx");
    let out = keel_in(
        dir.path(),
        &[
            "policy",
            "spending",
            "--country",
            "CAN",
            "--format",
            "xlsx",
            "-o",
            x.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&x).unwrap();
    assert_eq!(wb.sheet_names(), ["years", "gaps", "path", "source"]);
}

#[test]
fn a_renamed_column_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(nato().join("nato_defexp_2014_2024_long.csv")).unwrap();
    let bad = dir.path().join("nato.csv");
    std::fs::write(&bad, text.replacen(",value\r\n", ",amount\r\n", 1)).unwrap();
    let out = keel_in(
        dir.path(),
        &["policy", "spending", "--data", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: nato.csv:1: missing column `value`"),
        "{err}"
    );
    assert!(err.contains("is `amount` it, renamed?"), "{err}");
    let out = keel_in(dir.path(), &["policy", "spending", "--country", "XYZ"]);
    assert_eq!(out.status.code(), Some(2));
    // A damaged workbook: located at the file, never a crash.
    let x = dir.path().join("tables.xlsx");
    std::fs::write(&x, b"PK\x03\x04 not really a workbook").unwrap();
    let out = keel_in(
        dir.path(),
        &["policy", "spending", "--data", x.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: tables.xlsx: not an .xlsx workbook, or damaged"),
        "{err}"
    );
}
