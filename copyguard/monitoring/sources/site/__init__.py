"""The ``site`` source kind."""
