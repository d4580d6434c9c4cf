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
    assert "We hold 26 care services and 25 organisations from the DSPT." in html


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
