//! Reader of SIPRI's trade register as SIPRI's web export writes it (`trade-register.csv`).
//!
//! The file is Latin-1 (ISO 8859-1), not UTF-8: each byte is the code point of the same value, so decoding is
//! one `char` per byte and cannot fail. Eleven preamble lines (what the register covers, conventions, the
//! generation date) precede the header; the header is found by its first two names (`Recipient,Supplier`)
//! within the first 30 lines, and its 16 names are checked. A `?` in the unnamed column after the order year,
//! the number ordered or the number delivered marks the figure as uncertain; an empty number ordered or TIV
//! means not available. A comment that holds a line break is written unquoted by SIPRI's export, so its
//! record is split over two lines (4 records in the March 2025 file); such a record is joined back when its
//! two parts add up to the 16 fields, and counted. Any other short record is an error (a truncated file), and
//! so is a last line without a line end (a file cut inside a record's last field would otherwise read).
//!
//! # Complexity
//! Linear in the file (3.8 MB, 29,500 deals).

use crate::PolicyError;
use keel_model::Diagnostic;
use serde::Serialize;
use std::path::Path;

/// The header's 16 names, trimmed (the marker columns are named by a single space).
pub const HEADER: [&str; 16] = [
    "Recipient",
    "Supplier",
    "Year of order",
    "",
    "Number ordered",
    "",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    "",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
];

/// One deal (one row of the register).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deal {
    pub recipient: String,
    pub supplier: String,
    pub order_year: u16,
    pub order_year_uncertain: bool,
    pub number_ordered: Option<u32>,
    pub number_ordered_uncertain: bool,
    pub designation: String,
    pub description: String,
    pub number_delivered: Option<u32>,
    pub number_delivered_uncertain: bool,
    /// The years with deliveries, as listed (`2010; 2012`).
    pub delivery_years: Vec<u16>,
    /// `New`, `Second hand`, `Second hand but modernized`.
    pub status: String,
    pub tiv_per_unit: Option<f64>,
    pub tiv_order: Option<f64>,
    /// TIV of the weapons delivered (`0`: between 0 and 0.5; `None`: no deliveries identified).
    pub tiv_delivered: Option<f64>,
    /// 1-based line of the record in the file.
    pub line: u64,
}

/// The register as read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Register {
    /// The file read.
    pub file: String,
    /// The generation date SIPRI prints in the preamble (`13 Mar 2025 10:02:49 AM`).
    pub generated: Option<String>,
    pub deals: Vec<Deal>,
    /// Records split over two lines by a line break in their comment, joined back.
    pub joined_records: usize,
}

