// Analyses as background jobs: start one, follow its progress through server-sent events with a progress bar
// and a cancel button, and hand the finished job to the page that shows its results (no reload).

import { get, post, getText } from "./api.js";
import { h, say, errorBox, csvRecords, table, downloads, onLeave } from "./ui.js";
import { bars, scatter } from "./charts.js";

/**
 * A panel that runs `analysis` (with `options`) on version `v` of workspace `ws` when its button is pressed,
 * shows progress, and calls `render(job, base)` to fill `out` once it has succeeded.
 */
export function jobPanel(ws, v, label, body, render) {
  const out = h("div", { class: "job-results" });
  const bar = h("progress", { max: 1, value: 0, "aria-label": label + ": progress", hidden: true });
  const state = h("span", { class: "job-state" });
  const cancel = h("button", { type: "button", hidden: true }, "Cancel");
  const start = h("button", { type: "button", class: "primary" }, label);
  let source = null;

  const finish = async (job) => {
    if (source) source.close();
    source = null;
    cancel.hidden = true;
    start.disabled = false;
    bar.hidden = job.state !== "succeeded";
    bar.value = bar.max;
    state.textContent = `Job ${job.id}: ${job.state}` + (job.error ? ` (${job.error})` : "");
    say(`${label}: ${job.state}`);
    if (job.state === "succeeded") {
      try {
        await render(job, `/workspaces/${ws}/jobs/${job.id}`, out);
      } catch (e) {
        out.replaceChildren(errorBox(e));
      }
    }
  };

  const follow = (job) => {
    bar.hidden = false;
    cancel.hidden = false;
    start.disabled = true;
    state.textContent = `Job ${job.id}: ${job.state}`;
    source = new EventSource(`/api/v1/workspaces/${ws}/jobs/${job.id}/events`);
    // A browser keeps few connections per server: the stream must not outlive the page.
    const mine = source;
    onLeave(() => mine.close());
    source.addEventListener("progress", (e) => {
      const p = JSON.parse(e.data);
      if (p.total > 0) {
        bar.max = p.total;
        bar.value = p.done;
      }
      state.textContent = `Job ${job.id}: ${p.state}, ${p.done} of ${p.total || "?"}`;
    });
    source.addEventListener("state", (e) => finish(JSON.parse(e.data)));
    source.onerror = async () => {
      // The stream ended or broke: ask for the job once and finish if it has ended.
      const j = await get(`/workspaces/${ws}/jobs/${job.id}`).catch(() => null);
      if (j && ["succeeded", "failed", "cancelled"].includes(j.state)) finish(j);
    };
  };

  start.addEventListener("click", async () => {
    out.replaceChildren();
    start.disabled = true;
    try {
      const job = await post(`/workspaces/${ws}/jobs`, Object.assign({ version: v }, body()));
      follow(job);
    } catch (e) {
      start.disabled = false;
      out.replaceChildren(errorBox(e));
    }
  });
  cancel.addEventListener("click", async () => {
    const id = (state.textContent.match(/Job (\d+)/) || [])[1];
    if (id) await post(`/workspaces/${ws}/jobs/${id}/cancel`).catch((e) => out.replaceChildren(errorBox(e)));
  });

  const panel = h("div", { class: "job" }, h("div", { class: "job-controls" }, start, " ", cancel, " ", bar, " ", state), out);
  panel.showLatest = (job) => (["succeeded"].includes(job.state) ? finish(job) : ["queued", "running"].includes(job.state) ? follow(job) : null);
  return panel;
}

/**
 * Shows on each panel the workspace's newest job that its pick chooses (`picks`: [[panel, pick(job)], ...]),
 * from one request for all the page's panels. A pick that finds nothing leaves its panel as it is.
 */
export function showLatestJobs(ws, picks) {
  get(`/workspaces/${ws}/jobs?limit=100`)
    .then((jobs) => {
      for (const [panel, pick] of picks) {
        const job = jobs.find(pick);
        if (job) panel.showLatest(job);
      }
    })
    .catch(() => {});
}

/**
 * The stress ranking: PI, TTS and REI per scenario, as charts and their table, with downloads. Returns the
 * worst scenario's row.
 */
export async function renderStress(job, base, out) {
  const csv = csvRecords(await getText(`${base}/results.csv?table=scenarios`));
  const rows = csv.rows;
  const top = rows.slice(0, 20);
  const ranking = table(
    "Stress ranking",
    [
      ["rank", "Rank", "num"],
      ["scenario", "Scenario"],
      ["rei", "REI", "num"],
      ["pi", "PI", "num"],
      ["tts", "TTS", "num"],
      ["t", "TTR", "num"],
      ["platforms_hit", "Platforms hit", "num"],
    ],
    rows,
  );
  ranking.id = "stress-ranking";
  out.replaceChildren(
    bars(
      "Performance impact of each scenario (lost value before recovery), largest first",
      "Performance impact (model currency)",
      top.map((r) => ({ label: r.scenario, value: Number(r.pi) })),
      { labelName: "Scenario" },
    ),
    scatter(
      "Time to survive against time to recover, per scenario",
      "Time to recover (model time units)",
      "Time to survive (model time units)",
      rows.map((r) => ({ label: r.scenario, x: Number(r.t), y: Number(r.tts) })),
      {
        labelName: "Scenario",
        diagonal: "survive = recover",
        note: "Orange points lie under the diagonal: production stops before supply recovers, and value is lost.",
      },
    ),
    ranking,
    downloads(base, "scenarios"),
  );
  return rows[0];
}
