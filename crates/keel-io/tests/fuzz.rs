//! A fuzzing harness on stable Rust: the example model's files and its workbook, mutated at random (bytes, rows,
//! cells, columns, sheets), must load or fail with located diagnostics; the loaders never panic.
//!
//! Each case is drawn from a `ChaCha8Rng` seeded with its number, so a failing case is replayed from its seed
//! alone. No case can hang, by construction: a mutation changes at most a few dozen places and adds at most
//! 20,000 bytes, so every input stays within a small multiple of the example, and the loaders are linear in
//! their input (one pass per table, a sort of the input rows, Kahn's algorithm).
//!
//! The short slice below runs with the test suite (200 folder cases and 40 workbook cases, a few seconds). The
//! long one runs offline:
//!
//! ```sh
//! KEEL_FUZZ_CASES=20000 KEEL_FUZZ_SEED=1000000 cargo nextest run -p keel-io --test fuzz --run-ignored all
//! ```
//!
//! Every input that ever broke a loader is kept in `tests/fuzz-cases/` and replayed by `regression_cases`: a
//! folder there holds the files that replace the example's (`NAME.absent` deletes `NAME`); an `.xlsx` file there
//! is loaded as it is.
// The test reports what it measured (shown with --nocapture).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

const FILES: [&str; 11] = [
    "model.toml",
    "countries.csv",
    "firms.csv",
    "sites.csv",
    "items.csv",
    "stages.csv",
    "lanes.csv",
    "inputs.csv",
    "demand.csv",
    "scenarios.csv",
    "options.csv",
];

/// Cell values that have broken loaders elsewhere: placeholders, overflows, separators, quotes, control bytes.
const NASTY: [&str; 24] = [
    "",
    "1e300",
    "-1",
    "NaN",
    "inf",
    "0",
    "1,5",
    "1.5.2",
    "\"",
    "\"unclosed",
    "a;b",
    "\u{1b}[2J",
    "\u{0}",
    "\u{feff}",
    "  padded  ",
    "CAN",
    "platform",
    "ITAR:XI",
    "ITAR",
    "sea",
    "é",
    "=SUM(A1:A2)",
    "1e-320",
    "99999999999999999999999",
];

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

fn example_files() -> Vec<(String, Vec<u8>)> {
    FILES
        .iter()
        .map(|f| {
            let p = example_dir().join(f);
            let bytes = if *f == "options.csv" && !p.exists() {
                synthetic_options(&std::fs::read(example_dir().join("stages.csv")).unwrap())
            } else {
                std::fs::read(p).unwrap()
            };
            (f.to_string(), bytes)
        })
        .collect()
}

/// Options on the example's first stages with a capacity (three capacity options, two stockpiles, two of them
/// risky bets in one group), for an example that has no options.csv of its own.
fn synthetic_options(stages: &[u8]) -> Vec<u8> {
    let mut rows = vec![
        "id,kind,stage,amount,cost,probability,group,name,time_to_effect"
            .split(',')
            .map(str::to_string)
            .collect::<Vec<_>>(),
    ];
    let capped = cells(stages)
        .into_iter()
        .skip(1)
        .filter(|r| r.get(4).is_some_and(|c| !c.is_empty()));
    for (k, r) in capped.take(5).enumerate() {
        let kind = if k < 3 { "capacity" } else { "stockpile" };
        let (p, g) = if k % 2 == 1 {
            ("0.5", "bets")
        } else {
            ("", "")
        };
        let row = [
            &format!("o{k}"),
            kind,
            &r[0],
            "5",
            "1000000",
            p,
            g,
            "",
            "30",
        ];
        rows.push(row.iter().map(std::string::ToString::to_string).collect());
    }
    join(&rows)
}

