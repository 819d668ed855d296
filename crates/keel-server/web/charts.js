// Charts drawn as inline SVG: each is a <figure> with a title, labelled axes, a name for screen readers, and the
// table behind it one click away (a <details> holding the same numbers), so nothing is shown only as a picture.

import { h, fmt, pct, table } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
// Colour-blind-safe palette (Okabe-Ito), then grey for "other".
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
const OTHER = "#9aa3ad";

function s(tag, attrs, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

let serial = 0;

// Labels are 12px text: about 7px a character. The label column takes what the longest label needs, up to
// 45% of the chart; a longer label is cut in its middle (ids differ most at their ends) with its whole text
// in the bar's tooltip and the table behind the chart.
const CHAR = 7;
function labelWidth(labels) {
  const longest = Math.max(8, ...labels.map((l) => String(l).length));
  return Math.min(405, longest * CHAR + 16);
}
function clip(label, width) {
  const text = String(label);
  const room = Math.floor((width - 16) / CHAR);
  if (text.length <= room) return text;
  const head = Math.ceil((room - 1) / 2);
  return text.slice(0, head) + "…" + text.slice(text.length - (room - 1 - head));
}

function figure(title, svg, behind, note) {
  const id = "chart-" + ++serial;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", id);
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", { id }, title),
    svg,
    note ? h("p", { class: "note" }, note) : null,
    h("details", {}, h("summary", {}, "The table behind this chart"), behind),
  );
}

/** Niceish tick values from 0 to max. */
function ticks(max, n = 5) {
  if (!(max > 0)) return [0];
  const raw = max / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
  const out = [];
  for (let v = 0; v <= max * 1.0001 + step / 2 && out.length < 12; v += step) out.push(v);
  return out;
}

/**
 * Horizontal bars, one per row: `rows` [{label, value}], largest first as given.
 * `xLabel` names the axis (with its unit).
 */
export function bars(title, xLabel, rows, opts = {}) {
  const labelW = labelWidth(rows.map((r) => r.label));
  const barH = 22;
  const width = 900;
  const top = 8;
  const plotW = width - labelW - 60;
  const height = top + rows.length * barH + 50;
  const max = Math.max(0, ...rows.map((r) => Number(r.value) || 0));
  const tv = coverTicks(max);
  const scale = (v) => (tv[tv.length - 1] > 0 ? (v / tv[tv.length - 1]) * plotW : 0);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "bars" });
  for (const t of tv) {
    const x = labelW + scale(t);
    svg.append(s("line", { x1: x, x2: x, y1: top, y2: top + rows.length * barH, class: "grid" }));
    svg.append(s("text", { x, y: top + rows.length * barH + 16, "text-anchor": "middle", class: "tick" }, opts.pct ? pct(t) : fmt(t)));
  }
  rows.forEach((r, i) => {
    const y = top + i * barH;
    const label = String(r.label);
    svg.append(s("text", { x: labelW - 8, y: y + barH * 0.68, "text-anchor": "end", class: "label" }, clip(label, labelW)));
    svg.append(
      s(
        "rect",
        { x: labelW, y: y + 3, width: Math.max(0, scale(Number(r.value) || 0)), height: barH - 6, fill: opts.color || PALETTE[0] },
        s("title", {}, `${label}: ${opts.pct ? pct(r.value) : fmt(r.value)}`),
      ),
    );
  });
  svg.append(s("text", { x: labelW + plotW / 2, y: height - 8, "text-anchor": "middle", class: "axis" }, xLabel));
  const behind = table(title, [["label", opts.labelName || "Row"], ["value", xLabel, opts.pct ? "pct" : "num"]], rows, 1000);
  return figure(title, svg, behind, opts.note);
}

/**
 * Stacked horizontal bars of shares: `rows` [{label, parts: [{key, value}]}]; the `keys` coloured are the
 * largest overall, the rest summed as "other".
 */
