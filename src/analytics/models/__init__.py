"""Estimators shared by more than one capability (affordability of online study, sample intervals)."""
