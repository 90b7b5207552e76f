"""State changes of enforcement: one module per workflow (STYLE 2)."""
