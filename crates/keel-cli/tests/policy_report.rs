//! `keel policy report` and the "Spending and partnerships" section of `keel report`, as a user runs them:
//! the published data found from any folder, a page with every chart, absent data named on the page, and bad
//! flags refused with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `shared/data` beside the repository, or beside a folder above it (a worktree finds the main checkout's).
fn shared() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data"))
        .find(|p| p.join("nato").is_dir())
        .unwrap_or_else(|| {
            panic!("these tests need the published data sets in shared/data beside the repository")
        })
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/canada-dib")
        .to_string_lossy()
        .into_owned()
}

fn keel_in(cwd: &Path, env: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keel"));
    c.current_dir(cwd).env_remove("KEEL_DATA").args(args);
    if let Some(d) = env {
        c.env("KEEL_DATA", d);
    }
    c.output().expect("keel runs")
}

fn ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const CHARTS: [&str; 5] = [
    "policy-share",
    "policy-path",
    "policy-suppliers",
    "policy-hhi",
    "policy-integration",
];

#[test]
fn the_policy_page_from_any_folder() {
    let away = tempfile::tempdir().unwrap();
    let data = shared();
    // From a folder outside the repository, with KEEL_DATA naming the data sets.
    let out = keel_in(
        away.path(),
        Some(&data),
        &["policy", "report", "-o", "p.html"],
    );
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Wrote p.html"));
    let html = std::fs::read_to_string(away.path().join("p.html")).unwrap();
    assert!(html.contains("<h1>Spending and partnerships: Canada</h1>"));
    for c in CHARTS {
        assert!(html.contains(&format!("<table class=\"{c}\">")), "no {c}");
    }
    assert!(!html.contains("Not shown"));
    // NATO Table 3: Canada 1.37% of GDP in 2024e, on the first card.
    assert!(html.contains("<div class=\"v\">1.37%</div><div class=\"k\">Defence spending as a share of GDP, 2024e</div>"));

    // By name and with explicit files, the same page.
    let out = keel_in(
        away.path(),
        None,
        &[
            "policy",
            "report",
            "--country",
            "canada",
            "--nato",
            data.join("nato").to_str().unwrap(),
            "--sipri",
            data.join("sipri/trade-register.csv").to_str().unwrap(),
            "--csis",
            data.join("csis-canada").to_str().unwrap(),
            "-o",
            "q.html",
        ],
    );
    ok(&out);
    let again = std::fs::read_to_string(away.path().join("q.html")).unwrap();
    assert_eq!(html, again);
}

#[test]
fn bad_flags_exit_2() {
    let away = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            vec!["policy", "report", "--country", "Narnia"],
            "--country Narnia: not a country Keel knows",
        ),
        (
            vec!["policy", "report", "--nato", "/nonexistent/nato.xlsx"],
            "--nato /nonexistent/nato.xlsx: no such file or folder",
        ),
        (
            vec!["policy", "report", "--from", "2020", "--to", "2010"],
            "--from 2020 is after --to 2010",
        ),
        (
            vec!["report", &example(), "--policy-data", "/nonexistent"],
            "--policy-data /nonexistent: no such folder",
        ),
    ] {
        let out = keel_in(away.path(), Some(&shared()), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // With no data set to be found, the policy page has nothing to show: a clear error.
    let empty = tempfile::tempdir().unwrap();
    let out = keel_in(away.path(), Some(empty.path()), &["policy", "report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no published data set found"));
}

#[test]
fn the_model_report_carries_the_home_countrys_section() {
    let away = tempfile::tempdir().unwrap();
    let out = keel_in(
        away.path(),
        Some(&shared()),
        &["report", &example(), "-o", "r.html"],
    );
    ok(&out);
    let html = std::fs::read_to_string(away.path().join("r.html")).unwrap();
    assert!(html.contains("<section id=\"policy\">\n<h2>Spending and partnerships: Canada</h2>"));
    for c in CHARTS {
        assert!(html.contains(&format!("<table class=\"{c}\">")), "no {c}");
    }
    // It matches the standalone page's section byte for byte.
    let out = keel_in(
        away.path(),
        Some(&shared()),
        &["policy", "report", "-o", "p.html"],
    );
    ok(&out);
    let page = std::fs::read_to_string(away.path().join("p.html")).unwrap();
    let section = |h: &str| {
        let a = h.find("<section id=\"policy\">").unwrap();
        h[a..a + h[a..].find("</section>").unwrap()].to_string()
    };
    assert_eq!(section(&html), section(&page));

    // --no-policy leaves it out; data that cannot be found is named on the page and on stderr, and the
    // report is still written.
    let out = keel_in(
        away.path(),
        Some(&shared()),
        &["report", &example(), "-o", "n.html", "--no-policy"],
    );
    ok(&out);
    let html = std::fs::read_to_string(away.path().join("n.html")).unwrap();
    assert!(!html.contains("id=\"policy\""));
    let empty = tempfile::tempdir().unwrap();
    let out = keel_in(
        away.path(),
        Some(empty.path()),
        &["report", &example(), "-o", "m.html"],
    );
    ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("note: NATO's tables left out of the page"),
        "{err}"
    );
    let html = std::fs::read_to_string(away.path().join("m.html")).unwrap();
    assert_eq!(html.matches("<p class=\"absent\">Not shown:").count(), 3);
}
