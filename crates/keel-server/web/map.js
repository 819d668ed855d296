// The world map of a version: country outlines (Natural Earth, served with the page, no tiles fetched), sites as
// dots, lanes as lines, chokepoints as triangles. Countries and sites are coloured by country, or by
// membership of a chosen bloc. Choosing a site, chokepoint or country (click it, or pick it from the lists,
// which keyboard users reach first) shows its firm, stages and lanes, and highlights the platforms its loss
// alone stops and where they are built. Pan by dragging, zoom with the wheel or the buttons.

import { get } from "./api.js";
import { h, show, say, table } from "./ui.js";
import { PALETTE } from "./charts.js";

const NS = "http://www.w3.org/2000/svg";
const W = 1000;
const H = 400;
// The outlines' projection (equirectangular, 84N to 60S on a 1000 x 400 canvas).
const px = (lon) => ((lon + 180) / 360) * W;
const py = (lat) => ((84 - lat) / 144) * H;

function s(tag, attrs, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) if (c) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

let world = null;
async function outlines() {
  if (world) return world;
  const r = await fetch("/assets/world.tsv");
  if (!r.ok) throw new Error(`the map's country outlines did not load (HTTP ${r.status}); reload the page`);
  const text = await r.text();
  world = text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t"))
    .filter((f) => f.length === 3);
  return world;
}

