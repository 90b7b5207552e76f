"""The monitoring pages: sources and runs, the review queue and hits, the allow-list, the
watchlist and notifications. Views validate a form, ask ``access`` and call an action."""
