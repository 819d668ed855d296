"""Shared fixtures: the `keel` binary (KEEL_BIN, or target/debug/keel), the bundled example, generated models,
and the CLI's outputs to compare the bindings with."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "canada-dib"


def keel_bin() -> Path:
    p = Path(os.environ.get("KEEL_BIN", ROOT / "target" / "debug" / "keel"))
    if not p.exists():
        pytest.fail(f"no keel binary at {p}: build it with `cargo build -p keel-cli` or set KEEL_BIN")
    return p


def cli(*args: object, ok: bool = True) -> subprocess.CompletedProcess:
    """Runs `keel -q ARGS`; fails the test on a non-zero exit unless ok=False."""
    r = subprocess.run([str(keel_bin()), "-q", *map(str, args)], capture_output=True)
    if ok and r.returncode != 0:
        pytest.fail(f"keel {' '.join(map(str, args))} exited {r.returncode}: {r.stderr.decode()}")
    return r


def cli_json(*args: object) -> dict:
    return json.loads(cli(*args, "--format", "json").stdout)


def cli_tables(tmp: Path, *args: object) -> dict:
    """Every table of a CLI run as raw CSV text cells: {name: (header, rows)} (`-o DIR --format csv`)."""
    out = tmp / "csv"
    cli(*args, "--format", "csv", "-o", out)
    tables = {}
    for f in sorted(out.glob("*.csv")):
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        tables[f.stem] = frame
    return tables


def _bits(x: float) -> object:
    return "nan" if math.isnan(x) else x


def assert_frame_matches_csv(df: pd.DataFrame, csv_path_or_frame, where: str = "") -> None:
    """`df` (from the bindings) has the CSV's columns, and every value equals the CSV's text read back exactly
    (floats with Python's correctly rounded parser, bit for bit)."""
    raw = csv_path_or_frame
    assert list(df.columns) == list(raw.columns), where
    assert len(df) == len(raw), where
    for col in df.columns:
        got = df[col]
        text = raw[col].tolist()
        kind = got.dtype.kind
        if kind == "f":
            want = np.array([float(s) if s != "" else np.nan for s in text], dtype=float)
            have = got.to_numpy(dtype=float)
            same = (want == have) | (np.isnan(want) & np.isnan(have))
            assert same.all(), f"{where} column {col}: {have[~same][:5]} != {want[~same][:5]}"
        elif kind in "iu":
            assert got.tolist() == [int(s) for s in text], f"{where} column {col}"
        elif kind == "b":
            assert got.tolist() == [s == "true" for s in text], f"{where} column {col}"
        else:
            have = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in got]
            if have and all(isinstance(v, bool) for v in got if v is not None):
                have = ["" if v is None else str(v).lower() for v in got]
            assert have == text, f"{where} column {col}"


def assert_matches_read_csv(df: pd.DataFrame, csv_file: Path) -> None:
    """The numeric columns equal those pandas.read_csv gives for the CLI's CSV (round-trip float parser)."""
    # pandas 3 reads floats exactly by default (and deprecates the option); older ones need "round_trip".
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    theirs = pd.read_csv(csv_file, **exact)
    assert list(df.columns) == list(theirs.columns)
    for col in df.columns:
        if df[col].dtype.kind in "fiu" and theirs[col].dtype.kind in "fiu":
            a = df[col].to_numpy(dtype=float)
            b = theirs[col].to_numpy(dtype=float)
            assert np.array_equal(a, b, equal_nan=True), col


@pytest.fixture(scope="session")
def example() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def example_model():
    import keel

    return keel.load(EXAMPLE)


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """A generated model with options and extra scenarios (so plan and montecarlo have work)."""
    d = tmp_path_factory.mktemp("gen") / "model"
    cli("generate", "--stages", 400, "--seed", 7, "--options", 12, "--scenarios", 4, d)
    return d