/// Reads the register at `path`.
pub fn read(path: &Path) -> Result<Register, PolicyError> {
    let bytes = std::fs::read(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    parse(&bytes, &file)
}

/// Latin-1 to UTF-8: byte `b` is code point `U+00bb`.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Parses the register's bytes; `file` names it in messages.
pub fn parse(bytes: &[u8], file: &str) -> Result<Register, PolicyError> {
    let text = latin1(bytes);
    // Find the header line and the generation date in the preamble.
    let mut offset = 0usize;
    let mut header_line = None;
    let mut generated = None;
    for (k, line) in text.split_inclusive('\n').take(30).enumerate() {
        let l = line.trim_end_matches(['\r', '\n']);
        if let Some(d) = l.strip_prefix("Data generated:") {
            generated = Some(d.trim().to_string());
        }
        if l.starts_with("Recipient,Supplier") {
            header_line = Some((k as u64 + 1, l.to_string()));
            offset += line.len();
            break;
        }
        offset += line.len();
    }
    let Some((hline, header)) = header_line else {
        return Err(PolicyError::invalid(vec![Diagnostic::error(
            file,
            "no header line `Recipient,Supplier,...` in the first 30 lines",
        )
        .with_hint(
            "expected SIPRI's trade register as exported (CSV, 11 preamble lines, then the header); the file may \
             be empty, truncated or another file",
        )]));
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let mut diags = Vec::new();
    for (c, want) in HEADER.iter().enumerate() {
        let got = names.get(c).copied().unwrap_or("(missing)");
        if got != *want {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("header column {} is `{got}`, expected `{want}`", c + 1),
                )
                .at_line(hline)
                .at_column(c + 1, got)
                .with_hint(format!(
                    "SIPRI's trade register has the 16 columns: {}",
                    HEADER
                        .map(|h| if h.is_empty() {
                            "(blank: the ? marker)"
                        } else {
                            h
                        })
                        .join(", ")
                )),
            );
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&text.as_bytes()[offset..]);
    let mut records: Vec<(u64, csv::StringRecord)> = Vec::new();
    for r in rdr.records() {
        match r {
            Ok(r) => {
                let line = hline + r.position().map_or(0, csv::Position::line);
                records.push((line, r));
            }
            Err(e) => {
                let line = hline + e.position().map_or(0, csv::Position::line);
                diags.push(
                    Diagnostic::error(file, format!("not a readable CSV line: {e}")).at_line(line),
                );
                return Err(PolicyError::invalid(diags));
            }
        }
    }
    let mut deals = Vec::with_capacity(records.len());
    let mut joined = 0usize;
    let mut k = 0;
    while k < records.len() {
        let (line, rec) = &records[k];
        k += 1;
        if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        let fields: Vec<String> = if rec.len() >= HEADER.len() {
            rec.iter().map(str::to_string).collect()
        } else {
            // A comment with a line break: the rest of the record is the next line, starting with the rest
            // of the comment.
            match records.get(k) {
                Some((_, next)) if rec.len() + next.len() - 1 == HEADER.len() && rec.len() > 1 => {
                    k += 1;
                    joined += 1;
                    let mut f: Vec<String> = rec.iter().map(str::to_string).collect();
                    let last = f.pop().unwrap_or_default();
                    f.push(format!("{last}\n{}", next.get(0).unwrap_or("")));
                    f.extend(next.iter().skip(1).map(str::to_string));
                    f
                }
                _ => {
                    diags.push(
                        Diagnostic::error(
                            file,
                            format!("{} fields, expected {}", rec.len(), HEADER.len()),
                        )
                        .at_line(*line)
                        .with_hint(
                            "the register looks truncated or damaged; export it again from SIPRI's Arms \
                             Transfers Database (trade register, CSV)",
                        ),
                    );
                    continue;
                }
            }
        };
        if fields.len() > HEADER.len() {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("{} fields, expected {}", fields.len(), HEADER.len()),
                )
                .at_line(*line)
                .with_hint("a field holds an unquoted comma"),
            );
            continue;
        }
        match deal(&fields, *line, file) {
            Ok(d) => deals.push(d),
            Err(mut ds) => diags.append(&mut ds),
        }
    }
    // SIPRI ends every line with a line end: a last line without one was cut, maybe inside its last field,
    // where a shorter number would still read (`162.5` cut to `16`).
    if !bytes.ends_with(b"\n") {
        // One error a line: a cut that left too few fields is already reported.
        if let Some((line, _)) = records
            .last()
            .filter(|(l, _)| !diags.iter().any(|d| d.line == Some(*l)))
        {
            diags.push(
                Diagnostic::error(file, "the last line has no line end: the register looks truncated")
                    .at_line(*line)
                    .with_hint(
                        "export it again from SIPRI's Arms Transfers Database; if you edited it, end the last line",
                    ),
            );
        }
    }
    if !diags.is_empty() {
        return Err(PolicyError::invalid(diags));
    }
    if deals.is_empty() {
        return Err(PolicyError::invalid(vec![Diagnostic::error(
            file,
            "no deals after the header",
        )
        .at_line(hline)
        .with_hint("the register looks truncated")]));
    }
    Ok(Register {
        file: file.to_string(),
        generated,
        deals,
        joined_records: joined,
    })
}

