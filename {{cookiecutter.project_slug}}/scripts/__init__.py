"""Benchmarks and local tools, run from the project root (`python -m scripts.<name>`)."""
