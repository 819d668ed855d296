#!/usr/bin/env python3
"""Peer checks for keel-see, written the way an analyst would with networkx.

How to run (from the repo root):

    pip install networkx scipy numpy     # checked with networkx 3.6.1, scipy 1.17.1, numpy 2.4.6, Python 3.11
    python3 bench/peers/see_networkx.py criticality MODEL_DIR [BUDGET_SECONDS]
    python3 bench/peers/see_networkx.py exposure MODEL_DIR

MODEL_DIR is a Keel model folder (CSV files). The generated benchmark models are
written with keel_io::generate + keel_io::write_dir (GenOptions { input_rows:
Some(N), seed: 1 }); a folder may also hold `keel_stage_spofs.csv`
(platform,stage_spofs) with Keel's answer, which is then compared.

exposure: look-through value exposure of every platform. The analyst builds the
networkx graph (buyer -> supplier, weight qty * share summed over rows), orders
it topologically, turns it into a scipy.sparse matrix A (so I - A^T is lower
triangular) and solves for the platforms' unit vectors 32 at a time with
scipy.sparse.linalg.spsolve_triangular: x = (I - A^T)^-1 e_p, value by stage
va * x, summed by country. The time covers matrix building, factorisation,
solve and the country breakdown, not reading the CSVs. Keel's answer
(`keel_exposure.csv`, written by the bench with KEEL_BENCH_DIR) is compared.

criticality: stage-level single points of failure of every platform (demand
stage). A stage is buildable when every input item (AND) has at least one
buildable supplier (OR). networkx has no AND/OR dominator routine
(nx.immediate_dominators is for plain OR-reachability), so the analyst's way is
removal: for each candidate stage c upstream of some platform, remove c and
re-evaluate buildability of c's descendants (nx.descendants) in topological
order; every platform that falls has c as a SPOF. Load time is excluded. When
the candidates take longer than BUDGET_SECONDS (default 120), the loop stops
and the total is extrapolated from the candidates done (they are visited in a
seeded random order, so the sample is unbiased); the output says so.
"""

import csv
import os
import random
import sys
import time

import networkx as nx


# ---------------------------------------------------------------- criticality


