//! `keel policy arms` as a user runs it: SIPRI's register from any folder, one recipient, exports, a
//! comparison, every recipient; a truncated register is a located error with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// SIPRI's register beside the repository, or beside a folder above it (a worktree finds the main checkout's).
fn register() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data/sipri/trade-register.csv"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("these tests need SIPRI's register in shared/data/sipri beside the repository")
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

#[test]
fn canada_imports_from_any_folder() {
    let away = tempfile::tempdir().unwrap();
    let v = json(&keel_in(
        away.path(),
        &[
            "policy",
            "arms",
            "--recipient",
            "CAN",
            "--from",
            "2015",
            "--to",
            "2024",
            "--format",
            "json",
        ],
    ));
    let s = &v["summary"];
    assert_eq!(s["country"], "Canada");
    // 2,425.2 TIV delivered 2015-2024 (the pandas peer agrees: crates/keel-policy/tests/sipri.rs).
    assert!((s["overall"]["total"].as_f64().unwrap() - 2_425.2).abs() < 0.1);
    assert_eq!(s["overall"]["partners"][0]["partner"], "United States");
    assert_eq!(s["by_period"].as_array().unwrap().len(), 2);
    assert_eq!(s["by_year"].as_array().unwrap().len(), 10);
    assert_eq!(v["generated"], "13 Mar 2025 10:02:49 AM");
    let out = keel_in(
        away.path(),
        &[
            "policy",
            "arms",
            "--recipient",
            "Canada",
            "--from",
            "2015",
            "--to",
            "2024",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Source: SIPRI Arms Transfers Database")
            && text.contains("generated 13 Mar 2025"),
        "{text}"
    );
}

#[test]
fn exports_comparison_and_every_recipient() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&keel_in(
        dir.path(),
        &["policy", "arms", "--supplier", "Canada", "--format", "json"],
    ));
    assert_eq!(v["summary"]["direction"], "exports");
    let out = keel_in(
        dir.path(),
        &[
            "policy",
            "arms",
            "--compare",
            "Canada,Australia,Poland",
            "--from",
            "2020",
            "--to",
            "2024",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[0].starts_with("country,from,to,tiv,hhi,effective_suppliers,us_share,nato_share"));
    assert!(rows[1].starts_with("Canada,2020,2024,"));
    let v = json(&keel_in(
        dir.path(),
        &["policy", "arms", "--all-recipients", "--format", "json"],
    ));
    assert_eq!(v["recipients"].as_array().unwrap().len(), 254);
    let out = keel_in(dir.path(), &["policy", "arms", "--recipient", "Canda"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `Canada`"));
}

#[test]
fn a_truncated_register_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(register()).unwrap();
    let cut = 1_000_000;
    // The line the cut falls in, and that it falls inside a record.
    let line = bytes[..cut].iter().filter(|&&b| b == b'\n').count() + 1;
    assert_ne!(bytes[cut - 1], b'\n');
    let bad = dir.path().join("register.csv");
    std::fs::write(&bad, &bytes[..cut]).unwrap();
    let out = keel_in(
        dir.path(),
        &["policy", "arms", "--data", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("error: register.csv:{line}: ")),
        "{err}"
    );
    assert!(
        err.contains("expected 16") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn a_comparison_without_a_range_uses_one_common_span() {
    let dir = tempfile::tempdir().unwrap();
    let v = json(&keel_in(
        dir.path(),
        &[
            "policy",
            "arms",
            "--compare",
            "Canada,Estonia",
            "--format",
            "json",
        ],
    ));
    let c = v["compare"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0]["overall"]["from"], c[1]["overall"]["from"]);
    assert_eq!(c[0]["overall"]["to"], c[1]["overall"]["to"]);
    assert_eq!(
        c[0]["by_year"].as_array().unwrap().len(),
        c[1]["by_year"].as_array().unwrap().len()
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "policy",
        "arms",
        "--compare",
        "Canada,Australia",
        "--format",
        "json",
    ];
    let a = keel_in(dir.path(), &args);
    let b = keel_in(dir.path(), &args);
    assert_eq!(a.status.code(), Some(0));
    assert!(a.stdout == b.stdout && !a.stdout.is_empty());
}
