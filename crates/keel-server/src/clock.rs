//! Wall-clock time as Unix seconds, and its RFC 3339 UTC form for JSON (`2026-12-04T14:05:09Z`).
//!
//! The calendar conversion is Howard Hinnant's `civil_from_days` (proleptic Gregorian calendar, eras of 400
//! years = 146 097 days), from "chrono-Compatible Low-Level Date Algorithms" (2013).
//!
//! # Complexity
//! O(1).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970-01-01T00:00:00Z (0 if the clock is before it).
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `secs` since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // `date -u -d @951825600`: the leap day of a century year divisible by 400.
        assert_eq!(rfc3339(951_825_600), "2000-02-29T12:00:00Z");
        // 2026-12-04 14:05:09 UTC = 20791 days * 86400 + 50709 s.
        assert_eq!(rfc3339(20_791 * 86_400 + 50_709), "2026-12-04T14:05:09Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
