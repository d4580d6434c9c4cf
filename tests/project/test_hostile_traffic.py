"""Hostile traffic: long queries, big bodies, password spraying, a hung database, other methods."""

import os
import socket
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from providers.imports.sources import import_cqc_file
from tests.conftest import SAMPLE_CQC_CSV
from tests.project.test_security import run_python

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)


def sign_in(client, username, password, **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, **headers)


@pytest.mark.django_db
def test_a_locked_username_can_still_sign_in_from_its_own_address(client, boss, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, "boss", "guess", REMOTE_ADDR="203.0.113.9")
    assert "Too many failed attempts" in sign_in(client, "boss", PASSWORD, REMOTE_ADDR="203.0.113.9").content.decode()
    assert sign_in(client, "boss", PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_stopped(client, boss, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for number in range(10):
        sign_in(client, f"user{number}", "guess", REMOTE_ADDR="203.0.113.9")
    assert "Too many failed attempts" in sign_in(client, "boss", PASSWORD, REMOTE_ADDR="203.0.113.9").content.decode()


@pytest.mark.django_db
def test_behind_a_load_balancer_each_visitor_has_their_own_count(client, boss, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):  # an attacker, who also forges an address at the front of the header
        sign_in(client, "boss", "guess", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9", **balancer)
    locked = sign_in(client, "boss", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9", **balancer)
    assert "Too many failed attempts" in locked.content.decode()
    # The real admin, through the same balancer, at the address the attacker tried to forge.
    assert sign_in(client, "boss", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", **balancer).status_code == 302


@pytest.mark.django_db
def test_a_long_query_is_shortened_and_says_so(client):
    assert import_cqc_file(path=SAMPLE_CQC_CSV).state == "succeeded"
    words = " ".join(f"word{number}" for number in range(40))
    response = client.get("/search/", {"q": "Sunny Side " + words[:180]})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="query-shortened"' in body and "“Sunny Side word0 word1 word2 word3 word4 word5”" in body
    api = client.get("/api/v1/services", {"q": "Sunny Side " + words[:180]}).json()
    assert api["query_used"] == "Sunny Side word0 word1 word2 word3 word4 word5"
    assert 'id="query-shortened"' not in client.get("/search/", {"q": "Sunny Side"}).content.decode()


@pytest.mark.django_db
@pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""),
                    reason="under libfaketime PostgreSQL's own timers never fire (statement_timeout is ignored); "
                           "the passes on the real clock run this test")
def test_web_queries_have_a_time_limit_and_imports_their_own(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("2s",)
        with pytest.raises(Exception, match="statement timeout"):
            with connection.cursor() as slow:
                from django.db import transaction

                with transaction.atomic():
                    slow.execute("SELECT pg_sleep(3)")
    from django.db import transaction

    from dsptlookup.database import use_import_timeout

    with transaction.atomic():
        use_import_timeout()
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)


@pytest.mark.django_db
def test_a_big_anonymous_body_is_refused_unread(client, settings):
    settings.PUBLIC_MAX_BODY_BYTES = 64 * 1024
    body = b"x" * (1024 * 1024)
    response = client.generic("POST", "/search/", body, content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    api = client.generic("POST", "/api/v1/services", body, content_type="application/json")
    assert api.status_code == 413 and api.json()["error"]


@pytest.mark.django_db
def test_other_methods_on_the_api_get_json_405(client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.generic(method, "/api/v1/services?q=leeds", b"{}", content_type="application/json")
        assert response.status_code == 405, method
        assert response.json() == {"error": "Only GET is allowed."}
        assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_fifty_advisers_behind_one_address_browse_their_area_without_a_wait(client, settings, sample_loaded,
                                                                          time_machine, monkeypatch):
    """A council office: 50 people behind one address, each opening an area page every 10 seconds for a
    minute (5 a second in all), at the default limit, each page's real cost counted: no 429, no wait."""
    import datetime as dt

    from dsptlookup import middleware

    settings.HEAVY_SECONDS_PER_SECOND, settings.HEAVY_BURST_SECONDS = 0.5, 5  # the defaults
    settings.TRUSTED_PROXY_COUNT = 1
    waited = []
    monkeypatch.setattr(middleware.time, "sleep", waited.append)
    start = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    for n in range(300):
        time_machine.move_to(start + dt.timedelta(seconds=n * 0.2), tick=False)
        response = client.get(f"/areas/{['liverpool', 'leeds', 'bristol-city-of'][n % 3]}/",
                              HTTP_X_FORWARDED_FOR="192.0.2.10")
        assert response.status_code == 200, n
    assert waited == []


@pytest.mark.django_db
def test_hsts_preload_only_when_asked(client, settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "preload" not in client.get("/", secure=True)["Strict-Transport-Security"]


OUTAGE = (
    "import os, time, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'dsptlookup.settings'; django.setup();"
    "from django.test import Client; c = Client();"
    "started = time.monotonic();"
    "r = c.get('/services/1-545611283/badge.svg'); print(r.status_code, r['Content-Type'], r['Retry-After']);"
    "print(r.content.decode().count('Result not available just now'));"
    "r = c.get('/api/v1/services?q=leeds'); print(r.status_code, r['Access-Control-Allow-Origin'], r.json()['error']);"
    "r = c.get('/services/1-545611283/badge.png'); print(r.status_code, r['Content-Type']);"
    "print(round(time.monotonic() - started, 1))"
)


def test_an_outage_gives_a_badge_picture_and_api_json():
    result = run_python(OUTAGE, {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver",
                                 "SECURE_SSL_REDIRECT": "0", "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"})
    assert result.returncode == 0, result.stderr[-2000:]
    badge, words, api, png, _ = result.stdout.splitlines()
    assert badge == "503 image/svg+xml; charset=utf-8 300"
    assert int(words) >= 1
    assert api.startswith("503 * The service is not available just now")
    assert png == "503 image/png"


def test_a_hung_database_gives_the_503_page_within_seconds():
    """A server that accepts connections and never answers: the connect timeout ends the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    held = []
    stop = threading.Event()

    def accept_and_say_nothing():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        code = ("import os, time, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'dsptlookup.settings'; django.setup();"
                "from django.test import Client; started = time.monotonic();"
                "r = Client().get('/search/?q=leeds'); print(r.status_code, round(time.monotonic() - started, 1))")
        started = time.monotonic()
        result = run_python(code, {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver",
                                   "SECURE_SSL_REDIRECT": "0", "DATABASE_CONNECT_TIMEOUT": "2",
                                   "DATABASE_URL": f"postgres://nobody@127.0.0.1:{port}/none"})
        assert result.returncode == 0, result.stderr[-2000:]
        status, seconds = result.stdout.split()
        assert status == "503"
        assert float(seconds) < 10 and time.monotonic() - started < 30
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


@pytest.mark.django_db
def test_one_client_cannot_keep_the_site_busy_with_expensive_requests(client, settings, monkeypatch):
    """Long searches and area pages: a burst, then held to the set share of the app's time; others are not held up.

    Each request here is made to cost one second of the app's time (what the middleware measures once it
    has run), so the client's allowance of 4 a second, 3 at once, lets 3 through and then one each 0.25 s."""
    from dsptlookup import limits

    settings.HEAVY_SECONDS_PER_SECOND, settings.HEAVY_BURST_SECONDS, settings.HEAVY_MAX_WAIT_SECONDS = 4, 3, 1
    settings.TRUSTED_PROXY_COUNT = 1
    spend = limits.spend
    monkeypatch.setattr(limits, "spend", lambda limit, key, cost, **kw: spend(limit, key, 1.0, **kw))
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    long_query = {"q": " ".join(f"word{n}" for n in range(12))}
    started = time.monotonic()
    for _ in range(8):
        assert client.get("/search/", long_query, **attacker).status_code == 200
    assert time.monotonic() - started >= 0.9  # 4 at once (the last after the burst is spent), then 4 more at 4 a second
    # Someone else, and ordinary searches from the same client, are not held up.
    started = time.monotonic()
    assert client.get("/search/", long_query, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
    assert client.get("/search/", {"q": "sunny side"}, **attacker).status_code == 200
    assert client.get("/areas/", **attacker).status_code == 200
    assert time.monotonic() - started < 0.5


@pytest.mark.django_db
def test_requests_arriving_together_wait_their_turn_then_are_refused(settings):
    """What each request cost is counted once it has run: a client over its allowance waits, then is refused."""
    from django.test import RequestFactory

    from dsptlookup import limits
    from dsptlookup.middleware import HeavyRequestThrottleMiddleware, heavy_limit

    settings.HEAVY_SECONDS_PER_SECOND, settings.HEAVY_BURST_SECONDS, settings.HEAVY_MAX_WAIT_SECONDS = 2, 3, 1
    waits = []
    for cost in (2, 2, 1, 1):
        waits.append(limits.ask(heavy_limit(), "203.0.113.66", now=100.0))
        limits.spend(heavy_limit(), "203.0.113.66", cost, now=100.0)
    waits.append(limits.ask(heavy_limit(), "203.0.113.66", now=100.0))
    assert waits == [0.0, 0.0, 0.5, 1.0, None]  # 6 seconds spent with 3 allowed at once, at 2 a second
    assert limits.ask(heavy_limit(), "198.51.100.7", now=100.0) == 0.0  # another client has its own turn
    assert limits.ask(heavy_limit(), "203.0.113.66", now=103.0) == 0.0  # and the first gets turns back with time
    request = RequestFactory().get("/api/v1/services", {"q": "x " * 30})
    refused = HeavyRequestThrottleMiddleware._too_many(request)
    assert refused.status_code == 429 and refused["Retry-After"] == "5"
