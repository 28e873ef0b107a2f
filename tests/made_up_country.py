"""A made-up country pack, filled from scratch after ``analytics pack new``.

Veridia (``QVR``; ISO 3166 reserves the QM–QZ codes for user-assigned use, so no real country
has them) is a 3° x 2° rectangle in the South Atlantic, far from any land: three regions of
three districts each, and two city-regions — the capital Alden (``QV-AL``) and the port city
Brisk (``QV-BR``) — that the district layer does not have (each lies inside a district, as
Dushanbe lies inside Rudaki). Its census was in 2011, its currency is the euro and it reads in
a fourth language, Kyrgyz (``ky``), whose messages here are the suite's English texts with
a Kyrgyz heading (a stand-in, to show the mechanism, not a translation).

Everything a pack needs is written by :func:`fill_pack`: raw boundaries, census, indicator
series, the district-name crosswalk, an institutions list, the assumptions and the names of
every place in every reader language.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

ISO3, ALPHA2 = "QVR", "QV"
CURRENCY, CENSUS_YEAR = "EUR", 2011
LANGUAGES = ["en", "ru", "tg", "ky"]

#: Regions: code -> (English name, west, east longitude), each from 40° S to 38° S.
REGIONS = {"QV-WE": ("Westmark", -20.0, -19.0), "QV-CE": ("Centralia", -19.0, -18.0),
           "QV-EA": ("Eastvale", -18.0, -17.0)}
#: City-regions: code -> (English name, west, south, east, north), inside a district.
CITIES = {"QV-AL": ("Alden", -18.6, -39.1, -18.4, -38.9), "QV-BR": ("Brisk", -19.8, -39.8, -19.6, -39.6)}
#: Census population by region (persons): the national total is their sum, 3,700,000.
CENSUS = {"QV-WE": 800_000, "QV-CE": 1_200_000, "QV-EA": 500_000, "QV-AL": 900_000, "QV-BR": 300_000}
URBAN_TOTAL = 1_650_000  # the two cities (1.2 million) and 450,000 townspeople elsewhere
DISTRICT_SUFFIXES = ("NOR", "MID", "SOU")  # each region's districts, north to south

#: Names in Russian, Tajik and Kyrgyz are transliterations; no real place is meant.
NAMES = {
    "ru": {"Westmark": "Вестмарк", "Centralia": "Централия", "Eastvale": "Иствейл", "Alden": "Олден",
           "Brisk": "Бриск", "North": "Северный", "Middle": "Средний", "South": "Южный", "Veridia": "Веридия",
           "district": "район"},
    "tg": {"Westmark": "Вестмарк", "Centralia": "Сентралия", "Eastvale": "Иствейл", "Alden": "Олден",
           "Brisk": "Бриск", "North": "Шимолӣ", "Middle": "Марказӣ", "South": "Ҷанубӣ", "Veridia": "Веридия",
           "district": "ноҳия"},
    "ky": {"Westmark": "Вестмарк", "Centralia": "Централия", "Eastvale": "Иствейл", "Alden": "Олден",
           "Brisk": "Бриск", "North": "Түндүк", "Middle": "Ортоңку", "South": "Түштүк", "Veridia": "Веридия",
           "district": "району"},
}
PART = dict(zip(DISTRICT_SUFFIXES, ("North", "Middle", "South"), strict=True))


def _box(w, s, e, n):
    from shapely.geometry import box

    return box(w, s, e, n)


def _write_geojson(path: Path, records: list[dict]) -> None:
    import geopandas as gpd

    path.parent.mkdir(parents=True, exist_ok=True)
    gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326").to_file(path, driver="GeoJSON")


def _write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def districts() -> list[dict]:
    """Every district: code, region, shape name, English name, polygon (cities not cut out)."""
    out = []
    for region, (name, west, east) in REGIONS.items():
        for k, suffix in enumerate(DISTRICT_SUFFIXES):
            north = -38.0 - k * 2 / 3
            out.append({"code": f"{region}-{suffix}", "region": region, "region_name": name,
                        "shape_name": f"{name} {PART[suffix]} District", "name_en": f"{name} {PART[suffix]}",
                        "geometry": _box(west, north - 2 / 3, east, north)})
    return out


def write_raw(pack: Path) -> None:
    """Boundaries (ADM1 with the cities as features of their own, ADM2 without them), lookup, census, series."""
    cities = {code: _box(*spec[1:]) for code, spec in CITIES.items()}
    adm1 = [{"shapeName": name, "shapeISO": code, "shapeID": f"QVR-ADM1-{i}",
             "geometry": _box(west, -40.0, east, -38.0).difference(cities["QV-AL"]).difference(cities["QV-BR"])}
            for i, (code, (name, west, east)) in enumerate(REGIONS.items())]
    adm1 += [{"shapeName": spec[0], "shapeISO": code, "shapeID": f"QVR-ADM1-C{i}", "geometry": cities[code]}
             for i, (code, spec) in enumerate(CITIES.items())]
    _write_geojson(pack / "raw/boundaries/qvr_adm1.geojson", adm1)
    units = districts()
    _write_geojson(pack / "raw/boundaries/qvr_adm2.geojson",
                   [{"shapeName": d["shape_name"], "shapeID": f"QVR-ADM2-{i}", "geometry": d["geometry"]}
                    for i, d in enumerate(units)])
    _write_csv(pack / "raw/boundaries/qvr_adm2_lookup.csv",
               [{"adm2_shapeName": d["shape_name"], "adm2_shapeID": f"QVR-ADM2-{i}", "adm1_shapeISO": d["region"],
                 "adm1_shapeName": d["region_name"], "centroid_lon": round(d["geometry"].centroid.x, 4),
                 "centroid_lat": round(d["geometry"].centroid.y, 4)} for i, d in enumerate(units)])
    names = {**{c: v[0] for c, v in REGIONS.items()}, **{c: v[0] for c, v in CITIES.items()}}
    rows = [{"unit": names[c], "iso_3166_2": c, "population": p, "reference_date": f"{CENSUS_YEAR} census",
             "status": "final", "source_url": "https://example.org/veridia-census"} for c, p in CENSUS.items()]
    rows.append({"unit": "Veridia", "iso_3166_2": ALPHA2, "population": sum(CENSUS.values()),
                 "reference_date": f"{CENSUS_YEAR} census", "status": "final",
                 "source_url": "https://example.org/veridia-census"})
    _write_csv(pack / "raw/population/qvr_census.csv", rows)
    series = {"internet_users_pct": (5, 3.1), "mobile_cellular_per100": (20, 4.0),
              "fixed_broadband_per100": (0.5, 0.4), "urban_population_pct": (40, 0.2),
              "tertiary_gross_enrolment_pct": (15, 0.6)}
    codes = {"internet_users_pct": "IT.NET.USER.ZS", "mobile_cellular_per100": "IT.CEL.SETS.P2",
             "fixed_broadband_per100": "IT.NET.BBND.P2", "urban_population_pct": "SP.URB.TOTL.IN.ZS",
             "tertiary_gross_enrolment_pct": "SE.TER.ENRR"}
    rows = []
    for entity, iso3, scale in (("Veridia", ISO3, 1.0), ("Kyrgyzstan", "KGZ", 1.2), ("World", "OWID_WRL", 1.5)):
        for indicator, (start, step) in series.items():
            last = 2018 if indicator == "tertiary_gross_enrolment_pct" else 2023
            rows += [{"entity": entity, "iso3": iso3, "year": year, "indicator_code": codes[indicator],
                      "indicator": indicator, "value": round(scale * (start + step * (year - 2000)), 3)}
                     for year in range(2000, last + 1)]
    _write_csv(pack / "raw/indicators/qvr_indicators.csv", rows)


def write_reference(pack: Path) -> None:
    """District-name crosswalk (the cities' rows named as their ADM1 features) and the institutions."""
    rows = [{"district_code": d["code"], "region_code": d["region"], "shape_name": d["shape_name"],
             "name_en": d["name_en"], "name_former": ""} for d in districts()]
    rows += [{"district_code": f"{code}-CTY", "region_code": code, "shape_name": spec[0], "name_en": spec[0],
              "name_former": ""} for code, spec in CITIES.items()]
    _write_csv(pack / "reference/district_names.csv", rows)
    src = "made-up institution of the test country Veridia"
    _write_csv(pack / "reference/institutions.csv", [
        {"institution_id": "VNU", "name_en": "Veridia National University", "city": "Alden", "lat": -39.0,
         "lon": -18.5, "kind": "flagship", "languages": "ru;en", "source": src},
        {"institution_id": "ATU", "name_en": "Alden Technical University", "city": "Alden", "lat": -39.02,
         "lon": -18.48, "kind": "specialised", "languages": "ru", "source": src},
        {"institution_id": "BMA", "name_en": "Brisk Maritime Academy", "city": "Brisk", "lat": -39.7,
         "lon": -19.7, "kind": "regional", "languages": "ru", "source": src},
        {"institution_id": "EVU", "name_en": "Eastvale University", "city": "Eastvale", "lat": -38.3,
         "lon": -17.5, "kind": "regional", "languages": "ru", "source": src},
        {"institution_id": "CPI", "name_en": "Centralia Pedagogical Institute", "city": "Centralia",
         "lat": -39.6, "lon": -18.3, "kind": "branch", "languages": "ru", "source": src},
    ])


def write_metadata(pack: Path) -> None:
    """Edit the scaffolded ``pack.yaml``: the country's facts, paths, code patterns and bounds, sources."""
    path = pack / "pack.yaml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta.update({"name": "Veridia", "capital_region": "QV-AL", "city_regions": ["QV-AL", "QV-BR"],
                 "currency": CURRENCY, "census_year": CENSUS_YEAR, "comparators": ["KGZ", "WLD"],
                 "languages": LANGUAGES, "national_language": "ky"})
    t = meta["tables"]
    oulad = dict(t["oulad_students"])  # the UK Open University's learners: an outside calibration set
    # Veridia publishes no district populations and no list of places: its districts share their regions by
    # the density rule, and its people are placed by the rule for packs without settlements
    del t["district_population"], t["settlements"]
    t["population"]["built_by"] = "population"
    t["population"]["inputs"].pop("official")
    t["learners"]["built_by"] = "learner_sample"
    t["learners"]["inputs"].pop("settlements")
    t[f"census_{CENSUS_YEAR}"] = t.pop("census_2020")
    t["regions"]["inputs"]["census"] = f"census_{CENSUS_YEAR}"
    t["population"]["inputs"]["census"] = f"census_{CENSUS_YEAR}"
    t["adm1"]["path"] = "raw/boundaries/qvr_adm1.geojson"
    t["adm2"]["path"] = "raw/boundaries/qvr_adm2.geojson"
    t["adm2_lookup"]["path"] = "raw/boundaries/qvr_adm2_lookup.csv"
    t[f"census_{CENSUS_YEAR}"]["path"] = "raw/population/qvr_census.csv"
    t["indicators_raw"]["path"] = "raw/indicators/qvr_indicators.csv"
    t[f"census_{CENSUS_YEAR}"]["columns"]["iso_3166_2"]["references_also"] = [ALPHA2]
    for table, column in (("adm1", "shapeISO"), ("regions", "region_code")):
        t[table]["columns"][column]["pattern"] = "QV-[A-Z]{2}"
    t["district_names"]["columns"]["district_code"]["pattern"] = "QV-[A-Z]{2}-[A-Z]{3}"
    t["institutions_reference"]["columns"]["lat"].update({"min": -40.0, "max": -38.0})
    t["institutions_reference"]["columns"]["lon"].update({"min": -20.0, "max": -17.0})
    t["learners"]["columns"]["language"]["allowed"] = ["ky", "ru", "en", "other"]
    t["pilot_respondents"]["columns"]["course_language"]["allowed"] = ["ky", "ru", "en", "other"]  # its own survey
    for name, spec in t.items():
        spec["source"] = f"made-up data of the test country Veridia ({name})"
        spec["vintage"] = f"census of {CENSUS_YEAR}" if "census" in name else "made up"
        spec["description"] = f"Veridia: {name}."
        spec["licence"] = "CC0 1.0"
    t["oulad_students"] = {**oulad, "description": "Outcomes of the UK Open University's distance-learning "
                           "students (not Veridian data): an outside calibration set for who completes a course."}
    path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_assumptions(pack: Path) -> None:
    """Edit the scaffolded ``assumptions.yaml``: Veridia's regions, currency and sizes, and its own survey (300
    respondents, course languages Kyrgyz, Russian and English; its lists of answers are the example's)."""
    path = pack / "assumptions.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    why = "made-up value for the test country Veridia"
    pop, conn, prices, learners = doc["population"], doc["connectivity"], doc["prices"], doc["learners"]
    pop["urban_total"] = {"value": URBAN_TOTAL, "why": why}
    for key in ("estimate_region_totals", "remainder_weights"):
        pop.pop(key)
    pop.update({"district_area_exponent": {"value": 0.5, "why": why}, "town_decay_km": {"value": 60, "why": why},
                "host_city_bonus": {"value": 1.5, "why": why}})
    for key in ("unknown_place_population", "dispersed_decay_km"):
        learners.pop(key)
    pop["base_urban_share"] = {"value": {"QV-WE": 0.15, "QV-CE": 0.2, "QV-EA": 0.1}, "why": why}
    doc["institutions"]["national_students"] = {"value": 90_000, "why": why}
    conn["mountain_penalty"] = {"value": {"QV-EA": 0.7}, "why": why}
    prices["local_per_usd"] = {"value": 0.92, "why": why}
    prices["mobile_price_points"] = {"value": {"2022": 3.10, "2023": 2.40}, "why": why}
    prices["price_point"] = {"value": "2023", "why": why}
    prices["mean_monthly_income_local"] = {"value": 900, "why": why}
    prices["income_growth"] = {"value": 1.1, "why": why}
    prices["fixed_plans"] = {"value": [{"mbps": 10, "gb": 200, "price_local": 20},
                                       {"mbps": 50, "gb": 800, "price_local": 35}], "why": why}
    learners["sample_size"] = {"value": 2500, "why": why}
    learners["language_shares"] = {"value": {"default": {"ky": 0.6, "ru": 0.3, "en": 0.02, "other": 0.08},
                                             "QV-AL": {"ky": 0.3, "ru": 0.6, "en": 0.08, "other": 0.02}}, "why": why}
    # its own survey: 90 teachers and 210 students whose courses were in Kyrgyz, Russian and English (no Tajik)
    doc["survey"]["respondents"] = {"value": {"teacher": 90, "student": 210}, "why": why}
    doc["survey"]["course_language_shares"] = {"value": {"ky": 0.31, "ru": 0.47, "en": 0.2, "not_stated": 0.02},
                                               "why": why}
    # Veridia's courses are in Kyrgyz, Russian and English (no Tajik): who reads each beside its own speakers
    doc["uptake"]["reads"] = {"value": {"ky": {"urban": 0.5, "rural": 0.3}, "ru": {"urban": 0.7, "rural": 0.4},
                                        "en": {"urban": 0.2, "rural": 0.05}}, "why": why}
    for entries in doc.values():  # every reason and source is Veridia's own
        for entry in ([entries] if "value" in entries else entries.values()):
            entry.pop("source", None)
            entry["why"] = why
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


