//! SIPRI's trade register read as it is, and its totals checked against an independent computation with pandas
//! (bench/peers/sipri_pandas.py).

use keel_policy::arms::register;
use keel_policy::arms::spread::Spread;
use keel_policy::arms::summary::{self, Direction};
use keel_policy::countries::Bloc;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `shared/data/sipri/trade-register.csv` beside the repository (`../shared/data` from its root), or beside a
/// folder above it (a worktree under `wt/` finds the main checkout's data set, as the `keel` binary does).
fn register_file() -> PathBuf {
    repo()
        .canonicalize()
        .unwrap()
        .ancestors()
        .skip(1)
        .map(|d| d.join("shared/data/sipri/trade-register.csv"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "these tests need SIPRI's trade register at {} (see shared/data/README.md)",
                repo()
                    .join("../shared/data/sipri/trade-register.csv")
                    .display()
            )
        })
}

#[test]
fn the_register_reads_as_published() {
    let r = register::read(&register_file()).unwrap();
    // 29,511 records on one line each, and 4 whose comment holds a line break.
    assert_eq!(r.deals.len(), 29_515);
    assert_eq!(r.joined_records, 4);
    assert_eq!(r.generated.as_deref(), Some("13 Mar 2025 10:02:49 AM"));
    let total: f64 = r.deals.iter().filter_map(|d| d.tiv_delivered).sum();
    assert!((total - 2_092_211.45).abs() < 1e-3, "{total}");
    // Defunct suppliers are read as SIPRI names them, and belong to no bloc.
    let afg = summary::summarise(
        &r,
        "Afghanistan",
        Direction::Imports,
        Some(1980),
        Some(1989),
        Spread::Even,
    )
    .unwrap();
    assert_eq!(afg.overall.partners[0].partner, "Soviet Union");
    assert!(afg.overall.partners[0].share > 0.9);
    assert!(afg.overall.blocs.iter().all(|b| b.share < 0.1));
    // Canada's imports 2020-2024: the United States is the largest supplier and in all three blocs but the EU.
    let can = summary::summarise(
        &r,
        "Canada",
        Direction::Imports,
        Some(2020),
        Some(2024),
        Spread::Even,
    )
    .unwrap();
    let fvey = can
        .overall
        .blocs
        .iter()
        .find(|b| b.bloc == Bloc::FiveEyes)
        .unwrap();
    assert!(fvey.share >= can.overall.us_share.unwrap());
}

/// The Python with pandas: `$KEEL_PYTHON`, else the venv scripts/test.sh makes (`target/pyenv`), else python3.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("KEEL_PYTHON").filter(|p| !p.is_empty()) {
        return p.into();
    }
    let venv = repo().join("target/pyenv/bin/python");
    if venv.is_file() {
        venv
    } else {
        "python3".into()
    }
}

#[test]
fn canada_2015_2024_agrees_with_an_independent_pandas_computation() {
    let py = python();
    let ok = Command::new(&py)
        .args(["-c", "import pandas"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "this test runs bench/peers/sipri_pandas.py, which needs Python 3 with pandas; {} has none. Install it \
         with `python3 -m venv target/pyenv && target/pyenv/bin/pip install -q pandas` from the repository root \
         (scripts/test.sh does it), or point KEEL_PYTHON at a python that has it",
        py.display()
    );
    let file = register_file();
    let out = Command::new(&py)
        .arg(repo().join("bench/peers/sipri_pandas.py"))
        .args(["check", "Canada", "2015", "2024"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let r = register::read(&file).unwrap();
    let s = summary::summarise(
        &r,
        "Canada",
        Direction::Imports,
        Some(2015),
        Some(2024),
        Spread::Even,
    )
    .unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let total = peer["total"].as_f64().unwrap();
    assert!(
        close(s.overall.total, total),
        "{} vs {total}",
        s.overall.total
    );
    // About 2,425 TIV over 2015-2024, 47% from the United States.
    assert!((total - 2_425.2).abs() < 0.1, "{total}");
    let suppliers = peer["suppliers"].as_object().unwrap();
    assert_eq!(s.overall.partners.len(), suppliers.len());
    for p in &s.overall.partners {
        let v = suppliers[&p.partner].as_f64().unwrap();
        assert!(close(p.tiv, v), "{}: {} vs {v}", p.partner, p.tiv);
    }
    assert!(close(s.overall.hhi.unwrap(), peer["hhi"].as_f64().unwrap()));
    assert!(close(
        s.overall.us_share.unwrap(),
        peer["us_share"].as_f64().unwrap()
    ));
    let periods = peer["by_period"].as_array().unwrap();
    assert_eq!(s.by_period.len(), periods.len());
    for (k, p) in s.by_period.iter().zip(periods) {
        assert_eq!(u64::from(k.from), p["from"].as_u64().unwrap());
        assert_eq!(u64::from(k.to), p["to"].as_u64().unwrap());
        assert!(close(k.total, p["total"].as_f64().unwrap()));
        assert!(close(k.hhi.unwrap(), p["hhi"].as_f64().unwrap()));
        assert!(close(k.us_share.unwrap(), p["us_share"].as_f64().unwrap()));
    }
}

#[test]
fn the_spread_rule_moves_value_between_periods_as_documented() {
    // docs/methods/policy.md, "Spreading an order's delivered TIV": Canada's imports 2020-2024 (delivery years
    // from 1990) are 981.5 TIV spread evenly, 309.8 all in the first year, 1,433.3 all in the last; 1990-2024
    // in all, 10,229 / 9,739 / 10,386.
    let r = register::read(&register_file()).unwrap();
    let period = |rule| {
        let s = summary::summarise(
            &r,
            "Canada",
            Direction::Imports,
            Some(1990),
            Some(2024),
            rule,
        )
        .unwrap();
        let p = s.by_period.last().unwrap();
        assert_eq!((p.from, p.to), (2020, 2024));
        (p.total, s.overall.total)
    };
    let (even, all_even) = period(Spread::Even);
    let (first, all_first) = period(Spread::First);
    let (last, all_last) = period(Spread::Last);
    assert!((even - 981.465).abs() < 1e-6, "{even}");
    assert!((first - 309.8).abs() < 0.05, "{first}");
    assert!((last - 1_433.3).abs() < 0.05, "{last}");
    for (v, want) in [
        (all_even, 10_229.0),
        (all_first, 9_739.0),
        (all_last, 10_386.0),
    ] {
        assert!((v - want).abs() < 1.0, "{v} vs {want}");
    }
}
