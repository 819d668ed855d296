//! Lays out the HTML page: header, how-to-read, overview, one section per platform, the "Strengthen"
//! section, method notes, credits.
//!
//! Everything is inline (CSS in `<style>`, a few lines of JS in `<script>`, charts and maps as SVG), so the
//! file opens offline. No timestamps or unordered collections reach the output: the same model gives the
//! same bytes.
//!
//! # Complexity
//! Linear in the size of the analyses' results plus the embedded geometry.

use crate::charts::{self, Segment};
use crate::gather::{PlatformData, UpstreamGroup};
use crate::html::{count, esc, num, pct, slug};
use crate::map;
use crate::policy::PolicyFigures;
use crate::policy_page;
use crate::strengthen::Strengthen;
use crate::strengthen_page;
use crate::ReportOptions;
use keel_model::{ElementKind, GroupIx, Model, StageIx, Target};
use keel_see::concentration::BANDS;
use keel_see::controls::PlatformControl;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const CSS: &str = include_str!("../assets/style.css");
const JS: &str = include_str!("../assets/report.js");

/// The page as a string.
pub(crate) fn page(
    m: &Model,
    opts: &ReportOptions,
    data: &[PlatformData],
    plan: &Strengthen,
    policy: Option<&PolicyFigures>,
) -> String {
    let ctx = Ctx::new(m, data);
    let mut h = String::with_capacity(1 << 20);
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| format!("Defence industrial base report: {}", m.meta().name));
    head(&mut h, &title);
    header(&mut h, &ctx, &title);
    how_to_read(&mut h, &ctx);
    overview(&mut h, &ctx, data);
    h.push_str(&map::defs(&ctx.world, &ctx.model_codes()));
    for p in data {
        platform(&mut h, &ctx, opts, p);
    }
    strengthen_page::section(&mut h, m, plan);
    if let Some(p) = policy {
        policy_page::section(&mut h, p);
    }
    methods(&mut h, policy.is_some());
    footer(&mut h, &ctx, policy);
    tail(&mut h);
    h
}

/// The standalone "Spending and partnerships" page (`keel policy report`).
pub(crate) fn policy_only(title: &str, p: &PolicyFigures) -> String {
    let mut h = String::with_capacity(1 << 16);
    head(&mut h, title);
    h.push_str(&format!(
        "<header>\n<p class=\"kicker\">Keel policy report</p>\n<h1>{}</h1>\n</header>\n",
        esc(title)
    ));
    policy_page::section(&mut h, p);
    h.push_str("<section id=\"methods\" class=\"note\">\n<h2>Method notes</h2>\n<ul>\n");
    h.push_str(POLICY_METHODS);
    h.push_str("</ul>\n</section>\n");
    h.push_str(&format!(
        "<footer>\n<p><b>Data credits.</b> {} Made by Keel (keel policy report), open-source, Apache-2.0. \
         This file is self-contained and works offline.</p>\n</footer>\n",
        policy_credits(p)
    ));
    tail(&mut h);
    h
}

/// The document's start: doctype, metadata, the inline style sheet.
fn head(h: &mut String, title: &str) {
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"keel report\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        esc(title)
    ));
}

/// The document's end: the inline script.
fn tail(h: &mut String) {
    h.push_str(&format!("<script>\n{JS}</script>\n</body>\n</html>\n"));
}

/// The method notes of the "Spending and partnerships" section, as list items.
const POLICY_METHODS: &str = "<li><b>Spending</b> (Keel method <i>policy spending</i>, docs/methods/policy.md): \
     NATO's own figures, estimates (e) kept as marked. The gap to a target share t of GDP is D (t / s - 1) for \
     spending D at share s. The steady path to 3.5% by 2035 grows real spending at r = (1 + g)(t / s0)^(1/T) - 1 \
     a year for real GDP growth g over T years; by default g is the country's own real GDP growth 2014-2024e \
     (NATO Table 5).</li>\n\
     <li><b>Arms suppliers</b> (Keel method <i>policy arms</i>): SIPRI trend-indicator values (TIV) delivered, \
     a deal's TIV spread evenly over its listed delivery years. Herfindahl-Hirschman index HHI = sum of squared \
     percentage shares (10,000 for one supplier); effective number of suppliers = 10,000 / HHI.</li>\n\
     <li><b>Integration</b> (Keel method <i>policy integration</i>): US mirror statistics of Canada-US trade in \
     defence end uses, and first-tier subawards under US Department of Defense prime contracts performed in \
     Canada, exact duplicate rows dropped.</li>\n";

