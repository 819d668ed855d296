//! Which rows of a model belong to one firm, and the two uses the server makes of it: checking that a
//! contribution holds only its firm's rows (and listing the references it makes outside them), and assembling
//! a model from a base version with each contributing firm's rows replaced by its contribution.
//!
//! Firm F's rows (docs/server.md, "Firm contributions"): its row of `firms.csv` (`id` = F); the `sites.csv`
//! rows with `firm` = F; the `stages.csv` rows at those sites; the `inputs.csv` rows of those stages (what F
//! buys and from whom); the `lanes.csv` rows ending (`to_site`) at one of F's sites (its inbound logistics);
//! the `demand.csv` rows of its stages. Everything else (`model.toml`, countries, items, scenarios, options) is
//! the workspace's shared catalogue, set by analysts.
//!
//! A contribution is judged from its own rows and the catalogue only, never from another firm's data, so that
//! what it is told cannot depend on anyone else's rows: a supplier stage or a lane's origin site it does not
//! hold is an *external reference*, reported with the same words whatever exists elsewhere, and the rest is
//! validated by `keel check`'s loader on the contribution plus placeholder rows for the external references.
//!
//! # Complexity
//! Linear in the rows of the tables involved (hash sets of ids), plus `keel check`'s cost on the contribution.

use crate::error::ApiError;
use keel_model::diag::quote;
use keel_model::Diagnostic;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The tables that hold firm rows, in `keel check`'s reading order.
pub(crate) const FIRM_TABLES: [&str; 6] = [
    "firms.csv",
    "sites.csv",
    "stages.csv",
    "inputs.csv",
    "lanes.csv",
    "demand.csv",
];

/// The catalogue tables a contribution is validated against.
const CATALOGUE: [&str; 3] = ["model.toml", "countries.csv", "items.csv"];

/// The words every external reference is reported with (the same whether or not the id exists anywhere).
pub(crate) const EXTERNAL: &str = "resolved when analysts assemble the model";

/// Placeholder ids for external references while `keel check` runs; never stored, never shown.
const STUB_FIRM: &str = "~external";
const STUB_SITE: &str = "~external-site";

/// A CSV table read loosely: trimmed header names, and each record's raw fields with its line.
struct Csv {
    header: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Csv {
    fn parse(bytes: &[u8]) -> Option<Csv> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(bytes);
        let header = r
            .headers()
            .ok()?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.ok()?;
            let line = rec.position().map_or(0, csv::Position::line);
            rows.push((line, rec.iter().map(str::to_owned).collect()));
        }
        Some(Csv { header, rows })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn empty(header: &[&str]) -> Csv {
        Csv {
            header: header.iter().map(|&h| h.to_owned()).collect(),
            rows: Vec::new(),
        }
    }
}

/// An id as a message shows it: quoted, control characters escaped, cut if long.
pub(crate) fn q(s: &str) -> String {
    format!("`{}`", quote(s))
}

fn field(row: &[String], col: usize) -> &str {
    row.get(col).map_or("", |s| s.trim())
}

/// Writes rows (already in `header`'s order) as CSV.
fn write_csv(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(format!("writing a table: {e}"));
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record(r).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::Internal(format!("writing a table: {e}")))
}

/// One reference a contribution makes outside its own rows.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub(crate) struct ExternalRef {
    pub(crate) file: String,
    pub(crate) line: u64,
    /// The column's header name.
    pub(crate) column: String,
    pub(crate) id: String,
    pub(crate) message: String,
}

/// A contribution that holds only its firm's rows and validates.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) external: Vec<ExternalRef>,
    /// `keel check`'s warnings located in the contribution's own rows.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Files as stored: (name, bytes).
pub(crate) type Files = Vec<(String, Vec<u8>)>;

/// The key columns the ownership rules read, per table.
fn keys(table: &str) -> &'static [&'static str] {
    match table {
        "firms.csv" => &["id"],
        "sites.csv" => &["id", "firm"],
        "stages.csv" => &["id", "site"],
        "inputs.csv" => &["stage", "input_item", "supplier", "lane"],
        "lanes.csv" => &["id", "from_site", "to_site"],
        "demand.csv" => &["stage"],
        _ => &[],
    }
}

