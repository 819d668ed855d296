//! Located diagnostics: every problem names its file, line and column, says what is wrong and how to fix it.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a model's files.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// File (or workbook sheet) the problem is in, e.g. `inputs.csv` or `model.xlsx[inputs]`.
    pub file: String,
    /// 1-based line (CSV) or row (sheet); the header is line 1.
    pub line: Option<u64>,
    /// 1-based column number and its header name.
    pub column: Option<(usize, String)>,
    pub message: String,
    pub hint: Option<String>,
    /// Errors that follow from this one (rows referring to a row or table it rejected): counted, not listed.
    /// (u32 keeps a diagnostic within the size clippy allows for an error variant.)
    #[serde(skip_serializing_if = "is_zero")]
    pub follow_on: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            follow_on: 0,
        }
    }
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(file, message)
        }
    }
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn at_column(mut self, col: usize, name: impl Into<String>) -> Self {
        self.column = Some((col, name.into()));
        self
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Everything but our own words may come from a damaged file: never send its control bytes to a terminal.
        write!(f, "{sev}: {}", printable(&self.file))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some((c, name)) = &self.column {
            write!(f, ":{c} ({})", quote(name))?;
        }
        write!(f, ": {}", printable(&self.message))?;
        if self.follow_on > 0 {
            write!(
                f,
                "\n  and {} error(s) that follow from it (not listed)",
                thousands(self.follow_on as usize)
            )?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {}", printable(h))?;
        }
        Ok(())
    }
}

/// `s` with every control character written as an escape (`\u{1b}`), so printing it cannot drive a terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A value from a file as quoted in a message: control characters escaped, and cut at 40 characters so that a
/// runaway field (a whole file swallowed by an open quote) cannot flood the screen.
pub fn quote(s: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = s.chars().take(MAX).collect();
    if s.chars().nth(MAX).is_some() {
        out.push_str("...");
    }
    printable(&out).into_owned()
}

/// `n` with thousands separated by commas, e.g. `3,190`.
pub fn thousands(n: usize) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3);
    for (k, ch) in d.chars().enumerate() {
        if k > 0 && (d.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The errors (and any warnings) that stopped a model from loading.
#[derive(Clone, Debug, thiserror::Error, Serialize)]
#[error("{} error(s) in the model", self.error_count())]
pub struct Invalid {
    pub diagnostics: Vec<Diagnostic>,
}

impl Invalid {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
    /// Errors counted under the error they follow from, not listed.
    pub fn follow_on_count(&self) -> usize {
        self.diagnostics.iter().map(|d| d.follow_on as usize).sum()
    }
    /// One line with every count, e.g. `3 error(s) (and 3,190 that follow from them), 2 warning(s)`.
    pub fn headline(&self) -> String {
        let errors = self.error_count();
        let warnings = self.diagnostics.len() - errors;
        let mut s = format!("{} error(s)", thousands(errors));
        let follow = self.follow_on_count();
        if follow > 0 {
            s += &format!(" (and {} that follow from them)", thousands(follow));
        }
        if warnings > 0 {
            s += &format!(", {} warning(s)", thousands(warnings));
        }
        s
    }
}

/// How many diagnostics to print: a flood hides its cause, so by default at most 50 per file and 200 in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub per_file: usize,
    pub total: usize,
}

impl Default for Limit {
    fn default() -> Self {
        Limit {
            per_file: 50,
            total: 200,
        }
    }
}

impl Limit {
    /// The limit for `--max-errors N`: `N` in all and at most 50 (or `N`) per file; 0 shows everything.
    pub fn max_errors(n: usize) -> Self {
        if n == 0 {
            Limit {
                per_file: usize::MAX,
                total: usize::MAX,
            }
        } else {
            Limit {
                per_file: n.min(50),
                total: n,
            }
        }
    }

    /// The diagnostics to print, in order, and how many were left out.
    ///
    /// # Complexity
    /// O(n) for n diagnostics, with one small map of file names.
    pub fn apply<'a>(&self, diags: &'a [Diagnostic]) -> (Vec<&'a Diagnostic>, usize) {
        let mut per_file: std::collections::HashMap<&str, usize> = Default::default();
        let mut shown = Vec::new();
        for d in diags {
            if shown.len() >= self.total {
                break;
            }
            let n = per_file.entry(d.file.as_str()).or_default();
            if *n < self.per_file {
                *n += 1;
                shown.push(d);
            }
        }
        let hidden = diags.len() - shown.len();
        (shown, hidden)
    }
}

/// The closest candidates to a misspelt identifier, for a did-you-mean hint.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    let lw = wanted.to_lowercase();
    for c in candidates {
        let score = strsim::jaro_winkler(&lw, &c.to_lowercase());
        if score > best.map_or(0.0, |b| b.0) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.8).map(|(_, c)| c.to_string())
}
