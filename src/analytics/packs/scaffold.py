"""``analytics pack new ISO3``: a new country pack's folder, started from the example pack.

The scaffold holds a ``pack.yaml`` whose top names the new country and whose tables are the
example pack's (Tajikistan's), to be changed table by table; an ``assumptions.yaml`` with
every key the builders and models read, each with the example's value and source to replace; a
``scenarios.yaml`` with the example's scenarios, to be replaced by the country's own; a locale
file per reader language listing the keys it needs; and a README in ``raw/`` and
``reference/`` saying what to put there. See ``docs/country-packs.md``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..core import paths
from ..core.errors import ParameterError
from ..core.i18n import LANGUAGES, NAME_PREFIXES

EXAMPLE = "tjk"

PACK_HEAD = """# Country pack metadata for {iso3}: every table of data/{code}/, its schema, source, licence, vintage and status.
# Made by `analytics pack new {iso3}` from the example pack data/{example}/: the tables below are the
# example's. For each one, change its path, source, licence, vintage, code patterns and bounds to your
# country's data (docs/country-packs.md lists what each notebook needs and what each builder reads).
country: {code}
iso3: {iso3}
name: ""               # the country's name in English
capital_region: ""     # region code of the capital
city_regions: []       # regions that are one city, cut out of the districts around them
currency: ""           # ISO 4217 code of prices and incomes (columns *_local)
census_year: 2000      # year of the census behind census_population
comparators: []        # area codes (ISO3, or ECA, WLD) shown beside the country
# national_language: ky  # the country's own language of instruction, one of uptake.reads in assumptions.yaml

"""

ASSUMPTIONS_HEAD = """# Assumptions for {iso3}: every number the builders use, each with its value and source (or why).
# Made by `analytics pack new {iso3}`: every value below is the example pack's ({example}), kept as an
# example of its unit and scale. Replace each with your country's and cite where it comes from.

"""



SCENARIOS_HEAD = """# Named scenarios for {iso3}, made by `analytics pack new {iso3}` from the example pack data/{example}/:
# every scenario below is the example's. Replace them with your country's: the baseline's course languages
# (uptake.content_languages, the pack's own languages of uptake.reads in assumptions.yaml), and the
# options your ministry weighs. Notebooks 01-04 read this file; `analytics validate` checks it.

"""

def _example_dir() -> Path:
    folder = paths.pack_dir(EXAMPLE)
    if not (folder / "pack.yaml").is_file():
        raise ParameterError(f"the example pack {folder} is needed to start a new pack")
    return folder


def _tables_section(text: str) -> str:
    """The ``tables:`` section of a pack.yaml text, as written (comments kept)."""
    found = re.search(r"^tables:\n", text, flags=re.M)
    if not found:
        raise ParameterError("the example pack.yaml has no 'tables:' section")
    return text[found.start():]


def new_pack(iso3: str, root: Path | str | None = None) -> list[Path]:
    """Create ``<root>/<iso3>/`` (``root`` defaults to the data folder) and return the files written.

    Raises
    ------
    ParameterError
        For a code that is not three letters, or a folder that exists already.
    """
    if not re.fullmatch(r"[A-Za-z]{3}", iso3 or ""):
        raise ParameterError(f"{iso3!r} is not an ISO 3166-1 alpha-3 code (three letters, e.g. KGZ)")
    code, upper = iso3.lower(), iso3.upper()
    dest = Path(root) / code if root is not None else paths.data_root() / code
    if dest.exists():
        raise ParameterError(f"{dest} exists already; a new pack needs a new folder")
    example = _example_dir()
    meta_text = (example / "pack.yaml").read_text(encoding="utf-8")
    values = {"iso3": upper, "code": code, "example": EXAMPLE}
    written: dict[Path, str] = {
        dest / "pack.yaml": PACK_HEAD.format(**values) + _tables_section(meta_text),
        dest / "assumptions.yaml": ASSUMPTIONS_HEAD.format(**values)
        + (example / "assumptions.yaml").read_text(encoding="utf-8"),
        dest / "scenarios.yaml": SCENARIOS_HEAD.format(**values)
        + (example / "scenarios.yaml").read_text(encoding="utf-8"),
    }
    import yaml

    tables = yaml.safe_load(meta_text)["tables"]
    for language in LANGUAGES:
        written[dest / "locales" / f"{language}.yaml"] = (
            f"# Names in '{language}' for the pack {upper}: only keys beginning "
            f"{', '.join(p + '*' for p in NAME_PREFIXES)}, each a plain text.\n"
            "# Every region (region.<code>) and every district (district.<code>) needs a name; tables are\n"
            f"# named for the data-status banner: {', '.join(f'table.{t}' for t in tables)}.\n")
    for folder, kinds in (("raw", ("raw/",)), ("reference", ("reference/",))):
        lines = [f"# {folder}/ of the {upper} pack", "",
                 "Files the example pack keeps here, with what each holds; put your country's equivalents here,",
                 "unedited where they are published data, and describe each in pack.yaml.", ""]
        lines += [f"- `{spec['path']}` (table `{name}`): {spec.get('description', '')}"
                  for name, spec in tables.items() if str(spec.get("path", "")).startswith(kinds)]
        written[dest / folder / "README.md"] = "\n".join(lines) + "\n"
    # written into a staging folder beside the pack's and renamed at the end: a failed write (a full disk)
    # leaves no half-made pack that a second try would call "exists already"
    stage = dest.with_name(f".{dest.name}.new")
    shutil.rmtree(stage, ignore_errors=True)
    try:
        for sub in ("derived", "modelled"):
            (stage / sub).mkdir(parents=True, exist_ok=True)
        for path, text in written.items():
            target = stage / path.relative_to(dest)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        stage.rename(dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return sorted(written)
