"""A split stress sweep or Monte Carlo (Model.run_part) merged with keel.merge equals one run bit for bit, and
mixes with the command line's shard files; parts that do not fit together raise OptionsError."""

from __future__ import annotations

import json

import pytest

import keel
from conftest import cli


def same_results(a: keel.Results, b: keel.Results) -> None:
    """Bit for bit: the JSON text, every table's schema, and every value's shortest repr."""
    assert a.json_text == b.json_text
    assert a.main_name == b.main_name and a.names == b.names
    for name in a.names:
        x, y = a.arrow(name), b.arrow(name)
        assert x.schema.equals(y.schema, check_metadata=True), name
        assert [[repr(v) for v in c.to_pylist()] for c in x.columns] == [
            [repr(v) for v in c.to_pylist()] for c in y.columns
        ], name


@pytest.mark.parametrize(
    "options,count",
    [({"each": "site"}, 3), ({"each": "firm", "per_platform": True, "top": 0}, 4), ({}, 2), ({"each": "lane"}, 1)],
)
def test_stress_shards_merge_to_one_run(example_model, options, count):
    docs = [example_model.run_part("stress", f"{i}/{count}", **options) for i in range(1, count + 1)]
    merged = keel.merge(list(reversed(docs)), model=example_model)
    same_results(merged, example_model.run("stress", **options))


@pytest.mark.parametrize("bounds", [[0, 300], [0, 100, 250, 300], [0, 1, 2, 299, 300]])
def test_montecarlo_runs_merge_to_one_run(example_model, bounds):
    opts = dict(seed=4, horizon=3650, top=0)
    docs = [example_model.run_part("montecarlo", f"{a}..{b}", **opts) for a, b in zip(bounds, bounds[1:])]
    merged = keel.merge(docs, model=example_model)
    same_results(merged, example_model.run("montecarlo", runs=bounds[-1], **opts))


def test_documents_record_the_model_and_merge_without_it(example_model, example):
    doc = json.loads(example_model.run_part("stress", "1/1", each="site"))
    assert doc["model"]["path"] == str(example.resolve())
    assert doc["model"]["digest"].startswith("sha256:")
    assert doc["part"] == {"shard": {"index": 1, "count": 1}}
    same_results(keel.merge([json.dumps(doc)]), example_model.run("stress", each="site"))
    same_results(keel.merge([json.dumps(doc)], model=example), example_model.run("stress", each="site"))


def test_python_and_cli_shards_mix(example_model, example, tmp_path):
    f = tmp_path / "one.json"
    cli("stress", example, "--each", "site", "--shard", "1/2", "-o", f)
    mine = example_model.run_part("stress", "2/2", each="site")
    same_results(keel.merge([f.read_text(), mine], model=example_model), example_model.run("stress", each="site"))
    g = tmp_path / "runs.json"
    cli("montecarlo", example, "--runs", "0..40", "--seed", "1", "--horizon", "400", "-o", g)
    mine = example_model.run_part("montecarlo", "40..90", seed=1, horizon=400)
    same_results(
        keel.merge([mine, g.read_text()], model=example_model),
        example_model.run("montecarlo", runs=90, seed=1, horizon=400),
    )


def test_parts_that_do_not_fit_are_refused(example_model, generated):
    one = example_model.run_part("stress", "1/3", each="site")
    two = example_model.run_part("stress", "2/3", each="site")
    with pytest.raises(keel.OptionsError, match="missing"):
        keel.merge([one, two], model=example_model)
    with pytest.raises(keel.OptionsError, match="twice"):
        keel.merge([one, one, two], model=example_model)
    other = example_model.run_part("stress", "3/3", each="firm")
    with pytest.raises(keel.OptionsError):
        keel.merge([one, two, other], model=example_model)
    with pytest.raises(keel.OptionsError, match="differ"):
        keel.merge([one], model=keel.load(generated))
    with pytest.raises(keel.OptionsError):
        keel.merge(["{not json"], model=example_model)
    with pytest.raises(keel.OptionsError):
        keel.merge([], model=example_model)
    for analysis, part in [("stress", "0/3"), ("stress", "4/3"), ("stress", "x/y"), ("montecarlo", "5..5"),
                           ("montecarlo", "nonsense"), ("montecarlo", "1/2"), ("stress", "0..10")]:
        with pytest.raises(keel.OptionsError):
            example_model.run_part(analysis, part)
    with pytest.raises(keel.OptionsError):
        example_model.run_part("exposure", "1/2")
