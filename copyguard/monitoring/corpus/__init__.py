"""Bulk scanning of web-archive files (WARC, WET) for registered works, on Dask.

``warc`` reads records and cuts files into shards (pure); ``worker`` is what runs on a Dask
worker (no database); ``actions`` records scans, shards and hits; ``run`` drives a scan.
``copyguard scan-corpus`` (``management/commands/scan_corpus.py``) is the command; see the
"Corpus scanning" section of docs/monitoring.md.
"""
