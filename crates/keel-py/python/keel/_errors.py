"""Keel's exceptions. The extension module raises them; they carry what the command line prints."""

from __future__ import annotations

from typing import Iterable, List, NamedTuple, Optional, Tuple


class Diagnostic(NamedTuple):
    """One located problem in a model's files, as ``keel check`` reports it.

    A plain tuple ``(file, line, column, message, hint)``: ``file`` is the file (or ``book.xlsx[sheet]``),
    ``line`` the 1-based line or row (the header is line 1) or None, ``column`` the column's header name or
    None, ``hint`` how to fix it or None.
    """

    file: str
    line: Optional[int]
    column: Optional[str]
    message: str
    hint: Optional[str]


class KeelError(Exception):
    """Base class of every error Keel raises (an analysis that failed, a model that did not load, ...)."""


class ModelError(KeelError):
    """A model that did not load.

    ``str(e)`` is what ``keel check`` prints: the counts, then each error located (at most 50 per file and
    200 in all). ``e.diagnostics`` lists every error as a :class:`Diagnostic` ``(file, line, column, message,
    hint)``; ``e.warnings`` the warnings found with them. A missing or unreadable path is one diagnostic on
    the path itself.
    """

    def __init__(
        self,
        message: str,
        diagnostics: Iterable[Tuple[str, Optional[int], Optional[str], str, Optional[str]]] = (),
        warnings: Iterable[Tuple[str, Optional[int], Optional[str], str, Optional[str]]] = (),
    ) -> None:
        super().__init__(message)
        self.diagnostics: List[Diagnostic] = [Diagnostic(*d) for d in diagnostics]
        self.warnings: List[Diagnostic] = [Diagnostic(*d) for d in warnings]

    def __reduce__(self):  # type: ignore[override]
        # Pickled whole (Ray sends exceptions between processes).
        return (type(self), (str(self), [tuple(d) for d in self.diagnostics], [tuple(d) for d in self.warnings]))


class OptionsError(KeelError, ValueError):
    """Options an analysis refuses: an unknown option (the message names the known ones), a value out of range
    or of the wrong type, a platform, scenario or table that does not exist."""
