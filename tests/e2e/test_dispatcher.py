"""The all-in-one dispatcher: each API prefix goes to the app that owns it."""
from __future__ import annotations

import pytest

from services.allinone import PrefixDispatcher


def _fake(name: str):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [name.encode()]
    return app


@pytest.fixture
def dispatcher():
    return PrefixDispatcher({n: _fake(n) for n in ("intake", "verification", "matching", "scoring")})


def _call(dispatcher, path: str) -> str:
    return b"".join(dispatcher({"PATH_INFO": path}, lambda status, headers: None)).decode()


@pytest.mark.parametrize("path, owner", [
    ("/api/v1/submissions/x", "intake"),
    ("/api/v1/submissions", "intake"),
    ("/api/v1/submissionsX", "matching"),
    ("/api/v1/points/m1", "scoring"),
    ("/", "matching"),
    ("/api/v1/reviews", "verification"),
    ("/review/w1", "verification"),
    ("/reviewer", "matching"),
    ("/api/v1/wishes/w1/claims", "matching"),
])
def test_routes_by_prefix(dispatcher, path, owner):
    """A path reaches the app owning its prefix; a lookalike prefix falls to the default."""
    assert _call(dispatcher, path) == owner


def test_longest_prefix_wins():
    """When prefixes nest, the longer one decides."""
    apps = {"a": _fake("a"), "b": _fake("b")}
    d = PrefixDispatcher(apps, routes={"/api": "a", "/api/v1/special": "b"}, default="a")
    assert _call(d, "/api/v1/special/1") == "b"
    assert _call(d, "/api/v1/other") == "a"
