"""Benchmarks: run with `./dev bench` (see README, "Snelheid"). Not part of the test suite."""
