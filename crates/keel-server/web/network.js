// One platform's upstream network, drawn with Cytoscape.js (vendored: cytoscape.esm.min.js, MIT licence in
// cytoscape-LICENSE.txt). Tiers run top to bottom from the platform; within a tier, stages sit under the
// average position of the stages they supply (one barycentre pass), which keeps most links short.
// Single points of failure are red diamonds; a link that is one of several alternatives for an input (OR) is
// drawn blue, a sole supplier's link (every input is needed: AND) grey. Large networks start with the tiers
// nearest the platform shown; more tiers, a stage's own upstream, or the whole network can be shown on demand.
// Everything the picture shows is also in the table under it, reachable by keyboard.

import cytoscape from "./cytoscape.esm.min.js";
import { get } from "./api.js";
import { h, show, say, table } from "./ui.js";
import { PALETTE } from "./charts.js";

/** Stages drawn at first: beyond this, the deeper tiers start hidden. */
const FIRST_DRAW = 4000;

function layout(net) {
  const byTier = [];
  for (const [i, s] of net.stages.entries()) (byTier[s.tier] ||= []).push(i);
  const buyers = net.stages.map(() => []);
  for (const l of net.links) buyers[l.supplier].push(l.buyer);
  const x = new Float64Array(net.stages.length);
  const placed = new Uint8Array(net.stages.length);
  const gap = 46;
  for (const tier of byTier) {
    if (!tier) continue;
    const key = new Map();
    for (const i of tier) {
      let sum = 0;
      let n = 0;
      for (const b of buyers[i]) if (placed[b]) (sum += x[b]), n++;
      key.set(i, n ? sum / n : 0);
    }
    tier.sort((a, b) => key.get(a) - key.get(b) || a - b);
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

function colours(net, home) {
  const count = new Map();
  for (const s of net.stages) count.set(s.country, (count.get(s.country) || 0) + 1);
  const top = [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, PALETTE.length - 1);
  const map = new Map(top.map(([c], i) => [c, PALETTE[i]]));
  return { of: (c) => map.get(c) || "#9aa3ad", legend: [...map.entries()], home };
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
  const text = [columns.join(","), ...rows.map((r) => columns.map((c) => esc(r[c])).join(","))].join("\n") + "\n";
  return h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: name }, name);
}

