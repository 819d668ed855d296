//! Small text helpers for writing HTML by hand: escaping, and the shared number formatting re-exported.
//!
//! # Complexity
//! Linear in the length of the text or the number of digits.

/// Escapes text for use in HTML element content and in double-quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

// Numbers, shares and counts are written by the one presentation layer shared with the `keel` command.
pub(crate) use keel_present::{count, num, pct};

/// A string usable as an HTML id / CSS class fragment: ASCII letters and digits kept, the rest as `-`.
pub(crate) fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(slug("plt-lav@x_y"), "plt-lav-x-y");
    }
}
