// One platform's upstream network, drawn with Cytoscape.js (vendored: cytoscape.esm.min.js, MIT licence in
// cytoscape-LICENSE.txt). Tiers run top to bottom from the platform; within a tier, stages sit under the
// average position of the stages they supply (one barycentre pass), which keeps most links short.
// Single points of failure are red diamonds; a link that is one of several alternatives for an input (OR) is
// drawn blue, a sole supplier's link (every input is needed: AND) grey. Large networks start with the tiers
// nearest the platform shown; more tiers, a stage's own upstream, or the whole network can be shown on demand.
// Everything the picture shows is also in the table under it, reachable by keyboard.

import cytoscape from "./cytoscape.esm.min.js";
import { get } from "./api.js";
import { h, show, say, table, onLeave, current } from "./ui.js";
import { PALETTE } from "./charts.js";

/** Stages drawn at first: beyond this, the deeper tiers start hidden. */
const FIRST_DRAW = 4000;
/** Stages shown beyond which links are not drawn (but for the selected stage's). */
const DRAW_LINKS = 4000;

function layout(S, L) {
  const n = S.id.length;
  const byTier = [];
  for (let i = 0; i < n; i++) (byTier[S.tier[i]] ||= []).push(i);
  const buyers = Array.from({ length: n }, () => []);
  for (let k = 0; k < L.supplier.length; k++) buyers[L.supplier[k]].push(L.buyer[k]);
  const x = new Float64Array(n);
  const placed = new Uint8Array(n);
  const gap = 46;
  for (const tier of byTier) {
    if (!tier) continue;
    const key = new Float64Array(n);
    for (const i of tier) {
      let sum = 0;
      let c = 0;
      for (const b of buyers[i]) if (placed[b]) (sum += x[b]), c++;
      key[i] = c ? sum / c : 0;
    }
    tier.sort((a, b) => key[a] - key[b] || a - b);
    tier.forEach((i, k) => {
      x[i] = (k - (tier.length - 1) / 2) * gap;
      placed[i] = 1;
    });
  }
  // Tiers far enough apart that the drawing is about as tall as it is wide (a flat band of lines says little).
  const widest = Math.max(...byTier.map((t) => (t ? t.length : 0)));
  const tierGap = Math.max(140, (widest * gap) / Math.max(1, byTier.length - 1) / 1.4);
  return { x, byTier, tierGap };
}

function colours(S) {
  const count = new Map();
  for (const c of S.country) count.set(c, (count.get(c) || 0) + 1);
  const top = [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, PALETTE.length - 1);
  const map = new Map(top.map(([c], i) => [c, PALETTE[i]]));
  return { of: (c) => map.get(c) || "#9aa3ad", legend: [...map.entries()] };
}

// A colour key. Set through the CSSOM: the Content-Security-Policy forbids style attributes in markup.
function swatch(colour) {
  const e = h("span", { class: "swatch", "aria-hidden": "true" });
  e.style.background = colour;
  return e;
}

function csvLink(name, columns, rows) {
  const esc = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  // The file is made when asked for, and let go once the browser has it.
  const a = h("a", { href: "#", download: name }, name);
  a.addEventListener("click", () => {
    const text = [columns.join(","), ...rows.map((r) => columns.map((c) => esc(r[c])).join(","))].join("\n") + "\n";
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    setTimeout(() => {
      URL.revokeObjectURL(a.href);
      a.href = "#";
    }, 0);
  });
  return a;
}