export function stacked(title, xLabel, rows, opts = {}) {
  const totals = new Map();
  for (const r of rows) for (const p of r.parts) totals.set(p.key, (totals.get(p.key) || 0) + Math.max(0, p.value));
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, PALETTE.length - 1).map((e) => e[0]);
  const colour = new Map(keys.map((k, i) => [k, PALETTE[i]]));
  const labelW = labelWidth(rows.map((r) => r.label));
  const barH = 24;
  const width = 900;
  const plotW = width - labelW - 40;
  const top = 8;
  const legendH = 24 * Math.ceil((keys.length + 1) / 6);
  const height = top + rows.length * barH + 44 + legendH;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "stacked" });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = labelW + t * plotW;
    svg.append(s("line", { x1: x, x2: x, y1: top, y2: top + rows.length * barH, class: "grid" }));
    svg.append(s("text", { x, y: top + rows.length * barH + 16, "text-anchor": "middle", class: "tick" }, pct(t)));
  }
  const flat = [];
  rows.forEach((r, i) => {
    const y = top + i * barH;
    const sum = r.parts.reduce((a, p) => a + Math.max(0, p.value), 0) || 1;
    svg.append(s("text", { x: labelW - 8, y: y + barH * 0.68, "text-anchor": "end", class: "label" }, clip(r.label, labelW)));
    let x = labelW;
    let other = 0;
    const draw = (key, v, fill) => {
      const w = (v / sum) * plotW;
      svg.append(s("rect", { x, y: y + 3, width: Math.max(0, w), height: barH - 6, fill }, s("title", {}, `${r.label}, ${key}: ${pct(v / sum)}`)));
      x += w;
    };
    for (const k of keys) {
      const p = r.parts.find((q) => q.key === k);
      if (p && p.value > 0) draw(k, p.value, colour.get(k));
    }
    for (const p of r.parts) if (!colour.has(p.key)) other += Math.max(0, p.value);
    if (other > 0) draw("other", other, OTHER);
    for (const p of r.parts) flat.push({ row: r.label, key: p.key, value: p.value, share: p.value / sum });
  });
  svg.append(s("text", { x: labelW + plotW / 2, y: top + rows.length * barH + 34, "text-anchor": "middle", class: "axis" }, xLabel));
  [...keys, "other"].forEach((k, i) => {
    const lx = 20 + (i % 6) * 145;
    const ly = top + rows.length * barH + 44 + Math.floor(i / 6) * 24;
    svg.append(s("rect", { x: lx, y: ly + 4, width: 12, height: 12, fill: colour.get(k) || OTHER }));
    svg.append(s("text", { x: lx + 18, y: ly + 15, class: "legend" }, k));
  });
  const behind = table(
    title,
    [["row", opts.rowName || "Row"], ["key", opts.keyName || "Part"], ["value", opts.valueName || "Value", "num"], ["share", "Share", "pct"]],
    flat,
    5000,
  );
  return figure(title, svg, behind, opts.note);
}

/**
 * A scatter of points [{label, x, y}] with the diagonal y = x drawn: for time to survive (y) against time to
 * recover (x), a point under the diagonal is a scenario where production stops before supply recovers.
 */
export function scatter(title, xLabel, yLabel, points, opts = {}) {
  const width = 900;
  const height = 460;
  const left = 70;
  const bottom = 50;
  const plotW = width - left - 30;
  const plotH = height - bottom - 20;
  const max = Math.max(1, ...points.map((p) => Math.max(Number(p.x) || 0, Number(p.y) || 0)));
  const tv = coverTicks(max);
  const top = tv[tv.length - 1];
  const X = (v) => left + (v / top) * plotW;
  const Y = (v) => 20 + plotH - (v / top) * plotH;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "scatter" });
  for (const t of tv) {
    svg.append(s("line", { x1: X(t), x2: X(t), y1: Y(0), y2: Y(top), class: "grid" }));
    svg.append(s("line", { x1: X(0), x2: X(top), y1: Y(t), y2: Y(t), class: "grid" }));
    svg.append(s("text", { x: X(t), y: Y(0) + 16, "text-anchor": "middle", class: "tick" }, fmt(t)));
    svg.append(s("text", { x: left - 6, y: Y(t) + 4, "text-anchor": "end", class: "tick" }, fmt(t)));
  }
  svg.append(s("line", { x1: X(0), y1: Y(0), x2: X(top), y2: Y(top), class: "diagonal" }));
  svg.append(s("text", { x: X(top) - 4, y: Y(top) + 14, "text-anchor": "end", class: "tick" }, opts.diagonal || "y = x"));
  for (const p of points) {
    const under = Number(p.y) < Number(p.x);
    svg.append(
      s(
        "circle",
        { cx: X(Number(p.x) || 0), cy: Y(Number(p.y) || 0), r: 5, fill: under ? "#D55E00" : PALETTE[0], "fill-opacity": 0.75 },
        s("title", {}, `${p.label}: ${xLabel} ${fmt(p.x)}, ${yLabel} ${fmt(p.y)}`),
      ),
    );
  }
  svg.append(s("text", { x: left + plotW / 2, y: height - 10, "text-anchor": "middle", class: "axis" }, xLabel));
  svg.append(s("text", { x: 16, y: 20 + plotH / 2, "text-anchor": "middle", class: "axis", transform: `rotate(-90 16 ${20 + plotH / 2})` }, yLabel));
  const behind = table(title, [["label", opts.labelName || "Point"], ["x", xLabel, "num"], ["y", yLabel, "num"]], points, 5000);
  return figure(title, svg, behind, opts.note);
}

