//! Bad input as a user meets it: exit code 2, the counts on the first line, the cause first, never a flood.

use std::path::{Path, PathBuf};
use std::process::Command;

fn keel(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

/// A copy of the example with `file` replaced by what `edit` makes of its text.
fn broken(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let text = std::fs::read_to_string(example().join(file)).unwrap();
    std::fs::write(dir.path().join(file), edit(&text)).unwrap();
    dir
}

/// Every value_added of stages.csv made text: 482 independent errors in one file (469 stages and 13 candidates).
fn every_stage_bad() -> tempfile::TempDir {
    broken("stages.csv", |t| {
        t.lines()
            .enumerate()
            .map(|(i, l)| {
                let mut c: Vec<&str> = l.split(',').collect();
                if i > 0 {
                    c[3] = "abc";
                }
                c.join(",") + "\n"
            })
            .collect()
    })
}

#[test]
fn a_wrong_delimiter_prints_its_cause_and_counts_the_rest() {
    let dir = broken("sites.csv", |t| t.replace(',', ";"));
    let path = dir.path().display().to_string();
    let (code, err) = keel(&["check", &path]);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{path}: 1 error(s) (and "))
            && lines[0].ends_with(" that follow from them)"),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "error: sites.csv:1: the columns are separated by semicolons (`;`), not commas"
    );
    assert!(
        lines[2].starts_with("  and ")
            && lines[2].ends_with(" error(s) that follow from it (not listed)")
    );
    assert!(lines.len() <= 6, "{err}");
}

#[test]
fn at_most_fifty_per_file_by_default_and_max_errors_changes_it() {
    let dir = every_stage_bad();
    let path = dir.path().display().to_string();
    let (code, err) = keel(&["check", &path]);
    assert_eq!(code, Some(2));
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{path}: 482 error(s)")),
        "{first}"
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("error: stages.csv:"))
            .count(),
        50
    );
    assert!(err.contains(
        "... and 432 more not shown (at most 50 per file and 200 in all; `--max-errors 0` shows every one)"
    ));
    let (_, err) = keel(&["check", &path, "--max-errors", "3"]);
    assert_eq!(err.lines().filter(|l| l.starts_with("error: ")).count(), 3);
    let (_, err) = keel(&["--max-errors", "0", "check", &path]);
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error: ")).count(),
        482
    );
}

#[test]
fn an_analysis_on_a_bad_model_exits_2_with_the_count_first() {
    let dir = every_stage_bad();
    let path = dir.path().display().to_string();
    let (code, err) = keel(&["exposure", &path]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with(&format!("{path}: 482 error(s) (and ")),
        "{err}"
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("error: stages.csv:"))
            .count(),
        50
    );
    assert!(err.trim_end().ends_with(&format!(
        "error: {path}: 482 error(s); run `keel check` for details"
    )));
}

#[test]
fn a_regression_case_exits_2_with_a_located_error() {
    let cases =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../keel-io/tests/fuzz-cases/unclosed-quote");
    let dir = broken("items.csv", |_| {
        std::fs::read_to_string(cases.join("items.csv")).unwrap()
    });
    let (code, err) = keel(&["check", &dir.path().display().to_string()]);
    assert_eq!(code, Some(2));
    let second = err.lines().nth(1).unwrap();
    assert!(
        second.starts_with("error: items.csv:6:2 (name): a quote opened here is not closed"),
        "{err}"
    );
}

#[test]
fn convert_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dib.xlsx");
    std::fs::write(&out, b"keep me").unwrap();
    let ex = example().display().to_string();
    let (code, err) = keel(&["convert", &ex, &out.display().to_string()]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err.trim_end(),
        format!(
            "error: {} already exists; give --force to replace it, or another path",
            out.display()
        )
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    let (code, _) = keel(&["convert", &ex, &out.display().to_string(), "--force"]);
    assert_eq!(code, Some(0));
    assert!(keel(&["check", &out.display().to_string()]).0 == Some(0));
}

#[test]
fn convert_rejects_unknown_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dib.csv");
    let (code, err) = keel(&[
        "convert",
        &example().display().to_string(),
        &out.display().to_string(),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "unknown output extension `.csv`; write an .xlsx workbook (`model.xlsx`) or a folder"
        ),
        "{err}"
    );
    assert!(!out.exists());
}

/// A workbook that makes the xlsx reader panic (an out-of-range shared string, found by the fuzzer) gets located
/// errors and exit 2, and the caught panic's message and backtrace never reach the user.
#[test]
fn a_workbook_that_crashes_the_reader_prints_only_located_errors() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../keel-io/tests/fuzz-cases/calamine-shared-string-panic.xlsx");
    let (code, err) = keel(&["check", case.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert!(
        err.contains("error(s)") && err.contains("[demand]:1:1"),
        "{err}"
    );
}
