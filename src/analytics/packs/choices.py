"""Parameter values that depend on the country packs: ``country``, ``region``, ``scenario``, ``language``.

The same checks serve the briefing runner (before any kernel starts) and a notebook's own
first cell (:func:`check_parameters`), so a value is refused with the same message in both.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..core import i18n, paths
from ..core.declarations import Declaration, session_texts
from ..core.errors import ParameterError
from .locales import pack_languages


def known_packs() -> list[str]:
    """Country packs under the data folder (folders holding a ``pack.yaml``)."""
    root = paths.data_root()
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file()) if root.is_dir() else []


def pack_problems(decl: Declaration, values: dict[str, Any], texts=None) -> list[str]:
    """Check the values that come from the packs or the catalogs: country, region, scenario, language (the
    messages in the language of ``texts``, a live notebook's; English without)."""
    tx = texts or i18n.Texts("en")
    problems = []
    by_source = {p.source: p.name for p in decl.params if p.source}
    lang = values.get(by_source.get("language", "language"))
    if "country" not in by_source:
        if lang is not None and lang not in i18n.LANGUAGES:
            problems.append(f"parameter 'language' is {lang!r}; choose one of {', '.join(i18n.LANGUAGES)}")
        return problems
    country = str(values[by_source["country"]])
    known = known_packs()
    if country not in known:
        problems.append(f"parameter 'country' is {country!r}; country packs available in {paths.data_root()}: "
                        + (", ".join(known) if known else "none (set ANALYTICS_DATA to the folder of the packs)"))
        return problems
    offered = pack_languages(paths.pack_dir(country))
    if lang is not None and lang not in offered:
        problems.append(tx("check.language", name="'language'", value=repr(lang), country=country, offered=", ".join(offered)))
    if "region" in by_source:
        region = values[by_source["region"]]
        codes = region_codes(country, str(paths.data_root()))
        if region != "all" and region not in codes:
            problems.append(tx("check.region", name="'region'", value=repr(region), codes=", ".join(codes)))
    if "scenario" in by_source:
        scenario = values[by_source["scenario"]]
        names = scenario_names(country, str(paths.data_root()))
        if scenario not in names:
            problems.append(tx("check.scenario", name="'scenario'", value=repr(scenario), country=country,
                               file="scenarios.yaml", names=", ".join(names)))
    return problems


@cache
def scenario_names(country: str, data_root: str) -> tuple[str, ...]:
    """Names of a pack's scenarios (``scenarios.yaml``; read once per process)."""
    from ..packs import load_pack

    return tuple(load_pack(country, data_root).scenarios)


@cache
def region_codes(country: str, data_root: str) -> tuple[str, ...]:
    """Region codes of a country pack (read once per process; loading validates the pack)."""
    from ..packs import load_pack

    return tuple(load_pack(country, data_root).regions["region_code"])


def check_parameters(decl: Declaration, namespace: dict[str, Any]) -> dict[str, Any]:
    """Check a notebook's parameters as its kernel holds them, before any heavy work.

    Parameters
    ----------
    decl : analytics.core.declarations.Declaration
        The capability's declaration (``analytics.<capability>.params.PARAMETERS``).
    namespace : dict
        The notebook's ``globals()`` after its parameters cell.

    Returns
    -------
    dict
        The checked values by name.

    Raises
    ------
    ParameterError
        Naming every bad parameter and its allowed values (shown in a notebook as one short
        message, without a traceback). In a live session the cells below it then do not run
        until this check passes again (:mod:`analytics.core.kernel`).
    """
    from ..core import kernel

    kernel.watch()
    values = decl.check_namespace(namespace)
    texts = session_texts(values)  # the notebook's language, when it is one of the suite's
    found = pack_problems(decl, values, texts)
    if found:
        where = (texts or i18n.Texts("en"))("check.where_cell")
        raise ParameterError("\n".join(f"{where}: {p}" for p in found))
    kernel.clear(values)
    return values
