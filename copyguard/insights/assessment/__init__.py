"""Regional assessment (issue 9)."""
