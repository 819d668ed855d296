//! Disclosure control checked on hand cases and, over random tables, against an independent criterion: in a
//! two-way table with all its margins and positive cells, a hidden cell can be worked out exactly from the
//! published ones if and only if it is a bridge of the graph whose nodes are the grid's rows and columns and
//! whose edges are the hidden cells (a flow along a cycle of hidden cells keeps every total; a bridge carries
//! none). The LP audit must agree with that graph test, and `protect` must leave no sensitive cell exposed.

use keel_disclosure::{audit, primary, protect, CellIx, Reason, Rule, Status, Table};
use proptest::prelude::*;

fn published(v: f64) -> Status {
    Status::Published { value: v }
}

fn hidden(reason: Reason) -> Status {
    Status::Suppressed { reason }
}

#[test]
fn one_row_hides_the_smallest_other_cell() {
    // A: one firm, 50. B: four firms, 30. C: three firms, 7 + 7 + 6 = 20. The total, 100, has eight firms, the
    // largest 50%.
    let mut t = Table::new(1, 3);
    t.add(0, 0, 1, 50.0).unwrap();
    for k in 2..6 {
        t.add(0, 1, k, 7.5).unwrap();
    }
    for (k, v) in [(6, 7.0), (7, 7.0), (8, 6.0)] {
        t.add(0, 2, k, v).unwrap();
    }
    let p = protect(&t, &Rule::default()).unwrap();
    assert_eq!((p.rows, p.cols), (1, 4));
    assert_eq!(p.get(0, 0), hidden(Reason::TooFew));
    assert_eq!(p.get(0, 1), published(30.0));
    assert_eq!(p.get(0, 2), hidden(Reason::Complementary));
    assert_eq!(p.get(0, 3), published(100.0));
    // A + C = 100 - 30 = 70: A could be anything from 0 to 70.
    assert_eq!(p.ranges.len(), 1);
    let (cell, iv) = p.ranges[0];
    assert_eq!(cell, CellIx { row: 0, col: 0 });
    assert!(
        iv.low.abs() < 1e-9 && (iv.high - 70.0).abs() < 1e-9,
        "{iv:?}"
    );
}

#[test]
fn two_way_table_hides_a_rectangle() {
    // Inner cells 10 (one firm), 20, 30, 40 (three firms each, all distinct): the lone firm's cell is hidden,
    // then row 0's cheapest other cell (20, before the row total 30), column 0's (30, before 40), and row 1's
    // (40, before 70). Every inner cell hidden, every margin published.
    let mut t = Table::new(2, 2);
    t.add(0, 0, 1, 10.0).unwrap();
    let mut firm = 2;
    for (r, c, v) in [(0, 1, 20.0), (1, 0, 30.0), (1, 1, 40.0)] {
        for _ in 0..3 {
            t.add(r, c, firm, v / 3.0).unwrap();
            firm += 1;
        }
    }
    let p = protect(&t, &Rule::default()).unwrap();
    assert_eq!(p.get(0, 0), hidden(Reason::TooFew));
    for (r, c) in [(0, 1), (1, 0), (1, 1)] {
        assert_eq!(p.get(r, c), hidden(Reason::Complementary), "({r}, {c})");
    }
    let margins = [
        (0, 2, 30.0),
        (1, 2, 70.0),
        (2, 0, 40.0),
        (2, 1, 60.0),
        (2, 2, 100.0),
    ];
    for (r, c, v) in margins {
        let got = p.get(r, c).value().unwrap();
        assert!((got - v).abs() < 1e-9, "({r}, {c}) = {got}");
    }
    assert_eq!(p.suppressed(), (1, 3));
    // x00 = s, x01 = 30 - s, x10 = 40 - s, x11 = 30 + s, all >= 0: s in [0, 30].
    let (_, iv) = p.ranges[0];
    assert!(
        iv.low.abs() < 1e-9 && (iv.high - 30.0).abs() < 1e-9,
        "{iv:?}"
    );
}

/// Hides two 2 x 2 rectangles joined by one cell: every line holds 0, 2 or 3 hidden cells, yet the joining
/// cell is fixed by the totals around either rectangle.
#[test]
fn the_audit_finds_a_cell_the_lines_miss() {
    let mut t = Table::new(4, 4);
    for r in 0..4 {
        for c in 0..4 {
            t.add(r, c, (r * 4 + c) as u32, (1 + r * 4 + c) as f64)
                .unwrap();
        }
    }
    let (gr, gc) = t.grid_shape();
    let mut mask = vec![false; gr * gc];
    for (r, c) in [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
        (1, 2),
    ] {
        mask[r * gc + c] = true;
    }
    let a = audit(&t, &mask).unwrap();
    for (cell, iv) in a {
        if (cell.row, cell.col) == (1, 2) {
            // The bridge: exactly its value, 7.
            assert!(
                (iv.low - 7.0).abs() < 1e-7 && (iv.high - 7.0).abs() < 1e-7,
                "{iv:?}"
            );
        } else {
            assert!(iv.width() > 0.5, "{cell:?} {iv:?}");
        }
    }
}

