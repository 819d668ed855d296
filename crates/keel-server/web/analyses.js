// The overview's "More analyses" (simulation of one scenario, Monte Carlo, investment plan) and the workspace's
// policy page (NATO spending, SIPRI arms suppliers). Each runs as a background job from the page that shows its
// charts (jobs.js jobPanel), and every chart has its table and CSV, xlsx and JSON downloads beside it.

import { getText } from "./api.js";
import { h, show, fmt, csvRecords, table, downloads } from "./ui.js";
import { bars, line, histogram, stacked, PALETTE } from "./charts.js";
import { jobPanel, showLatestJobs } from "./jobs.js";

// At most this many platforms get a line each: the palette has 8 colour-blind-safe colours and the total
// takes the last (black).
const MAX_LINES = 7;

const tableOf = async (base, name) => csvRecords(await getText(`${base}/results.csv?table=${encodeURIComponent(name)}`)).rows;
const versionFile = async (ws, v, name) => csvRecords(await getText(`/workspaces/${ws}/versions/${v}/files/${name}`)).rows;
const pct2 = (x) => (Number(x) * 100).toFixed(2) + "%";

/** Labelled form controls above a job panel. */
function options(...fields) {
  return h("div", { class: "analysis-options" }, fields);
}
function field(id, label, control) {
  control.id = id;
  return [h("label", { for: id }, label), control];
}

/** Download links that say which table they hold (a panel with several tables has several sets). */
function labelled(text, links) {
  links.prepend(text);
  return links;
}

/** The section appended to a version's overview; `o` is the overview (currency, time unit). */
export function analyses(ws, v, o) {
  const sim = simulation(ws, v, o);
  const mc = monteCarlo(ws, v, o);
  const plan = planPanel(ws, v, o);
  // The latest succeeded job of each kind on this version is shown without running it again (the overview
  // asks for the jobs once, for these panels and its own).
  const picks = [sim, mc, plan].map((p) => [
    { showLatest: p.latest },
    (j) => j.version === Number(v) && j.analysis === p.analysis && j.state === "succeeded",
  ]);
  const el = h(
    "section",
    { id: "more-analyses", "aria-labelledby": "more-analyses-title" },
    h("h2", { id: "more-analyses-title" }, "More analyses"),
    h("h3", {}, "Simulation of one scenario: output and loss over time"),
    sim.el,
    h("h3", {}, "Monte Carlo: the distribution of losses"),
    mc.el,
    h("h3", {}, "Investment plan: the budget frontier"),
    plan.el,
  );
  return { el, picks };
}

function simulation(ws, v, o) {
  const scenario = h("select", {}, h("option", { value: "" }, "loading the scenarios…"));
  const horizon = h("input", { type: "number", min: 1, max: 3650, step: 1, value: 365 });
  versionFile(ws, v, "scenarios.csv")
    .then((rows) => {
      const names = [...new Set(rows.map((r) => r.scenario).filter(Boolean))];
      scenario.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
    })
    .catch(() => scenario.replaceChildren(h("option", { value: "" }, "this model has no scenarios.csv")));
  const panel = jobPanel(
    ws,
    v,
    "Run the simulation",
    () => ({ analysis: "simulate", scenario: scenario.value, horizon: Number(horizon.value) || 365, series: true, stock: true }),
    async (job, base, out) => {
      const [platforms, series] = await Promise.all([tableOf(base, "platforms"), tableOf(base, "series")]);
      const hit = platforms
        .filter((p) => Number(p.loss) > 0)
        .sort((a, b) => Number(b.loss) - Number(a.loss))
        .slice(0, MAX_LINES)
        .map((p) => p.platform);
      const byPlatform = new Map(hit.map((p) => [p, []]));
      const total = new Map();
      for (const r of series) {
        const step = Number(r.step);
        total.set(step, (total.get(step) || 0) + Number(r.cumulative_loss));
        const pts = byPlatform.get(r.platform);
        if (pts) pts.push({ x: step, y: Number(r.demand) > 0 ? Number(r.delivered) / Number(r.demand) : 1, loss: Number(r.cumulative_loss), stock: Number(r.stock) });
      }
      const name = job.options.scenario;
      const lost = platforms.reduce((a, p) => a + Number(p.loss), 0);
      const others = platforms.filter((p) => Number(p.loss) > 0).length - hit.length;
      const note = others > 0 ? `${others} more platform(s) lose output: see the table.` : null;
      out.replaceChildren(
        hit.length
          ? line(
              `Output of each platform hit by ${name}: delivered as a share of demand, per step`,
              `Step (${o.time_unit})`,
              "Delivered / demand",
              hit.map((p) => ({ name: p, points: byPlatform.get(p) })),
              { pct: true, seriesName: "Platform", note },
            )
          : h("p", { class: "ok" }, `No platform falls short under ${name} within ${job.options.horizon || 365} steps.`),
        hit.length && series.length && "stock" in series[0]
          ? line(
              `Finished units on hand of each platform hit by ${name}, per step: the stock that keeps deliveries going until it runs out`,
              `Step (${o.time_unit})`,
              "Units on hand",
              hit.map((p) => ({ name: p, points: byPlatform.get(p).map((q) => ({ x: q.x, y: q.stock })) })),
              { seriesName: "Platform" },
            )
          : null,
        line(
          `Cumulative loss under ${name}: ${fmt(lost)} ${o.currency} in all`,
          `Step (${o.time_unit})`,
          `Cumulative loss (${o.currency})`,
          [
            ...hit.map((p) => ({ name: p, points: byPlatform.get(p).map((q) => ({ x: q.x, y: q.loss })) })),
            { name: "All platforms", points: [...total].map(([x, y]) => ({ x, y })), color: PALETTE[7], dashed: true },
          ],
          { seriesName: "Platform" },
        ),
        table(
          `Each platform under ${name}`,
          [
            ["platform", "Platform"],
            ["demand_step", "Demand per step", "num"],
            ["delivered", "Delivered", "num"],
            ["shortfall", "Shortfall", "num"],
            ["first_short", "First short (step)", "num"],
            ["recovery", "Recovered (step)", "num"],
            ["loss", `Loss (${o.currency})`, "num"],
          ],
          platforms,
        ),
        labelled("Per platform: ", downloads(base, "platforms")),
        labelled("Per platform and step: ", downloads(base, "series")),
      );
    },
  );
  panel.id = "simulate";
  return {
    analysis: "simulate",
    el: h("div", {}, options(field("simulate-scenario", "Scenario", scenario), field("simulate-horizon", `Steps (${o.time_unit})`, horizon)), panel),
    latest: (job) => panel.showLatest(job),
  };
}