/// The sources the section read.
fn policy_credits(p: &PolicyFigures) -> String {
    let mut out = Vec::new();
    if p.spending.is_ok() {
        out.push(keel_policy::spending::SOURCE);
    }
    if p.arms.is_ok() {
        out.push(keel_policy::arms::SOURCE);
    }
    if p.trade.is_ok() {
        out.push(keel_policy::integration::TRADE_SOURCE);
    }
    if p.subawards.is_ok() {
        out.push(keel_policy::integration::SUBAWARD_SOURCE);
    }
    out.iter()
        .map(|s| format!("{}.", esc(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Model lookups shared by every section.
struct Ctx<'m> {
    m: &'m Model,
    world: Vec<map::Shape>,
    stage_by_id: HashMap<&'m str, StageIx>,
    item_by_id: HashMap<&'m str, &'m str>,
    colours: BTreeMap<String, String>,
    home_code: &'m str,
    home_name: &'m str,
}

impl<'m> Ctx<'m> {
    fn new(m: &'m Model, data: &[PlatformData]) -> Self {
        let home = &m.countries()[m.meta().home_country.index()];
        let mut weight: BTreeMap<String, f64> = BTreeMap::new();
        for p in data {
            for s in &p.exposure.by_country {
                *weight.entry(s.key.clone()).or_default() += s.share;
            }
        }
        Ctx {
            m,
            world: map::world(),
            stage_by_id: m
                .stages()
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), StageIx::new(i)))
                .collect(),
            item_by_id: m
                .items()
                .iter()
                .map(|i| (i.id.as_str(), i.name.as_str()))
                .collect(),
            colours: charts::country_colours(&home.code, &weight),
            home_code: &home.code,
            home_name: &home.name,
        }
    }

    fn model_codes(&self) -> Vec<&'m str> {
        self.m.countries().iter().map(|c| c.code.as_str()).collect()
    }

    fn country_name(&self, code: &str) -> String {
        self.m
            .countries()
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_string(), |c| c.name.clone())
    }

    fn on_map(&self, code: &str) -> bool {
        self.world.iter().any(|s| s.code == code)
    }

    fn item_name(&self, s: StageIx) -> &'m str {
        &self.m.items()[self.m.stages()[s.index()].item.index()].name
    }

    fn firm_name(&self, s: StageIx) -> &'m str {
        &self.m.firms()[self.m.stage_firm(s).index()].name
    }

    fn stage_country(&self, s: StageIx) -> &'m str {
        &self.m.countries()[self.m.stage_country(s).index()].code
    }

    /// "Item name (Firm, CTY)" for a stage id, or the id itself if unknown.
    fn stage_label(&self, id: &str) -> String {
        match self.stage_by_id.get(id) {
            Some(&s) => format!(
                "{} ({}, {})",
                self.item_name(s),
                self.firm_name(s),
                self.stage_country(s)
            ),
            None => id.to_string(),
        }
    }

    fn item_label(&self, id: &str) -> String {
        self.item_by_id
            .get(id)
            .map_or_else(|| id.to_string(), std::string::ToString::to_string)
    }

    fn colour(&self, code: &str) -> &str {
        self.colours
            .get(code)
            .map_or(charts::OTHER_COLOUR, String::as_str)
    }
}

fn platform_anchor(ctx: &Ctx, s: StageIx) -> String {
    format!("p-{}", slug(&ctx.m.stages()[s.index()].id))
}

