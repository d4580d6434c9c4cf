"""The one shared limiter (dsptlookup/limits.py): per client behind our proxy, counted together by every
app process, atomic when requests arrive at once, and keeping no address in the clear."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from dsptlookup import limits

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # our nginx: every request arrives from it


def report(client, address: str):
    return client.post(reverse("contact"), {"message": "The phone number is wrong."},
                       HTTP_X_FORWARDED_FOR=address, **PROXY)


@pytest.mark.django_db
def test_reports_are_limited_per_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    from providers.reports.models import ProblemReport

    for n in range(8):  # eight different people, all through the proxy
        assert report(client, f"198.51.100.{n}").status_code == 302
    for _ in range(5):  # one person: five are taken
        assert report(client, "203.0.113.9").status_code == 302
    sixth = report(client, "203.0.113.9")
    assert sixth.status_code == 200 and "You have sent a lot of reports" in sixth.content.decode()
    assert ProblemReport.objects.count() == 13
    assert report(client, "198.51.100.0").status_code == 302  # and the others still can


@pytest.mark.django_db
def test_the_limit_comes_back_with_time(time_machine):
    five_an_hour = limits.Limit("test", per_second=5 / 3600, burst=5)
    time_machine.move_to("2026-12-01 09:00Z", tick=False)
    assert [limits.take(five_an_hour, "a") for _ in range(6)] == [0.0] * 5 + [None]
    time_machine.move_to("2026-12-01 09:11Z", tick=False)
    assert limits.take(five_an_hour, "a") is None  # one comes back each 12 minutes
    time_machine.move_to("2026-12-01 09:12Z", tick=False)
    assert limits.take(five_an_hour, "a") == 0.0 and limits.take(five_an_hour, "a") is None
    time_machine.move_to("2026-12-01 10:13Z", tick=False)
    assert limits.forget_the_past() == 1  # the worker's tidy-up: nobody is limited any more


@pytest.mark.django_db(transaction=True)
def test_requests_at_once_on_many_connections_are_counted_one_by_one():
    """As from many app processes: each thread has its own database connection."""
    burst = limits.Limit("test-burst", per_second=0.001, burst=5)
    results, start = [], threading.Barrier(20)

    def one():
        start.wait()
        try:
            results.append(limits.take(burst, "203.0.113.9"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=lambda r: r is None) == [0.0] * 5 + [None] * 15


@pytest.mark.django_db
def test_no_address_is_kept_in_the_clear(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    report(client, "203.0.113.77")
    limits.take(limits.Limit("sign-up", 1, 1), "someone@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(key, ' ') FROM dsptlookup_limit")
        keys = cursor.fetchone()[0]
    assert "203.0.113.77" not in keys and "example.org" not in keys and keys.count(":") == 2


@pytest.mark.django_db
def test_a_clock_that_goes_back_or_a_changed_limit_locks_nobody_out():
    """State no client could reach (further ahead than burst and wait allow) starts that client again."""
    slow = limits.Limit("clock", per_second=0.5, burst=3, max_wait=2)
    assert [limits.take(slow, "a", now=2_000_000_000.0) for _ in range(6)] == [0.0, 0.0, 0.0, 2.0, None, None]
    # The clock is set back a year (or a test travelled forward and back): not refused until next year.
    assert limits.take(slow, "a", now=1_968_000_000.0) == 0.0
    # A limit made more generous takes effect at once.
    assert [limits.take(slow, "b", now=100.0) for _ in range(5)][-1] is None
    generous = limits.Limit("clock", per_second=1000, burst=1000)
    assert limits.take(generous, "b", now=100.0) == 0.0
