//! An uploaded model, from request body to validated files: a zip of the model's CSV folder or an .xlsx
//! workbook, unpacked safely into a private temporary folder and loaded by `keel_io::load`, the very function
//! `keel check` calls, so an upload is refused with exactly the diagnostics `keel check` prints.
//!
//! Zip safety, all checked before anything is written and while reading (never trusting the sizes the archive
//! declares, which a zip bomb forges): at most `max_entries` entries; no absolute path, drive letter or `..`
//! component; no symbolic link; at most `max_unpacked` bytes in all, counted as each entry is inflated, so a
//! bomb stops at the limit plus one byte. An .xlsx is itself a zip and is put through the same reader before
//! the workbook parser sees it.
//!
//! # Complexity
//! O(upload + unpacked bytes) time (bounded by the limits), O(unpacked bytes) memory; then `keel check`'s cost.

use crate::error::ApiError;
use keel_model::Diagnostic;
use std::io::{Cursor, Read};

/// Limits on what one upload may unpack to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ZipLimits {
    pub(crate) max_entries: usize,
    pub(crate) max_unpacked: u64,
    /// Most lines in all the CSV tables of a model folder (headers included).
    pub(crate) max_rows: usize,
}

impl From<&crate::Limits> for ZipLimits {
    fn from(l: &crate::Limits) -> Self {
        ZipLimits {
            max_entries: l.max_zip_entries,
            max_unpacked: l.max_unpacked_bytes,
            max_rows: l.max_rows,
        }
    }
}

/// The body of an upload, read up to `limit` bytes once `allowed` says the caller may upload. A signed-in
/// caller's refused upload is still read (up to the limit) and dropped, so that the client, still sending,
/// gets the refusal rather than a connection closed under it. (Without a session the request is refused
/// before this, unread: no one unknown gets to make the server read 64 MiB.)
pub(crate) async fn read_body<T>(
    allowed: Result<T, ApiError>,
    body: axum::body::Body,
    limit: usize,
) -> Result<(T, axum::body::Bytes), ApiError> {
    match allowed {
        Ok(x) => {
            let bytes = axum::body::to_bytes(body, limit)
                .await
                .map_err(|_| ApiError::TooLarge { limit })?;
            Ok((x, bytes))
        }
        Err(e) => {
            let _ = axum::body::to_bytes(body, limit).await;
            Err(e)
        }
    }
}

/// What was uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Zip,
    Xlsx,
}

impl Source {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Source::Zip => "zip",
            Source::Xlsx => "xlsx",
        }
    }
}

/// A model that validated: the files to store (name, bytes), sorted by name, and its warnings.
#[derive(Debug)]
pub(crate) struct Accepted {
    pub(crate) source: Source,
    pub(crate) files: Vec<(String, Vec<u8>)>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// The name a workbook upload is stored and validated under (its diagnostics say `model.xlsx[sheet]`).
pub(crate) const WORKBOOK_NAME: &str = "model.xlsx";

const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Unpacks, checks and validates an upload.
pub(crate) fn prepare(
    body: &[u8],
    content_type: Option<&str>,
    limits: ZipLimits,
) -> Result<Accepted, ApiError> {
    let entries = read_zip(body, limits)?;
    let is_workbook = content_type.is_some_and(|c| c.starts_with(XLSX_MIME))
        || entries.iter().any(|(n, _)| n == "xl/workbook.xml");
    let (source, files) = if is_workbook {
        (
            Source::Xlsx,
            vec![(WORKBOOK_NAME.to_owned(), body.to_vec())],
        )
    } else {
        let files = model_folder(entries, "model.toml")?;
        check_rows(&files, limits.max_rows)?;
        (Source::Zip, files)
    };
    let loaded = load_files(&files)?;
    Ok(Accepted {
        source,
        files,
        warnings: loaded.warnings,
    })
}

/// The flat folder a zip holds (its files at the top or inside its one top folder), `marker` being a file it
/// must have (how the folder is recognised), unpacked under the zip limits; CSV lines are counted too.
pub(crate) fn unpack_folder(
    body: &[u8],
    limits: ZipLimits,
    marker: &str,
) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let files = model_folder(read_zip(body, limits)?, marker)?;
    check_rows(&files, limits.max_rows)?;
    Ok(files)
}

/// Every entry of a zip body, after checking that it is one.
fn read_zip(body: &[u8], limits: ZipLimits) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    // Every zip (and so every .xlsx) starts with a local file header or, when empty, the end record.
    if !(body.starts_with(b"PK\x03\x04") || body.starts_with(b"PK\x05\x06")) {
        return Err(ApiError::BadUpload(
            "the body is neither a zip archive nor an .xlsx workbook (it does not start with a zip header); \
             send the model folder zipped (Content-Type: application/zip) or the workbook"
                .into(),
        ));
    }
    read_entries(body, limits)
}

