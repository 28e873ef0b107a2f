"""A panel: a chart or a table with the sentences that read it for a ministry reader."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

#: Classes MathJax 2 and 3 leave alone: "US$ 4.65 … US$ 0.07" in a sentence is text, not a formula.
NO_MATH = "tex2jax_ignore mathjax_ignore"
#: Mimetype of the output of a section that does not apply (the exporter leaves the section out).
SKIP_MIME = "application/vnd.analytics.skip+json"


@dataclass
class Reading:
    """Key numbers of a panel or page and the sentences that state them.

    ``numbers`` are raw values (percent as 0–100 where the key ends in ``_pct``), never
    rounded or translated; ``sentences`` are already in the page's language.

    For the briefing index: ``importance`` ranks the first sentence as a candidate key
    message (0 never, 3 the most important), ``modelled`` says it rests on modelled data
    (the index marks it so), ``headline`` names the numbers shown in the index's table of
    areas (key to its label in the page's language), and ``messages`` holds the candidates
    gathered by :func:`~analytics.report.record.key_reading`. ``grade`` is the evidence
    grade of the panel's numbers (one of :data:`GRADES`; a ``demonstration`` reading never
    reaches the index); ``answers`` are the panel's answers to the briefing's research
    questions (see :func:`answer`), ``options`` the policy options side by side (``columns``,
    ``rows`` of text in the page's language, ``said``), ``drivers`` each headline's largest
    source of uncertainty (headline key to ``input`` and ``output``, their names in the page's language).
    """

    numbers: dict[str, float] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    importance: int = 0
    modelled: bool = False
    headline: dict[str, str] = field(default_factory=dict)
    messages: list[dict] = field(default_factory=list)
    grade: str = ""
    answers: list[dict] = field(default_factory=list)
    options: dict = field(default_factory=dict)
    drivers: dict[str, dict] = field(default_factory=dict)
    grades: dict[str, str] = field(default_factory=dict)  # headline key to its grade (set by key_reading)
    effective: dict[str, float] = field(default_factory=dict)  # parameter to the value used where 0 meant "the default"

    def __post_init__(self):
        if self.grade and self.grade not in GRADES:
            raise ValueError(f"unknown evidence grade {self.grade!r}: expected one of {', '.join(GRADES)}")

    def summary(self) -> str:
        return "\n".join(self.sentences)

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.sentences)
        return f'<ul class="reading {NO_MATH}">{items}</ul>'

    def __add__(self, other: Reading) -> Reading:
        return Reading({**self.numbers, **other.numbers}, self.sentences + other.sentences,
                       max(self.importance, other.importance), self.modelled or other.modelled,
                       {**self.headline, **other.headline}, self.messages + other.messages,
                       self.grade or other.grade, self.answers + other.answers, self.options or other.options,
                       {**self.drivers, **other.drivers}, {**self.grades, **other.grades},
                       {**self.effective, **other.effective})


#: Evidence grades, strongest first: published (by the pilot or an agency), measured (official
#: statistics), assumption (a stated choice), modelled (computed from assumptions), demonstration
#: (a sample generated to show a method; never on the index).
GRADES = ("published", "measured", "assumption", "modelled", "demonstration")
#: The briefing's research questions (their text is the catalog's ``survey.<q>``).
QUESTIONS = ("q1", "q2", "q3", "q4", "q5")


def answer(question: str, text: str, grade: str, shown: str = "", value: float | None = None,
           driver: str = "", finding: str = "", change: str = "", verdict: str = "",
           verdict_grade: str = "") -> dict:
    """One answer to a research question, for the briefing index.

    Parameters
    ----------
    question : str
        One of :data:`QUESTIONS`.
    text : str
        The answer in one sentence, in the page's language.
    grade : str
        Evidence grade of the number it rests on (:data:`GRADES`).
    shown : str
        That number as the page shows it (with its unit and band), in the page's language.
    value : float, optional
        The number itself (raw, as in the page's readings and CSVs).
    driver : str
        Headline key of the sensitivity table whose largest input would change the answer most.
    finding : str
        What the pilot published on the question, in the page's language (graded ``published``).
    change : str
        What would change the answer most, in the page's language, where no sensitivity table says it.
    verdict : str
        The answer in one line that starts with yes, no or in part, in the page's language: what a reader
        takes away before the sentence that explains it.
    verdict_grade : str
        Evidence grade of the verdict when it differs from the number's (a pilot's finding, ``published``,
        leading a modelled number).
    """
    if question not in QUESTIONS or grade not in GRADES:
        raise ValueError(f"answer to {question!r} graded {grade!r}: expected {QUESTIONS} and {GRADES}")
    return {"question": question, "text": text, "grade": grade, "shown": shown,
            "value": None if value is None else float(value), "driver": driver, "finding": finding,
            "change": change, "verdict": verdict, "verdict_grade": verdict_grade if verdict_grade != grade else ""}


def short_grade(grade: str, tx) -> str:
    """An evidence grade in a few words, for a one-line verdict; the pilot's own conclusions with the year of its
    report (readers took a 2015 "not yet" for today's)."""
    year = re.search(r"\b(?:19|20)\d\d\b", tx("pilot.when")) if tx.has("pilot.when") else None
    if grade == "published" and year:
        return tx("grade.short.published_pilot", year=year.group(0))
    return tx(f"grade.short.{grade}")


@dataclass
class Panel:
    """A chart or a table, the sentences that read it, and the result it shows.

    Parameters
    ----------
    reading : Reading
        Key numbers and sentences.
    figure : plotly.graph_objects.Figure or list of them, optional
        The chart, or small charts shown side by side.
    view : TableView, optional
        The table as a reader sees it (see :mod:`analytics.report.views`).
    result : analytics.core.results.Result, optional
        The model result behind the panel: it keeps the results contract (``summary()`` and a
        tidy ``to_frame()``, :mod:`analytics.core.results`); anything else is refused.
    applies : bool
        False when the section does not apply to the area (an urban–rural section for a
        city): JupyterLab shows the reading, and the exported page leaves out the output and
        the markdown cell just before it.
    """

    reading: Reading
    figure: Any = None
    view: Any = None
    result: Any = None
    applies: bool = True

    def __post_init__(self):
        from ..core.results import Result

        if self.result is not None and not isinstance(self.result, Result):
            raise TypeError(f"a panel's result must keep the results contract (summary() and to_frame()); "
                            f"{type(self.result).__name__} does not")

    def summary(self) -> str:
        parts = [self.reading.summary()]
        if self.result is not None:
            parts.append(self.result.summary())
        return "\n\n".join(p for p in parts if p)

    def to_frame(self):
        """The tidy frame of the result (what is published as CSV and XLSX)."""
        if self.result is None:
            raise ValueError("this panel has no result to publish")
        return self.result.to_frame()

    def prepare(self) -> Panel:
        """Render the panel once: the outputs :meth:`show` displays outside a live session and the table a job
        records (:func:`~analytics.report.record.recorded`), kept with the panel (a batch run's cache of panels
        keeps them, so a job that reuses a panel displays and records it without rendering it again).
        Returns the panel."""
        from .record import recorded

        self._outputs = self._parts(None)
        if self.result is not None and self.applies:
            self._recorded = recorded(self)
        return self

    def __getstate__(self) -> dict:
        # a chart is kept as its plain data: plotly validates every property again when a pickled figure is
        # read back (some 10 ms a chart), while the figure was valid when it was drawn
        state = dict(self.__dict__)
        if self.figure is not None:
            many = isinstance(self.figure, list)
            state["figure"] = ([None if f is None else f.to_dict() for f in self.figure] if many else self.figure.to_dict(), many)
        return state

    def __setstate__(self, state: dict) -> None:
        if state.get("figure") is not None:
            import plotly.graph_objects as go

            data, many = state["figure"]
            state["figure"] = [None if d is None else go.Figure(d, _validate=False) for d in data] if many else go.Figure(data, _validate=False)
        self.__dict__.update(state)

    def _ipython_display_(self):
        self.show()

    def show(self, update: bool = False) -> None:
        """Display the panel: its sentences, charts (maps with their offline geo assets) and table.

        A panel from a builder marked with :func:`~analytics.report.session.builder` keeps one
        output per part under display ids, so ``update=True`` (the widget bar) replaces them in
        place; a part the new panel lacks is emptied.
        """
        from IPython.display import display

        from .session import put

        key = getattr(self, "display_key", None)
        parts = self.__dict__.get("_outputs") if key is None else None
        for part, out in parts if parts is not None else self._parts(key):
            if key is None:
                display(out, raw=isinstance(out, dict))
            else:
                put(out, f"{key}-{part}", update, fresh=part.startswith("figure-"))

    def _parts(self, key: str | None) -> list[tuple[str, dict]]:
        """The outputs :meth:`show` displays, each with its part's name; with a display ``key`` (a live
        session) every part keeps an output, empty where this panel has nothing to show."""
        from .figures import chart_bundles, has_geo
        from .session import figure_slots, geo_bundle

        figures = [f for f in (self.figure if isinstance(self.figure, list) else [self.figure]) if f is not None]
        if not self.applies:
            figures = []
        empty = {"text/html": "", "text/plain": ""}
        if not self.applies:
            first = {SKIP_MIME: {"sentences": self.reading.sentences}, "text/html": self.reading._repr_html_()}
        else:
            first = {"text/html": self.reading._repr_html_(), "text/plain": self.reading.summary()} \
                if self.reading.sentences else empty
        parts = [("reading", first)]
        if any(has_geo(f) for f in figures):
            parts.append(("geo", geo_bundle()))
        elif key is not None:
            parts.append(("geo", empty))
        slots = figure_slots(key, len(figures)) if key is not None else len(figures)
        for i in range(slots):  # each chart's title as text above it, then the chart
            heading, chart = chart_bundles(figures[i]) if i < len(figures) else (empty, empty)
            parts += [(f"title-{i}", heading), (f"figure-{i}", chart)]
        if self.view is not None and self.applies:
            parts.append(("view", {"text/html": self.view._repr_html_(), "text/plain": self.view.shown().to_string()}))
        elif key is not None:
            parts.append(("view", empty))
        return [(part, out) for part, out in parts if key is not None or out is not empty]
