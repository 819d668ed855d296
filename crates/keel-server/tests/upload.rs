//! Uploads over real HTTP: the example as a zip and as a workbook becomes versions 1 and 2 and is served back
//! byte for byte; an invalid model is refused with exactly `keel check`'s diagnostics; unsafe zips (paths
//! outside the folder, absolute paths, symbolic links, a bomb) are refused; nothing refused is stored.

mod common;

use common::{copy_dir, example_dir, start, zip_dir, zip_entries, Auth};
use keel_server::Limits;
use serde_json::Value;
use std::io::Write as _;

fn versions(s: &common::Server, a: &Auth, ws: i64) -> Value {
    let r = s.get(&format!("/api/v1/workspaces/{ws}/versions"), a);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

#[test]
fn the_example_uploads_as_a_zip_and_a_workbook_and_is_served_byte_for_byte() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    let zip = zip_dir(&example_dir(), "canada-dib/");
    let r = s.upload(ws, &ana, "application/zip", &zip);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["version"]["number"], 1);
    assert_eq!(v["version"]["source"], "zip");
    assert_eq!(v["version"]["uploaded_by"], "ana");
    // keel check's warnings for the example, as keel-io reports them.
    let expected_warnings = keel_io::load(&example_dir()).unwrap().warnings;
    assert_eq!(
        v["warnings"],
        serde_json::to_value(&expected_warnings).unwrap()
    );

    let listed = versions(&s, &ana, ws);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let files: Vec<&str> = listed[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(example_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    assert_eq!(files, on_disk);
    for name in ["stages.csv", "model.toml", "inputs.csv"] {
        let r = s.get(
            &format!("/api/v1/workspaces/{ws}/versions/1/files/{name}"),
            &ana,
        );
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body,
            std::fs::read(example_dir().join(name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        s.get(
            &format!("/api/v1/workspaces/{ws}/versions/1/files/nope.csv"),
            &ana
        )
        .status,
        404
    );

    // The same model as a workbook (written by keel-io) is version 2, stored as model.xlsx.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("dib.xlsx");
    let model = keel_io::load(&example_dir()).unwrap().model;
    keel_io::save(&model, &book).unwrap();
    let bytes = std::fs::read(&book).unwrap();
    let r = s.upload(ws, &ana, "application/octet-stream", &bytes);
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["version"]["number"], 2);
    assert_eq!(r.json()["version"]["source"], "xlsx");
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/versions/2/files/model.xlsx"),
        &ana,
    );
    assert_eq!(r.body, bytes);
    assert_eq!(versions(&s, &ana, ws).as_array().unwrap().len(), 2);

    // Every file read is in the audit log.
    let admin = s.admin();
    let audit = s.get("/api/v1/audit", &admin).json();
    let reads = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "file.read" && e["actor"] == "ana")
        .count();
    assert_eq!(
        reads, 4,
        "three files of version 1, one of version 2 (the 404 read nothing)"
    );
    let uploads = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "version.upload")
        .count();
    assert_eq!(uploads, 2);
}

#[test]
fn other_workspaces_and_contributors_cannot_read_versions() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    let (bob, ws_b) = s.analyst_with_workspace("bob");
    let zip = zip_dir(&example_dir(), "");
    assert_eq!(s.upload(ws, &ana, "application/zip", &zip).status, 201);
    // Bob's session on Ana's workspace: not found, as if it did not exist (the same as a workspace that does not).
    for path in [
        format!("/api/v1/workspaces/{ws}/versions"),
        format!("/api/v1/workspaces/{ws}/versions/1"),
        format!("/api/v1/workspaces/{ws}/versions/1/files/model.toml"),
    ] {
        let r = s.get(&path, &bob);
        assert_eq!((r.status, r.code().as_str()), (404, "not_found"), "{path}");
        let missing = s.get(&path.replace(&format!("/{ws}/"), "/999/"), &bob);
        assert_eq!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .replace(&ws.to_string(), "N"),
            missing.json()["error"]["message"]
                .as_str()
                .unwrap()
                .replace("999", "N")
        );
    }
    assert_eq!(s.upload(ws, &bob, "application/zip", &zip).status, 404);
    assert_eq!(versions(&s, &bob, ws_b), Value::Array(vec![]));
    // A contributor who is a member still reads no whole-model version.
    let admin = s.admin();
    let con = s.create_user(&admin, "con", "contributor", Some("arcliff-brass-deu"));
    s.add_member(&admin, ws, con);
    let con = s.login("con", "con password");
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/versions/1/files/firms.csv"),
        &con,
    );
    assert_eq!((r.status, r.code().as_str()), (403, "forbidden"));
    assert_eq!(s.upload(ws, &con, "application/zip", &zip).status, 403);
}