#: Veridia's scenarios: today's course languages, and one with half the courses in its own language.
SCENARIOS = {
    "baseline": {"label": {"en": "Baseline", "ru": "Базовый", "tg": "Асосӣ", "ky": "Негизги"},
                 "uptake": {"content_languages": {"ky": 0.1, "ru": 0.6, "en": 0.3}, "recognised": False,
                            "blended": False}},
    "own_language": {"label": {"en": "Half the courses in Kyrgyz", "ru": "Половина курсов на кыргызском",
                               "tg": "Нисфи курсҳо бо забони қирғизӣ", "ky": "Курстардын жарымы кыргызча"},
                     "uptake": {"content_languages": {"ky": 0.5, "ru": 0.4, "en": 0.1}}},
}


def write_scenarios(pack: Path) -> None:
    """Replace the scaffold's example scenarios with Veridia's own (:data:`SCENARIOS`)."""
    (pack / "scenarios.yaml").write_text(yaml.safe_dump(SCENARIOS, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")


def write_locales(pack: Path) -> None:
    """A name for every region, district, table and area in every reader language; Kyrgyz messages."""
    from analytics.core import i18n

    meta = yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))
    for language in LANGUAGES:
        say = (lambda text: text) if language == "en" else (lambda text, lang=language: NAMES[lang].get(text, text))
        names = {f"region.{c}": say(v[0]) for c, v in {**REGIONS, **CITIES}.items()}
        for d in districts():
            part = say(PART[d["code"][-3:]])
            names[f"district.{d['code']}"] = (f"{say(d['region_name'])} {part}" if language == "en"
                                              else f"{say(d['region_name'])} ({part} {say('district')})")
        names.update({f"district.{c}-CTY": say(v[0]) for c, v in CITIES.items()})
        names.update({f"table.{t}": t.replace("_", " ") for t in meta["tables"]})
        names[f"area.{ISO3}"] = say("Veridia")
        (pack / "locales" / f"{language}.yaml").write_text(yaml.safe_dump(names, allow_unicode=True),
                                                          encoding="utf-8")
    messages = {k: v["en"] for k, v in i18n._entries().items()}
    messages["index.questions"] = "Беш суроо"  # Kyrgyz: "five questions"
    # sheet names a workbook cannot hold as written ("/", and one name twice): the eighth hostile pass stopped the
    # briefing with a traceback this way (the workbook took the translation as the sheet's name)
    messages["sheet.readme"] = messages["sheet.sources"] = "Окуу / Read me"
    (pack / "locales" / "messages-ky.yaml").write_text(yaml.safe_dump(messages, allow_unicode=True),
                                                       encoding="utf-8")