/// The parsed firm tables, when every one present can be read and has its key columns (`lane` excepted, being
/// optional); otherwise `None`, and `keel check` alone reports what is wrong.
fn read_tables(files: &[(String, Vec<u8>)]) -> Option<BTreeMap<&'static str, Csv>> {
    let mut out = BTreeMap::new();
    for t in FIRM_TABLES {
        let Some((_, bytes)) = files.iter().find(|(n, _)| n == t) else {
            continue;
        };
        let csv = Csv::parse(bytes)?;
        if keys(t).iter().any(|k| *k != "lane" && csv.col(k).is_none()) {
            return None;
        }
        out.insert(t, csv);
    }
    Some(out)
}

fn lines_of(bytes: &[u8]) -> u64 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count();
    (n + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))) as u64
}

/// Checks a contribution of firm `firm` (its files, from the upload) against the catalogue files of the
/// workspace's latest version. Refuses another firm's rows with located diagnostics, lists the external
/// references, and validates the rest with `keel check`'s loader.
pub(crate) fn check_contribution(
    firm: &str,
    files: &[(String, Vec<u8>)],
    catalogue: &[(String, Vec<u8>)],
) -> Result<Checked, ApiError> {
    if let Some((n, _)) = files
        .iter()
        .find(|(n, _)| !FIRM_TABLES.contains(&n.as_str()))
    {
        return Err(ApiError::BadUpload(format!(
            "{} is not a firm table: a contribution holds only its firm's rows of {}; model.toml, \
             countries, items, scenarios and options are the workspace's shared catalogue, set by analysts",
            q(n),
            FIRM_TABLES.join(", ")
        )));
    }
    let mut diags = Vec::new();
    let mut external = Vec::new();
    let mut stubs = Stubs::default();
    if let Some(t) = read_tables(files) {
        own_rows(firm, &t, &mut diags, &mut external, &mut stubs);
    }
    if !diags.is_empty() {
        return Err(ApiError::InvalidContribution {
            errors: diags.len(),
            diagnostics: diags,
        });
    }
    let composed = compose(files, catalogue, &stubs)?;
    let own_lines: BTreeMap<&str, u64> = files
        .iter()
        .map(|(n, b)| (n.as_str(), lines_of(b)))
        .collect();
    // A diagnostic about a placeholder row (past the contribution's own lines) is an artefact of checking
    // alone; a warning not located in the contribution's rows (unused items, stages nobody buys from yet) says
    // nothing about them.
    let own = |d: &Diagnostic| match (own_lines.get(d.file.as_str()), d.line) {
        (Some(&n), Some(l)) => l <= n && (d.is_error() || !d.message.contains(STUB_FIRM)),
        (Some(_), None) => d.is_error() && !d.message.contains(STUB_FIRM),
        (None, _) => d.is_error(),
    };
    match crate::upload::load_files(&composed) {
        Ok(l) => Ok(Checked {
            external,
            warnings: l.warnings.into_iter().filter(|d| own(d)).collect(),
        }),
        Err(ApiError::InvalidModel { diagnostics, .. }) => {
            let mut kept: Vec<Diagnostic> = diagnostics
                .into_iter()
                .filter(|d| own(d))
                .map(|mut d| {
                    // An error about its own row that names a placeholder: say what the placeholder stands for.
                    d.message = d
                        .message
                        .replace(&format!("`{STUB_SITE}`"), "an external site")
                        .replace(STUB_SITE, "(an external site)")
                        .replace(&format!("`{STUB_FIRM}`"), "an external firm")
                        .replace(STUB_FIRM, "(an external firm)");
                    d
                })
                .collect();
            if !kept.iter().any(Diagnostic::is_error) {
                kept.push(
                    Diagnostic::error(
                        "inputs.csv",
                        "the contribution's external references contradict each other (one supplier stage \
                         bought as two items, or over lanes from two sites)",
                    )
                    .with_hint("name each external supplier stage with one item and lanes from one site"),
                );
            }
            Err(ApiError::InvalidContribution {
                errors: kept.iter().filter(|d| d.is_error()).count(),
                diagnostics: kept,
            })
        }
        Err(e) => Err(e),
    }
}

