"""The pages councils use, at England scale, next to a bare Django view measured in the same run.

Also a provider that runs 300 care services (made here if the data has none
that big): its page, later pages, filtered and sorted, Easy Read, API and feed.

    .venv/bin/python benchmarks/bench_search.py --scales 1   # first, to load 30,000 services (once)
    .venv/bin/python benchmarks/bench_councils.py

Uses the data bench_search.py loads (database dsptlookup_bench). Times the
largest area's page (with its dashboard), England's page, the area's Atom
feed and CSV, and the national CSV and JSON downloads (read to the end),
with England's figures cached as in production and then without.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_search import setup_django  # noqa: E402


def median_ms(client, url: str, repeat: int, *, before=None) -> float:
    samples = []
    client.get(url)
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client
    from django.utils.text import slugify

    from providers.register.models import Location

    settings.HEAVY_SECONDS_PER_SECOND = settings.HEAVY_BURST_SECONDS = 1e9  # measure the pages, not the throttle
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "benchmarks.bench_urls"  # the app, plus the bare view
    count = Location.objects.registered().count()
    if not count:
        sys.exit("No services loaded: run benchmarks/bench_search.py --scales 1 first.")
    largest = (Location.objects.registered().values("local_authority").annotate(n=Count("pk")).order_by("-n")[0])
    slug = slugify(largest["local_authority"])
    client = Client()
    print(f"== {count:,} services; largest area {largest['local_authority']} ({largest['n']} services) ==")
    print(f"{'request':55s} median ms")
    rows = [
        ("bare Django view (floor)", "/bare/", 50, None),
        (f"area page with dashboard: /areas/{slug}/", f"/areas/{slug}/", 20, None),
        ("  the same, England's figures not yet cached", f"/areas/{slug}/", 5, cache.clear),
        ("England's page: /areas/england/", "/areas/england/", 10, None),
        (f"area feed: /areas/{slug}/feed.atom", f"/areas/{slug}/feed.atom", 10, None),
        (f"area CSV: /areas/{slug}.csv", f"/areas/{slug}.csv", 5, None),
        (f"national CSV ({count:,} rows): /download/services.csv", "/download/services.csv", 3, None),
        (f"national JSON ({count:,} services): /download/services.json", "/download/services.json", 3, None),
        (f"national spreadsheet ({count:,} rows): /download/services.xlsx", "/download/services.xlsx", 3, None),
        ("England's feed: /areas/england/feed.atom", "/areas/england/feed.atom", 5, None),
    ]
    big = provider_with(300)
    base = f"/providers/{big}/"
    rows += [
        (f"provider with 300 services: {base}", base, 20, None),
        ("  its last page (page 15)", f"{base}?page=15", 20, None),
        ("  filtered (current checks) and sorted by area", f"{base}?status=current&sort=area", 20, None),
        ("  Easy Read", f"{base}easy-read/", 20, None),
        (f"  API: /api/v1/providers/{big}", f"/api/v1/providers/{big}", 20, None),
        (f"  feed: {base}feed.atom", f"{base}feed.atom", 10, None),
    ]
    for label, url, repeat, before in rows:
        print(f"{label:55s} {median_ms(client, url, repeat, before=before):9.1f}", flush=True)


def provider_with(services: int) -> str:
    """The CQC ID of a provider running at least `services` registered services; one is made from others if none does."""
    from django.db.models import Count, Q

    from providers.register.models import Location, Provider

    found = (Provider.objects.annotate(n=Count("locations", filter=Q(locations__deregistered_on__isnull=True)))
             .filter(n__gte=services).first())
    if found:
        return found.cqc_provider_id
    group, _ = Provider.objects.get_or_create(cqc_provider_id="1-999000300", defaults={"name": "Benchmark Care Group"})
    taken = Location.objects.registered().exclude(provider=group).values_list("pk", flat=True)[:services]
    Location.objects.filter(pk__in=list(taken)).update(provider=group, provider_name=group.name)
    return group.cqc_provider_id


if __name__ == "__main__":
    main()
