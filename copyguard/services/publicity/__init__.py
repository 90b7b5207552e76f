"""Publicity and training (issue 9)."""