def criticality_load(model_dir):
    """The stage graph (supplier -> buyer), each stage's groups (lists of suppliers), the platforms."""
    g = nx.DiGraph()
    with open(os.path.join(model_dir, "stages.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            g.add_node(row["id"])
    groups = {}
    with open(os.path.join(model_dir, "inputs.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            st, item, sup = row["stage"], row["input_item"], row["supplier"]
            groups.setdefault(st, {}).setdefault(item, []).append(sup)
            g.add_edge(sup, st)
    groups = {s: list(by_item.values()) for s, by_item in groups.items()}
    with open(os.path.join(model_dir, "demand.csv"), newline="") as fh:
        platforms = [row["stage"] for row in csv.DictReader(fh)]
    return g, groups, platforms


def criticality_stage_spofs(g, groups, platforms, budget):
    """{platform: set of SPOF stages}, candidates done, candidates in all, seconds spent."""
    order = list(nx.topological_sort(g))
    pos = {s: i for i, s in enumerate(order)}
    candidates = set(platforms)
    for p in platforms:
        candidates |= nx.ancestors(g, p)
    candidates = sorted(candidates)
    random.Random(1).shuffle(candidates)
    plat = set(platforms)
    spofs = {p: set() for p in platforms}
    t0 = time.perf_counter()
    done = 0
    for c in candidates:
        down = nx.descendants(g, c)
        dead = {c}
        for s in sorted(down, key=pos.__getitem__):
            if any(all(sup in dead for sup in grp) for grp in groups.get(s, ())):
                dead.add(s)
        for p in plat & dead:
            spofs[p].add(c)
        done += 1
        if time.perf_counter() - t0 > budget:
            break
    return spofs, done, len(candidates), time.perf_counter() - t0


def criticality_main(model_dir, budget):
    t = time.perf_counter()
    g, groups, platforms = criticality_load(model_dir)
    load = time.perf_counter() - t
    spofs, done, total, secs = criticality_stage_spofs(g, groups, platforms, budget)
    full = done == total
    est = secs if full else secs / done * total
    print(f"model {model_dir}: {g.number_of_nodes()} stages, {g.number_of_edges()} arcs, "
          f"{len(platforms)} platforms; load {load:.1f} s")
    print(f"candidates {done}/{total}; time {secs:.2f} s"
          + ("" if full else f"; extrapolated to all candidates: {est:.0f} s"))
    ref = os.path.join(model_dir, "keel_stage_spofs.csv")
    if full and os.path.exists(ref):
        with open(ref, newline="") as fh:
            want = {r["platform"]: int(r["stage_spofs"]) for r in csv.DictReader(fh)}
        bad = [p for p in platforms if len(spofs[p]) != want[p]]
        print(f"compared with keel: {len(platforms) - len(bad)}/{len(platforms)} platforms agree"
              + (f"; differ: {bad[:5]}" if bad else ""))
    print(f"total stage SPOFs: {sum(len(v) for v in spofs.values())}" + ("" if full else " (partial)"))
    print(f"RESULT criticality seconds={est:.3f} extrapolated={not full}")


# ---------------------------------------------------------------- exposure


def exposure_load(model_dir):
    """networkx graph buyer -> supplier with weight qty * share, each stage's value added and country,
    the home country and the platforms."""
    import tomllib

    import scipy.sparse.linalg  # noqa: F401  (imported here so the timed part does not pay for it)

    with open(os.path.join(model_dir, "model.toml"), "rb") as fh:
        home = tomllib.load(fh)["home_country"]
    site_country = {}
    with open(os.path.join(model_dir, "sites.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            site_country[row["id"]] = row["country"]
    g = nx.DiGraph()
    with open(os.path.join(model_dir, "stages.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            g.add_node(row["id"], va=float(row["value_added"]), country=site_country[row["site"]])
    # Shares left empty are split equally within a (stage, input item), as in the format spec.
    rows = {}
    with open(os.path.join(model_dir, "inputs.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault((row["stage"], row["input_item"]), []).append(row)
    for (st, _item), rs in rows.items():
        for row in rs:
            share = float(row["share"]) if row.get("share") else 1.0 / len(rs)
            w = float(row["qty"]) * share
            if g.has_edge(st, row["supplier"]):
                g[st][row["supplier"]]["w"] += w
            else:
                g.add_edge(st, row["supplier"], w=w)
    with open(os.path.join(model_dir, "demand.csv"), newline="") as fh:
        platforms = [row["stage"] for row in csv.DictReader(fh)]
    return g, home, platforms


def exposure_all(g, home, platforms):
    """{platform: (value added per unit, {country: share})}: x = (I - A^T)^-1 e_p by sparse triangular solves."""
    import numpy as np
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    # Topological order (buyers first) makes I - A^T lower triangular, so each solve is one forward
    # substitution. A general sparse LU (spla.splu in the stored order) gives the same numbers but fills in
    # badly: 247 s instead of a few seconds at 10^5 rows on the benchmark machine.
    nodes = list(nx.topological_sort(g))
    ix = {s: i for i, s in enumerate(nodes)}
    n = len(nodes)
    a = nx.to_scipy_sparse_array(g, nodelist=nodes, weight="w", format="csr")  # a[buyer, supplier]
    m = (sp.identity(n, format="csr") - a.T).tocsr()
    va = np.array([g.nodes[s]["va"] for s in nodes])
    countries = sorted({g.nodes[s]["country"] for s in nodes})
    cpos = {c: i for i, c in enumerate(countries)}
    cix = np.array([cpos[g.nodes[s]["country"]] for s in nodes])
    out = {}
    # Right-hand sides in blocks of 32 platforms, so a million-stage model does not need n x platforms floats.
    for start in range(0, len(platforms), 32):
        block = platforms[start:start + 32]
        rhs = np.zeros((n, len(block)))
        for k, p in enumerate(block):
            rhs[ix[p], k] = 1.0
        x = spla.spsolve_triangular(m, rhs, lower=True)
        for k, p in enumerate(block):
            exposure_one(out, p, va * x[:, k], cix, countries)
    return out


def exposure_one(out, p, v, cix, countries):
    """Total value added and shares by country of one platform, from its value by stage `v`."""
    import numpy as np

    tot = v.sum()
    by = np.bincount(cix, weights=v, minlength=len(countries))
    out[p] = (tot, {c: (by[i] / tot if tot else 0.0) for i, c in enumerate(countries) if by[i] != 0})


def exposure_main(model_dir):
    t = time.perf_counter()
    g, home, platforms = exposure_load(model_dir)
    load = time.perf_counter() - t
    t = time.perf_counter()
    res = exposure_all(g, home, platforms)
    secs = time.perf_counter() - t
    print(f"model {model_dir}: {g.number_of_nodes()} stages, {g.number_of_edges()} arcs, "
          f"{len(platforms)} platforms; load {load:.1f} s")
    print(f"exposure of every platform (matrix from graph, sparse LU, solve, by country): {secs:.3f} s")
    ref = os.path.join(model_dir, "keel_exposure.csv")
    if os.path.exists(ref):
        worst = 0.0
        with open(ref, newline="") as fh:
            for r in csv.DictReader(fh):
                tot, by = res[r["platform"]]
                worst = max(worst, abs(tot - float(r["value_added"])) / max(1.0, abs(tot)),
                            abs(by.get(home, 0.0) - float(r["home_share"])))
        print(f"compared with keel: largest relative difference {worst:.2e}")
    print(f"RESULT exposure seconds={secs:.3f}")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("criticality", "exposure"):
        sys.exit(__doc__)
    if sys.argv[1] == "criticality":
        criticality_main(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 120.0)
    elif sys.argv[1] == "exposure":
        exposure_main(sys.argv[2])
