"""What a notebook's first code cell imports, timed against ``import pandas``, in one run.

For each notebook, the import lines of its setup cell (the cell after the parameters
cell) run in a fresh interpreter, alternating with a bare ``import pandas``, several times;
the script prints the medians and their ratio. Heavy libraries (plotly, statsmodels,
geopandas) are imported by the library only when a step needs them, so the setup cell
should cost little more than pandas itself (target: at most 1.5).

    python benchmarks/import_time.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]


def setup_imports(notebook: Path) -> str:
    """The import lines of the code cell that follows the parameters cell."""
    cells = jupytext.read(notebook).cells
    k = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    setup = next(c for c in cells[k + 1:] if c.cell_type == "code")
    return "\n".join(line for line in setup.source.splitlines() if line.startswith(("import ", "from ")))


def import_seconds(code: str) -> float:
    """Seconds spent running ``code`` in a fresh interpreter (self-timed, no start-up)."""
    timed = f"import time\nt = time.perf_counter()\n{code}\nprint(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for nb in sorted((ROOT / "notebooks").glob("[0-9]*.py")):
        code = setup_imports(nb)
        import_seconds(code), import_seconds("import pandas")  # warm the file cache
        cell, pandas = [], []
        for _ in range(args.repeat):
            cell.append(import_seconds(code))
            pandas.append(import_seconds("import pandas"))
        c, p = statistics.median(cell), statistics.median(pandas)
        print(f"{nb.stem}: setup-cell imports {c * 1000:7.1f} ms, import pandas {p * 1000:7.1f} ms "
              f"(median of {args.repeat}); ratio {c / p:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
