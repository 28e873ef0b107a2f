"""Message catalogs: every reader-facing string, in English, Russian and Tajik (Cyrillic).

Package catalogs (``locales/<lang>.yaml`` inside the package) hold the suite's words;
a country pack may add its own names (regions, districts) in
``data/<country>/locales/<lang>.yaml``, registered when the pack is loaded. A key
missing from the chosen language raises ``KeyError`` (never an English fallback), and a
test checks that every catalog has every key, so a Russian or Tajik page never shows an
English catalog string.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import ParameterError

LANGUAGES = ("en", "ru", "tg")

#: Language the notebooks' own markdown is written in.
SOURCE_LANGUAGE = "en"

_overlays: dict[str, dict[str, str]] = {}


def _check(language: str) -> None:
    if language not in LANGUAGES:
        raise ParameterError(f"language {language!r} is not available; choose one of {', '.join(LANGUAGES)}")


@cache
def package_catalog(language: str) -> dict[str, str]:
    """The suite's own message catalog for ``language``."""
    _check(language)
    text = resources.files("analytics").joinpath(f"locales/{language}.yaml").read_text("utf-8")
    return {str(k): str(v) for k, v in yaml.safe_load(text).items()}


def register(folder: Path) -> None:
    """Add the catalogs of a country pack (``<pack>/locales/<lang>.yaml``), if it has any."""
    folder = Path(folder)
    for language in LANGUAGES:
        path = folder / f"{language}.yaml"
        if path.exists():
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            _overlays.setdefault(language, {}).update({str(k): str(v) for k, v in doc.items()})


def catalog(language: str) -> dict[str, str]:
    """Every message available in ``language``: the suite's and the registered packs'."""
    return {**package_catalog(language), **_overlays.get(language, {})}


def t(key: str, language: str = "en", **values) -> str:
    """The message ``key`` in ``language``, formatted with ``values``.

    Raises
    ------
    KeyError
        When no catalog of that language has the key.
    """
    _check(language)
    overlay = _overlays.get(language, {})
    text = overlay[key] if key in overlay else package_catalog(language)[key]
    return text.format(**values) if values else text


def has(key: str, language: str = "en") -> bool:
    """Whether a catalog of ``language`` has ``key``."""
    return key in _overlays.get(language, {}) or key in package_catalog(language)


def mark_modelled(title: str, modelled: bool, language: str = "en") -> str:
    """Append the translated "(modelled)" mark to a title when ``modelled``."""
    return f"{title} <i>({t('modelled', language)})</i>" if modelled else title