fn header(h: &mut String, ctx: &Ctx, title: &str) {
    let m = ctx.m;
    let sm = m.summary();
    h.push_str(&format!(
        "<header>\n<p class=\"kicker\">Keel report</p>\n<h1>{}</h1>\n",
        esc(title)
    ));
    if let Some(d) = &m.meta().description {
        h.push_str(&format!("<p class=\"desc\">{}</p>\n", esc(d)));
    }
    let facts = [
        (
            "Home country",
            format!("{} ({})", esc(ctx.home_name), esc(ctx.home_code)),
        ),
        ("Platforms", sm.demand_stages.to_string()),
        ("Countries", sm.countries.to_string()),
        (
            "Firms",
            format!(
                "{} ({} foreign-controlled)",
                sm.firms, sm.foreign_controlled_firms
            ),
        ),
        ("Sites", sm.sites.to_string()),
        (
            "Items",
            format!("{} ({} export-controlled)", sm.items, sm.controlled_items),
        ),
        ("Production stages", sm.stages.to_string()),
        ("Supply links", sm.input_rows.to_string()),
        ("Transport lanes", sm.lanes.to_string()),
        ("Deepest supply chain", count(sm.tiers, "tier", "tiers")),
        ("Inputs with one supplier", pct(sm.single_supplier_share)),
        (
            "Money",
            format!(
                "{} per unit; demand per {}",
                esc(&m.meta().currency),
                esc(&m.meta().time_unit)
            ),
        ),
    ];
    h.push_str("<dl class=\"facts\">\n");
    for (k, v) in facts {
        h.push_str(&format!("<div><dt>{k}</dt><dd>{v}</dd></div>\n"));
    }
    h.push_str("</dl>\n</header>\n");
}

fn how_to_read(h: &mut String, ctx: &Ctx) {
    h.push_str(&format!(
        "<section id=\"how\" class=\"note\">\n<h2>How to read this report</h2>\n\
         <p>Each <b>platform</b> (a system the country buys, such as a vehicle or a munition) has its own section. \
         <b>Where the value comes from</b> follows every supplier, and their suppliers, down the whole chain and \
         shows which countries the platform's cost is really earned in: the more of a bar that is not {home} red, \
         the more the platform depends on other countries. The second bar shows how deep in the chain the value \
         sits (tier 0 is the final assembly, tier 1 its direct suppliers, and so on). The <b>map</b> shades each \
         country by the same share. <b>Export controls</b> lists the controlled parts a platform contains and the \
         chain of parts that brings each one in; a controlled part means the controlling country can restrict \
         re-export or use. <b>Supply concentration</b> lists inputs bought from one firm, one country, over one \
         transport route, or from outside {home}'s alliances. <b>Single points of failure</b> are the factories, \
         firms, countries, transport lanes and chokepoints whose loss alone would stop the platform from being \
         built, even using every alternative supplier the model knows.</p>\n\
         <p>Figures come from the model's data, which may be illustrative; they are as good as that data.</p>\n</section>\n",
        home = esc(ctx.home_name)
    ));
}

fn overview(h: &mut String, ctx: &Ctx, data: &[PlatformData]) {
    let m = ctx.m;
    h.push_str(
        "<section id=\"overview\">\n<h2>Platforms at a glance</h2>\n<div class=\"scroll\"><table class=\"overview\">\n\
         <thead><tr><th>Platform</th><th>Made by</th><th class=\"num\">Demand</th><th class=\"num\">Value per unit</th>\
         <th class=\"num\">Home share</th><th class=\"num\">Home-controlled</th><th>Export-controlled by</th>\
         <th class=\"num\">Flagged inputs</th><th class=\"num\">Single points of failure</th></tr></thead>\n<tbody>\n",
    );
    for p in data {
        let s = p.stage;
        let demand = m.demand_of(s).map_or(0.0, |d| d.demand);
        let regimes: Vec<String> = p
            .controls
            .iter()
            .filter(|c| c.controlled)
            .map(|c| esc(&c.regime))
            .collect();
        let flagged = p.group_counts.flagged;
        let spofs = if p.spofs.buildable {
            p.spofs.spofs.len().to_string()
        } else {
            "cannot be built".into()
        };
        h.push_str(&format!(
            "<tr><td><a href=\"#{}\">{}</a><div class=\"id\">{}</div></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            platform_anchor(ctx, s),
            esc(ctx.item_name(s)),
            esc(&m.stages()[s.index()].id),
            esc(&format!("{}, {}", ctx.firm_name(s), ctx.stage_country(s))),
            num(demand),
            esc(&m.meta().currency),
            num(p.exposure.value_added),
            pct(p.exposure.home_share),
            pct(p.exposure.home_controlled_share),
            if regimes.is_empty() {
                "none".into()
            } else {
                regimes.join(", ")
            },
            flagged,
            spofs
        ));
    }
    h.push_str("</tbody></table></div>\n");
    h.push_str(
        "<nav class=\"picker\"><label for=\"pick\">Show</label> <select id=\"pick\">\
         <option value=\"all\">all platforms</option>",
    );
    for p in data {
        h.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            platform_anchor(ctx, p.stage),
            esc(ctx.item_name(p.stage))
        ));
    }
    h.push_str("</select></nav>\n</section>\n");
}

