"""One atheris target per parser of untrusted bytes (see fuzz/__init__.py)."""
