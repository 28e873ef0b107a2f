"""Disclosure control over everything the survey publishes together, and the attack that audits it.

For each role (all, teacher, student) the survey page publishes the course language by institution,
sex and settlement (and by role, for all), each table with its totals; the language shares are those
tables' total rows. All of them are margins of one joint table (role × institution × sex ×
settlement × course language), and a role=all table is the sum of the teacher and student ones, so
protecting each table alone is not enough: ``all − teacher`` gives the student table.

:func:`protect` withholds, over the whole set at once:

1. **primary**: every count of 1 to ``k − 1`` respondents;
2. **linked**: an entry withheld in one table is withheld wherever the same number is published
   (the same cell in the all, teacher and student tables; a role's total row and the role=all
   table's row for that role), so no table gives it back by difference;
3. **complementary**: while a row or column holds exactly one withheld entry, one more entry of it
   is withheld, chosen by position (the first shown cell after it, zeros included), never by its
   value: the choice tells an attacker nothing about the counts;
4. **nested**: the plan for ``k`` starts from the plan for ``k − 1``, so pages published at several
   minimum sizes tell together no more than the one at the smallest;
5. **audited**: :func:`audit` solves, by linear programming, the smallest and largest value of every
   withheld entry that agrees with every published number of the set; while any range is narrower
   than ``k`` respondents — or an attacker who also knew which entries are primary (1 to ``k − 1``)
   could pin one to a single value — more entries of that line are withheld; if the set cannot be
   protected that way, the role splits are withheld whole and the rest widened again, and a breakdown
   that still leaves an entry narrower than ``k`` is withheld whole: no plan is returned unaudited.

The tests of association printed beside a table are computed from the full counts, so a page prints
one only for a table with nothing withheld (:func:`~analytics.survey.panels.crosstab_panel`).

**Item non-response is published whole, never broken down.** The pages print how many of a role were
asked (the rankings' "140 asked", a share's denominator) and how many stated a course language (the
tables' total), so how many of a role stated none is their difference (140 − 138 = 2 students in the
reconstructed Tajik survey, as the pilot itself published its "remaining 1 %"). That count says nothing about anyone's
answer to any question, and no page publishes how many were asked by institution, sex or settlement, so
it cannot be placed in any cell. The audit still knows it: every role's count of those who stated a
language is at most the number asked (:func:`asked_sizes`), so a withheld total is never narrowed by it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.cache import computed
from ..core.results import TableResult
from .ranges import ranges
from .responses import course_languages, stated

TOTAL = "total"
ROLES = ("all", "teacher", "student")
GROUPS = ("role", "institution", "sex", "settlement")
#: Rounds of extra suppression before a breakdown's role splits are withheld whole.
MAX_ROUNDS = 30


@dataclass
class Plan:
    """What the survey may publish at one minimum size ``k``: each (role, grouping) table of counts with
    totals, and which of its entries are withheld (tables a role cannot split are absent)."""

    tables: dict[tuple[str, str], pd.DataFrame]
    withheld: dict[tuple[str, str], pd.DataFrame]
    k: int
    primary: dict[tuple[str, str], pd.DataFrame] | None = None  # entries of 1 to k − 1 respondents

    def shown(self, role: str, grouping: str) -> pd.DataFrame | None:
        """The table as published (withheld entries NaN), or None when it is not published."""
        key = (role, grouping)
        return None if key not in self.tables else self.tables[key].astype(float).mask(self.withheld[key])

    def total_row_shown(self, role: str, columns: list[str]) -> bool:
        """Whether ``role``'s total row shows every one of ``columns`` (a role page's shares of each language)."""
        split = next((g for g in GROUPS if (role, g) in self.tables), None)
        return split is not None and not any(self.is_withheld(role, split, TOTAL, c) for c in columns)

    def is_withheld(self, role: str, grouping: str, row: str, column: str) -> bool:
        """Whether an entry is withheld (True for a table that is not published)."""
        key = (role, grouping)
        return key not in self.tables or bool(self.withheld[key].loc[row, column])


def size_shown(plan: Plan, role: str) -> bool:
    """Whether the number of respondents of ``role`` is published by ``plan``: as its row of the role=all table
    by role, or as the total of one of its own tables (role=all: always, the survey's size). Where it is not, no
    page may print it either (as "4 asked", or as a role page's table of its own)."""
    if role == "all":
        return True
    places = [("all", "role", role)] + [(role, g, TOTAL) for (r, g) in plan.tables if r == role]
    return any(not plan.is_withheld(r, g, row, TOTAL) for r, g, row in places)


def with_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """``counts`` with a ``total`` column and a ``total`` row."""
    out = counts.copy()
    out[TOTAL] = out.sum(axis=1)
    out.loc[TOTAL] = out.sum(axis=0)
    return out




def asked_sizes(pack) -> dict[str, int]:
    """How many respondents of each role (``all``, ``teacher``, ``student``) the survey asked: every answer's
    denominator, published wherever :func:`size_shown` allows (the audit takes the attacker to know them all)."""
    people = pack.pilot_respondents
    sizes = {role: int((people["role"] == role).sum()) for role in ROLES[1:]}
    return {"all": len(people), **sizes}


def _tables(people: pd.DataFrame, languages: list[str]) -> dict[tuple[str, str], pd.DataFrame]:
    """Every (role, grouping) table the survey can publish, rows aligned across roles (a group with no
    respondent in a role is a row of zeros there), a column per course language."""
    out = {}
    for g in GROUPS:
        levels = sorted(people[g].dropna().unique())
        for role in ROLES:
            sub = people if role == "all" else people[people["role"] == role]
            if sub[g].nunique() < 2:
                continue  # a role is one level of the role grouping: nothing to split
            counts = pd.crosstab(sub[g], sub["course_language"]).reindex(index=levels, columns=list(languages),
                                                                          fill_value=0)
            t = with_totals(counts)
            t.index, t.columns = t.index.astype(str), t.columns.astype(str)
            out[(role, g)] = t
    return out


def _links(tables) -> list[list[tuple]]:
    """Groups of entries that publish one number: (role, grouping, row, column) of each."""
    groups = []
    for g in GROUPS:
        roles = [r for r in ROLES if (r, g) in tables]
        if g != "role" and len(roles) > 1:
            t = tables[(roles[0], g)]
            groups += [[(r, g, i, c) for r in roles] for i in t.index for c in t.columns]
    if ("all", "role") in tables:  # the role=all table's row for a role is that role's total row
        for role in ("teacher", "student"):
            for c in tables[("all", "role")].columns:
                same = [("all", "role", role, c)] + [(role, g, TOTAL, c) for g in GROUPS if (role, g) in tables]
                groups.append(same)
    for role in ROLES:  # every breakdown of a role shares its total row
        keys = [(role, g) for g in GROUPS if (role, g) in tables]
        if len(keys) > 1:
            groups += [[(role, g, TOTAL, c) for _, g in keys] for c in tables[keys[0]].columns]
    return groups


def _complete_lines(t: pd.DataFrame, w: np.ndarray) -> bool:
    """Withhold, by position, one more entry of every row or column with exactly one withheld; True if
    anything changed."""
    changed = False
    r, c = w.shape
    for axis in (0, 1):
        for i in range(r if axis == 0 else c):
            line = w[i, :] if axis == 0 else w[:, i]
            if line.sum() != 1:
                continue
            at = int(np.flatnonzero(line)[0])
            n = len(line)
            order = [(at + s) % (n - 1) for s in range(1, n - 1)] if at < n - 1 else list(range(n - 1))
            j = next((j for j in order if not line[j]), n - 1)  # the line's total when no cell is left
            if axis == 0:
                w[i, j] = True
            else:
                w[j, i] = True
            changed = True
    return changed


def _settle(tables, withheld) -> None:
    """Link and complete until nothing changes (in place)."""
    links = _links(tables)
    changed = True
    while changed:
        changed = False
        for group in links:
            if any(withheld[(r, g)].loc[i, c] for r, g, i, c in group) and \
                    not all(withheld[(r, g)].loc[i, c] for r, g, i, c in group):
                for r, g, i, c in group:
                    withheld[(r, g)].loc[i, c] = True
                changed = True
        for key, t in tables.items():
            w = withheld[key].to_numpy().copy()
            if _complete_lines(t, w):
                withheld[key].iloc[:, :] = w
                changed = True


def protect(pack, k: int = 5) -> Plan:
    """The survey's cross-tabulations for every role, protected together at minimum size ``k`` (see the
    module's description); made once per pack and ``k``.

    Plans are nested: the plan for ``k`` starts from the one for ``k − 1`` (built first, down to 1), so
    whatever a smaller ``k`` withholds stays withheld at every larger one, and a role split withheld
    whole stays withheld. Pages published at several minimum sizes then tell no more together than the
    one at the smallest size alone (computed separately, two sizes gave a cell back by difference:
    43 − 21 − 18 = 4).
    """
    if k < 1:
        raise ValueError("the minimum cell size k must be at least 1")
    kept = pack.derived.setdefault(__name__, {})

    @functools.cache
    def survey():  # what every size starts from, read once (only if a size is not in the run's cache)
        people = stated(pack, pack.pilot_respondents)
        return people, asked_sizes(pack), _tables(people, course_languages(pack))

    for size in range(1, int(k) + 1):  # once per kernel, and once per briefing run (the run's cache)
        if size not in kept:
            below = kept.get(size - 1)
            kept[size] = computed(pack, "survey.protect", (size,), lambda s=size, b=below: _protect(survey(), s, b))
    return kept[int(k)]


def _protect(survey: tuple, k: int, below: Plan | None = None) -> Plan:
    """The plan for ``k`` from ``survey`` (the people who stated a course language, :func:`asked_sizes` and
    :func:`_tables`, which no plan changes: a plan drops tables from its own copy of the dict)."""
    people, asked, tables = survey
    tables = dict(tables)
    withheld = _primary(tables, k)
    if below is not None:  # nested: what the plan for k − 1 withholds stays withheld
        for key in list(tables):
            if key in below.tables:
                withheld[key] |= below.withheld[key]
            else:
                tables.pop(key), withheld.pop(key)
    if _widened_until_protected(tables, withheld, k, people, asked):
        return Plan(tables, withheld, k, _primary(tables, k))
    # the set could not be protected by withholding entries: the role splits go and the rest is widened again;
    # then any breakdown that still leaves an entry narrower than k goes (a plan is never returned unaudited)
    splits = [key for key in tables if key[0] != "all"]
    for key in splits:
        tables.pop(key), withheld.pop(key)
    if not (splits and _widened_until_protected(tables, withheld, k, people, asked)):  # unchanged tables: no second try
        while tables:
            weak = _weak(tables, withheld, k, people, asked)
            if weak.empty:
                break
            for key in {(r.role, r.grouping) for r in weak.itertuples()}:
                tables.pop(key), withheld.pop(key)
    _settle(tables, withheld)
    return Plan(tables, withheld, k, _primary(tables, k))


def _widened_until_protected(tables, withheld, k: int, people: pd.DataFrame, asked: dict[str, int]) -> bool:
    """Withhold more entries (in place) until the audit finds none narrower than ``k``: True when it does; False
    when nothing is left to withhold beside the weak entries, or after :data:`MAX_ROUNDS` rounds."""
    for _ in range(MAX_ROUNDS):
        weak = _weak(tables, withheld, k, people, asked)
        if weak.empty:
            return True
        widened = False
        for r in weak.itertuples():  # widen: withhold the next shown cell of the weak entry's row
            t, w = tables[(r.role, r.grouping)], withheld[(r.role, r.grouping)]
            row = [c for c in t.columns[:-1] if not w.loc[r.group, c]] if r.group != TOTAL else []
            col = [i for i in t.index[:-1] if not w.loc[i, r.language]] if r.language != TOTAL else []
            if row:
                w.loc[r.group, row[0]] = True
            elif col:
                w.loc[col[0], r.language] = True
            widened |= bool(row or col)
        if not widened:
            return False
    return False


def _primary(tables, k: int) -> dict:
    return {key: (t > 0) & (t < k) for key, t in tables.items()}


def _weak(tables, withheld, k: int, people: pd.DataFrame, asked: dict[str, int]) -> pd.DataFrame:
    """Settle the plan (in place), then the withheld entries an attacker narrows below ``k`` respondents, or
    pins when he also knows which are primary (empty when the plan is protected)."""
    _settle(tables, withheld)
    plan = Plan(tables, withheld, k, _primary(tables, k))
    weak = audit(plan, people, asked=asked).weak()
    if weak.empty:
        pinned = audit(plan, people, primary_range=True, asked=asked).frame
        weak = pinned[pinned["width"] < min(1.0, k - 2) - 1e-9]
    return weak


class Audit(TableResult):
    """The attacker's range of every withheld entry: ``role``, ``grouping``, ``group``, ``language``,
    ``low`` and ``high`` (respondents), ``width`` and ``protected`` (width at least ``k``)."""

    def weak(self) -> pd.DataFrame:
        """The withheld entries whose range is narrower than ``k``."""
        return self.frame[~self.frame["protected"]]

    def summary(self) -> str:
        f = self.frame
        return (f"{len(f)} withheld entries; narrowest range {f['width'].min():.1f} respondents; "
                f"{int((~f['protected']).sum())} narrower than k" if len(f) else "nothing withheld")


class _Cells:
    """The joint cells (every combination of role, institution, sex, settlement and language: the attack's
    unknowns), and for each column and value the cells that hold it (found once, for every entry's row)."""

    def __init__(self, cells: pd.DataFrame):
        self.n, self.columns, self._is = len(cells), {c: cells[c].to_numpy() for c in cells.columns}, {}

    def holding(self, column: str, value: str) -> np.ndarray:
        key = (column, value)
        if key not in self._is:
            self._is[key] = self.columns[column] == value
        return self._is[key]


def _joint(people: pd.DataFrame, languages: list[str]) -> _Cells:
    """The joint cells of ``people``'s levels and ``languages``."""
    levels = [sorted(people[g].dropna().unique()) for g in GROUPS] + [list(languages)]
    return _Cells(pd.MultiIndex.from_product(levels, names=[*GROUPS, "course_language"]).to_frame(index=False)
                  .astype(str))


def _row(cells: _Cells, role: str, grouping: str, group: str, language: str) -> np.ndarray:
    """The 0/1 coefficients of one published entry over the joint cells."""
    m = np.ones(cells.n, dtype=bool)
    if role != "all":
        m &= cells.holding("role", role)
    if group != TOTAL:
        m &= cells.holding(grouping, group)
    if language != TOTAL:
        m &= cells.holding("course_language", language)
    return m.astype(float)


def audit(plan: Plan, people: pd.DataFrame, extra: list[tuple[np.ndarray, float]] | None = None,
          primary_range: bool = False, asked: dict[str, int] | None = None) -> Audit:
    """The interval attack: for every withheld entry of the plan, its smallest and largest value over
    all non-negative joint tables that reproduce every published entry of every table (and ``extra``
    equalities an attacker may know: coefficients over :func:`_joint` cells, value).

    ``primary_range``: the attacker also knows which withheld entries are primary and that each holds 1
    to ``k − 1`` respondents (what knowing the suppression rule can tell). ``asked``: how many of each role
    were asked (:func:`asked_sizes`), each at least the role's count of those who stated a language. Uses
    HiGHS (:func:`~analytics.survey.ranges.ranges`) on the linear relaxation an attacker would solve first.
    """
    columns = ["role", "grouping", "group", "language", "low", "high", "width", "protected"]
    if not plan.tables:  # nothing published: nothing to attack
        return Audit(pd.DataFrame(columns=columns))
    languages = [c for c in next(iter(plan.tables.values())).columns if c != TOTAL]  # the tables' own
    cells = _joint(people, languages)
    known_a, known_b, hidden = [], [], []
    for (role, g), t in plan.tables.items():
        w = plan.withheld[(role, g)]
        for i in t.index:
            for c in t.columns:
                a = _row(cells, role, g, i, c)
                if w.loc[i, c]:
                    hidden.append((role, g, i, c, a))
                else:
                    known_a.append(a)
                    known_b.append(float(t.loc[i, c]))
    for a, b in extra or []:
        known_a.append(a)
        known_b.append(b)
    A, b = (np.array(known_a), np.array(known_b)) if known_a else (None, None)
    ub_a, ub_b = [], []
    if primary_range and plan.primary:
        for role, g, i, c, a in hidden:
            if plan.primary[(role, g)].loc[i, c]:
                ub_a += [a, -a]
                ub_b += [plan.k - 1, -1]
    for role, n in (asked or {}).items():  # those who stated a language are at most those asked
        ub_a.append(_row(cells, role, "role", TOTAL, TOTAL))
        ub_b.append(n)
    A_ub, b_ub = (np.array(ub_a), np.array(ub_b, float)) if ub_a else (None, None)
    distinct = {a.tobytes(): a for *_, a in hidden}  # one range per distinct entry (a cell in several tables)
    found = dict(zip(distinct, ranges(np.array(list(distinct.values())), A, b, A_ub, b_ub), strict=True)) \
        if distinct else {}
    rows = [{"role": role, "grouping": g, "group": i, "language": c, "low": found[a.tobytes()][0],
             "high": found[a.tobytes()][1]} for role, g, i, c, a in hidden]
    frame = pd.DataFrame(rows, columns=["role", "grouping", "group", "language", "low", "high"])
    frame["width"] = frame["high"] - frame["low"]
    frame["protected"] = frame["width"] >= plan.k - 1e-9
    return Audit(frame)