/** Nice ticks covering [min, max] (min may be above 0: years, budgets). */
function rangeTicks(min, max, n = 6) {
  if (!(max > min)) return [min];
  const raw = (max - min) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-6 && out.length < 14; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Ticks from 0 whose last is at least `max` (ticks() may stop half a step short of it). */
function coverTicks(max) {
  const tv = ticks(max);
  const step = tv.length > 1 ? tv[1] - tv[0] : 1;
  while (tv[tv.length - 1] < max) tv.push(tv[tv.length - 1] + step);
  return tv;
}

/**
 * Lines over a numeric x: `series` [{name, points: [{x, y}]}], each its own colour and named in the legend.
 * `opts.refs` [{y, label}] draws dashed reference lines (targets); `opts.pct` shows y as a share; `opts.year`
 * prints x without thousands separators. The y axis starts at 0 so lines compare by height.
 */
export function line(title, xLabel, yLabel, series, opts = {}) {
  const width = 900;
  const all = series.flatMap((q) => q.points);
  const xs = all.map((p) => Number(p.x));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = Math.max(0, ...all.map((p) => Number(p.y) || 0), ...(opts.refs || []).map((r) => r.y));
  const tv = coverTicks(yMax);
  const yTop = tv[tv.length - 1] || 1;
  const fx = (v) => (opts.year ? String(v) : fmt(v));
  const fy = (v) => (opts.pct ? pct(v) : fmt(v));
  // Room for the longest tick label, then the rotated axis name.
  const left = 40 + CHAR * Math.max(...tv.map((t) => fy(t).length));
  const right = opts.refs && opts.refs.length ? 110 : 40;
  const topPad = 16;
  const plotH = 320;
  const plotW = width - left - right;
  const columns = Math.min(3, series.length);
  const legendW = (width - 40) / columns;
  const legendRows = Math.ceil(series.length / columns);
  const height = topPad + plotH + 50 + legendRows * 22;
  const X = (v) => left + (xMax > xMin ? ((v - xMin) / (xMax - xMin)) * plotW : plotW / 2);
  const Y = (v) => topPad + plotH - (v / yTop) * plotH;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "linechart" });
  for (const t of tv) {
    svg.append(s("line", { x1: left, x2: left + plotW, y1: Y(t), y2: Y(t), class: "grid" }));
    svg.append(s("text", { x: left - 6, y: Y(t) + 4, "text-anchor": "end", class: "tick" }, fy(t)));
  }
  for (const t of rangeTicks(xMin, xMax)) {
    svg.append(s("line", { x1: X(t), x2: X(t), y1: Y(0), y2: Y(0) + 5, class: "axis-line" }));
    svg.append(s("text", { x: X(t), y: Y(0) + 18, "text-anchor": "middle", class: "tick" }, fx(t)));
  }
  svg.append(s("line", { x1: left, x2: left + plotW, y1: Y(0), y2: Y(0), class: "axis-line" }));
  for (const r of opts.refs || []) {
    svg.append(s("line", { x1: left, x2: left + plotW, y1: Y(r.y), y2: Y(r.y), class: "ref" }));
    svg.append(s("text", { x: left + plotW + 6, y: Y(r.y) + 4, class: "ref-label" }, r.label));
  }
  series.forEach((q, i) => {
    const colour = q.color || PALETTE[i % PALETTE.length];
    const pts = q.points.map((p) => `${X(Number(p.x)).toFixed(1)},${Y(Number(p.y) || 0).toFixed(1)}`);
    svg.append(
      s(
        "polyline",
        { points: pts.join(" "), fill: "none", stroke: colour, "stroke-width": 2, class: "series", "data-series": q.name, "data-points": q.points.length, "stroke-dasharray": q.dashed ? "7 4" : null },
        s("title", {}, q.name),
      ),
    );
    // Few points: mark each, with its value as a tooltip.
    if (q.points.length <= 40)
      for (const p of q.points)
        svg.append(s("circle", { cx: X(Number(p.x)), cy: Y(Number(p.y) || 0), r: 3.5, fill: colour }, s("title", {}, `${q.name}, ${fx(p.x)}: ${fy(p.y)}`)));
    const lx = 20 + (i % columns) * legendW;
    const ly = topPad + plotH + 50 + Math.floor(i / columns) * 22;
    svg.append(s("line", { x1: lx, x2: lx + 22, y1: ly - 4, y2: ly - 4, stroke: colour, "stroke-width": 3, "stroke-dasharray": q.dashed ? "7 4" : null }));
    svg.append(s("text", { x: lx + 28, y: ly, class: "legend" }, clip(q.name, legendW - 28)));
  });
  svg.append(s("text", { x: left + plotW / 2, y: topPad + plotH + 34, "text-anchor": "middle", class: "axis" }, xLabel));
  svg.append(s("text", { x: 16, y: topPad + plotH / 2, "text-anchor": "middle", class: "axis", transform: `rotate(-90 16 ${topPad + plotH / 2})` }, yLabel));
  const flat = series.flatMap((q) => q.points.map((p) => ({ series: q.name, x: opts.year ? String(p.x) : p.x, y: p.y })));
  const behind = table(title, [["series", opts.seriesName || "Series"], ["x", xLabel, opts.year ? "text" : "num"], ["y", yLabel, opts.pct ? "pct" : "num"]], flat, 5000);
  return figure(title, svg, behind, opts.note);
}

