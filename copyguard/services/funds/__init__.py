"""Special support funds (issue 9)."""
