//! One module per subcommand.

pub mod check;
pub mod concentration;
pub mod controls;
pub mod convert;
pub mod criticality;
pub mod exposure;
pub mod generate;
pub mod import;
pub mod montecarlo;
pub mod mrio;
pub mod report;
pub mod simulate;
pub mod stress;

/// A number for the LP and simulation tables: integers without decimals, others with up to 4 significant
/// decimals.
pub(crate) fn fmt_num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A time to survive for tables: `>=` marks the horizon bound.
pub(crate) fn fmt_tts(t: &keel_lp::Tts) -> String {
    if t.at_least {
        format!(">={}", fmt_num(t.value))
    } else {
        fmt_num(t.value)
    }
}
