//! Cell parsing shared by every row parser: column lookup, numbers with their rules and bounds, ids and
//! references (with the bookkeeping that counts, rather than repeats, errors that follow from another).

use super::names::Names;
use super::schema::{bound_of, Num};
use super::Builder;
use crate::diag::{quote, Diagnostic};
use crate::kind::ElementKind;
use crate::table::StringRecord;

/// Column positions of one table, and the cursor for diagnostics.
pub(super) struct Cols {
    pub(super) file: String,
    pub(super) pos: Vec<Option<usize>>,
    pub(super) names: &'static [(&'static str, bool)],
    pub(super) line: u64,
}

impl Cols {
    pub(super) fn field<'r>(&self, rec: &'r StringRecord, c: usize) -> &'r str {
        self.pos[c]
            .and_then(|p| rec.get(p))
            .map(str::trim)
            .unwrap_or("")
    }
    pub(super) fn err(&self, c: usize, msg: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(&self.file, msg).at_line(self.line);
        match self.pos[c] {
            Some(p) => d.at_column(p + 1, self.names[c].0),
            None => d,
        }
    }
}

impl Builder {
    pub(super) fn num(
        &mut self,
        cols: &Cols,
        rec: &StringRecord,
        c: usize,
        rule: Num,
    ) -> Result<Option<f64>, ()> {
        let text = cols.field(rec, c);
        if text.is_empty() {
            return Ok(None);
        }
        let v: f64 = match text.parse() {
            Ok(v) if f64::is_finite(v) => v,
            _ => {
                self.diags.push(
                    cols.err(c, format!("`{}` is not a number", quote(text)))
                        .with_hint(
                        "write a plain decimal such as 12.5 (no units, no thousands separators)",
                    ),
                );
                return Err(());
            }
        };
        let (ok, want) = match rule {
            Num::NonNeg => (v >= 0.0, "zero or more"),
            Num::Positive => (v > 0.0, "greater than zero"),
            Num::Unit => ((0.0..=1.0).contains(&v), "between 0 and 1"),
            Num::Lat => ((-90.0..=90.0).contains(&v), "a latitude between -90 and 90"),
            Num::Lon => (
                (-180.0..=180.0).contains(&v),
                "a longitude between -180 and 180",
            ),
        };
        if !ok {
            self.diags
                .push(cols.err(c, format!("{v} is out of range: it must be {want}")));
            return Err(());
        }
        let column = cols.names[c].0;
        if let Some(b) = bound_of(column).filter(|b| v > b.max) {
            self.diags.push(
                cols.err(
                    c,
                    format!(
                        "{v:e} is beyond the bound of `{column}`: at most {:e} ({})",
                        b.max, b.unit
                    ),
                )
                .with_hint(
                    "check the unit and the decimal point; an unlimited capacity is an empty cell",
                ),
            );
            return Err(());
        }
        Ok(Some(v))
    }

    pub(super) fn required_num(
        &mut self,
        cols: &Cols,
        rec: &StringRecord,
        c: usize,
        rule: Num,
    ) -> Result<f64, ()> {
        match self.num(cols, rec, c, rule)? {
            Some(v) => Ok(v),
            None => {
                self.diags.push(
                    cols.err(c, format!("`{}` is empty", cols.names[c].0))
                        .with_hint("give a number"),
                );
                Err(())
            }
        }
    }

    pub(super) fn id(&mut self, cols: &Cols, rec: &StringRecord, c: usize) -> Result<String, ()> {
        self.id_ref(cols, rec, c).map(str::to_string)
    }

    pub(super) fn id_ref<'r>(
        &mut self,
        cols: &Cols,
        rec: &'r StringRecord,
        c: usize,
    ) -> Result<&'r str, ()> {
        let v = cols.field(rec, c);
        if v.is_empty() {
            self.diags
                .push(cols.err(c, format!("`{}` is empty", cols.names[c].0)));
            return Err(());
        }
        Ok(v)
    }

    pub(super) fn names(&self, kind: ElementKind) -> &Names {
        match kind {
            ElementKind::Country => &self.country_names,
            ElementKind::Firm => &self.firm_names,
            ElementKind::Site => &self.site_names,
            ElementKind::Item => &self.item_names,
            ElementKind::Stage => &self.stage_names,
            ElementKind::Lane => &self.lane_names,
            ElementKind::Bloc => &self.blocs,
            ElementKind::Chokepoint => &self.chokes,
            ElementKind::Regime => &self.regime_names,
        }
    }

    /// Whether an unknown reference follows from an earlier error (its row was rejected, or its table could
    /// not be read in full); if so it is counted under that error, and the row under its cause.
    pub(super) fn follows(&mut self, kind: ElementKind, v: &str) -> bool {
        // Chokepoints exist through the lanes that name them, blocs through the countries that carry them.
        let source = match kind {
            ElementKind::Chokepoint => Some(ElementKind::Lane),
            ElementKind::Bloc => Some(ElementKind::Country),
            _ => None,
        };
        let root = self
            .rejected
            .get(&(kind, v.to_string()))
            .or_else(|| self.failed.get(&kind))
            .or_else(|| source.and_then(|k| self.failed.get(&k)))
            .copied();
        let Some(root) = root else {
            return false;
        };
        self.follow(root);
        self.row_cause.get_or_insert(root);
        true
    }

    /// Resolves a reference to an element of `kind` that has its own table.
    /// The hit path allocates nothing: it runs once per field of a million-row inputs table.
    pub(super) fn resolve(
        &mut self,
        cols: &Cols,
        rec: &StringRecord,
        c: usize,
        kind: ElementKind,
    ) -> Result<u32, ()> {
        let v = self.id_ref(cols, rec, c)?;
        if let Some(i) = self.names(kind).get(v) {
            return Ok(i);
        }
        if self.follows(kind, v) {
            return Err(());
        }
        let hint = match self.names(kind).suggest(v) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "add it to {}.csv or correct the reference",
                kind.table().unwrap_or(kind.plural())
            ),
        };
        self.diags.push(
            cols.err(c, format!("unknown {kind} `{}`", quote(v)))
                .with_hint(hint),
        );
        Err(())
    }

    /// Reports `v` as a duplicate when an accepted row already gave it; returns whether it is new.
    pub(super) fn unique(
        &mut self,
        cols: &Cols,
        c: usize,
        v: &str,
        kind: ElementKind,
        first_exists: bool,
    ) -> bool {
        if first_exists {
            let first = self
                .names(kind)
                .get(v)
                .map(|i| self.names(kind).line(i))
                .unwrap_or(0);
            self.diags.push(
                cols.err(
                    c,
                    format!("duplicate id `{}`: first given on line {first}", quote(v)),
                )
                .with_hint("ids must be unique within a file; rename one or merge the rows"),
            );
            self.rejected.remove(&(kind, v.to_string()));
            return false;
        }
        true
    }

    /// Records that the row giving `id` was rejected: references to it follow from the row's first error, or
    /// from what that row itself referred to.
    pub(super) fn reject(&mut self, kind: ElementKind, id: String) {
        let root = if self.diags.len() > self.row_mark {
            Some(self.row_mark)
        } else {
            self.row_cause
        };
        if let Some(r) = root {
            self.rejected.insert((kind, id), r);
        }
    }
}