function monteCarlo(ws, v, o) {
  const runs = h("input", { type: "number", min: 10, max: 100000, step: 10, value: 200 });
  const seed = h("input", { type: "number", min: 0, step: 1, value: 1 });
  const panel = jobPanel(
    ws,
    v,
    "Run the Monte Carlo",
    () => ({ analysis: "montecarlo", runs: Number(runs.value) || 200, seed: Number(seed.value) || 0 }),
    async (job, base, out) => {
      const [total] = await tableOf(base, "total");
      const platforms = await tableOf(base, "platforms");
      const marks = [
        { label: "mean", value: Number(total.loss_mean) },
        { label: "p95", value: Number(total.loss_p95) },
        { label: "CVaR 95%", value: Number(total.loss_cvar95) },
      ];
      const title = `Total loss over ${fmt(total.runs)} runs of ${fmt(total.steps)} steps: mean ${fmt(total.loss_mean)}, p95 ${fmt(total.loss_p95)}, CVaR 95% ${fmt(total.loss_cvar95)} ${o.currency}`;
      const note = `${fmt(total.runs_with_loss)} of ${fmt(total.runs)} runs lose anything; the median run loses ${fmt(total.loss_median)}. Seed ${total.seed}: the same seed gives the same runs.`;
      // One row per run. Most runs of a resilient model lose nothing, and one bar of them would flatten the
      // rest: the histogram is of the runs with a loss, and the note says how many lost nothing.
      const perRun = (await tableOf(base, "runs")).map((r) => Number(r.loss));
      const lossy = perRun.filter((x) => x > 0);
      const chart = histogram(title, `Total loss of a run that lost anything (${o.currency})`, "Runs", lossy, {
        marks,
        note: `${note} The bars count the ${fmt(lossy.length)} runs with a loss; ${fmt(perRun.length - lossy.length)} runs lost nothing.`,
      });
      chart.id = "montecarlo-chart";
      const hit = platforms.filter((p) => Number(p.loss_mean) > 0).sort((a, b) => Number(b.loss_cvar95) - Number(a.loss_cvar95));
      out.replaceChildren(
        chart,
        hit.length
          ? bars(
              `Tail loss per platform: CVaR 95% (mean of the worst 5% of runs), ${o.currency}`,
              `CVaR 95% of the platform's loss (${o.currency})`,
              hit.map((p) => ({ label: p.platform, value: Number(p.loss_cvar95) })),
              { labelName: "Platform" },
            )
          : null,
        table(
          "Loss per platform over the runs",
          [
            ["platform", "Platform"],
            ["loss_mean", "Mean", "num"],
            ["loss_se", "Standard error", "num"],
            ["loss_p95", "p95", "num"],
            ["loss_cvar95", "CVaR 95%", "num"],
            ["runs_short", "Runs short", "num"],
          ],
          platforms,
        ),
        labelled("Per platform: ", downloads(base, "platforms")),
        labelled("What the worst runs have in common: ", downloads(base, "drivers")),
        labelled("Each run's loss: ", downloads(base, "runs")),
      );
    },
  );
  panel.id = "montecarlo";
  return {
    analysis: "montecarlo",
    el: h("div", {}, options(field("montecarlo-runs", "Runs", runs), field("montecarlo-seed", "Seed", seed)), panel),
    latest: (job) => {
      runs.value = job.options.runs ?? runs.value;
      panel.showLatest(job);
    },
  };
}

