"""What an operator relies on: /healthz, /readyz, /metrics, a log line and an id per request, and data
dates every process sees within seconds of an import."""

import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers import freshness
from providers.imports.models import ImportRun


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # (no django_db mark: any query would fail this test)
    assert response.status_code == 200 and response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_answers_even_while_the_database_is_down(client, monkeypatch):
    from django.db.backends.postgresql.base import DatabaseWrapper
    from django.db.utils import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(DatabaseWrapper, "ensure_connection", down)
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("not answering")


@pytest.mark.django_db
def test_readyz_says_not_ready_until_there_is_data(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok" and body["checks"]["data"] == "no DSPT or CQC data imported yet"


def test_readyz_is_ready_with_data(client, sample_loaded):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {
        "status": "ready", "checks": {"database": "ok", "migrations": "ok", "data": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_names_migrations_not_applied(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    from dsptlookup import health

    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("providers", "0099_new")])
    body = client.get("/readyz").json()
    assert body["checks"]["migrations"] == "1 migrations not applied (run manage.py migrate)"


def test_metrics_in_prometheus_format(client, sample_loaded):
    client.get("/search/", {"q": "sunny"})
    client.get("/no-such-page/")
    text = client.get("/metrics").content.decode()
    assert re.search(r'dsptlookup_requests_total\{method="GET",status="200",view="search"\} [1-9]', text)
    assert re.search(r'dsptlookup_requests_total\{method="GET",status="404",view="unmatched"\} [1-9]', text)
    assert 'dsptlookup_request_duration_seconds_bucket{le="0.25",view="search"}' in text
    assert re.search(r'dsptlookup_import_runs\{kind="dspt",state="succeeded"\} 1\.0', text)
    assert re.search(r'dsptlookup_data_age_days\{source="dspt"\} \d', text)
    assert "/no-such-page/" not in text  # a label per view name, never per path
    assert 'dsptlookup_emails{state="failed"} 0.0' in text and 'dsptlookup_emails{state="pending"} 0.0' in text


@pytest.mark.django_db
def test_metrics_only_for_the_scraper(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    outside = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 403
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", **outside).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess", **outside).status_code == 403


@pytest.mark.django_db
def test_one_log_line_per_request_with_its_id(client, caplog, settings):
    caplog.set_level(logging.INFO, logger="dsptlookup.requests")
    response = client.get("/about/", {"q": "someone@example.org"})
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    [line] = [r for r in caplog.records if r.name == "dsptlookup.requests"]
    assert re.fullmatch(r"GET /about/ 200 \d+\.\dms", line.getMessage())
    assert line.request_id == request_id
    assert "example.org" not in line.getMessage()  # no query string: it can hold personal data
    # Behind our proxy, its id is kept, so one id follows a request through nginx and the app;
    # without a proxy of ours, a visitor cannot choose it.
    assert client.get("/about/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] != "abc-123"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/about/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/about/", HTTP_X_REQUEST_ID="<bad id>")["X-Request-ID"] != "<bad id>"


@pytest.mark.django_db
def test_an_import_elsewhere_is_seen_here_within_seconds(time_machine):
    """The worker (another process) imports: this process does not hear of it, but reads again within 5 s."""
    time_machine.move_to("2026-12-01 09:00:00Z", tick=False)
    assert freshness.data_dates().dspt_as_of is None
    import datetime as dt

    ImportRun.objects.create(kind="dspt", file_name="x.csv", state="succeeded", data_as_of=dt.date(2026, 11, 30))
    time_machine.move_to("2026-12-01 09:00:04Z", tick=False)
    with CaptureQueriesContext(connection) as queries:
        assert freshness.data_dates().dspt_as_of is None  # a page within the 5 s asks nothing
    assert len(queries) == 0
    time_machine.move_to("2026-12-01 09:00:06Z", tick=False)
    assert freshness.data_dates().dspt_as_of == dt.date(2026, 11, 30)


def test_the_health_addresses_are_named(client):
    assert reverse("healthz") == "/healthz" and reverse("readyz") == "/readyz" and reverse("metrics") == "/metrics"


@pytest.mark.django_db
def test_a_cache_that_cannot_be_written_fails_no_page(client, sample_loaded, caplog, monkeypatch):
    """As when the primary has stopped and pages answer from the replica (benchmarks/topology.py stops a
    real one): every cache write fails to connect. The cache is only a saving: pages still answer."""
    from django.core.cache.backends.db import DatabaseCache
    from django.db import OperationalError

    def primary_stopped(*args, **kwargs):
        raise OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 failed: '
                               "Connection refused")

    monkeypatch.setattr(DatabaseCache, "_base_set", primary_stopped)
    assert client.get("/services/1-545611283/badge.svg").status_code == 200  # a badge never drawn before
    assert client.get("/services/1-545611283/badge.png").status_code == 200
    assert client.get("/areas/england/feed.atom").status_code == 200
    assert client.get("/areas/england/").status_code == 200
    assert "Not kept in the shared cache: connection failed" in caplog.text
