//! `keel policy integration` on the real CSIS files: totals checked against a hand sum of published cells and
//! against an independent Python recomputation (bench/peers/csis_integration.py, csv module only); scope options;
//! outputs; bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The csis-canada folder of `shared/data`, found beside the repository or a folder above it (the main checkout
/// has it at ../shared/data; a worktree further down finds the same one).
fn csis() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let found = root
        .canonicalize()
        .unwrap()
        .ancestors()
        .map(|a| a.join("shared/data/csis-canada"))
        .find(|p| p.is_dir());
    found.unwrap_or_else(|| {
        panic!(
            "these tests need the CSIS data at shared/data/csis-canada beside the repository ({}/../shared/data)",
            root.display()
        )
    })
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

fn year(series: &serde_json::Value, y: i64) -> &serde_json::Value {
    series
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["year"].as_i64() == Some(y))
        .unwrap_or_else(|| panic!("no year {y}"))
}

#[test]
fn trade_2015_equals_the_hand_sum_of_the_published_cells() {
    let dir = csis();
    let v = json(&[
        "policy",
        "integration",
        "--data",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let y = year(&v["trade"]["years"], 2015);
    // USITCbilateralTrade.csv, 2015: Canada -> US defence, 50000 military aircraft and parts 513,546,155 plus
    // 50010 other military equipment 201,323,859; US -> Canada military goods 349,685,977.
    assert_eq!(y["exports"].as_f64(), Some(513_546_155.0 + 201_323_859.0));
    assert_eq!(y["exports"].as_f64(), Some(714_870_014.0));
    assert_eq!(y["imports"].as_f64(), Some(349_685_977.0));
    assert_eq!(y["balance"].as_f64(), Some(365_184_037.0));
    // World -> US defence 2015: 3,064,518,953 + 1,650,342,515.
    let share = y["share_of_us_defence_imports"].as_f64().unwrap();
    assert!(
        (share - 714_870_014.0 / 4_714_861_468.0).abs() < 1e-15,
        "{share}"
    );
    assert_eq!(v["trade"]["years"].as_array().unwrap().len(), 27); // 1989-2015
    assert!(v["source"]["trade"].as_str().unwrap().contains("USITC"));
    assert!(v["source"]["subawards"].as_str().unwrap().contains("FSRS"));
    assert!(v["trade"]["source"]
        .as_str()
        .unwrap()
        .ends_with("USITCbilateralTrade.csv"));
}

#[test]
fn an_independent_python_recomputation_agrees_for_2014() {
    let dir = csis();
    let peer = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/peers/csis_integration.py");
    let out = Command::new("python3")
        .arg(&peer)
        .arg(&dir)
        .arg("2014")
        .output()
        .expect("this test needs python3 on the PATH (standard library only)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let py: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = json(&[
        "policy",
        "integration",
        "--data",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let t = year(&v["trade"]["years"], 2014);
    for k in ["exports", "imports", "balance"] {
        assert_eq!(t[k].as_f64(), py["trade"][k].as_f64(), "{k}");
    }
    let s = year(&v["subawards"]["years"], 2014);
    assert_eq!(s["count"].as_u64(), py["subawards"]["count"].as_u64());
    assert_eq!(s["count"].as_u64(), Some(621));
    let (a, b) = (
        s["value"].as_f64().unwrap(),
        py["subawards"]["value"].as_f64().unwrap(),
    );
    // Summation order differs between the two; the amounts have four decimals.
    assert!((a - b).abs() < 1e-3, "{a} vs {b}");
    assert!((a - 981_880_029.10).abs() < 0.01, "{a}");
}

#[test]
fn scope_options_count_what_they_say() {
    let dir = csis();
    let d = dir.to_str().unwrap();
    let base = json(&["policy", "integration", "--data", d, "--format", "json"]);
    let s = &base["subawards"];
    // 3,323 rows; 3,000 are Defense subawards performed in Canada, 756 of them repeat an earlier row.
    assert_eq!(s["rows_read"].as_u64(), Some(3323));
    assert_eq!(s["rows_in_scope"].as_u64(), Some(3000));
    assert_eq!(s["duplicates_dropped"].as_u64(), Some(756));
    assert_eq!(s["count"].as_u64(), Some(3000 - 756));
    let kept = json(&[
        "policy",
        "integration",
        "--data",
        d,
        "--format",
        "json",
        "--keep-duplicates",
    ]);
    assert_eq!(kept["subawards"]["count"].as_u64(), Some(3000));
    let diff = kept["subawards"]["value"].as_f64().unwrap() - s["value"].as_f64().unwrap();
    assert!((diff - s["duplicate_value_dropped"].as_f64().unwrap()).abs() < 1e-3);
    let all = json(&[
        "policy",
        "integration",
        "--data",
        d,
        "--format",
        "json",
        "--all-agencies",
        "--in-canada",
        "either",
    ]);
    assert_eq!(all["subawards"]["rows_in_scope"].as_u64(), Some(3323));
    // Years sum to the period.
    let by_year: f64 = s["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["value"].as_f64().unwrap())
        .sum();
    assert!((by_year - s["value"].as_f64().unwrap()).abs() < 1e-3);
}

#[test]
fn csv_is_one_tidy_table_and_names_no_units_in_cells() {
    let dir = csis();
    let out = keel(&[
        "policy",
        "integration",
        "--data",
        dir.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("year,exports_to_us,imports_from_us,balance,share_of_us_defence_imports,defence_share_of_exports,defence_share_of_imports")
    );
    assert_eq!(lines.clone().count(), 27);
    assert!(lines.any(|l| l.starts_with("2015,714870014,349685977,365184037,")));
    let subs = keel(&[
        "policy",
        "integration",
        "--data",
        dir.to_str().unwrap(),
        "--format",
        "csv",
        "--table",
        "subawards",
    ]);
    let text = String::from_utf8(subs.stdout).unwrap();
    assert!(text.starts_with("year,value,subawards,largest_prime,its_share\n"));
    assert!(text.contains("\n2014,"));
}

#[test]
fn bad_files_are_located_errors_with_exit_2() {
    let dir = csis();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.join("USITCbilateralTrade.csv"),
        tmp.path().join("USITCbilateralTrade.csv"),
    )
    .unwrap();
    // The subaward file cut in the middle of a row.
    let full = std::fs::read(dir.join("Location_CanadaRelatedFSRScomplete.csv")).unwrap();
    let cut = &full[..full.len() / 2];
    std::fs::write(
        tmp.path().join("Location_CanadaRelatedFSRScomplete.csv"),
        cut,
    )
    .unwrap();
    let out = keel(&[
        "policy",
        "integration",
        "--data",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let last_line = cut.iter().filter(|&&b| b == b'\n').count() + 1;
    assert!(
        err.contains(&format!(
            "Location_CanadaRelatedFSRScomplete.csv:{last_line}: "
        )) && err.contains("cells where the header has 39"),
        "{err}"
    );
    // A folder without the files, and one that does not exist.
    let empty = tempfile::tempdir().unwrap();
    let out = keel(&[
        "policy",
        "integration",
        "--data",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("USITCbilateralTrade.csv"));
    let out = keel(&["policy", "integration", "--data", "/no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_byte_stable_and_every_table_reaches_the_workbook() {
    let dir = csis();
    let d = dir.to_str().unwrap();
    let a = keel(&[
        "policy",
        "integration",
        "--data",
        d,
        "--format",
        "json",
        "--top",
        "0",
    ]);
    let b = keel(&[
        "policy",
        "integration",
        "--data",
        d,
        "--format",
        "json",
        "--top",
        "0",
    ]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let tmp = tempfile::tempdir().unwrap();
    let x = tmp.path().join("integration.xlsx");
    let out = keel(&[
        "policy",
        "integration",
        "--data",
        d,
        "--format",
        "xlsx",
        "-o",
        x.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&x).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec![
            "trade",
            "exports_by_end_use",
            "subawards",
            "primes",
            "sectors",
            "subawardees",
            "primes_by_year",
            "sectors_by_year",
            "source"
        ]
    );
}
