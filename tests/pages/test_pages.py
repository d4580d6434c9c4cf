"""The public pages render, in plain English, with the security headers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, heading",
    [
        ("home", "Check how a care service keeps your information safe"),
        ("about", "About this service"),
        ("accessibility", "Accessibility statement"),
        ("privacy", "Privacy notice"),
    ],
)
def test_page_renders_with_its_heading_and_footer_links(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    for link in ("/about/", "/accessibility/", "/privacy/"):
        assert f'href="{link}"' in html
    assert 'href="#maincontent"' in html and 'id="maincontent"' in html


def test_pages_load_only_our_own_assets(client):
    html = client.get("/").content.decode()
    assert "/static/vendor/nhsuk-frontend/nhsuk-frontend.min" in html
    assert "htmx" in html  # django-htmx's script tag
    assert "https://" not in html.split("<body")[0]  # no CDN in <head>
    assert "<script>" not in html  # no inline script (the CSP forbids it)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_home_page_says_what_data_we_hold(client, sample_loaded):
    html = client.get("/").content.decode()
    assert "You can look up 26 care services in England." in html  # plain words, no jargon


def test_static_files_are_served_by_whitenoise(client):
    html = client.get("/").content.decode()
    # The hashed name from the manifest, served with a long cache lifetime.
    start = html.index("/static/css/app.")
    url = html[start: html.index('"', start)]
    response = client.get(url)
    assert response.status_code == 200
    assert "max-age" in response.headers.get("Cache-Control", "")
    assert b"app-status" in b"".join(response.streaming_content)


def test_admin_needs_a_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


@pytest.mark.django_db
def test_every_page_links_to_the_page_for_care_services(client):
    for url in ("/", "/about/", "/search/?q=x"):
        assert 'href="/for-care-services/"' in client.get(url).content.decode()
    html = client.get("/for-care-services/").content.decode()
    assert 'href="https://www.dsptoolkit.nhs.uk/"' in html and "Better Security, Better Care" in html


@pytest.mark.parametrize("path", [
    "/services/%00/", "/services/%00/easy-read/", "/services/%00/badge.svg", "/services/%00/badge.png",
    "/services/abc%01def/poster/", "/ods/%00/", "/areas/%00/", "/guidance/%00/",
])
def test_junk_in_a_path_gives_the_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/services/%00", "/api/v1/ods/%00", "/api/v1/services/x%1fy"])
def test_junk_in_an_api_path_gives_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.json() == {"error": "No such address."}


def test_search_results_vary_by_htmx_request(client):
    full = client.get("/search/?q=sunny")
    partial = client.get("/search/?q=sunny", HTTP_HX_REQUEST="true")
    assert "HX-Request" in full["Vary"] and "HX-Request" in partial["Vary"]
    assert "<header" in full.content.decode() and "<header" not in partial.content.decode()
    assert "<title>" in partial.content.decode()  # htmx sets the tab's title from it
    restore = client.get("/search/?q=sunny", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<header" in restore.content.decode()  # Back into htmx history gets the whole page