/// Loads a model from its files (a flat folder of tables, or one `model.xlsx`) with `keel check`'s loader, in a
/// private temporary folder: invalid is [`ApiError::InvalidModel`] with `keel check`'s diagnostics.
pub(crate) fn load_files(files: &[(String, Vec<u8>)]) -> Result<keel_model::Loaded, ApiError> {
    let tmp = tempfile::tempdir()
        .map_err(|e| ApiError::Internal(format!("cannot make a temporary folder: {e}")))?;
    let workbook = files.len() == 1 && files[0].0 == WORKBOOK_NAME;
    let (source, path) = if workbook {
        let path = tmp.path().join(WORKBOOK_NAME);
        std::fs::write(&path, &files[0].1).map_err(|e| ApiError::Internal(e.to_string()))?;
        (Source::Xlsx, path)
    } else {
        let dir = tmp.path().join("model");
        std::fs::create_dir(&dir).map_err(|e| ApiError::Internal(e.to_string()))?;
        for (name, bytes) in files {
            // create_new: a name can only be written once (duplicates were refused above; this is the backstop).
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dir.join(name))
                .map_err(|e| ApiError::BadUpload(format!("{name}: cannot be unpacked: {e}")))?;
            std::io::Write::write_all(&mut f, bytes)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
        }
        (Source::Zip, dir)
    };
    let tmp_prefix = format!("{}/", path.display());
    match keel_io::load(&path) {
        Ok(l) => Ok(l),
        Err(keel_io::IoError::Invalid(inv)) => Err(ApiError::InvalidModel {
            errors: inv.error_count(),
            diagnostics: inv.diagnostics,
        }),
        // The other load errors name the temporary path: say the file's own name instead.
        Err(e) => Err(ApiError::BadUpload(
            e.to_string()
                .replace(&tmp_prefix, "")
                .replace(&path.display().to_string(), source_label(source)),
        )),
    }
}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::Zip => "the model folder",
        Source::Xlsx => WORKBOOK_NAME,
    }
}

/// Every file entry (name, inflated bytes), checked against the limits and for unsafe names.
fn read_entries(body: &[u8], limits: ZipLimits) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let bad = |m: String| ApiError::BadUpload(m);
    let mut zip = zip::ZipArchive::new(Cursor::new(body))
        .map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    if zip.len() > limits.max_entries {
        return Err(bad(format!(
            "the archive has {} entries; the limit is {}",
            zip.len(),
            limits.max_entries
        )));
    }
    let mut total: u64 = 0;
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| bad(format!("entry {}: cannot be read: {e}", i + 1)))?;
        let name = f.name().to_owned();
        let shown = keel_model::diag::quote(&name);
        check_name(&name)
            .map_err(|why| bad(format!("entry {shown}: {why}; nothing was stored")))?;
        if f.is_symlink() {
            return Err(bad(format!(
                "entry {shown} is a symbolic link; a model folder holds plain files only"
            )));
        }
        if f.is_dir() {
            continue;
        }
        // Read at most one byte past what is left: enough to know the limit is passed, never more.
        let left = limits.max_unpacked - total;
        let mut bytes = Vec::new();
        (&mut f)
            .take(left + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("entry {shown}: cannot be unpacked: {e}")))?;
        total += bytes.len() as u64;
        if total > limits.max_unpacked {
            return Err(bad(format!(
                "the archive expands to more than {} bytes (stopped at entry {shown}); the limit guards \
                 against zip bombs: upload a smaller model or ask the admin to raise it",
                limits.max_unpacked
            )));
        }
        out.push((name, bytes));
    }
    Ok(out)
}

/// Refuses a model folder whose CSV tables hold more than `max` lines in all (a line is a row; a last line
/// without its newline counts too). A workbook is bounded by the unpacked size instead.
fn check_rows(files: &[(String, Vec<u8>)], max: usize) -> Result<(), ApiError> {
    let mut rows = 0usize;
    for (name, bytes) in files {
        if !name.to_ascii_lowercase().ends_with(".csv") {
            continue;
        }
        let lines = bytes.iter().filter(|&&b| b == b'\n').count()
            + usize::from(bytes.last().is_some_and(|&b| b != b'\n'));
        rows += lines;
        if rows > max {
            return Err(ApiError::BadUpload(format!(
                "the model's CSV tables have more than {max} lines in all (passed in {}); the row limit \
                 keeps one upload from holding the server: split the model or ask the admin to raise it",
                keel_model::diag::quote(name)
            )));
        }
    }
    Ok(())
}

