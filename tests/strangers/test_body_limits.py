"""A body too large for a public form gets the 413 page from a real web server, never a 500.

Django's development server (wsgiref, as `make run` serves) refuses an answer that carries a hop-by-hop
header such as Connection, so the 413 page once reached people as a server error. Every POST form the
public pages show is tried over HTTP (the forms are found on the pages, not listed here).
"""

from __future__ import annotations

import http.client
from urllib.parse import urljoin, urlsplit

import pytest

from tests.strangers.support import every_route, forms_on

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(base: str, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, bytes]:
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=20)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    result = response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    connection.close()
    return result


def public_form_actions(base: str) -> set[str]:
    """Where every public page's POST forms send their answers (a service's pages with a real ID)."""
    actions = set()
    for route in every_route():
        if route.template.startswith(("/admin/", "/api/")) or not route.placeholders == [] and not {
                "location_id", "provider_id"} >= set(route.placeholders):
            continue
        path = route.fill({"location_id": "1-545611283", "provider_id": "1-102643002"})
        for suffix in ("", "?service=1-545611283"):
            status, headers, body = fetch(base, "GET", path + suffix)
            if status == 200 and headers.get("content-type", "").startswith("text/html"):
                actions |= {urljoin(path, form.action) for form in forms_on(body.decode(), path + suffix)}
    return actions


def test_every_public_form_answers_an_oversize_body_with_the_413_page(site, settings):
    settings.PUBLIC_MAX_BODY_BYTES = 64 * 1024
    settings.LIST_CHECK_MAX_BYTES = 64 * 1024  # a list to check may be larger (5 MB), but has its limit too
    actions = public_form_actions(site)
    assert {"/privacy-summary/", "/contact/", "/follow/", "/check-a-list/"} <= {urlsplit(a).path for a in actions}
    assert any(urlsplit(action).path == "/your-rights/" for action in actions)
    for action in sorted(actions):
        status, headers, body = fetch(site, "POST", action, b"message=" + b"x" * 200_000)
        assert status == 413, (action, status)
        assert "connection" not in headers or headers["connection"] == "close"  # the server's own, if any
        assert "What you sent is too large" in body.decode()
