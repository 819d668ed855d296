//! Load + validate benchmark (issue 2): a generated model with about 1,000,000 input rows, written to a folder,
//! then loaded with `keel_io::load` in a fresh child process each time so that peak memory (VmHWM) is the
//! load's own. Prints the median wall time and the peak resident memory.
//!
//! Run: `cargo bench -p keel-io --bench load` (ROWS=... to change the size, RUNS=... the repetitions).
// A benchmark reports its figures on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// User + system CPU seconds of this process (less sensitive than wall time to other load on the machine).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn child(dir: &Path) {
    let t = Instant::now();
    let loaded = keel_io::load(dir).expect("generated model loads");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{secs} {} {} {} {}",
        peak_rss_mib(),
        loaded.model.stages().len(),
        loaded.model.sources().len(),
        cpu_secs()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(k) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[k + 1]));
        return;
    }
    let rows: usize = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("keel-load-bench-{rows}"));
    if !dir.join("model.toml").exists() {
        let opts = keel_io::generate::GenOptions {
            input_rows: Some(rows),
            seed: 1,
            ..Default::default()
        };
        let model = keel_io::generate::generate(&opts)
            .build()
            .expect("generated model is valid")
            .model;
        keel_io::write_dir(&model, &dir).expect("write model");
    }
    let bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let exe = std::env::current_exe().unwrap();
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    let mut cpus = Vec::new();
    let mut shape = String::new();
    for _ in 0..runs {
        let out = Command::new(&exe)
            .arg("--child")
            .arg(&dir)
            .output()
            .expect("child runs");
        let line = String::from_utf8_lossy(&out.stdout).to_string();
        let f: Vec<&str> = line.split_whitespace().collect();
        times.push(f[0].parse::<f64>().unwrap());
        peaks.push(f[1].parse::<f64>().unwrap());
        cpus.push(f[4].parse::<f64>().unwrap());
        shape = format!("{} stages, {} input rows", f[2], f[3]);
    }
    times.sort_by(f64::total_cmp);
    peaks.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    println!(
        "load+validate {shape} ({:.0} MiB of CSV): median {:.3} s (min {:.3}, max {:.3}) over {runs} runs; CPU median {:.3} s; peak RSS median {:.0} MiB (max {:.0})",
        bytes as f64 / 1048576.0,
        times[runs / 2],
        times[0],
        times[runs - 1],
        cpus[runs / 2],
        peaks[runs / 2],
        peaks[runs - 1]
    );
}