fn env_usize(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Splits a CSV text into lines of naive cells (quotes are not honoured: mutations may break them on purpose).
fn cells(text: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8_lossy(text)
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn join(rows: &[Vec<String>]) -> Vec<u8> {
    let mut s = String::new();
    for r in rows {
        s += &r.join(",");
        s.push('\n');
    }
    s.into_bytes()
}

fn nasty(rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..10) {
        0 => "x".repeat(rng.random_range(1..20_000)),
        _ => NASTY[rng.random_range(0..NASTY.len())].to_string(),
    }
}

/// One mutation of one file of the folder; `files[k]` is replaced, emptied or removed (`None`).
fn mutate(files: &mut [(String, Option<Vec<u8>>)], rng: &mut ChaCha8Rng) {
    let k = rng.random_range(0..files.len());
    let Some(bytes) = files[k].1.as_mut() else {
        return;
    };
    match rng.random_range(0..12) {
        // Bytes: flipped, inserted, deleted.
        0..=2 => {
            for _ in 0..rng.random_range(1..30) {
                let b = [
                    b'"', b',', b'\n', b'\r', b';', b'\t', 0, 0xff, 0xc3, b'-', b'.', b'e',
                ][rng.random_range(0..12)];
                if bytes.is_empty() {
                    bytes.push(b);
                    continue;
                }
                let i = rng.random_range(0..bytes.len());
                match rng.random_range(0..3) {
                    0 => bytes[i] = b,
                    1 => {
                        bytes.remove(i);
                    }
                    _ => bytes.insert(i, b),
                }
            }
        }
        // Rows: deleted, duplicated, swapped, the file cut mid-row.
        3..=4 => {
            let mut rows = cells(bytes);
            for _ in 0..rng.random_range(1..10) {
                if rows.is_empty() {
                    break;
                }
                let i = rng.random_range(0..rows.len());
                let j = rng.random_range(0..rows.len());
                match rng.random_range(0..3) {
                    0 => {
                        rows.remove(i);
                    }
                    1 => {
                        let r = rows[i].clone();
                        rows.insert(j, r);
                    }
                    _ => rows.swap(i, j),
                }
            }
            *bytes = join(&rows);
            if rng.random_range(0..4) == 0 && !bytes.is_empty() {
                let cut = rng.random_range(0..bytes.len());
                bytes.truncate(cut);
            }
        }
        // Cells: replaced by nasty values (the header included).
        5..=7 => {
            let mut rows = cells(bytes);
            for _ in 0..rng.random_range(1..20) {
                if rows.is_empty() {
                    break;
                }
                let i = if rng.random_range(0..8) == 0 {
                    0
                } else {
                    rng.random_range(0..rows.len())
                };
                if rows[i].is_empty() {
                    continue;
                }
                let j = rng.random_range(0..rows[i].len());
                rows[i][j] = nasty(rng);
            }
            *bytes = join(&rows);
        }
        // Columns: one dropped from every row, or from the header only.
        8 => {
            let mut rows = cells(bytes);
            let width = rows.first().map_or(0, Vec::len);
            if width > 0 {
                let c = rng.random_range(0..width);
                let only_header = rng.random_range(0..2) == 0;
                for (i, r) in rows.iter_mut().enumerate() {
                    if c < r.len() && (i == 0 || !only_header) {
                        r.remove(c);
                    }
                }
            }
            *bytes = join(&rows);
        }
        // The delimiter: commas become semicolons or tabs.
        9 => {
            let to = if rng.random_range(0..2) == 0 {
                b';'
            } else {
                b'\t'
            };
            for b in bytes.iter_mut().filter(|b| **b == b',') {
                *b = to;
            }
        }
        // The whole file: emptied or removed.
        10 => bytes.clear(),
        _ => files[k].1 = None,
    }
}

/// What a load must give: a model, or errors that each name their file and say what is wrong, printed
/// without control bytes.
fn check_result(r: Result<keel_model::Loaded, keel_io::IoError>, case: &str) -> bool {
    match r {
        Ok(_) => true,
        Err(keel_io::IoError::Invalid(inv)) => {
            assert!(inv.error_count() > 0, "{case}: invalid without an error");
            for d in &inv.diagnostics {
                assert!(!d.file.is_empty() && !d.message.is_empty(), "{case}: {d:?}");
                let shown = d.to_string();
                assert!(
                    !shown.chars().any(|c| c.is_control() && c != '\n'),
                    "{case}: control bytes printed: {shown:?}"
                );
                assert!(
                    shown.len() < 2_000,
                    "{case}: a diagnostic of {} bytes: {}",
                    shown.len(),
                    &shown[..(0..=300)
                        .rev()
                        .find(|&i| shown.is_char_boundary(i))
                        .unwrap_or(0)]
                );
            }
            false
        }
        Err(e @ (keel_io::IoError::NotAModel { .. } | keel_io::IoError::Xlsx { .. })) => {
            assert!(!e.to_string().is_empty(), "{case}");
            false
        }
        Err(e) => panic!("{case}: unexpected error kind: {e}"),
    }
}

/// Writes the files into a fresh folder and loads it.
fn load_folder(files: &[(String, Option<Vec<u8>>)], case: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        if let Some(b) = bytes {
            std::fs::write(dir.path().join(name), b).unwrap();
        }
    }
    let r = std::panic::catch_unwind(|| keel_io::load(dir.path()));
    match r {
        Ok(r) => check_result(r, case),
        Err(_) => {
            let keep = std::env::temp_dir().join(format!("keel-fuzz-{case}"));
            let _ = std::fs::create_dir_all(&keep);
            for (name, bytes) in files {
                if let Some(b) = bytes {
                    let _ = std::fs::write(keep.join(name), b);
                }
            }
            panic!(
                "{case}: the loader panicked; the input is in {}",
                keep.display()
            );
        }
    }
}