export async function network(ws, v, platform) {
  const started = performance.now();
  const net = await get(`/workspaces/${ws}/versions/${v}/network?platform=${encodeURIComponent(platform)}`);
  const fetched = performance.now();
  const S = net.stages;
  const G = net.groups;
  const L = net.links;
  const n = S.id.length;
  const { x, byTier, tierGap } = layout(S, L);
  const col = colours(S);
  const spofs = S.spof.filter(Boolean).length;
  const rows = Array.from({ length: n }, (_, i) => ({ id: S.id[i], tier: S.tier[i], item: S.item[i], site: S.site[i], firm: S.firm[i], country: S.country[i], spof: S.spof[i] }));
  // Links touching each stage, and each stage's input groups, for adding elements and listing suppliers.
  const touching = Array.from({ length: n }, () => []);
  for (let k = 0; k < L.supplier.length; k++) {
    touching[L.supplier[k]].push(k);
    touching[L.buyer[k]].push(k);
  }
  const groupsOf = Array.from({ length: n }, () => []);
  for (let g = 0; g < G.buyer.length; g++) groupsOf[G.buyer[g]].push(g);
  const linksOf = Array.from({ length: G.buyer.length }, () => []);
  for (let k = 0; k < L.group.length; k++) linksOf[L.group[k]].push(k);

  // The deepest tier drawn at first, so that at most FIRST_DRAW stages are.
  let depth = byTier.length - 1;
  for (let seen = 0, t = 0; t < byTier.length; t++) {
    seen += (byTier[t] || []).length;
    if (seen > FIRST_DRAW) {
      depth = Math.max(1, t - 1);
      break;
    }
  }

  const box = h("div", { id: "network", class: "network", role: "img", "aria-label": `Supply network upstream of ${net.platform}: ${n} stages over ${net.tiers} tiers; ${spofs} are single points of failure. The table below lists them.` });
  const details = h("div", { id: "stage-details", class: "details" }, h("p", { class: "muted" }, "Select a stage (click it, or search) to see its suppliers."));
  const note = h("p", { class: "note", id: "network-note" });
  const search = h("input", { id: "network-search", type: "search", placeholder: "stage, site or firm id", "aria-label": "Find a stage by stage, site or firm id" });
  const tiers = h(
    "select",
    { id: "network-depth", "aria-label": "Tiers shown" },
    byTier.map((t, k) => h("option", { value: k, selected: k === depth }, k === byTier.length - 1 ? `all ${byTier.length} tiers` : `tiers 0 to ${k}`)),
  );
  const fit = h("button", { type: "button" }, "Fit");
  const zoomIn = h("button", { type: "button", "aria-label": "Zoom in" }, "+");
  const zoomOut = h("button", { type: "button", "aria-label": "Zoom out" }, "−");
  const upstream = h("button", { type: "button", disabled: true }, "Only this stage's upstream");
  const all = h("button", { type: "button" }, "Show all");
  const legend = h(
    "ul",
    { class: "legend" },
    col.legend.map(([c, colour]) => h("li", {}, swatch(colour), c)),
    h("li", {}, swatch("#9aa3ad"), "other countries"),
    h("li", {}, h("span", { class: "swatch spof", "aria-hidden": "true" }), "single point of failure"),
    h("li", {}, h("span", { class: "line or", "aria-hidden": "true" }), "one of several suppliers (OR)"),
    h("li", {}, h("span", { class: "line and", "aria-hidden": "true" }), "sole supplier of a needed input (AND)"),
  );
  const stagesTable = table(
    `Stages upstream of ${net.platform} (tier 0 is the platform)`,
    [
      [(r) => h("button", { type: "button", class: "link", "data-stage": r.id }, r.id), "Stage"],
      ["tier", "Tier", "num"],
      ["item", "Item"],
      ["firm", "Firm"],
      ["country", "Country"],
      [(r) => (r.spof ? "yes" : ""), "Single point of failure"],
    ],
    rows,
    300,
  );
  show(
    `Supply network of ${net.platform}`,
    h("p", { id: "network-summary" }, `${n} stages over ${net.tiers} tiers, ${L.supplier.length} supply links; ${spofs} stages are single points of failure.`),
    h("div", { class: "network-controls" }, search, tiers, fit, zoomIn, zoomOut, upstream, all),
    h("div", { class: "network-row" }, box, details),
    note,
    legend,
    h("details", {}, h("summary", {}, "The table behind this picture"), stagesTable, h("p", {}, "Download: ", csvLink("stages.csv", ["id", "tier", "item", "site", "firm", "country", "spof"], rows))),
  );

  if (!current()) return;
  const big = n > 2000;
  const cy = cytoscape({
    container: box,
    elements: [],
    layout: { name: "preset" },
    boxSelectionEnabled: false,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: 1,
    minZoom: 0.01,
    maxZoom: 4,
    style: [
      { selector: "node", style: { "background-color": "data(color)", width: 18, height: 18, label: "data(label)", "font-size": 9, "min-zoomed-font-size": 7, "text-valign": "bottom", "text-margin-y": 3, color: "#1b2430" } },
      { selector: "node[?spof]", style: { shape: "diamond", "border-width": 3, "border-color": "#a4161a", width: 22, height: 22 } },
      { selector: "edge", style: { width: 1, "line-color": "#9aa3ad", "curve-style": "haystack", opacity: 0.8 } },
      { selector: "edge[?or]", style: { "line-color": "#56B4E9" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffbf47", width: 26, height: 26 } },
    ],
  });

  // Elements are created only when first shown: a large network starts with its nearest tiers, and the
  // browser never holds 60,000 drawing elements nobody asked to see.
  const added = new Uint8Array(n);
  const linkAdded = new Uint8Array(L.supplier.length);
  // Beyond DRAW_LINKS stages shown, links are left out (tens of thousands of lines are a grey mass that takes
  // seconds to draw); the selected stage's own links are always drawn.
  const addLinks = (list, force) => {
    const els = [];
    for (const i of list) {
      for (const k of touching[i]) {
        if (linkAdded[k] || !added[L.supplier[k]] || !added[L.buyer[k]]) continue;
        if (!force && (!shown[L.supplier[k]] || !shown[L.buyer[k]])) continue;
        linkAdded[k] = 1;
        els.push({ group: "edges", data: { id: "e" + k, source: "n" + L.supplier[k], target: "n" + L.buyer[k], or: G.suppliers[L.group[k]] > 1 } });
      }
    }
    if (els.length) cy.add(els);
  };
  const addNodes = (list) => {
    const els = [];
    for (const i of list) {
      if (added[i]) continue;
      added[i] = 1;
      els.push({ group: "nodes", data: { id: "n" + i, label: S.id[i], color: col.of(S.country[i]), spof: S.spof[i], tier: S.tier[i] }, position: { x: x[i], y: S.tier[i] * tierGap } });
    }
    if (els.length) cy.add(els);
  };
  let shown = new Uint8Array(n);
  const showOnly = (keep) => {
    shown = new Uint8Array(n);
    for (const i of keep) shown[i] = 1;
    addNodes(keep);
    const links = keep.length <= DRAW_LINKS;
    if (links) addLinks(keep, false);
    cy.batch(() => {
      cy.nodes().forEach((e) => e.style("display", shown[Number(e.id().slice(1))] ? "element" : "none"));
      cy.edges().forEach((e) => e.style("display", links || e.connectedNodes().some((v) => v.selected()) ? "element" : "none"));
    });
    note.textContent = links ? "" : `${keep.length} stages shown: links are drawn for up to ${DRAW_LINKS} stages shown, and always for the selected stage.`;
    cy.fit(cy.nodes(":visible"), 20);
  };
  const showDepth = (d) => {
    const keep = [];
    for (let t = 0; t <= d; t++) for (const i of byTier[t] || []) keep.push(i);
    showOnly(keep);
  };
  const upstreamOf = (i) => {
    const seen = new Uint8Array(n);
    const out = [i];
    seen[i] = 1;
    for (let q = 0; q < out.length; q++) {
      for (const g of groupsOf[out[q]]) {
        for (const k of linksOf[g]) {
          const sup = L.supplier[k];
          if (!seen[sup]) (seen[sup] = 1), out.push(sup);
        }
      }
    }
    return out;
  };

  const select = (i) => {
    // The stage, the stages it buys from and sells to, and their links, drawn if they were not.
    const near = [i];
    for (const k of touching[i]) near.push(L.supplier[k] === i ? L.buyer[k] : L.supplier[k]);
    addNodes(near);
    addLinks([i], true);
    cy.batch(() => {
      for (const j of near) cy.getElementById("n" + j).style("display", "element");
      cy.getElementById("n" + i).connectedEdges().style("display", "element");
    });
    const node = cy.getElementById("n" + i);
    cy.$(":selected").unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 0.8) }, { duration: 200 });
    upstream.disabled = false;
    upstream.dataset.stage = i;
    const r = rows[i];
    details.replaceChildren(
      h("h2", {}, r.id),
      h("dl", {}, ["item", "site", "firm", "country", "tier"].flatMap((k) => [h("dt", {}, k), h("dd", {}, String(r[k]))]), h("dt", {}, "single point of failure"), h("dd", {}, r.spof ? "yes: its loss alone stops the platform" : "no")),
      groupsOf[i].length
        ? h(
            "div",
            {},
            h("p", {}, "Needs every one of these inputs (AND); any listed supplier of an input will do (OR):"),
            h(
              "ul",
              {},
              groupsOf[i].map((g) =>
                h(
                  "li",
                  {},
                  h("strong", {}, G.item[g]),
                  ": ",
                  linksOf[g].map((k, j) => [j ? " or " : "", h("button", { type: "button", class: "link", "data-stage": S.id[L.supplier[k]] }, S.id[L.supplier[k]]), ` (${(L.share[k] * 100).toFixed(0)}%)`]),
                ),
              ),
            ),
          )
        : h("p", {}, "It buys no modelled input (a raw source)."),
    );
    say(`Selected ${r.id}`);
  };
  const indexOf = new Map(S.id.map((id, i) => [id, i]));
  const find = (q) => {
    q = q.trim().toLowerCase();
    if (!q) return -1;
    const exact = rows.findIndex((r) => r.id.toLowerCase() === q);
    if (exact >= 0) return exact;
    return rows.findIndex((r) => r.id.toLowerCase().includes(q) || r.site.toLowerCase().includes(q) || r.firm.toLowerCase().includes(q));
  };

  cy.on("tap", "node", (e) => select(Number(e.target.id().slice(1))));
  const pick = (e) => {
    const b = e.target.closest("button[data-stage]");
    if (b && indexOf.has(b.dataset.stage)) select(indexOf.get(b.dataset.stage));
  };
  details.addEventListener("click", pick);
  stagesTable.addEventListener("click", pick);
  search.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const i = find(search.value);
    if (i >= 0) select(i);
    else say(`No stage matches ${search.value}`);
  });
  tiers.addEventListener("change", () => showDepth(Number(tiers.value)));
  fit.addEventListener("click", () => cy.fit(cy.nodes(":visible"), 20));
  zoomIn.addEventListener("click", () => cy.zoom({ level: cy.zoom() * 1.4, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } }));
  zoomOut.addEventListener("click", () => cy.zoom({ level: cy.zoom() / 1.4, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } }));
  upstream.addEventListener("click", () => showOnly(upstreamOf(Number(upstream.dataset.stage))));
  all.addEventListener("click", () => {
    tiers.value = String(byTier.length - 1);
    showDepth(byTier.length - 1);
  });

  cy.one("render", () => {
    // For the benchmark and the tests: when the first frame was drawn, in ms since the page was opened, and
    // how much of that went on fetching the data.
    window.keelNetworkRendered = performance.now();
    window.keelNetworkFetched = fetched - started;
  });
  showDepth(depth);
  window.keelCy = cy;
  // Cytoscape redraws every frame and watches the window until destroyed.
  onLeave(() => {
    cy.destroy();
    if (window.keelCy === cy) window.keelCy = null;
  });
}
