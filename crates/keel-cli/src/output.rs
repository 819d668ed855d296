//! Printing results: aligned text tables for people, CSV and JSON for programs.

use std::io::Write;

/// How tabular output is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON document on standard output.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// One table of results.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Self {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// Prints one table in the chosen format; `json` is what `--format json` prints instead of the table.
pub fn print(format: Format, table: &Table, json: &serde_json::Value) -> anyhow::Result<()> {
    print_all(format, std::slice::from_ref(table), json)
}

/// Prints several tables (blank line between them; in CSV a `# title` line before each).
pub fn print_all(format: Format, tables: &[Table], json: &serde_json::Value) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, json)?;
            writeln!(out)?;
        }
        Format::Csv => {
            for (k, t) in tables.iter().enumerate() {
                if tables.len() > 1 {
                    if k > 0 {
                        writeln!(out)?;
                    }
                    writeln!(out, "# {}", t.title)?;
                }
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(&t.headers)?;
                for r in &t.rows {
                    w.write_record(r)?;
                }
                w.flush()?;
            }
        }
        Format::Table => {
            for (k, t) in tables.iter().enumerate() {
                if k > 0 {
                    writeln!(out)?;
                }
                write_text(&mut out, t)?;
            }
        }
    }
    Ok(())
}

fn is_number(s: &str) -> bool {
    let s = s.trim_end_matches('%');
    !s.is_empty() && s.replace(',', "").parse::<f64>().is_ok()
}

fn write_text(out: &mut impl Write, t: &Table) -> std::io::Result<()> {
    if !t.title.is_empty() {
        writeln!(out, "{}", t.title)?;
    }
    let n = t.headers.len();
    let mut width: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for r in &t.rows {
        for (c, cell) in r.iter().enumerate().take(n) {
            width[c] = width[c].max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[String]| -> std::io::Result<()> {
        let mut s = String::new();
        for (c, cell) in cells.iter().enumerate().take(n) {
            let pad = width[c].saturating_sub(cell.chars().count());
            if c > 0 {
                s.push_str("  ");
            }
            if is_number(cell) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if c + 1 < n {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &t.headers)?;
    let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
    writeln!(out, "{}", rule.join("  "))?;
    for r in &t.rows {
        line(out, r)?;
    }
    if t.rows.is_empty() {
        writeln!(out, "(none)")?;
    }
    Ok(())
}

/// A number with a sensible number of digits for a table.
pub fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// A share as a percentage with one decimal.
pub fn fmt_pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}
