"""Evidence of a hit: the page re-fetched as WARC 1.1, a screenshot, its text, the match
report, all recorded on the ledger and packed as a bundle ``copyguard ledger verify`` checks.

``capture.py`` fetches and records (no database); ``actions.py`` requests a capture;
``tasks.py`` runs it; ``bundle.py`` turns a capture into the bundle's files and manifest.
"""