fn platform(h: &mut String, ctx: &Ctx, opts: &ReportOptions, p: &PlatformData) {
    let m = ctx.m;
    let s = p.stage;
    let e = &p.exposure;
    let demand = m.demand_of(s);
    h.push_str(&format!(
        "<section class=\"platform\" id=\"{}\">\n<h2>{}</h2>\n<p class=\"sub\">Platform <code>{}</code> \
         &middot; made by {} in {} &middot; demand {} per {}</p>\n",
        platform_anchor(ctx, s),
        esc(ctx.item_name(s)),
        esc(&m.stages()[s.index()].id),
        esc(ctx.firm_name(s)),
        esc(&ctx.country_name(ctx.stage_country(s))),
        num(demand.map_or(0.0, |d| d.demand)),
        esc(&m.meta().time_unit)
    ));
    let controlled: Vec<&str> = p
        .controls
        .iter()
        .filter(|c| c.controlled)
        .map(|c| c.regime.as_str())
        .collect();
    let cards = [
        (
            "Value added per unit".to_string(),
            format!("{} {}", esc(&m.meta().currency), num(e.value_added)),
        ),
        (format!("Made in {}", esc(ctx.home_name)), pct(e.home_share)),
        (
            format!("Under {} control", esc(ctx.home_name)),
            pct(e.home_controlled_share),
        ),
        (
            "Stages in the supply chain".to_string(),
            e.upstream_stages.to_string(),
        ),
        (
            "Export-controlled by".to_string(),
            if controlled.is_empty() {
                "none".to_string()
            } else {
                esc(&controlled.join(", "))
            },
        ),
        (
            "Single points of failure".to_string(),
            if p.spofs.buildable {
                p.spofs.spofs.len().to_string()
            } else {
                "cannot be built".to_string()
            },
        ),
    ];
    h.push_str("<div class=\"cards\">");
    for (k, v) in cards {
        h.push_str(&format!(
            "<div class=\"card\"><div class=\"v\">{v}</div><div class=\"k\">{k}</div></div>"
        ));
    }
    h.push_str("</div>\n");

    value_charts(h, ctx, p);
    world_map(h, ctx, p);
    controls(h, ctx, opts, &p.controls);
    concentration(h, ctx, opts, p);
    spofs(h, ctx, opts, p);
    h.push_str("</section>\n");
}

fn value_charts(h: &mut String, ctx: &Ctx, p: &PlatformData) {
    let e = &p.exposure;
    h.push_str("<h3>Where the value comes from</h3>\n");
    let segs: Vec<Segment> = e
        .by_country
        .iter()
        .map(|s| Segment {
            label: ctx.country_name(&s.key),
            share: s.share,
            colour: ctx.colour(&s.key).to_string(),
        })
        .collect();
    h.push_str(&charts::stacked_bar(
        "by-country",
        "Share of the value added, by country where the work is done",
        &segs,
    ));
    if let Some(tiers) = &e.by_tier {
        let segs: Vec<Segment> = tiers
            .iter()
            .map(|t| Segment {
                label: match t.tier {
                    0 => "tier 0 (final assembly)".to_string(),
                    1 => "tier 1 (direct suppliers)".to_string(),
                    n => format!("tier {n}"),
                },
                share: t.share,
                colour: charts::tier_colour(t.tier).to_string(),
            })
            .collect();
        h.push_str(&charts::stacked_bar(
            "by-tier",
            "Share of the value added, by depth in the supply chain",
            &segs,
        ));
    }
}

