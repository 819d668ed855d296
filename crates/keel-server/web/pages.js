// The dashboard's pages. Each asks the API only for what its caller's role may read (contributors never ask
// for whole-model routes), and shows the API's own messages when something is refused.

import { get, getText, post, upload } from "./api.js";
import { h, show, say, table, errorBox, diagnostics, fmt, pct, csvRecords } from "./ui.js";
import { stacked, grouped } from "./charts.js";
import { jobPanel, renderStress, showLatestJobs } from "./jobs.js";
import { analyses } from "./analyses.js";

const ZIP = "application/zip";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Sign in; `done(session)` gets the API's session answer. */
export function login(done, message) {
  const name = h("input", { id: "login-name", name: "username", autocomplete: "username", required: true });
  const password = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const out = h("div", {}, message ? h("p", { class: "error", role: "alert" }, message) : null);
  const form = h(
    "form",
    { class: "login", id: "login-form" },
    h("label", { for: "login-name" }, "Name"),
    name,
    h("label", { for: "login-password" }, "Password"),
    password,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    out,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      done(await post("/login", { name: name.value, password: password.value }));
    } catch (err) {
      out.replaceChildren(errorBox(err));
      password.value = "";
      password.focus();
    }
  });
  show("Sign in to Keel", form);
  name.focus();
}

/** The workspaces the caller belongs to. */
export async function workspaces(me) {
  const list = await get("/workspaces");
  show(
    "Workspaces",
    list.length
      ? h("ul", { class: "cards" }, list.map((w) => h("li", {}, h("a", { href: `#/w/${w.id}` }, w.name), h("span", { class: "muted" }, ` ${w.versions} version(s)`))))
      : h("p", {}, me.user.role === "admin" ? ["No workspace yet: create one under ", h("a", { href: "#/admin" }, "Administration"), "."] : "You belong to no workspace yet: ask an admin to add you."),
  );
}

function dropZone(label, accept, onFile) {
  const input = h("input", { type: "file", accept, id: "upload-file", class: "visually-hidden", tabindex: "-1" });
  const zone = h(
    "div",
    { class: "drop", tabindex: "0", role: "button", "aria-describedby": "drop-help" },
    h("strong", {}, label),
    h("p", { id: "drop-help", class: "muted" }, "Drop the file here, or press Enter to choose it."),
    input,
  );
  const take = (f) => f && onFile(f);
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      input.click();
    }
  });
  input.addEventListener("change", () => take(input.files[0]));
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    take(e.dataTransfer.files[0]);
  });
  return zone;
}

/** Uploads `file` to `path` with a progress bar in `out`; resolves with the answer or shows the refusal. */
async function send(path, file, out) {
  const type = file.name.toLowerCase().endsWith(".xlsx") ? XLSX : ZIP;
  const bar = h("progress", { max: file.size || 1, value: 0, "aria-label": `Uploading ${file.name}` });
  out.replaceChildren(h("p", {}, `Uploading ${file.name} (${fmt(file.size)} bytes) `, bar));
  try {
    const r = await upload(path, file, type, (done, total) => {
      bar.max = total;
      bar.value = done;
    });
    return r;
  } catch (e) {
    out.replaceChildren(errorBox(e));
    say("The upload was refused: " + e.message);
    return null;
  }
}

/** A workspace: its versions (analysts) or one's own contributions (contributors). */
export async function workspace(me, ws) {
  if (me.user.role === "contributor") return contributor(me, ws);
  const versions = await get(`/workspaces/${ws}/versions?limit=1000`);
  const out = h("div", { id: "upload-result" });
  const zone = dropZone("Upload a model: a zip of the model folder, or an .xlsx workbook", ".zip,.xlsx", async (file) => {
    const r = await send(`/workspaces/${ws}/versions`, file, out);
    if (!r) return;
    say(`Stored as version ${r.version.number}`);
    location.hash = `#/w/${ws}/v/${r.version.number}`;
  });
  const rows = versions.slice().reverse();
  const from = h("select", { id: "diff-from", "aria-label": "Compare from version" }, rows.map((v) => h("option", { value: v.number }, `version ${v.number}`)));
  const to = h("select", { id: "diff-to", "aria-label": "to version" }, rows.map((v) => h("option", { value: v.number }, `version ${v.number}`)));
  if (rows.length > 1) from.selectedIndex = 1;
  const diffForm = h(
    "form",
    { class: "inline" },
    h("span", {}, "Compare "),
    from,
    h("span", {}, " with "),
    to,
    " ",
    h("button", { type: "submit" }, "Show changes"),
  );
  diffForm.addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#/w/${ws}/v/${to.value}/diff/${from.value}`;
  });
  show(
    "Model versions",
    zone,
    out,
    rows.length
      ? table(
          "Versions, newest first",
          [
            [(v) => h("a", { href: `#/w/${ws}/v/${v.number}` }, `version ${v.number}`), "Version"],
            ["created_at", "Uploaded"],
            ["uploaded_by", "By"],
            ["source", "Source"],
            [(v) => v.files.length, "Files", "num"],
          ],
          rows,
        )
      : h("p", {}, "No version yet: upload the model above (for the bundled example: zip examples/canada-dib)."),
    rows.length > 1 ? diffForm : null,
    h("p", { class: "page-links" }, h("a", { href: `#/w/${ws}/policy`, id: "policy-link" }, "Defence spending and arms suppliers (NATO and SIPRI data, no model needed)")),
  );
}

