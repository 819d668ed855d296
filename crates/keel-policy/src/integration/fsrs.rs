//! Reader of the CSIS extract of US federal first-tier subaward reports (FSRS) that touch Canada
//! (`Location_CanadaRelatedFSRScomplete.csv`): one row per subaward report, with the prime contract, the
//! reporting year, the customer agency, where the subaward is performed, the subawardee, CSIS's standardised
//! parent names and sector, and the amounts in current US dollars. `NULL` marks an absent value.
//!
//! The reader keeps every row and records facts only; choices (which rows are "in Canada", what to do with
//! duplicates) belong to [`super::subawards`]. One such fact: the file has no subaward identifier, and some rows
//! are identical in every one of its columns; each row notes the line of the first row it repeats.
//!
//! # Complexity
//! O(rows x columns), with one hash lookup per row for the duplicate check.

use super::cells;
use crate::PolicyError;
use keel_model::Diagnostic;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// One subaward report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subaward {
    /// 1-based line of the row in the file.
    pub line: u64,
    /// CSIS's identifier of the prime contract.
    pub contract: String,
    /// The year the subaward was reported.
    pub year: i32,
    /// The US agency group (`Defense`, `NASA`, ...) and its component (`Army`, `DLA`, ...).
    pub customer: String,
    pub sub_customer: Option<String>,
    /// The subaward's place of performance is in Canada (`IsSubPlaceCanada`).
    pub place_in_canada: bool,
    /// The subawardee is a Canadian vendor (`IsSubVendorCanadian`).
    pub vendor_canadian: bool,
    /// CSIS's standardised parent of the prime contractor (`ParentIDsupplier`).
    pub prime: Option<String>,
    /// The prime awardee's parent DUNS number.
    pub prime_duns: Option<String>,
    /// The subawardee as reported (`SubawardeeName`) and CSIS's standardised parent (`SubParentIDsupplier`).
    pub subawardee: String,
    pub subawardee_parent: Option<String>,
    /// CSIS's sector of the subaward (`CanadaSector`).
    pub sector: Option<String>,
    /// The subaward amount, current US dollars.
    pub amount: f64,
    /// The line of the first earlier row identical to this one in every column, if any.
    pub duplicate_of: Option<u64>,
}

/// The file read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubawardFile {
    pub file: String,
    pub rows: Vec<Subaward>,
}

const COLUMNS: [&str; 13] = [
    "CSIScontractID",
    "SubawardReportYear",
    "Customer",
    "SubCustomer",
    "IsSubPlaceCanada",
    "IsSubVendorCanadian",
    "ParentIDsupplier",
    "PrimeAwardeeParentDuns",
    "SubawardeeName",
    "SubParentIDsupplier",
    "CanadaSector",
    "SubawardAmount",
    "PrimeAwardAmount",
];

