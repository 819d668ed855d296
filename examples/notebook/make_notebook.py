"""Makes tour.ipynb from tour.py, the source (cells start at `# %%`; `# %% [markdown]` cells are comments).

    python make_notebook.py           # writes tour.ipynb beside this file
    python make_notebook.py --check   # exits 1 if tour.ipynb is not what tour.py makes (run by CI)

Plain JSON in nbformat 4, without outputs, so that the file only changes when the script does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cells(source: str) -> list:
    out = []
    kind, lines = None, []

    def flush():
        while lines and not lines[-1].strip():
            lines.pop()
        if kind is None:
            return
        text = [line + "\n" for line in lines]
        if text:
            text[-1] = text[-1][:-1]
        if kind == "markdown":
            out.append({"cell_type": "markdown", "metadata": {}, "source": text})
        else:
            out.append(
                {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": text}
            )

    for line in source.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        elif kind == "code":
            if lines or line.strip():
                lines.append(line)
    flush()
    return out


def notebook() -> str:
    nb = {
        "cells": cells((HERE / "tour.py").read_text()),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"cell-{i}"
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    target = HERE / "tour.ipynb"
    made = notebook()
    if "--check" in sys.argv[1:]:
        if not target.exists() or target.read_text() != made:
            sys.exit(f"{target} is not what tour.py makes: run python {Path(__file__).name}")
        print(f"{target.name} matches tour.py")
    else:
        target.write_text(made)
        print(f"wrote {target}")
