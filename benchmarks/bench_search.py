"""Search latency at England scale and at 10x, next to a bare Django view.

    .venv/bin/python benchmarks/bench_search.py                  # 30,000 and 300,000 services
    .venv/bin/python benchmarks/bench_search.py --scales 1       # England scale only

For each scale it loads generated files through the real importers
(services, DSPT organisations = 2x services, a postcode table; places of
realistic sizes, see benchmarks/generate.py), then times full page requests
through Django's test client: name, misspelt name, town, street, code, full
postcode, partial postcode, and a bare view that does nothing (the floor,
measured in the same run). Each kind is 20 different searches taken in turn
(names and codes of services spread over the table, towns big and small).
Prints the median and 95th percentile of the whole request, and the median
time spent in SQL and in Python, in ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "output"
BASE_SERVICES = 30000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsptlookup.settings")
    os.environ.setdefault("EMBEDDED_DATABASE_NAME", "dsptlookup_bench")
    # Production settings (DEBUG off: no query log, cached templates), on plain HTTP.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # the pages name files from whitenoise's manifest


def load(services: int) -> None:
    from django.db import connection

    from benchmarks import generate
    from providers.imports.sources import import_cqc_file, import_dspt_file, import_postcodes_file

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # emptying 300,000 rows takes longer than a web query may
        cursor.execute("TRUNCATE providers_location, providers_provider, providers_postcode CASCADE")
        cursor.execute("UPDATE providers_dsptorganisation SET current_assessment_id = NULL")
        cursor.execute("TRUNCATE providers_dsptassessment, providers_dsptorganisation CASCADE")
        cursor.execute("RESET statement_timeout")
    OUT.mkdir(parents=True, exist_ok=True)
    cqc, dspt, postcodes = OUT / f"search_cqc_{services}.csv", OUT / f"search_dspt_{services}.csv", OUT / f"search_pc_{services}.csv"
    generate.write_active_locations_csv(cqc, services)
    generate.write_dspt_csv(dspt, services * 2, services)
    seen = set()
    with open(postcodes, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pcds", "lat", "long"])
        for values in generate.location_records(services):
            code = values["Location Postal Code"].upper()
            if code not in seen:
                seen.add(code)
                writer.writerow([code, values["Location Latitude"], values["Location Longitude"]])
    for importer, path in ((import_cqc_file, cqc), (import_dspt_file, dspt), (import_postcodes_file, postcodes)):
        started = time.perf_counter()
        run = importer(path=path)
        assert run.state == "succeeded", (run.message, run.errors[:3])
        print(f"  loaded {path.name}: {run.rows_read} rows in {time.perf_counter() - started:.1f}s", flush=True)
    analyze()


def analyze() -> None:
    """Fresh planner statistics, as after a real import (outside the web's statement timeout)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("ANALYZE")
        cursor.execute("RESET statement_timeout")


def timings(client, urls: list[str], repeat: int) -> tuple[float, float, float]:
    """(median, p95, median SQL) of `repeat` requests, in milliseconds, taking `urls` in turn.

    Different searches of one kind, not one search again and again: the
    figures then include big towns and small, short names and long, and no
    cache of one query's answer can flatter them.
    """
    from django.db import connection

    sql_times: list[float] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_times.append((time.perf_counter() - started) * 1000)

    for url in urls:
        client.get(url)  # warm up: the first request of a process, and a first look at each row
    samples, sql_per_request = [], []
    with connection.execute_wrapper(timed):
        for n in range(repeat):
            url = urls[n % len(urls)]
            sql_times.clear()
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            sql_per_request.append(sum(sql_times))
            assert response.status_code in (200, 302), (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], statistics.median(sql_per_request)


def one_typo(name: str) -> str:
    """The name with two letters swapped in the middle of its longest word."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    middle = len(word) // 2
    words[longest] = word[:middle - 1] + word[middle] + word[middle - 1] + word[middle + 1:]
    return " ".join(words)


SAMPLES = 20  # different searches of each kind


def searches(services: int) -> dict[str, list[str]]:
    """{label: search addresses}: SAMPLES real-looking searches of each kind, from rows spread over the table."""
    from benchmarks.generate import COMMON_STREETS, places
    from providers.register.models import Location

    with_codes = Location.objects.exclude(postcode="").exclude(ods_code="").order_by("pk")
    step = with_codes.count() // SAMPLES
    rows = [with_codes[step * n + step // 2] for n in range(SAMPLES)]
    towns = [place[0] for place in places(services)]
    # Towns of every size: the biggest city, then places further down the list.
    town_sample = [towns[0]] + [towns[len(towns) * n // SAMPLES] for n in range(1, SAMPLES)]

    def url(query):
        return f"/search/?q={quote_plus(query)}"

    return {
        "bare Django view (floor)": ["/bare/"],
        f"name (e.g. '{rows[0].name}')": [url(row.name) for row in rows],
        f"misspelt name (e.g. '{one_typo(rows[0].name)}')": [url(one_typo(row.name)) for row in rows],
        f"town: the biggest ('{towns[0]}')": [url(towns[0])],
        "town: big and small": [url(town) for town in town_sample],
        "street (e.g. 'Station Road')": [url(street) for street in COMMON_STREETS] + [
            url(row.address_line_1.split(" ", 1)[1]) for row in rows[:8]],
        f"code: CQC ID (e.g. '{rows[0].cqc_location_id}')": [url(row.cqc_location_id) for row in rows],
        f"code: ODS (e.g. '{rows[0].ods_code}')": [url(row.ods_code) for row in rows],
        f"full postcode (e.g. '{rows[0].postcode}')": [url(row.postcode) for row in rows],
        f"partial postcode (e.g. '{rows[0].postcode.split()[0]}')": [url(row.postcode.split()[0]) for row in rows],
        "name + filters (care homes that meet)": ["/search/?q=oak+lodge&type=care_home&status=meets"],
        "htmx partial (as you type)": [url(row.name) for row in rows],
        "hostile: 8 random words": ["/search/?q=" + "+".join(["qzxw", "vbnm", "plok", "ijuh", "ygtf", "rdes",
                                                                "wsaq", "mnbv"])],
    }


def python_loop_ms() -> float:
    """The best of 3 timings of one fixed pure-Python loop: how fast this machine is just now.

    Shared machines vary by a third or more from one hour to the next; the
    same figure beside two runs says whether the code or the machine changed.
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(n * n for n in range(2_000_000))
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="multiples of 30,000 services")
    parser.add_argument("--repeat", type=int, default=60, help="requests of each kind")
    parser.add_argument("--reload", action="store_true", help="load the generated data even if it is already there")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from providers.imports.models import ImportRun

    call_command("migrate", verbosity=0)
    for scale in args.scales:
        services = BASE_SERVICES * scale
        print(f"\n== {services:,} services, {services * 2:,} DSPT organisations ==", flush=True)
        last = ImportRun.objects.filter(kind=ImportRun.Kind.CQC, state=ImportRun.State.SUCCEEDED).first()
        if last and last.rows_read == services and not args.reload:
            print("  (the benchmark database already holds this data; --reload to load it again)")
            analyze()
        else:
            load(services)
        queries = searches(services)
        # The per-client limit on expensive requests is off: this measures the pages, not the limit.
        with override_settings(ROOT_URLCONF="benchmarks.bench_urls", ALLOWED_HOSTS=["*"],
                               HEAVY_SECONDS_PER_SECOND=1e9, HEAVY_BURST_SECONDS=1e9):
            client = Client()
            print(f"{os.cpu_count()} CPU cores; {args.repeat} requests of each kind, {SAMPLES} different searches taken in turn")
            print(f"this machine's speed: a fixed Python loop took {python_loop_ms():.0f} ms (compare runs by it)")
            print(f"{'request':<52} {'median ms':>9} {'p95 ms':>7} {'SQL ms':>7} {'Python ms':>9}")
            for label, urls in queries.items():
                headers = {"HTTP_HX_REQUEST": "true"} if label.startswith("htmx") else {}
                client.defaults.update(headers)
                median, p95, sql = timings(client, urls, args.repeat)
                client.defaults.pop("HTTP_HX_REQUEST", None)
                print(f"{label[:52]:<52} {median:>9.1f} {p95:>7.1f} {sql:>7.1f} {median - sql:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
