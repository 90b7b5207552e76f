"""Statistics and reports (issue 9)."""
