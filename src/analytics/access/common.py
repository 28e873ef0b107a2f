"""What the access panels share: region and age-band checks, the modelled-sample sentence, number forms."""

from __future__ import annotations

from ..core.errors import ParameterError
from ..report.areas import check_region, in_region
from .scenarios import AGE_BANDS


def has_rural(pack, region: str) -> bool:
    """Whether the area has rural people in the learner sample (a city-region has none)."""
    return bool((in_region(pack.learners, region)["settlement"] == "rural").any())


def check(pack, region: str, age_band: str | None = None) -> None:
    check_region(pack, region)
    if age_band is not None and age_band not in AGE_BANDS:
        raise ParameterError(f"age_band {age_band!r} is unknown; choose one of {', '.join(AGE_BANDS)}")


def modelled_sentence(pack, tx) -> list[str]:
    """The sentence that says a panel rests on the modelled sample (none for a real survey)."""
    return [tx("access.modelled_sample")] if pack.is_modelled("learners") else []


def age_text(age_band: str) -> str:
    """An age band as a reader writes it: ``17–24`` with an en dash."""
    return age_band.replace("-", "–")


def interval_text(tx, low: float, high: float, digits: int = 1) -> str:
    """``low – high`` in the page's number format."""
    return f"{tx.number(low, digits)} – {tx.number(high, digits)}"
