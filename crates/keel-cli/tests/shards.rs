//! `keel stress --shard I/N`, `keel montecarlo --runs A..B` and `keel merge`: the merged output is byte for byte
//! the output of one run, in every format (table, JSON, CSV of each table, xlsx); a bad merge exits 2 and says
//! what is wrong.

use std::path::{Path, PathBuf};
use std::process::Command;

fn keel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = keel(args);
    assert!(
        out.status.success(),
        "keel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/canada-dib")
        .display()
        .to_string()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Every output of `whole` (a command line) and of `keel merge parts`: text, JSON, each CSV table, xlsx.
fn same_outputs(dir: &Path, whole: &[&str], parts: &[PathBuf]) {
    let parts: Vec<String> = parts.iter().map(|p| s(p)).collect();
    let merge = |extra: &[&str]| {
        let mut a = vec!["merge"];
        a.extend(parts.iter().map(String::as_str));
        a.extend(extra);
        ok(&a)
    };
    let single = |extra: &[&str]| {
        let mut a = whole.to_vec();
        a.extend(extra);
        ok(&a)
    };
    assert_eq!(merge(&[]), single(&[]), "text");
    assert_eq!(
        merge(&["--format", "json"]),
        single(&["--format", "json"]),
        "JSON"
    );
    let (a, b) = (dir.join("one"), dir.join("merged"));
    single(&["--format", "csv", "-o", &s(&a)]);
    merge(&["--format", "csv", "-o", &s(&b)]);
    let mut tables = 0;
    for f in std::fs::read_dir(&a).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap();
        assert_eq!(
            String::from_utf8(std::fs::read(&f).unwrap()).unwrap(),
            String::from_utf8(std::fs::read(b.join(name)).unwrap()).unwrap(),
            "{name:?}"
        );
        tables += 1;
    }
    assert!(tables >= 2);
    let (a, b) = (dir.join("one.xlsx"), dir.join("merged.xlsx"));
    single(&["--format", "xlsx", "-o", &s(&a)]);
    merge(&["--format", "xlsx", "-o", &s(&b)]);
    // Compared without printing a workbook's bytes.
    assert!(
        std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
        "xlsx differs"
    );
}

#[test]
fn merged_stress_shards_give_the_bytes_of_one_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let mut parts = Vec::new();
    for i in 1..=3 {
        let p = dir.path().join(format!("part{i}.json"));
        let shard = format!("{i}/3");
        ok(&[
            "stress",
            &ex,
            "--each",
            "firm",
            "--top",
            "0",
            "--per-platform",
            "--shard",
            &shard,
            "-o",
            &s(&p),
            "-q",
        ]);
        parts.push(p);
    }
    // Standard output holds the same document as -o.
    let out = ok(&[
        "stress",
        &ex,
        "--each",
        "firm",
        "--top",
        "0",
        "--per-platform",
        "--shard",
        "2/3",
    ]);
    assert_eq!(out, std::fs::read(&parts[1]).unwrap());
    parts.reverse();
    same_outputs(
        dir.path(),
        &[
            "stress",
            &ex,
            "--each",
            "firm",
            "--top",
            "0",
            "--per-platform",
            "-q",
        ],
        &parts,
    );
}

#[test]
fn merged_monte_carlo_parts_give_the_bytes_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let mut parts = Vec::new();
    for r in ["0..250", "250..251", "251..800"] {
        let p = dir.path().join(format!("runs{r}.json"));
        ok(&[
            "montecarlo",
            &ex,
            "--runs",
            r,
            "--site-rate",
            "0.01",
            "-o",
            &s(&p),
            "-q",
        ]);
        parts.push(p);
    }
    same_outputs(
        dir.path(),
        &[
            "montecarlo",
            &ex,
            "--runs",
            "800",
            "--site-rate",
            "0.01",
            "-q",
        ],
        &parts,
    );
}

fn refused(args: &[&str]) -> String {
    let out = keel(args);
    assert_eq!(out.status.code(), Some(2), "keel {args:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_parts_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let ex = example();
    let p = |n: &str| s(&dir.path().join(n));
    ok(&[
        "montecarlo",
        &ex,
        "--runs",
        "0..20",
        "-o",
        &p("a.json"),
        "-q",
    ]);
    ok(&[
        "montecarlo",
        &ex,
        "--runs",
        "30..40",
        "-o",
        &p("b.json"),
        "-q",
    ]);
    let e = refused(&["merge", &p("a.json"), &p("b.json")]);
    assert!(e.contains("runs 20..30 are missing"), "{e}");

    std::fs::write(
        dir.path().join("bad.json"),
        "{\"keel_shard\": 1,\n \"part\": 7}\n",
    )
    .unwrap();
    let e = refused(&["merge", &p("bad.json")]);
    assert!(e.contains("bad.json:2:"), "{e}");
    assert!(e.contains("not a Keel shard file"), "{e}");

    // The same shard merged with a changed copy of the model: its files differ.
    let copy = dir.path().join("model");
    std::fs::create_dir(&copy).unwrap();
    for f in std::fs::read_dir(&ex).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, copy.join(f.file_name().unwrap())).unwrap();
    }
    // An exact copy elsewhere is the same model.
    ok(&["merge", &p("a.json"), "--model", &s(&copy), "-q"]);
    let demand = copy.join("demand.csv");
    let text = std::fs::read_to_string(&demand)
        .unwrap()
        .replace(",100,", ",101,");
    std::fs::write(&demand, text).unwrap();
    let e = refused(&["merge", &p("a.json"), "--model", &s(&copy)]);
    assert!(e.contains("ran on a model whose files differ"), "{e}");

    let e = refused(&["stress", &ex, "--each", "site", "--shard", "4/3"]);
    assert!(e.contains("give I/N with 1 <= I <= N"), "{e}");
    let e = refused(&[
        "stress", &ex, "--each", "site", "--shard", "1/3", "--format", "csv",
    ]);
    assert!(
        e.contains("give --format and --table to `keel merge`"),
        "{e}"
    );
    let e = refused(&["montecarlo", &ex, "--runs", "9..9"]);
    assert!(e.contains("runs 9..9 is empty"), "{e}");
}
