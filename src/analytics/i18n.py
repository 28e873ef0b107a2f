"""Message catalogs: every reader-facing string, in English, Russian and Tajik.

Catalogs are flat YAML files ``locales/<lang>.yaml`` inside the package. A key missing
from the chosen language falls back to nothing: :func:`t` raises, so that a page never
shows an English string in a Russian or Tajik briefing by accident.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from .errors import ParameterError

LANGUAGES = ("en",)


@cache
def catalog(language: str) -> dict[str, str]:
    """The message catalog of ``language`` (``"en"``, ``"ru"`` or ``"tg"``)."""
    if language not in LANGUAGES:
        raise ParameterError(f"language {language!r} is not available; choose one of "
                             f"{', '.join(LANGUAGES)}")
    text = resources.files("analytics").joinpath(f"locales/{language}.yaml").read_text("utf-8")
    return {str(k): str(v) for k, v in yaml.safe_load(text).items()}


def t(key: str, language: str = "en", **values) -> str:
    """The message ``key`` in ``language``, formatted with ``values``.

    Raises
    ------
    KeyError
        When the catalog lacks the key (a test checks every catalog has every key).
    """
    return catalog(language)[key].format(**values)


def has(key: str, language: str = "en") -> bool:
    """Whether the catalog of ``language`` has ``key``."""
    return key in catalog(language)


def mark_modelled(title: str, modelled: bool, language: str = "en") -> str:
    """Append the translated "(modelled)" mark to a title when ``modelled``."""
    return f"{title} <i>({t('modelled', language)})</i>" if modelled else title
