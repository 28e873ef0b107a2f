"""Who could enrol, and what stands between them and a certificate, by district × settlement × sex × income fifth.

Each cell holds, from the pack's tables (all modelled for Tajikistan):

* ``part_time``: today's part-time (correspondence) students (persons, the learner sample's weights,
  calibrated to the institutions table), and ``adults``: people aged 25–34 not in higher education,
  of whom a share (``uptake.new_adult_share``) would join: together the eligible population;
* ``access`` (0–1): the last step of the scenario's access cascade (:mod:`analytics.models.cascade`:
  covered, a device, using the internet, a connection that carries the content mix, data the
  household can afford);
* ``match`` (0–1): the chance that a course, drawn from the scenario's mix of course languages, is in a
  language the learner reads (home language from the sample; who else reads each course language
  from ``assumptions.yaml``, ``uptake.reads``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..models.cascade import fifth_shares

KEYS = ["district_code", "region_code", "settlement", "sex", "quintile"]


def access_share(cascade) -> pd.DataFrame:
    """Share (0–1) able to follow and afford an online course, by district × settlement × income fifth.

    The access cascade of the scenario (:mod:`analytics.models.cascade`): ``capable`` is its
    ``speed`` step (covered, a device, using the internet, a connection that carries the content
    mix), ``access`` its ``afford`` step (at the central study needs).

    Returns
    -------
    pandas.DataFrame
        ``district_code, settlement, quintile, capable, afford, access`` (shares 0–1).
    """
    c = cascade.cells
    return pd.DataFrame({"district_code": c["district_code"], "settlement": c["settlement"],
                         "quintile": c["quintile"], "capable": c["speed"], "afford": c["afford_share"],
                         "access": c["afford"]})


def reading_shares(learners: pd.DataFrame, reads: dict) -> pd.DataFrame:
    """Share (0–1) of each cell who read each course language well enough to study in it.

    ``reads`` is the pack's ``uptake`` section; its ``reads`` maps each language a course may be in to
    the share of those whose best language is another who read it well enough (one share, or one by
    settlement). Those whose best language it is (the learner sample's ``language``) always do:
    ``reads_<lang>`` = home + (1 − home) × that share.
    """
    languages = course_languages(reads)
    w = learners["weight"]
    home = learners.assign(_w=w, **{f"_{lang}": w * (learners["language"] == lang) for lang in languages})
    g = home.groupby(KEYS, as_index=False)[[f"_{lang}" for lang in languages] + ["_w"]].sum()
    for lang in languages:
        share = g[f"_{lang}"] / g["_w"]
        other = reads["reads"][lang]
        other = g["settlement"].map(other).astype(float) if isinstance(other, dict) else float(other)
        g[f"reads_{lang}"] = share + (1 - share) * other
    return g[[*KEYS, *(f"reads_{lang}" for lang in languages)]]


def course_languages(reads: dict) -> list[str]:
    """The languages a course may be in: those of the pack's ``uptake.reads`` (codes such as ``"tg"``)."""
    return list(reads["reads"])


def build(learners: pd.DataFrame, access: pd.DataFrame, reads: dict) -> pd.DataFrame:
    """The cells: eligible people, access and reading shares (see the module's description).

    Parameters
    ----------
    learners : pandas.DataFrame
        The pack's learner sample (``weight`` in persons; ``part_time``, ``enrolled``, ``age_band``,
        ``language``).
    access : pandas.DataFrame
        :func:`access_share`.
    reads : dict
        The pack's ``uptake`` assumptions.

    Returns
    -------
    pandas.DataFrame
        One row per cell (``quintile`` the national income fifth, ``fifth`` the fifth within the
        settlement that prices data against income) with ``part_time`` and ``adults`` (persons),
        ``capable`` and ``access`` (at the central study needs), ``reads_<lang>`` for each course language
        (0–1) and ``female`` (0/1); cells
        with nobody eligible are left out.
    """
    w = learners["weight"]
    adult = (learners["age_band"] == "25-34") & ~learners["enrolled"].astype(bool)
    people = learners.assign(part_time=w * learners["part_time"].astype(bool), adults=w * adult)
    g = people.groupby(KEYS, as_index=False)[["part_time", "adults"]].sum()
    g = g.merge(reading_shares(learners, reads), on=KEYS)
    # a national income fifth spreads over the fifths within its settlement (the cascade's and the incomes')
    g = g.merge(fifth_shares(learners), on=["settlement", "quintile"])
    g[["part_time", "adults"]] = g[["part_time", "adults"]].mul(g.pop("share"), axis=0)
    g = g.merge(access[["district_code", "settlement", "quintile", "capable", "access"]].rename(
        columns={"quintile": "fifth"}), on=["district_code", "settlement", "fifth"], how="left")
    g[["capable", "access"]] = g[["capable", "access"]].fillna(0.0)
    g["female"] = (g["sex"] == "female").astype(int)
    return g[(g["part_time"] + g["adults"]) > 0].reset_index(drop=True)


def language_match(cells: pd.DataFrame, content: dict[str, float]) -> np.ndarray:
    """Chance (0–1) a course drawn from the ``content`` mix (language → share) is in a language each cell reads."""
    out = np.zeros(len(cells))
    for lang, share in content.items():
        col = f"reads_{lang}"
        out += share * (cells[col].to_numpy(float) if col in cells else 0.0)
    return out