fn world_map(h: &mut String, ctx: &Ctx, p: &PlatformData) {
    let e = &p.exposure;
    let shares: BTreeMap<&str, f64> = e
        .by_country
        .iter()
        .map(|s| (s.key.as_str(), s.share))
        .collect();
    let countries: Vec<(&str, &str)> = ctx
        .m
        .countries()
        .iter()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();
    h.push_str("<h3>Exposure by country</h3>\n<div class=\"map-row\">\n<div class=\"map-box\">\n");
    h.push_str(&map::choropleth(
        &ctx.world,
        &countries,
        &shares,
        ctx.home_code,
        &format!(
            "World map of the share of {}'s value added by country",
            ctx.item_name(p.stage)
        ),
    ));
    h.push_str(&map::legend(ctx.home_name));
    h.push_str("</div>\n");
    let off: Vec<&(&str, &str)> = countries.iter().filter(|(c, _)| !ctx.on_map(c)).collect();
    if !off.is_empty() {
        h.push_str(
            "<div class=\"side\"><table class=\"off-map\"><caption>Not on the map</caption>\
             <thead><tr><th>Country</th><th class=\"num\">Share</th></tr></thead><tbody>",
        );
        for (code, name) in off {
            h.push_str(&format!(
                "<tr><td>{} <span class=\"id\">{}</span></td><td class=\"num\">{}</td></tr>",
                esc(name),
                esc(code),
                shares.get(code).map_or("-".to_string(), |s| pct(*s))
            ));
        }
        h.push_str("</tbody></table></div>\n");
    }
    h.push_str("</div>\n");
}

/// The rows listed per table (set by [`crate::render`]).
fn listed(opts: &ReportOptions) -> usize {
    opts.max_listed.unwrap_or(usize::MAX)
}

/// Rows past `max` go into a collapsed `<details>` so long tables stay readable. `rows` are the rows listed
/// (at most [`ReportOptions::max_listed`]) of `total`; what is left out is counted, with the command that lists
/// it all (`how`).
fn fold_rows(
    h: &mut String,
    rows: &[String],
    total: usize,
    max: usize,
    head: &str,
    what: &str,
    how: &str,
) {
    h.push_str(&format!("<div class=\"scroll\"><table>{head}<tbody>\n"));
    for r in rows.iter().take(max) {
        h.push_str(r);
    }
    h.push_str("</tbody></table></div>\n");
    if rows.len() > max {
        h.push_str(&format!(
            "<details><summary>{} more {what}</summary><div class=\"scroll\"><table>{head}<tbody>\n",
            rows.len() - max
        ));
        for r in &rows[max..] {
            h.push_str(r);
        }
        h.push_str("</tbody></table></div></details>\n");
    }
    if total > rows.len() {
        h.push_str(&format!(
            "<p class=\"muted\">{} more {what} not listed here: <code>{}</code> lists them all.</p>\n",
            total - rows.len(),
            esc(how)
        ));
    }
}

fn controls(h: &mut String, ctx: &Ctx, opts: &ReportOptions, cs: &[PlatformControl]) {
    h.push_str("<h3>Export controls</h3>\n");
    if cs.is_empty() {
        h.push_str("<p>The model declares no export-control regimes.</p>\n");
        return;
    }
    for c in cs {
        let ctrl_country = ctx
            .m
            .regime_ix(&c.regime)
            .map(|r| {
                ctx.m.countries()[ctx.m.regimes()[r.index()].country.index()]
                    .name
                    .clone()
            })
            .unwrap_or_default();
        h.push_str(&format!(
            "<div class=\"regime\"><h4>{} <span class=\"muted\">(controlled by {})</span> {}</h4>\n",
            esc(&c.regime),
            esc(&ctrl_country),
            if c.controlled {
                "<span class=\"badge bad\">controlled</span>"
            } else {
                "<span class=\"badge ok\">not affected</span>"
            }
        ));
        if !c.controlled {
            h.push_str(&format!(
                "<p>No {} item anywhere in this platform's planned supply chain.</p></div>\n",
                esc(&c.regime)
            ));
            continue;
        }
        if c.item_controlled {
            h.push_str(&format!(
                "<p>The platform itself is a {} item.</p>\n",
                esc(&c.regime)
            ));
        }
        if c.regime_free_possible {
            h.push_str(&format!(
                "<p class=\"good\">A build free of {} is possible using alternative suppliers already in the model.</p>\n",
                esc(&c.regime)
            ));
        } else if !c.item_controlled {
            let frontier: BTreeSet<String> =
                c.frontier.iter().map(|f| ctx.item_label(&f.item)).collect();
            let mut frontier: Vec<String> = frontier.into_iter().collect();
            // `frontier` holds the first `listed` (stage, input) pairs of `frontier_groups`.
            if c.frontier_groups > c.frontier.len() {
                frontier.push(format!(
                    "and {} more inputs",
                    c.frontier_groups - c.frontier.len()
                ));
            }
            let blocked: Vec<String> = c.blocked_inputs.iter().map(|i| ctx.item_label(i)).collect();
            h.push_str(&format!(
                "<p class=\"warn\">No {}-free build with the suppliers in the model. Inputs of the platform \
                 with no {}-free source: {}. The regime cannot be avoided at: {}.</p>\n",
                esc(&c.regime),
                esc(&c.regime),
                esc(&blocked.join("; ")),
                esc(&frontier.join("; "))
            ));
        }
        let head = "<thead><tr><th>Controlled item</th><th>Category</th><th>How it gets into the platform</th></tr></thead>";
        let rows: Vec<String> = c
            .via
            .iter()
            .map(|v| {
                let path: Vec<String> = v
                    .path
                    .iter()
                    .map(|id| match ctx.stage_by_id.get(id.as_str()) {
                        Some(&s) => esc(ctx.item_name(s)),
                        None => esc(id),
                    })
                    .collect();
                format!(
                    "<tr><td>{}</td><td>{}</td><td class=\"path\">{}</td></tr>\n",
                    esc(&ctx.item_label(&v.item)),
                    esc(v.category.as_deref().unwrap_or("-")),
                    path.join(" &rarr; ")
                )
            })
            .collect();
        let how = format!(
            "keel controls MODEL --platform {} --regime {}",
            c.platform, c.regime
        );
        fold_rows(
            h,
            &rows,
            c.controlled_items,
            opts.max_rows,
            head,
            "controlled items",
            &how,
        );
        h.push_str("</div>\n");
    }
}

