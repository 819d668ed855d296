// The dashboard's shell: who is signed in, the breadcrumb, and a hash router (#/w/1/v/2) so every page has an
// address that can be bookmarked and the back button works. Pages live in pages.js.

import { get, post, setCsrf, ApiError } from "./api.js";
import { h, show, errorBox, leave } from "./ui.js";
import * as pages from "./pages.js";
import { network } from "./network.js";
import { map } from "./map.js";
import { admin } from "./admin.js";
import { policy } from "./analyses.js";

let me = null;

function crumbs(parts) {
  document.getElementById("crumbs").replaceChildren(
    h(
      "ol",
      {},
      parts.map(([label, href], i) =>
        h("li", {}, i === parts.length - 1 ? h("span", { "aria-current": "page" }, label) : h("a", { href }, label)),
      ),
    ),
  );
}

function who() {
  const box = document.getElementById("who");
  if (!me) return box.replaceChildren();
  const out = h("button", { type: "button", id: "sign-out" }, "Sign out");
  out.addEventListener("click", async () => {
    await post("/logout").catch(() => {});
    me = null;
    setCsrf(null);
    location.hash = "#/";
    route();
  });
  box.replaceChildren(
    me.user.role === "admin" ? h("a", { href: "#/admin", id: "admin-link" }, "Administration") : "",
    " ",
    h("span", {}, `${me.user.name} (${me.user.role}${me.user.firm ? ", " + me.user.firm : ""}) `),
    out,
  );
}

async function session() {
  if (me) return me;
  try {
    me = await get("/me");
    setCsrf(me.csrf_token);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    me = null;
  }
  return me;
}

async function route() {
  leave();
  try {
    if (!(await session())) {
      crumbs([["Sign in", "#/"]]);
      who();
      return pages.login((s) => {
        me = s;
        setCsrf(s.csrf_token);
        route();
      });
    }
    who();
    const path = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
    const [w, wsText, v, nText, d, baseText] = path;
    const [ws, n, base] = [wsText, nText, baseText].map((x) => (x === undefined ? undefined : Number(x)));
    const home = ["Workspaces", "#/"];
    if (w === "admin" && me.user.role === "admin") {
      crumbs([home, ["Administration", "#/admin"]]);
      return await admin();
    }
    if (w !== "w" || !ws) {
      crumbs([home]);
      return await pages.workspaces(me);
    }
    const wsCrumb = [`Workspace ${ws}`, `#/w/${ws}`];
    if (v === "policy" && me.user.role !== "contributor") {
      crumbs([home, wsCrumb, ["Defence spending and arms suppliers", location.hash]]);
      return await policy(ws);
    }
    if (v !== "v" || !n) {
      crumbs([home, wsCrumb]);
      return await pages.workspace(me, ws);
    }
    const vCrumb = [`Version ${n}`, `#/w/${ws}/v/${n}`];
    if (d === "diff" && base) {
      crumbs([home, wsCrumb, vCrumb, [`Changes from version ${base}`, location.hash]]);
      return await pages.diff(ws, n, base);
    }
    if (d === "map") {
      crumbs([home, wsCrumb, vCrumb, ["Map", location.hash]]);
      return await map(ws, n);
    }
    if (d === "network" && baseText) {
      const platform = decodeURIComponent(baseText);
      crumbs([home, wsCrumb, vCrumb, [`Network of ${platform}`, location.hash]]);
      return await network(ws, n, platform);
    }
    crumbs([home, wsCrumb, vCrumb]);
    return await pages.overview(me, ws, n);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      me = null;
      return route();
    }
    show("Something went wrong", errorBox(e), h("p", {}, h("a", { href: "#/" }, "Back to the workspaces")));
  }
}

window.addEventListener("hashchange", route);
route();
