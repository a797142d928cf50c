"""Filled in by issue 8 (funders, contributions, disclosure filings)."""
