"""Benchmarks: scripts that print figures. Never collected as tests (see bench/README.md)."""
