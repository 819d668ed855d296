"""keel.ray on a local Ray (two CPUs, loopback): the results equal one process's bit for bit."""

from __future__ import annotations

import pytest

ray = pytest.importorskip("ray")

import keel  # noqa: E402
import keel.ray  # noqa: E402
from test_shards import same_results  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.mark.parametrize(
    "options,tasks", [({"each": "site"}, None), ({"each": "firm", "top": 0}, 3), ({"scenarios": True}, 2)]
)
def test_ray_stress_equals_one_process(local_ray, example_model, example, options, tasks):
    r = keel.ray.stress(example, tasks=tasks, **options)
    engine = {k: v for k, v in options.items() if k != "scenarios"}
    same_results(r, example_model.run("stress", **engine))


@pytest.mark.parametrize("runs,tasks", [(300, None), (301, 3), (2, 5)])
def test_ray_montecarlo_equals_one_process(local_ray, example_model, example, runs, tasks):
    r = keel.ray.montecarlo(example, runs, tasks=tasks, seed=9, horizon=3650)
    same_results(r, example_model.run("montecarlo", runs=runs, seed=9, horizon=3650))


def test_ray_on_a_generated_model(local_ray, generated):
    m = keel.load(generated)
    same_results(keel.ray.stress(generated, each="site", tasks=4), m.run("stress", each="site"))
    same_results(keel.ray.montecarlo(generated, 120, seed=1), m.run("montecarlo", runs=120, seed=1))


def test_ray_errors_are_keel_errors(local_ray, example, tmp_path):
    with pytest.raises(keel.OptionsError):
        keel.ray.stress(example, each="site", bogus=1)
    with pytest.raises(keel.OptionsError):
        keel.ray.stress(example)
    with pytest.raises(keel.ModelError):
        keel.ray.montecarlo(tmp_path / "nothing", 10)
