"""Benchmarks at the scale of a large rental house (``python -m benchmarks``)."""