/// Whether hidden cell `e` is a bridge of the rows-and-columns graph of the hidden cells.
fn is_bridge(gr: usize, gc: usize, mask: &[bool], e: usize) -> bool {
    let edges: Vec<(usize, usize)> = (0..mask.len())
        .filter(|&i| mask[i] && i != e)
        .map(|i| (i / gc, gr + i % gc))
        .collect();
    let (from, to) = (e / gc, gr + e % gc);
    let mut seen = vec![false; gr + gc];
    let mut stack = vec![from];
    seen[from] = true;
    while let Some(n) = stack.pop() {
        for &(a, b) in &edges {
            let m = if a == n {
                b
            } else if b == n {
                a
            } else {
                continue;
            };
            if !seen[m] {
                seen[m] = true;
                stack.push(m);
            }
        }
    }
    !seen[to]
}

/// A random table: 2-4 rows and columns, each inner cell made of 1-4 contributors with amounts 1-20.
fn table() -> impl Strategy<Value = Table> {
    (2usize..=4, 2usize..=4).prop_flat_map(|(r, c)| {
        prop::collection::vec(prop::collection::vec((0u32..6, 1u32..=20), 1..=4), r * c).prop_map(
            move |cells| {
                let mut t = Table::new(r, c);
                for (i, parts) in cells.iter().enumerate() {
                    for &(k, v) in parts {
                        t.add(i / c, i % c, k, f64::from(v)).unwrap();
                    }
                }
                t
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_audit_agrees_with_the_graph(t in table(), bits in prop::collection::vec(any::<bool>(), 25)) {
        let (gr, gc) = t.grid_shape();
        let mask: Vec<bool> = (0..gr * gc).map(|i| bits[i]).collect();
        for (cell, iv) in audit(&t, &mask).unwrap() {
            let e = cell.row * gc + cell.col;
            let bridge = is_bridge(gr, gc, &mask, e);
            prop_assert_eq!(iv.width() < 1e-7, bridge, "{:?} {:?}", cell, iv);
        }
    }

    #[test]
    fn protect_leaves_no_sensitive_cell_exposed(t in table()) {
        let rule = Rule::default();
        let p = protect(&t, &rule).unwrap();
        let sens = primary(&t, &rule).unwrap();
        let (gr, gc) = t.grid_shape();
        let mask: Vec<bool> = p.cells.iter().map(|s| s.value().is_none()).collect();
        // Every sensitive cell is hidden, as primary.
        for (i, s) in sens.iter().enumerate() {
            if s.is_sensitive() {
                let primary_hidden = matches!(
                    p.cells[i],
                    Status::Suppressed { reason: Reason::TooFew | Reason::Dominated }
                );
                prop_assert!(primary_hidden, "sensitive cell {} published", i);
            }
        }
        // An independent audit of the final pattern: no sensitive cell is a bridge, and each spans at least
        // 10% of its value.
        let values: Vec<f64> = (0..gr * gc)
            .map(|i| {
                let (r, c) = (i / gc, i % gc);
                sum_of(&t, r, c)
            })
            .collect();
        for (cell, iv) in audit(&t, &mask).unwrap() {
            let e = cell.row * gc + cell.col;
            if sens[e].is_sensitive() {
                prop_assert!(!is_bridge(gr, gc, &mask, e), "{:?} is recoverable", cell);
                prop_assert!(iv.width() + 1e-7 >= 0.1 * values[e], "{:?} {:?} value {}", cell, iv, values[e]);
            }
        }
    }
}

/// The total of grid cell (r, c) recomputed from the published pattern with nothing hidden.
fn sum_of(t: &Table, r: usize, c: usize) -> f64 {
    let (gr, gc) = t.grid_shape();
    let p = protect(
        t,
        &Rule {
            min_contributors: 1,
            dominance: 1.0,
            protection: 0.0,
        },
    )
    .unwrap();
    assert_eq!((p.rows, p.cols), (gr, gc));
    p.get(r, c).value().unwrap()
}
