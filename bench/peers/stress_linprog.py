#!/usr/bin/env python3
"""Peer for `keel stress --each stage`: the same single-stage PI / TTS sweep with scipy.optimize.linprog.

How to run (from the repo root):

    pip install scipy numpy          # checked with scipy 1.17.1, numpy 2.4.6
    cargo bench -p keel-lp --bench sweep -- 1700     # writes target/stress-bench/n1700/
    python3 bench/peers/stress_linprog.py target/stress-bench/n1700 [--limit N]

What it does, as an analyst would: reads the Keel CSV folder (stages, inputs, demand; lanes are not disrupted
by a stage sweep), builds the whole-network LP of Simchi-Levi et al. (2015) once as sparse matrices, and for
every stage solves one PI LP (t = the stage's ttr, else 30) and one TTS LP (horizon 365) with
linprog(method="highs"), changing only the variable bounds. No decomposition, no warm start (linprog has none).
PI is the loss above the undisrupted network's loss over the same t (cached per t), as Keel reports it.

--limit N solves only the first N stages and extrapolates the total time linearly (for large models).
If the folder holds keel_results.csv (written by the Rust bench: stage,pi,tts), PI and TTS are compared.
"""

import csv
import os
import sys
import time

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

HORIZON = 365.0
FALLBACK_TTR = 30.0


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
    cap = np.array([num(r["capacity"], np.inf) for r in stages])
    inv = np.array([num(r.get("inventory"), 0.0) for r in stages])
    ttr = [num(r.get("ttr")) for r in stages]
    dem = np.zeros(n)
    loss = np.zeros(n)
    for r in read(folder, "demand"):
        dem[ix[r["stage"]]] += float(r["demand"])
        loss[ix[r["stage"]]] = float(r["loss_per_unit"])
    groups = {}  # (stage, item) -> (qty, [source index])
    sources = []  # (supplier, buyer)
    for r in read(folder, "inputs"):
        b, s = ix[r["stage"]], ix[r["supplier"]]
        key = (b, r["input_item"])
        groups.setdefault(key, (float(r["qty"]), []))[1].append(len(sources))
        sources.append((s, b))
    return dict(ids=[r["id"] for r in stages], n=n, cap=cap, inv=inv, ttr=ttr, dem=dem, loss=loss,
                groups=list(groups.items()), sources=sources)


def build(m):
    """Sparse rows shared by both LPs. Columns: u (n), y (na), then l (n) or t (1)."""
    n, na = m["n"], len(m["sources"])
    rows, cols, vals = [], [], []
    r = 0
    for (b, _), (q, srcs) in m["groups"]:
        rows.append(r); cols.append(b); vals.append(q)
        for a in srcs:
            rows.append(r); cols.append(n + a); vals.append(-1.0)
        r += 1
    ng = r
    for a, (s, _) in enumerate(m["sources"]):
        rows.append(ng + s); cols.append(n + a); vals.append(1.0)
    for i in range(n):
        rows.append(ng + i); cols.append(i); vals.append(-1.0)
    return ng, rows, cols, vals


def solver(m):
    n, na = m["n"], len(m["sources"])
    ng, rows, cols, vals = build(m)
    nr = ng + n
    # PI: + (-l_i) in balance rows
    pr = rows + [ng + i for i in range(n)]
    pc = cols + [n + na + i for i in range(n)]
    pv = vals + [-1.0] * n
    a_pi = csr_matrix((pv, (pr, pc)), shape=(nr, n + na + n))
    c_pi = np.concatenate([np.zeros(n + na), m["loss"]])
    # TTS: + d_i t in balance rows, capacity rows u_j - c_j t <= 0
    capped = [j for j in range(n) if np.isfinite(m["cap"][j])]
    tr = rows + [ng + i for i in range(n) if m["dem"][i] > 0]
    tc = cols + [n + na] * int((m["dem"] > 0).sum())
    tv = vals + [m["dem"][i] for i in range(n) if m["dem"][i] > 0]
    for k, j in enumerate(capped):
        tr += [nr + k, nr + k]; tc += [j, n + na]; tv += [1.0, -m["cap"][j]]
    a_t = csr_matrix((tv, (tr, tc)), shape=(nr + len(capped), n + na + 1))
    c_t = np.zeros(n + na + 1); c_t[-1] = -1.0
    b_t = np.concatenate([np.zeros(ng), m["inv"], np.zeros(len(capped))])

    def pi_loss(t, down):
        ub_u = np.where(np.isfinite(m["cap"]), m["cap"] * t, np.inf)
        if down is not None:
            ub_u[down] = 0.0
        # Lost demand exists only where there is demand (l_i <= d_i t; 0 elsewhere, or it would be free slack).
        bounds = [(0, u) for u in ub_u] + [(0, None)] * na + [(0, d * t) for d in m["dem"]]
        b = np.concatenate([np.zeros(ng), m["inv"] - m["dem"] * t])
        res = linprog(c_pi, A_ub=a_pi, b_ub=b, bounds=bounds, method="highs")
        assert res.status == 0, res.message
        return res.fun

    def tts(down):
        bounds = [(0, None)] * (n + na) + [(0, HORIZON)]
        if down is not None:
            bounds[down] = (0, 0)
        res = linprog(c_t, A_ub=a_t, b_ub=b_t, bounds=bounds, method="highs")
        assert res.status == 0, res.message
        return -res.fun

    return pi_loss, tts


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    limit = None
    if "--limit" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--limit") + 1])
        args = [a for a in args if a != str(limit)]
    folder = args[0] if args else "target/stress-bench/n1700"
    t0 = time.perf_counter()
    m = load(folder)
    pi_loss, tts = solver(m)
    n = m["n"]
    todo = range(n if limit is None else min(limit, n))
    base = {}
    out = {}
    for j in todo:
        t = m["ttr"][j] if m["ttr"][j] is not None else FALLBACK_TTR
        if t not in base:
            base[t] = pi_loss(t, None)
        out[m["ids"][j]] = (max(pi_loss(t, j) - base[t], 0.0), tts(j))
    el = time.perf_counter() - t0
    total = el * n / len(todo)
    print(f"scipy linprog(highs) sweep: {len(todo)} of {n} stages in {el:.2f} s"
          + ("" if len(todo) == n else f"; extrapolated to all {n}: {total:.1f} s"))
    ref = os.path.join(folder, "keel_results.csv")
    if os.path.exists(ref):
        worst_pi = worst_t = 0.0
        compared = 0
        for r in read(folder, "keel_results"):
            if r["stage"] in out:
                p, tt = out[r["stage"]]
                kp, kt = float(r["pi"]), float(r["tts"])
                worst_pi = max(worst_pi, abs(p - kp) / max(abs(kp), 1.0))
                worst_t = max(worst_t, abs(tt - kt) / max(abs(kt), 1.0))
                compared += 1
        print(f"compared with Keel on {compared} stages: max relative difference PI {worst_pi:.2e}, TTS {worst_t:.2e}")


if __name__ == "__main__":
    main()
