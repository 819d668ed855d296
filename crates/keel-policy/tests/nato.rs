//! NATO's published tables read as they are: values equal to the printed tables, and the long CSV and the
//! original workbook giving the same values.

use keel_policy::spending::{self, path::Standing, summary, Spending};
use std::path::PathBuf;

/// `shared/data/nato` beside the repository (`../shared/data` from its root), or beside a folder above it (a
/// worktree under `wt/` finds the same data set as the main checkout, as the `keel` binary does).
fn nato() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .skip(2)
        .map(|d| d.join("shared/data/nato"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "these tests need NATO's tables at {} (see shared/data/README.md)",
                here.join("../../../shared/data/nato").display()
            )
        })
}

fn xlsx() -> Spending {
    spending::read(&nato().join("240617-def-exp-2024-TABLES-en.xlsx")).unwrap()
}

fn csv() -> Spending {
    spending::read(&nato().join("nato_defexp_2014_2024_long.csv")).unwrap()
}

/// A share as NATO prints it: a percentage with two decimals.
fn printed(share: Option<f64>) -> String {
    format!("{:.2}", share.unwrap() * 100.0)
}

#[test]
fn shares_of_gdp_equal_the_printed_tables() {
    for s in [xlsx(), csv()] {
        let can = s.member("CAN").unwrap();
        // NATO Table 3, June 2024: Canada 1.01% in 2014 and 1.37% in 2024e.
        assert_eq!(printed(can.year(2014).unwrap().share_gdp), "1.01");
        let y24 = can.year(2024).unwrap();
        assert_eq!(printed(y24.share_gdp), "1.37");
        assert!(y24.estimate && !can.year(2022).unwrap().estimate);
        // United States 3.38%, Poland 4.12% in 2024e.
        assert_eq!(
            printed(s.member("USA").unwrap().year(2024).unwrap().share_gdp),
            "3.38"
        );
        let pol = s.member("Poland").unwrap();
        assert_eq!(printed(pol.year(2024).unwrap().share_gdp), "4.12");
        assert!(pol.two_percent_law && !can.two_percent_law);
        // Table 1: Canada's expenditure in 2024e, CAD 41,012 million at current prices.
        assert_eq!(format!("{:.0}", y24.nc_current.unwrap()), "41012");
        assert_eq!(can.currency.as_deref(), Some("Canadian dollars"));
        assert_eq!(s.members.len(), 32);
        assert_eq!(s.aggregates.len(), 2);
    }
}

#[test]
fn the_long_csv_and_the_workbook_give_the_same_values() {
    let (x, c) = (xlsx(), csv());
    assert_eq!(x.members.len(), c.members.len());
    let mut compared = 0usize;
    for (mx, mc) in x
        .members
        .iter()
        .chain(&x.aggregates)
        .zip(c.members.iter().chain(&c.aggregates))
    {
        assert_eq!(
            (&mx.code, &mx.name, &mx.currency),
            (&mc.code, &mc.name, &mc.currency)
        );
        assert_eq!(mx.two_percent_law, mc.two_percent_law, "{}", mx.code);
        for (yx, yc) in mx.years.iter().zip(&mc.years) {
            assert_eq!((yx.year, yx.estimate), (yc.year, yc.estimate));
            let mut fx = yx.clone();
            let fc = yc.clone();
            // The long form lost the years of Table 1's constant-price block and Table 8a's personnel block
            // (their header row in the workbook is a broken formula): those come from the workbook only.
            assert!(fc.nc_constant_2015.is_none() && fc.personnel_share.is_none());
            if mx.currency.is_some() {
                assert!(fx.nc_constant_2015.is_some(), "{} {}", mx.code, yx.year);
            }
            fx.nc_constant_2015 = None;
            fx.personnel_share = None;
            // Every other value is the same double, bit for bit.
            assert_eq!(
                format!("{fx:?}"),
                format!("{fc:?}"),
                "{} {}",
                mx.code,
                yx.year
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 34 * 11);
    assert!(c.notes.iter().any(|n| n.contains("#REF!")), "{:?}", c.notes);
}

#[test]
fn gaps_and_ranking_for_2024() {
    let s = xlsx();
    let r = summary::ranking(&s, None);
    // 31 ranked (Iceland has no armed forces, so no share), Poland first.
    assert_eq!(r.iter().filter(|m| m.rank.is_some()).count(), 31);
    assert_eq!(r[0].code, "POL");
    assert_eq!(r.last().unwrap().code, "ISL");
    let can = r.iter().find(|m| m.code == "CAN").unwrap();
    // The gap in USD computed from GDP (t * GDP - D) equals the ratio form D (t / s - 1) used for every unit.
    let y = s.member("CAN").unwrap().year(2024).unwrap();
    let direct = 0.02 * y.gdp_usd_current.unwrap() - y.usd_current.unwrap();
    let g2 = &can.gaps[0];
    assert!(
        (g2.usd_current.unwrap() - direct).abs() < 1e-6 * direct,
        "{direct} {:?}",
        g2.usd_current
    );
    // Canada in 2024e: USD 30,495 m at 1.3652% of GDP; 2% needs USD 44,677 m: a gap of about USD 14.2 bn.
    assert!(
        (g2.usd_current.unwrap() - 14_181.4).abs() < 1.0,
        "{:?}",
        g2.usd_current
    );
    // In Canadian dollars: 41,012 * (2 / 1.36516 - 1) = CAD 19,072 m.
    assert!(
        (g2.national_currency.unwrap() - 19_072.0).abs() < 2.0,
        "{:?}",
        g2.national_currency
    );
    let p = can.path.as_ref().unwrap();
    // Canada's own real GDP trend 2014-2024e: (1,798,435 / 1,546,459)^(1/10) - 1 = 1.5209% a year.
    assert!(
        (p.gdp_growth - 0.015_209_389).abs() < 1e-8,
        "{}",
        p.gdp_growth
    );
    assert_eq!(p.points.len(), 12);
    assert!((p.points.last().unwrap().share_gdp - 0.035).abs() < 1e-12);
    assert_eq!(p.standing, Standing::Behind);
    // Poland is above 3.5% already.
    assert_eq!(r[0].path.as_ref().unwrap().standing, Standing::Reached);
}
