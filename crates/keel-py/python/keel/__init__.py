"""Keel from Python: see, stress-test and strengthen a defence industrial base, with pandas DataFrames.

    import keel
    m = keel.load("examples/canada-dib")          # a folder or an .xlsx workbook
    m.exposure(by="country")                      # the main table of `keel exposure --by country`
    m.stress(each="site", table="hits")           # another table of the same analysis
    r = m.run("montecarlo", runs=200, seed=1)     # every table: r.main, r.tables, r.json, r.arrow(name)
    keel.merge([m.run_part("stress", f"{i}/4", each="site") for i in (1, 2, 3, 4)])  # == m.run("stress", ...)

``keel.ray`` runs stress sweeps and Monte Carlo on a Ray cluster (``import keel.ray``; needs ray).

Each analysis method returns a DataFrame with the columns and full-precision values of ``keel CMD --format
csv``, built through Arrow (``Results.arrow`` gives the ``pyarrow.Table``, for polars). Errors are
:class:`KeelError`, :class:`ModelError` (a model that does not load, with its located diagnostics) and
:class:`OptionsError`. Analyses release the GIL and stop on Ctrl-C. See docs/python.md.
"""

from ._errors import Diagnostic, KeelError, ModelError, OptionsError
from ._keel import __version__
from ._model import Model, load, merge
from ._results import Results

__all__ = [
    "Diagnostic",
    "KeelError",
    "Model",
    "ModelError",
    "OptionsError",
    "Results",
    "__version__",
    "load",
    "merge",
]