/** Three significant figures: budgets people can read. */
function round3(x) {
  if (!(x > 0)) return 0;
  const m = Math.pow(10, Math.floor(Math.log10(x)) - 2);
  return Math.round(x / m) * m;
}

function planPanel(ws, v, o) {
  const budgets = h("input", { type: "text", class: "budgets", inputmode: "decimal", placeholder: "e.g. 0, 100000000, 500000000" });
  let names = new Map();
  versionFile(ws, v, "options.csv")
    .then((rows) => {
      names = new Map(rows.map((r) => [r.id, r]));
      const all = rows.reduce((a, r) => a + (Number(r.cost) || 0), 0);
      // Doubling budgets up to the cost of every option: the frontier bends most at small budgets.
      if (!budgets.value) budgets.value = [0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1].map((f) => round3(all * f)).join(", ");
    })
    .catch(() => {
      budgets.placeholder = "this model has no options.csv";
    });
  const panel = jobPanel(
    ws,
    v,
    "Find the best plans",
    () => {
      const frontier = budgets.value
        .split(/[,;\s]+/)
        .filter(Boolean)
        .map(Number)
        .filter((b) => Number.isFinite(b) && b >= 0);
      return frontier.length ? { analysis: "plan", frontier } : { analysis: "plan" };
    },
    async (job, base, out) => {
      if (!(job.tables || []).includes("frontier")) {
        const plan = await tableOf(base, "plan");
        return out.replaceChildren(
          table("The plan: options to fund", [["option", "Option"], ["name", "Name"], ["kind", "Kind"], ["cost", `Cost (${o.currency})`, "num"]], plan),
          downloads(base, "plan"),
        );
      }
      const rows = await tableOf(base, "frontier");
      const chosen = rows.map((r) => new Set((r.options || "").split(";").filter(Boolean)));
      const ids = [...new Set(chosen.flatMap((s) => [...s]))].sort((a, b) => chosen.filter((s) => s.has(b)).length - chosen.filter((s) => s.has(a)).length || (a < b ? -1 : 1));
      const chart = line(
        `Expected loss against budget: from ${fmt(rows[0].expected_loss)} to ${fmt(rows[rows.length - 1].expected_loss)} ${o.currency}`,
        `Budget (${o.currency})`,
        `Expected loss (${o.currency})`,
        [{ name: "Least expected loss within the budget", points: rows.map((r) => ({ x: Number(r.budget), y: Number(r.expected_loss) })) }],
        { seriesName: "Frontier", note: "Each point is the plan of least expected loss over the scenarios that costs at most the budget; CVaR is in the table." },
      );
      chart.id = "plan-frontier";
      const investments = table(
        "The chosen investments at each budget (✓: funded)",
        [
          ["id", "Option"],
          [(r) => names.get(r.id)?.name || "", "Name"],
          [(r) => names.get(r.id)?.cost ?? "", `Cost (${o.currency})`, "num"],
          ...rows.map((b, i) => [(r) => (chosen[i].has(r.id) ? "✓" : ""), `Budget ${fmt(b.budget)}`]),
        ],
        ids.map((id) => ({ id })),
      );
      investments.id = "plan-investments";
      out.replaceChildren(
        chart,
        table(
          "The frontier",
          [
            ["budget", `Budget (${o.currency})`, "num"],
            ["cost", "Spent", "num"],
            ["expected_loss", "Expected loss", "num"],
            ["cvar", "CVaR", "num"],
            [(r) => (r.options ? r.options.split(";").length : 0), "Options funded", "num"],
          ],
          rows,
        ),
        investments,
        downloads(base, "frontier"),
      );
    },
  );
  panel.id = "plan";
  return {
    analysis: "plan",
    el: h("div", {}, options(field("plan-budgets", `Budgets (${o.currency}, comma-separated)`, budgets)), panel),
    latest: (job) => {
      if (Array.isArray(job.options.frontier)) budgets.value = job.options.frontier.join(", ");
      panel.showLatest(job);
    },
  };
}

