"""Security controls that hold for every response and every request (issue 10).

``headers``: the Content-Security-Policy and the other security headers, added by one
middleware to pages, API answers, static files and error pages alike. docs/security.md
describes the threat model and what each control defends.
"""
