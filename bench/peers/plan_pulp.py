#!/usr/bin/env python3
"""Peer for `keel plan --risk expected`: the extensive form of docs/methods/plan.md written in Python with PuLP
and solved by HiGHS (PuLP's HiGHS API; `--modeller highspy` hands the matrix to HiGHS directly instead), on the
same CSV files.

How to run (from the repo root):

    python3 -m venv /tmp/pbvenv && /tmp/pbvenv/bin/pip install highspy numpy scipy pulp
    /tmp/pbvenv/bin/python bench/peers/plan_pulp.py examples/canada-dib --budget 3e8 [--gap 1e-7]

What it builds, as an analyst would, with no decomposition and no reduction: one binary per option, the budget
row, and for every case (each named scenario with its probability, plus the no-disruption rest over the longest
scenario duration) and every joint outcome of the bets (exact enumeration: a group of options with m distinct
probabilities has m + 1 outcomes, an ungrouped bet two) one copy of the loss LP over ALL stages and input rows
of the model (candidates only in outcomes where their option works), weighted by probability x P(outcome).
Targets are resolved as docs/model-format.md says (the ITAR see-through over planned suppliers included),
planned rates are pushed down the planned shares (candidate suppliers at share 0) for partial outages of
unlimited stages and for disrupted lanes. Prints the optimal expected loss, the plan, the model size and times.
"""

import argparse
import csv
import itertools
import os
import sys
import time

import highspy
import numpy as np
from scipy.sparse import csc_matrix