/**
 * The workspace's policy page: a country's defence spending against NATO's targets, and where a country's
 * arms imports come from. Policy jobs read the server's published data sets and take no version: jobPanel adds
 * `version: v`, and with v undefined JSON leaves the key out.
 */
export async function policy(ws) {
  const country = h("input", { type: "text", value: "CAN", size: 8, autocomplete: "off" });
  const recipient = h("input", { type: "text", value: "Canada", size: 16, autocomplete: "off" });
  const spending = jobPanel(
    ws,
    undefined,
    "Show the spending",
    () => ({ analysis: "policy", command: "spending", country: country.value.trim(), version: undefined }),
    async (job, base, out) => {
      const [years, path, gaps] = await Promise.all([tableOf(base, "years"), tableOf(base, "path"), tableOf(base, "gaps")]);
      const last = years[years.length - 1];
      const tag = (r) => (r.estimate === "true" ? `${r.year}e` : r.year);
      const chart = line(
        `${job.options.country}: defence spending as a share of GDP, ${years[0].year}–${tag(last)} (${pct2(last.share_of_gdp)} in ${tag(last)}), against NATO's targets`,
        "Year",
        "Share of GDP",
        [
          { name: "Defence expenditure / GDP (NATO)", points: years.map((r) => ({ x: Number(r.year), y: Number(r.share_of_gdp) })) },
          { name: "Steady path to 3.5% by 2035", points: path.map((r) => ({ x: Number(r.year), y: Number(r.share_of_gdp) })), dashed: true },
        ],
        {
          pct: true,
          year: true,
          seriesName: "Series",
          refs: [
            { y: 0.02, label: "2% (2014)" },
            { y: 0.035, label: "3.5% (2035)" },
            { y: 0.05, label: "5% (2035, all)" },
          ],
          note: "NATO's figures; years marked e are estimates. The path is the steady real growth that reaches 3.5% of GDP in 2035.",
        },
      );
      chart.id = "spending-chart";
      out.replaceChildren(
        h("p", { id: "share-latest" }, `Share of GDP in ${tag(last)}: `, h("strong", {}, pct2(last.share_of_gdp))),
        chart,
        table(
          `Gap to each target in ${tag(last)} (millions a year; negative: above the target)`,
          [
            [(r) => pct2(r.target), "Target"],
            // The national currency's column is named after it (gap_canadian_dollars_m, gap_euro_m...).
            ...Object.keys(gaps[0] || {})
              .filter((c) => c.startsWith("gap_"))
              .map((c) => [c, c.slice(4).replace(/_m(_|$)/, " ").trim().replace(/_/g, " ").replace(/^usd\b/, "US dollars") + " (millions)", "num"]),
          ],
          gaps,
        ),
        downloads(base, "years"),
      );
    },
  );
  spending.id = "spending";
  const arms = jobPanel(
    ws,
    undefined,
    "Show the arms suppliers",
    () => ({ analysis: "policy", command: "arms", recipient: recipient.value.trim(), version: undefined }),
    async (job, base, out) => {
      const rows = await tableOf(base, "period_partners");
      const periods = new Map();
      for (const r of rows) {
        const key = `${r.from}–${r.to}`;
        if (!periods.has(key)) periods.set(key, []);
        periods.get(key).push({ key: r.supplier, value: Number(r.tiv) });
      }
      const chart = stacked(
        `${job.options.recipient}: where its arms imports came from, by 5-year period (share of SIPRI trend-indicator value)`,
        "Share of the period's imports (TIV)",
        [...periods].map(([label, parts]) => ({ label, parts })),
        { rowName: "Period", keyName: "Supplier", valueName: "TIV (millions)" },
      );
      chart.id = "arms-chart";
      out.replaceChildren(chart, downloads(base, "period_partners"));
    },
  );
  arms.id = "arms";
  show(
    "Defence spending and arms suppliers",
    h("p", { class: "muted" }, "From the published data sets this server reads (NATO's defence expenditure tables and SIPRI's trade register); no model is needed."),
    h("h2", {}, "Defence spending against NATO's targets"),
    options(field("policy-country", "Country (ISO code or NATO name)", country)),
    spending,
    h("h2", {}, "Arms imports by supplier"),
    options(field("policy-recipient", "Recipient (SIPRI name)", recipient)),
    arms,
  );
  const policyJob = (command) => (j) => j.analysis === "policy" && j.state === "succeeded" && j.options.command === command;
  showLatestJobs(ws, [
    [
      {
        showLatest: (j) => {
          country.value = j.options.country ?? country.value;
          spending.showLatest(j);
        },
      },
      policyJob("spending"),
    ],
    [
      {
        showLatest: (j) => {
          recipient.value = j.options.recipient ?? recipient.value;
          arms.showLatest(j);
        },
      },
      policyJob("arms"),
    ],
  ]);
}
