//! What `keel` writes for programs and for people: every command's CSV is one tidy table whose numbers are the
//! JSON's, xlsx reads back the same numbers, a closed pipe ends quietly, names are suggested, and the report
//! agrees with the commands.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn keel(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .output()
        .expect("keel runs")
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/canada-dib")
        .display()
        .to_string()
}

const SHELL: &str = "plt-155mm-he@wenven-munitions-repentigny";

/// Runs `args` twice, with `--format csv` and `--format json`; returns the strictly parsed CSV and the JSON.
fn csv_and_json(args: &[&str]) -> (Vec<String>, Vec<Vec<String>>, Value) {
    let run = |format: &str| {
        let mut a = args.to_vec();
        a.extend(["--format", format]);
        let out = keel(&a);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{a:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let csv_bytes = run("csv");
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(csv_bytes.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| {
            x.unwrap_or_else(|e| panic!("{args:?}: {e}"))
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for h in &header {
        assert!(seen.insert(h), "{args:?}: column `{h}` twice in {header:?}");
        assert!(
            h.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{args:?}: column `{h}`"
        );
    }
    assert!(!rows.is_empty(), "{args:?}: no rows");
    for row in &rows {
        for cell in row {
            assert!(
                !(cell == "-"
                    || cell.ends_with('%')
                    || cell.contains('±')
                    || cell.contains(" more")),
                "{args:?}: cell `{cell}` is for people, not programs"
            );
        }
    }
    let json: Value = serde_json::from_slice(&run("json")).unwrap();
    (header, rows, json)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("`{s}` is not a number"))
}

/// Full precision: the CSV number is the JSON number, bit for bit.
fn same(csv: &str, json: &Value) {
    assert_eq!(num(csv), json.as_f64().unwrap(), "{csv} vs {json}");
}

#[test]
fn exposure_csv_is_the_json_in_long_form() {
    for by in ["country", "firm", "tier"] {
        let (h, rows, json) = csv_and_json(&["exposure", &example(), "--by", by, "--top", "0"]);
        assert_eq!(h, ["platform", by, "value_added", "share"]);
        let key = format!("by_{by}");
        let mut k = 0;
        for p in json["platforms"].as_array().unwrap() {
            let list = p[key.as_str()].as_array().unwrap();
            for s in list {
                let row = &rows[k];
                assert_eq!(row[0], p["platform"].as_str().unwrap());
                if by != "tier" {
                    assert_eq!(row[1], s["key"].as_str().unwrap());
                }
                same(&row[2], &s["value"]);
                same(&row[3], &s["share"]);
                k += 1;
            }
        }
        assert_eq!(k, rows.len(), "{by}");
    }
    let (h, rows, json) = csv_and_json(&["exposure", &example(), "--table", "platforms"]);
    let p = &json["platforms"][0];
    assert_eq!(
        rows[0][col(&h, "platform")],
        p["platform"].as_str().unwrap()
    );
    same(&rows[0][col(&h, "home_share")], &p["home_share"]);
    same(&rows[0][col(&h, "value_added")], &p["value_added"]);
}

#[test]
fn criticality_is_ranked_by_value_at_stake() {
    let (h, rows, json) = csv_and_json(&["criticality", &example(), "--top", "0"]);
    let ranked = json["ranked"].as_array().unwrap();
    assert_eq!(rows.len(), ranked.len());
    assert_eq!(
        json["ranked_total"].as_u64().unwrap() as usize,
        ranked.len()
    );
    let stake = col(&h, "value_at_stake");
    for (row, r) in rows.iter().zip(ranked) {
        assert_eq!(row[col(&h, "element")], r["id"].as_str().unwrap());
        assert_eq!(row[col(&h, "kind")], r["kind"].as_str().unwrap());
        same(&row[stake], &r["stake"]);
    }
    for w in rows.windows(2) {
        assert!(num(&w[0][stake]) >= num(&w[1][stake]), "not ranked: {w:?}");
    }
    // The stake of the top element is the demand x loss per unit of the platforms it stops (demand.csv).
    let demand = std::fs::read_to_string(Path::new(&example()).join("demand.csv")).unwrap();
    let value: std::collections::HashMap<&str, f64> = demand
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], num(f[1]) * num(f[2]))
        })
        .collect();
    let top = &ranked[0];
    let expect: f64 = top["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| value[p.as_str().unwrap()])
        .sum();
    assert!((top["stake"].as_f64().unwrap() - expect).abs() <= 1e-9 * expect);
    // Ids, never "kind id" display names.
    assert!(ranked
        .iter()
        .all(|r| !r["id"].as_str().unwrap().contains(' ')
            || r["kind"] == "chokepoint"
            || r["kind"] == "bloc"));
}