/// A broken copy of the example: an unknown firm and country in sites.csv.
fn broken_example() -> tempfile::TempDir {
    let dir = copy_dir(&example_dir());
    let p = dir.path().join("sites.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let broken = text.replacen(
        "arcliff-brass-deu-stolberg,arcliff-brass-deu,DEU,",
        "arcliff-brass-deu-stolberg,no-such-firm,XXX,",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&p, broken).unwrap();
    dir
}

#[test]
fn an_invalid_model_gets_keel_checks_diagnostics_and_stores_nothing() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    let dir = broken_example();
    let expected = match keel_io::load(dir.path()) {
        Err(keel_io::IoError::Invalid(inv)) => inv,
        other => panic!("the broken example loaded: {:?}", other.map(|_| ())),
    };
    assert!(expected.error_count() >= 2);
    let r = s.upload(ws, &ana, "application/zip", &zip_dir(dir.path(), ""));
    assert_eq!((r.status, r.code().as_str()), (422, "invalid_model"));
    let got = &r.json()["error"]["diagnostics"];
    assert_eq!(*got, serde_json::to_value(&expected.diagnostics).unwrap());
    // Located: the file, line and column keel check names.
    assert_eq!(got[0]["file"], "sites.csv");
    assert_eq!(got[0]["line"], 2);
    assert_eq!(versions(&s, &ana, ws), Value::Array(vec![]));
    assert_eq!(s.get("/api/v1/workspaces", &ana).json()[0]["versions"], 0);
    // The next valid upload is version 1: the refused one used no number.
    let r = s.upload(ws, &ana, "application/zip", &zip_dir(&example_dir(), ""));
    assert_eq!(r.json()["version"]["number"], 1);
}

fn refused(s: &common::Server, a: &Auth, ws: i64, zip: &[u8], needle: &str) {
    let r = s.upload(ws, a, "application/zip", zip);
    assert_eq!(
        (r.status, r.code().as_str()),
        (400, "bad_upload"),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains(needle), "{msg:?} lacks {needle:?}");
}

#[test]
fn unsafe_and_broken_archives_are_refused_and_store_nothing() {
    let s = start(Limits {
        max_zip_entries: 40,
        // The example's tables have 4,327 lines: one more table of 100 lines passes this limit.
        max_rows: 4_400,
        ..Limits::default()
    });
    let (ana, ws) = s.analyst_with_workspace("ana");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(example_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    let with = |extra: (&str, &[u8])| {
        let mut f = files.clone();
        f.push((extra.0.to_owned(), extra.1.to_vec()));
        zip_entries(&f)
    };
    refused(&s, &ana, ws, &with(("../evil.csv", b"x")), "`..` component");
    refused(
        &s,
        &ana,
        ws,
        &with(("sub/../../evil.csv", b"x")),
        "`..` component",
    );
    refused(
        &s,
        &ana,
        ws,
        &with(("/etc/evil.csv", b"x")),
        "absolute path",
    );
    refused(&s, &ana, ws, &with(("sub/extra.csv", b"x")), "sub-folder");
    // A symbolic link entry (pointing outside the folder).
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (n, b) in &files {
        w.start_file(n.as_str(), opts).unwrap();
        w.write_all(b).unwrap();
    }
    w.add_symlink("link.csv", "/etc/passwd", opts).unwrap();
    refused(
        &s,
        &ana,
        ws,
        &w.finish().unwrap().into_inner(),
        "symbolic link",
    );
    // Too many entries.
    let many: Vec<(String, Vec<u8>)> = (0..41).map(|i| (format!("f{i}.csv"), vec![b'a'])).collect();
    refused(
        &s,
        &ana,
        ws,
        &zip_entries(&many),
        "41 entries; the limit is 40",
    );
    // Not a zip at all, and a zip cut in half.
    refused(
        &s,
        &ana,
        ws,
        b"id,name\n1,x\n",
        "neither a zip archive nor an .xlsx",
    );
    let whole = zip_entries(&files);
    refused(
        &s,
        &ana,
        ws,
        &whole[..whole.len() / 2],
        "not a readable zip archive",
    );
    // Too many rows.
    let rows = "id\n".to_owned() + &"x\n".repeat(99);
    refused(
        &s,
        &ana,
        ws,
        &with(("extra.csv", rows.as_bytes())),
        "more than 4400 lines in all",
    );
    // A zip without model.toml.
    refused(&s, &ana, ws, &zip_entries(&files[..2]), "no model.toml");
    assert_eq!(versions(&s, &ana, ws), Value::Array(vec![]));
    // The server still serves, and the refusals are in the audit log.
    assert_eq!(s.get("/api/v1/health", &Auth::NONE).status, 200);
    let audit = s.get("/api/v1/audit", &s.admin()).json();
    let refusals = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "version.refused")
        .count();
    assert_eq!(refusals, 10);
}

