//! Files that are not what they should be: each gets one error that says what it is, where, and how to fix it.

use keel_model::{Diagnostic, Invalid};
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/canada-dib")
}

/// A copy of the example with `file` replaced by `bytes`.
fn with_file(file: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(example()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join(file), bytes).unwrap();
    dir
}

fn invalid(path: &Path) -> Invalid {
    match keel_io::load(path) {
        Err(keel_io::IoError::Invalid(inv)) => inv,
        Err(e) => panic!("not a diagnostic: {e}"),
        Ok(_) => panic!("{} loaded", path.display()),
    }
}

/// The first error, which must be the only one printed (the others follow from it).
fn only(path: &Path) -> Diagnostic {
    let inv = invalid(path);
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    let first = inv.errors().next().unwrap().clone();
    first
}

fn example_text(file: &str) -> String {
    std::fs::read_to_string(example().join(file)).unwrap()
}

#[test]
fn binary_data_is_named_and_not_echoed() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(1024).collect();
    let dir = with_file("stages.csv", &bytes);
    let d = only(dir.path());
    assert_eq!((d.file.as_str(), d.line), ("stages.csv", None));
    assert_eq!(d.message, "the file holds binary data, not CSV text");
    assert!(
        d.follow_on > 400,
        "every stage reference follows: {}",
        d.follow_on
    );
    assert!(!d.to_string().chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn a_workbook_saved_as_csv_is_named() {
    let dir = with_file("firms.csv", b"PK\x03\x04\x14\x00\x00\x00rest of a zip");
    let d = only(dir.path());
    assert_eq!(
        d.message,
        "this is a zip archive (an .xlsx workbook?), not CSV text"
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("give the workbook itself to keel, or save it as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\")")
    );
}

#[test]
fn utf16_text_is_named() {
    let mut bytes = vec![0xff, 0xfe];
    for u in example_text("demand.csv").encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let dir = with_file("demand.csv", &bytes);
    let d = only(dir.path());
    assert_eq!(
        (d.file.as_str(), d.message.as_str()),
        ("demand.csv", "the file is UTF-16 text, not UTF-8")
    );
}

#[test]
fn latin1_rows_say_save_as_csv_utf8_once() {
    // Two firm names in Latin-1: one error at the first, the second counted under it.
    let mut text = example_text("firms.csv").into_bytes();
    let lines: Vec<usize> = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    // The first byte of the name field of lines 3 and 5 becomes 0xe9 (é in Latin-1).
    for l in [1, 3] {
        let comma = text[lines[l]..].iter().position(|b| *b == b',').unwrap() + lines[l];
        text[comma + 1] = 0xe9;
    }
    let dir = with_file("firms.csv", &text);
    let inv = invalid(dir.path());
    let d = inv.errors().next().unwrap();
    assert_eq!(
        (
            d.file.as_str(),
            d.line,
            d.column.clone(),
            d.message.as_str()
        ),
        (
            "firms.csv",
            Some(3),
            Some((2, "name".to_string())),
            "the row is not valid UTF-8 text"
        )
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("save it as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\"); it looks like another encoding")
    );
    assert!(d.follow_on >= 1, "{d}");
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
}

#[test]
fn a_non_utf8_header_is_located() {
    let text = example_text("demand.csv").replacen("loss_per_unit", "loss_per_\u{e9}", 1);
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| if c == '\u{e9}' { 0xe9 } else { c as u8 })
        .collect();
    let dir = with_file("demand.csv", &bytes);
    let d = only(dir.path());
    assert_eq!(
        (d.line, d.message.as_str()),
        (Some(1), "the header is not valid UTF-8 text")
    );
}

#[test]
fn an_unclosed_quote_is_located_at_the_quote() {
    let mut lines: Vec<String> = example_text("items.csv")
        .lines()
        .map(str::to_string)
        .collect();
    let mut cells: Vec<String> = lines[5].split(',').map(str::to_string).collect();
    cells[1] = format!("\"{}", cells[1]);
    lines[5] = cells.join(",");
    let dir = with_file("items.csv", lines.join("\n").as_bytes());
    let inv = invalid(dir.path());
    let d = inv.errors().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.line, d.column.clone()),
        ("items.csv", Some(6), Some((2, "name".to_string())))
    );
    assert!(
        d.message
            .starts_with("a quote opened here is not closed: the quoted field runs over "),
        "{}",
        d.message
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("close the quote (`\"`) at the end of the field, or remove it")
    );
    // The items swallowed by the open quote (up to the next quote in the file) are unknown to the stages
    // making them: counted, not listed.
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    assert!(d.follow_on > 0, "{}", d.follow_on);
}

#[test]
fn a_semicolon_file_is_one_error_not_thousands() {
    let dir = with_file(
        "sites.csv",
        example_text("sites.csv").replace(',', ";").as_bytes(),
    );
    let inv = invalid(dir.path());
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    let d = inv.errors().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.line, d.message.as_str()),
        (
            "sites.csv",
            Some(1),
            "the columns are separated by semicolons (`;`), not commas"
        )
    );
    // Every stage and lane names a site; what names those follows too.
    assert!(d.follow_on > 469, "{}", d.follow_on);
}

