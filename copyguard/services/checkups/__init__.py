"""Enterprise check-ups (issue 9)."""
