"""What every capability uses to report its results to a reader, in one place.

* :mod:`.panel`: the :class:`~.panel.Panel` (a chart or table with the sentences that read
  it) and :class:`~.panel.Reading` (key numbers and sentences);
* :mod:`.sentences`: wording that follows the sign of a number, "no clear association"
  when its interval includes zero, and suppression of values resting on few sample members;
* :mod:`.areas`: region checks and the names of the country, its regions and districts;
* :mod:`.figures`: offline maps and the locale of a chart's numbers;
* :mod:`.views`: tables as a reader sees them, escaped and in the reader's number format;
* :mod:`.record`: what a notebook hands to the briefing runner (tidy frames, key numbers).
"""
