"""The ``sitemap`` source kind."""
