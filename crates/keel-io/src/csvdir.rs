//! A model folder: `model.toml` and one CSV file per table, streamed row by row.

use crate::meta::parse_toml;
use crate::IoError;
use keel_model::{Diagnostic, ModelSource, RawMeta, StringRecord, Table};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

/// A model stored as a folder of CSV files.
#[derive(Debug)]
pub struct CsvDir {
    dir: PathBuf,
    /// Non-fatal problems found outside the tables (e.g. unknown keys in model.toml).
    pub extra: Vec<Diagnostic>,
}

impl CsvDir {
    pub fn open(dir: &Path) -> Result<Self, IoError> {
        if !dir.join("model.toml").is_file() {
            return Err(IoError::NotAModel {
                path: dir.to_path_buf(),
                why: "model.toml is missing (a Keel model folder holds model.toml and the CSV tables)".into(),
            });
        }
        Ok(CsvDir {
            dir: dir.to_path_buf(),
            extra: Vec::new(),
        })
    }
}

impl ModelSource for CsvDir {
    fn meta(&mut self) -> Result<RawMeta, Vec<Diagnostic>> {
        let text = match std::fs::read(self.dir.join("model.toml")) {
            Ok(b) => match String::from_utf8(b) {
                Ok(t) => t,
                Err(_) => {
                    return Err(vec![Diagnostic::error(
                        "model.toml",
                        "the file is not valid UTF-8",
                    )])
                }
            },
            Err(e) => return Err(vec![Diagnostic::error("model.toml", e.to_string())]),
        };
        let (meta, diags) = parse_toml("model.toml", &text);
        if diags.iter().any(keel_model::Diagnostic::is_error) {
            return Err(diags);
        }
        self.extra = diags;
        Ok(meta)
    }

    fn table(&mut self, stem: &str) -> Result<Option<Box<dyn Table + '_>>, Diagnostic> {
        let name = self.table_name(stem);
        let path = self.dir.join(&name);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::error(name, e.to_string())),
        };
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let head = reader
            .fill_buf()
            .map_err(|e| Diagnostic::error(&name, e.to_string()))?;
        if let Some(d) = not_text(&name, head) {
            return Err(d);
        }
        Ok(Some(Box::new(CsvTable::new(name, reader)?)))
    }

    fn table_name(&self, stem: &str) -> String {
        format!("{stem}.csv")
    }

    fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.extra)
    }
}

/// Why the first bytes of a file cannot be CSV text, if they cannot: a zip archive (a workbook saved under a
/// `.csv` name), UTF-16 text, or binary data. The bytes themselves are never quoted.
pub(crate) fn not_text(name: &str, head: &[u8]) -> Option<Diagnostic> {
    let save = "save it as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\")";
    if head.starts_with(b"PK\x03\x04") {
        return Some(
            Diagnostic::error(
                name,
                "this is a zip archive (an .xlsx workbook?), not CSV text",
            )
            .with_hint(format!("give the workbook itself to keel, or {save}")),
        );
    }
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Some(Diagnostic::error(name, "the file is UTF-16 text, not UTF-8").with_hint(save));
    }
    // Text never holds NUL, and holds few other control bytes besides tab, line feed and carriage return.
    let sample = &head[..head.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    if sample.contains(&0) || control * 20 > sample.len().max(1) {
        return Some(
            Diagnostic::error(name, "the file holds binary data, not CSV text")
                .with_hint(format!("this is not a table; {save}")),
        );
    }
    None
}

/// One CSV file read lazily, so a million-row table is never held as text. Rows are decoded on a thread of
/// their own, a chunk ahead of the builder (which then only resolves and checks them): decoding is a fifth of
/// a large model's load, and it overlaps the rest on a second core.
pub(crate) struct CsvTable {
    name: String,
    headers: Vec<String>,
    /// Decoded chunks, in file order; closed after the last.
    full: Option<Receiver<Chunk>>,
    /// Chunks handed back for reuse, so rows are decoded into records already allocated.
    empty: SyncSender<Chunk>,
    chunk: Chunk,
    next: usize,
    decoder: Option<JoinHandle<()>>,
}

/// Rows decoded in one go: what decoding each gave (its line, or why it could not be read), and the records.
#[derive(Default)]
struct Chunk {
    outcomes: Vec<Result<u64, Diagnostic>>,
    recs: Vec<StringRecord>,
}

/// Rows per chunk: enough to make the hand-over between threads rare.
const CHUNK: usize = 1024;

impl CsvTable {
    pub(crate) fn new<R: Read + Send + 'static>(name: String, r: R) -> Result<Self, Diagnostic> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(r);
        let headers: Vec<String> = match rdr.byte_headers() {
            Ok(h) if std::str::from_utf8(h.as_slice()).is_err() => {
                return Err(
                    Diagnostic::error(&name, "the header is not valid UTF-8 text")
                        .at_line(1)
                        .with_hint(UTF8_HINT),
                )
            }
            Ok(h) => h
                .iter()
                .enumerate()
                .map(|(k, b)| {
                    let s = String::from_utf8_lossy(b);
                    // A spreadsheet may save a byte-order mark before the first header.
                    let s = if k == 0 {
                        s.trim_start_matches('\u{feff}').to_string()
                    } else {
                        s.to_string()
                    };
                    s.trim().to_string()
                })
                .collect(),
            Err(e) => return Err(Diagnostic::error(&name, e.to_string()).at_line(1)),
        };
        // A header cell over several lines is a quote left open in the header: say so, rather than quote it.
        if let Some(k) = headers.iter().position(|h| h.contains(['\n', '\r'])) {
            return Err(Diagnostic::error(
                &name,
                "a quote opened in the header is not closed: the header runs over several lines",
            )
            .at_line(1)
            .at_column(k + 1, headers[k].lines().next().unwrap_or(""))
            .with_hint("close the quote (`\"`) at the end of the column name, or remove it"));
        }
        let (full_tx, full) = sync_channel(2);
        let (empty, empty_rx) = sync_channel(4);
        let (n, h) = (name.clone(), headers.clone());
        let decoder = std::thread::Builder::new()
            .name(format!("keel-read-{name}"))
            .spawn(move || decode_all(rdr, &n, &h, &full_tx, &empty_rx))
            .map_err(|e| Diagnostic::error(&name, format!("cannot start reading: {e}")))?;
        Ok(CsvTable {
            name,
            headers,
            full: Some(full),
            empty,
            chunk: Chunk::default(),
            next: 0,
            decoder: Some(decoder),
        })
    }
}

