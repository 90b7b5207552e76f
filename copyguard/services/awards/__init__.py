"""Model units (issue 9)."""
