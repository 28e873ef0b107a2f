"""The methods page of a run, in each language: who made it, how each page computes, every assumption, provenance.

``methods-<lang>.html`` holds, in the reader's language:

* the briefing's author, organisation and contact (optional fields of the briefing file),
  the date and the run;
* what "modelled" means on these pages;
* for each notebook of the run, what it computes and how, with the methods' citations
  (catalog keys ``methods.<notebook>``, e.g. ``methods.00_country_profile``);
* the pack's assumptions, each with its value and its source or reason;
* provenance: the hash of every input file and of the inputs together (the same as the
  manifest's), which pages no longer show in their header.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import Markup

from .chrome import document, render
from .export import _markdown


def methods_name(language: str) -> str:
    """File name of the methods page in a language."""
    return f"methods-{language}.html"


def _value(value, texts=None) -> str:
    """An assumption's value as a reader sees it: numbers in the reader's locale, mappings as "name: value"
    with regions, districts, languages and the catalog's known keys (``methods.key.<key>``) named in the
    reader's language, lists separated by commas. Without ``texts``, compact JSON (as written)."""
    if texts is None:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) if isinstance(value, dict | list) \
            else str(value)
    if isinstance(value, dict):
        return "; ".join(f"{_key(str(k), texts)}: " + (f"({_value(v, texts)})" if isinstance(v, dict) else _value(v, texts))
                         for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(f"({_value(v, texts)})" if isinstance(v, dict) else _value(v, texts) for v in value)
    if isinstance(value, str):
        return _key(value, texts)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = len(repr(float(value)).split(".")[1].rstrip("0")) if "e" not in repr(float(value)) else 6
    return texts.number(value, min(decimals, 6), grouping=abs(value) >= 10_000)


def _key(key: str, texts) -> str:
    """A key or word inside an assumption's value in the reader's language, where it names something known: a
    region, a district, a key of the methods catalog, a code some table's column names (a survey item …)."""
    from ..core.i18n import code_names, column_rules
    from ..core.numbers import language_in

    for name in (f"region.{key}", f"district.{key}", f"methods.key.{key.replace(' ', '_')}"):
        if texts.has(name):
            return texts(name)
    named = code_names(texts, key, dict.fromkeys(p for ps in column_rules()["values"].values() for p in ps))
    if named:  # the shortest of the codes' names: the item's name, not a sentence about it
        return min(named, key=len)
    if len(key) == 2 and key.islower() and (said := language_in(key, texts.language)) != key:
        return said  # a language code: "tg" -> "таджикский"
    return re.sub(r"^(\d+)-(\d+)$", "\\1–\\2", key)  # an age band 17-24 -> 17–24


def assumption_rows(pack_dir: Path, texts=None) -> list[dict]:
    """Every assumption of the pack: section, name, value, and its source or reason.

    With ``texts``, the section is named and the source given in the reader's language
    where the suite's catalog (``methods.section.<section>``) or the pack's locale file
    (``assumption.<section>.<name>``) has them; otherwise as written in ``assumptions.yaml``.
    """
    from ..packs import assumptions

    if not (pack_dir / assumptions.FILE).exists():
        return []
    doc = assumptions.read(pack_dir)
    rows = []
    for section, entries in doc.items():
        items = {section: entries} if "value" in (entries or {}) else (entries or {})
        for name, entry in items.items():
            source = entry.get("source") or entry.get("why") or ""
            if texts is not None:
                source = texts.get(f"assumption.{section}.{name}", source)
            rows.append({"section": texts.get(f"methods.section.{section}", section) if texts else section,
                         "name": name, "source": source,
                         "value": str(entry["value"]) if "seed" in (section, name) else _value(entry["value"], texts)})
    return rows


def methods_body(meta: dict, notebooks: list[tuple[str, str]], texts, pack_dir: Path, hashes: dict[str, str],
                 input_hash: str, run_id: str, nav: list[dict]) -> str:
    """The content of the methods page in the language of ``texts``."""
    from .index import limitations

    about = [(texts(f"methods.{k}"), meta[k]) for k in ("author", "organisation", "contact") if meta.get(k)]
    about += [(texts("page.date"), texts.today()), (texts("page.run"), run_id)]
    sections = [{"title": title, "html": Markup(_markdown(texts.get(f"methods.{stem}", "")))}
                for stem, title in notebooks if texts.has(f"methods.{stem}")]
    return str(render("methods.html.j2", title=texts("methods.title"), nav=nav, about=about,
                      modelled_title=texts("methods.modelled_title"),
                      modelled=Markup(_markdown(texts("methods.modelled"))), sections=sections,
                      limitations_title=texts("summary.limitations"),
                      limitations=limitations(texts),
                      cited_title=texts("methods.cited_title"),
                      cited=[texts("pilot.citation")] if texts.has("pilot.citation") else [],
                      assumptions_title=texts("methods.assumptions_title"),
                      assumptions_intro=texts("methods.assumptions_intro"),
                      assumption_columns=[texts("methods.col_section"), texts("methods.col_name"),
                                          texts("methods.col_value"), texts("methods.col_source")],
                      assumptions=assumption_rows(pack_dir, texts),
                      provenance_title=texts("methods.provenance_title"),
                      provenance_intro=texts("methods.provenance_intro", hash=input_hash),
                      file_columns=[texts("methods.col_file"), texts("methods.col_sha256")],
                      files=sorted(hashes.items())))


def write_methods(folder: Path, meta: dict, entries, languages: list[str], texts_in, pack_dir: Path,
                  hashes: dict[str, str], input_hash: str, run_id: str, book: dict | None = None) -> list[str]:
    """Write the methods page of every language; return their file names. ``book``, when given, receives
    each language's methods as an article for the end of the briefing book (no links to other files)."""
    from .index import index_name, language_links

    names = []
    for lang in languages:
        texts = texts_in(lang)
        notebooks = list(dict.fromkeys((e.notebook, e.title) for e in entries if e.language == lang and e.status == "ok"))
        nav = [{"href": index_name(lang, languages), "text": texts("page.to_index")}]
        nav += language_links(languages, lang, methods_name, texts)
        body = methods_body(meta, notebooks, texts, pack_dir, hashes, input_hash, run_id, nav)
        if book is not None:
            book[lang] = ('<article class="job methods" id="methods">'
                          + methods_body(meta, notebooks, texts, pack_dir, hashes, input_hash, run_id, []) + "</article>")
        name = methods_name(lang)
        (folder / name).write_text(document(body, texts("methods.title"), lang), encoding="utf-8")
        names.append(name)
    return names
