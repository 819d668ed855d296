//! `keel diff` as a user runs it: one edited cell and one added row of a copy of the example, in the tidy CSV a
//! program reads; the same model twice, nothing.

use std::path::Path;
use std::process::Command;

fn keel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

#[test]
fn an_edited_copy_of_the_example() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib");
    let tmp = tempfile::tempdir().unwrap();
    let v2 = tmp.path().join("v2");
    std::fs::create_dir(&v2).unwrap();
    for e in std::fs::read_dir(&example).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), v2.join(e.file_name())).unwrap();
    }
    let countries = std::fs::read_to_string(v2.join("countries.csv")).unwrap();
    std::fs::write(v2.join("countries.csv"), countries + "ISL,Iceland,NATO\n").unwrap();
    let stages = std::fs::read_to_string(v2.join("stages.csv")).unwrap();
    std::fs::write(
        v2.join("stages.csv"),
        stages.replace(",650,127,26,", ",650,150,26,"),
    )
    .unwrap();
    let (a, b) = (example.to_str().unwrap(), v2.to_str().unwrap());
    let out = keel(&["diff", a, b, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "file,change,key,column,before,after\n\
         countries.csv,added,ISL,,,\"ISL,Iceland,NATO\"\n\
         stages.csv,changed,plt-155mm-he@wenven-munitions-repentigny,capacity,127,150\n"
    );
    let out = keel(&["diff", b, b, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tables"], serde_json::json!([]));
    // A version that does not load is bad input, with its located problems.
    std::fs::write(v2.join("stages.csv"), "id,item\n").unwrap();
    let out = keel(&["diff", a, b]);
    assert_eq!(out.status.code(), Some(2));
}