/** What changed between two versions. */
export async function diff(ws, v, base) {
  const d = await get(`/workspaces/${ws}/versions/${v}/diff/${base}`);
  const count = (f, k) => (f.rows ? f.rows[k].length : "");
  show(
    `Changes from version ${base} to version ${v}`,
    table(
      "Files",
      [
        ["name", "File"],
        ["status", "Status"],
        [(f) => count(f, "added"), "Rows added", "num"],
        [(f) => count(f, "removed"), "Rows removed", "num"],
        [(f) => count(f, "changed"), "Rows changed", "num"],
      ],
      d.files,
    ),
    d.files
      .filter((f) => f.rows && f.rows.changed.length)
      .map((f) =>
        table(
          `${f.name}: changed rows`,
          [
            ["key", "Row"],
            [(c) => c.columns.map((x) => `${x.column}: ${x.from ?? "∅"} → ${x.to ?? "∅"}`).join("; "), "Changes"],
          ],
          f.rows.changed,
        ),
      ),
  );
}

/** The overview of one version: counts, platforms, exposure by country, and the stress test as a job. */
export async function overview(me, ws, v) {
  const o = await get(`/workspaces/${ws}/versions/${v}/overview`);
  const counts = h(
    "ul",
    { class: "counts", "aria-label": "What the model holds" },
    o.counts.map((c) => h("li", {}, h("strong", {}, fmt(c.count)), " ", c.part)),
  );
  const worst = h("span", { id: "worst" }, "no stress test run yet");
  const worstPi = h("span", {});
  const platforms = table(
    `Platforms (value added per unit in ${o.currency}; home country ${o.home_country})`,
    [
      [(p) => h("a", { href: `#/w/${ws}/v/${v}/network/${encodeURIComponent(p.platform)}`, title: "Its supply network" }, p.platform), "Platform (its network)"],
      ["item", "Item"],
      ["value_added", "Value added", "num"],
      ["home_share", "Home share", "pct"],
      [(p) => (p.top_foreign_country ? `${p.top_foreign_country} (${pct(p.top_foreign_share)})` : "none"), "Top foreign country"],
      [(p) => p.single_points_of_failure.firms, "Single-point firms", "num"],
      [(p) => p.single_points_of_failure.lanes + p.single_points_of_failure.chokepoints, "Single-point lanes, chokepoints", "num"],
      [(p) => p.single_points_of_failure.foreign_countries, "Single-point foreign countries", "num"],
    ],
    o.platforms,
  );
  platforms.id = "platforms";
  const exposure = h("div", { id: "exposure" });
  // What to disrupt: the model's declared scenarios, or each element of one kind in turn.
  const kinds = [
    ["site", "each site"],
    ["firm", "each firm"],
    ["country", "each country"],
    ["lane", "each lane"],
    ["chokepoint", "each chokepoint"],
    ["scenarios", "the model's scenarios"],
  ];
  const each = h("select", { id: "stress-each", "aria-label": "Disrupt" }, kinds.map(([k, label]) => h("option", { value: k }, label)));
  const worstLabel = h("span", { id: "worst-label" }, "Worst single-site loss: ");
  const stress = jobPanel(
    ws,
    v,
    "Run the stress test",
    () => (each.value === "scenarios" ? { analysis: "stress" } : { analysis: "stress", each: each.value }),
    async (job, base, out) => {
      const top = await renderStress(job, base, out);
      const kind = job.options && job.options.each;
      worstLabel.textContent = kind ? `Worst single-${kind} loss: ` : "Worst scenario: ";
      if (kind) each.value = kind;
      else each.value = "scenarios";
      if (top) {
        worst.textContent = top.scenario;
        worstPi.textContent = ` (performance impact ${fmt(top.pi)} ${o.currency}, time to survive ${fmt(top.tts)} ${o.time_unit})`;
      }
    },
  );
  stress.id = "stress";
  const more = analyses(ws, v, o);
  stress.prepend(h("p", { class: "inline" }, h("label", { for: "stress-each" }, "Disrupt "), each));
  show(
    `${o.model}: version ${v}`,
    counts,
    h("p", { class: "page-links" }, h("a", { href: `#/w/${ws}/v/${v}/map`, id: "map-link" }, "World map of sites, lanes and chokepoints"), " · ", "each platform's supply network: follow its name below"),
    h("p", {}, worstLabel, worst, worstPi),
    platforms,
    h("h2", {}, "Where each platform's value comes from"),
    exposure,
    h("h2", {}, "Stress test: what each loss costs, and how long production lasts"),
    stress,
    more.el,
  );
  // For the benchmark: when the overview's figures were on the page, in ms since it was opened.
  window.keelOverviewRendered = performance.now();
  // The latest stress job on this version (running or done), and the latest of each further analysis, are
  // shown without running new ones.
  showLatestJobs(ws, [[stress, (j) => j.version === Number(v) && j.analysis === "stress"], ...more.picks]);
  // Value added by country (stacked: the countries partition it) and by bloc (grouped: a country can be in
  // several blocs, so those shares overlap), from the overview's look-through.
  const byCountry = o.platforms.map((p) => ({ label: p.platform, parts: p.by_country.map((c) => ({ key: c.key, value: c.value })) }));
  const blocs = o.platforms.map((p) => ({ label: p.platform, parts: p.by_bloc.map((c) => ({ key: c.key, value: c.share })) }));
  exposure.replaceChildren(
    stacked(`Share of each platform's value added by country (${o.currency} of value added per unit of the platform)`, "Share of value added per unit", byCountry, {
      rowName: "Platform",
      keyName: "Country",
      valueName: `Value added (${o.currency})`,
    }),
    grouped("Share of each platform's value added in each bloc (a country counts toward every bloc it is in)", "Share of value added per unit", blocs, {
      rowName: "Platform",
      keyName: "Bloc",
    }),
  );
}