fn suppliers(ctx: &Ctx, g: GroupIx) -> String {
    let m = ctx.m;
    let mut firms: Vec<String> = Vec::new();
    for k in m.sources_of(g) {
        let sup = m.sources()[k.index()].supplier;
        let label = format!("{} ({})", ctx.firm_name(sup), ctx.stage_country(sup));
        if !firms.contains(&label) {
            firms.push(label);
        }
    }
    let shown = 3;
    let mut out = esc(&firms
        .iter()
        .take(shown)
        .cloned()
        .collect::<Vec<_>>()
        .join(", "));
    if firms.len() > shown {
        out.push_str(&format!(" and {} more", firms.len() - shown));
    }
    out
}

fn concentration(h: &mut String, ctx: &Ctx, opts: &ReportOptions, p: &PlatformData) {
    h.push_str("<h3>Supply concentration</h3>\n");
    let counts = &p.group_counts;
    let n = counts.total;
    let sole = counts.sole_source;
    let one_country = counts.single_country;
    let one_lane = counts.single_lane;
    let outside = counts.outside_home_blocs;
    let high = counts.high;
    h.push_str(&format!(
        "<p>Of the {} this platform's supply chain buys, <b>{sole}</b> come from a single firm, \
         <b>{one_country}</b> from a single country, <b>{one_lane}</b> over a single transport lane or chokepoint, \
         and <b>{outside}</b> only from outside {} and its blocs; <b>{high}</b> are highly concentrated by firm \
         (HHI above 1,800). Flagged: highly concentrated and no other firm in the model makes the item, or every \
         supplier is outside {} and its blocs (the rule of <code>keel concentration --flagged</code>).</p>\n",
        count(n, "input (one item bought by one stage)", "inputs (an item bought by a stage)"),
        esc(ctx.home_name),
        esc(ctx.home_name)
    ));
    let listed: &[UpstreamGroup] = &p.groups;
    if listed.is_empty() {
        h.push_str("<p class=\"good\">No input is flagged.</p>\n");
        return;
    }
    let head = "<thead><tr><th>Bought by</th><th>Input</th><th>Suppliers</th>\
                <th class=\"num\">HHI by firm</th><th>Flags</th></tr></thead>";
    let rows: Vec<String> = listed
        .iter()
        .map(|g| {
            let ms = &g.conc.measures;
            let mut flags = String::new();
            let mut flag = |on: bool, text: String| {
                if on {
                    flags.push_str(&format!("<span class=\"flag\">{}</span> ", esc(&text)));
                }
            };
            flag(ms.sole_source, "sole source".into());
            flag(ms.single_country, "single country".into());
            flag(
                ms.single_lane,
                match ms.common_lane {
                    Some(l) => format!("single lane: {}", keel_present::route_name(ctx.m, l)),
                    None => "single lane".into(),
                },
            );
            flag(ms.outside_home_blocs, "outside home blocs".into());
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} <span class=\"band {}\">{}</span></td>\
                 <td>{}</td></tr>\n",
                esc(&ctx.stage_label(&g.conc.stage)),
                esc(&ctx.item_label(&g.conc.item)),
                suppliers(ctx, g.group),
                num(ms.hhi_firm),
                ms.band_firm.as_str(),
                ms.band_firm.as_str(),
                flags.trim_end()
            )
        })
        .collect();
    let how = format!(
        "keel concentration MODEL --platform {}",
        ctx.m.stages()[p.stage.index()].id
    );
    fold_rows(
        h,
        &rows,
        counts.flagged,
        opts.max_rows,
        head,
        "flagged inputs",
        &how,
    );
}