#[test]
fn capacity_1e300_is_refused_with_its_bound() {
    let text = example_text("stages.csv");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[4] = "1e300".into();
    lines[1] = cells.join(",");
    let dir = with_file("stages.csv", lines.join("\n").as_bytes());
    let d = invalid(dir.path()).errors().next().unwrap().clone();
    assert_eq!(
        (
            d.file.as_str(),
            d.line,
            d.column.clone(),
            d.message.as_str()
        ),
        (
            "stages.csv",
            Some(2),
            Some((5, "capacity".to_string())),
            "1e300 is beyond the bound of `capacity`: at most 1e12 (units per time unit)"
        )
    );
}

#[test]
fn renaming_share_to_shares_is_an_error_not_a_silent_change() {
    let dir = with_file(
        "inputs.csv",
        example_text("inputs.csv")
            .replacen("share,lane", "shares,lane", 1)
            .as_bytes(),
    );
    let d = only(dir.path());
    assert_eq!(
        (
            d.file.as_str(),
            d.line,
            d.column.clone(),
            d.message.as_str(),
            d.hint.as_deref()
        ),
        (
            "inputs.csv",
            Some(1),
            Some((5, "shares".to_string())),
            "unknown column `shares`",
            Some("did you mean `share`?")
        )
    );
}

// ---- workbooks ----

/// The example as a workbook; `edit` may change the sheets before it is saved.
fn workbook(edit: impl FnOnce(&mut rust_xlsxwriter::Workbook)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dib.xlsx");
    let m = keel_io::load(&example()).unwrap().model;
    // Written through rust_xlsxwriter here, rather than by `keel_io::save`, so that a test can change any cell.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let tables = keel_io::model_tables(&m);
    {
        let ws = wb.add_worksheet().set_name("model").unwrap();
        let home = &m.countries()[m.meta().home_country.index()].code;
        for (r, (k, v)) in [
            ("key", "value"),
            ("name", m.meta().name.as_str()),
            ("home_country", home.as_str()),
            ("currency", m.meta().currency.as_str()),
            ("time_unit", m.meta().time_unit.as_str()),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string(r as u32, 0, k).unwrap();
            ws.write_string(r as u32, 1, v).unwrap();
        }
        let ws = wb.add_worksheet().set_name("export_regimes").unwrap();
        ws.write_string(0, 0, "regime").unwrap();
        ws.write_string(0, 1, "country").unwrap();
        for (k, reg) in m.regimes().iter().enumerate() {
            ws.write_string(k as u32 + 1, 0, &reg.code).unwrap();
            ws.write_string(k as u32 + 1, 1, &m.countries()[reg.country.index()].code)
                .unwrap();
        }
    }
    for (stem, rows) in tables {
        let ws = wb.add_worksheet().set_name(stem).unwrap();
        for (c, h) in keel_model::header_of(stem).split(',').enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    edit(&mut wb);
    wb.save(&path).unwrap();
    (dir, path)
}

#[test]
fn the_rewritten_workbook_loads() {
    let (_d, path) = workbook(|_| {});
    assert!(keel_io::load(&path).is_ok());
}

#[test]
fn a_file_that_is_not_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dib.xlsx");
    std::fs::write(&path, b"id,name\n").unwrap();
    let e = keel_io::load(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&format!(
            "{}: not an .xlsx workbook, or damaged (",
            path.display()
        )),
        "{e}"
    );
}

#[test]
fn a_renamed_sheet_gets_a_did_you_mean_first() {
    let (_d, path) = workbook(|wb| {
        wb.worksheet_from_name("inputs")
            .unwrap()
            .set_name("Inputs")
            .unwrap();
    });
    let inv = invalid(&path);
    assert_eq!(inv.error_count(), 1, "{:#?}", inv.diagnostics);
    let d = inv.errors().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.message.as_str(), d.hint.as_deref()),
        (
            "dib.xlsx[inputs]",
            "there is no sheet `inputs`, but there is a sheet `Inputs`",
            Some("did you mean `Inputs`? Rename that sheet to `inputs`")
        )
    );
}

#[test]
fn a_formula_without_a_cached_value_names_the_cell() {
    let (_d, path) = workbook(|wb| {
        let ws = wb.worksheet_from_name("stages").unwrap();
        ws.set_formula_result_default("");
        ws.write_formula(2, 4, "=E2*2").unwrap();
    });
    let d = invalid(&path).errors().next().unwrap().clone();
    assert_eq!(
        (
            d.file.as_str(),
            d.line,
            d.column.clone(),
            d.message.as_str()
        ),
        (
            "dib.xlsx[stages]",
            Some(3),
            Some((5, "capacity".to_string())),
            "cell E3 holds a formula with no computed value"
        )
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("open the workbook in a spreadsheet and save it (that stores the values), or type the value")
    );
}

#[test]
fn an_unclosed_quote_in_the_header_is_not_echoed() {
    // Found by the fuzzing harness: the header cell swallowed the whole file and was printed as a column name.
    let text = example_text("demand.csv").replacen("stage,demand", "\"unclosed,-1", 1);
    let dir = with_file("demand.csv", text.as_bytes());
    let d = only(dir.path());
    assert_eq!(
        (
            d.file.as_str(),
            d.line,
            d.column.clone(),
            d.message.as_str()
        ),
        (
            "demand.csv",
            Some(1),
            Some((1, "unclosed,-1,loss_per_unit".to_string())),
            "a quote opened in the header is not closed: the header runs over several lines"
        )
    );
    assert!(d.to_string().len() < 400, "{d}");
}