/// Refuses names that would land outside the folder they are unpacked into.
fn check_name(name: &str) -> Result<(), &'static str> {
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("has an absolute path");
    }
    let mut parts = name.split(['/', '\\']);
    if parts.next().is_some_and(|p| p.contains(':')) {
        return Err("has a drive letter or a colon in its first component");
    }
    if name.split(['/', '\\']).any(|p| p == "..") {
        return Err("has a `..` component (a path outside the model folder)");
    }
    if name.chars().any(char::is_control) {
        return Err("has a control character in its name");
    }
    Ok(())
}

/// The model folder's files: at the top of the zip, or inside its one top folder (how zipping a folder
/// usually comes out). Mac resource forks (`__MACOSX/`) are skipped; anything in a sub-folder is refused.
fn model_folder(
    entries: Vec<(String, Vec<u8>)>,
    marker: &str,
) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let split = |n: &str| -> Vec<String> {
        n.split(['/', '\\'])
            .filter(|p| !p.is_empty() && *p != ".")
            .map(str::to_owned)
            .collect()
    };
    let entries: Vec<(Vec<String>, Vec<u8>)> = entries
        .into_iter()
        .map(|(n, b)| (split(&n), b))
        .filter(|(p, _)| p.first().is_some_and(|f| f != "__MACOSX"))
        .collect();
    let at_top = entries.iter().any(|(p, _)| p.len() == 1 && p[0] == marker);
    let strip = if at_top {
        0
    } else {
        let first = entries.first().map(|(p, _)| p[0].clone());
        let one_top = first.as_ref().is_some_and(|f| {
            entries.iter().all(|(p, _)| p.len() > 1 && &p[0] == f)
                && entries.iter().any(|(p, _)| p.len() == 2 && p[1] == marker)
        });
        if !one_top {
            return Err(ApiError::BadUpload(format!(
                "no {marker} at the top of the zip or inside its one top folder; zip the folder \
                 ({marker} and the CSV tables beside it)"
            )));
        }
        1
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(entries.len());
    for (p, b) in entries {
        if p.len() != strip + 1 {
            return Err(ApiError::BadUpload(format!(
                "entry {} is in a sub-folder; a model folder is flat (model.toml and CSV files side by side)",
                keel_model::diag::quote(&p.join("/"))
            )));
        }
        files.push((p[strip].clone(), b));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = files.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(ApiError::BadUpload(format!(
            "entry {} appears twice in the archive",
            keel_model::diag::quote(&w[0].0)
        )));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_counted_across_tables() {
        let f = |n: &str, b: &str| (n.to_owned(), b.as_bytes().to_vec());
        // 3 + 2 lines (the second table ends without a newline); model.toml is not a table.
        let files = [
            f("a.csv", "id\n1\n2\n"),
            f("b.csv", "id\n1"),
            f("model.toml", "x\ny\nz\n"),
        ];
        assert!(check_rows(&files, 5).is_ok());
        let e = check_rows(&files, 4).unwrap_err().to_string();
        assert!(
            e.contains("more than 4 lines in all (passed in b.csv)"),
            "{e}"
        );
    }

    #[test]
    fn unsafe_names_are_refused() {
        assert!(check_name("model.toml").is_ok());
        assert!(check_name("dib/inputs.csv").is_ok());
        assert!(check_name("../evil.csv").is_err());
        assert!(check_name("dib/../../evil.csv").is_err());
        assert!(check_name("..\\evil.csv").is_err());
        assert!(check_name("/etc/passwd").is_err());
        assert!(check_name("C:\\x.csv").is_err());
        assert!(check_name("a\u{1b}b.csv").is_err());
    }

    #[test]
    fn one_top_folder_is_stripped_and_subfolders_refused() {
        let e = |n: &str| (n.to_owned(), vec![1u8]);
        let got = model_folder(
            vec![e("dib/"), e("dib/model.toml"), e("dib/a.csv")],
            "model.toml",
        );
        // "dib/" is a directory entry: read_entries drops those, so here it is one more (refused) name.
        assert!(got.is_err());
        let got = model_folder(
            vec![e("dib/model.toml"), e("dib/a.csv"), e("__MACOSX/x")],
            "model.toml",
        )
        .unwrap();
        let names: Vec<&str> = got.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["a.csv", "model.toml"]);
        assert!(model_folder(vec![e("model.toml"), e("sub/a.csv")], "model.toml").is_err());
        assert!(model_folder(vec![e("a.csv")], "model.toml").is_err());
        assert!(model_folder(
            vec![e("model.toml"), e("a.csv"), e("./a.csv")],
            "model.toml"
        )
        .is_err());
    }
}
