"""Load the small sample in fixtures/ so a newcomer sees a working service, on any date.

    python manage.py load_sample_data          # into an empty database; or bring the sample up to date
    python manage.py load_sample_data --force  # even if real data is already there

The sample files are a snapshot of November 2026 (the CQC list of 16 November,
the DSPT export of 20 November, whose results are mostly for 2025-26). Loaded
as they are, a year later every result would read "Out of date" and every
page would warn that our data is old. So they are loaded *made current*
(`current_sample`): the files are dated a few days before today, and the DSPT
years and publication dates move on by as many years as the current DSPT
year has since (none before 1 July 2027, one from then, and so on), never
after yesterday. The mix of results stays the same. Run again on a later day
(as `make run` does), it brings a database that holds only the sample up to
date; a database with real data is left alone. Tests import the fixed files.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from providers.imports.models import ImportRun
from providers.imports.sources import (
    import_cqc_file,
    import_dspt_file,
    import_ods_file,
    import_postcodes_file,
)
from providers.register.models import Location
from providers.results.dspt_status import year_needed_on

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SAMPLE_CQC = FIXTURES / "16_November_2026_HSCA_Active_Locations.ods"
SAMPLE_DSPT = FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv"
SAMPLE_POSTCODES = FIXTURES / "postcodes_sample.csv"
SAMPLE_ODS_SITES = FIXTURES / "ecarehomesite.csv"
SAMPLE_ODS_HEAD_OFFICES = FIXTURES / "ecarehomehq.csv"
STARTED_BY = "sample data"
# The DSPT year the sample's results count for, on the day its files were published.
SAMPLE_YEAR = year_needed_on(dt.date(2026, 11, 20))
_YEAR_IN_STATUS = re.compile(r"^(\d{2}|\d{4})([-/])(\d{2})\b")  # '25/26 ...' or '2025-26 ...'


class Command(BaseCommand):
    help = ("Import the sample CQC, DSPT, ODS and postcode files from fixtures/, dated to recent days "
            "(into an empty database, or one that holds only the sample).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Import the sample even if the database has real data.")

    def handle(self, *args, force: bool, **options):
        today = timezone.localdate()
        if Location.objects.exists() and not force:
            if not holds_only_the_sample():
                self.stdout.write("Care services are already loaded; leaving them alone (use --force to load the sample).")
                return
            if sample_is_current(today):
                self.stdout.write("The sample is already loaded and up to date.")
                return
            self.stdout.write("Bringing the sample's dates up to today.")
        with tempfile.TemporaryDirectory(prefix="dsptlookup-sample-") as folder:
            for importer, path in current_sample(Path(folder), today):
                run = importer(path=path, started_by=STARTED_BY)
                if run.state != ImportRun.State.SUCCEEDED:
                    raise CommandError(f"The sample file {path.name} was rejected: {run.message} {run.errors[:5]}")
                self.stdout.write(f"Loaded {path.name}: {run.added} added, {run.changed} changed.")
        self.stdout.write(self.style.SUCCESS("Sample data loaded."))


def holds_only_the_sample() -> bool:
    """True when every import that changed data was the sample's."""
    done = ImportRun.objects.filter(state=ImportRun.State.SUCCEEDED, dry_run=False)
    return not done.exclude(started_by=STARTED_BY).exists()


def sample_is_current(today: dt.date) -> bool:
    """The sample's DSPT data is no older than DSPT_STALE_DAYS (and so its results are of the current year)."""
    newest = ImportRun.objects.filter(kind=ImportRun.Kind.DSPT, state=ImportRun.State.SUCCEEDED,
                                      started_by=STARTED_BY).order_by("-data_as_of").first()
    return bool(newest and newest.data_as_of and (today - newest.data_as_of).days <= settings.DSPT_STALE_DAYS // 2)


def current_sample(folder: Path, today: dt.date) -> list[tuple[object, Path]]:
    """The sample files to import, in order, made current for `today` in `folder`."""
    cqc = folder / f"{today - dt.timedelta(days=4):%d_%B_%Y}_HSCA_Active_Locations.ods"
    shutil.copy(SAMPLE_CQC, cqc)
    dspt = folder / f"DSPT search results {today - dt.timedelta(days=1):%d_%m_%Y} 09_15_02.csv"
    write_current_dspt(SAMPLE_DSPT, dspt, today)
    return [(import_cqc_file, cqc), (import_dspt_file, dspt), (import_ods_file, SAMPLE_ODS_SITES),
            (import_ods_file, SAMPLE_ODS_HEAD_OFFICES), (import_postcodes_file, SAMPLE_POSTCODES)]


def write_current_dspt(source: Path, target: Path, today: dt.date) -> None:
    """The sample DSPT export with its years and dates moved on to `today`'s DSPT year, none after yesterday."""
    years = year_needed_on(today) - SAMPLE_YEAR
    with open(source, encoding="utf-8-sig", newline="") as read, open(target, "w", encoding="utf-8", newline="") as out:
        rows = csv.reader(read)
        writer = csv.writer(out)
        writer.writerow(next(rows))
        for code, name, status, published, *rest in rows:
            writer.writerow([code, name, _later_status(status, years), _later_date(published, years, today), *rest])


def _later_status(status: str, years: int) -> str:
    """'25/26 Standards Met' (or '2025-26 ...') moved on `years` years ('Not Published' stays)."""
    match = _YEAR_IN_STATUS.match(status)
    if not match:
        return status
    first, separator, _ = match.groups()
    start = int(first) + years
    start_text = f"{start:04d}" if len(first) == 4 else f"{start % 100:02d}"
    return f"{start_text}{separator}{(start + 1) % 100:02d}" + status[match.end():]


def _later_date(text: str, years: int, today: dt.date) -> str:
    """'12/06/2026' moved on `years` years (29 February to the 28th when it must), and never after yesterday."""
    if not text:
        return text
    day, month, year = (int(part) for part in text.split("/"))
    moved = dt.date(year + years, month, 28 if (month, day) == (2, 29) else day) if years else dt.date(year, month, day)
    return f"{min(moved, today - dt.timedelta(days=1)):%d/%m/%Y}"

