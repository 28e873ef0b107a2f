"""Panels of notebook 04_pilot_survey: course languages, the three rankings, cross-tabulations, employers.

Every number passes disclosure control first (:mod:`.protection`, :func:`.responses.safe_share`):
what rests on fewer than ``min_cell_size`` respondents is withheld from the chart, the table, the
sentence and the recorded table alike, and marked. The responses are reconstructed from the
pilot's published aggregates, and each panel says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..core.numbers import language_in
from ..report.figures import localise, title, white_figure
from ..report.panel import Panel, Reading, answer
from ..report.sentences import modelled_note
from ..report.session import builder
from ..report.views import TableView
from .crosstab import CrossTabs, crosstab
from .protection import protect
from .questions import asked_size_shown, small_elsewhere
from .rankings import REPLICATES, Rankings, rank, shown_order, top_three
from .responses import ASKED, course_languages, published_languages, respondents, safe_shares, stated

GROUPS = ("role", "institution", "sex", "settlement")


def _bars(tx, labels: list[str], frame: pd.DataFrame, text: str, horizontal: bool = False,
          modelled: bool = True) -> go.Figure:
    """Shares (percent) with 95 % whiskers; withheld shares are left out of the chart's data; the title says
    "(modelled)" unless the answers are a survey's own records (``modelled=False``)."""
    shown = frame[~frame["suppressed"]]
    names = [labels[i] for i in shown.index]
    value, low, high = 100 * shown["share"], 100 * shown["share_low"], 100 * shown["share_high"]
    error = {"type": "data", "symmetric": False, "array": high - value, "arrayminus": value - low,
             "visible": bool(low.notna().any())}  # no whiskers on assumed shares (no sampling error)
    bar = go.Bar(y=names, x=value, orientation="h", error_x=error) if horizontal else \
        go.Bar(x=names, y=value, error_y=error)
    bar.update(marker_color="#4c78a8", hovertemplate=("%{y}: %{x:.1f} %" if horizontal else "%{x}: %{y:.1f} %")
               + "<extra></extra>")
    fig = white_figure(bar)
    axis = {"title": tx("survey.percent_respondents"), "range": [0, 100]}
    fig.update_layout(height=360, showlegend=False, title=title(tx, text, modelled),
                      **({"xaxis": axis, "yaxis": {"autorange": "reversed", "automargin": True}} if horizontal
                         else {"yaxis": axis}))
    return fig


def _item(tx, item: str) -> str:
    """A multiple-choice item's name in the page's language: the suite's (catalog key ``survey.item_<item>``),
    else the pack's locale (``pilot.item.<item>``, for the categories its own survey worded), else as the pack's
    survey wrote it."""
    slug = item.replace(" ", "_").replace("-", "_")
    return tx.get(f"survey.item_{slug}", None) or tx.get(f"pilot.item.{slug}", item)


def _who(tx, role: str) -> str:
    return tx(f"survey.who_{role}")


#: The tables a survey page reads: the respondents, their mentions and the employer survey.
SURVEY_TABLES = ("pilot_respondents", "pilot_mentions", "employer_survey")


def surveyed(pack) -> bool:
    """Whether the pack holds a survey of its own (every table of :data:`SURVEY_TABLES`)."""
    return all(t in pack.info for t in SURVEY_TABLES)


def _no_survey(pack, language: str, said: bool) -> Panel:
    """The panel of a pack without a survey: the research questions' section says so (``said``); the other
    sections do not apply and are left out of the page."""
    tx = pack.texts(language)
    return Panel(Reading({}, [tx("survey.none")], importance=3 if said else 0), applies=said)


def language_word(tx, code: str) -> str:
    """A course language's name in a sentence: the catalog's, else CLDR's in the reader's language."""
    return tx.get(f"survey.lang_{code}", language_in(code, tx.language))


def language_label(tx, code: str) -> str:
    """A course language's name for a chart or a column (a capital first)."""
    name = language_word(tx, code)
    return name[:1].upper() + name[1:]


