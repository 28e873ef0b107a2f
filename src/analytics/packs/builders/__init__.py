"""Builders of a pack's derived and modelled tables, each registered by name in :mod:`..registry`."""
