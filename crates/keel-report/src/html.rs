//! Small text helpers for writing HTML by hand: escaping and human-readable numbers.
//!
//! # Complexity
//! Linear in the length of the text or the number of digits.

/// Escapes text for use in HTML element content and in double-quoted attribute values.
pub fn esc(s: &str) -> String {
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

/// A number with thousands separators: whole units from 100 up, two decimals from 1 to 100, three significant
/// digits below 1 (a demand of 0.003 per day must not read 0), `-` for values that are not finite.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v != 0.0 && v.abs() < 1.0 {
        let decimals = (2 - v.abs().log10().floor() as i32).clamp(2, 9) as usize;
        let s = format!("{v:.decimals$}");
        let s = s.trim_end_matches('0');
        return s.to_string();
    }
    if v.abs() < 100.0 {
        let s = format!("{v:.2}");
        // Keep "0.50" but drop a useless ".00".
        return s.strip_suffix(".00").map(str::to_string).unwrap_or(s);
    }
    let r = v.round();
    let neg = r < 0.0;
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

/// A share (fraction) as a percentage with one decimal; shares that round to 0 but are positive say `<0.1%`.
pub fn pct(share: f64) -> String {
    if !share.is_finite() {
        return "-".into();
    }
    if share > 0.0 && share < 0.0005 {
        return "<0.1%".into();
    }
    format!("{:.1}%", share * 100.0)
}

/// A count with a noun, singular or plural ("1 firm", "3 firms").
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A string usable as an HTML id / CSS class fragment: ASCII letters and digits kept, the rest as `-`.
pub fn slug(s: &str) -> String {
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
        assert_eq!(num(1234567.4), "1,234,567");
        assert_eq!(num(-1234.0), "-1,234");
        assert_eq!(num(100.0), "100");
        assert_eq!(num(650.0), "650");
        assert_eq!(num(12.5), "12.50");
        assert_eq!(num(3.0), "3");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(0.003), "0.003");
        assert_eq!(num(0.012345), "0.0123");
        assert_eq!(num(0.724), "0.724");
        assert_eq!(pct(0.4567), "45.7%");
        assert_eq!(pct(0.0001), "<0.1%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(count(1, "firm", "firms"), "1 firm");
        assert_eq!(slug("plt-lav@x_y"), "plt-lav-x-y");
    }
}
