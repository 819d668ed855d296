// Small DOM helpers. Everything the server sends is placed with textContent, never parsed as HTML, so no
// firm name or file content can inject markup.

/** h("p", {class: "x"}, "text", child...) */
export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// What the page opened last holds that must be let go when another opens: drawings that redraw every frame,
// streams of job events. The router calls leave() before each page; pages register what to release.
const held = [];
let address = null;

/** Registers `release` to run when the user leaves this page. */
export function onLeave(release) {
  held.push(release);
}

/** Releases what the last page held, and remembers which address the next page is for. */
export function leave() {
  while (held.length) {
    try {
      held.pop()();
    } catch (_) {
      // A release that fails must not keep the next page from opening.
    }
  }
  address = location.hash;
}

/** Whether the user is still on the address the current page was opened for (false: a slower page lost). */
export function current() {
  return address === null || address === location.hash;
}

/** Replaces the main area's content and moves focus there, so screen readers announce the new page. */
export function show(title, ...children) {
  // A page whose data arrived after the user went elsewhere must not replace the page now shown.
  if (!current()) return;
  const main = document.getElementById("main");
  main.replaceChildren(h("h1", {}, title), ...children);
  document.title = title + " · Keel";
  say("");
  main.focus({ preventScroll: true });
}

/** A polite status message (read out by screen readers). */
export function say(text) {
  document.getElementById("status").textContent = text;
}

const num = new Intl.NumberFormat("en-CA", { maximumFractionDigits: 2 });
const big = new Intl.NumberFormat("en-CA", { maximumFractionDigits: 0 });

/** A number as people read it: thousands separated, 2 decimals below 1,000, none above. */
export function fmt(v) {
  if (v === null || v === undefined || v === "") return "";
  const x = Number(v);
  if (!Number.isFinite(x)) return String(v);
  return Math.abs(x) >= 1000 ? big.format(x) : num.format(x);
}

export function pct(v) {
  if (v === null || v === undefined || v === "") return "";
  return (Number(v) * 100).toFixed(1) + "%";
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into an array of rows. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A CSV text as {columns, rows: [{col: value}]}. */
export function csvRecords(text) {
  const [columns, ...rows] = parseCsv(text);
  return {
    columns: columns || [],
    rows: rows.map((r) => Object.fromEntries((columns || []).map((c, i) => [c, r[i]]))),
  };
}

/**
 * A data table with a caption; `cols` are [key, label, kind] with kind "num", "pct" or "text"; numbers are
 * right-aligned. Long tables show their first `limit` rows and say how many there are.
 */
export function table(caption, cols, rows, limit = 200) {
  const shown = rows.slice(0, limit);
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      {},
      h("caption", {}, caption, rows.length > limit ? ` (first ${limit} of ${rows.length} rows)` : ""),
      h("thead", {}, h("tr", {}, cols.map(([, label, kind]) => h("th", { scope: "col", class: kind || "text" }, label)))),
      h(
        "tbody",
        {},
        shown.map((r) =>
          h(
            "tr",
            {},
            cols.map(([key, , kind], i) => {
              const v = typeof key === "function" ? key(r) : r[key];
              const text = kind === "num" ? fmt(v) : kind === "pct" ? pct(v) : v instanceof Node ? v : v ?? "";
              return i === 0 ? h("th", { scope: "row", class: kind || "text" }, text) : h("td", { class: kind || "text" }, text);
            }),
          ),
        ),
      ),
    ),
  );
}

/** The located diagnostics of a refused upload, as `keel check` prints them: file, line, column, message, hint. */
export function diagnostics(list) {
  if (!list || !list.length) return null;
  return table(
    "What to fix",
    [
      ["severity", "Severity"],
      [(d) => d.file || "", "File"],
      [(d) => d.line ?? "", "Line", "num"],
      [(d) => (Array.isArray(d.column) ? d.column.join(" ") : d.column ?? ""), "Column"],
      ["message", "Message"],
      [(d) => d.hint || "", "How to fix it"],
    ],
    list,
    500,
  );
}

/** An error box for a failed call, with the server's diagnostics if it sent any. */
export function errorBox(e) {
  return h("div", { class: "error", role: "alert" }, h("p", {}, e.message || String(e)), diagnostics(e.diagnostics));
}

/** Links to a job's table as CSV and to its workbook. */
export function downloads(base, tableName) {
  return h(
    "p",
    { class: "downloads" },
    h("a", { href: `/api/v1${base}/results.csv?table=${encodeURIComponent(tableName)}`, download: `${tableName}.csv` }, "CSV"),
    " · ",
    h("a", { href: `/api/v1${base}/results.xlsx`, download: "results.xlsx" }, "xlsx"),
    " · ",
    h("a", { href: `/api/v1${base}/results.json`, download: "results.json" }, "JSON"),
  );
}
