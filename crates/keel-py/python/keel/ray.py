"""Keel on a Ray cluster: a stress sweep or a Monte Carlo split into Ray tasks, merged into one run's results.

    import keel.ray
    r = keel.ray.stress("examples/canada-dib", each="site")              # a local Ray, one task per CPU
    r = keel.ray.montecarlo("/shared/big", runs=10_000, address="auto")  # an existing cluster

The work is split as the command line splits it (``keel stress --shard I/N``, ``keel montecarlo --runs A..B``):
a sweep into ``tasks`` shards of its scenario list, a Monte Carlo into ``tasks`` ranges of run indices (each
run seeded by its index, so the split changes nothing). Each worker is a Ray actor that loads the model once and
runs its parts with :meth:`keel.Model.run_part`; the driver merges the shard documents with :func:`keel.merge`,
which checks that they cover the work exactly once on the same model files. The results equal those of one
process (``Model.run``, or the ``keel`` command), bit for bit.

Every worker reads the model from ``model_path``: on a cluster, a path on a file system every node mounts (the
digest of the files is checked at the merge). See docs/scale-out.md and docs/python.md.
"""

from __future__ import annotations

import os
from typing import Any, List, Optional, Sequence

import ray

from ._errors import KeelError, OptionsError
from ._model import PathLike, load, merge
from ._results import Results

__all__ = ["montecarlo", "stress"]


@ray.remote
class _Worker:
    """One worker: the model loaded once, and parts of analyses run on it."""

    def __init__(self, path: str) -> None:
        import keel

        self._model = keel.load(path)

    def run_part(self, analysis: str, part: str, options: dict) -> str:
        return self._model.run_part(analysis, part, **options)


def _connect(address: Optional[str]) -> None:
    if not ray.is_initialized():
        ray.init(address=address, logging_level="WARNING", log_to_driver=False)


def _workers(path: str, parts: int, tasks_cpus: int) -> List[Any]:
    cpus = int(ray.cluster_resources().get("CPU", 1))
    n = max(1, min(parts, cpus // max(1, tasks_cpus)))
    # Each worker's own thread pool gets the CPUs Ray gave it (the engine's results do not depend on it).
    env = {"env_vars": {"RAYON_NUM_THREADS": str(tasks_cpus)}}
    return [_Worker.options(num_cpus=tasks_cpus, runtime_env=env).remote(path) for _ in range(n)]


def _run(model_path: PathLike, analysis: str, parts: Sequence[str], options: dict, cpus_per_task: int) -> Results:
    path = os.path.abspath(os.fspath(model_path))
    model = load(path)  # on the driver: a model that does not load fails here, before any task
    actors = _workers(path, len(parts), cpus_per_task)
    try:
        refs = [actors[k % len(actors)].run_part.remote(analysis, part, options) for k, part in enumerate(parts)]
        try:
            docs = ray.get(refs)
        except ray.exceptions.RayTaskError as e:
            cause = getattr(e, "cause", None)
            if isinstance(cause, KeelError):
                raise cause from None
            raise
    finally:
        for a in actors:
            ray.kill(a)
    return merge(docs, model=model)


def _tasks(tasks: Optional[int]) -> int:
    n = int(ray.cluster_resources().get("CPU", 1)) if tasks is None else int(tasks)
    if n < 1:
        raise OptionsError(f"tasks={tasks}: give at least 1")
    return n


def stress(
    model_path: PathLike,
    each: Optional[str] = None,
    *,
    scenarios: bool = False,
    address: Optional[str] = None,
    tasks: Optional[int] = None,
    cpus_per_task: int = 1,
    **options: Any,
) -> Results:
    """The stress sweep of :meth:`keel.Model.stress` (``each=KIND`` or ``scenarios=True``, and its other
    options) as ``tasks`` shards on Ray (default: one per CPU of the cluster). ``address`` is the cluster's
    (``"auto"``, ``"ray://host:10001"``; default: the Ray already initialised, else a local one). Returns every
    table, exactly as one run gives them."""
    if (each is None) == (not scenarios):
        raise OptionsError("stress: give each=KIND or scenarios=True (one of them)")
    if each is not None:
        options["each"] = each
    _connect(address)
    n = _tasks(tasks)
    return _run(model_path, "stress", [f"{i}/{n}" for i in range(1, n + 1)], options, cpus_per_task)


def montecarlo(
    model_path: PathLike,
    runs: int,
    *,
    address: Optional[str] = None,
    tasks: Optional[int] = None,
    cpus_per_task: int = 1,
    **options: Any,
) -> Results:
    """The Monte Carlo of :meth:`keel.Model.montecarlo` (``seed``, ``horizon``, rates, ...) with its ``runs``
    split into ``tasks`` ranges on Ray (default: one per CPU of the cluster). Returns every table, exactly as
    one run of ``runs`` runs gives them."""
    runs = int(runs)
    if runs < 1:
        raise OptionsError(f"runs={runs}: give at least 1")
    _connect(address)
    n = min(_tasks(tasks), runs)
    bounds = [runs * k // n for k in range(n + 1)]
    parts = [f"{a}..{b}" for a, b in zip(bounds, bounds[1:]) if a < b]
    return _run(model_path, "montecarlo", parts, options, cpus_per_task)
