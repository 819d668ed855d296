"""Every analysis from Python equals the command line's: each table's columns and values (bit for bit, against
`keel CMD --format csv -o DIR`) and the whole JSON document (`--format json`), on the bundled example and on a
generated model."""

from __future__ import annotations

import pytest

import keel
from conftest import assert_frame_matches_csv, assert_matches_read_csv, cli_json, cli_tables

# (analysis, keyword options, the same as command-line arguments)
EXAMPLE_CASES = [
    ("exposure", {"by": "country"}, ["--by", "country"]),
    ("exposure", {"by": "firm", "top": 0}, ["--by", "firm", "--top", "0"]),
    ("exposure", {"by": "tier", "platform": "plt-lav"}, ["--by", "tier", "--platform", "plt-lav"]),
    ("controls", {"regime": "ITAR"}, ["--regime", "ITAR"]),
    ("controls", {}, []),
    ("concentration", {"flagged": True}, ["--flagged"]),
    ("concentration", {"level": "item", "top": 0}, ["--level", "item", "--top", "0"]),
    ("criticality", {"pairs": True}, ["--pairs"]),
    ("criticality", {"kind": ["firm", "site"], "top": 0}, ["--kind", "firm,site", "--top", "0"]),
    ("stress", {"each": "site"}, ["--each", "site"]),
    ("stress", {"each": "firm", "per_platform": True, "top": 0}, ["--each", "firm", "--per-platform", "--top", "0"]),
    ("stress", {"each": "chokepoint", "ttr": 45}, ["--each", "chokepoint", "--ttr", "45"]),
    ("stress", {}, ["--scenarios"]),
    (
        "simulate",
        {"scenario": "montreal-port-strike-30d", "horizon": 3650, "series": True, "every": 30},
        ["--scenario", "montreal-port-strike-30d", "--horizon", "3650", "--series", "--every", "30"],
    ),
    ("montecarlo", {"runs": 200, "seed": 1, "horizon": 3650}, ["--runs", "200", "--seed", "1", "--horizon", "3650"]),
    (
        "montecarlo",
        {"runs": 100, "seed": 5, "firm_rate": 0.05, "duration_dist": "lognormal"},
        ["--runs", "100", "--seed", "5", "--firm-rate", "0.05", "--duration-dist", "lognormal"],
    ),
    ("plan", {"budget": 3e8}, ["--budget", "300000000"]),
    ("plan", {"frontier": [0, 1e8, 3e8]}, ["--frontier", "0,1e8,3e8"]),
]


def _check(model: keel.Model, path, tmp_path, analysis, options, args) -> keel.Results:
    r = model.run(analysis, **options)
    theirs = cli_tables(tmp_path, analysis, path, *args)
    assert r.names == list(r.tables)
    assert sorted(r.names) == sorted(theirs), "the same tables"
    for name, frame in theirs.items():
        assert_frame_matches_csv(r.table(name), frame, f"{analysis} {args} table {name}")
        assert_matches_read_csv(r.table(name), tmp_path / "csv" / f"{name}.csv")
    assert r.json == cli_json(analysis, path, *args)
    return r


@pytest.mark.parametrize("analysis,options,args", EXAMPLE_CASES, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_example_equals_cli(example_model, example, tmp_path, analysis, options, args):
    _check(example_model, example, tmp_path, analysis, options, args)


GENERATED_CASES = [
    ("exposure", {"by": "bloc", "top": 0}, ["--by", "bloc", "--top", "0"]),
    ("controls", {}, []),
    ("concentration", {}, []),
    ("criticality", {"kind": ["firm"], "pairs": True}, ["--kind", "firm", "--pairs"]),
    ("stress", {"each": "firm", "top": 0}, ["--each", "firm", "--top", "0"]),
    ("stress", {"ttr": 60}, ["--scenarios", "--ttr", "60"]),
    ("montecarlo", {"runs": 150, "seed": 3, "horizon": 730}, ["--runs", "150", "--seed", "3", "--horizon", "730"]),
    ("plan", {"budget": 5e7}, ["--budget", "5e7"]),
]


@pytest.mark.parametrize("analysis,options,args", GENERATED_CASES, ids=lambda v: str(v) if isinstance(v, str) else None)
def test_generated_equals_cli(generated, tmp_path, analysis, options, args):
    _check(keel.load(generated), generated, tmp_path, analysis, options, args)


def test_generated_simulate_equals_cli(generated, tmp_path):
    m = keel.load(generated)
    scenario = m.run("stress").table()["scenario"][0]
    _check(m, generated, tmp_path, "simulate", {"scenario": scenario, "horizon": 400}, ["--scenario", scenario, "--horizon", "400"])


def test_methods_return_the_main_table_or_the_one_asked(example_model):
    m = example_model
    r = m.run("stress", each="site")
    assert r.main_name == "scenarios"
    assert r.main.equals(r.table("scenarios"))
    main = m.stress(each="site")
    assert main.equals(r.table())
    for name in r.names:
        assert m.stress(each="site", table=name).equals(r.table(name))
    assert m.exposure(by="country").equals(m.run("exposure", by="country").table())
    assert m.controls(regime="ITAR").equals(m.run("controls", regime="ITAR").table())
    assert m.concentration(flagged=True).equals(m.run("concentration", flagged=True).table())
    assert m.criticality(kind="firm", pairs=True, table="pairs").equals(
        m.run("criticality", kind=["firm"], pairs=True).table("pairs")
    )
    assert m.stress(scenarios=True).equals(m.run("stress").table())
    assert m.simulate("montreal-port-strike-30d", horizon=400).equals(
        m.run("simulate", scenario="montreal-port-strike-30d", horizon=400).table()
    )
    assert m.montecarlo(50, seed=2).equals(m.run("montecarlo", runs=50, seed=2).table())
    assert m.plan(1e8).equals(m.run("plan", budget=1e8).table())
    assert m.plan(frontier="0,1e8").equals(m.run("plan", frontier=[0.0, 1e8]).table())


def test_columns_are_typed(example_model):
    r = example_model.run("exposure", by="country")
    t = r.arrow()
    kinds = {f.name: f.metadata[b"keel.kind"].decode() for f in t.schema}
    assert "share" in kinds.values(), kinds
    for f in t.schema:
        k = f.metadata[b"keel.kind"].decode()
        want = {"text": "string", "int": "int64", "num": "double", "share": "double", "share2": "double",
                "bool": "bool", "empty": "null", "mixed": "string"}[k]
        assert str(f.type) == want, (f.name, k, f.type)
    assert t.schema.metadata[b"keel.table"].decode() == r.main_name
    assert r.titles[r.main_name]


def test_xlsx_model_gives_the_same_results(example_model, tmp_path, example):
    from conftest import cli

    book = tmp_path / "dib.xlsx"
    cli("convert", example, book)
    m = keel.load(book)
    assert m.exposure(by="firm").equals(example_model.exposure(by="firm"))
    assert m.summary() == example_model.summary()


def test_check_and_summary(example_model, example):
    theirs = cli_json("check", example)
    assert example_model.summary() == theirs["summary"]
    df = example_model.check()
    assert list(df.columns) == ["file", "line", "column", "message", "hint"]
    assert len(df) == len(theirs["warnings"])
    assert example_model.path == str(example)


def test_polars_from_arrow(example_model):
    pl = pytest.importorskip("polars")
    r = example_model.run("stress", each="site")
    frame = pl.from_arrow(r.arrow())
    assert frame.columns == list(r.table().columns)
    assert frame.height == len(r.table())
