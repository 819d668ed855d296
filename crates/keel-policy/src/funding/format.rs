//! Reader of a programme funding file (`PROGRAMMES.csv`, format in docs/policy-funding-format.md): one row per
//! programme and fiscal year with the money announced, allocated and spent, the source of the figures and
//! whether they are published or illustrative.
//!
//! Every problem is a located diagnostic (file, line, column, message, hint), all reported together in file
//! order: a missing column, a cell that is not a number, a negative amount, a fiscal year that is malformed,
//! repeated or out of order within its programme, a published row without a source.
//!
//! # Complexity
//! O(rows x columns).

use crate::PolicyError;
use keel_model::Diagnostic;
use serde::Serialize;
use std::path::Path;

/// A fiscal year: `2015-16` (the Government of Canada's April-March year) or a calendar year `2015`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FiscalYear {
    /// The calendar year it starts in.
    pub start: i32,
    /// As written in the file, e.g. `2015-16`.
    pub label: String,
}

impl FiscalYear {
    /// Parses `2015-16`, `2015-2016` or `2015`; the end must be the year after the start.
    pub fn parse(s: &str) -> Option<FiscalYear> {
        let s = s.trim();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let (start, end) = match s.split_once(['-', '/']) {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        if start.len() != 4 || !digits(start) {
            return None;
        }
        let y: i32 = start.parse().ok()?;
        if let Some(e) = end {
            let ok = match e.len() {
                2 => digits(e) && e.parse::<i32>().ok()? == (y + 1) % 100,
                4 => digits(e) && e.parse::<i32>().ok()? == y + 1,
                _ => false,
            };
            if !ok {
                return None;
            }
        }
        Some(FiscalYear {
            start: y,
            label: s.to_string(),
        })
    }
}

/// Where a row's figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Taken from the published source named in the row.
    Published,
    /// Made up to show the method; not a fact.
    Illustrative,
    /// The file does not say (no `basis` column, or an empty cell).
    Unstated,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Published => "published",
            Basis::Illustrative => "illustrative",
            Basis::Unstated => "unstated",
        }
    }
}

/// One programme's figures for one fiscal year. Amounts are in the file's one currency unit; `None` is an empty
/// cell (not known), never zero.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FundingYear {
    /// 1-based line in the file.
    pub line: u64,
    pub fiscal_year: FiscalYear,
    pub announced: Option<f64>,
    pub allocated: Option<f64>,
    pub spent: Option<f64>,
    pub source: String,
    pub basis: Basis,
}

/// One programme, its years oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Programme {
    pub name: String,
    pub years: Vec<FundingYear>,
}

/// A funding file: programmes in the order they first appear.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FundingFile {
    pub file: String,
    pub programmes: Vec<Programme>,
}

/// The columns every funding file has, in any order.
pub const REQUIRED: [&str; 6] = [
    "programme",
    "fiscal_year",
    "announced",
    "allocated",
    "spent",
    "source",
];
/// The optional column saying whether a row is `published` or `illustrative`.
pub const BASIS: &str = "basis";
/// An optional free-text column, not read.
pub const NOTE: &str = "note";

/// Reads a funding file.
pub fn read_funding(path: &Path) -> Result<FundingFile, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_funding(&text, &path.display().to_string())
}

