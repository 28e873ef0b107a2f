"""Nearest-university distance on the 1 km national grid: k-d tree against brute force, in one run.

Prints, for the real institutions and for 2,000 synthetic sites (where a pairwise
computation starts to cost), the time of the k-d tree and of the brute-force pairwise
distance on the same cells and their ratio; the absolute time to build the grid and find
every cell's nearest university; and the peak memory (target: grid and distances in
under 2 s on one core and under 500 MB).

    python benchmarks/distance_grid.py [--cell-km 1.0]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np


def clock(fn, *args, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    from analytics.access import distance
    from analytics.packs import load_pack

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell-km", type=float, default=1.0)
    args = parser.parse_args()
    pack = load_pack("tjk")

    tracemalloc.start()
    start = time.perf_counter()
    grid = distance.country_grid(pack.districts, args.cell_km)
    sites = distance.site_xy(pack.institutions, grid.attrs["crs"])
    xy = grid[["x", "y"]].to_numpy()
    km = distance.nearest_km(xy, sites)
    total = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"grid: {len(grid):,} cells of {args.cell_km:g} km; {len(sites)} distinct university locations")
    print(f"grid + nearest distance for every cell: {total:.2f} s (target < 2 s); "
          f"peak traced memory {peak / 1e6:.0f} MB, process max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB (target < 500 MB)")
    print(f"median distance {np.median(km):.1f} km, max {km.max():.1f} km")

    # people placed on the grid: at and near the pack's populated places (analytics.packs.builders.places),
    # against the old rule (village dwellers evenly over each district)
    places, decay = distance.pack_places(pack)
    t_places, cells = clock(distance.people_on_grid, grid, pack.population, pack.institutions, pack.districts,
                            None, 5.0, places, decay, repeat=1)
    t_even, _ = clock(distance.people_on_grid, grid, pack.population, pack.institutions, pack.districts, repeat=1)
    print(f"people on the grid at and near {len(places)} places: {t_places:.2f} s, evenly over districts "
          f"{t_even:.2f} s (ratio {t_places / t_even:.2f}); process max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB (target < 500 MB)")

    rng = np.random.default_rng(0)
    many = np.column_stack([rng.uniform(xy[:, 0].min(), xy[:, 0].max(), 2000),
                            rng.uniform(xy[:, 1].min(), xy[:, 1].max(), 2000)])
    for label, s in (("real institutions", sites), ("2,000 synthetic sites", many)):
        t_tree, a = clock(distance.nearest_km, xy, s)
        t_brute, b = clock(distance.nearest_km_brute_force, xy, s, repeat=1)
        assert np.allclose(a, b)
        print(f"{label:<22} k-d tree {t_tree:7.3f} s   brute force {t_brute:7.3f} s   "
              f"ratio tree / brute {t_tree / t_brute:.3f}")


if __name__ == "__main__":
    main()