/// A 1 GiB entry of zeros deflates to about 1 MiB; with a 16 MiB unpacking limit the server stops after
/// inflating 16 MiB + 1 byte of it, whatever sizes the archive declares.
#[test]
fn a_zip_bomb_is_refused_at_the_unpacking_limit() {
    let s = start(Limits {
        max_unpacked_bytes: 16 << 20,
        ..Limits::default()
    });
    let (ana, ws) = s.analyst_with_workspace("ana");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("model.toml", opts).unwrap();
    w.write_all(b"name = \"bomb\"\n").unwrap();
    w.start_file("stages.csv", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        w.write_all(&zeros).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(
        bomb.len() < 2 << 20,
        "the bomb is {} bytes on the wire",
        bomb.len()
    );
    refused(
        &s,
        &ana,
        ws,
        &bomb,
        "expands to more than 16777216 bytes (stopped at entry stages.csv)",
    );
    assert_eq!(versions(&s, &ana, ws), Value::Array(vec![]));
}

#[test]
fn an_upload_over_the_body_limit_is_refused() {
    let s = start(Limits {
        max_upload_bytes: 1 << 20,
        ..Limits::default()
    });
    let (ana, ws) = s.analyst_with_workspace("ana");
    let big = vec![7u8; (1 << 20) + 1];
    let r = s.upload(ws, &ana, "application/zip", &big);
    assert_eq!((r.status, r.code().as_str()), (413, "too_large"));
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1048576 bytes"));
    assert_eq!(s.get("/api/v1/health", &Auth::NONE).status, 200);
}

/// Version 2 moves one firm to France and adds a firm: the diff names exactly those rows, and only firms.csv.
#[test]
fn two_versions_differ_by_the_rows_that_changed() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    assert_eq!(
        s.upload(ws, &ana, "application/zip", &zip_dir(&example_dir(), ""))
            .status,
        201
    );
    let dir = copy_dir(&example_dir());
    let p = dir.path().join("firms.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text.replacen(
        "arcliff-brass-deu,Arcliff Brass GmbH,DEU,",
        "arcliff-brass-deu,Arcliff Brass GmbH,FRA,",
        1,
    ) + "zz-new-firm,New Firm Ltd,CAN,\n";
    std::fs::write(&p, edited).unwrap();
    let r = s.upload(ws, &ana, "application/zip", &zip_dir(dir.path(), ""));
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let d = s
        .get(&format!("/api/v1/workspaces/{ws}/versions/2/diff/1"), &ana)
        .json();
    assert_eq!((d["from"].as_i64(), d["to"].as_i64()), (Some(1), Some(2)));
    let changed: Vec<&Value> = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "same")
        .collect();
    assert_eq!(changed.len(), 1, "{changed:#?}");
    assert_eq!(changed[0]["name"], "firms.csv");
    let rows = &changed[0]["rows"];
    assert_eq!(rows["key"], serde_json::json!(["id"]));
    assert_eq!(rows["added"], serde_json::json!(["zz-new-firm"]));
    assert_eq!(rows["removed"], serde_json::json!([]));
    assert_eq!(
        rows["changed"],
        serde_json::json!([{"key": "arcliff-brass-deu", "columns": [{"column": "country", "from": "DEU", "to": "FRA"}]}])
    );
    assert_eq!(
        s.get(&format!("/api/v1/workspaces/{ws}/versions/3/diff/1"), &ana)
            .status,
        404
    );
}

