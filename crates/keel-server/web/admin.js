// What an admin sets up from the browser: workspaces, accounts (with their role and, for contributors, their
// firm) and who belongs to which workspace. Everything goes through the same API routes a script would use,
// so the server's rules (names, password length, the last admin, roles) answer here too.

import { get, post, api } from "./api.js";
import { h, show, say, table, errorBox } from "./ui.js";

function field(id, label, input) {
  input.id = id;
  return [h("label", { for: id }, label), input];
}

/** A form that posts its values and shows the server's refusal under it. */
function form(id, title, fields, submit, onSubmit) {
  const out = h("div", { "aria-live": "polite" });
  const f = h("form", { class: "admin-form", id }, h("h2", {}, title), fields, h("button", { type: "submit", class: "primary" }, submit), out);
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await onSubmit(out);
    } catch (err) {
      out.replaceChildren(errorBox(err));
    }
  });
  return f;
}

export async function admin() {
  const [users, workspaces] = await Promise.all([get("/users"), get("/workspaces")]);

  const wsName = h("input", { required: true, autocomplete: "off" });
  const newWs = form("new-workspace", "New workspace", field("ws-name", "Name", wsName), "Create", async () => {
    const w = await post("/workspaces", { name: wsName.value });
    say(`Workspace ${w.name} created`);
    await admin();
  });

  const name = h("input", { required: true, autocomplete: "off" });
  const password = h("input", { type: "password", required: true, autocomplete: "new-password", minlength: 12 });
  const role = h("select", {}, ["analyst", "contributor", "admin"].map((r) => h("option", { value: r }, r)));
  const firm = h("input", { autocomplete: "off", placeholder: "firm id in firms.csv (contributors)" });
  const newUser = form(
    "new-user",
    "New account",
    [field("user-name", "Name", name), field("user-password", "Password (at least 12 characters; they change it after signing in)", password), field("user-role", "Role", role), field("user-firm", "Firm (contributors only)", firm)],
    "Create",
    async () => {
      const u = await post("/users", { name: name.value, password: password.value, role: role.value, firm: role.value === "contributor" ? firm.value : null });
      say(`Account ${u.name} created`);
      await admin();
    },
  );

  const who = h("select", {}, users.map((u) => h("option", { value: u.id }, `${u.name} (${u.role}${u.firm ? ", " + u.firm : ""})`)));
  const where = h("select", {}, workspaces.map((w) => h("option", { value: w.id }, w.name)));
  const member = form("add-member", "Add a member to a workspace", [field("member-user", "Account", who), field("member-workspace", "Workspace", where)], "Add", async (out) => {
    await api("PUT", `/workspaces/${where.value}/members/${who.value}`);
    out.replaceChildren(h("p", { class: "ok" }, "Added."));
    say("Member added");
  });

  show(
    "Administration",
    h("div", { class: "admin-grid" }, newWs, newUser, workspaces.length && users.length ? member : null),
    table(
      "Accounts",
      [
        ["name", "Name"],
        ["role", "Role"],
        [(u) => u.firm || "", "Firm"],
        ["created_at", "Created"],
      ],
      users,
    ),
    table(
      "Workspaces",
      [
        [(w) => h("a", { href: `#/w/${w.id}` }, w.name), "Workspace"],
        ["versions", "Versions", "num"],
        ["created_at", "Created"],
      ],
      workspaces,
    ),
  );
}
