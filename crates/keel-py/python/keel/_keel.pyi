"""Type stubs of the extension module ``keel._keel`` (Rust, PyO3). Use the ``keel`` package, not this module."""

from typing import List, Optional, Sequence, Tuple

__version__: str

# (name, title, columns, arrow_types, kinds, values): values holds one list per column.
_RawTable = Tuple[str, str, List[str], List[str], List[str], List[list]]
_Diag = Tuple[str, Optional[int], Optional[str], str, Optional[str]]

class Model:
    """A validated Keel model, loaded once and shared by every analysis run on it."""

    @property
    def path(self) -> str: ...
    def warnings(self) -> List[_Diag]: ...
    def summary_json(self) -> str: ...
    def run(self, analysis_json: str) -> Tuple[List[_RawTable], str, str]:
        """Runs one analysis given as the engine's JSON; returns (tables, main, json_text)."""
        ...

    def run_part(self, analysis_json: str, part_json: str) -> str:
        """Runs one part of a split analysis; returns its shard document (JSON)."""
        ...

def merge(shards: List[str], model: Optional[Model] = None) -> Tuple[List[_RawTable], str, str]:
    """Merges shard documents into the results of one run: (tables, main, json_text)."""
    ...

def load(path: str) -> Model:
    """Loads and validates a model; raises keel.ModelError if it does not load."""
    ...
