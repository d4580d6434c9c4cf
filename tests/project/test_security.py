"""Security and reliability: deployment checks, headers, sign-in limits, and a database outage."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse


def run_python(code: str, env_changes: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=settings.BASE_DIR, timeout=180)


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, cwd=settings.BASE_DIR, timeout=180,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_ALLOW_ASYNC"))},
             "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "dsptlookup.example"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_hsts_and_other_headers_over_https(client, settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "script-src 'self'" in csp


@pytest.mark.django_db
def test_http_redirects_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.django_db
def test_admin_sign_in_is_rate_limited(client, django_user_model, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    django_user_model.objects.create_superuser("boss", "boss@example.com", "correct-horse-battery-staple")
    url = reverse("admin:login")
    for _ in range(3):
        response = client.post(url, {"username": "boss", "password": "wrong"})
        assert "Please enter the correct username and password" in response.content.decode()
    response = client.post(url, {"username": "boss", "password": "correct-horse-battery-staple"})
    assert "Too many failed attempts. Wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_good_sign_in_clears_the_count(client, django_user_model, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    django_user_model.objects.create_superuser("boss", "boss@example.com", "correct-horse-battery-staple")
    url = reverse("admin:login")
    for _ in range(2):
        client.post(url, {"username": "boss", "password": "wrong"})
    response = client.post(url, {"username": "boss", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    client.logout()
    client.post(url, {"username": "boss", "password": "wrong"})
    response = client.post(url, {"username": "boss", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_admin_pages_need_staff(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="a-long-password-123")
    client.force_login(user)
    for url in ("/admin/", reverse("admin:providers_importrun_upload"), reverse("admin:providers_location_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_database_down_gives_a_friendly_503():
    # A real app process whose database cannot be reached.
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'dsptlookup.settings'; django.setup();"
        "from django.test import Client; c = Client();"
        "r = c.get('/search/?q=leeds'); print(r.status_code); print(r['Retry-After']); print(r.content.decode())"
    )
    result = run_python(code, {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver",
                               "SECURE_SSL_REDIRECT": "0", "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"})
    assert result.returncode == 0, result.stderr[-2000:]
    status, retry, html = result.stdout.split("\n", 2)
    assert status == "503" and retry == "300"
    assert "Sorry, there is a problem with the service" in html and "try again in a few minutes" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.django_db
def test_page_not_found_is_friendly(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
