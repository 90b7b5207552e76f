"""The ``upload`` source kind."""
