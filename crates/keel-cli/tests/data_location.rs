//! `keel mrio` and `keel import willems` find the published data sets from any folder, without a path baked in at
//! build time, and say where they looked when they cannot.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `shared/data` beside the repository (tests may know where the source tree is; the binary may not).
fn shared_data() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    assert!(
        p.join("wiod2013").is_dir(),
        "these tests need the shared data at {}",
        p.display()
    );
    p.canonicalize().unwrap()
}

/// Runs `keel` in `cwd` with `KEEL_DATA` set to `data` (or removed).
fn keel_in(cwd: &Path, data: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keel"));
    c.current_dir(cwd).args(args);
    match data {
        Some(d) => c.env("KEEL_DATA", d),
        None => c.env_remove("KEEL_DATA"),
    };
    c.output().expect("keel runs")
}

fn domestic_share(out: &Output) -> f64 {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["domestic_share"].as_f64().unwrap()
}

#[test]
fn mrio_finds_the_table_from_any_folder_the_same_way_as_with_data() {
    let away = tempfile::tempdir().unwrap();
    let data = shared_data();
    let wiod = data.join("wiod2013");
    let args = [
        "mrio",
        "--economy",
        "CAN",
        "--sector",
        "c15",
        "--format",
        "json",
    ];
    let explicit = {
        let mut a = args.to_vec();
        a.extend(["--data", wiod.to_str().unwrap()]);
        domestic_share(&keel_in(away.path(), None, &a))
    };
    // WIOD 2011, Canadian transport equipment: 65.56% of the value added is Canadian (docs/methods/mrio.md).
    assert!((explicit - 0.6556).abs() < 5e-5, "{explicit}");
    let by_env = domestic_share(&keel_in(away.path(), Some(&data), &args));
    // From a folder outside the checkout with no hint: found beside the executable's folder.
    let by_exe = domestic_share(&keel_in(away.path(), None, &args));
    assert_eq!(explicit.to_bits(), by_env.to_bits());
    assert_eq!(explicit.to_bits(), by_exe.to_bits());
}

#[test]
fn a_wrong_data_folder_is_bad_input_that_says_where_keel_looked() {
    let away = tempfile::tempdir().unwrap();
    let out = keel_in(away.path(), None, &["mrio", "--data", "/no/such/wiod"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--data /no/such/wiod: no such folder"),
        "{err}"
    );

    let out = keel_in(away.path(), Some(away.path()), &["mrio"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "KEEL_DATA={}: it holds no wiod2013/ folder",
            away.path().display()
        )),
        "{err}"
    );
}

#[test]
fn import_willems_reads_the_chain_through_keel_data() {
    let away = tempfile::tempdir().unwrap();
    let out = keel_in(
        away.path(),
        Some(&shared_data()),
        &["import", "willems", "26", "chain26"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8(out.stderr).unwrap();
    // Willems (2008) chain 26, an aircraft engine (crates/keel-io/tests/willems.rs checks its counts).
    assert!(err.contains("Willems chain 26,"), "{err}");
    assert!(away.path().join("chain26/stages.csv").is_file());
}