def read(folder, stem):
    path = os.path.join(folder, stem + ".csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def num(s, default=None):
    s = (s or "").strip()
    return float(s) if s else default


def load(folder):
    stages = read(folder, "stages")
    ix = {r["id"]: k for k, r in enumerate(stages)}
    n = len(stages)
    m = {
        "n": n,
        "ix": ix,
        "ids": [r["id"] for r in stages],
        "item": [r["item"] for r in stages],
        "site": [r["site"] for r in stages],
        "cap": [num(r.get("capacity")) for r in stages],
        "inv": [num(r.get("inventory"), 0.0) for r in stages],
    }
    dem = np.zeros(n)
    loss = np.zeros(n)
    for r in read(folder, "demand"):
        dem[ix[r["stage"]]] += float(r["demand"])
        loss[ix[r["stage"]]] = float(r["loss_per_unit"])
    m["dem"], m["loss"] = dem, loss
    opts = read(folder, "options")
    for o in opts:
        o["s"] = ix[o["stage"]]
        o["amount"] = num(o.get("amount"), 0.0)
        o["cost"] = float(o["cost"])
        o["p"] = num(o.get("probability"), 1.0)
        o["group"] = (o.get("group") or "").strip()
    m["opts"] = opts
    cand = {o["s"]: k for k, o in enumerate(opts) if o["kind"] == "source"}
    m["cand"] = cand
    rows = read(folder, "inputs")
    m["rows"] = [
        (ix[r["stage"]], r["input_item"], float(r["qty"]), ix[r["supplier"]], num(r.get("share")),
         (r.get("lane") or "").strip())
        for r in rows
    ]
    # Planned shares: candidates at 0; empty shares split equally among the group's existing suppliers (or
    # among its candidates when it has no other).
    groups = {}
    for a, (b, item, q, s, sh, ln) in enumerate(m["rows"]):
        groups.setdefault((b, item), []).append(a)
    m["groups"] = groups
    share = [0.0] * len(m["rows"])
    for key, rs in groups.items():
        plain = [a for a in rs if m["rows"][a][3] not in cand]
        use = plain if plain else rs
        given = [m["rows"][a][4] for a in use]
        if all(g is None for g in given):
            for a in use:
                share[a] = 1.0 / len(use)
        else:
            for a in use:
                share[a] = m["rows"][a][4] or 0.0
    m["share"] = share
    # Topological order, buyers before suppliers, for planned rates and the see-through rule.
    buyers_rows = [[] for _ in range(n)]
    indeg = [0] * n
    for a, (b, item, q, s, sh, ln) in enumerate(m["rows"]):
        buyers_rows[s].append(a)
        indeg[s] += 1
    sup_rows = [[] for _ in range(n)]
    for a, (b, item, q, s, sh, ln) in enumerate(m["rows"]):
        sup_rows[b].append(a)
    order = [j for j in range(n) if indeg[j] == 0]
    k = 0
    while k < len(order):
        b = order[k]
        k += 1
        for a in sup_rows[b]:
            s = m["rows"][a][3]
            indeg[s] -= 1
            if indeg[s] == 0:
                order.append(s)
    assert len(order) == n, "cycle"
    rate = dem.astype(float).copy()
    rrow = [0.0] * len(m["rows"])
    for b in order:
        for a in sup_rows[b]:
            _, item, q, s, _, _ = m["rows"][a]
            rrow[a] = rate[b] * q * share[a]
            rate[s] += rrow[a]
    m["rate"], m["rrow"], m["order"], m["sup_rows"] = rate, rrow, order, sup_rows
    sites = {r["id"]: r for r in read(folder, "sites")}
    blocs = {r["code"]: set((r.get("blocs") or "").split(";")) for r in read(folder, "countries")}
    items = {r["id"]: (r.get("export_control") or "").split(":")[0] for r in read(folder, "items")}
    lanes = {r["id"]: set(c.strip() for c in (r.get("chokepoints") or "").split(";") if c.strip())
             for r in read(folder, "lanes")}
    m["sites"], m["blocs"], m["items"], m["lanes"] = sites, blocs, items, lanes
    scen = {}
    for r in read(folder, "scenarios"):
        sc = scen.setdefault(r["scenario"], {"events": [], "p": None})
        sc["events"].append((r["target_kind"], r["target"], float(r["capacity_factor"]), float(r["duration"])))
        if num(r.get("probability")) is not None:
            sc["p"] = float(r["probability"])
    m["scen"] = scen
    return m


def reached(m, kind, target):
    """Stages and lanes an event reaches."""
    n = m["n"]
    site_of = m["site"]
    sites = m["sites"]
    if kind == "stage":
        return [m["ix"][target]], []
    if kind == "site":
        return [j for j in range(n) if site_of[j] == target], []
    if kind == "firm":
        return [j for j in range(n) if sites[site_of[j]]["firm"] == target], []
    if kind == "country":
        return [j for j in range(n) if sites[site_of[j]]["country"] == target], []
    if kind == "bloc":
        return [j for j in range(n) if target in m["blocs"].get(sites[site_of[j]]["country"], ())], []
    if kind == "item":
        return [j for j in range(n) if m["item"][j] == target], []
    if kind == "lane":
        return [], [target]
    if kind == "chokepoint":
        return [], [ln for ln, cps in m["lanes"].items() if target in cps]
    if kind == "regime":
        hit = [m["items"].get(m["item"][j]) == target for j in range(n)]
        for s in reversed(m["order"]):  # suppliers before buyers
            if not hit[s]:
                hit[s] = any(hit[m["rows"][a][3]] and m["share"][a] > 0 for a in m["sup_rows"][s])
        return [j for j in range(n) if hit[j]], []
    raise ValueError(f"unknown target kind {kind}")


def cases(m):
    out = []
    longest = 0.0
    for name, sc in m["scen"].items():
        phi, lphi, t = {}, {}, 0.0
        for kind, target, f, d in sc["events"]:
            st, ln = reached(m, kind, target)
            for j in st:
                phi[j] = min(phi.get(j, 1.0), f)
            for l in ln:
                lphi[l] = min(lphi.get(l, 1.0), f)
            t = max(t, d)
        longest = max(longest, t)
        out.append((name, sc["p"], t, phi, lphi))
    rest = 1.0 - sum(c[1] for c in out)
    out.append(("(no disruption)", rest, longest, {}, {}))
    return out


def outcomes(opts):
    """Joint outcomes of the bets: list of (probability, set of risky options that work)."""
    parts = []
    groups = {}
    for k, o in enumerate(opts):
        if o["p"] < 1.0:
            if o["group"]:
                groups.setdefault(o["group"], []).append(k)
            else:
                parts.append([(o["p"], {k}), (1.0 - o["p"], set())])
    for g, ks in groups.items():
        qs = sorted(set(opts[k]["p"] for k in ks))
        lo, alts = 0.0, []
        for h in qs + [1.0]:
            alts.append((h - lo, {k for k in ks if opts[k]["p"] >= h}))
            lo = h
        parts.append(alts)
    res = []
    for combo in itertools.product(*parts):
        p = 1.0
        works = set()
        for q, w in combo:
            p *= q
            works |= w
        res.append((p, works))
    return res


def build(m, budget):
    opts = m["opts"]
    n_opt = len(opts)
    cols_lo, cols_hi, cost, integ = [], [], [], []
    for o in opts:
        cols_lo.append(0.0)
        cols_hi.append(1.0)
        cost.append(0.0)
        integ.append(1)
    ri, ci, vals, rlo, rhi = [], [], [], [], []

    def col(lo, hi, c):
        cols_lo.append(lo)
        cols_hi.append(hi)
        cost.append(c)
        integ.append(0)
        return len(cost) - 1

    def row(entries, lo, hi):
        r = len(rlo)
        for c, v in entries:
            ri.append(r)
            ci.append(c)
            vals.append(v)
        rlo.append(lo)
        rhi.append(hi)

    row([(k, o["cost"]) for k, o in enumerate(opts)], -np.inf, budget)
    cand = m["cand"]
    cap_opts = {}
    stock_opts = {}
    for k, o in enumerate(opts):
        if o["kind"] == "capacity":
            cap_opts.setdefault(o["s"], []).append(k)
        elif o["kind"] == "stockpile":
            stock_opts.setdefault(o["s"], []).append(k)
    copies = 0
    outs = outcomes(opts)
    for name, p_case, t, phi, lphi in cases(m):
        for p_out, works in outs:
            w = p_case * p_out
            if w <= 0:
                continue
            copies += 1
            live = lambda k: opts[k]["p"] >= 1.0 or k in works  # noqa: E731
            alive = [j not in cand or live(cand[j]) for j in range(m["n"])]
            u = {}
            for j in range(m["n"]):
                if alive[j]:
                    u[j] = col(0.0, np.inf, 0.0)
            lcol = {}
            for j in np.nonzero(m["dem"])[0]:
                lcol[j] = col(0.0, m["dem"][j] * t, w * m["loss"][j])
            y = {}
            for a, (b, item, q, s, sh, ln) in enumerate(m["rows"]):
                if alive[b] and alive[s]:
                    hi = np.inf
                    if ln and lphi.get(ln, 1.0) < 1.0:
                        hi = lphi[ln] * m["rrow"][a] * t
                    y[a] = col(0.0, hi, 0.0)
            # Bill of materials.
            for (b, item), rs in m["groups"].items():
                if not alive[b]:
                    continue
                q = m["rows"][rs[0]][2]
                row([(u[b], q)] + [(y[a], -1.0) for a in rs if a in y], -np.inf, 0.0)
            # Balance.
            supplies = {}
            for a in y:
                supplies.setdefault(m["rows"][a][3], []).append(y[a])
            for i in range(m["n"]):
                if not alive[i]:
                    continue
                ent = [(c, 1.0) for c in supplies.get(i, [])] + [(u[i], -1.0)]
                if i in lcol:
                    ent.append((lcol[i], -1.0))
                for k in stock_opts.get(i, []):
                    if live(k):
                        ent.append((k, -opts[k]["amount"]))
                s_i = m["inv"][i]
                if i in cand:
                    ent.append((cand[i], -s_i))
                    s_i = 0.0
                row(ent, -np.inf, s_i - m["dem"][i] * t)
            # Capacity.
            for j in range(m["n"]):
                if not alive[j]:
                    continue
                f = phi.get(j, 1.0)
                c = m["cap"][j]
                if c is None:
                    if f < 1.0:
                        row([(u[j], 1.0)], -np.inf, f * m["rate"][j] * t)
                    continue
                if j in cand:
                    row([(u[j], 1.0), (cand[j], -f * c * t)], -np.inf, 0.0)
                    continue
                ent = [(u[j], 1.0)] + [(k, -f * opts[k]["amount"] * t) for k in cap_opts.get(j, []) if live(k)]
                row(ent, -np.inf, f * c * t)
    a = csc_matrix((vals, (ri, ci)), shape=(len(rlo), len(cost)))
    return a, cols_lo, cols_hi, cost, integ, rlo, rhi, copies


def solve_pulp(m, a, lo, hi, cost, integ, rlo, rhi, copies, args, t0):
    """The same extensive form as PuLP variables and constraints (what an analyst writing it in PuLP pays for
    the modelling layer), solved by HiGHS through PuLP's HiGHS API."""
    import pulp

    prob = pulp.LpProblem("plan", pulp.LpMinimize)
    xs = []
    for j in range(len(cost)):
        up = None if hi[j] == np.inf else hi[j]
        if integ[j]:
            xs.append(pulp.LpVariable(f"x{j}", cat=pulp.LpBinary))
        else:
            xs.append(pulp.LpVariable(f"y{j}", lowBound=lo[j], upBound=up))
    prob += pulp.LpAffineExpression([(xs[j], c) for j, c in enumerate(cost) if c != 0.0])
    ar = a.tocsr()
    for r in range(len(rlo)):
        s, e = ar.indptr[r], ar.indptr[r + 1]
        expr = pulp.LpAffineExpression([(xs[ar.indices[k]], ar.data[k]) for k in range(s, e)])
        if rhi[r] != np.inf:
            prob += expr <= rhi[r]
        if rlo[r] != -np.inf:
            prob += expr >= rlo[r]
    t1 = time.time()
    solver = pulp.HiGHS(msg=False, gapRel=args.gap, timeLimit=args.time_limit, threads=1)
    prob.solve(solver)
    t2 = time.time()
    x = [v.value() or 0.0 for v in xs[: len(m["opts"])]]
    chosen = [o["id"] for o, v in zip(m["opts"], x) if v > 0.5]
    print(f"status: {pulp.LpStatus[prob.status]}")
    print(f"expected_loss: {pulp.value(prob.objective)!r}")
    print(f"cost: {sum(o['cost'] for o, v in zip(m['opts'], x) if v > 0.5)!r}")
    print(f"chosen: {','.join(chosen)}")
    print(f"size: {copies} LP copies, {len(cost)} columns, {len(rlo)} rows, {a.nnz} nonzeros")
    print(f"time: build {t1 - t0:.2f} s, solve {t2 - t1:.2f} s, total {t2 - t0:.2f} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--budget", type=float, required=True)
    ap.add_argument("--gap", type=float, default=1e-7)
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--modeller", choices=["pulp", "highspy"], default="pulp",
                    help="pulp (default: the model written in PuLP, solved by HiGHS through PuLP's HiGHS API) "
                         "or highspy (the matrix handed to HiGHS directly, no modelling layer)")
    args = ap.parse_args()
    t0 = time.time()
    m = load(args.model)
    a, lo, hi, cost, integ, rlo, rhi, copies = build(m, args.budget)
    if args.modeller == "pulp":
        return solve_pulp(m, a, lo, hi, cost, integ, rlo, rhi, copies, args, t0)
    t1 = time.time()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), len(rlo)
    lp.col_cost_ = np.array(cost)
    lp.col_lower_ = np.array(lo)
    lp.col_upper_ = np.array(hi)
    lp.row_lower_ = np.array(rlo)
    lp.row_upper_ = np.array(rhi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous for v in integ]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", args.gap)
    h.setOptionValue("time_limit", args.time_limit)
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    h.run()
    t2 = time.time()
    info = h.getInfo()
    x = h.getSolution().col_value[: len(m["opts"])]
    chosen = [o["id"] for o, v in zip(m["opts"], x) if v > 0.5]
    print(f"status: {h.modelStatusToString(h.getModelStatus())}")
    print(f"expected_loss: {info.objective_function_value!r}")
    print(f"mip_gap: {info.mip_gap}")
    print(f"cost: {sum(o['cost'] for o, v in zip(m['opts'], x) if v > 0.5)!r}")
    print(f"chosen: {','.join(chosen)}")
    print(f"size: {copies} LP copies, {lp.num_col_} columns, {lp.num_row_} rows, {a.nnz} nonzeros")
    print(f"time: build {t1 - t0:.2f} s, solve {t2 - t1:.2f} s, total {t2 - t0:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