@builder
def language_panel(pack, role: str = "all", min_cell_size: int = 5, language: str = "en") -> Panel:
    """The language of the online courses respondents took, with intervals, beside the published figures.

    Parameters
    ----------
    pack : analytics.packs.load.Pack
        The country pack (``pilot_respondents``).
    role : {"all", "teacher", "student"}
        Whose answers count.
    min_cell_size : int
        Minimum respondents behind a published number (smaller ones are withheld), >= 1.
    language : str
        One of the pack's reader languages.

    Returns
    -------
    Panel
        Bars of the share (percent, 95 % interval: Wilson, or design-based when weighted) taking
        courses in each course language (:func:`~analytics.survey.responses.course_languages`) among
        those who stated one; sentences on the shares and those the pilot published; ``result`` the
        shares (withheld ones empty, flagged). A pack with no survey gets a panel that does not apply.
    """
    if not surveyed(pack):  # a pack with no survey of its own: no other country's answers
        return _no_survey(pack, language, False)
    tx = pack.texts(language)
    languages, published = course_languages(pack), published_languages(pack)  # the pack's, not one pilot's
    people = respondents(pack, role)
    answered = stated(pack, people)
    observed = not pack.is_modelled("pilot_respondents")
    shares = safe_shares({lang: answered["course_language"] == lang for lang in languages}, "course_language",
                         answered["weight"], min_cell_size, observed)
    frame = shares.frame
    plan = protect(pack, min_cell_size)  # a language's count is its role's total row in every cross-tabulation
    split = next((g for g in GROUPS if (role, g) in plan.tables), None)
    for i, lang in enumerate(languages):
        if split is None or plan.is_withheld(role, split, "total", lang):
            frame.loc[i, ["share", "share_low", "share_high", "respondents"]] = np.nan
            frame.loc[i, "suppressed"] = True
    labels = [language_label(tx, lang) for lang in languages]
    fig = _bars(tx, labels, frame, tx("survey.lang_title" if observed else "survey.lang_title_assumed",
                                      who=_who(tx, role)), modelled=not observed)
    parts = [tx("survey.withheld", k=min_cell_size) if r.suppressed else
             tx("survey.lang_part" if observed else "survey.lang_part_plain", language=labels[i], share=100 * r.share,
                low=100 * r.share_low, high=100 * r.share_high) for i, r in frame.iterrows()]
    sized = split is not None and not plan.is_withheld(role, split, "total", "total")  # how many stated one
    if not sized:  # that number is withheld in every table: not in this one's n either (seventh pass)
        frame["n"] = np.nan
    said = [tx("survey.lang_sentence" if sized else "survey.lang_sentence_unsized", n=len(answered),
               who=_who(tx, role), parts="; ".join(parts))]
    listed = ", ".join(tx("survey.lang_item", name=language_word(tx, k), share=v) for k, v in published.items())
    if published and role == "all" and not frame["suppressed"].any():
        same = all(round(100 * frame.loc[i, "share"]) == round(published.get(lang, -1))
                   for i, lang in enumerate(languages))
        said.append(tx("survey.lang_published" if same else "survey.lang_differs", shares=listed))
    elif published and role != "all" and plan.total_row_shown("all", languages):  # as the role=all page does: the
        said.append(tx("survey.lang_published_all", shares=listed))  # pilot's shares beside a withheld one narrow it
    reading = Reading({f"{lang}_pct": 100 * frame.loc[i, "share"] for i, lang in enumerate(languages)
                       if not frame.loc[i, "suppressed"]},
                      said + modelled_note(pack, tx, "survey.reconstructed", ["pilot_respondents"]), importance=2, modelled=True)
    return Panel(reading, figure=localise(fig, language), result=shares)