/** A contributor's page: its own firm's revisions, an upload, and the published aggregates. */
async function contributor(me, ws, outcome) {
  const mine = await get(`/workspaces/${ws}/contributions/mine`);
  const out = h("div", { id: "upload-result" }, outcome);
  const zone = dropZone(`Upload ${mine.firm}'s rows: a zip of its tables (firms.csv, sites.csv, stages.csv…)`, ".zip", async (file) => {
    const r = await send(`/workspaces/${ws}/contributions`, file, out);
    if (!r) return;
    say(`Stored as revision ${r.revision.revision}`);
    // Shown again with the new revision listed, and what the check said under the drop zone.
    await contributor(me, ws, [
      h("p", { class: "ok" }, `Stored as revision ${r.revision.revision}.`),
      r.external.length ? table("References resolved when analysts assemble the model", [["file", "File"], ["line", "Line", "num"], ["column", "Column"], ["id", "Id"]], r.external) : null,
      diagnostics(r.warnings),
    ]);
  });
  const files = mine.latest
    ? mine.revisions[mine.revisions.length - 1].files.map((f) =>
        h("li", {}, h("a", { href: `/api/v1/workspaces/${ws}/contributions/mine/${mine.latest}/files/${encodeURIComponent(f.name)}` }, f.name), ` (${fmt(f.size)} bytes)`),
      )
    : [];
  const agg = h("div", { id: "aggregates" }, h("p", { class: "muted" }, "Loading the published aggregates…"));
  show(
    `Your firm's data: ${mine.firm}`,
    zone,
    out,
    mine.revisions.length
      ? table(
          "Your revisions",
          [
            ["revision", "Revision", "num"],
            ["created_at", "Uploaded"],
            ["uploaded_by", "By"],
            ["base_version", "Checked against version", "num"],
          ],
          mine.revisions.slice().reverse(),
        )
      : h("p", {}, "You have not uploaded your firm's rows yet."),
    files.length ? h("div", {}, h("h2", {}, `Files of revision ${mine.latest}`), h("ul", {}, files)) : null,
    files.length ? h("div", { id: "own-rows" }, h("h2", {}, "Your rows, as stored")) : null,
    h("h2", {}, "Published aggregates"),
    agg,
  );
  // The latest revision's tables, shown as stored: the firm's own rows and nothing else.
  const own = document.getElementById("own-rows");
  if (own && mine.latest) {
    for (const f of mine.revisions[mine.revisions.length - 1].files.filter((x) => x.name.endsWith(".csv"))) {
      try {
        const t = csvRecords(await getText(`/workspaces/${ws}/contributions/mine/${mine.latest}/files/${encodeURIComponent(f.name)}`));
        own.append(table(`${f.name} (${t.rows.length} rows)`, t.columns.map((c) => [c, c]), t.rows, 100));
      } catch (e) {
        own.append(errorBox(e));
      }
    }
  }
  try {
    const a = await get(`/workspaces/${ws}/aggregates/value-by-country`);
    const cell = (c) => (c.value === null ? "suppressed" : fmt(c.value));
    agg.replaceChildren(
      h("p", { class: "muted" }, `Cells made up by fewer than ${a.rule.min_firms} firms, or more than ${pct(a.rule.dominance)} by one firm, are suppressed, with further cells so that none can be worked out.`),
      table(
        `Value added by platform and country (${a.unit}), version ${a.version}`,
        [["label", "Platform"], ...a.columns.map((c, j) => [(r) => cell(r.cells[j]), c])],
        a.rows.map((label, i) => ({ label, cells: a.cells[i] })),
      ),
    );
  } catch (e) {
    agg.replaceChildren(errorBox(e));
  }
}