/// Eight uploads at once to one workspace: eight versions numbered 1 to 8, each whole.
#[test]
fn concurrent_uploads_get_distinct_numbers_and_are_stored_whole() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    let zip = zip_dir(&example_dir(), "");
    let numbers: Vec<i64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let r = s.upload(ws, &ana, "application/zip", &zip);
                    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
                    r.json()["version"]["number"].as_i64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=8).collect::<Vec<i64>>());
    let listed = versions(&s, &ana, ws);
    let first_files = &listed[0]["files"];
    assert_eq!(first_files.as_array().unwrap().len(), 13);
    for v in listed.as_array().unwrap() {
        assert_eq!(&v["files"], first_files);
    }
}

/// What was acknowledged is there after the server stops and starts again on the same database, and the
/// migrations are not applied twice.
#[test]
fn versions_survive_a_restart() {
    let mut s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    assert_eq!(
        s.upload(ws, &ana, "application/zip", &zip_dir(&example_dir(), ""))
            .status,
        201
    );
    let before = versions(&s, &ana, ws);
    let bg = std::mem::replace(
        &mut s.bg,
        keel_server::Background::start(keel_server::Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            database: s.database.clone(),
            behind_proxy: false,
            limits: Limits::default(),
            ..keel_server::Config::default()
        })
        .unwrap(),
    );
    bg.stop().unwrap();
    // Sessions are in the database too: the analyst is still signed in on the new server.
    assert_eq!(versions(&s, &ana, ws), before);
    let r = s.get(
        &format!("/api/v1/workspaces/{ws}/versions/1/files/stages.csv"),
        &ana,
    );
    assert_eq!(
        r.body,
        std::fs::read(example_dir().join("stages.csv")).unwrap()
    );
}

/// A workbook that is a zip but not a readable workbook: refused, named as model.xlsx, never by the server's
/// temporary path.
#[test]
fn a_malformed_workbook_is_refused_by_its_own_name() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("ana");
    let junk = zip_entries(&[
        ("[Content_Types].xml".into(), b"<junk".to_vec()),
        ("xl/workbook.xml".into(), b"<junk".to_vec()),
    ]);
    let r = s.upload(ws, &ana, "application/octet-stream", &junk);
    let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert_eq!((r.status, r.code().as_str()), (400, "bad_upload"), "{msg}");
    assert!(msg.starts_with("model.xlsx: "), "{msg}");
    assert!(
        !msg.contains(&std::env::temp_dir().display().to_string()),
        "{msg}"
    );
    assert_eq!(versions(&s, &ana, ws), Value::Array(vec![]));
}

/// The version list comes a page at a time, oldest first: `limit` versions numbered above `after`.
#[test]
fn versions_are_listed_a_page_at_a_time() {
    let s = start(Limits::default());
    let (ana, ws) = s.analyst_with_workspace("pager");
    let zip = zip_dir(&example_dir(), "");
    for _ in 0..3 {
        let r = s.upload(ws, &ana, "application/zip", &zip);
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    }
    let numbers = |q: &str| -> Vec<i64> {
        let r = s.get(&format!("/api/v1/workspaces/{ws}/versions{q}"), &ana);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                assert_eq!(v["files"].as_array().unwrap().len(), 13, "{v}");
                v["number"].as_i64().unwrap()
            })
            .collect()
    };
    assert_eq!(numbers(""), [1, 2, 3]);
    assert_eq!(numbers("?limit=2"), [1, 2]);
    assert_eq!(numbers("?after=2"), [3]);
    assert_eq!(numbers("?after=1&limit=1"), [2]);
    assert_eq!(numbers("?after=3"), Vec::<i64>::new());
    let r = s.get(&format!("/api/v1/workspaces/{ws}/versions?after=x"), &ana);
    assert_eq!(r.status, 400);
}
