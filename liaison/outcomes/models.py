"""Filled in by issue 7 (outcomes, policy library, alignment reviews)."""
