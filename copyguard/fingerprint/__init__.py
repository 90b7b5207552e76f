"""copyguard's identification engine: extraction, fingerprints, index and matching.

A pure library: it imports nothing from Django or from the rest of copyguard.
"""

__all__: list[str] = []
