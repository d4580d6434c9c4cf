"""Import a postcode lookup table (ONS Postcode Directory / NSPL, Open Government Licence).

It tells us where a visitor's postcode is, so search can list the nearest
care services. Accepted headings: a postcode column (`Postcode`, `pcds`,
`pcd` or `pcd2`) and coordinates (`lat`/`latitude`, `long`/`longitude`).
Other columns are ignored. The table is replaced as a whole.

Postcodes with no coordinates (NSPL writes 99.999999) and non-standard codes
are skipped and counted; a row with broken coordinates rejects the file.
"""

from __future__ import annotations

from pathlib import Path

from providers.imports import formats
from providers.imports.models import ImportRun
from providers.imports.skeleton import (
    ImportJob,
    ParsedFile,
    ProgressCallback,
    create_staging_table,
    data_rows,
    raw_cursor,
    run_import,
    set_aside_duplicates,
)
from providers.imports.tabular import Columns, FileProblem, Table, iter_rows, normalise_heading
from providers.search.models import Postcode
from providers.search.postcodes import normalise_postcode

POSTCODE_HEADINGS = ["Postcode", "pcds", "pcd", "pcd2"]
LATITUDE_HEADINGS = ["lat", "latitude"]
LONGITUDE_HEADINGS = ["long", "longitude", "lon"]
NO_LOCATION = 99.0  # NSPL's "no grid reference" latitude is 99.999999


def _find_header(rows):
    for row_number, cells in rows:
        names = {normalise_heading(c) for c in cells}
        has = lambda options: any(normalise_heading(o) in names for o in options)  # noqa: E731
        if has(POSTCODE_HEADINGS) and has(LATITUDE_HEADINGS) and has(LONGITUDE_HEADINGS):
            return Columns([c.strip() for c in cells])
        if row_number >= 5:
            break
    raise FileProblem("We need a postcode column (Postcode or pcds) and coordinates (lat and long).")


def import_postcodes_file(*, path: Path, file_name: str | None = None, dry_run: bool = False,
                          started_by: str = "", progress: ProgressCallback | None = None, as_of=None,
                          max_bad_share: float | None = None, queued: ImportRun | None = None) -> ImportRun:
    """Check a postcode file, then (unless dry_run) replace the postcode table with it."""
    return run_import(kind=ImportRun.Kind.POSTCODES, path=path, file_name=file_name, dry_run=dry_run,
                      started_by=started_by, progress=progress, as_of=as_of, max_bad_share=max_bad_share,
                      queued=queued, parsed=ParsedFile(), stage=_stage_file, apply=_apply_staging)


def _stage_file(job: ImportJob) -> None:
    parsed, reporter = job.parsed, job.reporter
    job.set_data_date()
    rows = iter_rows(job.path)
    columns = _find_header(rows)
    cursor = raw_cursor()
    create_staging_table(cursor, "postcode_staging", [
        ("row_number", "integer"), ("postcode", "text"), ("latitude", "double precision"), ("longitude", "double precision"),
    ])
    with cursor.copy("COPY postcode_staging FROM STDIN") as copy:
        table = Table(headings=columns.headings, header_row=0, rows=rows, preamble=[])
        for row_number, cells in data_rows(table, parsed=parsed, reporter=reporter, check_short_rows=False):
            row = columns.row(cells)
            postcode = normalise_postcode(row.get(*POSTCODE_HEADINGS))
            if postcode is None:
                parsed.skipped["not a standard postcode"] += 1
                continue
            try:
                lat = formats.parse_coordinate(row.get(*LATITUDE_HEADINGS), low=-90, high=100, name="lat")
                lon = formats.parse_coordinate(row.get(*LONGITUDE_HEADINGS), low=-180, high=180, name="long")
            except ValueError as exc:
                parsed.problems.add(row_number, str(exc))
                continue
            if lat is None or lon is None or lat >= NO_LOCATION:
                parsed.skipped["no coordinates"] += 1
                continue
            parsed.kept += 1
            copy.write_row((row_number, postcode, lat, lon))
    parsed.kept -= set_aside_duplicates(cursor, staging="postcode_staging", key="postcode", label="postcode", parsed=parsed)
    job.run.rows_read = parsed.rows_read
    if parsed.kept == 0 and not parsed.problems:
        raise FileProblem("The file has no postcodes with coordinates, so nothing was imported.")


POSTCODES = Postcode._meta.db_table


def _apply_staging(job: ImportJob) -> None:
    """Replace the postcode table with the staged postcodes."""
    run, parsed = job.run, job.parsed
    cursor = raw_cursor()
    cursor.execute(f"SELECT count(*) FROM {POSTCODES}")
    (before,) = cursor.fetchone()
    cursor.execute(f"DELETE FROM {POSTCODES}")
    cursor.execute(f"INSERT INTO {POSTCODES} (postcode, latitude, longitude) "
                   "SELECT postcode, latitude, longitude FROM postcode_staging")
    run.added = parsed.kept
    run.removed = before
    run.message = f"The postcode table now holds {parsed.kept} postcodes (it held {before})."
