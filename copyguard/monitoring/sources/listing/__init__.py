"""The ``listing`` source kind."""