/// A workbook with one sheet per table, written from (possibly mutated) CSV texts: cells that parse as numbers
/// are written as numbers, the rest as text; some sheets are renamed.
fn workbook(files: &[(String, Option<Vec<u8>>)], rng: &mut ChaCha8Rng, path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let model = wb.add_worksheet().set_name("model").unwrap();
    for (r, (k, v)) in [
        ("key", "value"),
        ("name", "fuzz"),
        ("home_country", "CAN"),
        ("currency", "CAD"),
        ("time_unit", "day"),
    ]
    .iter()
    .enumerate()
    {
        model.write_string(r as u32, 0, *k).unwrap();
        model.write_string(r as u32, 1, *v).unwrap();
    }
    let regimes = wb.add_worksheet().set_name("export_regimes").unwrap();
    for (r, (k, v)) in [("regime", "country"), ("ITAR", "USA"), ("EAR", "USA")]
        .iter()
        .enumerate()
    {
        regimes.write_string(r as u32, 0, *k).unwrap();
        regimes.write_string(r as u32, 1, *v).unwrap();
    }
    for (name, bytes) in files.iter().skip(1) {
        let Some(bytes) = bytes else { continue };
        let stem = name.trim_end_matches(".csv");
        let sheet = match rng.random_range(0..30) {
            0 => stem.to_uppercase(),
            1 => format!("{stem}s"),
            _ => stem.to_string(),
        };
        let ws = wb.add_worksheet().set_name(&sheet).unwrap();
        for (r, row) in cells(bytes).iter().enumerate().take(5_000) {
            for (c, v) in row.iter().enumerate().take(50) {
                let (r, c) = (r as u32, c as u16);
                match v.parse::<f64>() {
                    Ok(x) if x.is_finite() && r > 0 => ws.write_number(r, c, x).unwrap(),
                    // Cells longer than a sheet holds are cut by the writer's own rule.
                    _ => match ws.write_string(r, c, v) {
                        Ok(w) => w,
                        Err(_) => ws.write_string(r, c, "x").unwrap(),
                    },
                };
            }
        }
    }
    wb.save(path).unwrap();
}

