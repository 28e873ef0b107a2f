"""Connectivity readiness (notebook 02): who can take which kind of course over today's connections and prices.

* :mod:`.profiles`: course content profiles with their bandwidth and data needs, each sourced;
* :mod:`.readiness`: the share of people whose connection and device carry each profile, by district ×
  settlement (and income fifth), the download time of a week's offline package, a readiness index;
* :mod:`.costs`: what a month of each profile costs against income, by fifth, against the A4AI thresholds;
* :mod:`.capacity`: peak traffic on the research network's links and the LMS, and what a local cache saves.
"""
