//! Lays out the "Strengthen" section from [`crate::strengthen`]'s results: the budget frontier as a chart and
//! a table, the plan at one budget (its options, what it buys, each scenario before and after), or, for a
//! model without options, how to add them.
//!
//! # Complexity
//! Linear in the frontier's points, the options chosen and the scenarios.

use crate::html::{count, esc, num};
use crate::linechart::{self, Point, Series, XAxis};
use crate::strengthen::Strengthen;
use keel_model::{Investments, Model};
use keel_plan::{FrontierPoint, PlanResult};

const LOSS_COLOUR: &str = "#c8102e";

/// The section as HTML (`id="strengthen"`).
pub(crate) fn section(h: &mut String, m: &Model, s: &Strengthen) {
    h.push_str("<section id=\"strengthen\">\n<h2>Strengthen: what to fund</h2>\n");
    match (s, m.investments()) {
        (
            Strengthen::Planned {
                total_cost,
                frontier,
                plan,
            },
            Some(inv),
        ) => planned(h, m, inv, *total_cost, frontier, plan),
        (Strengthen::Failed(msg), _) => h.push_str(&format!(
            "<p>The model has investment options, but Keel's planner cannot weigh them: {}.</p>\n",
            esc(msg)
        )),
        _ => h.push_str(
            "<p>This model lists no investment options, so there is no plan to show. To see which second \
             sources, added capacity and stockpiles to fund, and what each buys, add the file \
             <code>options.csv</code> to the model (model format version 1.1, docs/model-format.md): one row per \
             option with its <code>id</code>, <code>kind</code> (capacity, stockpile or source), the \
             <code>stage</code> it acts on and its <code>cost</code>, and for research bets the \
             <code>probability</code> that it works. Give each scenario of scenarios.csv a \
             <code>probability</code>, then run <code>keel plan</code> or make this report again.</p>\n",
        ),
    }
    h.push_str("</section>\n");
}

/// The divisor and word that make amounts up to `max` readable (e.g. 1e6, "million").
fn scale(max: f64) -> (f64, &'static str) {
    if max >= 1e9 {
        (1e9, " billion")
    } else if max >= 1e6 {
        (1e6, " million")
    } else if max >= 1e3 {
        (1e3, " thousand")
    } else {
        (1.0, "")
    }
}

/// An amount in a few characters for a tick: 0, 20 M, 1.5 B, 750 k.
fn short_amount(v: f64) -> String {
    let (d, w) = if v >= 1e9 {
        (1e9, " B")
    } else if v >= 1e6 {
        (1e6, " M")
    } else if v >= 1e3 {
        (1e3, " k")
    } else {
        (1.0, "")
    };
    let q = v / d;
    let s = if (q - q.round()).abs() < 1e-9 {
        format!("{:.0}", q.round())
    } else {
        format!("{q:.1}")
    };
    format!("{s}{w}")
}

