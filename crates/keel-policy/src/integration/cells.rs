//! Cell readers shared by the CSIS file readers: numbers as the files print them, `NULL` as absence, and the
//! located diagnostic for a cell that is neither.

use keel_model::Diagnostic;

/// A number as the CSIS and USITC files print it: optional spaces around it, thousands commas
/// (`"128,269,919"`), an optional decimal part (`"87,970,741,250.00"`) or scientific notation (`1.13887E+11`).
/// `None` for anything else (the caller locates the error).
pub(crate) fn number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    let cleaned: String = t.chars().filter(|&c| c != ',').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `true` when a cell written in scientific notation carries fewer digits than the value it stands for (the
/// spreadsheet that wrote the USITC civilian rows kept six significant figures).
pub(crate) fn is_rounded(cell: &str) -> bool {
    cell.contains(['E', 'e'])
}

/// `None` for the SQL-export absence markers (`NULL`, empty), the trimmed text otherwise.
pub(crate) fn text(cell: &str) -> Option<&str> {
    let t = cell.trim();
    (!t.is_empty() && t != "NULL").then_some(t)
}

/// A located error for one cell, with the hint that says what the column holds.
pub(crate) fn bad_cell(
    file: &str,
    line: u64,
    col: usize,
    header: &str,
    message: String,
    hint: &str,
) -> Diagnostic {
    Diagnostic::error(file, message)
        .at_line(line)
        .at_column(col + 1, header)
        .with_hint(hint)
}

/// Column positions by header name; every missing column is one located error on line 1, with a
/// did-you-mean where a header is close.
pub(crate) fn columns<const N: usize>(
    file: &str,
    headers: &csv::StringRecord,
    wanted: [&str; N],
) -> Result<[usize; N], Vec<Diagnostic>> {
    let names: Vec<&str> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim())
        .collect();
    let mut out = [0; N];
    let mut missing = Vec::new();
    for (k, w) in wanted.iter().enumerate() {
        match names.iter().position(|h| h == w) {
            Some(p) => out[k] = p,
            None => {
                let mut d = Diagnostic::error(file, format!("missing column `{w}`")).at_line(1);
                d = match keel_model::diag::did_you_mean(w, names.iter().copied()) {
                    Some(c) => {
                        d.with_hint(format!("a column `{c}` is present: is it `{w}` renamed?"))
                    }
                    None => d.with_hint(format!("the header must name a column `{w}`")),
                };
                missing.push(d);
            }
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// The name a diagnostic gives a file: its path as the caller wrote it.
pub(crate) fn display_name(path: &std::path::Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_the_files_print_them() {
        assert_eq!(
            number("\"128,269,919\"".trim_matches('"')),
            Some(128_269_919.0)
        );
        assert_eq!(number(" 87,970,741,250.00 "), Some(87_970_741_250.0));
        assert_eq!(number("1.13887E+11"), Some(113_887_000_000.0));
        assert_eq!(number("413618770"), Some(413_618_770.0));
        assert_eq!(number("NULL"), None);
        assert_eq!(number(""), None);
        assert_eq!(number("inf"), None);
        assert!(is_rounded("1.13887E+11") && !is_rounded("128,269,919"));
        assert_eq!(text(" NULL "), None);
        assert_eq!(text(" Air "), Some("Air"));
    }
}
