"""Import speed and memory at England scale, next to a raw COPY of the same rows.

    .venv/bin/python benchmarks/bench_imports.py                 # 30,000 CQC rows, 60,000 DSPT rows
    .venv/bin/python benchmarks/bench_imports.py --locations 10000 --dspt 20000

Uses its own database (dsptlookup_bench) on the embedded server, or the
server in DATABASE_URL. Each measurement runs in a fresh child process, so
"peak memory" is that import's own high-water mark. Prints a table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "output"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsptlookup.settings")
    os.environ.setdefault("EMBEDDED_DATABASE_NAME", "dsptlookup_bench")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def child(task: str, path: Path) -> dict:
    """Run one measurement in this process and return its figures."""
    setup_django()
    from django.db import connection

    from providers.imports.sources import import_cqc_file, import_dspt_file

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")  # emptying the tables is not a web request
        if task == "cqc":
            cursor.execute("TRUNCATE providers_location, providers_provider CASCADE")
        if task in ("dspt", "setup-dspt"):  # "dspt-again" imports the same file over the data of the last
            # DELETE, not TRUNCATE ... CASCADE, which would empty the care services too: the import's
            # matching step has 30,000 services to match, as it has in real life.
            cursor.execute("UPDATE providers_location SET dspt_organisation_id = NULL, dspt_match = ''")
            cursor.execute("DELETE FROM providers_namematchcandidate")
            cursor.execute("UPDATE providers_dsptorganisation SET current_assessment_id = NULL")
            cursor.execute("DELETE FROM providers_dsptassessment")
            cursor.execute("DELETE FROM providers_dsptorganisation")
        if task == "dspt-next-day":  # the day before, this file's rows came in yesterday's file
            from providers.imports.formats import date_in_file_name

            cursor.execute("UPDATE providers_dsptorganisation SET data_as_of = %s",
                           [date_in_file_name(path.name) - dt.timedelta(days=1)])
        # Real imports are a day apart, with autovacuum in between: start each from a vacuumed database.
        cursor.execute("VACUUM (ANALYZE) providers_location, providers_provider, providers_dsptorganisation, "
                       "providers_dsptassessment")
        cursor.execute("RESET statement_timeout")
    started = time.perf_counter()
    rows, steps = 0, {}
    if task in {"cqc", "cqc-again", "dspt", "dspt-again", "dspt-next-day", "setup-dspt"}:
        run = (import_cqc_file if task.startswith("cqc") else import_dspt_file)(path=path)
        assert run.state == "succeeded", (run.message, run.errors[:3])
        rows, steps = run.rows_read, run.timings
    elif task == "raw-copy":
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            headings = next(reader)
            with connection.cursor() as cursor:
                raw = cursor.cursor
                columns = ", ".join(f"c{i} text" for i in range(len(headings)))
                raw.execute("DROP TABLE IF EXISTS bench_raw_copy")
                raw.execute(f"CREATE TABLE bench_raw_copy ({columns})")
                with raw.copy("COPY bench_raw_copy FROM STDIN") as copy:
                    for cells in reader:
                        copy.write_row(cells)
                        rows += 1
                raw.execute("DROP TABLE bench_raw_copy")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"task": task, "file": path.name, "rows": rows, "seconds": round(seconds, 2),
            "rows_per_second": round(rows / seconds) if seconds else 0, "peak_mb": round(peak_mb), "steps": steps}


def measure(task: str, path: Path, repeat: int = 1) -> dict:
    """Run one measurement `repeat` times, each in a fresh child process; the run with the median time.

    This machine's speed wanders by a fifth from one run to the next, and a
    raw COPY of 60,000 short rows takes under a tenth of a second.
    """
    runs = []
    for _ in range(repeat):
        result = subprocess.run([sys.executable, __file__, "--child", task, str(path)], capture_output=True,
                                text=True, cwd=ROOT, timeout=3600)
        if result.returncode != 0:
            raise SystemExit(f"{task} failed:\n{result.stderr[-3000:]}")
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locations", type=int, default=30000)
    parser.add_argument("--dspt", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is shown")
    parser.add_argument("--only", choices=["dspt", "cqc"], help="measure one kind of file only")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks import generate

    OUT.mkdir(parents=True, exist_ok=True)
    small = OUT / "active_locations_third.csv"
    full_csv = OUT / "active_locations.csv"
    full_ods = OUT / "16_November_2026_HSCA_Active_Locations.ods"
    dspt = OUT / "DSPT search results 20_11_2026 09_15_02.csv"
    dspt_next_day = OUT / "DSPT search results 21_11_2026 09_15_02.csv"  # the same rows, the next day
    print(f"Generating files: {args.locations} CQC locations, {args.dspt} DSPT organisations ...", flush=True)
    generate.write_active_locations_csv(small, args.locations // 3)
    generate.write_active_locations_csv(full_csv, args.locations)
    if args.only != "dspt":
        generate.write_active_locations_ods(full_ods, args.locations)
    generate.write_dspt_csv(dspt, args.dspt, args.locations)
    shutil.copyfile(dspt, dspt_next_day)
    sizes = {p.name: p.stat().st_size / 1e6 for p in (full_csv, full_ods, dspt) if p.exists()}

    measure("setup-dspt", dspt)  # the DSPT records the CQC imports match their services to; not a figure
    # Each "again" follows the import of the same file, as in real life; repeats of a measurement run back to back.
    cqc_tasks = [("raw-copy", full_csv), ("cqc", small), ("cqc", full_csv), ("cqc-again", full_csv), ("cqc", full_ods)]
    dspt_tasks = [("raw-copy", dspt), ("dspt", dspt), ("dspt-again", dspt), ("dspt-next-day", dspt_next_day)]
    if args.only == "dspt":  # the CQC list the DSPT import matches its services to, once; not a figure
        measure("cqc", full_csv)
    tasks = {"dspt": dspt_tasks, "cqc": cqc_tasks}.get(args.only, cqc_tasks + dspt_tasks)
    results = [measure(task, path, args.repeat) for task, path in tasks]
    print()
    print(f"{'measurement':<30} {'file':<40} {'MB':>5} {'rows':>6} {'seconds':>7} {'× COPY':>7} {'peak MB':>7}  steps (s)")
    labels = {"raw-copy": "raw COPY, unindexed table", "cqc": "import_cqc (new data)",
              "cqc-again": "import_cqc (same file again)", "dspt": "import_dspt (new data)",
              "dspt-again": "import_dspt (same file again)", "dspt-next-day": "import_dspt (next day's file)"}
    copy_seconds = {}
    same_rows = {dspt_next_day.name: dspt.name}  # a copy under another name: the same COPY
    for r in results:
        size = sizes.get(r["file"], Path(OUT / r["file"]).stat().st_size / 1e6)
        if r["task"] == "raw-copy":
            copy_seconds[r["file"]] = r["seconds"]
        copy = copy_seconds.get(same_rows.get(r["file"], r["file"]))
        times = r["seconds"] / copy if copy and r["task"] != "raw-copy" else None
        steps = ", ".join(f"{name} {value:.2f}" for name, value in r["steps"].items() if name != "total")
        print(f"{labels[r['task']]:<30} {r['file'][:40]:<40} {size:>5.1f} {r['rows']:>6} {r['seconds']:>7.2f} "
              f"{f'{times:.1f}×' if times else '':>7} {r['peak_mb']:>7}  {steps}")
    print(f"\nEach figure is the median of {args.repeat} runs. × COPY: the import's time over a raw COPY of the same "
          "file in this run (the target is 10× at most).")


if __name__ == "__main__":
    main()