@builder
def rankings_panel(pack, role: str = "all", min_cell_size: int = 5, n_replicates: int = REPLICATES,
                   language: str = "en") -> Panel:
    """The top requirements, advantages and disadvantages, with intervals and how sure each rank is.

    Parameters are those of :func:`language_panel`, and ``n_replicates``: bootstrap resamples behind how
    sure each rank is (1,000 by default).

    Returns
    -------
    Panel
        One bar chart per question asked of the role (share of respondents asked who named each
        item, percent, Wilson interval); a table with each item's rank, share and the share of 1,000
        bootstrap samples in which it keeps its rank; sentences on each top three; ``result`` the
        rankings (withheld shares empty, flagged).
    """
    if not surveyed(pack):  # a pack with no survey of its own: no other country's answers
        return _no_survey(pack, language, False)
    tx = pack.texts(language)
    people = respondents(pack, role)
    mentions = pack.pilot_mentions
    observed = not pack.is_modelled("pilot_mentions")
    figures, frames, said = [], [], []
    for question, roles in ASKED.items():
        asked = people[people["role"].isin(roles)]
        if asked.empty or not (mentions["question"] == question).any():  # not asked of the role, or by this survey
            said.append(tx("survey.not_asked", question=tx(f"survey.q_{question}"), who=_who(tx, role)))
            continue
        r = rank(mentions[mentions["question"] == question], asked["respondent_id"], question, n_replicates).to_frame()
        small = (r["respondents"] < min_cell_size) | (r["n"] - r["respondents"] < min_cell_size)
        small &= r["respondents"] > 0
        # withheld for another role: all = teacher + student would give the count back
        small |= np.array(small_elsewhere(pack, role, question, list(r["item"]), min_cell_size), dtype=bool)
        sized = asked_size_shown(pack, asked, min_cell_size)
        if not sized:  # a role whose size is withheld: every share's denominator would give it back
            small[:] = True
            r["n"] = np.nan
        r = shown_order(r, small.to_numpy())  # no withheld item keeps a place between its neighbours' counts
        if not observed:  # reconstructed answers: no sampling interval and no bootstrap of the ranks
            r[["share_low", "share_high", "rank_support", "top3_support"]] = np.nan
        frames.append(r)
        labels = [_item(tx, i) for i in r["item"]]
        heading = ("survey.rank_title" if observed else "survey.rank_title_assumed") + ("" if sized else "_unsized")
        figures.append(localise(_bars(tx, labels, r, tx(heading, question=tx(f"survey.q_{question}"),
                                                        n=len(asked)), horizontal=True, modelled=not observed),
                                language))
        said.append(top_three(tx, question, r, labels, observed, n_replicates))
    table = pd.concat(frames, ignore_index=True)
    shown = table.assign(question=[tx(f"survey.q_{q}") for q in table["question"]],
                         item=[_item(tx, i) for i in table["item"]],
                         share=100 * table["share"], rank_support=100 * table["rank_support"])
    columns = ("question", "rank", "item", "share", "rank_support") if observed else ("question", "rank", "item", "share")
    view = TableView(shown[list(columns)], tx, {c: tx(f"survey.col_{c}") for c in columns},
                     {"share": 1, "rank_support": 0, "rank": 0})
    reading = Reading({}, said + modelled_note(pack, tx, "survey.reconstructed", ["pilot_mentions"]), importance=2, modelled=True)
    return Panel(reading, figure=figures, view=view, result=Rankings(table))


@builder
def crosstab_panel(pack, role: str = "all", min_cell_size: int = 5, language: str = "en") -> Panel:
    """Course language by role, institution, sex and settlement, with disclosure control and tests.

    Parameters are those of :func:`language_panel`.

    Returns
    -------
    Panel
        A table of respondents by group and course language with totals; cells under
        ``min_cell_size`` and the cells that would give them away withheld and marked; sentences
        on the test of association for each grouping (Pearson's chi-square, or Rao–Scott when the
        responses are weighted); ``result`` the tidy table (withheld counts empty, flagged).
    """
    if not surveyed(pack):  # a pack with no survey of its own: no other country's answers
        return _no_survey(pack, language, False)
    tx = pack.texts(language)
    people = respondents(pack, role)
    answered = stated(pack, people)
    observed = not pack.is_modelled("pilot_respondents")
    plan = protect(pack, min_cell_size)  # protected together with every other role's tables
    tidy, shown, said, tests = [], [], [], []
    for group in GROUPS:
        if answered[group].nunique() < 2:
            continue
        view = plan.shown(role, group)
        if view is None:  # this role's split of the breakdown cannot be protected with the others
            said.append(tx("survey.split_withheld", group=tx(f"survey.group_{group}"), who=_who(tx, role)))
            continue
        withheld = plan.withheld[(role, group)]
        t = view.stack(future_stack=True).rename("respondents").reset_index()
        t.columns = ["group", "course_language", "respondents"]
        tidy.append(t.assign(suppressed=withheld.stack(future_stack=True).to_numpy(), grouping=group))
        for idx, row in view.iterrows():
            shown.append({"grouping": tx(f"survey.group_{group}"),
                          "group": tx("survey.total") if idx == "total" else tx.get(f"survey.value_{idx}".replace(" ", "_"), str(idx)),
                          **{c: ("‡" if withheld.loc[idx, c] else f"{int(row[c]):d}") for c in view.columns}})
        if not observed:  # no test of association on answers reconstructed from assumptions
            continue
        if withheld.to_numpy().any():  # a test on the full counts would give the withheld cells back
            said.append(tx("survey.test_withheld", group=tx(f"survey.group_{group}")))
            continue
        test = crosstab(answered, group, "course_language", answered["weight"])
        if test.method == "none":  # one course language (or one group) answered: nothing to test
            continue
        tests.append(test)
        key = "survey.assoc_yes" if test.p_value < 0.05 else "survey.assoc_no"
        said.append(tx(key, group=tx(f"survey.group_{group}"), stat=test.statistic, df=test.df, p=test.p_value,
                       method=tx(f"survey.method_{test.method.replace('-', '_')}")))
    if not observed:
        said.append(tx("survey.no_test"))
    columns = ["grouping", "group", "course_language", "respondents", "suppressed"]
    frame = pd.concat(tidy, ignore_index=True)[columns] if tidy else pd.DataFrame(columns=columns)
    table = pd.DataFrame(shown)
    view = TableView(table, tx, {"grouping": tx("survey.col_grouping"), "group": tx("survey.col_group"),
                                 **{lang: language_label(tx, lang) for lang in course_languages(pack)},
                                 "total": tx("survey.total")}) if shown else None  # every breakdown withheld
    said.append(tx("survey.withheld_mark", k=min_cell_size))
    reading = Reading({}, said + modelled_note(pack, tx, "survey.reconstructed", ["pilot_respondents"]), importance=0, modelled=True)
    return Panel(reading, view=view, result=CrossTabs(frame, tests))


