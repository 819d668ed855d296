//! Times the single-stage stress sweep (PI and TTS of every stage) on generated networks.
//!
//! `cargo bench -p keel-lp --bench sweep [-- SIZES...]` (default sizes: 1700; `KEEL_BENCH_REPS` repetitions,
//! default 3; `KEEL_BENCH_SAMPLE=K` sweeps only every (n/K)-th stage) prints the median, and for each run the
//! sweep's CPU time and how busy its threads were.
//! `KEEL_BENCH_ONLY=FILE` keeps only the stage ids listed in FILE; `KEEL_BENCH_EACH=FILE` also times every
//! scenario on its own, one after another, into FILE (stage, seconds, PI, TTS); `KEEL_BENCH_COLD=1` also
//! solves every scenario by the cold whole LP and prints how far the sweep's PI and TTS are from it.
//! Models come from `keel_io::generate` (seed 42); each is also written as a Keel CSV folder, with Keel's
//! results in `keel_results.csv`, under `target/stress-bench/n<SIZE>/` (or `KEEL_BENCH_DIR/n<SIZE>/`) so that
//! `bench/peers/stress_linprog.py` can run the same sweep.
// A benchmark reports its figures on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use keel_io::generate::{generate, GenOptions};
use keel_lp::{element_cases, sweep, Duration, StressLp, WarmLp};
use keel_model::{Disrupted, ElementKind, Model};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

fn write_dir(model: &Model, n: usize) -> PathBuf {
    // KEEL_BENCH_DIR: another parent folder, so that two builds can run side by side (the fairest comparison on
    // a machine whose speed drifts: both see the same drift).
    let parent = std::env::var_os("KEEL_BENCH_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/stress-bench"),
        PathBuf::from,
    );
    let dir = parent.join(format!("n{n}"));
    keel_io::save(model, &dir).expect("writable target dir");
    dir
}