fn run_cases(first: u64, cases: usize, workbooks: bool) -> (usize, usize) {
    let base = example_files();
    let (mut loaded, mut failed) = (0, 0);
    for seed in first..first + cases as u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut files: Vec<(String, Option<Vec<u8>>)> = base
            .iter()
            .map(|(n, b)| (n.clone(), Some(b.clone())))
            .collect();
        for _ in 0..rng.random_range(1..4) {
            mutate(&mut files, &mut rng);
        }
        let ok = if workbooks {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("fuzz.xlsx");
            // model.toml is replaced by the `model` sheet; a removed table is a missing sheet.
            workbook(&files, &mut rng, &path);
            if rng.random_range(0..5) == 0 {
                // Damaged bytes of the zip itself.
                let mut b = std::fs::read(&path).unwrap();
                for _ in 0..rng.random_range(1..10) {
                    let i = rng.random_range(0..b.len());
                    b[i] = rng.random();
                }
                std::fs::write(&path, b).unwrap();
            }
            let case = format!("xlsx-seed-{seed}");
            let r = std::panic::catch_unwind(|| keel_io::load(&path));
            match r {
                Ok(r) => check_result(r, &case),
                Err(_) => {
                    let keep = std::env::temp_dir().join(format!("keel-fuzz-{case}.xlsx"));
                    let _ = std::fs::copy(&path, &keep);
                    panic!(
                        "{case}: the loader panicked; the input is {}",
                        keep.display()
                    );
                }
            }
        } else {
            load_folder(&files, &format!("seed-{seed}"))
        };
        if ok {
            loaded += 1;
        } else {
            failed += 1;
        }
    }
    (loaded, failed)
}

#[test]
fn mutated_folders_load_or_fail_located() {
    let first = env_usize("KEEL_FUZZ_SEED", 0) as u64;
    let (ok, bad) = run_cases(first, 200, false);
    eprintln!("fuzz: 200 folder cases from seed {first}: {ok} loaded, {bad} rejected");
    assert!(bad > 150, "most mutations must be caught: {bad} of 200");
}

#[test]
fn mutated_workbooks_load_or_fail_located() {
    let first = env_usize("KEEL_FUZZ_SEED", 0) as u64;
    let (ok, bad) = run_cases(first, 40, true);
    eprintln!("fuzz: 40 workbook cases from seed {first}: {ok} loaded, {bad} rejected");
    assert!(bad > 20, "{bad} of 40");
}

/// The long run: `KEEL_FUZZ_CASES` folder cases and a fifth as many workbook cases.
#[test]
#[ignore = "long: run offline with KEEL_FUZZ_CASES (see the module documentation)"]
fn long_run() {
    let first = env_usize("KEEL_FUZZ_SEED", 1_000_000) as u64;
    let cases = env_usize("KEEL_FUZZ_CASES", 5_000);
    let (ok, bad) = run_cases(first, cases, false);
    eprintln!("fuzz: {cases} folder cases from seed {first}: {ok} loaded, {bad} rejected");
    let (ok, bad) = run_cases(first, cases / 5, true);
    eprintln!(
        "fuzz: {} workbook cases from seed {first}: {ok} loaded, {bad} rejected",
        cases / 5
    );
}

/// Every input that ever broke something, replayed.
#[test]
fn regression_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-cases");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut n = 0;
    for case in entries {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if case.is_dir() {
            let mut files: Vec<(String, Option<Vec<u8>>)> = example_files()
                .into_iter()
                .map(|(n, b)| (n, Some(b)))
                .collect();
            for e in std::fs::read_dir(&case).unwrap() {
                let p = e.unwrap().path();
                let f = p.file_name().unwrap().to_string_lossy().into_owned();
                match f.strip_suffix(".absent") {
                    Some(gone) => files.retain(|(n, _)| n != gone),
                    None => match files.iter_mut().find(|(n, _)| *n == f) {
                        Some(slot) => slot.1 = Some(std::fs::read(&p).unwrap()),
                        None => files.push((f, Some(std::fs::read(&p).unwrap()))),
                    },
                }
            }
            assert!(!load_folder(&files, &name), "{name} should not load");
            n += 1;
        } else if name.ends_with(".xlsx") {
            let r = keel_io::load(&case);
            assert!(!check_result(r, &name), "{name} should not load");
            n += 1;
        }
    }
    assert!(n > 0, "no regression case found in {}", dir.display());
}