@builder
def employers_panel(pack, min_cell_size: int = 5, language: str = "en") -> Panel:
    """Firms willing to co-create courses, hire completers and invest in training, with intervals.

    Parameters are those of :func:`language_panel` (firms, not respondents of a role).

    Returns
    -------
    Panel
        Bars of the three shares (percent, Wilson interval); sentences on them; ``result`` the shares.
    """
    if not surveyed(pack):  # a pack with no survey of its own: no other country's answers
        return _no_survey(pack, language, False)
    tx = pack.texts(language)
    firms = pack.employer_survey
    keys = ("willing_cocreate", "willing_hire", "willing_invest_training")
    observed = not pack.is_modelled("employer_survey")
    shares = safe_shares({k: firms[k].astype(bool) for k in keys}, "willing", None, min_cell_size, observed)
    frame = shares.frame
    labels = [tx(f"survey.{k}") for k in keys]
    fig = _bars(tx, labels, frame, tx("survey.firms_title" if observed else "survey.firms_title_assumed",
                                      n=len(firms)), modelled=not observed)
    parts = [tx("survey.withheld", k=min_cell_size) if r.suppressed else
             tx("survey.firm_part" if observed else "survey.firm_part_assumed", what=labels[i], share=100 * r.share,
                low=100 * r.share_low, high=100 * r.share_high)
             for i, r in frame.iterrows()]
    said = [tx("survey.firms_sentence", n=len(firms), parts="; ".join(parts))]
    reading = Reading({}, said + modelled_note(pack, tx, "survey.reconstructed", ["employer_survey"]), importance=1, modelled=True)
    return Panel(reading, figure=localise(fig, language), result=shares)


#: The indicator that decides each question's answer, and the thresholds of its verdicts.
DECIDES = {"q1": "human_capacity", "q2": "cascade_afford", "q3": "hire", "q4": "certificate_motivation",
           "q5": "peak_national_gbps"}


def verdict(question: str, v: pd.DataFrame) -> str:
    """The answer a question's deciding indicator supports: judged on its interval, not its point alone.

    q1 ``gap`` when at least half of teachers surely name human capacity (lower bound >= 50 %), else
    ``some``; q2 ``most`` (>= 80 % able to take 360p video), ``part`` (>= 40 %) or ``few`` of everyone able to study online; q3 and q4
    ``most`` when the lower bound is above 50 %, else ``some``; q5 ``circuits`` (the peak in whole
    1 Gbps circuits: ``one`` when even the band's top fits in one, else ``circuits``). ``unknown`` when the indicator is withheld or was not asked.
    """
    r = v.loc[DECIDES[question]]
    if r["method"] == "not asked" or r["suppressed"] or not np.isfinite(r["value"]):
        return "unknown"
    if question == "q2":
        return "most" if r["value"] >= 0.8 else "part" if r["value"] >= 0.4 else "few"
    if question == "q5":  # judged on the top of the band: "one" only if even P90 fits
        return "circuits" if max(r["value"], r["value_high"]) > 1 else "one"
    sure = r["value_low"] >= 0.5
    return ("gap" if sure else "some") if question == "q1" else ("most" if sure else "some")


