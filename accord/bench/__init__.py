"""Benchmarks that anyone can run: `accord bench <name>` prints a table and a JSON line.

Timings are measured here and reported, never asserted in tests (docs/architecture.md).
This app sits at the top of the layers with the command line: it drives the web UI and the
API in-process and reads the demo data set (`accord demo`).
"""
