//! Did-you-mean for names a user types (a platform, regime, scenario or table that does not exist).
//!
//! The suggestion is the known name closest by Jaro-Winkler similarity (strsim), kept when the similarity is at
//! least 0.8, or a known name that contains the typed one (`lav` -> `plt-lav`).
//!
//! # Complexity
//! O(k * l^2) for k known names of length at most l.

/// `"; did you mean `X`?"`, or an empty string when no known name is close.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let mut best: Option<(f64, &str)> = None;
    let wanted_lc = wanted.to_lowercase();
    for k in known {
        // Case does not make a name different to a person typing it (`itar` for `ITAR`).
        let k_lc = k.to_lowercase();
        let mut score = strsim::jaro_winkler(&wanted_lc, &k_lc);
        if !wanted.is_empty() && k_lc.contains(&wanted_lc) {
            score = score.max(0.9);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    match best {
        Some((s, k)) if s >= 0.8 => format!("; did you mean `{k}`?"),
        _ => String::new(),
    }
}

/// Up to `max` names joined by ", ", with "and N more" when there are more.
pub fn list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    if names.is_empty() {
        return "none".into();
    }
    let mut s = names[..names.len().min(max)].join(", ");
    if names.len() > max {
        s.push_str(&format!(" and {} more", names.len() - max));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_close_name_only() {
        let known = ["plt-lav", "plt-frigate", "plt-155mm-shell"];
        assert_eq!(did_you_mean("plt-lv", known), "; did you mean `plt-lav`?");
        assert_eq!(
            did_you_mean("frigate", known),
            "; did you mean `plt-frigate`?"
        );
        assert_eq!(did_you_mean("zzzz", known), "");
        assert_eq!(
            did_you_mean("itar", ["EAR", "ITAR"]),
            "; did you mean `ITAR`?"
        );
        assert_eq!(list(known, 2), "plt-lav, plt-frigate and 1 more");
        assert_eq!(list([], 2), "none");
    }
}
