"""Search latency at England scale and at 10x, next to a bare Django view.

    .venv/bin/python benchmarks/bench_search.py                  # 30,000 and 300,000 services
    .venv/bin/python benchmarks/bench_search.py --scales 1       # England scale only

For each scale it loads generated files through the real importers
(services, DSPT organisations = 2x services, a postcode table), then times
full page requests through Django's test client: name, misspelt name, town,
full postcode, partial postcode, and a bare view that does nothing.
Prints the median and 95th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "output"
BASE_SERVICES = 30000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsptlookup.settings")
    os.environ.setdefault("EMBEDDED_DATABASE_NAME", "dsptlookup_bench")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def load(services: int) -> None:
    from django.db import connection

    from benchmarks import generate
    from providers.services.cqc_import import import_cqc_file
    from providers.services.dspt_import import import_dspt_file
    from providers.services.postcode_import import import_postcodes_file

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE providers_location, providers_provider, providers_postcode CASCADE")
        cursor.execute("UPDATE providers_dsptorganisation SET current_assessment_id = NULL")
        cursor.execute("TRUNCATE providers_dsptassessment, providers_dsptorganisation CASCADE")
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timings(client, url: str, repeat: int) -> tuple[float, float]:
    client.get(url)  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="multiples of 30,000 services")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from providers.models import Location

    call_command("migrate", verbosity=0)
    for scale in args.scales:
        services = BASE_SERVICES * scale
        print(f"\n== {services:,} services, {services * 2:,} DSPT organisations ==", flush=True)
        load(services)
        sample = Location.objects.exclude(postcode="").order_by("pk")[services // 2]
        queries = {
            "bare Django view (baseline)": "/bare/",
            "name: 'sunny side care home'": "/search/?q=sunny+side+care+home",
            "misspelt name: 'wilow cotage'": "/search/?q=wilow+cotage",
            "town: 'Leeds'": "/search/?q=Leeds",
            f"full postcode: '{sample.postcode}'": f"/search/?q={sample.postcode.replace(' ', '+')}",
            f"partial postcode: '{sample.postcode.split()[0]}'": f"/search/?q={sample.postcode.split()[0]}",
            "name + filters (care homes that meet)": "/search/?q=oak+lodge&type=care_home&status=meets",
            "htmx partial: 'sunny side'": "/search/?q=sunny+side",
        }
        with override_settings(ROOT_URLCONF="benchmarks.bench_urls", ALLOWED_HOSTS=["*"]):
            client = Client()
            print(f"{'request':<45} {'median ms':>10} {'p95 ms':>10}")
            for label, url in queries.items():
                headers = {"HTTP_HX_REQUEST": "true"} if label.startswith("htmx") else {}
                client.defaults.update(headers)
                median, p95 = timings(client, url, args.repeat)
                client.defaults.pop("HTTP_HX_REQUEST", None)
                print(f"{label:<45} {median:>10.1f} {p95:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
