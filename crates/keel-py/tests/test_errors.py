"""Errors as Python exceptions: a model that does not load raises ModelError with the located diagnostics of
`keel check`; options the engine refuses raise OptionsError (also a ValueError) naming what it knows."""

from __future__ import annotations

import csv
import json
import pickle
import shutil

import pytest

import keel
from conftest import cli


@pytest.fixture()
def broken(example, tmp_path):
    """The example with a quantity that is not a number (inputs.csv line 3) and a stage on a site that does
    not exist (stages.csv line 5)."""
    d = tmp_path / "broken"
    shutil.copytree(example, d)
    for name, line, column, value in [("inputs.csv", 3, "qty", "abc"), ("stages.csv", 5, "site", "no-such-site")]:
        with open(d / name, newline="") as f:
            rows = list(csv.reader(f))
        rows[line - 1][rows[0].index(column)] = value
        with open(d / name, "w", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    return d


def test_model_error_has_the_located_diagnostics_of_keel_check(broken):
    with pytest.raises(keel.ModelError) as info:
        keel.load(broken)
    e = info.value
    assert isinstance(e, keel.KeelError)
    got = [tuple(d) for d in e.diagnostics]
    assert ("inputs.csv", 3, "qty") in [d[:3] for d in got], got
    assert ("stages.csv", 5, "site") in [d[:3] for d in got], got
    r = cli("check", broken, "--format", "json", ok=False)
    assert r.returncode == 2
    theirs = json.loads(r.stdout)
    want = [
        (d["file"], d["line"], d["column"][1] if d["column"] else None, d["message"], d["hint"])
        for d in theirs["diagnostics"]
        if d["severity"] == "error"
    ]
    assert got == want
    assert len(got) == theirs["errors"]
    # The message is what keel check prints: the counts, then each error located.
    text = str(e)
    assert text.startswith(f"{broken}: {len(got)} error(s)")
    assert "error: inputs.csv:3:" in text and "(qty)" in text
    d = e.diagnostics[0]
    assert (d.file, d.line, d.column, d.message, d.hint) == tuple(d)
    # Exceptions survive pickling (Ray sends them between processes).
    again = pickle.loads(pickle.dumps(e))
    assert again.diagnostics == e.diagnostics and str(again) == str(e)


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(keel.ModelError) as info:
        keel.load(tmp_path / "nothing-here")
    assert "no such file or folder" in str(info.value)
    assert info.value.diagnostics[0].file == str(tmp_path / "nothing-here")


def test_unknown_option_names_the_known_ones(example_model):
    with pytest.raises(keel.OptionsError) as info:
        example_model.run("exposure", bogus=1)
    assert isinstance(info.value, ValueError) and isinstance(info.value, keel.KeelError)
    msg = str(info.value)
    assert "bogus" in msg and "platform" in msg and "top" in msg, msg
    with pytest.raises(keel.OptionsError):
        example_model.exposure(by="country", colour="red")


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.exposure(by="planet"),
        lambda m: m.run("nonsense"),
        lambda m: m.stress(),
        lambda m: m.stress(each="site", scenarios=True),
        lambda m: m.stress(each="site", table="no-such-table"),
        lambda m: m.simulate("no-such-scenario"),
        lambda m: m.exposure(platform="no-such-platform"),
        lambda m: m.montecarlo(runs=-1),
        lambda m: m.montecarlo(runs=float("nan")),
        lambda m: m.run("policy", command="spending"),
    ],
)
def test_bad_options_raise_options_error(example_model, call):
    with pytest.raises(keel.OptionsError):
        call(example_model)


def test_the_model_stays_usable_after_an_error(example_model):
    with pytest.raises(keel.OptionsError):
        example_model.run("exposure", bogus=1)
    assert len(example_model.exposure()) > 0
