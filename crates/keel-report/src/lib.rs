//! # keel-report
//!
//! One self-contained HTML page describing a [`keel_model::Model`] for a non-programmer: per platform (demand
//! stage), where its value added comes from by country and by tier (stacked bars), a world map of that
//! exposure, the export-controlled items it contains and how they get in, the concentration flags of its
//! inputs, and its single points of failure; then, for a model with investment options (options.csv), the
//! "Strengthen" section: the budget frontier of [`keel_plan`] as a chart and the optimal plan at one budget;
//! and, given published data ([`PolicyData`], read by the caller), the "Spending and partnerships" section:
//! the home country's defence spending against NATO's targets, its arms suppliers and its trade with the US
//! ([`render_with_policy`]; alone as a page: [`render_policy`]). The page embeds everything (CSS, a few lines of JS, SVG charts
//! and a Natural Earth world map), so it opens offline, and it carries no timestamp: the same model renders to
//! the same bytes.
//!
//! The library does no file IO; `keel report` writes the string [`render`] returns.
//!
//! # Complexity
//! That of the analyses run (see [`keel_see`], the private `gather` module and [`frontier_budgets`]) plus a page linear in the rows
//! listed (at most [`ReportOptions::max_listed`] per table) and the embedded map (about 130 KB of outlines,
//! written once).

mod charts;
mod gather;
mod html;
mod linechart;
mod map;
mod page;
mod policy;
mod policy_page;
mod strengthen;
mod strengthen_page;

use keel_model::Model;

pub use map::CREDIT as MAP_CREDIT;
pub use policy::{PolicyData, DEFAULT_ARMS_YEARS, DEFAULT_PEERS};
pub use strengthen::frontier_budgets;

/// What can stop a report from being made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The model has no demand rows, so there is no platform to report on.
    #[error("the model has no platforms: add at least one row to demand.csv")]
    NoPlatforms,
}

/// Report settings.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Page title; default `Defence industrial base report: <model name>`.
    pub title: Option<String>,
    /// Rows shown per table before the rest is folded into a collapsed "N more" block.
    pub max_rows: usize,
    /// Rows listed per table at most, folded ones included; the page counts the rest and names the command
    /// that lists them. `None`: [`LISTED_PER_PAGE`] divided by the number of platforms, at least `max_rows`, so
    /// a small model lists everything and a national-scale one still gives a page a person can open.
    pub max_listed: Option<usize>,
    /// Budget of the plan the "Strengthen" section shows; `None`: the median budget of its frontier (see
    /// [`frontier_budgets`]).
    pub plan_budget: Option<f64>,
}

/// Rows per table times platforms that the page lists by default (see [`ReportOptions::max_listed`]): about
/// 14 MB of HTML at 262 platforms, and every row of the bundled example.
pub const LISTED_PER_PAGE: usize = 6_000;

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: None,
            max_rows: 25,
            max_listed: None,
            plan_budget: None,
        }
    }
}

/// Runs the analyses on `model` and returns the whole report as one HTML document, without the "Spending and
/// partnerships" section (see [`render_with_policy`]).
pub fn render(model: &Model, opts: &ReportOptions) -> Result<String, ReportError> {
    render_with_policy(model, opts, None)
}

/// [`render`], with the "Spending and partnerships" section drawn from `policy` when given.
pub fn render_with_policy(
    model: &Model,
    opts: &ReportOptions,
    policy: Option<&PolicyData>,
) -> Result<String, ReportError> {
    if model.demands().is_empty() {
        return Err(ReportError::NoPlatforms);
    }
    let listed = opts
        .max_listed
        .unwrap_or(LISTED_PER_PAGE / model.demands().len())
        .max(opts.max_rows);
    let opts = ReportOptions {
        max_listed: Some(listed),
        ..opts.clone()
    };
    let data = gather::gather(model, listed);
    let plan = strengthen::gather(model, opts.plan_budget);
    let policy = policy.map(policy::gather);
    Ok(page::page(model, &opts, &data, &plan, policy.as_ref()))
}

/// The "Spending and partnerships" section alone, as a self-contained page (`keel policy report`); `title`
/// defaults to "Spending and partnerships: " and the country's name.
pub fn render_policy(policy: &PolicyData, title: Option<&str>) -> String {
    let figures = policy::gather(policy);
    let title = title.map_or_else(
        || format!("Spending and partnerships: {}", figures.country_name),
        str::to_string,
    );
    page::policy_only(&title, &figures)
}
