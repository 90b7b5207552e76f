"""Service requests (issue 9)."""