/**
 * A histogram of `values` in `opts.bins` equal bins (default: Sturges' rule, 1 + log2 n), from 0 (or the least
 * value if below 0) to the largest; `opts.marks` [{label, value}] are drawn as labelled vertical lines (mean,
 * p95, CVaR). The table behind lists each bin's bounds and count.
 */
export function histogram(title, xLabel, yLabel, values, opts = {}) {
  const v = values.map(Number).filter(Number.isFinite);
  const lo = Math.min(0, ...v);
  const hi = Math.max(lo, ...v, ...(opts.marks || []).map((m) => Number(m.value) || 0));
  const n = Math.max(1, opts.bins || Math.ceil(1 + Math.log2(Math.max(1, v.length))));
  const w = hi > lo ? (hi - lo) / n : 1;
  const bins = Array.from({ length: n }, (_, i) => ({ from: lo + i * w, to: lo + (i + 1) * w, count: 0 }));
  for (const x of v) bins[Math.min(n - 1, Math.floor((x - lo) / w))].count++;
  const width = 900;
  const topPad = 16 + 14 * (opts.marks || []).length;
  const plotH = 300;
  const height = topPad + plotH + 50;
  const tv = coverTicks(Math.max(1, ...bins.map((b) => b.count)));
  const yTop = tv[tv.length - 1];
  const left = 40 + CHAR * Math.max(...tv.map((t) => fmt(t).length));
  const plotW = width - left - 24;
  const X = (x) => left + ((x - lo) / (hi - lo || 1)) * plotW;
  const Y = (c) => topPad + plotH - (c / yTop) * plotH;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "histogram" });
  for (const t of tv) {
    svg.append(s("line", { x1: left, x2: left + plotW, y1: Y(t), y2: Y(t), class: "grid" }));
    svg.append(s("text", { x: left - 6, y: Y(t) + 4, "text-anchor": "end", class: "tick" }, fmt(t)));
  }
  for (const t of rangeTicks(lo, hi)) svg.append(s("text", { x: X(t), y: Y(0) + 18, "text-anchor": "middle", class: "tick" }, fmt(t)));
  for (const b of bins)
    svg.append(
      s(
        "rect",
        { x: X(b.from) + 0.5, y: Y(b.count), width: Math.max(0, X(b.to) - X(b.from) - 1), height: Y(0) - Y(b.count), fill: PALETTE[0], class: "bin" },
        s("title", {}, `${fmt(b.from)} to ${fmt(b.to)}: ${b.count}`),
      ),
    );
  // Each mark's label on its own row above the plot, on the side of its line that has room.
  (opts.marks || []).forEach((m, i) => {
    const x = X(Number(m.value));
    const y = topPad - 8 - i * 14;
    const colour = PALETTE[(i + 1) % PALETTE.length];
    const leftSide = x > left + plotW * 0.7;
    svg.append(s("line", { x1: x, x2: x, y1: y - 4, y2: Y(0), stroke: colour, "stroke-width": 2, "stroke-dasharray": "6 3", class: "mark" }));
    svg.append(s("text", { x: leftSide ? x - 4 : x + 4, y, "text-anchor": leftSide ? "end" : "start", class: "legend" }, `${m.label} ${fmt(m.value)}`));
  });
  svg.append(s("text", { x: left + plotW / 2, y: height - 8, "text-anchor": "middle", class: "axis" }, xLabel));
  svg.append(s("text", { x: 16, y: topPad + plotH / 2, "text-anchor": "middle", class: "axis", transform: `rotate(-90 16 ${topPad + plotH / 2})` }, yLabel));
  const behind = table(title, [["from", "From", "num"], ["to", "To", "num"], ["count", yLabel, "num"]], bins, 1000);
  return figure(title, svg, behind, opts.note);
}

