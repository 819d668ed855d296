//! Reading one table: the header is checked against the schema, then each row goes to its parser.

use super::cells::Cols;
use super::schema::{columns_of, header_of, kind_of_table, references_of, TABLES};
use super::Builder;
use crate::diag::{did_you_mean, quote, Diagnostic};
use crate::table::{StringRecord, Table};
use rustc_hash::FxHashSet;

/// Rows read ahead at a time: enough look-ups to overlap their cache misses, few enough that what they load
/// stays in the cache until the rows are handled.
const BATCH: usize = 32;

impl Builder {
    pub(super) fn read(&mut self, stem: &str, t: &mut dyn Table) {
        let names = columns_of(stem);
        let file = t.name().to_string();
        if let Some(k) = TABLES.iter().find(|k| **k == stem) {
            self.files.insert(k, file.clone());
        }
        let headers = t.headers().to_vec();
        let mut rec = StringRecord::new();
        let what = if file.ends_with(']') { "sheet" } else { "file" };
        if headers.iter().all(std::string::String::is_empty) {
            let d = match t.next_row(&mut rec) {
                Ok(None) => Diagnostic::error(&file, format!("the {what} is empty")),
                _ => Diagnostic::error(&file, "the first line is blank: it must be the header")
                    .at_line(1),
            };
            let hint = format!("start it with the header `{}`", header_of(stem));
            return self.fail_table(stem, d.with_hint(hint));
        }
        if let Some(d) = wrong_delimiter(&file, &headers, names) {
            return self.fail_table(stem, d);
        }
        let mut pos = vec![None; names.len()];
        let mut seen = FxHashSet::default();
        // A misspelt column is reported once, as unknown with a did-you-mean, not again as missing.
        let mut meant = Vec::new();
        for (p, h) in headers.iter().enumerate() {
            if !seen.insert(h.clone()) {
                self.diags.push(
                    Diagnostic::error(
                        &file,
                        format!("column `{}` appears twice in the header", quote(h)),
                    )
                    .at_line(1)
                    .at_column(p + 1, h.clone()),
                );
                continue;
            }
            match names.iter().position(|(n, _)| n == h) {
                Some(c) => pos[c] = Some(p),
                None => {
                    let guess = did_you_mean(h, names.iter().map(|(n, _)| *n))
                        .filter(|g| !headers.contains(g));
                    let hint = match &guess {
                        Some(g) => format!("did you mean `{g}`?"),
                        None => format!(
                            "the columns of this table are `{}`; rename or remove this one",
                            header_of(stem)
                        ),
                    };
                    let at = self.diags.len();
                    self.diags.push(
                        Diagnostic::error(&file, format!("unknown column `{}`", quote(h)))
                            .at_line(1)
                            .at_column(p + 1, h.clone())
                            .with_hint(hint),
                    );
                    if let Some(g) = guess {
                        meant.push((g, at));
                    }
                }
            }
        }
        let mut missing = None;
        for (c, (n, req)) in names.iter().enumerate() {
            if !*req || pos[c].is_some() {
                continue;
            }
            if let Some((_, at)) = meant.iter().find(|(g, _)| g == n) {
                missing.get_or_insert(*at);
                continue;
            }
            missing.get_or_insert(self.diags.len());
            self.diags.push(
                Diagnostic::error(
                    &file,
                    format!("required column `{n}` is missing from the header"),
                )
                .at_line(1)
                .with_hint(format!("the header should be `{}`", header_of(stem))),
            );
        }
        if let Some(root) = missing {
            if let Some(k) = kind_of_table(stem) {
                self.failed.entry(k).or_insert(root);
            }
            return;
        }
        let mut cols = Cols {
            file,
            pos,
            names,
            line: 1,
        };
        if stem == "inputs" {
            self.inputs_file = cols.file.clone();
        }
        // Rows are read in batches, and the ids a batch names are looked up ahead (`Names::warm`): rows are
        // then handled one by one, in order, exactly as they would be without the batch.
        let refs = references_of(stem);
        let mut batch: Vec<StringRecord> = (0..BATCH).map(|_| StringRecord::new()).collect();
        let mut got: Vec<Result<u64, Diagnostic>> = Vec::with_capacity(BATCH);
        let mut hashes = Vec::new();
        let mut done = false;
        while !done {
            while got.len() < BATCH {
                match t.next_row(&mut batch[got.len()]) {
                    Ok(Some(line)) => got.push(Ok(line)),
                    Ok(None) => {
                        done = true;
                        break;
                    }
                    Err(d) => got.push(Err(d)),
                }
            }
            for &(c, kind) in refs {
                let keys: Vec<&str> = got
                    .iter()
                    .zip(&batch)
                    .filter(|(g, _)| g.is_ok())
                    .map(|(_, r)| cols.field(r, c))
                    .collect();
                self.names(kind).warm(&keys, &mut hashes);
            }
            for (g, rec) in got.drain(..).zip(&batch) {
                let line = match g {
                    Ok(line) => line,
                    Err(d) => {
                        self.read_error(stem, d);
                        continue;
                    }
                };
                cols.line = line;
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue; // blank line, as spreadsheets leave them
                }
                self.row_mark = self.diags.len();
                self.row_cause = None;
                match stem {
                    "countries" => self.country(&cols, rec),
                    "firms" => self.firm(&cols, rec),
                    "sites" => self.site(&cols, rec),
                    "items" => self.item(&cols, rec),
                    "stages" => self.stage(&cols, rec),
                    "options" => self.option(&cols, rec),
                    "lanes" => self.lane(&cols, rec),
                    "inputs" => self.input(&cols, rec),
                    "demand" => self.demand(&cols, rec),
                    "scenarios" => self.scenario(&cols, rec),
                    _ => {}
                }
            }
        }
        self.read_error = None;
    }

    /// A row that could not be decoded. Its ids are unknown, so references into this table follow from the
    /// first such error; repeats of the same problem (a whole file in the wrong encoding) are counted under it.
    fn read_error(&mut self, stem: &str, d: Diagnostic) {
        if let Some(first) = self.read_error {
            if self.diags[first].message == d.message {
                return self.follow(first);
            }
        }
        let at = self.diags.len();
        self.diags.push(d);
        self.read_error.get_or_insert(at);
        if let Some(k) = kind_of_table(stem) {
            self.failed.entry(k).or_insert(at);
        }
    }
}

/// A header that is one cell holding the columns separated by `;` or a tab: the file was saved with another
/// delimiter (as spreadsheets in many locales do).
fn wrong_delimiter(
    file: &str,
    headers: &[String],
    names: &[(&'static str, bool)],
) -> Option<Diagnostic> {
    if headers.iter().any(|h| names.iter().any(|(n, _)| n == h)) {
        return None;
    }
    for (sep, label) in [(';', "semicolons (`;`)"), ('\t', "tabs")] {
        let split = headers
            .iter()
            .flat_map(|h| h.split(sep))
            .map(str::trim)
            .filter(|c| names.iter().any(|(n, _)| n == c))
            .count();
        if split > 0 && headers.iter().any(|h| h.contains(sep)) {
            return Some(
                Diagnostic::error(file, format!("the columns are separated by {label}, not commas"))
                    .at_line(1)
                    .with_hint(
                        "save it as comma-separated CSV (in Excel: Save As, \"CSV UTF-8 (Comma delimited)\")",
                    ),
            );
        }
    }
    None
}