export async function map(ws, v) {
  const [data, geo] = await Promise.all([get(`/workspaces/${ws}/versions/${v}/map`), outlines()]);
  const countryOf = new Map(data.countries.map((c) => [c.code, c]));
  const siteCount = new Map();
  for (const st of data.sites) siteCount.set(st.country, (siteCount.get(st.country) || 0) + 1);
  const ranked = [...siteCount.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, PALETTE.length - 1);
  const countryColour = new Map(ranked.map(([c], i) => [c, PALETTE[i]]));

  const colourBy = h(
    "select",
    { id: "map-colour", "aria-label": "Colour countries and sites by" },
    h("option", { value: "" }, "by country"),
    data.blocs.map((b) => h("option", { value: b }, `by membership of ${b}`)),
  );
  const sitePick = h(
    "select",
    { id: "map-site", "aria-label": "Choose a site" },
    h("option", { value: "" }, "Choose a site…"),
    data.sites.map((st, i) => [st, i]).sort((a, b) => (a[0].id < b[0].id ? -1 : 1)).map(([st, i]) => h("option", { value: i }, st.id)),
  );
  const chokePick = h(
    "select",
    { id: "map-chokepoint", "aria-label": "Choose a chokepoint" },
    h("option", { value: "" }, "Choose a chokepoint…"),
    data.chokepoints.map((c, i) => h("option", { value: i }, `${c.name} (${c.lanes} lanes)`)),
  );
  const countryPick = h(
    "select",
    { id: "map-country", "aria-label": "Choose a country" },
    h("option", { value: "" }, "Choose a country…"),
    data.countries.map((c, i) => h("option", { value: i }, `${c.name} (${c.code})`)),
  );
  const zoomIn = h("button", { type: "button", "aria-label": "Zoom in" }, "+");
  const zoomOut = h("button", { type: "button", "aria-label": "Zoom out" }, "−");
  const reset = h("button", { type: "button" }, "Whole world");
  const details = h("div", { id: "map-details", class: "details" }, h("p", { class: "muted" }, "Choose a site, chokepoint or country to see what its loss stops."));

  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "world", role: "img", "aria-labelledby": "map-title" });
  const countriesG = s("g", { class: "countries" });
  const lanesG = s("g", { class: "lanes" });
  const chokeG = s("g", { class: "chokes" });
  const sitesG = s("g", { class: "sites" });
  svg.append(countriesG, lanesG, chokeG, sitesG);
  const paths = [];
  for (const [code, name, d] of geo) {
    const p = s("path", { d, "data-code": code }, s("title", {}, name));
    paths.push(p);
    countriesG.append(p);
  }
  const pos = (st) => (st.lat === null || st.lon === null ? null : [px(st.lon), py(st.lat)]);
  const laneEls = data.lanes.map((l) => {
    const a = pos(data.sites[l.from]);
    const b = pos(data.sites[l.to]);
    if (!a || !b) return null;
    const e = s("line", { x1: a[0], y1: a[1], x2: b[0], y2: b[1], class: "lane " + l.mode }, s("title", {}, `${l.id} (${l.mode})`));
    lanesG.append(e);
    return e;
  });
  const siteEls = data.sites.map((st, i) => {
    const p = pos(st);
    if (!p) return null;
    const e = s("circle", { cx: p[0], cy: p[1], r: 2.2, class: "site", "data-i": i }, s("title", {}, `${st.id}: ${st.firm_name}, ${st.country}`));
    sitesG.append(e);
    return e;
  });
  const chokeEls = data.chokepoints.map((c, i) => {
    if (c.lat === null) return null;
    const [x, y] = [px(c.lon), py(c.lat)];
    const e = s("path", { d: `M${x} ${y - 4}L${x + 3.5} ${y + 2.5}L${x - 3.5} ${y + 2.5}Z`, class: "choke", "data-i": i }, s("title", {}, c.name + (c.placed === "lanes" ? " (placed from its lanes)" : "")));
    chokeG.append(e);
    return e;
  });

  const paint = () => {
    const bloc = colourBy.value;
    const fill = (code) => {
      const c = countryOf.get(code);
      if (!c) return null;
      if (bloc) return c.blocs.includes(bloc) ? PALETTE[0] : "#E69F00";
      return countryColour.get(code) || "#9aa3ad";
    };
    for (const p of paths) {
      const f = fill(p.getAttribute("data-code"));
      p.setAttribute("fill", f ? f : "#eceff2");
      p.setAttribute("fill-opacity", f ? 0.28 : 1);
    }
    data.sites.forEach((st, i) => siteEls[i] && siteEls[i].setAttribute("fill", fill(st.country) || "#9aa3ad"));
  };
  colourBy.addEventListener("change", paint);
  paint();

  const legend = h("ul", { class: "legend", id: "map-legend" });
  const drawLegend = () => {
    const bloc = colourBy.value;
    const items = bloc
      ? [[PALETTE[0], `member of ${bloc}`], ["#E69F00", `not a member of ${bloc}`]]
      : [...ranked.map(([c]) => [countryColour.get(c), c]), ["#9aa3ad", "other countries"]];
    legend.replaceChildren(
      ...items.map(([colour, label]) => {
        const sw = h("span", { class: "swatch", "aria-hidden": "true" });
        sw.style.background = colour;
        return h("li", {}, sw, label);
      }),
      h("li", {}, h("span", { class: "swatch choke-key", "aria-hidden": "true" }), "chokepoint"),
    );
  };
  colourBy.addEventListener("change", drawLegend);
  drawLegend();

  // Highlight: what a disruption stops.
  const clear = () => {
    for (const e of svg.querySelectorAll(".hit, .stopped, .chosen")) e.classList.remove("hit", "stopped", "chosen");
    svg.classList.remove("focus");
  };
  const stopped = (list) => {
    for (const k of list) {
      const el = siteEls[data.platforms[k].site];
      if (el) el.classList.add("stopped");
    }
    return list.length
      ? h("div", {}, h("p", {}, `Its loss alone stops ${list.length} platform(s):`), h("ul", { class: "stopped-list" }, list.map((k) => h("li", {}, data.platforms[k].id))))
      : h("p", {}, "Its loss alone stops no platform (each has another way round).");
  };
  const chooseSite = (i) => {
    clear();
    svg.classList.add("focus");
    const st = data.sites[i];
    if (siteEls[i]) siteEls[i].classList.add("chosen");
    data.lanes.forEach((l, k) => (l.from === i || l.to === i) && laneEls[k] && laneEls[k].classList.add("hit"));
    details.replaceChildren(
      h("h2", {}, st.id),
      h("dl", {}, h("dt", {}, "name"), h("dd", {}, st.name || ""), h("dt", {}, "firm"), h("dd", {}, `${st.firm_name} (${st.firm})`), h("dt", {}, "country"), h("dd", {}, st.country)),
      h("p", {}, `Stages here: ${st.stages.join(", ") || "none"}`),
      stopped(st.stops),
    );
    say(`Selected site ${st.id}`);
  };
  const chooseChoke = (i) => {
    clear();
    svg.classList.add("focus");
    const c = data.chokepoints[i];
    if (chokeEls[i]) chokeEls[i].classList.add("chosen");
    data.lanes.forEach((l, k) => l.chokepoints.includes(i) && laneEls[k] && laneEls[k].classList.add("hit"));
    details.replaceChildren(
      h("h2", {}, c.name),
      h("p", {}, `${c.lanes} lane(s) pass through it.` + (c.placed === "lanes" ? " Its position is the mean of its lanes' midpoints." : "")),
      stopped(c.stops),
    );
    say(`Selected chokepoint ${c.name}`);
  };
  const chooseCountry = (i) => {
    clear();
    svg.classList.add("focus");
    const c = data.countries[i];
    for (const p of paths) if (p.getAttribute("data-code") === c.code) p.classList.add("chosen");
    data.sites.forEach((st, k) => st.country === c.code && siteEls[k] && siteEls[k].classList.add("hit"));
    details.replaceChildren(
      h("h2", {}, `${c.name} (${c.code})`),
      h("p", {}, `Blocs: ${c.blocs.join(", ") || "none"}. Sites: ${siteCount.get(c.code) || 0}.`),
      stopped(c.stops),
    );
    say(`Selected country ${c.code}`);
  };
  sitePick.addEventListener("change", () => sitePick.value !== "" && chooseSite(Number(sitePick.value)));
  chokePick.addEventListener("change", () => chokePick.value !== "" && chooseChoke(Number(chokePick.value)));
  countryPick.addEventListener("change", () => countryPick.value !== "" && chooseCountry(Number(countryPick.value)));
  svg.addEventListener("click", (e) => {
    const t = e.target;
    if (dragged) return;
    if (t.classList.contains("site")) chooseSite(Number(t.dataset.i));
    else if (t.classList.contains("choke")) chooseChoke(Number(t.dataset.i));
  });

  // Pan and zoom by moving the view box.
  let view = [0, 0, W, H];
  const setView = () => svg.setAttribute("viewBox", view.map((x) => x.toFixed(2)).join(" "));
  const zoom = (f, cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2) => {
    const w = Math.min(W, Math.max(W / 64, view[2] / f));
    const hh = (w * H) / W;
    view = [cx - ((cx - view[0]) * w) / view[2], cy - ((cy - view[1]) * hh) / view[3], w, hh];
    setView();
    svg.style.setProperty("--k", (W / view[2]).toFixed(3));
  };
  svg.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.25 : 0.8, view[0] + ((e.clientX - r.left) / r.width) * view[2], view[1] + ((e.clientY - r.top) / r.height) * view[3]);
    },
    { passive: false },
  );
  let drag = null;
  let dragged = false;
  svg.addEventListener("pointerdown", (e) => {
    drag = [e.clientX, e.clientY, view[0], view[1]];
    dragged = false;
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const dx = ((e.clientX - drag[0]) / r.width) * view[2];
    const dy = ((e.clientY - drag[1]) / r.height) * view[3];
    if (Math.abs(dx) + Math.abs(dy) > 1) dragged = true;
    view = [drag[2] - dx, drag[3] - dy, view[2], view[3]];
    setView();
  });
  // Captured by the map while dragging, so the release comes here even outside it (and nothing is left on
  // the window when the page goes).
  svg.addEventListener("pointerup", () => {
    drag = null;
    setTimeout(() => (dragged = false), 0);
  });
  zoomIn.addEventListener("click", () => zoom(1.5));
  zoomOut.addEventListener("click", () => zoom(1 / 1.5));
  reset.addEventListener("click", () => {
    view = [0, 0, W, H];
    setView();
    svg.style.setProperty("--k", "1");
  });

  const placed = data.sites.filter((st) => st.lat !== null).length;
  show(
    "Map",
    h("p", { id: "map-title" }, `World map of ${data.sites.length} sites (${placed} with a position), ${data.lanes.length} lanes and ${data.chokepoints.length} chokepoints; the home country is ${data.home_country}.`),
    h("div", { class: "network-controls" }, colourBy, sitePick, chokePick, countryPick, zoomIn, zoomOut, reset),
    h("div", { class: "network-row" }, h("div", { class: "map-box" }, svg), details),
    legend,
    h("p", { class: "note" }, "Country outlines: Natural Earth 1:50m (public domain). Lanes are drawn straight between their sites."),
    h(
      "details",
      {},
      h("summary", {}, "The table behind this map"),
      table(
        "Sites",
        [
          ["id", "Site"],
          ["firm", "Firm"],
          ["country", "Country"],
          ["lat", "Latitude", "num"],
          ["lon", "Longitude", "num"],
          [(st) => st.stages.length, "Stages", "num"],
          [(st) => st.stops.length, "Platforms its loss stops", "num"],
        ],
        data.sites,
        500,
      ),
    ),
  );
  window.keelMapReady = true;
}
