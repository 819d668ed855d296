//! Each member's standing in the tables' last year (2024e): share of GDP, expenditure, equipment share, per
//! capita, gaps to 2%, 3.5% and 5% ([`super::gaps`]), the path to 3.5% by 2035 ([`super::path`]), and the
//! members ranked by share of GDP (highest first; ties by code, so the order is stable).
//!
//! Members without a share of GDP in the last year (Iceland, which has no armed forces) are listed after the
//! ranked members, unranked.
//!
//! # Complexity
//! O(m (y + T) + m log m) for m members, y years and a T-year path.

use super::gaps::{self, Gap, EQUIPMENT_GUIDELINE, TARGETS};
use super::path::{self, Path};
use super::{Member, Spending};
use serde::Serialize;

/// One member's standing in one year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    /// 1 = highest share of GDP; None when NATO prints no share.
    pub rank: Option<usize>,
    pub code: String,
    pub name: String,
    pub currency: Option<String>,
    pub two_percent_law: bool,
    pub year: u16,
    pub estimate: bool,
    pub share_gdp: Option<f64>,
    pub nc_current: Option<f64>,
    pub usd_current: Option<f64>,
    pub usd_constant_2015: Option<f64>,
    pub real_change: Option<f64>,
    pub equipment_share: Option<f64>,
    /// Equipment share at or above NATO's 20% guideline.
    pub meets_equipment_guideline: Option<bool>,
    pub per_capita_usd_2015: Option<f64>,
    /// Gaps to 2%, 3.5% and 5%, in that order.
    pub gaps: Vec<Gap>,
    pub path: Option<Path>,
}

/// The standing of `m` in `year`.
pub fn standing(m: &Member, year: u16, gdp_growth: Option<f64>) -> Option<Standing> {
    let y = m.year(year)?;
    Some(Standing {
        rank: None,
        code: m.code.clone(),
        name: m.name.clone(),
        currency: m.currency.clone(),
        two_percent_law: m.two_percent_law,
        year,
        estimate: y.estimate,
        share_gdp: y.share_gdp,
        nc_current: y.nc_current,
        usd_current: y.usd_current,
        usd_constant_2015: y.usd_constant_2015,
        real_change: y.real_change,
        equipment_share: y.equipment_share,
        meets_equipment_guideline: y.equipment_share.map(|e| e >= EQUIPMENT_GUIDELINE),
        per_capita_usd_2015: y.per_capita_usd_2015,
        gaps: TARGETS.iter().filter_map(|&t| gaps::gap(y, t)).collect(),
        path: path::path(m, gdp_growth),
    })
}

/// Every member's standing in the tables' last year, ranked by share of GDP.
pub fn ranking(s: &Spending, gdp_growth: Option<f64>) -> Vec<Standing> {
    let Some(year) = s.last_year() else {
        return Vec::new();
    };
    let mut all: Vec<Standing> = s
        .members
        .iter()
        .filter_map(|m| standing(m, year, gdp_growth))
        .collect();
    all.sort_by(|a, b| match (a.share_gdp, b.share_gdp) {
        (Some(x), Some(y)) => y.total_cmp(&x).then_with(|| a.code.cmp(&b.code)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.code.cmp(&b.code),
    });
    for (k, st) in all.iter_mut().enumerate() {
        if st.share_gdp.is_some() {
            st.rank = Some(k + 1);
        }
    }
    all
}
