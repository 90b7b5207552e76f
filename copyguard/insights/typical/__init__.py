"""Typical cases (issue 9)."""
