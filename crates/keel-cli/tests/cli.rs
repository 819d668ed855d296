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
