//! Conditional value at risk of a discrete loss distribution.
//!
//! `CVaR_α(L) = min_η η + E[(L - η)⁺] / (1 - α)` (Rockafellar and Uryasev, "Optimization of conditional
//! value-at-risk", *Journal of Risk* 2(3):21-41, 2000): the mean of the worst `1 - α` of the probability mass,
//! the atom at the quantile taken in part. The planner minimises the same expression as an LP; this is the
//! direct evaluation used for reporting and as the tests' oracle.
//!
//! # Complexity
//! O(n log n) for n atoms (one sort).

/// CVaR at level `alpha` in [0, 1) of atoms `(loss, probability)`; probabilities need not sum to 1 (the
/// missing mass is taken as loss 0).
pub fn cvar(atoms: &[(f64, f64)], alpha: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = atoms.iter().copied().filter(|a| a.1 > 0.0).collect();
    let total: f64 = v.iter().map(|a| a.1).sum();
    if total < 1.0 {
        v.push((0.0, 1.0 - total));
    }
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let tail = 1.0 - alpha;
    let (mut mass, mut sum) = (0.0, 0.0);
    for (loss, p) in v {
        let take = p.min(tail - mass);
        if take <= 0.0 {
            break;
        }
        sum += take * loss;
        mass += take;
    }
    sum / tail
}

#[cfg(test)]
mod tests {
    use super::cvar;

    /// Losses 100 (p 0.05), 40 (0.15), 0 (0.8). At α = 0.9 the tail of 0.1 holds all of the 100-atom and 0.05
    /// of the 40-atom: (0.05·100 + 0.05·40) / 0.1 = 70. At α = 0: the mean, 5 + 6 = 11. At α = 0.95: 100.
    #[test]
    fn hand_computed_tails() {
        let atoms = [(40.0, 0.15), (100.0, 0.05)];
        assert!((cvar(&atoms, 0.9) - 70.0).abs() < 1e-12);
        assert!((cvar(&atoms, 0.0) - 11.0).abs() < 1e-12);
        assert!((cvar(&atoms, 0.95) - 100.0).abs() < 1e-9);
    }

    /// The minimisation form agrees: scan η over the atoms' losses (the minimum is at a quantile).
    #[test]
    fn equals_the_rockafellar_uryasev_minimum() {
        let atoms: [(f64, f64); 5] = [(3.0, 0.1), (7.0, 0.2), (1.0, 0.3), (9.0, 0.05), (0.0, 0.35)];
        for alpha in [0.0, 0.3, 0.5, 0.8, 0.9, 0.97] {
            let ru = atoms
                .iter()
                .map(|&(eta, _)| {
                    eta + atoms
                        .iter()
                        .map(|&(l, p)| p * (l - eta).max(0.0))
                        .sum::<f64>()
                        / (1.0 - alpha)
                })
                .fold(f64::INFINITY, f64::min);
            assert!((cvar(&atoms, alpha) - ru).abs() < 1e-12, "alpha {alpha}");
        }
    }
}