/// CPU time of this process so far (user + system, from /proc/self/stat), if the platform has it: with the wall
/// time it shows how busy the threads were (a sweep whose last scenarios run on one core leaves the other idle).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th
    // and 13th, in clock ticks (100 per second on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![1700] } else { sizes };
    let reps: usize = std::env::var("KEEL_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let sample: Option<usize> = std::env::var("KEEL_BENCH_SAMPLE")
        .ok()
        .and_then(|v| v.parse().ok());
    for n in sizes {
        let opts = GenOptions {
            stages: n,
            seed: 42,
            ..GenOptions::default()
        };
        let model = generate(&opts)
            .build()
            .expect("generated model is valid")
            .model;
        let dir = write_dir(&model, n);
        let mut times = Vec::new();
        let mut checksum = 0.0;
        let mut results = String::from("stage,pi,tts\n");
        let mut lps = 0;
        // The stage id a case disrupts (every case here stops one stage).
        let id = |d: Disrupted| d.key(&model).1;
        for rep in 0..reps {
            let t0 = Instant::now();
            let lp = StressLp::new(&model, 365.0).unwrap();
            let setup = t0.elapsed().as_secs_f64();
            let mut cases =
                element_cases(&model, ElementKind::Stage, Duration::Ttr { fallback: 30.0 })
                    .unwrap();
            if let Some(k) = sample.filter(|&k| k < cases.len()) {
                // Every (n/k)-th stage: a quick estimate when the full sweep is too slow to repeat.
                let step = cases.len().div_ceil(k);
                cases = cases.into_iter().step_by(step).collect();
            }
            if let Ok(path) = std::env::var("KEEL_BENCH_ONLY") {
                // Stage ids, one per line (e.g. the costliest scenarios found with KEEL_BENCH_EACH).
                let only: std::collections::BTreeSet<String> = std::fs::read_to_string(&path)
                    .expect("KEEL_BENCH_ONLY names a readable file")
                    .lines()
                    .map(|l| l.trim().to_string())
                    .collect();
                cases.retain(|c| only.contains(id(c.subject)));
                assert!(
                    !cases.is_empty(),
                    "no stage listed in {path} is in the model"
                );
            }
            // Time spent on KEEL_BENCH_EACH, left out of the sweep's time.
            let t_each = Instant::now();
            if let Ok(path) = std::env::var("KEEL_BENCH_EACH") {
                // Times every scenario on its own, one after another, to find where a sweep spends its time.
                // One scratch for all of them, as a sweep's chunk has, so no scenario pays for its allocation.
                let mut warm = WarmLp::new(&lp);
                let mut out = String::from("stage,secs,pi,tts\n");
                for c in &cases {
                    let t1 = Instant::now();
                    let r = warm.impact(&c.disruption, c.t, false).unwrap();
                    let secs = t1.elapsed().as_secs_f64();
                    // As a sweep does: a whole-component fallback model must not carry over.
                    warm.forget_whole_models();
                    let id = id(c.subject);
                    writeln!(out, "{id},{secs:.6},{:?},{:?}", r.pi, r.tts.value).unwrap();
                }
                std::fs::write(&path, out).unwrap();
            }
            let each = t_each.elapsed().as_secs_f64();
            let (w0, c0) = (Instant::now(), cpu_seconds());
            let rows = sweep(&lp, &cases, false, &|_| {}).unwrap();
            let (wall, cpu) = (w0.elapsed().as_secs_f64(), cpu_seconds());
            if let (Some(c0), Some(c1)) = (c0, cpu) {
                let threads = rayon::current_num_threads() as f64;
                eprintln!(
                    "  sweep alone: {wall:.3} s wall, {:.1} s CPU ({:.1}% of {threads} threads busy)",
                    c1 - c0,
                    100.0 * (c1 - c0) / (wall * threads)
                );
            }
            times.push(t0.elapsed().as_secs_f64() - each);
            checksum = rows.iter().map(|r| r.impact.pi).sum::<f64>();
            results.truncate("stage,pi,tts\n".len());
            for r in &rows {
                let id = id(r.subject);
                writeln!(results, "{id},{:?},{:?}", r.impact.pi, r.impact.tts.value).unwrap();
            }
            lps = lp.components();
            let hit = rows.iter().filter(|r| r.impact.pi > 0.0).count();
            eprintln!(
                "  n={n}: {:.3} s, of which {setup:.3} s setup (baseline TTS) ({} scenarios, {hit} with loss, top {} PI {:.6e})",
                times.last().unwrap(),
                rows.len(),
                id(rows[0].subject),
                rows[0].impact.pi
            );
            if rep + 1 == reps && std::env::var_os("KEEL_BENCH_COLD").is_some() {
                // The same scenarios by the cold path (the whole LP built and solved from scratch in its
                // original form), to check the region solver at sizes the tests do not reach (tens of seconds
                // per scenario at 17,000 stages: use it with KEEL_BENCH_ONLY).
                let rel = |a: f64, b: f64| (a - b).abs() / a.abs().max(b.abs()).max(1e-300);
                for r in &rows {
                    let case = &cases[r.case];
                    let cold = lp.impact(&case.disruption, case.t, false).unwrap();
                    let (pi, tts) = (r.impact.pi, r.impact.tts.value);
                    eprintln!(
                        "  cold stage {}: PI {:?} (sweep {pi:?}, rel {:.1e}), TTS {:?} (sweep {tts:?}, rel {:.1e})",
                        id(r.subject),
                        cold.pi,
                        rel(cold.pi, pi),
                        cold.tts.value,
                        rel(cold.tts.value, tts)
                    );
                }
            }
        }
        std::fs::write(dir.join("keel_results.csv"), &results).unwrap();
        times.sort_by(f64::total_cmp);
        println!(
            "stress sweep n={} stages={} arcs={} components={lps} threads={}: median {:.3} s over {reps} runs (sum PI {checksum:.6e}); model in {}",
            n,
            model.stages().len(),
            model.arc_count(),
            rayon::current_num_threads(),
            times[times.len() / 2],
            dir.display()
        );
    }
}
