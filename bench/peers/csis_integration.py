#!/usr/bin/env python3
"""Independent recomputation of `keel policy integration` totals with Python's csv module only.

Usage: csis_integration.py CSIS_DIR YEAR

Prints one JSON object with, for YEAR:
  trade: Canada's defence exports to the US (sum of the Canada -> United States Defense rows), its defence
         imports from the US (the United States -> Canada Defense row) and the balance, in current US dollars;
  subawards: value and count of first-tier subawards under US Department of Defense prime contracts performed in
         Canada (IsSubPlaceCanada = 1), counting rows identical in every column once.
Written from the file layouts, not from Keel's code, so that the two can disagree.
"""
import csv
import json
import os
import sys


def number(cell):
    return float(cell.strip().replace(",", ""))


def trade(path, year):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    col = str(year)
    exports = sum(number(r[col]) for r in rows
                  if r["SourceCountry"] == "Canada" and r["DestinationCountry"] == "United States"
                  and r["DefenseVCivilian"] == "Defense")
    imports = sum(number(r[col]) for r in rows
                  if r["SourceCountry"] == "United States" and r["DestinationCountry"] == "Canada"
                  and r["DefenseVCivilian"] == "Defense")
    return {"exports": exports, "imports": imports, "balance": exports - imports}


def subawards(path, year):
    seen = set()
    value, count = 0.0, 0
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        ix = {h: k for k, h in enumerate(header)}
        for row in reader:
            key = tuple(row)
            if key in seen:
                continue
            seen.add(key)
            if (row[ix["SubawardReportYear"]] == str(year) and row[ix["Customer"]] == "Defense"
                    and row[ix["IsSubPlaceCanada"]] == "1"):
                value += float(row[ix["SubawardAmount"]])
                count += 1
    return {"value": value, "count": count}


def main():
    folder, year = sys.argv[1], int(sys.argv[2])
    out = {
        "year": year,
        "trade": trade(os.path.join(folder, "USITCbilateralTrade.csv"), year),
        "subawards": subawards(os.path.join(folder, "Location_CanadaRelatedFSRScomplete.csv"), year),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
