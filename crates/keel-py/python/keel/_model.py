"""``keel.load`` and ``keel.Model``: a model loaded once, and each analysis as a method returning DataFrames."""

from __future__ import annotations

import json as _json
import os
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _keel
from ._errors import Diagnostic, OptionsError
from ._results import Results

PathLike = Union[str, "os.PathLike[str]"]
Kinds = Union[str, Sequence[str]]


def _jsonable(v: Any) -> Any:
    """numpy scalars and the like, as JSON numbers."""
    if hasattr(v, "item"):
        return v.item()
    raise TypeError(f"option value {v!r} of type {type(v).__name__} is not a JSON value")


def _listed(v: Any) -> Any:
    """A list option given as one value or a comma-separated string, as a list."""
    if isinstance(v, str):
        return [s.strip() for s in v.split(",") if s.strip()]
    if v is None:
        return None
    return list(v)


def _analysis_json(name: str, options: Dict[str, Any]) -> str:
    doc = {"analysis": name}
    for k, v in options.items():
        if v is not None:  # None: the engine's default (that of the command line)
            doc[k] = v
    try:
        return _json.dumps(doc, default=_jsonable, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise OptionsError(f"{name}: {e}") from None


def _part_json(part: str) -> str:
    """``"I/N"`` (a stress shard) or ``"A..B"`` (Monte Carlo runs) as the engine's JSON."""
    text = str(part).strip()
    try:
        if "/" in text:
            i, n = text.split("/")
            return _json.dumps({"shard": {"index": int(i), "count": int(n)}})
        if ".." in text:
            a, b = text.split("..")
            return _json.dumps({"runs": {"start": int(a), "end": int(b)}})
    except ValueError:
        pass
    raise OptionsError(f"`{part}` is not a part: give I/N (shard I of N of a stress sweep) or A..B (Monte Carlo runs)")


class Model:
    """A validated Keel model (see :func:`keel.load`).

    Each analysis is a method with the keyword options of the engine (those of ``keel CMD --help``, in
    snake_case); an option left at None takes the command line's default. Each returns the analysis's main
    table as a pandas DataFrame, or the table named ``table=``; :meth:`run` returns every table
    (:class:`keel.Results`). Unknown options and bad values raise :class:`keel.OptionsError`. Analyses release
    the GIL and stop on Ctrl-C (KeyboardInterrupt).
    """

    def __init__(self, inner: "_keel.Model") -> None:
        self._inner = inner

    @property
    def path(self) -> str:
        """The path the model was loaded from."""
        return self._inner.path

    @property
    def warnings(self) -> List[Diagnostic]:
        """The warnings found while loading, as ``(file, line, column, message, hint)`` tuples."""
        return [Diagnostic(*w) for w in self._inner.warnings()]

    def summary(self) -> Dict[str, Any]:
        """The headline counts ``keel check`` prints (countries, firms, stages, tiers, ...) as a dict."""
        return _json.loads(self._inner.summary_json())

    def check(self):
        """The warnings found while loading as a DataFrame (columns file, line, column, message, hint; no rows
        for a clean model). A model with errors never loads: :func:`keel.load` raises
        :class:`keel.ModelError` with them. The counts ``keel check`` prints are :meth:`summary`."""
        import pandas as pd

        frame = pd.DataFrame(self.warnings, columns=list(Diagnostic._fields))
        return frame.astype({"line": "Int64"})

    def run(self, analysis: str, **options: Any) -> Results:
        """Runs the analysis named ``analysis`` (``exposure``, ``controls``, ``concentration``,
        ``criticality``, ``stress``, ``simulate``, ``montecarlo``, ``plan``) with the engine's options, and
        returns all its tables."""
        tables, main, json_text = self._inner.run(_analysis_json(analysis, options))
        return Results(tables, main, json_text)

    def run_part(self, analysis: str, part: str, **options: Any) -> str:
        """Runs one part of a split analysis and returns its shard document (JSON text) for :func:`keel.merge`:
        a stress sweep's shard ``part="I/N"`` (I from 1 to N) or a Monte Carlo's runs ``part="A..B"`` (run
        indices, B excluded; each run is seeded by its index, so any split gives the same runs). The document
        records this model's absolute path and the digest of its files. ``keel stress --shard I/N`` and
        ``keel montecarlo --runs A..B`` write the same documents."""
        return self._inner.run_part(_analysis_json(analysis, options), _part_json(part))

    def _table(self, analysis: str, table: Optional[str], options: Dict[str, Any]):
        return self.run(analysis, **options).table(table)

    def exposure(
        self,
        by: Optional[str] = None,
        *,
        platform: Optional[str] = None,
        top: Optional[int] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """Look-through value added of each platform by origin (``keel exposure``): ``by`` is ``country``
        (default), ``bloc``, ``firm``, ``parent`` (country of control) or ``tier``; ``top`` rows per platform
        (0 for all; default 20)."""
        return self._table("exposure", table, dict(by=by, platform=platform, top=top, **options))

    def controls(
        self,
        regime: Optional[str] = None,
        *,
        platform: Optional[str] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """Export-control see-through (``keel controls``): which platforms are controlled under ``regime``
        (e.g. ``"ITAR"``; default every regime), why, and whether they can be built without it."""
        return self._table("controls", table, dict(regime=regime, platform=platform, **options))

    def concentration(
        self,
        *,
        level: Optional[str] = None,
        flagged: Optional[bool] = None,
        platform: Optional[str] = None,
        top: Optional[int] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """Supply concentration (``keel concentration``): ``level`` is ``group``, ``item`` or ``both``
        (default); ``flagged=True`` keeps only the concentrated inputs with no alternative."""
        return self._table(
            "concentration", table, dict(level=level, flagged=flagged, platform=platform, top=top, **options)
        )

    def criticality(
        self,
        kind: Optional[Kinds] = None,
        *,
        pairs: Optional[bool] = None,
        platform: Optional[str] = None,
        max_pair_work: Optional[int] = None,
        top: Optional[int] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """Single points of failure ranked by value at stake (``keel criticality``): ``kind`` one kind or a
        list (``firm``, ``site``, ``country``, ...; default every kind tested); ``pairs=True`` also finds the
        minimal pairs of countries and of firms (table ``pairs``)."""
        return self._table(
            "criticality",
            table,
            dict(
                kind=_listed(kind),
                pairs=pairs,
                platform=platform,
                max_pair_work=max_pair_work,
                top=top,
                **options,
            ),
        )

    def stress(
        self,
        each: Optional[str] = None,
        *,
        scenarios: bool = False,
        ttr: Optional[float] = None,
        fallback_ttr: Optional[float] = None,
        horizon: Optional[float] = None,
        per_platform: Optional[bool] = None,
        top: Optional[int] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """LP stress test (``keel stress``): disrupt each element of kind ``each`` in turn (``site``,
        ``firm``, ``country``, ``lane``, ...), or with ``scenarios=True`` each named scenario; ranked by risk
        exposure index, with performance impact and time to survive."""
        if (each is None) == (not scenarios):
            raise OptionsError("stress: give each=KIND or scenarios=True (one of them)")
        return self._table(
            "stress",
            table,
            dict(
                each=each,
                ttr=ttr,
                fallback_ttr=fallback_ttr,
                horizon=horizon,
                per_platform=per_platform,
                top=top,
                **options,
            ),
        )

    def simulate(
        self,
        scenario: str,
        *,
        horizon: Optional[int] = None,
        series: Optional[bool] = None,
        every: Optional[int] = None,
        platform: Optional[str] = None,
        stock: Optional[bool] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """Time-phased simulation of one named scenario (``keel simulate``) over ``horizon`` steps (default
        365); ``series=True`` also lays out each platform's series (table ``series``)."""
        return self._table(
            "simulate",
            table,
            dict(
                scenario=scenario,
                horizon=horizon,
                series=series,
                every=every,
                platform=platform,
                stock=stock,
                **options,
            ),
        )

    def montecarlo(
        self,
        runs: Optional[int] = None,
        *,
        seed: Optional[int] = None,
        horizon: Optional[int] = None,
        no_scenarios: Optional[bool] = None,
        firm_rate: Optional[float] = None,
        site_rate: Optional[float] = None,
        lane_rate: Optional[float] = None,
        failure_factor: Optional[float] = None,
        duration_mean: Optional[float] = None,
        duration_dist: Optional[str] = None,
        duration_sigma: Optional[float] = None,
        platform: Optional[str] = None,
        top: Optional[int] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """Monte Carlo simulation (``keel montecarlo``): ``runs`` runs (default 10,000) of ``horizon`` steps,
        seeded by ``seed`` (the same seed gives the same results whatever the number of threads)."""
        return self._table(
            "montecarlo",
            table,
            dict(
                runs=runs,
                seed=seed,
                horizon=horizon,
                no_scenarios=no_scenarios,
                firm_rate=firm_rate,
                site_rate=site_rate,
                lane_rate=lane_rate,
                failure_factor=failure_factor,
                duration_mean=duration_mean,
                duration_dist=duration_dist,
                duration_sigma=duration_sigma,
                platform=platform,
                top=top,
                **options,
            ),
        )

    def plan(
        self,
        budget: Optional[float] = None,
        *,
        risk: Optional[str] = None,
        survive: Optional[str] = None,
        except_: Optional[Kinds] = None,
        frontier: Optional[Union[str, Sequence[float]]] = None,
        years: Optional[int] = None,
        year_length: Optional[float] = None,
        period: Optional[float] = None,
        alpha: Optional[float] = None,
        max_exact: Optional[int] = None,
        samples: Optional[int] = None,
        seed: Optional[int] = None,
        gap: Optional[float] = None,
        time_limit: Optional[float] = None,
        table: Optional[str] = None,
        **options: Any,
    ):
        """The best investment plan (``keel plan``) for ``budget``; ``risk`` is ``expected`` (default) or
        ``cvar:ALPHA``; ``frontier`` a list of budgets (or ``"0,25e6,1e8"``); ``survive="country:30"`` with
        ``except_=[...]`` (the engine's ``except``, a Python keyword)."""
        if frontier is not None:
            frontier = [float(b) for b in _listed(frontier)]
        if except_ is not None:
            options["except"] = _listed(except_)
        return self._table(
            "plan",
            table,
            dict(
                budget=budget,
                risk=risk,
                survive=survive,
                frontier=frontier,
                years=years,
                year_length=year_length,
                period=period,
                alpha=alpha,
                max_exact=max_exact,
                samples=samples,
                seed=seed,
                gap=gap,
                time_limit=time_limit,
                **options,
            ),
        )

    def __repr__(self) -> str:
        return f"<keel.Model {self.path!r}>"


def merge(shards: Sequence[str], model: Union[Model, PathLike, None] = None) -> Results:
    """Puts the shard documents of a split stress sweep or Monte Carlo (from :meth:`Model.run_part`, ``keel
    stress --shard I/N`` or ``keel montecarlo --runs A..B``; in any order) back together into exactly the
    results one run gives. ``model`` is the model they ran on (a :class:`Model` or a path; by default the path
    the documents record); its files must be the same (their digest is checked). Raises
    :class:`keel.OptionsError` when a part is missing, repeated, or of another analysis, options or model."""
    if model is not None and not isinstance(model, Model):
        model = load(model)
    inner = model._inner if isinstance(model, Model) else None
    tables, main, json_text = _keel.merge(list(shards), inner)
    return Results(tables, main, json_text)


def load(path: PathLike) -> Model:
    """Loads and validates the model at ``path``: a folder holding ``model.toml`` and the CSV tables, or an
    ``.xlsx`` workbook. Raises :class:`keel.ModelError` (with every located diagnostic) if it does not load."""
    return Model(_keel.load(os.fspath(path)))
