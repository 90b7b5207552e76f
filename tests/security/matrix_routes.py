"""Every route the permission matrix must cover: Django's URL patterns and the API's operations.

A route's key is what the expectations file (tests/security/permissions.py) is indexed by:
the namespaced name of a URL pattern (``works:work``), the pattern itself for an unnamed one,
and ``METHOD /api/v1/path`` for an operation of the JSON API (django-ninja registers every
path as Django URL patterns too; those are covered by the operations' entries).
"""

from __future__ import annotations

import fnmatch
import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

__all__ = [
    "Route",
    "all_routes",
    "api_routes",
    "django_routes",
    "entry_for",
    "routes_without_entries",
    "unused_entries",
]

API_PREFIX = "/api/v1"
_API_NAMESPACE = "api"


@dataclass(frozen=True)
class Route:
    key: str
    # The path with ``{name}`` where an argument goes, and the arguments' names.
    path: str
    params: tuple[str, ...]
    # The API operation's methods; empty for a page (GET first, POST when GET is refused).
    methods: tuple[str, ...] = ()

    @property
    def is_api(self) -> bool:
        return bool(self.methods)


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _django_path(pattern: str) -> tuple[str, tuple[str, ...]]:
    if pattern.startswith("^"):
        # A regular-expression pattern (the admin's): named groups become parameters.
        names = tuple(re.findall(r"\(\?P<([^>]+)>", pattern))
        path = re.sub(r"\(\?P<([^>]+)>[^)]*\)", r"{\1}", pattern)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
        return "/" + path, names
    names = tuple(m.group("name") for m in _PARAM.finditer(pattern))
    return "/" + _PARAM.sub(lambda m: "{" + m.group("name") + "}", pattern), names


def _walk(
    resolver: URLResolver, prefix: str, namespace: str
) -> Iterable[tuple[str, str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                name = pattern
            yield name, pattern, entry


def django_routes() -> list[Route]:
    """The URL patterns of copyguard/urls.py, except those standing for API operations."""
    routes: dict[str, Route] = {}
    for name, pattern, entry in _walk(get_resolver(), "", ""):
        if name.startswith(_API_NAMESPACE + ":") and _path_view(entry) is not None:
            continue
        if name in routes:
            continue  # one name, several patterns (e.g. a trailing-slash variant): the first
        path, params = _django_path(pattern)
        routes[name] = Route(name, path, params)
    return list(routes.values())


def _path_view(entry: URLPattern) -> Any:
    """The django-ninja PathView behind an API pattern (its operations), or None."""
    view = inspect.unwrap(entry.callback)
    if not inspect.isfunction(view):
        return None
    return inspect.getclosurevars(view).nonlocals.get("self")


def api_routes() -> list[Route]:
    """Every operation of the JSON API (copyguard/api.py), one per method and path.

    Read from the URL patterns django-ninja gives Django (each pattern's view holds its
    path's operations), so that what is counted is what is served."""
    routes: dict[str, Route] = {}
    for name, pattern, entry in _walk(get_resolver(), "", ""):
        if not name.startswith(_API_NAMESPACE + ":"):
            continue
        path_view = _path_view(entry)
        if path_view is None:
            continue
        path, params = _django_path(pattern)
        for operation in path_view.operations:
            for method in operation.methods:
                key = f"{method} {path}"
                routes.setdefault(key, Route(key, path, params, (method,)))
    return list(routes.values())


def all_routes() -> list[Route]:
    return django_routes() + api_routes()


def entry_for(key: str, expectations: Mapping[str, object]) -> str | None:
    """The expectations key that covers route ``key``: itself, or a pattern ending in ``*``."""
    if key in expectations:
        return key
    for pattern in expectations:
        if pattern.endswith("*") and fnmatch.fnmatchcase(key, pattern):
            return pattern
    return None


def routes_without_entries(
    routes: Iterable[Route], expectations: Mapping[str, object]
) -> list[str]:
    """Keys of the routes that no expectation covers: each one is a failure."""
    return sorted(r.key for r in routes if entry_for(r.key, expectations) is None)


def unused_entries(routes: Iterable[Route], expectations: Mapping[str, object]) -> list[str]:
    """Expectations that cover no route (a route renamed or removed): also a failure."""
    used = {entry_for(r.key, expectations) for r in routes}
    return sorted(key for key in expectations if key not in used)