def fill_pack(pack: Path) -> None:
    """Fill a pack folder made by ``analytics pack new QVR`` with everything Veridia needs."""
    import shutil

    from analytics.packs import load_pack

    write_raw(pack)
    oulad = load_pack("tjk").info["oulad_students"].path  # measured UK data, shipped with its attribution
    (pack / oulad).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(load_pack("tjk").root) / oulad, pack / oulad)
    write_reference(pack)
    write_metadata(pack)
    write_assumptions(pack)
    write_scenarios(pack)
    write_locales(pack)


#: The areas each notebook runs for in the made-up country's briefing: the country, the capital (a
#: city-region cut out of a district) and a region of districts.
AREAS = {"00_country_profile": ["all", "QV-AL"], "01_access_gaps": ["all", "QV-AL"], "02_connectivity": ["QV-WE"],
         "03_uptake_scenarios": ["all"], "04_pilot_survey": [None]}


def briefing(path: Path) -> Path:
    """A briefing file of every notebook for Veridia and some of its areas (:data:`AREAS`), in every language;
    replicates and draws are the notebooks' declared parameters, kept small."""
    fast = {"01_access_gaps": {"grid_km": 5.0, "n_replicates": 40, "n_draws": 20},
            "03_uptake_scenarios": {"n_draws": 500}, "04_pilot_survey": {"n_replicates": 100}}
    jobs = [{"notebook": nb, **({"grid": {"region": areas}} if areas != [None] else {}),
             **({"parameters": fast[nb]} if nb in fast else {})} for nb, areas in AREAS.items()]
    path.write_text(json.dumps({
        "title": {"en": "Distance learning: Veridia", "ru": "Дистанционное обучение: Веридия",
                  "tg": "Таҳсилоти фосилавӣ: Веридия", "ky": "Аралыктан окутуу: Веридия"},
        "country": ISO3.lower(), "languages": LANGUAGES, "jobs": jobs,
    }, ensure_ascii=False), encoding="utf-8")
    return path
