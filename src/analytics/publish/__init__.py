"""Publishing: executed notebooks to offline pages, indexes, briefing books and workbooks.

Every page, index and book is drawn from one set of Jinja2 templates (``templates/``) with
autoescaping on: text from a catalog, a pack or a briefing file is escaped where it enters
the page, and every document carries a Content-Security-Policy that allows only its own
inline scripts (by hash) and no network.
"""
