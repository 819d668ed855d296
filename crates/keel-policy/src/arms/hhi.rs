//! The Herfindahl-Hirschman index of a set of amounts (suppliers' TIV), and the effective number of suppliers.
//!
//! With shares `s_k = v_k / sum(v)` (fractions), on the 0-10,000 scale Keel uses everywhere (as the US
//! Horizontal Merger Guidelines do; keel-see's concentration analysis too):
//!
//! ```text
//! HHI = sum_k (100 s_k)^2                 10,000 = one supplier; 10,000 / n for n equal suppliers
//! effective number = 10,000 / HHI         the number of equal suppliers with the same HHI
//! ```
//!
//! The effective number is the inverse Simpson index (M. O. Hill, "Diversity and evenness", Ecology 54:427-432,
//! 1973; Adelman, "Comment on the H concentration measure as a numbers-equivalent", Review of Economics and
//! Statistics 51:99-101, 1969).
//!
//! # Complexity
//! O(n) for n amounts.

/// The HHI (0-10,000) of non-negative `amounts`; `None` when they sum to zero.
pub fn hhi(amounts: impl IntoIterator<Item = f64> + Clone) -> Option<f64> {
    let total: f64 = amounts.clone().into_iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    Some(
        amounts
            .into_iter()
            .map(|v| {
                let s = 100.0 * v / total;
                s * s
            })
            .sum(),
    )
}

/// The effective number of suppliers, 10,000 / HHI.
pub fn effective_number(hhi: f64) -> f64 {
    10_000.0 / hhi
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_cases() {
        // One supplier: 10,000, one effective supplier.
        assert_eq!(hhi([7.0]), Some(10_000.0));
        // Four equal suppliers: 4 x 25^2 = 2,500, four effective suppliers.
        assert_eq!(hhi([3.0, 3.0, 3.0, 3.0]), Some(2_500.0));
        assert_eq!(effective_number(2_500.0), 4.0);
        // 60/30/10: 3,600 + 900 + 100 = 4,600; 10,000 / 4,600 = 2.1739...
        let h = hhi([60.0, 30.0, 10.0]).unwrap();
        assert!((h - 4_600.0).abs() < 1e-9, "{h}");
        assert!((effective_number(h) - 2.173_913_043_478_261).abs() < 1e-12);
        // 50/50 plus a zero: the zero changes nothing.
        assert_eq!(hhi([5.0, 5.0, 0.0]), Some(5_000.0));
        assert_eq!(hhi([0.0, 0.0]), None);
        assert_eq!(hhi(Vec::<f64>::new()), None);
    }
}
