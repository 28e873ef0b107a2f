"""Ingest of a global-sized Ookla tile file: DuckDB with a quadkey-prefix filter against pandas loading it whole.

Generates a Parquet file in Ookla's open-data tile schema (default 6 million tiles: random
zoom-16 quadkeys over the world, plus 20,000 tiles at random points of Tajikistan's bounding box),
then, each in a fresh process, (a) the suite's ingest (`analytics.packs.ookla.ingest`) and (b) the
naive way: the whole file into a pandas DataFrame, then the same placement. Prints both times,
both peak memories (RSS of the child process) and their ratios, measured in one run. Targets on a
2-core machine: the ingest under 20 s and under 1 GB.

    python benchmarks/ookla_ingest.py [--tiles 6000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from analytics.packs import load_pack
from analytics.packs import ookla
pack = load_pack("tjk")
start = time.perf_counter()
if sys.argv[2] == "duckdb":
    result = ookla.ingest(sys.argv[1], pack.districts, "mobile")
    kept = len(result.frame)
else:
    import duckdb, geopandas as gpd
    whole = duckdb.sql(f"SELECT * FROM read_parquet('{sys.argv[1]}')").df()  # every row into pandas
    lon, lat = ookla.tile_centres(whole["quadkey"])
    box = pack.districts.total_bounds
    inside = whole[(lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])]
    pts = gpd.GeoDataFrame(inside, geometry=gpd.points_from_xy(lon[inside.index], lat[inside.index]), crs=4326)
    kept = gpd.sjoin(pts, pack.districts[["district_code", "geometry"]], predicate="within")["district_code"].nunique()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "districts": int(kept)}))
"""


def generate(path: Path, tiles: int) -> None:
    import duckdb
    import numpy as np

    from analytics.packs import load_pack
    from analytics.packs.ookla import quadkey

    rng = np.random.default_rng(7)
    west, south, east, north = load_pack("tjk").districts.total_bounds
    local = [quadkey(x, y, 16) for x, y in zip(rng.uniform(west, east, 20_000), rng.uniform(south, north, 20_000),
                                                strict=True)]
    con = duckdb.connect()
    con.execute("CREATE TABLE local (quadkey VARCHAR)")
    con.executemany("INSERT INTO local VALUES (?)", [[k] for k in local])
    con.execute(f"""
        COPY (
          SELECT quadkey, 'POLYGON((...))' AS tile, CAST(1000 + random() * 50000 AS BIGINT) AS avg_d_kbps,
                 CAST(500 + random() * 20000 AS BIGINT) AS avg_u_kbps, CAST(10 + random() * 200 AS BIGINT) AS avg_lat_ms,
                 CAST(1 + random() * 60 AS BIGINT) AS tests, CAST(1 + random() * 20 AS BIGINT) AS devices
          FROM (
            SELECT array_to_string(list_transform(range(16), lambda i: CAST(floor(random() * 4) AS INT)), '') AS quadkey
            FROM range({tiles - len(local)})
            UNION ALL SELECT quadkey FROM local)
        ) TO '{path}' (FORMAT PARQUET)""")


def child(path: Path, how: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), how], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, default=6_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tiles.parquet"
        start = time.perf_counter()
        generate(path, args.tiles)
        print(f"generated {args.tiles:,} tiles ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s")
        ours, naive = child(path, "duckdb"), child(path, "pandas")
    print(f"ingest (DuckDB, quadkey prefixes, then districts): {ours['seconds']:.1f} s, peak {ours['peak_mb']:.0f} MB, "
          f"{ours['districts']} districts (targets: < 20 s, < 1,000 MB)")
    print(f"whole file into pandas, then districts:            {naive['seconds']:.1f} s, peak {naive['peak_mb']:.0f} MB")
    print(f"ratio time {ours['seconds'] / naive['seconds']:.2f}, ratio memory {ours['peak_mb'] / naive['peak_mb']:.2f}")


if __name__ == "__main__":
    main()