/// Reads a funding file from its text; `file` names it in diagnostics.
pub fn parse_funding(text: &str, file: &str) -> Result<FundingFile, PolicyError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Err(PolicyError::invalid(vec![Diagnostic::error(
                file,
                format!("not readable as CSV: {e}"),
            )
            .at_line(1)
            .with_hint(
                "a funding file is comma-separated UTF-8 text with a header row",
            )]))
        }
    };
    let mut diags = Vec::new();
    let mut col = [0usize; 6];
    // Headers already named as a likely rename of a missing column: not reported again as unknown.
    let mut named: Vec<String> = Vec::new();
    for (k, name) in REQUIRED.iter().enumerate() {
        match headers.iter().position(|h| h == name) {
            Some(p) => col[k] = p,
            None => {
                let close =
                    keel_model::diag::did_you_mean(name, headers.iter().map(String::as_str));
                named.extend(close.clone());
                diags.push(
                    Diagnostic::error(file, format!("missing column `{name}`"))
                        .at_line(1)
                        .with_hint(match close {
                            Some(c) => format!("a column `{c}` is present: rename it `{name}`"),
                            None => format!(
                                "the header names the columns {} (and optionally {BASIS})",
                                REQUIRED.join(", ")
                            ),
                        }),
                );
            }
        }
    }
    // An unknown column is an error, not ignored: a misspelt `basis` would otherwise leave every row unlabelled.
    for (c, h) in headers.iter().enumerate() {
        if !REQUIRED.contains(&h.as_str()) && h != BASIS && h != NOTE && !named.contains(h) {
            let known = REQUIRED.iter().copied().chain([BASIS, NOTE]);
            let hint = match keel_model::diag::did_you_mean(h, known) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!(
                    "the columns are {}, and optionally {BASIS} and {NOTE}",
                    REQUIRED.join(", ")
                ),
            };
            diags.push(
                Diagnostic::error(
                    file,
                    format!("unknown column `{}`", keel_model::diag::quote(h)),
                )
                .at_line(1)
                .at_column(c + 1, h.clone())
                .with_hint(hint),
            );
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    let basis_col = headers.iter().position(|h| h == BASIS);
    let mut programmes: Vec<Programme> = Vec::new();
    // Every programme's (fiscal year, line) in file order, for the order check.
    let mut seen: Vec<(String, Vec<(FiscalYear, u64)>)> = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                diags.push(crate::csv_diag::unreadable(
                    file,
                    &e,
                    "check the quotes on this line",
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != headers.len() {
            diags.push(crate::csv_diag::ragged(
                file,
                line,
                rec.len(),
                headers.len(),
                "every row has one cell per column (quote a cell that holds a comma)",
            ));
            continue;
        }
        let at = |c: usize, msg: String, hint: &str| {
            Diagnostic::error(file, msg)
                .at_line(line)
                .at_column(c + 1, headers[c].clone())
                .with_hint(hint)
        };
        let cell = |k: usize| rec.get(col[k]).unwrap_or("").trim();
        let before = diags.len();
        let name = cell(0);
        if name.is_empty() {
            diags.push(at(
                col[0],
                "the programme is not named".into(),
                "name the programme on every row",
            ));
        }
        let fy = FiscalYear::parse(cell(1));
        if fy.is_none() {
            diags.push(at(
                col[1],
                format!(
                    "`{}` is not a fiscal year",
                    keel_model::diag::quote(cell(1))
                ),
                "write 2015-16 (April 2015 to March 2016) or 2015",
            ));
        }
        let mut amount = |k: usize| -> Option<f64> {
            let c = cell(k);
            if c.is_empty() {
                return None;
            }
            match c.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                Ok(v) if v.is_finite() => {
                    diags.push(at(
                        col[k],
                        format!("{} is negative: {c}", REQUIRED[k]),
                        "amounts are zero or more; a clawback or a reprofiling is a smaller figure for the year, not a negative one",
                    ));
                    None
                }
                _ => {
                    diags.push(at(
                        col[k],
                        format!("`{}` is not a number", keel_model::diag::quote(c)),
                        "write a plain number such as 18942.05 (no currency sign or thousands separator); leave the cell empty if unknown",
                    ));
                    None
                }
            }
        };
        let announced = amount(2);
        let allocated = amount(3);
        let spent = amount(4);
        let source = cell(5).to_string();
        let basis = match basis_col.map(|c| rec.get(c).unwrap_or("").trim().to_lowercase()) {
            None => Basis::Unstated,
            Some(b) => match b.as_str() {
                "published" => Basis::Published,
                "illustrative" => Basis::Illustrative,
                "" => Basis::Unstated,
                _ => {
                    let c = basis_col.unwrap_or_default();
                    diags.push(at(
                        c,
                        format!("`{}` is not a basis", keel_model::diag::quote(&b)),
                        "basis is `published` (figures from the source cited) or `illustrative`",
                    ));
                    Basis::Unstated
                }
            },
        };
        if basis == Basis::Published && source.is_empty() {
            diags.push(at(
                col[5],
                "a published row cites no source".into(),
                "name the publication (title, table, page or URL) the figures come from",
            ));
        }
        // The order of a programme's years is checked on every row with a name and a year, even one with other
        // errors: a year out of order is a problem of its own, not one that follows from a bad amount.
        let row_ok = diags.len() == before;
        let (Some(fiscal_year), false) = (fy, name.is_empty()) else {
            continue;
        };
        let k = match seen.iter().position(|(n, _)| n == name) {
            Some(k) => k,
            None => {
                seen.push((name.to_string(), Vec::new()));
                seen.len() - 1
            }
        };
        let years_seen = &mut seen[k].1;
        let mut in_order = true;
        if let Some((prev, prev_line)) = years_seen.last() {
            if fiscal_year.start <= prev.start {
                in_order = false;
                let first = years_seen
                    .iter()
                    .find(|(y, _)| y.start == fiscal_year.start)
                    .map(|(_, l)| *l);
                let q = keel_model::diag::quote(name);
                diags.push(match first {
                    Some(l) => at(
                        col[1],
                        format!(
                            "{} appears twice for `{q}` (first on line {l})",
                            fiscal_year.label
                        ),
                        "one row per programme and fiscal year: merge the two rows",
                    ),
                    None => at(
                        col[1],
                        format!(
                            "{} comes after {} (line {prev_line}) for `{q}`: years out of order",
                            fiscal_year.label, prev.label
                        ),
                        "list each programme's years oldest first",
                    ),
                });
            }
        }
        if !in_order {
            continue;
        }
        years_seen.push((fiscal_year.clone(), line));
        if !row_ok {
            continue;
        }
        let year = FundingYear {
            line,
            fiscal_year,
            announced,
            allocated,
            spent,
            source,
            basis,
        };
        match programmes.iter_mut().find(|p| p.name == name) {
            Some(p) => p.years.push(year),
            None => programmes.push(Programme {
                name: name.to_string(),
                years: vec![year],
            }),
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    if programmes.is_empty() {
        return Err(PolicyError::invalid(vec![Diagnostic::error(
            file,
            "no programme rows",
        )
        .at_line(1)
        .with_hint(
            "add one row per programme and fiscal year under the header",
        )]));
    }
    Ok(FundingFile {
        file: file.to_string(),
        programmes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "programme,fiscal_year,announced,allocated,spent,source,basis\n";

    fn errors(body: &str) -> Vec<(u64, Option<usize>, String)> {
        let Err(PolicyError::Invalid(inv)) = parse_funding(&format!("{HEAD}{body}"), "f.csv")
        else {
            panic!("the file must be rejected")
        };
        inv.diagnostics
            .into_iter()
            .map(|d| (d.line.unwrap(), d.column.map(|c| c.0), d.message))
            .collect()
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(FiscalYear::parse("2015-16").unwrap().start, 2015);
        assert_eq!(FiscalYear::parse("1999-00").unwrap().start, 1999);
        assert_eq!(FiscalYear::parse("2015-2016").unwrap().start, 2015);
        assert_eq!(FiscalYear::parse(" 2015 ").unwrap().label, "2015");
        for bad in ["2015-17", "15-16", "20x5", "", "2015-", "2015-1"] {
            assert_eq!(FiscalYear::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_programmes_empty_cells_and_basis() {
        let f = parse_funding(
            &format!("{HEAD}A,2020-21,10,8,6,Budget 2020,published\nB,2020,,5,,,illustrative\nA,2021-22,10,9,9,Budget 2020,published\n"),
            "f.csv",
        )
        .unwrap();
        assert_eq!(f.programmes.len(), 2);
        assert_eq!(f.programmes[0].years.len(), 2);
        assert_eq!(f.programmes[0].years[1].line, 4);
        assert_eq!(f.programmes[1].years[0].announced, None);
        assert_eq!(f.programmes[1].years[0].basis, Basis::Illustrative);
        let no_basis = parse_funding(
            "programme,fiscal_year,announced,allocated,spent,source\nA,2020,1,1,1,x\n",
            "f.csv",
        )
        .unwrap();
        assert_eq!(no_basis.programmes[0].years[0].basis, Basis::Unstated);
    }

    #[test]
    fn every_bad_row_is_located_at_once() {
        let e = errors(
            "A,2020-21,10,8,6,s,published\n\
             A,2019-20,10,8,6,s,published\n\
             A,2020-21,10,8,6,s,published\n\
             B,2020,ten,8,6,s,illustrative\n\
             B,2021,1,1,-1,,published\n\
             B,2022,1,1,1,s,maybe\n",
        );
        let located: Vec<(u64, Option<usize>)> = e.iter().map(|d| (d.0, d.1)).collect();
        assert_eq!(
            located,
            vec![
                (3, Some(2)),
                (4, Some(2)),
                (5, Some(3)),
                (6, Some(5)),
                (6, Some(6)),
                (7, Some(7))
            ]
        );
        assert!(e[0].2.contains("out of order") && e[0].2.contains("line 2"));
        assert!(e[1].2.contains("appears twice") && e[1].2.contains("line 2"));
        assert!(e[3].2.contains("spent is negative"));
    }

    #[test]
    fn a_year_out_of_order_is_reported_beside_a_bad_amount() {
        let e = errors("A,2021-22,100,80,-60,s,published\nA,2020-21,100,100,90,s,published\n");
        let located: Vec<(u64, Option<usize>)> = e.iter().map(|d| (d.0, d.1)).collect();
        assert_eq!(located, vec![(2, Some(5)), (3, Some(2))]);
        assert!(e[1].2.contains("2020-21 comes after 2021-22 (line 2)"));
    }

    #[test]
    fn missing_columns_are_all_named() {
        let Err(PolicyError::Invalid(inv)) =
            parse_funding("programme,year,announced,allocation,spent\n", "f.csv")
        else {
            panic!("missing columns must be rejected")
        };
        let msgs: Vec<&str> = inv.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "missing column `fiscal_year`",
                "missing column `allocated`",
                "missing column `source`",
                // Too far from `fiscal_year` for a did-you-mean, so named on its own; `allocation` is not,
                // being named in the hint of the missing `allocated`.
                "unknown column `year`"
            ]
        );
        assert!(inv.diagnostics[1]
            .hint
            .as_deref()
            .unwrap()
            .contains("allocation"));
    }

    #[test]
    fn an_unknown_column_is_an_error_with_a_did_you_mean() {
        let Err(PolicyError::Invalid(inv)) = parse_funding(
            "programme,fiscal_year,announced,allocated,spent,source,bases,note\nA,2020,1,1,1,s,published,x\n",
            "f.csv",
        ) else {
            panic!("an unknown column must be rejected")
        };
        assert_eq!(inv.diagnostics.len(), 1);
        assert_eq!(inv.diagnostics[0].column, Some((7, "bases".to_string())));
        assert_eq!(
            inv.diagnostics[0].hint.as_deref(),
            Some("did you mean `basis`?")
        );
    }
}
