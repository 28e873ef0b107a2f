"""Measure a page as it prints on A4: what overflows the paper's width, and how empty each printed page is.

Chromium never lets content run off the paper: a document wider than the page is shrunk as a whole
to fit, and a chart or table wider than its box is clipped by the box (an axis reading "202", a colour
bar with no numbers). So width is measured in the layout, in print media at the width of A4's
content box, and emptiness in the PDF itself:

* :func:`too_wide`: the document, and every table, chart and chart drawing, no wider than its box
  and the content box;
* :func:`pages`: each printed page rendered (pypdfium2) in grey at 60 dpi and read inside the margins
  that ``@page`` in ``publish/templates/page.css`` sets (14 mm top, 12 mm sides, 16 mm bottom, where
  the page number sits): ``empty`` is the share (0–1) of the content box's height with no ink above
  the first or below the last inked row; a near-empty page scores close to 1.
"""

from __future__ import annotations

import numpy as np

#: Page margins in mm (top, right, bottom, left), as page.css's @page rule sets them.
MARGINS_MM = (14, 12, 16, 12)
#: Width of A4's content box in CSS px (96 per inch): 210 mm less both side margins.
CONTENT_PX = round((210 - MARGINS_MM[1] - MARGINS_MM[3]) / 25.4 * 96)
DPI = 60
#: Grey level (0–255) below which a pixel counts as ink.
INK = 200

#: Elements wider than their box or than the content box (in print media at CONTENT_PX wide).
TOO_WIDE_JS = """width => {
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) out.push('document ' + document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll('table, .plotly-figure, svg.main-svg')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;  // not shown in print
    const name = el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '').split(' ')[0];
    if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'svg') out.push(name + ' clips ' + el.scrollWidth);
    const holder = el.tagName === 'svg' ? el.closest('.plotly-figure') : null;
    if (holder && box.right > holder.getBoundingClientRect().right + 1) out.push(name + ' wider than its chart');
    if (box.right > width + 1) out.push(name + ' ends at ' + Math.round(box.right));
  }
  return out;
}"""


def too_wide(page) -> list[str]:
    """What is wider than A4's content box or clipped by its own box, on a playwright page printed as A4
    (the viewport is set to the content box's width and print media emulated first)."""
    page.set_viewport_size({"width": CONTENT_PX, "height": 1000})
    page.emulate_media(media="print")
    return page.evaluate(TOO_WIDE_JS, CONTENT_PX)


def pages(pdf: bytes) -> list[float]:
    """The ``empty`` share (0–1) of each printed page; see the module's description."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for page in doc:
            grey = np.asarray(page.render(scale=DPI / 72, grayscale=True).to_numpy())
            out.append(empty(grey if grey.ndim == 2 else grey[..., :3].mean(axis=2)))
            page.close()
        return out
    finally:
        doc.close()


def empty(grey: np.ndarray) -> float:
    """Share (0–1) of the content box's height with no ink above the first or below the last inked row,
    of one page rendered in grey (rows × columns, 0 black to 255 white)."""
    top, right, bottom, left = (round(m / 25.4 * DPI) for m in MARGINS_MM)
    body = grey[top:grey.shape[0] - bottom, left:grey.shape[1] - right] < INK
    rows = np.flatnonzero(body.any(axis=1))
    return 1.0 - ((rows[-1] - rows[0] + 1) / body.shape[0] if rows.size else 0.0)


def page_texts(pdf: bytes) -> list[str]:
    """The text of each printed page (pypdfium2's text layer), to tell where a section starts."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()
