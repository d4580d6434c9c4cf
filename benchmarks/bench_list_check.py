"""Checking a council's list at England scale: 50, 800 and 5,000 rows, next to floors measured in the same run.

    .venv/bin/python benchmarks/bench_search.py --scales 1   # first, to load 30,000 services (once)
    .venv/bin/python benchmarks/bench_list_check.py

Each list is made from the loaded services the way councils write them: a fifth by CQC location ID, a tenth
by ODS code, the rest by name (punctuation dropped, "&" written "and", every tenth with a typo) with a
postcode, a town or nothing, and one row in twenty a service that does not exist. Prints how many rows were
matched, how many to the service they were made from and how many to another (the generated names repeat far
more than real ones: a name alone that several services share is rightly not matched). Times the whole upload
(POST /check-a-list/ with a CSV, the answer page and both downloads made) and the matching alone, beside the
floors: a bare Django view, and one search page (what a person checking the list by hand would load per row).
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_search import setup_django  # noqa: E402

SIZES = (50, 800, 5000)


def council_list(services: list, rows: int, seed: int = 39) -> tuple[list[list[str]], list]:
    """A council's list of `rows` services, written its own way (see the module's docstring), and the services
    each line was made from (None for one that does not exist)."""
    rng = random.Random(seed)
    chosen = rng.sample(services, rows)
    lines = []
    for number, service in enumerate(chosen):
        name = service.name.replace("&", "and")
        name = "".join(ch for ch in name if ch.isalnum() or ch == " ")
        if number % 10 == 3 and len(name) > 6:
            cut = rng.randrange(2, len(name) - 2)
            name = name[:cut] + name[cut + 1:]  # a letter dropped
        kind = number % 10
        line = [name, "", "", "", "", f"C-{number:05d}"]
        if kind in (0, 5):
            line[3] = service.cqc_location_id
        elif kind == 1 and service.ods_code:
            line[4] = service.ods_code
        elif kind in (2, 6, 8):
            line[1] = service.postcode.lower().replace(" ", "")
        elif kind in (4, 7):
            line[2] = service.town
        if number % 20 == 19:
            line = [f"Nonexistent Care {number}", "", "Nowhere", "", "", f"C-{number:05d}"]
            chosen[number] = None
        lines.append(line)
    return lines, chosen


def as_csv(lines: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["Provider / Home", "Post Code", "Town", "CQC Reg No", "NACS", "Contract ref"])
    writer.writerows(lines)
    return text.getvalue().encode()


def median_ms(run, repeat: int) -> float:
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from providers.checking.matching import Described, find_many
    from providers.register.models import Location

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "benchmarks.bench_urls"
    settings.LIST_CHECKS_BURST = 1e9  # measure the check, not the limit
    services = list(Location.objects.registered().only("name", "cqc_location_id", "ods_code", "postcode", "town"))
    if not services:
        sys.exit("No services loaded: run benchmarks/bench_search.py --scales 1 first.")
    client = Client()
    print(f"== {len(services):,} services ==")
    print(f"{'request':58s} median ms   per row ms   matched (right, wrong)")
    bare = median_ms(lambda: client.get("/bare/"), 50)
    search = median_ms(lambda: client.get("/search/?q=sunny+side+care"), 20)
    print(f"{'bare Django view (floor)':58s} {bare:9.1f}")
    print(f"{'one search page (floor: checking one row by hand)':58s} {search:9.1f}")
    for rows in SIZES:
        lines, sources = council_list(services, rows)
        body = as_csv(lines)
        repeat = 5 if rows < 1000 else 3

        def post():
            response = client.post("/check-a-list/", {"file": SimpleUploadedFile("list.csv", body)})
            assert response.status_code == 200, response.status_code

        described = [Described(name=l[0], postcode=l[1], town=l[2], location_id=l[3], ods_code=l[4]) for l in lines]
        found = find_many(described)
        matched = [(f.location.cqc_location_id, source.cqc_location_id if source else None)
                   for f, source in zip(found, sources) if f.status == "matched"]
        right = sum(1 for got, wanted in matched if got == wanted)
        whole = median_ms(post, repeat)
        alone = median_ms(lambda: find_many(described), repeat)
        print(f"{f'upload a list of {rows:,} rows (CSV), answer and downloads':58s} {whole:9.1f} {whole / rows:12.2f}"
              f" {len(matched) / rows:9.0%} ({right}, {len(matched) - right})")
        print(f"{f'  matching alone':58s} {alone:9.1f} {alone / rows:12.2f}")


if __name__ == "__main__":
    main()