/// Placeholder rows standing for external references while the contribution is checked alone.
#[derive(Default, Debug)]
struct Stubs {
    /// Sites named as a lane's origin that the contribution does not hold.
    sites: BTreeSet<String>,
    /// Supplier stages it does not hold: id -> (item the input row buys, site: the origin of the row's lane).
    stages: BTreeMap<String, (String, Option<String>)>,
}

/// The ownership rules: another firm's rows are errors; references outside the firm's rows are external.
fn own_rows(
    firm: &str,
    t: &BTreeMap<&'static str, Csv>,
    diags: &mut Vec<Diagnostic>,
    external: &mut Vec<ExternalRef>,
    stubs: &mut Stubs,
) {
    let refuse = |file: &str, line: u64, csv: &Csv, col: &str, msg: String| {
        let c = csv.col(col).unwrap_or(0);
        Diagnostic::error(file, msg)
            .at_line(line)
            .at_column(c + 1, col)
            .with_hint(
                "a contribution holds only its own firm's rows (docs/server.md, \"Firm contributions\"); \
                 remove this row",
            )
    };
    let mut has_firm_row = false;
    if let Some(f) = t.get("firms.csv") {
        let id = f.col("id").unwrap_or(0);
        for (line, r) in &f.rows {
            if field(r, id) == firm {
                has_firm_row = true;
            } else {
                diags.push(refuse(
                    "firms.csv",
                    *line,
                    f,
                    "id",
                    format!("firm {} is not your firm {}", q(field(r, id)), q(firm)),
                ));
            }
        }
    }
    if !has_firm_row {
        diags.push(
            Diagnostic::error("firms.csv", format!("no row for your firm {}", q(firm))).with_hint(
                "firms.csv holds your firm's own row: id, name, country, parent_country",
            ),
        );
    }
    let mut sites: HashSet<&str> = HashSet::new();
    if let Some(s) = t.get("sites.csv") {
        let (id, fc) = (s.col("id").unwrap_or(0), s.col("firm").unwrap_or(0));
        for (line, r) in &s.rows {
            if field(r, fc) == firm {
                sites.insert(field(r, id));
            } else {
                diags.push(refuse(
                    "sites.csv",
                    *line,
                    s,
                    "firm",
                    format!(
                        "site {} belongs to firm {}, not to your firm {}",
                        q(field(r, id)),
                        q(field(r, fc)),
                        q(firm)
                    ),
                ));
            }
        }
    }
    let mut stages: HashSet<&str> = HashSet::new();
    if let Some(s) = t.get("stages.csv") {
        let (id, sc) = (s.col("id").unwrap_or(0), s.col("site").unwrap_or(0));
        for (line, r) in &s.rows {
            if sites.contains(field(r, sc)) {
                stages.insert(field(r, id));
            } else {
                diags.push(refuse(
                    "stages.csv",
                    *line,
                    s,
                    "site",
                    format!(
                        "stage {} is at site {}, which is not one of your sites in sites.csv",
                        q(field(r, id)),
                        q(field(r, sc))
                    ),
                ));
            }
        }
    }
    // Lanes first: an input row's external supplier is placed at the origin of the lane it names.
    let mut lane_from: BTreeMap<&str, &str> = BTreeMap::new();
    if let Some(l) = t.get("lanes.csv") {
        let (id, from, to) = (
            l.col("id").unwrap_or(0),
            l.col("from_site").unwrap_or(0),
            l.col("to_site").unwrap_or(0),
        );
        for (line, r) in &l.rows {
            if !sites.contains(field(r, to)) {
                diags.push(refuse(
                    "lanes.csv",
                    *line,
                    l,
                    "to_site",
                    format!(
                        "lane {} ends at site {}, which is not one of your sites in sites.csv",
                        q(field(r, id)),
                        q(field(r, to))
                    ),
                ));
                continue;
            }
            lane_from.insert(field(r, id), field(r, from));
            if !sites.contains(field(r, from)) && !field(r, from).is_empty() {
                external.push(ExternalRef {
                    file: "lanes.csv".into(),
                    line: *line,
                    column: "from_site".into(),
                    id: field(r, from).to_owned(),
                    message: format!(
                        "site {} is not among your sites: {EXTERNAL}",
                        q(field(r, from))
                    ),
                });
                stubs.sites.insert(field(r, from).to_owned());
            }
        }
    }
    if let Some(i) = t.get("inputs.csv") {
        let (st, item, sup) = (
            i.col("stage").unwrap_or(0),
            i.col("input_item").unwrap_or(0),
            i.col("supplier").unwrap_or(0),
        );
        let lane = i.col("lane");
        for (line, r) in &i.rows {
            if !stages.contains(field(r, st)) {
                diags.push(refuse(
                    "inputs.csv",
                    *line,
                    i,
                    "stage",
                    format!(
                        "stage {} is not one of your stages in stages.csv",
                        q(field(r, st))
                    ),
                ));
                continue;
            }
            let s = field(r, sup);
            if s.is_empty() || stages.contains(s) {
                continue;
            }
            external.push(ExternalRef {
                file: "inputs.csv".into(),
                line: *line,
                column: "supplier".into(),
                id: s.to_owned(),
                message: format!("stage {} is not among your stages: {EXTERNAL}", q(s)),
            });
            let at = lane
                .map(|c| field(r, c))
                .and_then(|l| lane_from.get(l))
                .map(|s| (*s).to_owned());
            stubs
                .stages
                .entry(s.to_owned())
                .or_insert((field(r, item).to_owned(), at));
        }
    }
    if let Some(d) = t.get("demand.csv") {
        let st = d.col("stage").unwrap_or(0);
        for (line, r) in &d.rows {
            if !stages.contains(field(r, st)) {
                diags.push(refuse(
                    "demand.csv",
                    *line,
                    d,
                    "stage",
                    format!(
                        "stage {} is not one of your stages in stages.csv",
                        q(field(r, st))
                    ),
                ));
            }
        }
    }
}