/// Reads the file.
pub fn read_fsrs(path: &Path) -> Result<SubawardFile, PolicyError> {
    let bytes = std::fs::read(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_fsrs(&bytes, &cells::display_name(path))
}

/// Reads the file from its bytes; `file` names it in diagnostics. Every bad cell is reported, in file order.
pub fn parse_fsrs(bytes: &[u8], file: &str) -> Result<SubawardFile, PolicyError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(PolicyError::invalid(vec![Diagnostic::error(
                file,
                format!("not readable as CSV: {e}"),
            )
            .at_line(1)]))
        }
    };
    let col = cells::columns(file, &headers, COLUMNS).map_err(PolicyError::invalid)?;
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<Vec<u8>, u64> = HashMap::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                diags.push(crate::csv_diag::unreadable(
                    file,
                    &e,
                    "the file must be comma-separated UTF-8 text",
                ));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.len() != headers.len() {
            diags.push(crate::csv_diag::ragged(
                file,
                line,
                rec.len(),
                headers.len(),
                "every row has one cell per column: a truncated file or a stray comma?",
            ));
            continue;
        }
        let Ok(srec) = csv::StringRecord::from_byte_record(rec.clone()) else {
            diags.push(
                Diagnostic::error(file, "the row is not UTF-8 text")
                    .at_line(line)
                    .with_hint("save the file as UTF-8"),
            );
            continue;
        };
        let cell = |k: usize| srec.get(col[k]).unwrap_or("");
        let mut bad = |k: usize, what: &str, hint: &str| {
            diags.push(cells::bad_cell(
                file,
                line,
                col[k],
                COLUMNS[k],
                format!("`{}` is not {what}", keel_model::diag::quote(cell(k))),
                hint,
            ));
        };
        let year = cell(1).trim().parse::<i32>().ok();
        if year.is_none() {
            bad(1, "a year", "SubawardReportYear is a year such as 2014");
        }
        let flag = |k: usize| match cell(k).trim() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        let place = flag(4);
        if place.is_none() {
            bad(
                4,
                "0 or 1",
                "IsSubPlaceCanada is 1 when the subaward is performed in Canada, else 0",
            );
        }
        let vendor = flag(5);
        if vendor.is_none() {
            bad(
                5,
                "0 or 1",
                "IsSubVendorCanadian is 1 for a Canadian subawardee, else 0",
            );
        }
        let amount = cells::number(cell(11)).filter(|v| *v >= 0.0);
        if amount.is_none() {
            bad(
                11,
                "an amount",
                "SubawardAmount is a non-negative amount in US dollars, e.g. 2125855.0000",
            );
        }
        if cells::text(cell(12)).is_some() && cells::number(cell(12)).is_none() {
            bad(
                12,
                "an amount",
                "PrimeAwardAmount is an amount in US dollars or NULL",
            );
        }
        let customer = cells::text(cell(2));
        if customer.is_none() {
            bad(
                2,
                "an agency",
                "Customer names the US agency group, e.g. Defense",
            );
        }
        let (Some(year), Some(place), Some(vendor), Some(amount), Some(customer)) =
            (year, place, vendor, amount, customer)
        else {
            continue;
        };
        let mut key = Vec::with_capacity(rec.as_slice().len() + rec.len());
        for f in &rec {
            key.extend_from_slice(f);
            key.push(0x1f);
        }
        let duplicate_of = match seen.get(&key) {
            Some(&first) => Some(first),
            None => {
                seen.insert(key, line);
                None
            }
        };
        let opt = |k: usize| cells::text(cell(k)).map(str::to_string);
        rows.push(Subaward {
            line,
            contract: cell(0).trim().to_string(),
            year,
            customer: customer.to_string(),
            sub_customer: opt(3),
            place_in_canada: place,
            vendor_canadian: vendor,
            prime: opt(6),
            prime_duns: opt(7),
            subawardee: cell(8).trim().to_string(),
            subawardee_parent: opt(9),
            sector: opt(10),
            amount,
            duplicate_of,
        });
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    Ok(SubawardFile {
        file: file.to_string(),
        rows,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Three rows in the file's layout (only the columns the reader uses, in another order: it finds them by
    /// name), the third a repeat of the first.
    pub(crate) const SMALL: &str = "\u{feff}CSIScontractID,SubawardReportYear,Customer,SubCustomer,IsSubPlaceCanada,IsSubVendorCanadian,ParentIDsupplier,PrimeAwardeeParentDuns,SubawardeeName,SubParentIDsupplier,CanadaSector,SubawardAmount,PrimeAwardAmount
1,2014,Defense,Army,1,0,GENERAL DYNAMICS,001,ACME CANADA,ACME,Land,100.0000,1000.0000
2,2014,NASA,NASA,0,1,NULL,,MAPLE INC,NULL,NULL,40.5000,0.0000
1,2014,Defense,Army,1,0,GENERAL DYNAMICS,001,ACME CANADA,ACME,Land,100.0000,1000.0000
";

    #[test]
    fn reads_rows_nulls_and_repeats() {
        let f = parse_fsrs(SMALL.as_bytes(), "s.csv").unwrap();
        assert_eq!(f.rows.len(), 3);
        assert_eq!(f.rows[0].prime.as_deref(), Some("GENERAL DYNAMICS"));
        assert_eq!(f.rows[1].prime, None);
        assert_eq!(f.rows[1].prime_duns, None);
        assert_eq!(f.rows[1].sector, None);
        assert_eq!(f.rows[1].amount, 40.5);
        assert!(!f.rows[1].place_in_canada && f.rows[1].vendor_canadian);
        assert_eq!(f.rows[0].duplicate_of, None);
        assert_eq!(f.rows[2].duplicate_of, Some(2));
    }

    #[test]
    fn bad_cells_are_located_and_reported_together() {
        let bad = SMALL
            .replacen("100.0000", "-3", 1)
            .replacen(",0,1,NULL", ",yes,1,NULL", 1)
            .replacen("0.0000\n1,2014", "0.0000\n1,20x4", 1);
        let Err(PolicyError::Invalid(inv)) = parse_fsrs(bad.as_bytes(), "s.csv") else {
            panic!("bad cells must be rejected")
        };
        let found: Vec<(Option<u64>, usize)> = inv
            .diagnostics
            .iter()
            .map(|d| (d.line, d.column.as_ref().unwrap().0))
            .collect();
        assert_eq!(found, vec![(Some(2), 12), (Some(3), 5), (Some(4), 2)]);
    }

    #[test]
    fn a_truncated_row_is_located() {
        let cut = &SMALL[..SMALL.len() - 20];
        let Err(PolicyError::Invalid(inv)) = parse_fsrs(cut.as_bytes(), "s.csv") else {
            panic!("a truncated row must be rejected")
        };
        assert_eq!(inv.diagnostics[0].line, Some(4));
        assert!(inv.diagnostics[0]
            .message
            .contains("cells where the header has 13"));
    }
}