#[test]
fn concentration_controls_stress_simulate_montecarlo_csv_match_json() {
    let ex = example();
    let (h, rows, json) = csv_and_json(&["concentration", &ex, "--level", "group", "--top", "0"]);
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(rows.len(), groups.len());
    for (row, g) in rows.iter().zip(groups) {
        assert_eq!(row[col(&h, "stage")], g["stage"].as_str().unwrap());
        same(&row[col(&h, "hhi_firm")], &g["hhi_firm"]);
        same(&row[col(&h, "hhi_country")], &g["hhi_country"]);
        assert_eq!(row[col(&h, "flagged")], g["flagged"].to_string());
    }

    let (h, rows, json) = csv_and_json(&["controls", &ex]);
    let ps = json["platforms"].as_array().unwrap();
    assert_eq!(rows.len(), ps.len());
    for (row, p) in rows.iter().zip(ps) {
        assert_eq!(row[col(&h, "regime")], p["regime"].as_str().unwrap());
        assert_eq!(row[col(&h, "controlled")], p["controlled"].to_string());
        assert_eq!(
            num(&row[col(&h, "controlled_items")]) as usize,
            p["via"].as_array().unwrap().len()
        );
    }

    let (h, rows, json) = csv_and_json(&["stress", &ex, "--scenarios"]);
    let rs = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), rs.len());
    for (row, r) in rows.iter().zip(rs) {
        assert_eq!(row[col(&h, "scenario")], r["scenario"].as_str().unwrap());
        same(&row[col(&h, "pi")], &r["pi"]);
        same(&row[col(&h, "rei")], &r["rei"]);
        same(&row[col(&h, "tts")], &r["tts"]["value"]);
        assert_eq!(
            row[col(&h, "tts_at_least")],
            r["tts"]["at_least"].to_string()
        );
    }

    let (h, rows, json) = csv_and_json(&[
        "simulate",
        &ex,
        "--scenario",
        "montreal-port-strike-30d",
        "--horizon",
        "400",
    ]);
    let ps = json["result"]["platforms"].as_array().unwrap();
    assert_eq!(rows.len(), ps.len());
    for (row, p) in rows.iter().zip(ps) {
        same(&row[col(&h, "loss")], &p["loss"]);
        let first = &row[col(&h, "first_short")];
        match p["first_shortfall"].as_u64() {
            Some(f) => assert_eq!(num(first) as u64, f),
            None => assert_eq!(first, "", "no shortfall is an empty cell"),
        }
    }

    let (h, rows, json) = csv_and_json(&["montecarlo", &ex, "--runs", "40", "--horizon", "60"]);
    let ps = json["platforms"].as_array().unwrap();
    assert_eq!(rows.len(), ps.len());
    for (row, p) in rows.iter().zip(ps) {
        same(&row[col(&h, "loss_mean")], &p["loss"]["mean"]);
        same(&row[col(&h, "loss_se")], &p["loss"]["se"]);
        same(&row[col(&h, "loss_p95")], &p["loss"]["p95"]);
    }
}