export async function network(ws, v, platform) {
  const started = performance.now();
  const net = await get(`/workspaces/${ws}/versions/${v}/network?platform=${encodeURIComponent(platform)}`);
  const { x, byTier, tierGap } = layout(net);
  const col = colours(net);
  const spofs = net.stages.filter((s) => s.spof).length;

  // The deepest tier drawn at first, so that at most FIRST_DRAW stages are.
  let depth = byTier.length - 1;
  for (let seen = 0, t = 0; t < byTier.length; t++) {
    seen += (byTier[t] || []).length;
    if (seen > FIRST_DRAW) {
      depth = Math.max(1, t - 1);
      break;
    }
  }

  const box = h("div", { id: "network", class: "network", role: "img", "aria-label": `Supply network upstream of ${net.platform}: ${net.stages.length} stages over ${net.tiers} tiers; ${spofs} are single points of failure. The table below lists them.` });
  const details = h("div", { id: "stage-details", class: "details", "aria-live": "polite" }, h("p", { class: "muted" }, "Select a stage (click it, or search) to see its suppliers."));
  const search = h("input", { id: "network-search", type: "search", placeholder: "stage, site or firm id", "aria-label": "Find a stage by stage, site or firm id" });
  const tiers = h(
    "select",
    { id: "network-depth", "aria-label": "Tiers shown" },
    byTier.map((_, t) => h("option", { value: t, selected: t === depth }, t === byTier.length - 1 ? `all ${byTier.length} tiers` : `tiers 0 to ${t}`)),
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
      [(s) => h("button", { type: "button", class: "link", "data-stage": s.id }, s.id), "Stage"],
      ["tier", "Tier", "num"],
      ["item", "Item"],
      ["firm", "Firm"],
      ["country", "Country"],
      [(s) => (s.spof ? "yes" : ""), "Single point of failure"],
    ],
    net.stages,
    300,
  );
  show(
    `Supply network of ${net.platform}`,
    h("p", {}, `${net.stages.length} stages over ${net.tiers} tiers, ${net.links.length} supply links; ${spofs} stages are single points of failure.`),
    h("div", { class: "network-controls" }, search, tiers, fit, zoomIn, zoomOut, upstream, all),
    h("div", { class: "network-row" }, box, details),
    legend,
    h("details", {}, h("summary", {}, "The table behind this picture"), stagesTable, h("p", {}, "Download: ", csvLink("stages.csv", ["id", "tier", "item", "site", "firm", "country", "spof"], net.stages))),
  );

  const elements = [];
  net.stages.forEach((s, i) => {
    elements.push({
      group: "nodes",
      data: { id: "n" + i, label: s.id, color: col.of(s.country), spof: s.spof, tier: s.tier },
      position: { x: x[i], y: s.tier * tierGap },
    });
  });
  const orGroup = net.groups.map((g) => g.suppliers > 1);
  net.links.forEach((l, k) => {
    elements.push({ group: "edges", data: { id: "e" + k, source: "n" + l.supplier, target: "n" + l.buyer, or: orGroup[l.group] } });
  });
  const big = net.stages.length > 2000;
  const cy = cytoscape({
    container: box,
    elements,
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
      { selector: ".faded", style: { opacity: 0.12 } },
    ],
  });

  const showDepth = (d) => {
    cy.batch(() => {
      cy.nodes().forEach((n) => n.style("display", n.data("tier") <= d ? "element" : "none"));
    });
    cy.fit(cy.nodes(":visible"), 20);
  };
  const select = (i) => {
    const s = net.stages[i];
    const node = cy.getElementById("n" + i);
    if (s.tier > Number(tiers.value)) {
      tiers.value = String(s.tier);
      showDepth(s.tier);
    }
    cy.$(":selected").unselect();
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 0.8) }, { duration: 200 });
    upstream.disabled = false;
    upstream.dataset.stage = i;
    const groups = net.groups.map((g, gi) => [g, gi]).filter(([g]) => g.buyer === i);
    const bySupplier = (gi) => net.links.filter((l) => l.group === gi);
    details.replaceChildren(
      h("h2", {}, s.id),
      h("dl", {}, ["item", "site", "firm", "country", "tier"].flatMap((k) => [h("dt", {}, k), h("dd", {}, String(s[k]))]), h("dt", {}, "single point of failure"), h("dd", {}, s.spof ? "yes: its loss alone stops the platform" : "no")),
      groups.length
        ? h(
            "div",
            {},
            h("p", {}, "Needs every one of these inputs (AND); any listed supplier of an input will do (OR):"),
            h(
              "ul",
              {},
              groups.map(([g, gi]) =>
                h(
                  "li",
                  {},
                  h("strong", {}, g.item),
                  ": ",
                  bySupplier(gi).map((l, k) => [k ? " or " : "", h("button", { type: "button", class: "link", "data-stage": net.stages[l.supplier].id }, net.stages[l.supplier].id), ` (${(l.share * 100).toFixed(0)}%)`]),
                ),
              ),
            ),
          )
        : h("p", {}, "It buys no modelled input (a raw source)."),
    );
    say(`Selected ${s.id}`);
  };
  const indexOf = new Map(net.stages.map((s, i) => [s.id, i]));
  const find = (q) => {
    q = q.trim().toLowerCase();
    if (!q) return -1;
    if (indexOf.has(q)) return indexOf.get(q);
    return net.stages.findIndex((s) => s.id.toLowerCase().includes(q) || s.site.toLowerCase().includes(q) || s.firm.toLowerCase().includes(q));
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
  upstream.addEventListener("click", () => {
    const node = cy.getElementById("n" + upstream.dataset.stage);
    const keep = node.predecessors().union(node);
    cy.batch(() => {
      cy.nodes().forEach((n) => n.style("display", keep.contains(n) ? "element" : "none"));
    });
    cy.fit(keep, 20);
  });
  all.addEventListener("click", () => {
    tiers.value = String(byTier.length - 1);
    showDepth(byTier.length - 1);
  });

  if (depth < byTier.length - 1) showDepth(depth);
  else cy.fit(undefined, 20);
  cy.one("render", () => {
    // For the benchmark and the tests: when the first frame was drawn, in ms since the page asked for the data.
    window.keelNetworkRendered = performance.now() - started;
  });
  window.keelCy = cy;
}
