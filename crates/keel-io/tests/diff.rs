//! The difference between two versions of the example: edits made by hand to a copy of its folder come back
//! as exactly those rows, and the same model as a workbook differs in nothing.

use keel_io::diff::diff;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let s = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(s)).unwrap();
}

#[test]
fn hand_edits_come_back_as_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let v2 = tmp.path().join("v2");
    copy_dir(&example(), &v2);
    // A new country, the shell plant's capacity 127 -> 150 (and its lead time written 26.0: the same number),
    // and the small-arms ammunition's demand row removed.
    edit(&v2.join("countries.csv"), |s| s + "ISL,Iceland,NATO\n");
    edit(&v2.join("stages.csv"), |s| {
        s.replace(
            "plt-155mm-he@wenven-munitions-repentigny,plt-155mm-he,wenven-munitions-repentigny,650,127,26,",
            "plt-155mm-he@wenven-munitions-repentigny,plt-155mm-he,wenven-munitions-repentigny,650,150,26.0,",
        )
    });
    edit(&v2.join("demand.csv"), |s| {
        s.replace("plt-saa-556@wenven-munitions-repentigny,60,2500\n", "")
    });
    let a = keel_io::load(&example()).unwrap().model;
    let b = keel_io::load(&v2).unwrap().model;
    let d = diff(&a, &b);
    let tables: Vec<&str> = d.iter().map(|t| t.table).collect();
    assert_eq!(tables, ["countries", "stages", "demand"]);

    assert_eq!(
        d[0].added,
        [vec!["ISL".to_string(), "Iceland".into(), "NATO".into()]]
    );
    assert!(d[0].removed.is_empty() && d[0].changed.is_empty());

    assert_eq!(d[1].changed.len(), 1);
    let c = &d[1].changed[0];
    assert_eq!(c.key, ["plt-155mm-he@wenven-munitions-repentigny"]);
    assert_eq!(c.columns, ["capacity"]);
    assert_eq!((c.before[4].as_str(), c.after[4].as_str()), ("127", "150"));
    assert_eq!(d[1].key, ["id"]);

    assert_eq!(d[2].removed.len(), 1);
    assert_eq!(
        d[2].removed[0][0],
        "plt-saa-556@wenven-munitions-repentigny"
    );

    // Backwards, the same rows the other way round.
    let back = diff(&b, &a);
    assert_eq!(back[0].removed, d[0].added);
    assert_eq!(back[2].added, d[2].removed);
    assert_eq!(back[1].changed[0].before, c.after);
}

#[test]
fn the_same_model_as_a_workbook_differs_in_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("dib.xlsx");
    let a = keel_io::load(&example()).unwrap().model;
    keel_io::write_xlsx(&a, &book).unwrap();
    let b = keel_io::load(&book).unwrap().model;
    assert!(diff(&a, &b).is_empty());
    assert!(diff(&a, &a).is_empty());
}