const UTF8_HINT: &str =
    "save it as CSV UTF-8 (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\"); it looks like another encoding";

/// A field that runs over a line break: no Keel value holds one, so a quote opened in it was not closed where
/// it was meant to be, and the rest of the file (or of many rows) was read into this one field. Located at the
/// line and column where the quoted field starts.
fn open_quote(name: &str, headers: &[String], rec: &StringRecord, line: u64) -> Option<Diagnostic> {
    // One pass over the row's bytes: nearly every row holds no line break at all.
    if !rec.as_slice().bytes().any(|b| b == b'\n' || b == b'\r') {
        return None;
    }
    // Earlier fields hold no line break (the first that does is reported), so this one starts on `line`.
    for (k, f) in rec.iter().enumerate() {
        let breaks = f.matches('\n').count() as u64;
        if breaks == 0 && !f.contains('\r') {
            continue;
        }
        let mut d = Diagnostic::error(
            name,
            format!(
                "a quote opened here is not closed: the quoted field runs over {} line(s)",
                breaks.max(1) + 1
            ),
        )
        .at_line(line)
        .with_hint("close the quote (`\"`) at the end of the field, or remove it");
        if let Some(h) = headers.get(k) {
            d = d.at_column(k + 1, h.clone());
        }
        return Some(d);
    }
    None
}

/// The decoding thread: fills chunks (reused ones first) and sends them in order until the file ends or the
/// table is dropped.
fn decode_all<R: Read>(
    mut rdr: csv::Reader<R>,
    name: &str,
    headers: &[String],
    full: &SyncSender<Chunk>,
    empty: &Receiver<Chunk>,
) {
    loop {
        let mut chunk = empty.try_recv().unwrap_or_default();
        chunk.outcomes.clear();
        let mut end = false;
        while chunk.outcomes.len() < CHUNK {
            let k = chunk.outcomes.len();
            if chunk.recs.len() <= k {
                chunk.recs.push(StringRecord::new());
            }
            match decode(&mut rdr, name, headers, &mut chunk.recs[k]) {
                Ok(Some(line)) => chunk.outcomes.push(Ok(line)),
                Ok(None) => {
                    end = true;
                    break;
                }
                Err(d) => chunk.outcomes.push(Err(d)),
            }
        }
        if full.send(chunk).is_err() || end {
            return;
        }
    }
}

/// Decodes the next row into `rec`: its line, `None` at the end, or why it cannot be read.
fn decode<R: Read>(
    rdr: &mut csv::Reader<R>,
    name: &str,
    headers: &[String],
    rec: &mut StringRecord,
) -> Result<Option<u64>, Diagnostic> {
    match rdr.read_record(rec) {
        Ok(false) => Ok(None),
        Ok(true) => {
            let line = rec.position().map_or(0, csv::Position::line);
            match open_quote(name, headers, rec, line) {
                Some(d) => Err(d),
                None => Ok(Some(line)),
            }
        }
        Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
            let (line, field) = match e.kind() {
                csv::ErrorKind::Utf8 { pos, err } => {
                    (pos.as_ref().map_or(0, csv::Position::line), err.field())
                }
                _ => (0, 0),
            };
            let mut d = Diagnostic::error(name, "the row is not valid UTF-8 text")
                .at_line(line)
                .with_hint(UTF8_HINT);
            if let Some(h) = headers.get(field) {
                d = d.at_column(field + 1, h.clone());
            }
            Err(d)
        }
        Err(e) => {
            let line = e.position().map_or(0, csv::Position::line);
            let d = Diagnostic::error(name, format!("malformed CSV: {e}"));
            // The csv reader can always make progress after an error, so the caller may go on.
            Err(if line > 0 { d.at_line(line) } else { d })
        }
    }
}

impl Table for CsvTable {
    fn name(&self) -> &str {
        &self.name
    }
    fn headers(&self) -> &[String] {
        &self.headers
    }
    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Diagnostic> {
        // The last chunk may be empty.
        while self.next == self.chunk.outcomes.len() {
            let Some(next) = self.full.as_ref().and_then(|rx| rx.recv().ok()) else {
                return Ok(None);
            };
            let used = std::mem::replace(&mut self.chunk, next);
            // The decoder may have ended, or have spares enough: then the chunk is simply dropped.
            let _ = self.empty.try_send(used);
            self.next = 0;
        }
        let k = self.next;
        self.next += 1;
        let outcome = std::mem::replace(&mut self.chunk.outcomes[k], Ok(0));
        // The caller's record goes back with the chunk, to be decoded into again.
        std::mem::swap(rec, &mut self.chunk.recs[k]);
        outcome.map(Some)
    }
}

impl Drop for CsvTable {
    fn drop(&mut self) {
        // Closing the channel stops the decoder at its next chunk; nothing it could still decode is wanted.
        drop(self.full.take());
        if let Some(d) = self.decoder.take() {
            let _ = d.join();
        }
    }
}
