//! Canada-US defence trade by year and end use, from the USITC table ([`super::usitc`]).
//!
//! Both directions are US records (mirror statistics): Canada's defence exports to the US are US imports from
//! Canada (end uses 50000 military aircraft and parts, 50010 other military equipment); Canada's defence imports
//! from the US are US exports to Canada (end uses 50000-50070, one aggregate row). For each year:
//!
//! - exports `X = Σ` Canada-to-US defence rows, by end use and in total;
//! - imports `M =` the US-to-Canada defence row;
//! - balance `B = X - M` (Canada's surplus when positive);
//! - Canada's share of US defence imports `X / W`, `W = Σ` World-to-US defence rows;
//! - the defence share of each direction's goods trade, `X / (X + C)` with `C` the civilian row (whose cells
//!   may carry only six significant figures: see [`super::usitc`]).
//!
//! A sum with a missing cell is missing, never a partial sum. All values are current US dollars.
//!
//! # Complexity
//! O(rows x years).

use super::usitc::{TradeClass, TradeRow, TradeTable};
use crate::PolicyError;
use serde::Serialize;

/// The country whose trade with the US is read (as the USITC table spells it).
pub const CANADA: &str = "Canada";
/// The US, as the table spells it.
pub const UNITED_STATES: &str = "United States";
/// The row source that stands for every country.
pub const WORLD: &str = "World";

/// One end use's value in one year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndUseValue {
    pub code: String,
    pub end_use: String,
    /// Current US dollars.
    pub value: Option<f64>,
}

/// One year of Canada-US defence trade, from Canada's side. Money in current US dollars.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeYear {
    pub year: i32,
    /// Canada's defence exports to the US (US imports from Canada).
    pub exports: Option<f64>,
    pub exports_by_end_use: Vec<EndUseValue>,
    /// Canada's defence imports from the US (US exports to Canada).
    pub imports: Option<f64>,
    /// `exports - imports`: positive when Canada sells the US more defence goods than it buys.
    pub balance: Option<f64>,
    /// Canada's share of all US defence imports.
    pub share_of_us_defence_imports: Option<f64>,
    /// Defence goods as a share of Canada's goods exports to the US.
    pub defence_share_of_exports: Option<f64>,
    /// Defence goods as a share of Canada's goods imports from the US.
    pub defence_share_of_imports: Option<f64>,
}

/// Sums over the whole period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeTotals {
    pub first_year: i32,
    pub last_year: i32,
    pub exports: Option<f64>,
    pub imports: Option<f64>,
    pub balance: Option<f64>,
}

/// Canada-US defence trade, one entry per year of the table (oldest first): a per-year series ready to chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeSummary {
    /// The file read.
    pub source: String,
    pub currency: &'static str,
    pub years: Vec<TradeYear>,
    pub totals: TradeTotals,
    /// Whether any civilian cell used was rounded to six significant figures.
    pub civilian_rounded: bool,
}

fn rows<'a>(
    t: &'a TradeTable,
    source: &'a str,
    destination: &'a str,
    class: TradeClass,
) -> impl Iterator<Item = &'a TradeRow> + 'a {
    t.rows
        .iter()
        .filter(move |r| r.source == source && r.destination == destination && r.class == class)
}

/// The sum of column `k` over `rows`; `None` if there are no rows or a cell is missing.
fn sum<'a>(rows: impl Iterator<Item = &'a TradeRow>, k: usize) -> Option<f64> {
    let mut any = false;
    let mut s = 0.0;
    for r in rows {
        any = true;
        s += r.values[k]?;
    }
    any.then_some(s)
}

fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

