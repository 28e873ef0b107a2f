"""Course-uptake scenarios (notebook 03): how many would enrol, stay, finish and be certified, at what cost.

* :mod:`.bass`: the Bass diffusion curve, its peak (:func:`bass_peak`) and a fit with standard errors;
* :mod:`.calibration`: a completion logit on real distance-learning outcomes (OULAD), carried into the funnel;
* :mod:`.cells`: the eligible population, access and reading of course languages, by district × settlement ×
  sex × income fifth;
* :mod:`.parameters`: every uncertain parameter with its distribution and source;
* :mod:`.simulate`: the enrol → active → complete → certified funnel as a vectorised Monte Carlo;
* :mod:`.costs`: development by route, delivery, per enrolment and per completer;
* :mod:`.model`: all of it for a pack and a named scenario, and the scenarios compared.
"""

from .bass import bass_cdf, bass_peak, fit_bass

__all__ = ["bass_cdf", "bass_peak", "fit_bass"]