/// Appends rows to a table given by its bytes, each row given by column name (other columns left empty).
fn append(bytes: &[u8], rows: &[Vec<(&str, String)>]) -> Result<Vec<u8>, ApiError> {
    if rows.is_empty() {
        return Ok(bytes.to_vec());
    }
    let Some(csv) = Csv::parse(bytes) else {
        return Ok(bytes.to_vec());
    };
    let mut out = bytes.to_vec();
    if out.last().is_some_and(|&b| b != b'\n') {
        out.push(b'\n');
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    for r in rows {
        let rec: Vec<String> = csv
            .header
            .iter()
            .map(|h| {
                r.iter()
                    .find(|(k, _)| *k == h)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        w.write_record(&rec)
            .map_err(|e| ApiError::Internal(format!("writing a table: {e}")))?;
    }
    out.extend(
        w.into_inner()
            .map_err(|e| ApiError::Internal(format!("writing a table: {e}")))?,
    );
    Ok(out)
}

/// The folder `keel check` sees for a contribution checked alone: the catalogue, the contribution's tables
/// (a required one it leaves out is given as its header), and placeholder rows after its own for the external
/// references.
fn compose(
    files: &[(String, Vec<u8>)],
    catalogue: &[(String, Vec<u8>)],
    stubs: &Stubs,
) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let mut out: BTreeMap<String, Vec<u8>> = catalogue
        .iter()
        .filter(|(n, _)| CATALOGUE.contains(&n.as_str()))
        .cloned()
        .collect();
    for (n, b) in files {
        out.insert(n.clone(), b.clone());
    }
    out.entry("inputs.csv".into())
        .or_insert_with(|| b"stage,input_item,qty,supplier,share,lane\n".to_vec());
    out.entry("demand.csv".into())
        .or_insert_with(|| b"stage,demand,loss_per_unit\n".to_vec());
    if !stubs.sites.is_empty() || !stubs.stages.is_empty() {
        // A placeholder country: the first of the catalogue (any will do; it is never shown).
        let country = out
            .get("countries.csv")
            .and_then(|b| Csv::parse(b))
            .and_then(|c| {
                let code = c.col("code")?;
                c.rows.first().map(|(_, r)| field(r, code).to_owned())
            })
            .unwrap_or_default();
        let mut sites: Vec<Vec<(&str, String)>> = stubs
            .sites
            .iter()
            .map(|s| {
                vec![
                    ("id", s.clone()),
                    ("firm", STUB_FIRM.into()),
                    ("country", country.clone()),
                ]
            })
            .collect();
        sites.push(vec![
            ("id", STUB_SITE.into()),
            ("firm", STUB_FIRM.into()),
            ("country", country.clone()),
        ]);
        let stages: Vec<Vec<(&str, String)>> = stubs
            .stages
            .iter()
            .map(|(id, (item, site))| {
                vec![
                    ("id", id.clone()),
                    ("item", item.clone()),
                    ("site", site.clone().unwrap_or_else(|| STUB_SITE.into())),
                    ("value_added", "0".into()),
                ]
            })
            .collect();
        let firm = vec![vec![
            ("id", STUB_FIRM.to_owned()),
            ("name", STUB_FIRM.to_owned()),
            ("country", country),
        ]];
        for (t, rows) in [
            ("firms.csv", firm),
            ("sites.csv", sites),
            ("stages.csv", stages),
        ] {
            if let Some(b) = out.get_mut(t) {
                *b = append(b, &rows)?;
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The rows of firms in `firms` found in a (base) model's tables, as (table, line) pairs to drop.
fn owned_lines(
    firms: &BTreeSet<&str>,
    t: &BTreeMap<&'static str, Csv>,
) -> BTreeMap<&'static str, HashSet<u64>> {
    let mut out: BTreeMap<&'static str, HashSet<u64>> = BTreeMap::new();
    let mut pick = |table: &'static str, col: &str, keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        let mut ids = Vec::new();
        if let Some(c) = t.get(table) {
            if let Some(k) = c.col(col) {
                let idc = c.col("id");
                for (line, r) in &c.rows {
                    if keep(field(r, k)) {
                        out.entry(table).or_default().insert(*line);
                        if let Some(i) = idc {
                            ids.push(field(r, i).to_owned());
                        }
                    }
                }
            }
        }
        ids
    };
    pick("firms.csv", "id", &|v| firms.contains(v));
    let sites: HashSet<String> = pick("sites.csv", "firm", &|v| firms.contains(v))
        .into_iter()
        .collect();
    let stages: HashSet<String> = pick("stages.csv", "site", &|v| sites.contains(v))
        .into_iter()
        .collect();
    pick("inputs.csv", "stage", &|v| stages.contains(v));
    pick("lanes.csv", "to_site", &|v| sites.contains(v));
    pick("demand.csv", "stage", &|v| stages.contains(v));
    out
}

/// The base version's files with each contributing firm's rows replaced by its contribution: in each firm
/// table, the base rows of no contributing firm (in their order), then each contribution's rows in the order
/// given (firm ids, sorted), under the base table's header (columns matched by name; a column only a
/// contribution has is added at the end). The other files are kept byte for byte.
pub(crate) fn assemble(
    base: &[(String, Vec<u8>)],
    contributions: &[(String, Files)],
) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let unreadable = |what: &str, n: &str| {
        ApiError::Internal(format!("{what}: stored table {n} cannot be read"))
    };
    let mut bt: BTreeMap<&'static str, Csv> = BTreeMap::new();
    for t in FIRM_TABLES {
        if let Some((_, b)) = base.iter().find(|(n, _)| n == t) {
            bt.insert(
                t,
                Csv::parse(b).ok_or_else(|| unreadable("base version", t))?,
            );
        }
    }
    let firms: BTreeSet<&str> = contributions.iter().map(|(f, _)| f.as_str()).collect();
    let drop = owned_lines(&firms, &bt);
    let mut out: BTreeMap<String, Vec<u8>> = base.iter().cloned().collect();
    for t in FIRM_TABLES {
        let mut parts: Vec<Csv> = Vec::new();
        for (f, files) in contributions {
            if let Some((_, b)) = files.iter().find(|(n, _)| n == t) {
                parts.push(Csv::parse(b).ok_or_else(|| unreadable(f, t))?);
            }
        }
        let Some(base_t) = bt.remove(t).or_else(|| {
            parts
                .first()
                .map(|p| Csv::empty(&p.header.iter().map(String::as_str).collect::<Vec<_>>()))
        }) else {
            continue;
        };
        let mut header = base_t.header.clone();
        for p in &parts {
            for h in &p.header {
                if !header.contains(h) {
                    header.push(h.clone());
                }
            }
        }
        let dropped = drop.get(t);
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut take = |c: &Csv, r: &[String]| {
            rows.push(
                header
                    .iter()
                    .map(|h| c.col(h).and_then(|i| r.get(i)).cloned().unwrap_or_default())
                    .collect(),
            );
        };
        for (line, r) in &base_t.rows {
            if !dropped.is_some_and(|d| d.contains(line)) {
                take(&base_t, r);
            }
        }
        for p in &parts {
            for (_, r) in &p.rows {
                take(p, r);
            }
        }
        out.insert(t.to_owned(), write_csv(&header, &rows)?);
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: &str, s: &str) -> (String, Vec<u8>) {
        (n.to_owned(), s.as_bytes().to_vec())
    }

    #[test]
    fn a_firms_rows_are_found_through_its_sites() {
        let base = [
            f("firms.csv", "id,name,country\na,A,CAN\nb,B,CAN\n"),
            f("sites.csv", "id,firm,country\nsa,a,CAN\nsb,b,CAN\n"),
            f(
                "stages.csv",
                "id,item,site,value_added\nxa,i,sa,1\nxb,i,sb,2\n",
            ),
            f(
                "inputs.csv",
                "stage,input_item,qty,supplier\nxa,j,1,xb\nxb,j,1,xa\n",
            ),
            f(
                "lanes.csv",
                "id,from_site,to_site,mode\nl1,sb,sa,road\nl2,sa,sb,road\n",
            ),
            f("demand.csv", "stage,demand,loss_per_unit\nxa,1,1\n"),
            f("items.csv", "id,name,kind\ni,I,platform\n"),
        ];
        let t = read_tables(&base).unwrap();
        let firms: BTreeSet<&str> = ["a"].into_iter().collect();
        let d = owned_lines(&firms, &t);
        let lines = |n: &str| {
            let mut v: Vec<u64> = d
                .get(n)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            v.sort_unstable();
            v
        };
        // Header is line 1: firm a's rows are line 2 of each table, its inbound lane l1 too.
        for n in [
            "firms.csv",
            "sites.csv",
            "stages.csv",
            "inputs.csv",
            "lanes.csv",
            "demand.csv",
        ] {
            assert_eq!(lines(n), [2], "{n}");
        }
        // Replacing a's rows: b's stay first, a's new ones follow, in the base header's column order.
        let contrib = vec![
            f("firms.csv", "name,id,country\nA2,a,CAN\n"),
            f("sites.csv", "id,firm,country\nsa,a,USA\n"),
        ];
        let out = assemble(&base, &[("a".into(), contrib)]).unwrap();
        let get = |n: &str| {
            String::from_utf8(out.iter().find(|(k, _)| k == n).unwrap().1.clone()).unwrap()
        };
        assert_eq!(get("firms.csv"), "id,name,country\nb,B,CAN\na,A2,CAN\n");
        assert_eq!(get("sites.csv"), "id,firm,country\nsb,b,CAN\nsa,a,USA\n");
        assert_eq!(get("stages.csv"), "id,item,site,value_added\nxb,i,sb,2\n");
        assert_eq!(
            get("lanes.csv"),
            "id,from_site,to_site,mode\nl2,sa,sb,road\n"
        );
        assert_eq!(get("items.csv"), "id,name,kind\ni,I,platform\n");
    }
}
