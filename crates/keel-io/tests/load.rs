//! Loading the bundled example, round-tripping it through both file forms, and reporting planted errors.

use keel_model::{Diagnostic, Model};
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

fn load_ok(p: &Path) -> Model {
    match keel_io::load(p) {
        Ok(l) => l.model,
        Err(keel_io::IoError::Invalid(inv)) => {
            let lines: Vec<String> = inv
                .diagnostics
                .iter()
                .map(std::string::ToString::to_string)
                .collect();
            panic!("{} did not load:\n{}", p.display(), lines.join("\n"))
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn example_loads_clean_with_expected_shape() {
    let l = keel_io::load(&example()).expect("example loads");
    let errors: Vec<&Diagnostic> = l.warnings.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty());
    let s = l.model.summary();
    assert!(s.demand_stages >= 10, "platforms: {}", s.demand_stages);
    assert!(s.stages >= 400);
    assert!(s.tiers >= 5, "tiers {}", s.tiers);
    assert!(s.countries >= 12);
    for bloc in ["NATO", "NTIB", "FVEY", "EU"] {
        assert!(s.blocs.iter().any(|b| b == bloc), "missing bloc {bloc}");
    }
    assert!(s.foreign_controlled_firms > 0);
    assert!(l.model.regime_ix("ITAR").is_some() && l.model.regime_ix("EAR").is_some());
    // Real bloc memberships: Norway is NATO but not EU; Sweden joined NATO in 2024.
    let m = &l.model;
    let has = |c: &str, b: &str| m.in_bloc(m.country_ix(c).unwrap(), m.bloc_ix(b).unwrap());
    assert!(has("NOR", "NATO") && !has("NOR", "EU"));
    assert!(has("SWE", "NATO") && has("SWE", "EU"));
    assert!(has("CAN", "NTIB") && has("USA", "FVEY") && !has("FRA", "FVEY"));
}

/// Compares two models field by field through their written tables (the canonical text form).
fn same(a: &Model, b: &Model) {
    assert_eq!(keel_io::model_tables(a), keel_io::model_tables(b));
    assert_eq!(a.meta().name, b.meta().name);
    assert_eq!(a.regimes().len(), b.regimes().len());
}

#[test]
fn round_trips_through_folder_and_workbook() {
    let m = load_ok(&example());
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("copy");
    keel_io::write_dir(&m, &folder).unwrap();
    let m2 = load_ok(&folder);
    same(&m, &m2);
    let book = dir.path().join("copy.xlsx");
    keel_io::write_xlsx(&m2, &book).unwrap();
    let m3 = load_ok(&book);
    same(&m, &m3);
    let back = dir.path().join("back");
    keel_io::save(&m3, &back).unwrap();
    // Writing is deterministic: the same model gives the same bytes.
    for f in ["inputs.csv", "stages.csv", "model.toml"] {
        assert_eq!(
            std::fs::read(folder.join(f)).unwrap(),
            std::fs::read(back.join(f)).unwrap(),
            "{f}"
        );
    }
}

fn copy_example(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".csv") || name == "model.toml" {
            std::fs::copy(&p, to.join(name)).unwrap();
        }
    }
}

/// Sets field `col` (1-based) of line `line` (1-based, header = 1) of a CSV file.
fn set_field(path: &Path, line: usize, col: usize, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    rows[line - 1][col - 1] = value.to_string();
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        w.write_record(row).unwrap();
    }
    std::fs::write(path, w.into_inner().unwrap()).unwrap();
}

fn field(path: &Path, line: usize, col: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .nth(line - 1)
        .unwrap()
        .unwrap()
        .get(col - 1)
        .unwrap()
        .to_string()
}