/// One record's fields as a deal, or every problem in it.
fn deal(f: &[String], line: u64, file: &str) -> Result<Deal, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let at = |c: usize, msg: String| {
        let name = if HEADER[c].is_empty() { "?" } else { HEADER[c] };
        Diagnostic::error(file, msg)
            .at_line(line)
            .at_column(c + 1, name)
    };
    let marker = |c: usize, diags: &mut Vec<Diagnostic>| match f[c].trim() {
        "" => false,
        "?" => true,
        other => {
            diags.push(at(
                c,
                format!("`{}` is not `?` or empty", keel_model::diag::quote(other)),
            ));
            false
        }
    };
    let int = |c: usize, diags: &mut Vec<Diagnostic>| -> Option<u32> {
        let s = f[c].trim();
        if s.is_empty() {
            return None;
        }
        s.parse()
            .map_err(|_| {
                diags.push(at(
                    c,
                    format!("`{}` is not a whole number", keel_model::diag::quote(s)),
                ));
            })
            .ok()
    };
    let tiv = |c: usize, diags: &mut Vec<Diagnostic>| -> Option<f64> {
        let s = f[c].trim();
        if s.is_empty() {
            return None;
        }
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => {
                diags.push(at(
                    c,
                    format!(
                        "`{}` is not a TIV (a number, 0 or more)",
                        keel_model::diag::quote(s)
                    ),
                ));
                None
            }
        }
    };
    let year = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
    };
    if f[0].trim().is_empty() {
        diags.push(at(0, "empty recipient".into()));
    }
    if f[1].trim().is_empty() {
        diags.push(at(1, "empty supplier".into()));
    }
    let order_year = year(&f[2]).unwrap_or_else(|| {
        diags.push(at(
            2,
            format!("`{}` is not a year", keel_model::diag::quote(&f[2])),
        ));
        0
    });
    let order_year_uncertain = marker(3, &mut diags);
    let number_ordered = int(4, &mut diags);
    let number_ordered_uncertain = marker(5, &mut diags);
    let number_delivered = int(8, &mut diags);
    let number_delivered_uncertain = marker(9, &mut diags);
    let mut delivery_years = Vec::new();
    for part in f[10].split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match year(part) {
            Some(y) => delivery_years.push(y),
            None => diags.push(at(
                10,
                format!("`{}` is not a year", keel_model::diag::quote(part)),
            )),
        }
    }
    let tiv_per_unit = tiv(13, &mut diags);
    let tiv_order = tiv(14, &mut diags);
    let tiv_delivered = tiv(15, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Deal {
        recipient: f[0].trim().to_string(),
        supplier: f[1].trim().to_string(),
        order_year,
        order_year_uncertain,
        number_ordered,
        number_ordered_uncertain,
        designation: f[6].clone(),
        description: f[7].clone(),
        number_delivered,
        number_delivered_uncertain,
        delivery_years,
        status: f[11].clone(),
        tiv_per_unit,
        tiv_order,
        tiv_delivered,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREAMBLE: &str = "Transfers of major conventional arms\nA '?' ...\n\n\n\n\n\n\n\nSource: SIPRI\nData generated: 13 Mar 2025 10:02:49 AM\n";
    const HEAD: &str = "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons\n";

    fn file(rows: &str) -> Vec<u8> {
        format!("{PREAMBLE}{HEAD}{rows}").into_bytes()
    }

    #[test]
    fn reads_markers_blanks_and_latin1() {
        let mut bytes = file("Canada,United States,2019,?,88,?,F/A-18,FGA aircraft,25,,2019; 2021,Second hand,ex-Australian,6.5,572,162.5\n");
        // A Latin-1 e-acute (0xE9) in a comment.
        bytes
            .extend_from_slice(b"Cote d'Ivoire,France,2020,,2,,VAB,APC,,,,New,d\xe9j\xe0,0.5,1,\n");
        let r = parse(&bytes, "t.csv").unwrap();
        assert_eq!(r.generated.as_deref(), Some("13 Mar 2025 10:02:49 AM"));
        assert_eq!(r.deals.len(), 2);
        let d = &r.deals[0];
        assert_eq!((d.order_year, d.order_year_uncertain), (2019, true));
        assert_eq!(
            (d.number_ordered, d.number_ordered_uncertain),
            (Some(88), true)
        );
        assert_eq!(d.delivery_years, vec![2019, 2021]);
        assert_eq!(d.tiv_delivered, Some(162.5));
        assert_eq!(d.line, 13);
        let e = &r.deals[1];
        assert_eq!((e.number_delivered, e.tiv_delivered), (None, None));
        assert!(e.delivery_years.is_empty());
    }

    #[test]
    fn a_comment_broken_over_two_lines_is_joined() {
        let r = parse(
            &file("Benin,United States,2024,?,12,?,engine,vehicle engine,0,,,New,for 12 APC\n,0.03,0.36,0\nChad,France,2000,,1,,X,Y,1,,2001,New,,1,1,1\n"),
            "t.csv",
        )
        .unwrap();
        assert_eq!(r.joined_records, 1);
        assert_eq!(r.deals.len(), 2);
        assert_eq!(r.deals[0].tiv_order, Some(0.36));
        assert_eq!(r.deals[1].line, 15);
    }

    #[test]
    fn a_truncated_register_is_a_located_error() {
        let e = parse(
            &file("Canada,United States,2019,?,88,?,F/A-18,FGA aircraft,25,,2019; 2021,Second\n"),
            "t.csv",
        )
        .unwrap_err();
        let PolicyError::Invalid(inv) = e else {
            panic!("{e}")
        };
        assert_eq!(inv.diagnostics[0].line, Some(13));
        assert!(
            inv.diagnostics[0]
                .message
                .contains("12 fields, expected 16"),
            "{}",
            inv.diagnostics[0]
        );
        let e = parse(PREAMBLE.as_bytes(), "t.csv").unwrap_err();
        assert!(e.to_string().contains("1 error"), "{e}");
    }

    #[test]
    fn every_truncation_ends_in_deals_or_located_errors() {
        let bytes = file(
            "Canada,United States,2019,?,88,?,F/A-18,FGA aircraft,25,,2019; 2021,Second hand,ex-Australian,6.5,572,162.5\n\
             Benin,United States,2024,?,12,?,engine,vehicle engine,0,,,New,for 12 APC\n,0.03,0.36,0\n",
        );
        for cut in 0..bytes.len() {
            match parse(&bytes[..cut], "t.csv") {
                // Only a cut at the end of a line reads: a cut inside one is an error.
                Ok(r) => assert!(!r.deals.is_empty() && bytes[cut - 1] == b'\n', "cut {cut}"),
                Err(PolicyError::Invalid(inv)) => {
                    assert!(
                        inv.error_count() > 0 && inv.diagnostics.iter().all(|d| d.file == "t.csv")
                    );
                }
                Err(e) => panic!("cut {cut}: {e}"),
            }
        }
    }

    #[test]
    fn bad_numbers_are_located_by_column() {
        let e = parse(&file("Canada,United States,20x9,?,88,?,F/A-18,FGA aircraft,25,,2019,New,,6.5,abc,162.5\n"), "t.csv")
            .unwrap_err();
        let PolicyError::Invalid(inv) = e else {
            panic!("{e}")
        };
        let cols: Vec<usize> = inv
            .diagnostics
            .iter()
            .map(|d| d.column.as_ref().unwrap().0)
            .collect();
        assert_eq!(cols, vec![3, 15]);
    }
}