/// Canada-US defence trade by year and end use (see the module docs for the formulas).
pub fn canada_us_trade(t: &TradeTable) -> Result<TradeSummary, PolicyError> {
    let exports_rows: Vec<&TradeRow> =
        rows(t, CANADA, UNITED_STATES, TradeClass::Defense).collect();
    if exports_rows.is_empty() {
        return Err(PolicyError::Query(format!(
            "{}: no Defense rows from {CANADA} to {UNITED_STATES}; is this the CSIS USITCbilateralTrade.csv?",
            t.file
        )));
    }
    let mut years = Vec::with_capacity(t.years.len());
    // Only the two bilateral civilian rows enter a ratio; the World row's rounding does not matter here.
    let civilian_rounded = t
        .rows
        .iter()
        .any(|r| r.class == TradeClass::Civilian && r.rounded && r.source != WORLD);
    for (k, &year) in t.years.iter().enumerate() {
        let exports = sum(exports_rows.iter().copied(), k);
        let imports = sum(rows(t, UNITED_STATES, CANADA, TradeClass::Defense), k);
        let world = sum(rows(t, WORLD, UNITED_STATES, TradeClass::Defense), k);
        let civ_x = sum(rows(t, CANADA, UNITED_STATES, TradeClass::Civilian), k);
        let civ_m = sum(rows(t, UNITED_STATES, CANADA, TradeClass::Civilian), k);
        years.push(TradeYear {
            year,
            exports,
            exports_by_end_use: exports_rows
                .iter()
                .map(|r| EndUseValue {
                    code: r.end_use_code.clone(),
                    end_use: r.end_use.clone(),
                    value: r.values[k],
                })
                .collect(),
            imports,
            balance: exports.zip(imports).map(|(x, m)| x - m),
            share_of_us_defence_imports: ratio(exports, world),
            defence_share_of_exports: ratio(exports, exports.zip(civ_x).map(|(x, c)| x + c)),
            defence_share_of_imports: ratio(imports, imports.zip(civ_m).map(|(m, c)| m + c)),
        });
    }
    let total = |f: fn(&TradeYear) -> Option<f64>| -> Option<f64> { years.iter().map(f).sum() };
    let exports = total(|y| y.exports);
    let imports = total(|y| y.imports);
    let totals = TradeTotals {
        first_year: t.years.first().copied().unwrap_or_default(),
        last_year: t.years.last().copied().unwrap_or_default(),
        exports,
        imports,
        balance: exports.zip(imports).map(|(x, m)| x - m),
    };
    Ok(TradeSummary {
        source: t.file.clone(),
        currency: "current US dollars",
        years,
        totals,
        civilian_rounded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integration::usitc::parse_usitc;

    const SMALL: &str = "SourceCountry,DestinationCountry,DefenseVCivilian,EndUseCode,EndUseDescription,2014,2015\n\
Canada,United States,Defense,50000,MILITARY AIRCRAFT AND PARTS,100,200\n\
Canada,United States,Defense,50010,OTHER MILITARY EQUIPMENT,50,\n\
Canada,United States,Civilian,x,NON-MILITARY GOODS,850,1000\n\
United States,Canada,Defense,50000-50070,MILITARY GOODS,400,300\n\
United States,Canada,Civilian,y,NON-MILITARY GOODS,9600,1.0E+04\n\
World,United States,Defense,50000,MILITARY AIRCRAFT AND PARTS,1000,2000\n\
World,United States,Defense,50010,OTHER MILITARY EQUIPMENT,500,500\n";

    #[test]
    fn hand_computed_year() {
        let s = canada_us_trade(&parse_usitc(SMALL, "t.csv").unwrap()).unwrap();
        let y = &s.years[0];
        assert_eq!(y.year, 2014);
        assert_eq!(y.exports, Some(150.0));
        assert_eq!(y.imports, Some(400.0));
        assert_eq!(y.balance, Some(-250.0));
        assert_eq!(y.share_of_us_defence_imports, Some(0.1)); // 150 / 1500
        assert_eq!(y.defence_share_of_exports, Some(0.15)); // 150 / (150 + 850)
        assert_eq!(y.defence_share_of_imports, Some(0.04)); // 400 / (400 + 9600)
        assert_eq!(y.exports_by_end_use[1].value, Some(50.0));
        assert!(s.civilian_rounded);
    }

    #[test]
    fn a_missing_cell_makes_the_sum_missing_not_partial() {
        let s = canada_us_trade(&parse_usitc(SMALL, "t.csv").unwrap()).unwrap();
        let y = &s.years[1];
        assert_eq!(y.exports, None);
        assert_eq!(y.balance, None);
        assert_eq!(y.imports, Some(300.0));
        assert_eq!(s.totals.exports, None);
        assert_eq!(s.totals.imports, Some(700.0));
    }

    #[test]
    fn another_table_is_a_query_error() {
        let other =
            "SourceCountry,DestinationCountry,DefenseVCivilian,EndUseCode,EndUseDescription,2014\n\
Mexico,United States,Defense,50000,MILITARY AIRCRAFT AND PARTS,1\n";
        assert!(matches!(
            canada_us_trade(&parse_usitc(other, "t.csv").unwrap()),
            Err(PolicyError::Query(_))
        ));
    }
}