#[test]
fn broken_copy_reports_every_planted_error_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_example(d);
    // 1. unknown firm reference in sites.csv line 3 (typo: drop the last character)
    let firm = field(&d.join("sites.csv"), 3, 2);
    set_field(&d.join("sites.csv"), 3, 2, &firm[..firm.len() - 1]);
    // 2. a bad number in stages.csv line 5, column value_added
    set_field(&d.join("stages.csv"), 5, 4, "12.3.4");
    // 3. duplicate stage id: line 7 takes line 6's id
    let id6 = field(&d.join("stages.csv"), 6, 1);
    set_field(&d.join("stages.csv"), 7, 1, &id6);
    // 4. unknown item kind in items.csv line 4
    set_field(&d.join("items.csv"), 4, 3, "gizmo");
    // 5. shares that no longer sum to 1: find a row with a given share strictly between 0 and 1
    let inputs = std::fs::read_to_string(d.join("inputs.csv")).unwrap();
    let share_line = inputs
        .lines()
        .enumerate()
        .skip(1)
        .find(|(_, l)| {
            l.split(',')
                .nth(4)
                .is_some_and(|s| s.parse::<f64>().is_ok_and(|v| v > 0.0 && v < 0.9))
        })
        .map(|(k, _)| k + 1)
        .unwrap();
    set_field(&d.join("inputs.csv"), share_line, 5, "0.999");
    // 6. an undeclared regime on items.csv line 2
    set_field(&d.join("items.csv"), 2, 4, "XYZ:1");
    // 7. a scenario chokepoint typo
    let sc = std::fs::read_to_string(d.join("scenarios.csv")).unwrap();
    std::fs::write(
        d.join("scenarios.csv"),
        sc.replacen("Port of Montreal", "Port of Montreall", 1),
    )
    .unwrap();

    let inv = match keel_io::load(d) {
        Err(keel_io::IoError::Invalid(inv)) => inv,
        other => panic!("expected errors, got {other:?}"),
    };
    let errs: Vec<&Diagnostic> = inv.errors().collect();
    let find = |file: &str, line: u64, needle: &str| {
        errs.iter()
            .find(|e| e.file == file && e.line == Some(line) && e.message.contains(needle))
            .unwrap_or_else(|| {
                let all: Vec<String> = errs.iter().map(std::string::ToString::to_string).collect();
                panic!(
                    "no error `{needle}` at {file}:{line}; got:\n{}",
                    all.join("\n")
                )
            })
    };
    let e = find("sites.csv", 3, "unknown firm");
    assert_eq!(e.column.as_ref().map(|c| c.1.as_str()), Some("firm"));
    assert_eq!(
        e.hint.as_deref(),
        Some(format!("did you mean `{firm}`?").as_str())
    );
    let e = find("stages.csv", 5, "not a number");
    assert_eq!(e.column, Some((4, "value_added".to_string())));
    find("stages.csv", 7, "duplicate id");
    find("items.csv", 4, "unknown kind `gizmo`");
    find("items.csv", 2, "unknown export-control regime `XYZ`");
    let sc_line = sc
        .lines()
        .position(|l| l.contains("Port of Montreal"))
        .unwrap() as u64
        + 1;
    find(
        "scenarios.csv",
        sc_line,
        "unknown chokepoint `Port of Montreall`",
    )
    .hint
    .as_ref()
    .filter(|h| h.contains("Port of Montreal"))
    .expect("did-you-mean for the chokepoint");
    assert!(
        errs.iter()
            .any(|e| e.file == "inputs.csv" && e.message.contains("sum to")),
        "share sum error"
    );
}

#[test]
fn cycles_and_mismatches_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_example(d);
    // A platform's stage made an input of one of its own suppliers closes a cycle.
    let m = load_ok(&example());
    let p = m.demands()[0].stage;
    let g = m.groups_of(p).next().unwrap();
    let sup = m.sources()[m.sources_of(g).next().unwrap().index()].supplier;
    let mut inputs = std::fs::read_to_string(d.join("inputs.csv")).unwrap();
    let pid = &m.stages()[p.index()].id;
    let pitem = &m.items()[m.stages()[p.index()].item.index()].id;
    inputs.push_str(&format!(
        "{},{},1,{},,\n",
        m.stages()[sup.index()].id,
        pitem,
        pid
    ));
    std::fs::write(d.join("inputs.csv"), &inputs).unwrap();
    let inv = match keel_io::load(d) {
        Err(keel_io::IoError::Invalid(inv)) => inv,
        other => panic!("expected a cycle, got {other:?}"),
    };
    let cyc = inv
        .errors()
        .find(|e| e.message.contains("cycle"))
        .expect("cycle reported");
    assert!(
        cyc.message.contains(pid.as_str())
            && cyc.message.contains(m.stages()[sup.index()].id.as_str()),
        "{cyc}"
    );
}

