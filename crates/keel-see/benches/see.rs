// A benchmark reports its figures on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]
/// Sizes in input rows: `KEEL_BENCH_ROWS=10000,100000`, or 10^4, 10^5 and 10^6.
fn sizes() -> Vec<usize> {
    std::env::var("KEEL_BENCH_ROWS")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000])
}

/// The generated model of about `rows` input rows (seed 1) both halves time.
fn model(rows: usize) -> keel_model::Model {
    let opts = keel_io::generate::GenOptions {
        input_rows: Some(rows),
        seed: 1,
        ..Default::default()
    };
    keel_io::generate::generate(&opts)
        .build()
        .expect("generated model is valid")
        .model
}

fn main() {
    // `KEEL_BENCH=exposure`, `criticality` or `commands` runs one part; default the first two.
    let which = std::env::var("KEEL_BENCH").unwrap_or_default();
    if which.is_empty() || which == "exposure" {
        exposure_bench();
    }
    if which.is_empty() || which == "criticality" {
        criticality_bench();
    }
    if which == "commands" {
        commands_bench();
    }
}

/// Median of `reps` timed runs of `f` (the result of each run is dropped outside the timed part).
fn median_secs<T>(reps: usize, f: impl Fn() -> T) -> f64 {
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = std::time::Instant::now();
            let r = std::hint::black_box(f());
            let secs = t.elapsed().as_secs_f64();
            drop(r);
            secs
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[reps / 2]
}