fn spofs(h: &mut String, ctx: &Ctx, opts: &ReportOptions, p: &PlatformData) {
    h.push_str("<h3>Single points of failure</h3>\n");
    if !p.spofs.buildable {
        h.push_str(
            "<p class=\"warn\">This platform cannot be built even with nothing removed: some input has no \
             supplier that can itself be built.</p>\n",
        );
        return;
    }
    if p.spofs.spofs.is_empty() {
        h.push_str(
            "<p class=\"good\">None: every production stage, site, firm, country, bloc, lane and chokepoint can \
             be lost alone and the platform can still be built from alternative suppliers.</p>\n",
        );
        return;
    }
    // Broadest kinds first: a reader cares most about a country or a strait before a single factory.
    // Each kind with its words in the report's prose (lanes and stages are spelled out for a lay reader).
    const KINDS: [(ElementKind, &str, &str); 7] = [
        (ElementKind::Bloc, "bloc", "blocs"),
        (ElementKind::Country, "country", "countries"),
        (ElementKind::Chokepoint, "chokepoint", "chokepoints"),
        (ElementKind::Lane, "transport lane", "transport lanes"),
        (ElementKind::Firm, "firm", "firms"),
        (ElementKind::Site, "site", "sites"),
        (ElementKind::Stage, "production stage", "production stages"),
    ];
    let of_kind = |k: ElementKind| p.spofs.spofs.iter().filter(move |t| t.kind() == k);
    let summary: Vec<String> = KINDS
        .iter()
        .filter_map(|&(k, one, many)| match of_kind(k).count() {
            0 => None,
            n => Some(count(n, one, many)),
        })
        .collect();
    h.push_str(&format!(
        "<p>Losing any one of these alone stops the platform, even using every alternative supplier in the \
         model: {}.</p>\n<div class=\"spof\">\n",
        summary.join(", ")
    ));
    let how = format!(
        "keel criticality MODEL --platform {}",
        ctx.m.stages()[p.stage.index()].id
    );
    for (k, _, many) in KINDS {
        let total = of_kind(k).count();
        if total == 0 {
            continue;
        }
        let rows: Vec<String> = of_kind(k)
            .take(listed(opts))
            .map(|&t| spof_row(ctx, t))
            .collect();
        let mut title = many.to_string();
        title[..1].make_ascii_uppercase();
        h.push_str(&format!("<h4>{title} ({total})</h4>\n"));
        let head = "<thead><tr><th>Kind</th><th>What</th><th>Details</th></tr></thead>";
        fold_rows(h, &rows, total, opts.max_rows, head, many, &how);
    }
    h.push_str("</div>\n");
}

