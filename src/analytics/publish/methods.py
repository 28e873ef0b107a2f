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
from pathlib import Path

from markupsafe import Markup

from .chrome import document, render
from .export import _markdown


def methods_name(language: str) -> str:
    """File name of the methods page in a language."""
    return f"methods-{language}.html"


def _value(value) -> str:
    """An assumption's value as a reader sees it: numbers as written, lists and mappings compact."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


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
                         "name": name, "value": _value(entry["value"]), "source": source})
    return rows


def methods_body(meta: dict, notebooks: list[tuple[str, str]], texts, pack_dir: Path, hashes: dict[str, str],
                 input_hash: str, run_id: str, nav: list[dict]) -> str:
    """The content of the methods page in the language of ``texts``."""
    about = [(texts(f"methods.{k}"), meta[k]) for k in ("author", "organisation", "contact") if meta.get(k)]
    about += [(texts("page.date"), texts.today()), (texts("page.run"), run_id)]
    sections = [{"title": title, "html": Markup(_markdown(texts.get(f"methods.{stem}", "")))}
                for stem, title in notebooks if texts.has(f"methods.{stem}")]
    return str(render("methods.html.j2", title=texts("methods.title"), nav=nav, about=about,
                      modelled_title=texts("methods.modelled_title"),
                      modelled=Markup(_markdown(texts("methods.modelled"))), sections=sections,
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
