"""Numbers as a reader of each language writes them, from CLDR through babel.

English pages print ``36.1%`` and ``141,244``; Russian pages ``36,1 %`` and ``141 244``
(decimal comma, no-break space between thousands); Tajik pages ``36,1%`` and ``141 244``.
Plural categories (``one``, ``few``, ``many``, ``other``) come from CLDR too.
"""

from __future__ import annotations

import math
from functools import cache


@cache
def _locale(language: str):
    from babel import Locale

    return Locale.parse(language)


def _symbols(language: str) -> dict:
    symbols = _locale(language).number_symbols
    return symbols.get("latn", symbols) if hasattr(symbols, "get") else symbols["latn"]


def decimal(value: float, digits: int | None = 1, language: str = "en", grouping: bool = True,
            sign: bool = False) -> str:
    """A number in the reader's locale.

    Parameters
    ----------
    value : float
        The number.
    digits : int or None
        Decimal places shown (trailing zeros kept); ``None`` shows up to three, dropping
        trailing zeros (like Python's ``g``).
    language : str
        Language code of the page (``"en"``, ``"ru"``, ``"tg"``).
    grouping : bool
        Separate thousands (``141,244``; ``141 244`` in Russian and Tajik).
    sign : bool
        Write ``+`` before a positive number.

    Returns
    -------
    str
    """
    from babel.numbers import format_decimal

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if digits is not None:
        value = round(float(value), digits) + 0.0  # no "-0.0"
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
    else:
        fmt = "#,##0.###"
    text = format_decimal(value, fmt, locale=_locale(language), group_separator=grouping)
    return ("+" + text) if sign and value > 0 else text


def percent(value_pct: float, digits: int = 1, language: str = "en", sign: bool = False) -> str:
    """A value already in percent (``36.1``) written with the locale's percent pattern.

    Returns
    -------
    str
        ``"36.1%"`` in English, ``"36,1\u00a0%"`` in Russian, ``"36,1%"`` in Tajik.
    """
    from babel.numbers import format_percent

    if value_pct is None or (isinstance(value_pct, float) and math.isnan(value_pct)):
        return "–"
    value_pct = round(float(value_pct), digits) + 0.0
    pattern = _locale(language).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    text = format_percent(value_pct / 100, pattern, locale=_locale(language))
    return ("+" + text) if sign and value_pct > 0 else text


def percent_hover(spec: str, language: str = "en") -> str:
    """A plotly hover placeholder for a value in percent, with the locale's percent sign and spacing.

    ``percent_hover("%{y:.1f}", "ru")`` gives ``"%{y:.1f}\u00a0%"`` (Russian writes a space before
    the sign), ``"%{y:.1f}%"`` in English and Tajik.
    """
    return percent(50, 0, language).replace("50", spec, 1)


def plural_category(n: float, language: str) -> str:
    """CLDR plural category of ``n`` in ``language``: ``one``, ``few``, ``many`` or ``other``."""
    return _locale(language).plural_form(abs(n))


def today(language: str) -> str:
    """Today's date (UTC) as the language writes it in full, by CLDR (``"4 декабря 2026 г."``)."""
    from datetime import UTC, datetime

    from babel.dates import format_date

    day = datetime.now(UTC).date()
    if language == "tg":  # CLDR gives "04 Декабр 2026"; Tajik official texts write "4 декабри соли 2026"
        return tajik_date(day)
    return format_date(day, format="long", locale=_locale(language))


def tajik_date(day) -> str:
    """A date as Tajik official texts write it: the day, the month in lower case joined by the izofa "-и",
    "соли" and the year ("30 июни соли 2021", as in the Government's decree No. 268 of that date)."""
    month = str(_locale("tg").months["format"]["wide"][day.month]).lower()
    return f"{day.day} {month}и соли {day.year}"


def plotly_separators(language: str) -> str:
    """plotly's ``layout.separators`` for the language: decimal mark then thousands separator."""
    s = _symbols(language)
    return s["decimal"] + s["group"]


def language_in(language: str, reader: str) -> str:
    """The name of ``language`` in the ``reader``'s language, from CLDR (``"tg"`` for a Russian reader →
    ``"таджикский"``); the code itself when CLDR has no name."""
    return _locale(reader).languages.get(language, language)


def language_name(language: str) -> str:
    """The language's name in itself, capitalised (``"ky"`` → ``"Кыргызча"``), from CLDR."""
    name = _locale(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]