fn option_list(inv: &Investments, chosen: &[usize]) -> String {
    if chosen.is_empty() {
        return "none".into();
    }
    chosen
        .iter()
        .map(|&o| esc(&inv.options[o].id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn planned(
    h: &mut String,
    m: &Model,
    inv: &Investments,
    total_cost: f64,
    frontier: &[FrontierPoint],
    r: &PlanResult,
) {
    let cur = &m.meta().currency;
    let risky = inv.options.iter().filter(|o| o.is_risky()).count();
    h.push_str(&format!(
        "<p class=\"sub\">The model lists {} costing {cur} {} together ({} of them bets that may fail). Keel's \
         planner (<code>keel plan</code>) picks, for a budget, the options that minimise the expected loss over \
         the model's scenarios, counting every way the bets can turn out; a bet that fails costs its full price \
         and adds nothing.</p>\n",
        count(inv.options.len(), "investment option", "investment options"),
        num(total_cost),
        risky,
        cur = esc(cur)
    ));

    // The frontier.
    let max_y = frontier.iter().map(|p| p.expected_loss).fold(0.0, f64::max);
    let (dy, wy) = scale(max_y);
    // One step per budget: the ladder is geometric, so a value axis would crowd its first steps into a corner.
    let steps: Vec<String> = frontier.iter().map(|p| short_amount(p.budget)).collect();
    let tip = |p: &FrontierPoint, what: &str, v: f64| {
        format!(
            "budget {cur} {}: {what} {cur} {}",
            num(p.budget),
            num(v),
            cur = cur
        )
    };
    let series = [Series {
        label: "expected loss".into(),
        colour: LOSS_COLOUR,
        dashed: false,
        dots: true,
        points: frontier
            .iter()
            .enumerate()
            .map(|(k, p)| Point {
                x: k as f64,
                y: p.expected_loss / dy,
                tip: tip(p, "expected loss", p.expected_loss),
            })
            .collect(),
    }];
    h.push_str("<h3>What each budget buys</h3>\n");
    h.push_str(&linechart::line_chart(
        "frontier",
        "Expected loss that remains at each budget, with the best plan for that budget",
        &format!("Budget ({cur}; uneven steps)"),
        &format!("Expected loss ({cur}{wy})"),
        XAxis::Steps(&steps),
        &series,
    ));
    h.push_str(
        "<div class=\"scroll\"><table class=\"frontier\"><thead><tr><th class=\"num\">Budget</th>\
         <th class=\"num\">Cost of the plan</th><th class=\"num\">Expected loss</th><th class=\"num\">CVaR</th>\
         <th>Options funded</th></tr></thead><tbody>\n",
    );
    for p in frontier {
        h.push_str(&format!(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>\n",
            num(p.budget),
            num(p.cost),
            num(p.expected_loss),
            p.cvar.map_or("-".into(), num),
            option_list(inv, &p.chosen)
        ));
    }
    h.push_str(&format!(
        "</tbody></table></div>\n<p class=\"muted\">Amounts in {}. Each budget is solved on its own; \
         the line joins the optima and the loss between two budgets is at most the left one's. CVaR at {}: \
         the average loss in the worst {}% of outcomes (left out of the chart, whose scale it would flatten). \
         <code>keel plan --frontier</code> solves any budgets you choose.</p>\n",
        esc(cur),
        r.alpha,
        num((1.0 - r.alpha) * 100.0)
    ));

    // The plan.
    let budget = r.budget.unwrap_or(total_cost);
    h.push_str(&format!(
        "<h3>The plan at a budget of {} {}</h3>\n",
        esc(cur),
        num(budget)
    ));
    let cards = [
        ("Cost of the plan", format!("{} {}", esc(cur), num(r.cost))),
        (
            "Expected loss, doing nothing",
            format!("{} {}", esc(cur), num(r.baseline_expected_loss)),
        ),
        (
            "Expected loss, with the plan",
            format!("{} {}", esc(cur), num(r.expected_loss)),
        ),
        (
            "Expected loss averted",
            format!(
                "{} {}",
                esc(cur),
                num(r.baseline_expected_loss - r.expected_loss)
            ),
        ),
        (
            "What the bets are worth (value of experimentation)",
            format!("{} {}", esc(cur), num(r.value_of_experimentation)),
        ),
        (
            "Bets expected to fail",
            num(r.expected_failed_bets).to_string(),
        ),
    ];
    h.push_str("<div class=\"cards\">");
    for (k, v) in cards {
        h.push_str(&format!(
            "<div class=\"card\"><div class=\"v\">{v}</div><div class=\"k\">{k}</div></div>"
        ));
    }
    h.push_str("</div>\n");
    h.push_str(
        "<p class=\"muted\">The value of experimentation is how much more the best plan that takes no bet would \
         leave at risk; the marginal value of an option is how much the expected loss would rise if it alone \
         were dropped from the plan.</p>\n",
    );
    if r.chosen.is_empty() {
        h.push_str("<p>No option lowers the expected loss within this budget.</p>\n");
    } else {
        h.push_str(
            "<div class=\"scroll\"><table class=\"plan\"><thead><tr><th>Option</th><th>Name</th><th>Kind</th>\
             <th>Stage</th><th class=\"num\">Cost</th><th class=\"num\">Probability it works</th>\
             <th class=\"num\">Marginal value</th></tr></thead><tbody>\n",
        );
        for &o in &r.chosen {
            let opt = &inv.options[o];
            let marginal = r.marginal.iter().find(|x| x.0 == o).map(|x| x.1);
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                esc(&opt.id),
                esc(opt.name.as_deref().unwrap_or("")),
                opt.kind.as_str(),
                esc(&inv.full.stages()[opt.stage.index()].id),
                num(opt.cost),
                num(opt.probability),
                marginal.map_or("-".into(), num)
            ));
        }
        h.push_str("</tbody></table></div>\n");
    }

    // Each scenario before and after.
    h.push_str(&format!(
        "<div class=\"scroll\"><table class=\"plan-scenarios\"><caption>Loss if each scenario strikes, without \
         and with the plan ({})</caption><thead><tr><th>Scenario</th><th class=\"num\">Probability</th>\
         <th class=\"num\">Duration ({})</th><th class=\"num\">Loss, doing nothing</th>\
         <th class=\"num\">Loss, with the plan</th></tr></thead><tbody>\n",
        esc(cur),
        esc(&m.meta().time_unit)
    ));
    for c in &r.scenarios {
        let name = c.scenario.map_or("no disruption".to_string(), |i| {
            inv.full.scenarios()[i].name.clone()
        });
        h.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>\n",
            esc(&name),
            num(c.probability),
            num(c.duration),
            num(c.before),
            num(c.after)
        ));
    }
    h.push_str("</tbody></table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::short_amount;

    #[test]
    fn short_amounts() {
        assert_eq!(short_amount(0.0), "0");
        assert_eq!(short_amount(20e6), "20 M");
        assert_eq!(short_amount(2.6e9), "2.6 B");
        assert_eq!(short_amount(750e3), "750 k");
        assert_eq!(short_amount(5.0), "5");
    }
}