#[test]
fn tables_are_named_and_a_folder_gets_one_csv_each() {
    let out = keel(&["exposure", &example(), "--table", "help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("shares (default)") && text.contains("platforms"),
        "{text}"
    );
    let out = keel(&["exposure", &example(), "--table", "share"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did you mean `shares`?"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("out");
    let out = keel(&[
        "controls",
        &example(),
        "--format",
        "csv",
        "-o",
        o.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    for t in ["platforms", "via", "blocked", "frontier"] {
        let text = std::fs::read_to_string(o.join(format!("{t}.csv"))).unwrap();
        assert!(!text.starts_with('#'), "{t}");
    }
}

#[test]
fn xlsx_has_one_sheet_per_table_with_numbers_as_numbers() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exposure.xlsx");
    let out = keel(&[
        "exposure",
        &example(),
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value =
        serde_json::from_slice(&keel(&["exposure", &example(), "--format", "json"]).stdout)
            .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["platforms", "shares"]);
    let sheet = wb.worksheet_range("platforms").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows[0][0], Data::String("platform".into()));
    assert_eq!(rows[0][2], Data::String("value_added".into()));
    let ps = json["platforms"].as_array().unwrap();
    assert_eq!(rows.len(), ps.len() + 1);
    for (r, p) in rows[1..].iter().zip(ps) {
        assert_eq!(r[0], Data::String(p["platform"].as_str().unwrap().into()));
        assert_eq!(r[2], Data::Float(p["value_added"].as_f64().unwrap()));
        assert_eq!(r[4], Data::Float(p["home_share"].as_f64().unwrap()));
    }
    // Without -o there is nowhere to put a workbook: bad usage.
    assert_eq!(
        keel(&["exposure", &example(), "--format", "xlsx"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_closed_pipe_ends_every_format_quietly() {
    for format in ["table", "csv", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
            .args([
                "concentration",
                &example(),
                "--top",
                "0",
                "--format",
                format,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // The reader is gone (`| head -1`): the rest of the output hits a closed pipe.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
}

#[test]
fn help_describes_every_command_in_one_line() {
    let out = keel(&["--help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let commands: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(commands.len(), 19, "{text}"); // 18 commands and `help`
    for l in commands {
        let mut w = l.split_whitespace();
        let name = w.next().unwrap();
        let about: Vec<&str> = w.collect();
        assert!(about.len() >= 3, "`{name}` has no description: {text}");
        assert!(
            l.len() <= 120,
            "`{name}`: description longer than a line: {l}"
        );
    }
    assert!(text.contains("--quiet"), "{text}");
}

#[test]
fn unknown_names_get_a_did_you_mean_and_the_list() {
    let out = keel(&["exposure", &example(), "--platform", "plt-lv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did you mean `plt-lav`?"), "{err}");
    assert!(err.contains("plt-155mm-he"), "lists the platforms: {err}");
    let out = keel(&["simulate", &example(), "--scenario", "montreal-port-strike"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("did you mean `montreal-port-strike-30d`?"),
        "{err}"
    );
    let out = keel(&["controls", &example(), "--regime", "itar"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did you mean `ITAR`?"), "{err}");
}

#[test]
fn the_report_and_the_commands_agree() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = keel(&["report", &example(), "-o", html.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(html).unwrap();
    // The overview row of the 155 mm shell ends with its flagged inputs and its single points of failure.
    let at = html
        .find(&format!("<div class=\"id\">{SHELL}</div>"))
        .unwrap();
    let row = &html[at..at + html[at..].find("</tr>").unwrap()];
    let nums: Vec<&str> = row
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap())
        .collect();
    let (flagged, spofs) = (nums[nums.len() - 2], nums[nums.len() - 1]);

    let crit: Value = serde_json::from_slice(
        &keel(&[
            "criticality",
            &example(),
            "--platform",
            SHELL,
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        spofs,
        crit["platforms"][0]["spofs_total"].to_string(),
        "single points of failure"
    );
    let conc: Value = serde_json::from_slice(
        &keel(&[
            "concentration",
            &example(),
            "--platform",
            SHELL,
            "--flagged",
            "--level",
            "group",
            "--top",
            "0",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        flagged,
        conc["groups"].as_array().unwrap().len().to_string(),
        "flagged inputs"
    );
}
