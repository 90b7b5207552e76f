"""The ``feed`` source kind."""