/// One table row describing a single point of failure in words.
fn spof_row(ctx: &Ctx, t: Target) -> String {
    let m = ctx.m;
    let (kind, what, details) = match t {
        Target::Stage(s) => (
            "production stage",
            ctx.item_name(s).to_string(),
            format!(
                "{} in {} (stage {})",
                ctx.firm_name(s),
                ctx.country_name(ctx.stage_country(s)),
                m.stages()[s.index()].id
            ),
        ),
        Target::Firm(f) => {
            let firm = &m.firms()[f.index()];
            let c = &m.countries()[firm.country.index()].name;
            ("firm", firm.name.clone(), format!("based in {c}"))
        }
        Target::Site(x) => {
            let site = &m.sites()[x.index()];
            (
                "site",
                site.name.clone().unwrap_or_else(|| site.id.clone()),
                format!(
                    "{} in {} (site {})",
                    m.firms()[site.firm.index()].name,
                    ctx.country_name(&m.countries()[site.country.index()].code),
                    site.id
                ),
            )
        }
        Target::Bloc(b) => (
            "bloc",
            m.blocs()[b.index()].clone(),
            "every member country lost at once".to_string(),
        ),
        Target::Country(c) => (
            "country",
            m.countries()[c.index()].name.clone(),
            m.countries()[c.index()].code.clone(),
        ),
        Target::Lane(l) => {
            let lane = &m.lanes()[l.index()];
            let site = |x: keel_model::SiteIx| {
                let st = &m.sites()[x.index()];
                format!(
                    "{} ({})",
                    m.firms()[st.firm.index()].name,
                    m.countries()[st.country.index()].code
                )
            };
            let chokes: Vec<&str> = lane
                .chokepoints
                .iter()
                .map(|c| m.chokepoints()[c.index()].as_str())
                .collect();
            (
                "transport lane",
                lane.id.clone(),
                format!(
                    "{} to {} by {}{}",
                    site(lane.from_site),
                    site(lane.to_site),
                    lane.mode.as_str(),
                    if chokes.is_empty() {
                        String::new()
                    } else {
                        format!(", through {}", chokes.join(", "))
                    }
                ),
            )
        }
        Target::Chokepoint(c) => (
            "chokepoint",
            m.chokepoints()[c.index()].clone(),
            "every lane through it closed".to_string(),
        ),
        other => ("other", keel_present::target_name(m, other), String::new()),
    };
    format!(
        "<tr><td><span class=\"kind {}\">{kind}</span></td><td>{}</td><td>{}</td></tr>\n",
        slug(kind),
        esc(&what),
        esc(&details)
    )
}

fn methods(h: &mut String, policy: bool) {
    h.push_str(&format!(
        "<section id=\"methods\" class=\"note\">\n<h2>Method notes</h2>\n<ul>\n\
         <li><b>Exposure</b> (Keel method <i>exposure</i>, docs/methods/exposure.md): firm-level Leontief \
         look-through, the calculation behind the OECD Trade in Value Added (TiVA) origin of value added. The \
         units of every upstream stage needed per unit of the platform are summed over all paths, weighted by \
         planned supplier shares, and each stage's value added is credited to the country of its site. Tiers \
         credit value to the depth at which it enters along each path.</li>\n\
         <li><b>Export controls</b> (Keel method <i>controls</i>, docs/methods/controls.md): a stage is \
         controlled if its item, or anything it plans to buy from, carries the regime (see-through rule); the \
         path shown is the shortest chain of planned inputs. A regime-free build removes every item carrying the \
         regime and checks whether each input still has a buildable supplier among all listed ones.</li>\n\
         <li><b>Concentration</b> (Keel method <i>concentration</i>, docs/methods/concentration.md): \
         Herfindahl-Hirschman index of planned shares by firm. {}. Sole source: one firm; single country: all \
         suppliers in one country; single lane: all deliveries ride one lane or pass one chokepoint; outside home \
         blocs: no supplier in the home country or a country sharing a bloc with it.</li>\n\
         <li><b>Single points of failure</b> (Keel method <i>criticality</i>, docs/methods/criticality.md): an \
         element is a single point of failure when removing it alone leaves the platform with some input that \
         no surviving supplier can deliver (AND over inputs, OR over suppliers, suppliers with a planned share of \
         0 counted as alternatives). Computed exactly for every stage, site, firm, country, bloc, lane and \
         chokepoint, as <code>keel criticality</code> lists them.</li>\n{}\
         </ul>\n</section>\n",
        esc(BANDS),
        if policy { POLICY_METHODS } else { "" }
    ));
}

fn footer(h: &mut String, ctx: &Ctx, policy: Option<&PolicyFigures>) {
    h.push_str(&format!(
        "<footer>\n<p><b>Data credits.</b> Model: {}. {} {}Report generated by Keel (keel report), \
         open-source, Apache-2.0. This file is self-contained and works offline.</p>\n</footer>\n",
        esc(&ctx.m.meta().name),
        esc(map::CREDIT),
        policy.map_or(String::new(), |p| format!("{} ", policy_credits(p)))
    ));
}
