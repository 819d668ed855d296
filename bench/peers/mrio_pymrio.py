#!/usr/bin/env python3
"""Peer check for keel-mrio: value-added origin of final output, computed with pymrio.

How to run (from the repo root):

    pip install pymrio pandas numpy        # checked with pymrio 0.7.0, pandas 3.1.1, numpy 2.4.6
    python3 bench/peers/mrio_pymrio.py [DATA_DIR] [OUT_CSV]

Defaults: DATA_DIR = ../shared/data/wiod2013 (WIOD release 2013, WIOT 2011),
OUT_CSV = crates/keel-mrio/tests/fixtures/pymrio_va_origin.csv.

What it does: loads the same CSVs the Rust reader reads into a pymrio.IOSystem
(Z, Y, and the table's own gross output x), adds a value-added extension
F = x - colsum(Z) (one row "value added"), runs calc_all() so pymrio builds
A, L = (I - A)^-1 (dense inverse) and the extension coefficients S = F / x,
then, for each target (economy, sector), takes y = total final use of that row
(sum of all Y columns) at that row and zero elsewhere, and computes the
value-added origin va = S * (L y) (elementwise), summed by origin economy.

Output columns: economy,sector,origin_country,value with floats written by
repr() (shortest round-trip representation, i.e. full precision).

The table's own x is passed to pymrio (not recomputed as rowsum(Z) + rowsum(Y)),
because the published table is rounded to whole millions and its rows do not
balance exactly; keel-mrio also uses the published x.
"""

import csv
import os
import sys

import numpy as np
import pandas as pd
import pymrio

TARGETS = [("CAN", "c15"), ("USA", "c15"), ("DEU", "c15")]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "wiod2013"))
DEFAULT_OUT = os.path.join(ROOT, "crates", "keel-mrio", "tests", "fixtures", "pymrio_va_origin.csv")


def main() -> None:
    data = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DATA
    out = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT

    with open(os.path.join(data, "row_labels.txt")) as fh:
        labels = [line.strip() for line in fh if line.strip()]
    regions = [lab.split("_", 1)[0] for lab in labels]
    sectors = [lab.split("_", 1)[1] for lab in labels]
    idx = pd.MultiIndex.from_arrays([regions, sectors], names=["region", "sector"])

    z = np.loadtxt(os.path.join(data, "wiot2011_Z.csv"), delimiter=",", ndmin=2)
    y = np.loadtxt(os.path.join(data, "wiot2011_Y.csv"), delimiter=",", ndmin=2)
    x = np.loadtxt(os.path.join(data, "wiot2011_x.csv"), delimiter=",", ndmin=1)
    n = len(labels)
    assert z.shape == (n, n), z.shape
    assert y.shape[0] == n and x.shape == (n,), (y.shape, x.shape)

    economies = list(dict.fromkeys(regions))
    ncat = y.shape[1] // len(economies)
    assert ncat * len(economies) == y.shape[1], "Y columns are not economies x categories"
    ycols = pd.MultiIndex.from_product(
        [economies, [f"fd{k + 1}" for k in range(ncat)]], names=["region", "category"]
    )

    Z = pd.DataFrame(z, index=idx, columns=idx)
    Y = pd.DataFrame(y, index=idx, columns=ycols)
    X = pd.DataFrame(x, index=idx, columns=["indout"])
    F = pd.DataFrame((x - z.sum(axis=0)).reshape(1, -1), index=["value added"], columns=idx)

    io = pymrio.IOSystem(Z=Z, Y=Y, x=X, name="WIOT2011")
    io.va = pymrio.Extension(name="value added", F=F, unit=pd.DataFrame(["M.USD"], index=F.index, columns=["unit"]))
    io.calc_all()

    L = io.L
    S = io.va.S.loc["value added"].to_numpy()
    y_row_total = Y.sum(axis=1).to_numpy()

    rows = []
    for economy, sector in TARGETS:
        k = labels.index(f"{economy}_{sector}")
        yvec = np.zeros(n)
        yvec[k] = y_row_total[k]
        xl = pymrio.calc_x_from_L(L, pd.Series(yvec, index=idx))["indout"].to_numpy()
        va = S * xl
        by_country = pd.Series(va, index=idx).groupby(level="region", sort=False).sum()
        total = float(va.sum())
        print(
            f"{economy} {sector}: final use {float(yvec[k])!r}, VA total {total!r}, "
            f"domestic share {by_country[economy] / total:.6f}"
        )
        for country in economies:
            rows.append((economy, sector, country, repr(float(by_country[country]))))

    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["economy", "sector", "origin_country", "value"])
        w.writerows(rows)
    print(f"pymrio {pymrio.__version__}: wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main()
