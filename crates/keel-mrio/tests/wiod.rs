//! Real-data check: WIOT 2011 (WIOD release 2013) value-added origin of
//! CAN/USA/DEU c15 against pymrio (dense inverse), fixture written by
//! `bench/peers/mrio_pymrio.py`.
// The test reports what it measured (shown with --nocapture).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use keel_mrio::{read_wiod, value_added_origin};

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/wiod2013");
    assert!(
        dir.join("row_labels.txt").is_file(),
        "WIOD 2013 data not found: looked in {} (expected row_labels.txt, wiot2011_Z.csv, \
         wiot2011_Y.csv, wiot2011_x.csv; the repo's sibling shared/data/wiod2013)",
        dir.display()
    );
    dir
}

/// (economy, sector) -> origin country -> value, in file order of targets.
fn fixture() -> Vec<((String, String), HashMap<String, f64>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pymrio_va_origin.csv");
    let mut rdr = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot open fixture {}: {e}", path.display()));
    let headers = rdr.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["economy", "sector", "origin_country", "value"]
    );
    let mut out: Vec<((String, String), HashMap<String, f64>)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let key = (rec[0].to_string(), rec[1].to_string());
        let value: f64 = rec[3].parse().unwrap();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, m)) => {
                m.insert(rec[2].to_string(), value);
            }
            None => out.push((key, HashMap::from([(rec[2].to_string(), value)]))),
        }
    }
    out
}

#[test]
fn va_origin_matches_pymrio_on_wiot2011() {
    let dir = data_dir();
    let t0 = Instant::now();
    let iot = read_wiod(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    let t_read = t0.elapsed();
    assert_eq!(iot.len(), 1435);
    assert_eq!(iot.economies().len(), 41);
    assert_eq!(iot.sectors().len(), 35);

    let targets = fixture();
    assert_eq!(targets.len(), 3, "fixture should hold CAN, USA, DEU c15");
    let mut max_rel = 0.0f64;
    for ((economy, sector), expected) in &targets {
        let t = Instant::now();
        let r = value_added_origin(&iot, economy, sector).unwrap();
        let t_solve = t.elapsed();
        let total = r.final_output.abs();
        assert!(
            r.check_gap.abs() < 1e-12,
            "{economy} {sector}: VA total {} vs final output {}",
            r.value_added_total,
            r.final_output
        );
        assert!(r.residual < 1e-12, "residual {}", r.residual);
        assert_eq!(r.by_country.len(), expected.len(), "country count");
        for o in &r.by_country {
            let p = *expected
                .get(&o.name)
                .unwrap_or_else(|| panic!("{} missing from fixture", o.name));
            let diff = (o.value - p).abs();
            if p.abs() >= 1e-6 * total {
                let rel = diff / p.abs();
                max_rel = max_rel.max(rel);
                assert!(
                    rel <= 1e-9,
                    "{economy} {sector} from {}: keel {} vs pymrio {p} (rel {rel:e})",
                    o.name,
                    o.value
                );
            } else {
                assert!(
                    diff <= 1e-9 * total,
                    "{economy} {sector} from {} (tiny): keel {} vs pymrio {p}",
                    o.name,
                    o.value
                );
            }
        }
        let top: Vec<String> = r
            .by_country
            .iter()
            .take(5)
            .map(|o| format!("{} {:.1} ({:.2}%)", o.name, o.value, 100.0 * o.share))
            .collect();
        println!(
            "{economy} {sector}: final output {} M USD, domestic share {:.4}, {} GS sweeps, \
             residual {:.1e}, check_gap {:.1e}, solve {:.1} ms; top: {}",
            r.final_output,
            r.domestic_share,
            r.iterations,
            r.residual,
            r.check_gap,
            t_solve.as_secs_f64() * 1e3,
            top.join(", ")
        );
    }
    println!(
        "read {:.0} ms; max relative diff vs pymrio {max_rel:.2e}",
        t_read.as_secs_f64() * 1e3
    );

    // Headline (docs/methods/mrio.md): CAN c15 is about two-thirds domestic, USA next.
    let can = value_added_origin(&iot, "CAN", "c15").unwrap();
    assert_eq!(can.final_output, 122_017.0);
    assert_eq!(can.by_country[0].name, "CAN");
    assert_eq!(can.by_country[1].name, "USA");
    assert!(
        (can.domestic_share - 0.6556).abs() < 1e-3,
        "{}",
        can.domestic_share
    );

    // Zero-output industries with recorded final use are refused, not decomposed.
    assert!(matches!(
        value_added_origin(&iot, "LUX", "c5"),
        Err(keel_mrio::MrioError::ZeroOutput { .. })
    ));
}
