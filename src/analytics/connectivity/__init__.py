"""Connectivity readiness (notebook 02): who can take which kind of course over today's connections and prices.

* :mod:`.costs`: what a month of each profile costs against income, by fifth, against the A4AI thresholds;
* :mod:`.panels`: the notebook's map, cost chart and network chart with their sentences.

The models it draws on are shared with the other capabilities (:mod:`analytics.models`):
:mod:`~analytics.models.content_profiles` (course content profiles with their bandwidth and data needs, each
sourced), :mod:`~analytics.models.readiness` (the share of people whose connection and device carry
each profile, by district × settlement × income fifth; the offline package's download time; the
readiness index) and :mod:`~analytics.models.capacity` (peak traffic on the research network's links
and the LMS, and what a local cache saves).
"""
