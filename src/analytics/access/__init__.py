"""Urban–rural access gaps (notebook ``01_access_gaps``): participation and parity, distance to
the nearest university, a weighted enrolment model, the gap's decomposition and the online-study
counterfactual."""
