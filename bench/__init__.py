"""Benchmarks, run with ``python -m bench`` (``make bench``); never part of ``make test``."""