/**
 * Grouped horizontal bars of shares that may overlap (a platform's value in each bloc: a country can be in
 * several): `rows` [{label, parts: [{key, value: share 0..1}]}]; one thin bar per key under each row's label,
 * all on one 0-100% axis. Stacking them would suggest they add up; they do not.
 */
export function grouped(title, xLabel, rows, opts = {}) {
  const all = [...new Set(rows.flatMap((r) => r.parts.map((p) => p.key)))];
  // The first eight keys are drawn (one colour each); every key is in the table behind the chart.
  const keys = all.slice(0, PALETTE.length);
  const colour = new Map(keys.map((k, i) => [k, PALETTE[i]]));
  const labelW = labelWidth(rows.map((r) => r.label));
  const bar = 9;
  const rowH = keys.length * bar + 10;
  const width = 900;
  const plotW = width - labelW - 40;
  const top = 8;
  const legendH = 24 * Math.ceil(keys.length / 6);
  const height = top + rows.length * rowH + 44 + legendH;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "grouped" });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const x = labelW + t * plotW;
    svg.append(s("line", { x1: x, x2: x, y1: top, y2: top + rows.length * rowH, class: "grid" }));
    svg.append(s("text", { x, y: top + rows.length * rowH + 16, "text-anchor": "middle", class: "tick" }, pct(t)));
  }
  const flat = [];
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    svg.append(s("text", { x: labelW - 8, y: y + rowH / 2 + 4, "text-anchor": "end", class: "label" }, clip(r.label, labelW)));
    keys.forEach((k, j) => {
      const p = r.parts.find((q) => q.key === k);
      const v = p ? Math.max(0, Math.min(1, p.value)) : 0;
      svg.append(s("rect", { x: labelW, y: y + 5 + j * bar, width: v * plotW, height: bar - 1, fill: colour.get(k) }, s("title", {}, `${r.label}, ${k}: ${pct(v)}`)));
    });
    for (const k of all) {
      const p = r.parts.find((q) => q.key === k);
      flat.push({ row: r.label, key: k, share: p ? p.value : 0 });
    }
  });
  svg.append(s("text", { x: labelW + plotW / 2, y: top + rows.length * rowH + 34, "text-anchor": "middle", class: "axis" }, xLabel));
  keys.forEach((k, i) => {
    const lx = 20 + (i % 6) * 145;
    const ly = top + rows.length * rowH + 44 + Math.floor(i / 6) * 24;
    svg.append(s("rect", { x: lx, y: ly + 4, width: 12, height: 12, fill: colour.get(k) }));
    svg.append(s("text", { x: lx + 18, y: ly + 15, class: "legend" }, k));
  });
  const behind = table(title, [["row", opts.rowName || "Row"], ["key", opts.keyName || "Group"], ["share", "Share", "pct"]], flat, 5000);
  return figure(title, svg, behind, opts.note);
}
