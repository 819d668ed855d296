#!/usr/bin/env python3
"""Peer check for `keel policy arms`: SIPRI trade-register totals computed independently with pandas.

How to run (from the repo root; scripts/test.sh makes target/pyenv with pandas):

    python3 -m venv target/pyenv && target/pyenv/bin/pip install -q pandas
    target/pyenv/bin/python bench/peers/sipri_pandas.py check Canada 2015 2024 [REGISTER]
    target/pyenv/bin/python bench/peers/sipri_pandas.py all [REGISTER]

Default REGISTER: ../shared/data/sipri/trade-register.csv (or shared/data above the repository) (SIPRI Arms Transfers Database, (c) SIPRI,
generated 13 March 2025).

What it does, with pandas only (no code shared with keel-policy): reads the register as Latin-1, finds the
header line (`Recipient,Supplier,...`), joins back the records that a line break in their comment split
(a line that starts with a comma continues the one before), reads the 16 columns by position, splits each
deal's `Year(s) of delivery` (`2010; 2012`) and gives each listed year an equal part of the deal's
`SIPRI TIV of delivered weapons` (Keel's default spread), then sums TIV by recipient, supplier and year.

- `check R FROM TO`: prints one JSON object for recipient R and delivery years FROM..TO: the total, the TIV
  of each supplier, the HHI of suppliers (sum of squared percentage shares, 0-10,000), the US share, and the
  same by 5-year period (periods start in years divisible by 5, clipped to FROM..TO).
- `all`: summarises every recipient over all years (total, HHI, effective number of suppliers, US share,
  overall and by 5-year period) and prints the number of recipients and of (recipient, period) rows; the
  benchmark (bench/policy.sh) times it against `keel policy arms --all-recipients`.

Floats are written with repr() (shortest round-trip form).
"""

import io
import json
import os
import re
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def default_register():
    """shared/data/sipri beside the repository, or beside a folder above it (a worktree), as keel looks."""
    d = ROOT
    while True:
        p = os.path.join(d, "shared", "data", "sipri", "trade-register.csv")
        if os.path.isfile(p) or os.path.dirname(d) == d:
            return p
        d = os.path.dirname(d)


DEFAULT = default_register()

NAMES = [
    "recipient", "supplier", "order_year", "order_year_q", "n_ordered", "n_ordered_q", "designation",
    "description", "n_delivered", "n_delivered_q", "delivery_years", "status", "comments", "tiv_unit",
    "tiv_order", "tiv_delivered",
]


def load(path):
    with open(path, encoding="latin-1", newline="") as f:
        text = f.read()
    lines = text.split("\n")
    start = next(k for k, line in enumerate(lines[:30]) if line.startswith("Recipient,Supplier"))
    body = "\n".join(lines[start + 1:])
    body = re.sub(r"\r?\n(?=,)", " ", body)
    df = pd.read_csv(io.StringIO(body), header=None, names=NAMES, dtype=str, keep_default_na=False)
    df["tiv"] = pd.to_numeric(df["tiv_delivered"], errors="coerce")
    df = df[df["tiv"].notna() & (df["delivery_years"].str.strip() != "")]
    df = df.assign(year=df["delivery_years"].str.split(";"))
    df["n"] = df["year"].str.len()
    df = df.explode("year")
    df["year"] = df["year"].str.strip().astype(int)
    df["part"] = df["tiv"] / df["n"]
    return df.groupby(["recipient", "supplier", "year"], as_index=False)["part"].sum()


def hhi(values):
    total = values.sum()
    if total <= 0:
        return None
    return float(((100.0 * values / total) ** 2).sum())


def check(flows, recipient, lo, hi):
    f = flows[(flows["recipient"] == recipient) & (flows["year"] >= lo) & (flows["year"] <= hi)].copy()
    by_supplier = f.groupby("supplier")["part"].sum()
    total = float(by_supplier.sum())
    f["start"] = (f["year"] - f["year"] % 5).clip(lower=lo)
    periods = []
    for start, g in f.groupby("start"):
        s = g.groupby("supplier")["part"].sum()
        periods.append({
            "from": int(start), "to": int(min(start - start % 5 + 4, hi)), "total": float(s.sum()),
            "hhi": hhi(s), "us_share": float(s.get("United States", 0.0) / s.sum()),
        })
    return {
        "recipient": recipient, "from": lo, "to": hi, "total": total,
        "suppliers": {k: float(v) for k, v in by_supplier.items()},
        "hhi": hhi(by_supplier),
        "us_share": float(by_supplier.get("United States", 0.0) / total) if total > 0 else None,
        "by_period": periods,
    }


def summarise_all(flows):
    flows = flows.assign(period=flows["year"] - flows["year"] % 5)

    def summary(keys, df):
        s = df.groupby(keys + ["supplier"])["part"].sum().reset_index()
        tot = s.groupby(keys)["part"].transform("sum")
        s["sq"] = (100.0 * s["part"] / tot) ** 2
        s["us"] = s["part"].where(s["supplier"] == "United States", 0.0)
        out = s.groupby(keys).agg(total=("part", "sum"), hhi=("sq", "sum"), us=("us", "sum"))
        out["effective"] = 10_000.0 / out["hhi"]
        out["us_share"] = out["us"] / out["total"]
        return out

    overall = summary(["recipient"], flows)
    by_period = summary(["recipient", "period"], flows)
    by_year = summary(["recipient", "year"], flows)
    return overall, by_period, by_year


def main(argv):
    if len(argv) >= 2 and argv[1] == "check":
        recipient, lo, hi = argv[2], int(argv[3]), int(argv[4])
        path = argv[5] if len(argv) > 5 else DEFAULT
        print(json.dumps(check(load(path), recipient, lo, hi), sort_keys=True))
    elif len(argv) >= 2 and argv[1] == "all":
        path = argv[2] if len(argv) > 2 else DEFAULT
        overall, by_period, by_year = summarise_all(load(path))
        print(json.dumps({
            "recipients": len(overall), "period_rows": len(by_period), "year_rows": len(by_year),
            "total": float(overall["total"].sum()),
        }, sort_keys=True))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
