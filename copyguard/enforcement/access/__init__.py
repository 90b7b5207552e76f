"""Access helpers of enforcement: one per object type (STYLE 3), one module per workflow."""