#[test]
fn missing_tables_and_columns_are_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_example(d);
    std::fs::remove_file(d.join("demand.csv")).unwrap();
    let text = std::fs::read_to_string(d.join("firms.csv")).unwrap();
    std::fs::write(
        d.join("firms.csv"),
        text.replacen("id,name,country", "id,nmae,country", 1),
    )
    .unwrap();
    std::fs::write(
        d.join("model.toml"),
        "name = \"x\"\nhome_country = \"CAN\"\ncurrency = 3\n",
    )
    .unwrap();
    let inv = match keel_io::load(d) {
        Err(keel_io::IoError::Invalid(inv)) => inv,
        other => panic!("expected errors, got {other:?}"),
    };
    let all: Vec<String> = inv
        .diagnostics
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    let joined = all.join("\n");
    assert!(
        joined.contains("demand.csv: required table is missing"),
        "{joined}"
    );
    // The misspelt column is one error with its did-you-mean, not a second one saying `name` is missing.
    assert!(
        joined.contains("firms.csv:1:2 (nmae): unknown column `nmae`"),
        "{joined}"
    );
    assert!(joined.contains("did you mean `name`?"), "{joined}");
    assert!(!joined.contains("required column `name`"), "{joined}");
    assert!(joined.contains("`currency` must be a string"), "{joined}");
}

/// A small model with options: a German second source (a candidate, buying from an existing German stage),
/// a capacity option and a risky stockpile in a group.
fn options_model(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let files = [
        (
            "model.toml",
            "name = \"opts\"\nhome_country = \"CAN\"\ncurrency = \"CAD\"\ntime_unit = \"day\"\n",
        ),
        (
            "countries.csv",
            "code,name,blocs\nCAN,Canada,NATO\nUSA,United States,NATO\nDEU,Germany,NATO;EU\n",
        ),
        ("firms.csv", "id,name,country,parent_country\nf1,F1,CAN,\nf2,F2,USA,\nf3,F3,DEU,\n"),
        ("sites.csv", "id,firm,country,lat,lon,name\ns1,f1,CAN,,,\ns2,f2,USA,,,\ns3,f3,DEU,,,\n"),
        (
            "items.csv",
            "id,name,kind,export_control,capability\np,P,platform,,\nc,C,component,,\nm,M,material,,\n",
        ),
        (
            "stages.csv",
            "id,item,site,value_added,capacity,lead_time,inventory,ttr\np@s1,p,s1,100,10,0,0,\n\
             c@s3,c,s3,60,5,0,2,\nc@s2,c,s2,50,20,0,0,\nm@s3,m,s3,1,100,0,0,\n",
        ),
        (
            "inputs.csv",
            "stage,input_item,qty,supplier,share,lane\np@s1,c,2,c@s2,1,\np@s1,c,2,c@s3,,\nc@s3,m,3,m@s3,,\n",
        ),
        ("demand.csv", "stage,demand,loss_per_unit\np@s1,5,100\n"),
        (
            "options.csv",
            "id,kind,stage,amount,cost,probability,group,name,time_to_effect\n\
             deu,source,c@s3,,30000000,0.6,research,German second source,2\n\
             cap,capacity,c@s2,5,1000000,1,,,0\nstock,stockpile,p@s1,50,200000,0.9,research,,30\n",
        ),
    ];
    for (f, text) in files {
        std::fs::write(dir.join(f), text).unwrap();
    }
}

#[test]
fn options_round_trip_through_folder_workbook_and_folder() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    options_model(&src);
    let m = load_ok(&src);
    assert_eq!(m.stages().len(), 3);
    let inv = m.investments().expect("options");
    assert_eq!((inv.options.len(), inv.full.stages().len()), (3, 4));
    let folder = dir.path().join("copy");
    keel_io::write_dir(&m, &folder).unwrap();
    // The full model is written: the candidate's stage, its rows (an empty share where it supplies) and options.
    let text = |f: &str| std::fs::read_to_string(folder.join(f)).unwrap();
    assert_eq!(
        text("options.csv"),
        std::fs::read_to_string(src.join("options.csv")).unwrap()
    );
    assert_eq!(
        text("inputs.csv"),
        std::fs::read_to_string(src.join("inputs.csv")).unwrap()
    );
    assert_eq!(
        text("stages.csv"),
        std::fs::read_to_string(src.join("stages.csv")).unwrap()
    );
    let m2 = load_ok(&folder);
    same(&m, &m2);
    let book = dir.path().join("copy.xlsx");
    keel_io::write_xlsx(&m2, &book).unwrap();
    let m3 = load_ok(&book);
    same(&m, &m3);
    assert_eq!(m3.investments().unwrap().groups, ["research"]);
    let back = dir.path().join("back");
    keel_io::save(&m3, &back).unwrap();
    for f in ["options.csv", "inputs.csv", "stages.csv"] {
        assert_eq!(
            std::fs::read(folder.join(f)).unwrap(),
            std::fs::read(back.join(f)).unwrap(),
            "{f}"
        );
    }
}