/// Commands (issue 14): what each analysis command computes, as a library call with the options the command
/// passes, and, with `KEEL_BIN=path/to/keel`, the command itself as a user runs it (a process: load, analysis,
/// output written to a file), both on the same files. The generated model of each size (seed 1) is written once
/// to `KEEL_BENCH_DIR` (default: the system temp dir) under `rows-N/` and loaded from there with `keel_io::load`,
/// as the command does. Medians of `KEEL_BENCH_REPS` runs (default 3). `bench/commands.sh` times the same
/// commands against the baseline binary with peak memory.
fn commands_bench() {
    use keel_see::controls::{controls, ControlOptions};
    use keel_see::criticality::{single_points_of_failure, KINDS};
    use keel_see::exposure::{exposure, ExposureOptions};
    let base = std::env::var("KEEL_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join("keel-bench-commands"));
    let reps = std::env::var("KEEL_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let bin = std::env::var("KEEL_BIN").ok();
    for rows in sizes() {
        let dir = base.join(format!("rows-{rows}"));
        if !dir.join("model.toml").exists() {
            keel_io::write_dir(&model(rows), &dir).expect("write the model");
        }
        let load = || keel_io::load(&dir).expect("generated model loads").model;
        let secs = median_secs(reps, load);
        let m = load();
        let ps: Vec<_> = m.demand_stages().collect();
        println!(
            "commands/{rows}: {} stages, {} input rows, {} platforms in {}; load {secs:.3} s",
            m.stages().len(),
            m.arc_count(),
            ps.len(),
            dir.display()
        );
        let lib = |name: &str, secs: f64| println!("commands/{rows}/{name}/library: {secs:.3} s");
        let opts = |top_firms| ExposureOptions {
            tiers: false,
            top_firms: Some(top_firms),
        };
        lib(
            "exposure-country",
            median_secs(reps, || exposure(&m, &ps, opts(0))),
        );
        lib(
            "exposure-firm",
            median_secs(reps, || exposure(&m, &ps, opts(20))),
        );
        lib(
            "criticality",
            median_secs(reps, || single_points_of_failure(&m, &KINDS)),
        );
        if let Some(itar) = m.regime_ix("ITAR") {
            let top = ControlOptions { top: Some(20) };
            lib(
                "controls-itar",
                median_secs(reps, || controls(&m, &ps, &[itar], top)),
            );
        }
        lib(
            "concentration",
            median_secs(reps, || keel_see::concentration::concentration(&m)),
        );
        drop(m);
        let Some(bin) = &bin else { continue };
        let out = dir.join("out");
        let commands: [(&str, &[&str]); 6] = [
            (
                "exposure-country",
                &["exposure", "--by", "country", "--format", "json"],
            ),
            (
                "exposure-firm",
                &["exposure", "--by", "firm", "--format", "json"],
            ),
            ("criticality", &["criticality", "--format", "json"]),
            (
                "controls-itar",
                &["controls", "--regime", "ITAR", "--format", "json"],
            ),
            ("concentration", &["concentration", "--format", "json"]),
            ("report", &["report", "-o"]),
        ];
        for (name, args) in commands {
            let run = || {
                let mut c = std::process::Command::new(bin);
                c.arg(args[0]).arg(&dir).args(&args[1..]);
                if name == "report" {
                    c.arg(&out).stdout(std::process::Stdio::null());
                } else {
                    c.stdout(std::fs::File::create(&out).expect("create the output file"));
                }
                let status = c.status().expect("run keel");
                assert!(status.success(), "keel {name} failed: {status}");
            };
            let secs = median_secs(reps, run);
            let bytes = std::fs::metadata(&out).map_or(0, |m| m.len());
            println!("commands/{rows}/{name}/process: {secs:.3} s, {bytes} bytes of output");
        }
    }
}

/// Exposure (issue 3): look-through value exposure of every platform on generated models of 10^4, 10^5, 10^6
/// input rows (`KEEL_BENCH_ROWS` to choose), timed after load; median of 5 runs (3 at 10^6). Three variants:
/// `no-firms` (value, home shares, by country, bloc and parent: the forward pass only, what the peer computes
/// and more), `top20-firms` (plus the 20 largest firms: adds the backward block sweep) and `backward` (the old
/// all-backward path, [`keel_see::exposure::exposure_backward`], top 20 firms, for comparison). With
/// `KEEL_BENCH_DIR=path` each model is also written to `path/rows-N/` with Keel's answer in
/// `keel_exposure.csv`, for `bench/peers/see_networkx.py exposure`. `KEEL_BENCH_VARIANT=no-firms` times only
/// that variant (for profiling; nothing is written), `KEEL_BENCH_REPS=k` sets the number of runs.
fn exposure_bench() {
    use keel_see::exposure::{exposure, exposure_backward, ExposureOptions, PlatformExposure};
    use std::io::Write;
    use std::time::Instant;
    let sizes = sizes();
    let only_no_firms = std::env::var("KEEL_BENCH_VARIANT").is_ok_and(|v| v == "no-firms");
    for rows in sizes {
        let t = Instant::now();
        let m = model(rows);
        println!(
            "exposure/{rows}: {} stages, {} input rows, {} platforms, {} countries, {} threads (generate + build {:.2} s)",
            m.stages().len(),
            m.arc_count(),
            m.demands().len(),
            m.countries().len(),
            rayon::current_num_threads(),
            t.elapsed().as_secs_f64()
        );
        let ps: Vec<_> = m.demand_stages().collect();
        let reps = std::env::var("KEEL_BENCH_REPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if rows >= 1_000_000 { 3 } else { 5 });
        let time = |name: &str, f: &dyn Fn() -> Vec<PlatformExposure>| {
            let mut times = Vec::new();
            let mut res = Vec::new();
            for _ in 0..reps {
                let t = Instant::now();
                let r = std::hint::black_box(f());
                times.push(t.elapsed().as_secs_f64());
                // The previous run's answer is freed here, outside the timed call.
                res = r;
            }
            times.sort_by(f64::total_cmp);
            let upstream: usize = res.iter().map(|e| e.upstream_stages).sum();
            println!(
                "exposure/{rows}/{name}: median {:.4} s of {reps} (min {:.4}, max {:.4}); {upstream} upstream stages",
                times[reps / 2],
                times[0],
                times[reps - 1]
            );
            res
        };
        let no_firms = ExposureOptions {
            tiers: false,
            top_firms: Some(0),
        };
        let top20 = ExposureOptions {
            tiers: false,
            top_firms: Some(20),
        };
        let res = time("no-firms", &|| exposure(&m, &ps, no_firms));
        if only_no_firms {
            continue;
        }
        time("top20-firms", &|| exposure(&m, &ps, top20));
        let back = time("backward", &|| exposure_backward(&m, &ps, top20));
        let diff = res
            .iter()
            .zip(&back)
            .map(|(f, b)| {
                ((f.value_added - b.value_added) / b.value_added)
                    .abs()
                    .max((f.home_share - b.home_share).abs())
            })
            .fold(0.0, f64::max);
        println!("exposure/{rows}: forward vs backward, max relative difference in value added / home share {diff:.1e}");
        let t = Instant::now();
        let tiers = exposure(
            &m,
            &ps,
            ExposureOptions {
                tiers: true,
                top_firms: Some(0),
            },
        );
        println!(
            "exposure/{rows}/with-tiers: {:.4} s (one run; max tiers {})",
            t.elapsed().as_secs_f64(),
            tiers
                .iter()
                .map(|e| e.by_tier.as_ref().map_or(0, std::vec::Vec::len))
                .max()
                .unwrap_or(0)
        );
        if let Ok(dir) = std::env::var("KEEL_BENCH_DIR") {
            let d = std::path::Path::new(&dir).join(format!("rows-{rows}"));
            keel_io::write_dir(&m, &d).expect("write model");
            let mut f = std::fs::File::create(d.join("keel_exposure.csv")).expect("create");
            writeln!(f, "platform,value_added,home_share").unwrap();
            for e in &res {
                writeln!(f, "{},{:e},{:e}", e.platform, e.value_added, e.home_share).unwrap();
            }
        }
    }
}

/// Criticality (issue 3): stage-level SPOFs of every platform on generated models of 10^4, 10^5, 10^6 input
/// rows (`KEEL_BENCH_ROWS=10000,100000` to choose), timed after load; best of a few runs. Also every kind at once
/// and the country-pair search.
fn criticality_bench() {
    use keel_model::ElementKind;
    use keel_see::criticality::{single_points_of_failure, spof_pairs, DEFAULT_PAIR_WORK, KINDS};
    use std::time::Instant;
    let sizes = sizes();
    for rows in sizes {
        let t = Instant::now();
        let m = model(rows);
        println!(
            "criticality/{rows}: {} stages, {} input rows, {} platforms (generate + build {:.2} s)",
            m.stages().len(),
            m.arc_count(),
            m.demands().len(),
            t.elapsed().as_secs_f64()
        );
        let reps = if rows >= 1_000_000 { 3 } else { 10 };
        let best = |f: &dyn Fn() -> usize| {
            let mut best = f64::INFINITY;
            let mut out = 0;
            for _ in 0..reps {
                let t = Instant::now();
                out = std::hint::black_box(f());
                best = best.min(t.elapsed().as_secs_f64());
            }
            (best, out)
        };
        let (secs, n) = best(&|| {
            single_points_of_failure(&m, &[ElementKind::Stage])
                .iter()
                .map(|p| p.spofs.len())
                .sum()
        });
        println!(
            "criticality/{rows}/stage-spofs: {:.4} s ({n} SPOFs in all)",
            secs
        );
        let (secs, n) = best(&|| {
            single_points_of_failure(&m, &KINDS)
                .iter()
                .map(|p| p.spofs.len())
                .sum()
        });
        println!(
            "criticality/{rows}/all-kinds: {:.4} s ({n} SPOFs in all)",
            secs
        );
        let (secs, n) = best(
            &|| match spof_pairs(&m, ElementKind::Country, DEFAULT_PAIR_WORK) {
                Ok(r) => r.iter().map(|p| p.pairs.len()).sum(),
                Err(_) => usize::MAX,
            },
        );
        println!(
            "criticality/{rows}/country-pairs: {:.4} s ({n} pairs in all)",
            secs
        );
    }
}
