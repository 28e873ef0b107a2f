"""What the access panels share: region and age-band checks, number forms."""

from __future__ import annotations

from ..core.errors import ParameterError
from ..report.areas import check_region, in_region
from ..report.figures import title
from ..report.sentences import modelled_note
from .age_bands import AGE_BANDS


def sample_grade(pack) -> str:
    """Evidence grade of results from the learner sample: ``demonstration`` when the pack's sample is
    generated to show the methods (modelled), ``measured`` when it is a real survey."""
    return "demonstration" if pack.is_modelled("learners") else "measured"


def sample_said(pack, tx, said: list[str]) -> list[str]:
    """A panel's sentences on the learner sample: each marked "(demonstration sample)" when the sample was
    generated to show the methods, then the sentence saying what that sample is (nothing added for a real one).

    A reader who quotes one sentence quotes its grade with it: the note below a paragraph was not enough.
    """
    if sample_grade(pack) == "demonstration":
        said = [tx("access.demo_marked_after" if s.rstrip(".").endswith(")") else "access.demo_marked",
                   sentence=s[:-1] if s.endswith(".") else s) for s in said]  # no ") (" after a bracket
    return said + modelled_note(pack, tx, "access.modelled_sample", ("learners",))


def sample_title(pack, tx, text: str) -> str:
    """A chart title on the learner sample: escaped, marked "(demonstration sample)" when the sample is one."""
    shown = title(tx, text)
    return tx.mark(shown, tx("grade.short.demonstration")) if sample_grade(pack) == "demonstration" else shown


def has_rural(pack, region: str) -> bool:
    """Whether the area has rural people in the learner sample (a city-region has none)."""
    return bool((in_region(pack.learners, region)["settlement"] == "rural").any())


def check_area_and_age(pack, region: str, age_band: str | None = None) -> None:
    """Refuse a region the pack does not have or an age band the learner sample does not hold."""
    check_region(pack, region)
    if age_band is not None and age_band not in AGE_BANDS:
        raise ParameterError(f"age_band {age_band!r} is unknown; choose one of {', '.join(AGE_BANDS)}")


def age_text(age_band: str) -> str:
    """An age band as a reader writes it: ``17–24`` with an en dash."""
    return age_band.replace("-", "–")


def interval_text(tx, low: float, high: float, digits: int = 1) -> str:
    """``low – high`` in the page's number format."""
    return f"{tx.number(low, digits)} – {tx.number(high, digits)}"


def blank_suppressed(frame, columns: list[str]):
    """A copy of ``frame`` with ``columns`` emptied where ``suppressed`` is true: a value the page withholds
    (‡, an effective sample under the minimum) is withheld from the published table too."""
    import numpy as np

    out = frame.copy()
    mask = out["suppressed"].to_numpy(dtype=bool)
    for c in columns:
        out[c] = out[c].astype(float)
        out.loc[mask, c] = np.nan
    return out
