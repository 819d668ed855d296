//! The kinds of element a scenario can disrupt and an analysis can rank: one vocabulary for every crate.
//!
//! The same nine words name scenario targets in `scenarios.csv`, the `--each`/`--kind` options of the command
//! line and the rows of reports, so they are defined once here with their plural and parsing.

use crate::diag::did_you_mean;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A kind of model element: what a [`crate::Target`] points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ElementKind {
    Stage,
    Site,
    Firm,
    Country,
    Bloc,
    Lane,
    Chokepoint,
    Regime,
    Item,
}

impl ElementKind {
    /// Every kind, in the order of `Target`'s variants (and of the format documentation).
    pub const ALL: [ElementKind; 9] = [
        ElementKind::Stage,
        ElementKind::Site,
        ElementKind::Firm,
        ElementKind::Country,
        ElementKind::Bloc,
        ElementKind::Lane,
        ElementKind::Chokepoint,
        ElementKind::Regime,
        ElementKind::Item,
    ];

    /// The word used in files and on the command line, e.g. `chokepoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Stage => "stage",
            ElementKind::Site => "site",
            ElementKind::Firm => "firm",
            ElementKind::Country => "country",
            ElementKind::Bloc => "bloc",
            ElementKind::Lane => "lane",
            ElementKind::Chokepoint => "chokepoint",
            ElementKind::Regime => "regime",
            ElementKind::Item => "item",
        }
    }

    /// The plural, for headings and counts, e.g. `countries`.
    pub fn plural(self) -> &'static str {
        match self {
            ElementKind::Stage => "stages",
            ElementKind::Site => "sites",
            ElementKind::Firm => "firms",
            ElementKind::Country => "countries",
            ElementKind::Bloc => "blocs",
            ElementKind::Lane => "lanes",
            ElementKind::Chokepoint => "chokepoints",
            ElementKind::Regime => "regimes",
            ElementKind::Item => "items",
        }
    }

    /// The table that lists elements of this kind, for kinds that have their own file.
    pub fn table(self) -> Option<&'static str> {
        match self {
            ElementKind::Stage => Some("stages"),
            ElementKind::Site => Some("sites"),
            ElementKind::Firm => Some("firms"),
            ElementKind::Country => Some("countries"),
            ElementKind::Lane => Some("lanes"),
            ElementKind::Item => Some("items"),
            ElementKind::Bloc | ElementKind::Chokepoint | ElementKind::Regime => None,
        }
    }

    /// The words of every kind joined by `, `, for hints.
    pub fn list() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl fmt::Display for ElementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no element kind; says which were meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKind {
    pub given: String,
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown element kind `{}`",
            crate::diag::quote(&self.given)
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        write!(f, "; use one of {}", ElementKind::list())
    }
}

impl std::error::Error for UnknownKind {}

impl FromStr for ElementKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, UnknownKind> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| UnknownKind {
                given: s.to_string(),
                suggestion: did_you_mean(t, Self::ALL.iter().map(|k| k.as_str())),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_plurals() {
        for k in ElementKind::ALL {
            assert_eq!(k.as_str().parse::<ElementKind>(), Ok(k));
        }
        assert_eq!(ElementKind::Country.plural(), "countries");
        assert_eq!(ElementKind::Chokepoint.to_string(), "chokepoint");
    }

    /// `Disrupted::key` orders as the names `kind id` do only while no word is a prefix of another.
    #[test]
    fn no_kind_word_is_a_prefix_of_another() {
        let words: Vec<&str> = ElementKind::ALL
            .iter()
            .map(|k| k.as_str())
            .chain(["scenario"])
            .collect();
        for a in &words {
            for b in &words {
                assert!(a == b || !b.starts_with(a), "{a} is a prefix of {b}");
            }
        }
    }

    #[test]
    fn unknown_word_suggests_the_closest_kind() {
        let e = "chokpoint".parse::<ElementKind>().unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("chokepoint"));
        assert_eq!(
            e.to_string(),
            "unknown element kind `chokpoint` (did you mean `chokepoint`?); use one of stage, site, \
             firm, country, bloc, lane, chokepoint, regime, item"
        );
        assert_eq!(
            "firms"
                .parse::<ElementKind>()
                .unwrap_err()
                .suggestion
                .as_deref(),
            Some("firm")
        );
        assert_eq!("zzz".parse::<ElementKind>().unwrap_err().suggestion, None);
    }
}
