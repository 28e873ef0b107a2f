"""Import time of ``analytics`` relative to ``import pandas``, measured in one run.

Each import runs in a fresh interpreter, alternating the two, several times; the script
prints the medians and their ratio (target: at most 1.2).

    python benchmarks/import_time.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys


def import_seconds(module: str) -> float:
    """Seconds spent importing ``module`` in a fresh interpreter (self-timed, no start-up)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"pandas": [], "analytics": []}
    import_seconds("analytics")  # warm the file cache once for both
    import_seconds("pandas")
    for _ in range(args.repeat):
        for module in times:
            times[module].append(import_seconds(module))
    pandas, analytics = (statistics.median(times[m]) for m in ("pandas", "analytics"))
    print(f"import pandas     median {pandas * 1000:8.1f} ms over {args.repeat} runs")
    print(f"import analytics  median {analytics * 1000:8.1f} ms over {args.repeat} runs")
    print(f"ratio analytics / pandas: {analytics / pandas:.3f} (target <= 1.2)")


if __name__ == "__main__":
    main()
