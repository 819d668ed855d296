"""An analysis's results: named tables as Arrow tables and pandas DataFrames, and the JSON document."""

from __future__ import annotations

import json as _json
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pyarrow as pa

from ._errors import OptionsError

_TYPES = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "null": pa.null(),
}

# (name, title, columns, arrow_types, kinds, values): one table as the extension module lays it out.
RawTable = Tuple[str, str, Sequence[str], Sequence[str], Sequence[str], Sequence[list]]


def _arrow(raw: RawTable) -> pa.Table:
    """One table as an Arrow table with an explicit schema: each column's type, and in its field metadata
    ``keel.kind``, the kind of its cells (``share`` for a fraction shown to people as a percentage, ...)."""
    name, title, columns, types, kinds, values = raw
    fields = [
        pa.field(c, _TYPES[t], nullable=True, metadata={b"keel.kind": k.encode()})
        for c, t, k in zip(columns, types, kinds)
    ]
    schema = pa.schema(fields, metadata={b"keel.table": name.encode(), b"keel.title": title.encode()})
    arrays = [pa.array(v, type=f.type) for v, f in zip(values, fields)]
    return pa.Table.from_arrays(arrays, schema=schema)


class Results:
    """Every table of one analysis, the name of its main one, and its JSON document.

    - ``results.main``: the main table (what ``keel CMD --format csv`` writes) as a pandas DataFrame;
    - ``results.main_name``: its name;
    - ``results.tables``: ``{name: pandas.DataFrame}`` for every table, in the order a person reads them;
    - ``results.table(name=None)``: one DataFrame (the main one by default);
    - ``results.arrow(name=None)``: the same table as a ``pyarrow.Table`` (``polars.from_arrow`` takes it);
    - ``results.json``: the JSON document of ``keel CMD --format json``, as a dict;
    - ``results.titles``: ``{name: title}``, what a person reads above each table.

    DataFrames have the columns of ``keel CMD --format csv`` with full-precision values: numbers and shares
    (fractions, 0.434 for 43.4%) as float64, counts as int64 (float64 with NaN when some are empty, as pandas
    reads the CSV), text as strings, yes/no as bool.
    """

    def __init__(self, tables: Sequence[RawTable], main: str, json_text: str) -> None:
        self._arrow: Dict[str, pa.Table] = {}
        self.titles: Dict[str, str] = {}
        for raw in tables:
            self._arrow[raw[0]] = _arrow(raw)
            self.titles[raw[0]] = raw[1]
        self.main_name: str = main
        self.json_text: str = json_text
        self._json: Optional[Dict[str, Any]] = None
        self._frames: Dict[str, Any] = {}

    @property
    def main(self):
        """The main table (what ``keel CMD --format csv`` writes) as a pandas DataFrame."""
        return self.table()

    @property
    def names(self) -> List[str]:
        """The tables' names, in order."""
        return list(self._arrow)

    @property
    def json(self) -> Dict[str, Any]:
        """The JSON document (``keel CMD --format json``) as Python values."""
        if self._json is None:
            self._json = _json.loads(self.json_text)
        return self._json

    def arrow(self, name: Optional[str] = None) -> pa.Table:
        """The table ``name`` (the main table for None) as a ``pyarrow.Table``."""
        key = self.main_name if name is None else name
        try:
            return self._arrow[key]
        except KeyError:
            raise OptionsError(
                f"unknown table `{key}`; these results' tables are: {', '.join(self._arrow)}"
            ) from None

    def table(self, name: Optional[str] = None):
        """The table ``name`` (the main table for None) as a pandas DataFrame."""
        key = self.main_name if name is None else name
        if key not in self._frames:
            self._frames[key] = self.arrow(key).to_pandas()
        return self._frames[key]

    @property
    def tables(self) -> Dict[str, Any]:
        """Every table as a pandas DataFrame, by name, in order."""
        return {n: self.table(n) for n in self._arrow}

    def __repr__(self) -> str:
        shapes = ", ".join(f"{n}: {t.num_rows}x{t.num_columns}" for n, t in self._arrow.items())
        return f"<keel.Results main={self.main_name!r} tables={{{shapes}}}>"