def _finding(tx, row, k: int) -> str:
    """An indicator's value as a reader sees it: share with interval, modelled value, or why it is missing."""
    if row.method == "not asked":
        return tx("survey.not_asked_short")
    if row.suppressed:
        return tx("survey.withheld", k=k)
    if row.method == "modelled":
        scale = 100 if row.indicator in SHARE_INDICATORS else 1  # shares in per cent; the index and Gbps as they are
        return tx(f"survey.model_{row.indicator}", value=scale * row.value, low=scale * row.value_low,
                  high=scale * row.value_high)
    if row.method == "assumption":
        return tx("survey.share_assumed", share=100 * row.value)
    return tx("survey.share_band", share=100 * row.value, low=100 * row.value_low, high=100 * row.value_high)


#: Modelled indicators that are shares (0–1), shown in per cent.
SHARE_INDICATORS = {"cascade_afford"}


@builder
def questions_panel(pack, role: str = "all", min_cell_size: int = 5, studying: dict | None = None,
                    language: str = "en") -> Panel:
    """The pilot's five research questions: the indicators that answer each, and a plain-language answer.

    Parameters are those of :func:`language_panel`, and ``studying``: the uptake model's active
    learners studying at once in the busiest year (``p10``, ``p50``, ``p90`` persons,
    :func:`analytics.uptake.runs.peak_studying`) behind question 5's network load.

    Returns
    -------
    Panel
        A table (question, indicator, finding with its 95 % interval, respondents asked, strength) and
        one answer sentence per question computed from the numbers; ``result`` the tidy table
        (:func:`~analytics.survey.questions.research_table`).
    """
    if not surveyed(pack):  # a pack with no survey of its own: no other country's answers
        return _no_survey(pack, language, True)
    from .questions import research_table

    tx = pack.texts(language)
    research = research_table(pack, role, min_cell_size, studying)
    table = research.frame
    shown = pd.DataFrame([{"question": tx(f"question.{r.question}"), "indicator": tx(f"survey.ind_{r.indicator}"),
                           "finding": _finding(tx, r, min_cell_size),
                           "n": "‡" if r.n != r.n else r.n if r.n else "—",  # withheld (its group's size), not asked
                           "strength": tx(f"survey.strength_{r.strength}")} for r in table.itertuples()])
    sized = "survey.col_n_assumed" if pack.is_modelled("pilot_respondents") else "survey.col_n"  # the sizes chosen
    view = TableView(shown, tx, {c: tx(sized if c == "n" else f"survey.col_{c}")
                                 for c in ("question", "indicator", "finding", "n", "strength")}, {"n": 0})
    v = table.set_index("indicator")
    said = []
    for q in ("q1", "q2", "q3", "q4", "q5"):
        rows = table[table["question"] == q]
        parts = [f"{tx(f'survey.ind_{r.indicator}')}: {_finding(tx, r, min_cell_size)}" for r in rows.itertuples()]
        decides = v.loc[DECIDES[q]]
        if decides["method"] == "assumption" and not decides["suppressed"]:  # the pilot's words, not assumed shares
            finding = tx.get(f"pilot.finding.{q}", "")
            said.append(tx("survey.answer_published" if finding else "survey.answer_unpublished", number=q[1:],
                           evidence="; ".join(parts), finding=finding))
        else:
            said.append(tx(f"survey.answer_{q}_{verdict(q, v)}", evidence="; ".join(parts)))
    numbers = {f"{i}_pct": 100 * v.loc[i, "value"] for i in ("human_capacity", "certificate_motivation", "hire")
               if i in v.index and np.isfinite(v.loc[i, "value"])}
    published = [answer(q, tx.get(f"pilot.finding.{q}", "") or tx("survey.no_finding"),
                        "published" if tx.has(f"pilot.finding.{q}") else "assumption",
                        verdict=tx.get(f"pilot.verdict.{q}", "")) for q in ("q1", "q3")]
    reading = Reading(numbers, said + modelled_note(pack, tx, "survey.reconstructed", ["pilot_respondents", "employer_survey"]),
                      importance=3, modelled=True, grade="assumption", answers=published)
    return Panel(reading, view=view, result=research)
